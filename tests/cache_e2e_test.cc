// The cache end to end (issue "incremental builds"): a warm build equals a
// cold one byte for byte and redoes nothing; one changed photo is the only
// image encoded again; bad entries are rebuilt; builds may share a cache.
#include <sys/wait.h>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image_test_util.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using namespace assetpipe::test::images;
using ::testing::HasSubstr;

namespace {

const std::map<std::string, std::string> kCacheOn = {{"ASSETPIPE_NO_CACHE", "0"}};

// An unminified script big enough to be precompressed.
std::string script(const std::string& name) {
  std::string s = "(function () {\n";
  for (int i = 0; i < 40; ++i) {
    s += "  var " + name + "_number_" + std::to_string(i) + " = 'hello ' + document.title;\n";
    s += "  console.log(" + name + "_number_" + std::to_string(i) + ");\n";
  }
  return s + "})();\n";
}

// A small site: the basic fixture (with its dot.png), two photos, a page
// that shows one of them, scripts big enough to be precompressed.
void make_site(const fs::path& in) {
  copy_fixture("basic", in);
  write(in / "img/a.jpg", write_jpeg(photo(320, 200)));
  write(in / "img/b.jpg", write_jpeg(photo(200, 320)));
  write(in / "js/big.js", script("big"));
  write(in / "js/other.js", script("other"));
  std::string filler;
  for (int i = 0; i < 30; ++i) filler += "<p>Paragraph " + std::to_string(i) + " of the gallery.</p>\n";
  write(in / "gallery.html", "<!doctype html><title>g</title><script src=\"js/big.js\"></script>"
                             "<img src=\"img/a.jpg\" alt=a>\n" + filler);
}
constexpr uint64_t kImages = 3;  // dot.png, a.jpg, b.jpg

nlohmann::json build(const fs::path& in, const fs::path& out, const fs::path& cache,
                     std::vector<std::string> extra = {}) {
  fs::path report = out.string() + "-report.json";
  // The per-file entries are what these tests are about: no whole-build
  // snapshot (tests/snapshot_test.cc) answers first.
  std::vector<std::string> args = {"build",         in.string(),    "-o",
                                   out.string(),    "-q",           "--no-snapshot",
                                   "--cache-dir",   cache.string(), "--report-file",
                                   report.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_assetpipe(args, kCacheOn);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(read(report));
}

uint64_t misses(const nlohmann::json& report, const char* stage) {
  return report["cache"][stage]["misses"].get<uint64_t>();
}
uint64_t hits(const nlohmann::json& report, const char* stage) {
  return report["cache"][stage]["local_hits"].get<uint64_t>() +
         report["cache"][stage]["remote_hits"].get<uint64_t>();
}

std::map<std::string, std::string> cold(const fs::path& in, const fs::path& out) {
  auto r = run_assetpipe({"build", in.string(), "-o", out.string(), "-q", "--no-cache"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return snapshot(out);
}

TEST(CacheE2E, WarmBuildRedoesNothingAndEqualsAColdOne) {
  TempDir tmp;
  make_site(tmp / "in");
  auto first = build(tmp / "in", tmp / "out1", tmp / "cache");
  EXPECT_GT(misses(first, "minify"), 0u);
  EXPECT_EQ(misses(first, "image"), kImages);
  EXPECT_GT(misses(first, "compress"), 0u);
  EXPECT_EQ(hits(first, "image"), 0u);

  auto second = build(tmp / "in", tmp / "out2", tmp / "cache");
  EXPECT_EQ(misses(second, "minify"), 0u);
  EXPECT_EQ(misses(second, "image"), 0u);
  EXPECT_EQ(misses(second, "compress"), 0u);
  EXPECT_EQ(hits(second, "minify"), misses(first, "minify"));
  EXPECT_EQ(hits(second, "image"), kImages);
  EXPECT_EQ(hits(second, "compress"), misses(first, "compress"));

  auto reference = cold(tmp / "in", tmp / "cold");
  EXPECT_EQ(snapshot(tmp / "out1"), reference);
  EXPECT_EQ(snapshot(tmp / "out2"), reference);
}

TEST(CacheE2E, OneChangedPhotoIsTheOnlyImageEncodedAgain) {
  TempDir tmp;
  make_site(tmp / "in");
  auto first = build(tmp / "in", tmp / "out1", tmp / "cache");
  write(tmp / "in/img/a.jpg", write_jpeg(photo(330, 200)));
  auto second = build(tmp / "in", tmp / "out2", tmp / "cache");
  EXPECT_EQ(misses(second, "image"), 1u);
  EXPECT_EQ(hits(second, "image"), kImages - 1);
  EXPECT_EQ(misses(second, "minify"), 0u);
  // Only gallery.html names a.jpg: its .br and .gz are the only encodings made again
  // (images are not precompressed).
  EXPECT_EQ(misses(second, "compress"), 2u);
  EXPECT_EQ(snapshot(tmp / "out2"), cold(tmp / "in", tmp / "cold"));
}

TEST(CacheE2E, CorruptEntriesAreRebuiltWithOneWarning) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "cache");
  size_t damaged = 0;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "cache/v1")) {
    if (!e.is_regular_file()) continue;
    std::string bytes = read(e.path());
    if (damaged % 2 == 0) bytes[bytes.size() / 2] ^= 0x20;  // flipped
    else bytes.resize(bytes.size() / 3);                    // truncated
    write(e.path(), bytes);
    ++damaged;
  }
  ASSERT_GT(damaged, 4u);
  fs::path report = tmp / "r.json";
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out2").string(),
                          "--cache-dir", (tmp / "cache").string(), "--report-file",
                          report.string()},
                         kCacheOn);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("ignored a bad cache entry"));
  size_t count = 0;
  for (size_t p = r.err.find("bad cache entry"); p != std::string::npos;
       p = r.err.find("bad cache entry", p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << r.err;
  auto j = nlohmann::json::parse(read(report));
  EXPECT_EQ(hits(j, "minify") + hits(j, "image") + hits(j, "compress"), 0u);
  EXPECT_EQ(snapshot(tmp / "out2"), cold(tmp / "in", tmp / "cold"));
  // The rebuilt entries are good again.
  auto third = build(tmp / "in", tmp / "out3", tmp / "cache");
  EXPECT_EQ(misses(third, "image") + misses(third, "minify") + misses(third, "compress"), 0u);
}

TEST(CacheE2E, TwoBuildsSharingOneCacheAtOnceAreBothCorrect) {
  TempDir tmp;
  make_site(tmp / "in");
  for (int i = 0; i < 6; ++i) {
    write(tmp / "in" / ("img/p" + std::to_string(i) + ".jpg"), write_jpeg(photo(400 + 10 * i, 300)));
  }
  RunResult a, b;
  auto run = [&](RunResult& r, const std::string& out) {
    r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / out).string(), "-q",
                       "--cache-dir", (tmp / "cache").string(), "-j", "1"},
                      kCacheOn);
  };
  std::thread t1(run, std::ref(a), "out1"), t2(run, std::ref(b), "out2");
  t1.join();
  t2.join();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto reference = cold(tmp / "in", tmp / "cold");
  EXPECT_EQ(snapshot(tmp / "out1"), reference);
  EXPECT_EQ(snapshot(tmp / "out2"), reference);
  auto warm = build(tmp / "in", tmp / "out3", tmp / "cache");
  EXPECT_EQ(misses(warm, "image") + misses(warm, "minify") + misses(warm, "compress"), 0u);
  EXPECT_EQ(snapshot(tmp / "out3"), reference);
}

