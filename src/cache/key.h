// A cache key: SHA-256 over tagged fields (ccache's rule): the stage, the
// stage's own inputs and options, the versions of the tools that make the
// result, assetpipe's version and the cache format. Every field is written as
// <tag length><tag><value length><value>, so no two different field lists
// give the same bytes to hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace assetpipe::cache {

// Bumped whenever an entry's layout or the meaning of a field changes.
inline constexpr int kFormatVersion = 1;

class Key {
 public:
  // Starts with the cache format version, assetpipe's version, binary_id()
  // and the stage ("minify", "image", "compress").
  explicit Key(std::string_view stage);
  ~Key();
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;

  Key& add(std::string_view tag, std::string_view value);
  Key& add(std::string_view tag, int64_t value);
  Key& add(std::string_view tag, double value);
  Key& add(std::string_view tag, bool value) { return add(tag, int64_t{value}); }
  Key& add(std::string_view tag, int value) { return add(tag, int64_t{value}); }
  Key& add(std::string_view tag, const char* value) { return add(tag, std::string_view(value)); }
  Key& add(std::string_view tag, const std::string& value) {
    return add(tag, std::string_view(value));
  }

  // 64 lowercase hex digits. Call once.
  std::string hex();

 private:
  void feed(std::string_view bytes);
  void* ctx_;  // EVP_MD_CTX
};

// The running executable's content hash (part of every key).
const std::string& binary_id();

// Lowercase hex SHA-256 of `bytes` (the remote CAS names contents by it).
std::string sha256_hex(std::string_view bytes);

// The versions of the libraries linked in that make results: each stage adds
// the ones it uses to its keys.
const std::string& image_codec_versions();  // libwebp, libavif and its codecs, libjpeg, libpng
const std::string& compressor_versions();   // brotli, zlib

}  // namespace assetpipe::cache
