// Decoding the precompressed variants, for `assetpipe verify`.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace assetpipe::verify {

// The decoded bytes of a brotli stream; fails when it is corrupt, truncated,
// has trailing bytes, or decodes to more than `limit` bytes.
util::Result<std::string> brotli_decode(std::string_view encoded, size_t limit);

// The same for a gzip member (RFC 1952).
util::Result<std::string> gzip_decode(std::string_view encoded, size_t limit);

}  // namespace assetpipe::verify
