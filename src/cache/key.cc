#include "cache/key.h"

#include <cstdio>
#include <stdexcept>

#include <avif/avif.h>
#include <brotli/encode.h>
#include <fmt/format.h>
#include <jpeglib.h>
#include <openssl/evp.h>
#include <png.h>
#include <webp/encode.h>
#include <xxhash.h>
#include <zlib.h>

#include "util/file.h"

namespace assetpipe::cache {
namespace {

std::string to_hex(const unsigned char* digest, unsigned size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

// XXH3-128 of the running executable, once: a rebuilt assetpipe of the same
// version (a developer's, a patched package) never reads another build's
// results. The npm package's binary is the same file on every machine, so
// CI jobs and developers still share entries.
const std::string& binary_id() {
  static const std::string id = [] {
    auto bytes = util::read_file("/proc/self/exe");
    if (!bytes) return std::string("unknown");
    XXH128_hash_t h = XXH3_128bits(bytes->data(), bytes->size());
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
  }();
  return id;
}

Key::Key(std::string_view stage) : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("libcrypto: cannot start SHA-256");
  }
  add("format", int64_t{kFormatVersion});
  add("assetpipe", ASSETPIPE_VERSION);
  add("binary", binary_id());
  add("stage", stage);
}

Key::~Key() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Key::feed(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}

Key& Key::add(std::string_view tag, std::string_view value) {
  std::string lengths;
  put_u64(lengths, tag.size());
  feed(lengths);
  feed(tag);
  lengths.clear();
  put_u64(lengths, value.size());
  feed(lengths);
  feed(value);
  return *this;
}

Key& Key::add(std::string_view tag, int64_t value) { return add(tag, fmt::format("{}", value)); }

// Shortest text that reads back as the same double: one value, one key.
Key& Key::add(std::string_view tag, double value) { return add(tag, fmt::format("{}", value)); }

std::string Key::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &size);
  return to_hex(digest, size);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return to_hex(digest, size);
}

// Both computed once: they are in the key of every image and every encoding.
const std::string& image_codec_versions() {
  static const std::string versions = [] {
    char codecs[256] = {};
    avifCodecVersions(codecs);
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
    long jpeg = LIBJPEG_TURBO_VERSION_NUMBER;
#else
    long jpeg = JPEG_LIB_VERSION;
#endif
    return fmt::format("libwebp {:x}; libavif {} ({}); libjpeg {}; libpng {}",
                       WebPGetEncoderVersion(), avifVersion(), codecs, jpeg,
                       png_access_version_number());
  }();
  return versions;
}

const std::string& compressor_versions() {
  static const std::string versions =
      fmt::format("brotli {:x}; zlib {}", BrotliEncoderVersion(), zlibVersion());
  return versions;
}

}  // namespace assetpipe::cache
