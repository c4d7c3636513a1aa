// Source maps follow the rewrite: columns after a rewritten reference shift by
// its length change.
#include <gtest/gtest.h>

#include "link/link.h"
#include "util/sourcemap.h"

using namespace assetpipe;
namespace sm = assetpipe::util::sourcemap;

TEST(LinkSourceMaps, ColumnsAfterARewrittenReferenceShift) {
  // One generated line: "a{background:url(x.png)}b{color:red}"; 'b' at column 24
  // comes from line 1 of the original.
  std::string css = "a{background:url(x.png)}b{color:red}";
  sm::SourceMap map;
  map.sources = {"src.css"};
  map.lines = {{sm::Segment{0, 0, 0, 0, -1}, sm::Segment{24, 0, 1, 0, -1}}};
  Asset a;
  a.logical = "a.css";
  a.kind = FileKind::Css;
  a.bytes = css;
  a.source_map = sm::encode(map);
  Asset png;
  png.logical = "x.png";
  png.kind = FileKind::Png;
  png.bytes = "PNG";
  std::vector<Asset> assets = {a, png};
  Options o;
  Diagnostics d;
  link::link(assets, o, d);
  EXPECT_EQ(d.warning_count(), 0u);
  size_t growth = assets[1].output.size() - std::string("x.png").size();
  ASSERT_EQ(growth, 11u);
  auto at_b = sm::lookup(*assets[0].source_map, 0, static_cast<int>(24 + growth));
  ASSERT_TRUE(at_b && *at_b);
  EXPECT_EQ((*at_b)->line, 1);
  EXPECT_EQ((*at_b)->column, 0);
  auto before_b = sm::lookup(*assets[0].source_map, 0, static_cast<int>(23 + growth));
  ASSERT_TRUE(before_b && *before_b);
  EXPECT_EQ((*before_b)->line, 0);
  auto file = sm::decode(*assets[0].source_map);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->file, assets[0].output);
}