TEST(CacheE2E, OptionsOfAStageAreInItsKeysOnly) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "cache");
  // Another WebP quality: images again, no minification; an image's name
  // covers its variants, so the page that names a.jpg changes and is the
  // only file compressed again (its .br and .gz).
  auto webp = build(tmp / "in", tmp / "out2", tmp / "cache", {"--webp-quality", "70"});
  EXPECT_EQ(misses(webp, "image"), kImages);
  EXPECT_EQ(misses(webp, "minify"), 0u);
  EXPECT_EQ(misses(webp, "compress"), 2u);
  // Another brotli quality: brotli encodings again, no images.
  auto br = build(tmp / "in", tmp / "out3", tmp / "cache", {"--brotli-quality", "9"});
  EXPECT_EQ(misses(br, "image"), 0u);
  EXPECT_GT(misses(br, "compress"), 0u);
  EXPECT_LT(misses(br, "compress"), misses(br, "compress") + hits(br, "compress"));
}

TEST(CacheE2E, ACachedWarningNamesTheFileItIsAbout) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  // Two copies of one broken JPEG share a cache entry; each warns under its own name.
  std::string broken = write_jpeg(photo(64, 64)).substr(0, 300);
  write(tmp / "in/img/x.jpg", broken);
  write(tmp / "in/img/y.jpg", broken);
  for (int round = 0; round < 2; ++round) {
    auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(), "-j",
                            "1", "--cache-dir", (tmp / "cache").string()},
                           kCacheOn);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("img/x.jpg: warning:")) << "round " << round;
    EXPECT_THAT(r.err, HasSubstr("img/y.jpg: warning:")) << "round " << round;
  }
}

TEST(CacheE2E, StatsCleanAndTrim) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "cache");
  auto stats = run_assetpipe({"cache", "stats", "--cache-dir", (tmp / "cache").string()});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("last build, image: 0 local hits, 0 remote hits, 3 misses"));
  // A tiny limit trims after the build.
  auto small = build(tmp / "in", tmp / "out2", tmp / "cache", {"--cache-max-size", "1K"});
  uint64_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "cache/v1")) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  EXPECT_LE(bytes, 1024u);
  auto clean = run_assetpipe({"cache", "clean", "--cache-dir", (tmp / "cache").string()});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("removed"));
  EXPECT_FALSE(fs::exists(tmp / "cache/v1"));
  EXPECT_TRUE(fs::exists(tmp / "in/index.html"));  // nothing else touched
}

TEST(CacheE2E, NoCacheWritesNoCacheAndDefaultDirIsBesidePackageJson) {
  TempDir tmp;
  make_site(tmp / "proj/dist");
  write(tmp / "proj/package.json", "{\"name\": \"p\"}");
  auto r = run_assetpipe({"build", (tmp / "proj/dist").string(), "-o", (tmp / "out").string(),
                          "-q"},
                         kCacheOn);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_directory(tmp / "proj/node_modules/.cache/assetpipe/v1"));
  auto off = run_assetpipe({"build", (tmp / "proj/dist").string(), "-o", (tmp / "out2").string(),
                            "-q", "--no-cache", "--cache-dir", (tmp / "c2").string()},
                           kCacheOn);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_FALSE(fs::exists(tmp / "c2"));
}

TEST(CacheE2E, ShardWithoutAWritableRemoteIsAUsageError) {
  TempDir tmp;
  make_site(tmp / "in");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                          "--shard", "1/3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--remote-cache"));
  auto bad = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                            "--shard", "4/3", "--remote-cache", "http://127.0.0.1:1/x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("I/N"));
}

}  // namespace
