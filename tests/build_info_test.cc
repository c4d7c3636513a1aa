// cli/build_info: `assetpipe --version -v` names every library the binary was
// built with, the version its loaded code reports, and where that code is.
#include "cli/build_info.h"

#include <avif/avif.h>
#include <oneapi/tbb/version.h>
#include <png.h>
#include <zlib.h>

#include <filesystem>
#include <map>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

std::map<std::string, cli::Component> by_name() {
  std::map<std::string, cli::Component> out;
  for (auto& c : cli::built_with()) out[c.name] = c;
  return out;
}

}  // namespace

TEST(BuildInfo, VersionsAreTheLoadedLibraries) {
  auto c = by_name();
  for (const char* name :
       {"libavif", "libwebp", "libjpeg-turbo", "libpng", "brotli", "zlib", "xxHash", "oneTBB",
        "libcrypto (OpenSSL)", "fmt", "nlohmann_json", "CLI11", "libstdc++", "glibc", "compiler"}) {
    ASSERT_TRUE(c.count(name)) << name;
    EXPECT_FALSE(c[name].version.empty()) << name;
  }
  // What the headers of this build say agrees with what the loaded code says.
  EXPECT_THAT(c["libavif"].version, ::testing::StartsWith(avifVersion()));
  EXPECT_THAT(c["libavif"].version, HasSubstr("aom"));  // the AV1 encoder is there
  EXPECT_EQ(c["libpng"].version, PNG_LIBPNG_VER_STRING);
  EXPECT_EQ(c["zlib"].version, ZLIB_VERSION);
  EXPECT_THAT(c["oneTBB"].version, ::testing::StartsWith(TBB_VERSION_STRING));
  std::regex dotted(R"(\d+\.\d+\.\d+)");
  for (const char* name :
       {"libwebp", "brotli", "xxHash", "fmt", "nlohmann_json", "libcrypto (OpenSSL)"}) {
    EXPECT_TRUE(std::regex_match(c[name].version, dotted)) << name << " " << c[name].version;
  }
}

TEST(BuildInfo, WhereIsTheBinaryOrAnExistingSharedObject) {
  for (const auto& c : cli::built_with()) {
    if (c.where.empty() || c.where == "linked in" || c.where == "compiled in") continue;
    EXPECT_TRUE(fs::is_regular_file(c.where)) << c.name << ": " << c.where;
    EXPECT_THAT(fs::path(c.where).filename().string(), HasSubstr(".so")) << c.name;
  }
  // This test binary is linked like the default build: libavif is Debian's
  // shared library (the portable build's is checked by NpmPackageInCleanRoot).
  auto c = by_name();
  EXPECT_THAT(fs::path(c["libavif"].where).filename().string(),
              ::testing::StartsWith("libavif.so"));
}

TEST(BuildInfo, VersionVerbosePrintsIt) {
  auto r = run_assetpipe({"--version", "-v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nbuilt with:\n"));
  // The binary links the same libraries as this test: the same lines.
  for (const auto& c : cli::built_with()) {
    EXPECT_THAT(r.out, HasSubstr("  " + c.name + " " + c.version)) << c.name;
  }
  // Without -v: the version only.
  auto plain = run_assetpipe({"--version"});
  EXPECT_EQ(plain.out.find("built with"), std::string::npos);
}
