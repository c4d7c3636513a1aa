// Positions in messages: the input's line and column, through the minifier's map.
#include <gtest/gtest.h>

#include "link/positions.h"
#include "util/sourcemap.h"

using namespace assetpipe;
namespace sm = assetpipe::util::sourcemap;

namespace {

Asset minified_css() {
  // Original (3 lines) -> minified (1 line); the map knows rule starts only.
  std::string original = "a{}\nb {\n  background: url(x.png);\n}\n";
  sm::SourceMap map;
  map.sources = {"a.css"};
  map.sources_content = {original};
  map.lines = {{sm::Segment{0, 0, 0, 0, -1}, sm::Segment{3, 0, 1, 0, -1}}};
  Asset a;
  a.logical = "css/a.css";
  a.bytes = "a{}b{background:url(x.png)}";
  a.source_map = sm::encode(map);
  return a;
}

}  // namespace

TEST(LinkPositions, WithoutAMapLineAndColumnOfTheBytes) {
  Asset a;
  a.logical = "x.css";
  a.bytes = "a{}\n\xC3\xA9\xF0\x9F\x98\x80 url(y)";
  link::SourcePositions where(a);
  auto p = where.at(a.bytes.find("url"));
  EXPECT_EQ(p.line, 2);
  EXPECT_EQ(p.column, 4);  // two code points and a space before it
}

TEST(LinkPositions, ThroughTheMapToTheReferenceInTheOriginal) {
  Asset a = minified_css();
  link::SourcePositions where(a);
  size_t at = a.bytes.find("x.png");
  auto precise = where.at(at, "x.png");
  EXPECT_EQ(precise.line, 3);
  EXPECT_EQ(precise.column, 19);
  EXPECT_EQ(precise.origin, "");
  auto rule = where.at(at);  // without the text: where the map points (the rule)
  EXPECT_EQ(rule.line, 2);
  EXPECT_EQ(rule.column, 1);
}

TEST(LinkPositions, AMapIntoAnotherFileIsNamedInTheMessage) {
  Asset a = minified_css();
  sm::SourceMap map = *sm::decode(*a.source_map);
  map.sources = {"../src/a.scss"};
  a.source_map = sm::encode(map);
  link::SourcePositions where(a);
  auto p = where.at(a.bytes.find("x.png"), "x.png");
  EXPECT_EQ(p.line, 1);
  EXPECT_EQ(p.column, 21);
  EXPECT_EQ(p.origin, " (minified; from ../src/a.scss:2:1)");
}
