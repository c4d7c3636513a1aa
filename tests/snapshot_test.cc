// Whole-build snapshots (src/snapshot.h): a build with the input and
// options of an earlier one links that build's output, byte-identical to a
// cold build; any change to an input, an option or a snapshot file in place
// makes it build the per-file way.
#include "snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image_test_util.h"
#include "support/test_support.h"
#include "util/hash.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using namespace assetpipe::test::images;
using ::testing::HasSubstr;

namespace {

const std::map<std::string, std::string> kCacheOn = {{"ASSETPIPE_NO_CACHE", "0"}};

void make_site(const fs::path& in) {
  copy_fixture("basic", in);
  write(in / "img/a.jpg", write_jpeg(photo(160, 100)));
  std::string js = "(function () {\n";
  for (int i = 0; i < 40; ++i) js += "  console.log('line " + std::to_string(i) + "', document.title);\n";
  write(in / "js/big.js", js + "})();\n");
}

struct Built {
  nlohmann::json report;
  std::string err;
};

Built build(const fs::path& in, const fs::path& out, const fs::path& cache,
            std::vector<std::string> extra = {}) {
  fs::path report = out.string() + "-report.json";
  std::vector<std::string> args = {"build",       in.string(),    "-o",
                                   out.string(),  "--cache-dir",  cache.string(),
                                   "--report-file", report.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_assetpipe(args, kCacheOn);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return {nlohmann::json::parse(read(report)), r.err};
}

bool replayed(const Built& b) { return b.report["cache"]["snapshot"].get<bool>(); }

uint64_t lookups(const Built& b) {
  uint64_t n = 0;
  for (const char* stage : {"minify", "image", "compress"}) {
    const auto& c = b.report["cache"][stage];
    n += c["local_hits"].get<uint64_t>() + c["remote_hits"].get<uint64_t>() +
         c["misses"].get<uint64_t>();
  }
  return n;
}

std::map<std::string, std::string> cold(const fs::path& in, const fs::path& out,
                                        std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"build", in.string(), "-o", out.string(), "-q", "--no-cache"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_assetpipe(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return snapshot(out);
}

ino_t inode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

TEST(Snapshot, SecondBuildLinksTheFirstsOutputAndEqualsAColdOne) {
  TempDir tmp;
  make_site(tmp / "in");
  auto first = build(tmp / "in", tmp / "out1", tmp / "cache");
  EXPECT_FALSE(replayed(first));
  EXPECT_GT(lookups(first), 0u);
  auto second = build(tmp / "in", tmp / "out2", tmp / "cache");
  EXPECT_TRUE(replayed(second));
  EXPECT_EQ(lookups(second), 0u) << "no per-file lookup";
  EXPECT_EQ(second.report["files"], first.report["files"]);
  EXPECT_EQ(second.report["total"], first.report["total"]);
  auto reference = cold(tmp / "in", tmp / "cold");
  EXPECT_EQ(snapshot(tmp / "out2"), reference);
  EXPECT_EQ(snapshot(tmp / "out1"), reference);
  // Linked, not copied: the second output's files are the first's inodes.
  for (const auto& [rel, bytes] : reference) {
    EXPECT_EQ(inode(tmp / "out2" / rel), inode(tmp / "out1" / rel)) << rel;
  }
  // The summary says so.
  auto third = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out3").string(),
                              "--cache-dir", (tmp / "cache").string()},
                             kCacheOn);
  EXPECT_THAT(third.out, HasSubstr("linked from its snapshot"));
  EXPECT_EQ(snapshot(tmp / "out3"), reference);
}

TEST(Snapshot, AChangedInputOrOptionBuildsThePerFileWay) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "cache");
  // One option that shapes the output.
  auto option = build(tmp / "in", tmp / "out2", tmp / "cache", {"--webp-quality", "50"});
  EXPECT_FALSE(replayed(option));
  EXPECT_EQ(snapshot(tmp / "out2"), cold(tmp / "in", tmp / "cold2", {"--webp-quality", "50"}));
  // One byte of one input, same size and mtime.
  struct stat st {};
  ASSERT_EQ(::stat((tmp / "in/robots.txt").c_str(), &st), 0);
  std::string text = read(tmp / "in/robots.txt");
  text[0] = text[0] == 'X' ? 'Y' : 'X';
  write(tmp / "in/robots.txt", text);
  timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, (tmp / "in/robots.txt").c_str(), times, 0), 0);
  auto input = build(tmp / "in", tmp / "out3", tmp / "cache");
  EXPECT_FALSE(replayed(input));
  EXPECT_EQ(snapshot(tmp / "out3"), cold(tmp / "in", tmp / "cold3"));
  // A flag that shapes nothing (-j) still replays.
  auto jobs = build(tmp / "in", tmp / "out4", tmp / "cache", {"-j", "1"});
  EXPECT_TRUE(replayed(jobs));
  EXPECT_EQ(snapshot(tmp / "out4"), snapshot(tmp / "out3"));
}

