// transform/image_resize: scaling decoded pixels down and encoding JPEG/PNG
// again, checked by decoding what was written.
#include "transform/image_resize.h"

#include <gtest/gtest.h>

#include "image_test_util.h"

using namespace assetpipe;
using namespace assetpipe::transform;
using namespace assetpipe::test::images;

namespace {

DecodedImage decoded(const Pixels& p, bool alpha = false) {
  DecodedImage d;
  d.width = p.width;
  d.height = p.height;
  d.rgba = p.rgba;
  d.has_alpha = alpha;
  return d;
}

Pixels pixels_of(const DecodedImage& d) { return Pixels{d.width, d.height, d.rgba}; }

TEST(ImageResize, WidthsBelowTheImageOnly) {
  EXPECT_EQ(widths_below({1600, 480, 960, 480}, 1000), (std::vector<int>{480, 960}));
  EXPECT_TRUE(widths_below({480}, 480).empty());  // never the same size, never larger
  EXPECT_TRUE(widths_below({480, 960}, 300).empty());
}

TEST(ImageResize, FormatNames) {
  EXPECT_EQ(width_format(480, "jpg"), "480w.jpg");
  EXPECT_EQ(width_of_format("480w.webp"), 480);
  EXPECT_EQ(width_of_format("webp"), 0);
  EXPECT_EQ(width_of_format("w.webp"), 0);
  EXPECT_EQ(width_of_format("4a0w.webp"), 0);
  EXPECT_EQ(base_format("1600w.avif"), "avif");
  EXPECT_EQ(base_format("avif"), "avif");
}

TEST(ImageResize, ScalesDownKeepingThePicture) {
  Pixels p{400, 200, std::vector<uint8_t>(400 * 200 * 4)};
  fill(p, 0, 0, 200, 200, 250, 10, 10);
  fill(p, 200, 0, 200, 200, 10, 10, 250);
  auto r = resize_to_width(decoded(p), 100);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->width, 100);
  EXPECT_EQ(r->height, 50);
  Pixels got = pixels_of(*r);
  auto left = mean(got, 5, 5, 40, 40), right = mean(got, 55, 5, 40, 40);
  EXPECT_NEAR(left[0], 250, 2);
  EXPECT_NEAR(left[2], 10, 2);
  EXPECT_NEAR(right[0], 10, 2);
  EXPECT_NEAR(right[2], 250, 2);
  EXPECT_FALSE(r->has_alpha);
  // Area averaging: the column on the edge is the mix of both.
  EXPECT_NEAR(got.at(49, 20)[0] + got.at(50, 20)[0], 260, 40);
  EXPECT_FALSE(resize_to_width(decoded(p), 400));  // not up, not the same
  EXPECT_FALSE(resize_to_width(decoded(p), 0));
}

TEST(ImageResize, TransparentPixelsDoNotBleedTheirColour) {
  // Opaque white on the left, fully transparent (but green) on the right.
  Pixels p{200, 100, std::vector<uint8_t>(200 * 100 * 4)};
  fill(p, 0, 0, 100, 100, 255, 255, 255, 255);
  fill(p, 100, 0, 100, 100, 0, 255, 0, 0);
  auto r = resize_to_width(decoded(p, true), 50);
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->has_alpha);
  Pixels got = pixels_of(*r);
  // The last opaque-ish column stays white, not greenish.
  const uint8_t* edge = got.at(24, 10);
  EXPECT_GT(edge[3], 100);
  EXPECT_NEAR(edge[0], 255, 3);
  EXPECT_NEAR(edge[2], 255, 3);
  EXPECT_EQ(got.at(40, 10)[3], 0);
}

TEST(ImageResize, JpegAndPngRoundTrip) {
  Pixels p = photo(160, 90);
  DecodedImage d = decoded(p);
  d.icc = icc_profile();
  auto jpeg = encode_jpeg(d, 82);
  ASSERT_TRUE(jpeg) << jpeg.error();
  auto back = decode_image(*jpeg, 1u << 30);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->width, 160);
  EXPECT_EQ(back->height, 90);
  EXPECT_EQ(back->icc, d.icc);
  EXPECT_GT(psnr(p, pixels_of(*back)), 30.0);

  auto png = encode_png(d);
  ASSERT_TRUE(png) << png.error();
  auto png_back = decode_image(*png, 1u << 30);
  ASSERT_TRUE(png_back) << png_back.error();
  EXPECT_EQ(png_back->rgba, p.rgba);  // lossless
  EXPECT_EQ(png_back->icc, d.icc);
  EXPECT_FALSE(png_back->has_alpha);

  Pixels a = p;
  fill(a, 0, 0, 10, 10, 1, 2, 3, 40);
  auto png_alpha = encode_png(decoded(a, true));
  ASSERT_TRUE(png_alpha);
  auto alpha_back = decode_image(*png_alpha, 1u << 30);
  ASSERT_TRUE(alpha_back);
  EXPECT_EQ(alpha_back->rgba, a.rgba);
  EXPECT_TRUE(alpha_back->has_alpha);
}

}  // namespace
