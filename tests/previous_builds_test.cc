// Keeping previous deploys (issue 12 item 4): a tab still open on an earlier
// build keeps loading its lazy chunks after the next deploy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emit/previous.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;

namespace {

std::string hashed_js(const fs::path& out) {
  auto m = nlohmann::json::parse(read(out / ".assetpipe/manifest.json"));
  return m["assets"]["js/lazy.js"]["file"];
}

}  // namespace

TEST(PreviousBuilds, HashedFilesOfEarlierBuildsAreCarriedWithinTheLimits) {
  TempDir t;
  std::string in = (t / "in").string(), out = (t / "out").string();
  write(t / "in/index.html", R"(<script type="module" src="js/app.js"></script>)");
  write(t / "in/js/app.js", "import('./lazy.js');\n");
  std::vector<std::string> generations;
  for (int v = 1; v <= 4; ++v) {
    write(t / "in/js/lazy.js", "export const version = " + std::to_string(v) + ";\n");
    auto r = run_assetpipe({"build", in, "-o", out, "--keep-age", "0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    generations.push_back(hashed_js(out));
  }
  // The current build and the two before it (--keep-previous 2, the default); not the first.
  EXPECT_FALSE(fs::exists(fs::path(out) / generations[0]));
  for (int v = 1; v <= 3; ++v) {
    EXPECT_TRUE(fs::exists(fs::path(out) / generations[size_t(v)])) << v;
  }
  EXPECT_THAT(read(fs::path(out) / generations[1]), ::testing::HasSubstr("version=2;"));
  EXPECT_TRUE(fs::exists(fs::path(out) / (generations[1] + ".map")));
  // previous.json says which build each came from, newest first.
  auto prev = nlohmann::json::parse(read(fs::path(out) / ".assetpipe/previous.json"));
  ASSERT_EQ(prev["builds"].size(), 2u);
  EXPECT_THAT(prev["builds"][0]["files"].dump(), ::testing::HasSubstr(generations[2]));
  EXPECT_THAT(prev["builds"][1]["files"].dump(), ::testing::HasSubstr(generations[1]));
  // The same input again carries nothing new and changes nothing.
  auto before = snapshot(out);
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out, "--keep-age", "0"}).exit_code, 0);
  EXPECT_EQ(snapshot(out).size(), before.size());
  // The age limit keeps more when it is the larger one.
  write(t / "in/js/lazy.js", "export const version = 5;\n");
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out, "--keep-previous", "1", "--keep-age", "1h"})
                .exit_code,
            0);
  EXPECT_TRUE(fs::exists(fs::path(out) / generations[3]));
  EXPECT_TRUE(fs::exists(fs::path(out) / generations[2]));  // replaced seconds ago
  // --keep-previous 0 keeps nothing.
  write(t / "in/js/lazy.js", "export const version = 6;\n");
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out, "--keep-previous", "0"}).exit_code, 0);
  for (const auto& g : generations) EXPECT_FALSE(fs::exists(fs::path(out) / g)) << g;
  EXPECT_FALSE(fs::exists(fs::path(out) / ".assetpipe/previous.json"));
}

TEST(PreviousBuilds, DurationsParse) {
  EXPECT_EQ(emit::parse_duration("90"), 90u);
  EXPECT_EQ(emit::parse_duration("30m"), 1800u);
  EXPECT_EQ(emit::parse_duration("1h"), 3600u);
  EXPECT_EQ(emit::parse_duration("2d"), 172800u);
  EXPECT_FALSE(emit::parse_duration("h"));
  EXPECT_FALSE(emit::parse_duration("1 h"));
  EXPECT_FALSE(emit::parse_duration("-1"));
  auto r = run_assetpipe({"build", "in", "-o", "out", "--keep-age", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, ::testing::HasSubstr("--keep-age soon"));
}

TEST(PreviousBuilds, HashedFilesOfAManifestEntryByEntry) {
  std::string manifest = R"({
  "assets": {
    "a.js": {"file": "a.0123456789.js", "immutable": true, "map": "a.0123456789.js.map",
             "encodings": {"br": {"size": 3}, "gzip": {"size": 4}}},
    "img/p.jpg": {"file": "img/p.abcdefabcd.jpg", "immutable": true,
                  "variants": {"webp": {"file": "img/p.abcdefabcd.jpg.webp"}}},
    "index.html": {"file": "index.html", "immutable": false,
                   "encodings": {"br": {"size": 1}}},
    "twice.css": {"file": "first.1111111111.css", "immutable": true},
    "twice.css": {"file": "last.2222222222.css", "immutable": true},
    "odd": {"file": 7, "immutable": true},
    "\u00e9t\u00e9.svg": {"file": "\u00e9t\u00e9.3333333333.svg", "immutable": true}
  },
  "version": 1
})";
  auto files = emit::hashed_files_of_manifest(manifest);
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{
                       "a.0123456789.js", "a.0123456789.js.br", "a.0123456789.js.gz",
                       "a.0123456789.js.map", "img/p.abcdefabcd.jpg",
                       "img/p.abcdefabcd.jpg.webp", "last.2222222222.css",
                       "\xc3\xa9t\xc3\xa9.3333333333.svg"}));
  // Not JSON, not an object, no assets: nothing to carry (never an error).
  EXPECT_TRUE(emit::hashed_files_of_manifest(manifest.substr(0, manifest.size() / 2)).empty());
  EXPECT_TRUE(emit::hashed_files_of_manifest("[1, 2]").empty());
  EXPECT_TRUE(emit::hashed_files_of_manifest(R"({"assets": [1]})").empty());
}
