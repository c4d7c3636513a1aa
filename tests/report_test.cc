// The size report (src/cli/report.cc): made from the records row by row,
// and written as nlohmann's dump(2) of the whole document would be.
#include "cli/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace assetpipe;
using ::testing::HasSubstr;

namespace {

BuildResult site() {
  BuildResult r;
  r.assets.resize(4);
  auto& js = r.assets[0];
  js.logical = "js/app.js";
  js.output = "js/app.0123456789.js";
  js.input_size = 1000;
  js.digest.size = 400;
  js.encodings = {{Encoding::Codec::Brotli, "", 100}, {Encoding::Codec::Gzip, "", 120}};
  auto& map = r.assets[1];
  map.logical = "js/app.js.map";
  map.map_of = "js/app.js";  // merged into its owner's map: no row
  auto& img = r.assets[2];
  img.logical = "img/\xc3\xa9t\xc3\xa9.jpg";
  img.output = "img/\xc3\xa9t\xc3\xa9.abcdef0123.jpg";
  img.input_size = 5000;
  img.digest.size = 5000;
  img.variants = {{"webp", "", 10, 10, "", 3000},
                  {"avif", "", 10, 10, "larger than the original", 6000},
                  {"avif", "", 10, 10, "", 2500}};
  auto& empty = r.assets[3];
  empty.logical = "robots.txt";
  empty.output = "robots.txt";
  return r;
}

TEST(Report, JsonIsTheWholeDocumentsDumpAndLargestFirst) {
  BuildResult r = site();
  r.cache.enabled = true;
  r.cache.dir = "cache \"dir\"";
  r.cache.minify.misses = 3;
  cli::SizeReport report(r);
  std::string json = cli::size_report_json(r, report);
  auto doc = nlohmann::json::parse(json);
  EXPECT_EQ(json, doc.dump(2) + "\n");
  ASSERT_EQ(doc["files"].size(), 3u);
  EXPECT_EQ(doc["files"][0]["input"], "img/\xc3\xa9t\xc3\xa9.jpg");
  EXPECT_EQ(doc["files"][0]["best_variant"]["format"], "avif");
  EXPECT_EQ(doc["files"][0]["best_variant"]["size"], 2500);
  EXPECT_DOUBLE_EQ(doc["files"][0]["saving"].get<double>(), 0.5);
  EXPECT_EQ(doc["files"][1]["br"], 100);
  EXPECT_EQ(doc["files"][1]["gzip"], 120);
  EXPECT_DOUBLE_EQ(doc["files"][1]["saving"].get<double>(), 0.9);
  EXPECT_FALSE(doc["files"][2].contains("br"));
  EXPECT_EQ(doc["total"]["files"], 3);
  EXPECT_EQ(doc["total"]["best"], 2500 + 100);
  EXPECT_EQ(doc["total"]["br"], 100);
  EXPECT_EQ(doc["cache"]["minify"]["misses"], 3);
  EXPECT_EQ(doc["version"], 1);
}

TEST(Report, AnEmptyBuildAndNoCache) {
  BuildResult r;
  cli::SizeReport report(r);
  std::string json = cli::size_report_json(r, report);
  EXPECT_EQ(json, nlohmann::json::parse(json).dump(2) + "\n");
  EXPECT_FALSE(nlohmann::json::parse(json).contains("cache"));
  EXPECT_THAT(cli::size_table(report), HasSubstr("total (0 files)"));
}

TEST(Report, TableShowsTheTopRowsAndCountsTheRest) {
  BuildResult r = site();
  cli::SizeReport report(r);
  std::string table = cli::size_table(report, 2);
  EXPECT_THAT(table, HasSubstr("avif 2.4 KiB"));
  EXPECT_THAT(table, HasSubstr("js/app.0123456789.js"));
  EXPECT_THAT(table, HasSubstr("... and 1 more files"));
  EXPECT_THAT(table, HasSubstr("total (3 files)"));
}

}  // namespace
