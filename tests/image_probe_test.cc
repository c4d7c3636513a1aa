// Reading dimensions and animation from an image's first bytes.
#include "transform/image_probe.h"

#include <gtest/gtest.h>

#include "image_test_util.h"

using namespace assetpipe;
using namespace assetpipe::test::images;

TEST(ImageProbe, PixelsFromPngAndJpegHeaders) {
  EXPECT_EQ(transform::probe_pixels(write_png(photo(37, 21))), 37u * 21u);
  EXPECT_EQ(transform::probe_pixels(write_jpeg(photo(37, 21))), 37u * 21u);
  EXPECT_EQ(transform::probe_pixels(write_jpeg(
                photo(50, 30),
                {.progressive = true, .exif = exif_with_orientation(6), .icc = icc_profile()})),
            1500u);
  EXPECT_EQ(transform::probe_pixels(png_claiming(100000, 100000)), 10'000'000'000u);
  EXPECT_EQ(transform::probe_pixels(""), 0u);
  EXPECT_EQ(transform::probe_pixels("\xFF\xD8\xFF\xE0"), 0u);
  EXPECT_EQ(transform::probe_pixels(write_jpeg(photo(8, 8)).substr(0, 30)), 0u);
  EXPECT_EQ(transform::probe_pixels("not an image at all"), 0u);
}

TEST(ImageProbe, StillPngIsNotAnimated) {
  EXPECT_FALSE(transform::is_animated_png(write_png(photo(8, 8))));
  EXPECT_FALSE(transform::is_animated_png(write_jpeg(photo(8, 8))));
  EXPECT_FALSE(transform::is_animated_png(""));
}