TEST(Snapshot, AnOutputEditedInPlaceIsNotReplayed) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "cache", {"-v"});  // -v is in the key: its notes are recorded
  auto reference = cold(tmp / "in", tmp / "cold");
  // out1's files share their inodes with the snapshot: an in-place edit
  // (an append, as a deploy script might do) reaches it.
  {
    std::FILE* f = std::fopen((tmp / "out1/robots.txt").c_str(), "a");
    ASSERT_NE(f, nullptr);
    std::fputs("# added by hand\n", f);
    std::fclose(f);
  }
  auto second = build(tmp / "in", tmp / "out2", tmp / "cache", {"-v"});
  EXPECT_FALSE(replayed(second));
  EXPECT_THAT(second.err, HasSubstr("a file of the snapshot was changed or removed"));
  EXPECT_EQ(snapshot(tmp / "out2"), reference);
}

TEST(Snapshot, ReplaysIntoAnExistingOutputCarryingThePreviousBuild) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out", tmp / "cache");
  write(tmp / "in/js/big.js", "console.log('a new version of the script, long enough');\n");
  build(tmp / "in", tmp / "out", tmp / "cache");
  auto two = snapshot(tmp / "out");  // carries the first build's hashed files
  // Building the second input again into the output holding it: replayed,
  // and the carried files are carried again.
  auto again = build(tmp / "in", tmp / "out", tmp / "cache");
  EXPECT_TRUE(replayed(again));
  EXPECT_EQ(snapshot(tmp / "out"), two);
}

TEST(Snapshot, NoSnapshotFlagDryRunOrAnOutputOverItsShareOfTheCacheRecordNothing) {
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "cache", {"--no-snapshot"});
  EXPECT_FALSE(fs::exists(tmp / "cache/snapshots"));
  // The output (a few KiB) is more than a quarter of a 16 KiB cache.
  auto small = build(tmp / "in", tmp / "out3", tmp / "cache", {"--cache-max-size", "16K"});
  EXPECT_GT(small.report["total"]["size"].get<uint64_t>(), 4096u);
  EXPECT_EQ(assetpipe::snapshot::usage(tmp / "cache").snapshots, 0u);
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out2").string(),
                          "--dry-run", "--cache-dir", (tmp / "cache").string()},
                         kCacheOn);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "cache/snapshots"));
}

TEST(Snapshot, ABuildThatWarnedRecordsNoneAndWarnsAgain) {
  TempDir tmp;
  make_site(tmp / "in");
  write(tmp / "in/img/broken.jpg", write_jpeg(photo(64, 64)).substr(0, 300));
  for (int round = 0; round < 2; ++round) {
    auto b = build(tmp / "in", tmp / ("out" + std::to_string(round)), tmp / "cache");
    EXPECT_FALSE(replayed(b)) << round;
    EXPECT_THAT(b.err, HasSubstr("img/broken.jpg: warning:")) << round;
  }
  EXPECT_EQ(assetpipe::snapshot::usage(tmp / "cache").snapshots, 0u);
}

TEST(Snapshot, StatsCleanAndTrimToTheNewest) {
  TempDir tmp;
  make_site(tmp / "in");
  // One more distinct build than are kept.
  for (size_t i = 0; i <= assetpipe::snapshot::kMaxSnapshots; ++i) {
    build(tmp / "in", tmp / ("out" + std::to_string(i)), tmp / "cache",
          {"--base", "/v" + std::to_string(i) + "/"});
  }
  auto stats = run_assetpipe({"cache", "stats", "--cache-dir", (tmp / "cache").string()});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr(fmt::format("build snapshots: {} (",
                                               assetpipe::snapshot::kMaxSnapshots)));
  // The newest is kept; the oldest is gone.
  auto newest = build(tmp / "in", tmp / "again", tmp / "cache",
                      {"--base", "/v" + std::to_string(assetpipe::snapshot::kMaxSnapshots) + "/"});
  EXPECT_TRUE(replayed(newest));
  auto oldest = build(tmp / "in", tmp / "again0", tmp / "cache", {"--base", "/v0/"});
  EXPECT_FALSE(replayed(oldest));
  auto clean = run_assetpipe({"cache", "clean", "--cache-dir", (tmp / "cache").string()});
  EXPECT_THAT(clean.out, HasSubstr("build snapshots"));
  EXPECT_FALSE(fs::exists(tmp / "cache/snapshots"));
}

