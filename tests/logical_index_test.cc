#include "scan/logical_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace assetpipe::scan {
namespace {

std::vector<Asset> named(const std::vector<std::string>& logicals) {
  std::vector<Asset> out;
  for (const auto& l : logicals) {
    Asset a;
    a.logical = l;
    out.push_back(std::move(a));
  }
  return out;
}

TEST(LogicalIndex, FindsEveryFileAndNothingElse) {
  // In the walk's order (folder by folder), which is not byte order: "a/b" before "a-c".
  auto assets = named({"a/b.js", "a/b.js.map", "a-c.css", "index.html", "z/\xc3\xa9t\xc3\xa9.png"});
  LogicalIndex index(assets);
  for (size_t i = 0; i < assets.size(); ++i) {
    ASSERT_TRUE(index.find(assets[i].logical).has_value()) << assets[i].logical;
    EXPECT_EQ(*index.find(assets[i].logical), i);
    EXPECT_EQ(index.at(assets[i].logical), i);
  }
  EXPECT_FALSE(index.find("a/b").has_value());
  EXPECT_FALSE(index.find("a/b.js.").has_value());
  EXPECT_FALSE(index.find("").has_value());
  EXPECT_FALSE(index.contains("zz"));
  EXPECT_THROW(index.at("missing.js"), std::exception);
}

TEST(LogicalIndex, InOrderIsByteOrderOfTheNames) {
  auto assets = named({"b/x.js", "a/b.js", "a-c.css", "A.txt", "a.js"});
  LogicalIndex index(assets);
  std::vector<std::string> got;
  for (uint32_t i : index.in_order()) got.push_back(assets[i].logical);
  EXPECT_EQ(got, (std::vector<std::string>{"A.txt", "a-c.css", "a.js", "a/b.js", "b/x.js"}));
}

TEST(LogicalIndex, EmptyBuild) {
  std::vector<Asset> none;
  LogicalIndex index(none);
  EXPECT_FALSE(index.find("x").has_value());
  EXPECT_TRUE(index.in_order().empty());
}

}  // namespace
}  // namespace assetpipe::scan
