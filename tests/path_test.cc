#include "util/path.h"
#include "util/url.h"

#include <gtest/gtest.h>

namespace util = assetpipe::util;

TEST(Path, FolderBaseAndExtension) {
  EXPECT_EQ(util::folder_of("css/main.css"), "css/");
  EXPECT_EQ(util::folder_of("a.js"), "");
  EXPECT_EQ(util::folder_of("a/b/"), "a/b/");
  EXPECT_EQ(util::base_name("css/main.css"), "main.css");
  EXPECT_EQ(util::base_name("a.js"), "a.js");
  EXPECT_EQ(util::lower_extension("A/B.JS"), ".js");
  EXPECT_EQ(util::lower_extension("a.tar.GZ"), ".gz");
  EXPECT_EQ(util::lower_extension("x.d/README"), "");
  EXPECT_EQ(util::lower_extension(".htaccess"), "");
  EXPECT_EQ(util::lower_extension("dir/.env"), "");
  EXPECT_EQ(util::lower_extension("a."), ".");
}

TEST(Path, SegmentsAndRelativePaths) {
  EXPECT_EQ(util::split_segments("a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_EQ(util::split_segments(""), (std::vector<std::string_view>{""}));
  EXPECT_EQ(util::relative_path("css/", "img/a.png"), "../img/a.png");
  EXPECT_EQ(util::relative_path("", "img/a.png"), "img/a.png");
  EXPECT_EQ(util::relative_path("a/b/", "a/c.js"), "../c.js");
  EXPECT_EQ(util::relative_path("a/", "a/b/c.js"), "b/c.js");
}

TEST(Path, RebaseKeepsWhatAPathNames) {
  EXPECT_EQ(util::rebase_path("../src/a.ts", "css/", "css/"), "../src/a.ts");
  EXPECT_EQ(util::rebase_path("../src/a.ts", "maps/", "js/"), "../src/a.ts");
  EXPECT_EQ(util::rebase_path("a.ts", "maps/", "js/"), "../maps/a.ts");
  EXPECT_EQ(util::rebase_path("a.ts", "", "js/min/"), "../../a.ts");
  EXPECT_EQ(util::rebase_path("./x/../a.ts", "js/", "js/"), "a.ts");
  // Above the root stays above the root.
  EXPECT_EQ(util::rebase_path("../../up.ts", "css/", ""), "../up.ts");
  EXPECT_EQ(util::rebase_path("../../up.ts", "css/", "js/"), "../../up.ts");
}

TEST(Path, HexDigits) {
  EXPECT_EQ(util::hex_value('0'), 0);
  EXPECT_EQ(util::hex_value('a'), 10);
  EXPECT_EQ(util::hex_value('F'), 15);
  EXPECT_EQ(util::hex_value('g'), -1);
  EXPECT_TRUE(util::is_hex_digit('c'));
  EXPECT_FALSE(util::is_hex_digit('/'));
}

// One rule for the minifier's composed maps and the link step's taken-over maps.
TEST(Path, RelativeSourcesOfAMap) {
  EXPECT_TRUE(util::is_relative_source("../src/a.ts"));
  EXPECT_TRUE(util::is_relative_source("a.ts"));
  EXPECT_TRUE(util::is_relative_source("a/b:c.ts"));  // a colon after a slash is no scheme
  EXPECT_FALSE(util::is_relative_source("/abs/a.ts"));
  EXPECT_FALSE(util::is_relative_source("webpack:///./src/a.js"));
  EXPECT_FALSE(util::is_relative_source("https://example.com/a.js"));
  EXPECT_FALSE(util::is_relative_source("//cdn.example.com/a.js"));
  EXPECT_FALSE(util::is_relative_source("#x"));
  EXPECT_FALSE(util::is_relative_source(""));
}