TEST(Snapshot, TwoBuildsAtOnceBothCorrectAndOneSnapshotKept) {
  TempDir tmp;
  make_site(tmp / "in");
  std::thread a([&] { build(tmp / "in", tmp / "outA", tmp / "cache"); });
  std::thread b([&] { build(tmp / "in", tmp / "outB", tmp / "cache"); });
  a.join();
  b.join();
  auto reference = cold(tmp / "in", tmp / "cold");
  EXPECT_EQ(snapshot(tmp / "outA"), reference);
  EXPECT_EQ(snapshot(tmp / "outB"), reference);
  EXPECT_EQ(assetpipe::snapshot::usage(tmp / "cache").snapshots, 1u);
  auto third = build(tmp / "in", tmp / "outC", tmp / "cache");
  EXPECT_TRUE(replayed(third));
  EXPECT_EQ(snapshot(tmp / "outC"), reference);
}

TEST(Snapshot, RecordsRoundTrip) {
  using namespace assetpipe;
  Asset a;
  a.logical = "img/a.jpg";
  a.source_path = "/in/img/a.jpg";
  a.kind = FileKind::Jpeg;
  a.entry = true;
  a.fingerprinted = true;
  a.mtime = 1700000000;
  a.input_size = 1234;
  a.streamed = true;
  a.streamed_hash = "abcdef0123";
  a.source_map.emplace("text that is not kept");
  a.map_of = "x.js";
  a.variants = {{"webp", "bytes not kept", 10, 20, "", 99}, {"avif", "", 10, 20, "larger", 0}};
  a.encodings = {{Encoding::Codec::Brotli, "", 5}, {Encoding::Codec::Gzip, "", 6}};
  a.source_map_encodings = {{Encoding::Codec::Gzip, "", 7}};
  a.imports = {"css/site.css", "js/x.js"};
  a.preloads = {{"f.woff2", "/f.woff2", "font", "font/woff2", "sha384-x"}};
  a.output = "img/a.0123456789.jpg";
  a.digest = {1234, util::sha384("abc"), "sha512-def"};
  a.map_digest = Digest{55, util::sha384("map"), ""};
  a.notes = {"kept as is", "second note"};
  Asset b;
  b.logical = "robots.txt";
  auto packed = snapshot::pack_assets({a, b});
  auto back = snapshot::unpack_assets(packed);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  const Asset& c = (*back)[0];
  EXPECT_EQ(c.logical, a.logical);
  EXPECT_EQ(c.source_path, a.source_path);
  EXPECT_EQ(c.kind, a.kind);
  EXPECT_TRUE(c.entry && c.fingerprinted && c.streamed);
  EXPECT_EQ(c.mtime, a.mtime);
  EXPECT_EQ(c.input_size, a.input_size);
  EXPECT_EQ(c.streamed_hash, a.streamed_hash);
  EXPECT_TRUE(c.source_map.has_value());
  EXPECT_EQ(c.map_of, a.map_of);
  ASSERT_EQ(c.variants.size(), 2u);
  EXPECT_EQ(c.variants[0].format, "webp");
  EXPECT_EQ(c.variants[0].width, 10);
  EXPECT_EQ(c.variants[0].height, 20);
  EXPECT_EQ(c.variants[0].size, 99u);
  EXPECT_EQ(c.variants[1].skipped, "larger");
  ASSERT_EQ(c.encodings.size(), 2u);
  EXPECT_EQ(c.encodings[1].codec, Encoding::Codec::Gzip);
  EXPECT_EQ(c.encodings[1].size, 6u);
  ASSERT_EQ(c.source_map_encodings.size(), 1u);
  EXPECT_EQ(c.imports, a.imports);
  ASSERT_EQ(c.preloads.size(), 1u);
  EXPECT_EQ(c.preloads[0].type, "font/woff2");
  EXPECT_EQ(c.preloads[0].integrity, "sha384-x");
  EXPECT_EQ(c.output, a.output);
  EXPECT_EQ(c.digest.integrity(), util::sri_sha384("abc"));
  EXPECT_EQ(c.digest.sha512, a.digest.sha512);
  ASSERT_TRUE(c.map_digest);
  EXPECT_EQ(c.map_digest->size, 55u);
  EXPECT_EQ(c.map_digest->integrity(), util::sri_sha384("map"));
  EXPECT_EQ(c.notes, a.notes);
  EXPECT_EQ((*back)[1].logical, "robots.txt");
  EXPECT_FALSE((*back)[1].source_map.has_value());
  // Truncated or padded: refused, never a partial record.
  for (size_t cut : {size_t{0}, size_t{7}, packed.size() / 2, packed.size() - 1}) {
    EXPECT_FALSE(snapshot::unpack_assets(packed.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(snapshot::unpack_assets(packed + "x"));
}

}  // namespace
