#include "assetpipe/rare.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "assetpipe/asset.h"

using assetpipe::Asset;
using assetpipe::RareOptional;
using assetpipe::RareString;
using assetpipe::RareVector;

TEST(Rare, HoldersTakeOnePointerInTheRecord) {
  static_assert(sizeof(RareString) == sizeof(void*));
  static_assert(sizeof(RareVector<std::string>) == sizeof(void*));
  static_assert(sizeof(RareOptional<std::string>) == sizeof(void*));
  // What a build keeps per file for its whole length (issue 14): a record
  // that grows past this by accident shows here first.
  EXPECT_LE(sizeof(Asset), 272u);
}

TEST(Rare, AVectorReadsAndWritesAsOne) {
  RareVector<std::string> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.begin(), v.end());
  for (const auto& s : v) ADD_FAILURE() << "an empty vector yielded " << s;
  EXPECT_TRUE(v.vec().empty());

  v.push_back("a");
  v.emplace_back("b");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v.back(), "b");
  EXPECT_EQ(v.at(1), "b");
  EXPECT_EQ(std::vector<std::string>(v.begin(), v.end()), (std::vector<std::string>{"a", "b"}));

  RareVector<std::string> copy = v;  // deep: the copy does not share the vector
  copy[0] = "changed";
  EXPECT_EQ(v[0], "a");

  v = std::vector<std::string>{};  // an empty value frees the vector
  EXPECT_TRUE(v.empty());
  v = {"x", "y", "z"};
  EXPECT_EQ(v.size(), 3u);
  v.clear();
  EXPECT_EQ(v.size(), 0u);
}

TEST(Rare, AStringComparesAndConvertsAsOne) {
  RareString s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.str(), "");
  EXPECT_EQ(std::string_view(s), "");
  s = "map.js";
  EXPECT_EQ(s, "map.js");
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(std::string(s.c_str()), "map.js");
  const std::string& ref = s;
  EXPECT_EQ(ref, "map.js");
  RareString other = s;
  EXPECT_TRUE(other == s);
  s = std::string();
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(other == s);
}

TEST(Rare, AnOptionalTellsEmptyFromNone) {
  RareOptional<std::string> m;
  EXPECT_FALSE(m.has_value());
  EXPECT_FALSE(m);
  m = "";  // an empty map text is still a map (its bytes were parked or freed)
  EXPECT_TRUE(m.has_value());
  EXPECT_TRUE(m->empty());
  m = std::string("{}");
  EXPECT_EQ(*m, "{}");
  RareOptional<std::string> copy = m;
  *copy += " ";
  EXPECT_EQ(*m, "{}");
  EXPECT_FALSE(copy == m);
  m = std::nullopt;
  EXPECT_FALSE(m.has_value());
  m = std::optional<std::string>("x");
  EXPECT_EQ(m.value(), "x");
  m.emplace("y");
  EXPECT_EQ(*m, "y");
  m.reset();
  EXPECT_FALSE(m);
}

TEST(Rare, AnAssetCopiesItsOutOfLineFields) {
  Asset a;
  a.logical = "app.js";
  a.map_of = "app.js.map";
  a.notes.push_back("minified");
  a.source_map = "{}";
  a.encodings.push_back({});
  a.encodings.back().bytes = "br";
  Asset b = a;
  b.notes.push_back("more");
  b.encodings[0].bytes = "changed";
  *b.source_map = "[]";
  EXPECT_EQ(a.notes.size(), 1u);
  EXPECT_EQ(a.encodings[0].bytes, "br");
  EXPECT_EQ(*a.source_map, "{}");
  EXPECT_EQ(b.map_of, "app.js.map");
}
