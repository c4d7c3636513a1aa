// Decoders for tests: what a browser does with a .br or .gz response.
#pragma once

#include <string>
#include <string_view>

namespace assetpipe::test {

// Throws std::runtime_error on a corrupt or truncated stream.
std::string brotli_decode(std::string_view compressed);
std::string gzip_decode(std::string_view compressed);

}  // namespace assetpipe::test
