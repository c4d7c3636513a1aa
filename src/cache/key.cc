#include "cache/key.h"

#include <elf.h>
#include <link.h>

#include <cstdio>
#include <cstring>
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

#include "cache/packed.h"

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

// The GNU build ID the linker put in the executable (a hash of what it
// linked; Debian's toolchain always writes one), read from memory; "" when
// there is none.
std::string gnu_build_id() {
  std::string id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) -> int {
        // The first object is the executable itself.
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
          const char* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof(ElfW(Nhdr));
            const char* desc = name + ((n->n_namesz + 3) & ~3u);
            if (desc + n->n_descsz > end) break;
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
              *static_cast<std::string*>(out) =
                  to_hex(reinterpret_cast<const unsigned char*>(desc), n->n_descsz);
              return 1;
            }
            p = desc + ((n->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &id);
  return id;
}

}  // namespace

// The running executable's identity, once: its GNU build ID, else an
// XXH3-128 of the file. A rebuilt assetpipe of the same version (a
// developer's, a patched package) never reads another build's results. The
// npm package's binary is the same file on every machine, so CI jobs and
// developers still share entries.
const std::string& binary_id() {
  static const std::string id = [] {
    // Reading and hashing the executable (66 MB with debug information)
    // would cost a warm build more than hashing its input.
    if (std::string build_id = gnu_build_id(); !build_id.empty()) return "build-id " + build_id;
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
  feed(Writer().str(tag).u64(value.size()).take());
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
