// Reading dimensions and animation from an image's first bytes.
#include "transform/image_probe.h"

#include <gtest/gtest.h>

#include "image_test_util.h"
#include "transform/image_decode.h"

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

// The size a browser shows, which decode_image's pixels have too.
TEST(ImageProbe, DisplaySizeFollowsTheExifOrientation) {
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    std::string jpeg = write_jpeg(photo(50, 30), {.exif = exif_with_orientation(orientation)});
    auto size = transform::probe_display_size(jpeg);
    auto decoded = transform::decode_image(jpeg, 1u << 30);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(int(size.width), decoded->width);
    EXPECT_EQ(int(size.height), decoded->height);
    EXPECT_EQ(size.width, orientation >= 5 ? 30u : 50u);
  }
  auto big_endian = transform::probe_display_size(
      write_jpeg(photo(50, 30), {.exif = exif_with_orientation(8, true)}));
  EXPECT_EQ(big_endian.width, 30u);
  auto png = transform::probe_display_size(write_png(photo(37, 21)));
  EXPECT_EQ(png.width, 37u);
  EXPECT_EQ(png.height, 21u);
  EXPECT_EQ(transform::probe_display_size("not an image").width, 0u);
  EXPECT_EQ(transform::probe_display_size("\xFF\xD8\xFF\xE1\x00\x02").width, 0u);
}
