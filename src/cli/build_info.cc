#include "cli/build_info.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>

#include <avif/avif.h>
#include <brotli/encode.h>
#include <fmt/format.h>
#include <jpeglib.h>
#include <oneapi/tbb/version.h>
#include <openssl/crypto.h>
#include <png.h>
#include <webp/encode.h>
#include <xxhash.h>
#include <zlib.h>
#include <CLI/Version.hpp>
#include <nlohmann/json.hpp>

namespace assetpipe::cli {
namespace {

#define ASSETPIPE_STR2(x) #x
#define ASSETPIPE_STR(x) ASSETPIPE_STR2(x)

// Where the code at `address` lives: "linked in" for the binary itself, else
// the shared object's path.
std::string where_is(const void* address) {
  Dl_info info{};
  if (::dladdr(address, &info) == 0 || info.dli_fname == nullptr || *info.dli_fname == '\0') {
    return "linked in";
  }
  std::error_code ec;
  auto self = std::filesystem::canonical("/proc/self/exe", ec);
  auto lib = std::filesystem::canonical(info.dli_fname, ec);
  if (!ec && lib == self) return "linked in";
  return ec ? std::string(info.dli_fname) : lib.string();
}

template <typename F>
const void* address_of(F* function) {
  return reinterpret_cast<const void*>(function);
}

std::string packed_version(unsigned v, unsigned shift, unsigned mask) {
  return fmt::format("{}.{}.{}", (v >> (2 * shift)) & mask, (v >> shift) & mask, v & mask);
}

}  // namespace

std::vector<Component> built_with() {
  std::vector<Component> out;
  char codecs[256] = {};
  avifCodecVersions(codecs);
  out.push_back({"libavif", fmt::format("{} ({})", avifVersion(), codecs),
                 where_is(address_of(&avifVersion))});
  out.push_back({"libwebp", packed_version(static_cast<unsigned>(WebPGetEncoderVersion()), 8, 0xff),
                 where_is(address_of(&WebPGetEncoderVersion))});
  out.push_back({"libjpeg-turbo", ASSETPIPE_STR(LIBJPEG_TURBO_VERSION),
                 where_is(address_of(&jpeg_CreateCompress))});
  unsigned png = png_access_version_number();  // 10639
  out.push_back({"libpng", fmt::format("{}.{}.{}", png / 10000, png / 100 % 100, png % 100),
                 where_is(address_of(&png_access_version_number))});
  out.push_back({"brotli", packed_version(BrotliEncoderVersion(), 12, 0xfff),
                 where_is(address_of(&BrotliEncoderVersion))});
  out.push_back({"zlib", zlibVersion(), where_is(address_of(&zlibVersion))});
  unsigned xxh = XXH_versionNumber();
  out.push_back({"xxHash", fmt::format("{}.{}.{}", xxh / 10000, xxh / 100 % 100, xxh % 100),
                 where_is(address_of(&XXH_versionNumber))});
  out.push_back({"oneTBB", TBB_runtime_version(), where_is(address_of(&TBB_runtime_version))});
  out.push_back({"libcrypto (OpenSSL)", OpenSSL_version(OPENSSL_VERSION_STRING),
                 where_is(address_of(&OpenSSL_version))});
  out.push_back(
      {"fmt",
       fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100),
       where_is(address_of(
           static_cast<std::string (*)(fmt::string_view, fmt::format_args)>(&fmt::vformat)))});
  out.push_back({"nlohmann_json",
                 fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                             NLOHMANN_JSON_VERSION_PATCH),
                 "compiled in"});
  out.push_back({"CLI11", CLI11_VERSION, "compiled in"});
  out.push_back(
      {"libstdc++", ASSETPIPE_STR(__GLIBCXX__), where_is(address_of(&std::set_terminate))});
  out.push_back({"glibc", gnu_get_libc_version(), where_is(address_of(&gnu_get_libc_version))});
  out.push_back({"compiler", __VERSION__, ""});
  return out;
}

void print_build_info(std::ostream& out) {
  out << "built with:\n";
  for (const auto& c : built_with()) {
    out << fmt::format("  {} {}{}\n", c.name, c.version,
                       c.where.empty() ? "" : " [" + c.where + "]");
  }
}

}  // namespace assetpipe::cli
