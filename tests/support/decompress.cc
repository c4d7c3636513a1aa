#include "support/decompress.h"

#include <stdexcept>

#include "verify/decode.h"

namespace assetpipe::test {
namespace {

constexpr size_t kLimit = size_t{1} << 31;

std::string or_throw(util::Result<std::string> r) {
  if (!r) throw std::runtime_error(r.error());
  return std::move(*r);
}

}  // namespace

// The decoders of `assetpipe verify` (libbrotli's and zlib's own decoders,
// independent of the encoders under test).
std::string brotli_decode(std::string_view compressed) {
  return or_throw(verify::brotli_decode(compressed, kLimit));
}

std::string gzip_decode(std::string_view compressed) {
  return or_throw(verify::gzip_decode(compressed, kLimit));
}

}  // namespace assetpipe::test
