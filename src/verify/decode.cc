#include "verify/decode.h"

#include <brotli/decode.h>
#include <zlib.h>

namespace assetpipe::verify {

util::Result<std::string> brotli_decode(std::string_view encoded, size_t limit) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (!s) return util::fail("out of memory");
  std::string out;
  size_t avail_in = encoded.size();
  auto* next_in = reinterpret_cast<const uint8_t*>(encoded.data());
  BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  char buf[65536];
  while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT && out.size() <= limit) {
    size_t avail_out = sizeof buf;
    auto* next_out = reinterpret_cast<uint8_t*>(buf);
    rc = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.append(buf, sizeof buf - avail_out);
  }
  BrotliDecoderDestroyInstance(s);
  if (out.size() > limit) return util::fail("it decodes to more bytes than the file has");
  if (rc != BROTLI_DECODER_RESULT_SUCCESS) return util::fail("corrupt or truncated brotli stream");
  if (avail_in != 0) return util::fail("bytes after the end of the brotli stream");
  return out;
}

util::Result<std::string> gzip_decode(std::string_view encoded, size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return util::fail("zlib failed to start");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(encoded.data()));
  z.avail_in = static_cast<uInt>(encoded.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK && out.size() <= limit) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (out.size() > limit) return util::fail("it decodes to more bytes than the file has");
  if (rc != Z_STREAM_END) return util::fail("corrupt or truncated gzip stream");
  if (trailing) return util::fail("bytes after the end of the gzip stream");
  return out;
}

}  // namespace assetpipe::verify
