#include "support/decompress.h"

#include <stdexcept>

#include <brotli/decode.h>
#include <zlib.h>

namespace assetpipe::test {

std::string brotli_decode(std::string_view compressed) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  std::string out;
  size_t avail_in = compressed.size();
  auto* next_in = reinterpret_cast<const uint8_t*>(compressed.data());
  BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  char buf[65536];
  while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    size_t avail_out = sizeof buf;
    auto* next_out = reinterpret_cast<uint8_t*>(buf);
    rc = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.append(buf, sizeof buf - avail_out);
  }
  BrotliDecoderDestroyInstance(s);
  if (rc != BROTLI_DECODER_RESULT_SUCCESS || avail_in != 0) {
    throw std::runtime_error("corrupt or truncated brotli stream");
  }
  return out;
}

std::string gzip_decode(std::string_view compressed) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || trailing) throw std::runtime_error("corrupt or truncated gzip stream");
  return out;
}

}  // namespace assetpipe::test
