#include "emit/emit.h"

#include <gtest/gtest.h>

#include <memory>

namespace assetpipe::emit {
namespace {

Asset image_with_everything() {
  Asset a;
  a.logical = "img/a.jpg";
  a.output = "img/a.0123456789.jpg";
  a.digest.size = 100;
  a.source_map = "";
  a.map_digest = Digest{7, {}, ""};
  a.source_map_encodings = {{Encoding::Codec::Gzip, "", 3}};
  a.variants = {{"webp", "", 1, 1, "", 40}, {"avif", "", 0, 0, "larger than original", 0}};
  a.encodings = {{Encoding::Codec::Brotli, "", 20}, {Encoding::Codec::Gzip, "", 30}};
  return a;
}

TEST(OutputParts, ListEveryWrittenFileInWritingOrder) {
  Asset a = image_with_everything();
  std::vector<std::pair<std::string, uint64_t>> got;
  for (OutputPart p : parts_of(a)) got.push_back({path_of(a, p), size_of(a, p)});
  EXPECT_EQ(got, (std::vector<std::pair<std::string, uint64_t>>{
                     {"img/a.0123456789.jpg", 100},
                     {"img/a.0123456789.jpg.map", 7},
                     {"img/a.0123456789.jpg.map.gz", 3},
                     {"img/a.0123456789.jpg.webp", 40},  // the skipped AVIF is not written
                     {"img/a.0123456789.jpg.br", 20},
                     {"img/a.0123456789.jpg.gz", 30},
                 }));
  EXPECT_EQ(path_of(a, {OutputPart::Kind::Original, 0}), "img/a.jpg");
  EXPECT_EQ(path_of(a, {OutputPart::Kind::OriginalEncoding, 1}), "img/a.jpg.gz");
  EXPECT_EQ(size_of(a, {OutputPart::Kind::OriginalEncoding, 1}), 30u);
}

TEST(OutputParts, AMapMergedIntoItsOwnerIsNotWrittenItself) {
  Asset m;
  m.logical = "a.js.map";
  m.map_of = "a.js";
  EXPECT_TRUE(parts_of(m).empty());
}

TEST(OutputParts, PlanListsThePartsThenTheOriginals) {
  Options o;
  o.originals = true;
  std::vector<Asset> assets{image_with_everything()};
  auto files = plan(assets, o);
  ASSERT_EQ(files.size(), 9u);
  EXPECT_EQ(files[0].path, "img/a.0123456789.jpg");
  EXPECT_EQ(files[6].path, "img/a.jpg");
  EXPECT_EQ(files[6].size, 100u);
  EXPECT_EQ(files[7].path, "img/a.jpg.br");
  EXPECT_EQ(files[8].path, "img/a.jpg.gz");
  o.originals = false;
  EXPECT_EQ(plan(assets, o).size(), 6u);
}

}  // namespace
}  // namespace assetpipe::emit
