// Decoding JPEG and PNG into the RGBA pixels the variants are made from.
#include "transform/image_decode.h"

#include <gtest/gtest.h>

#include "image_test_util.h"
#include "transform/exif_orientation.h"

using namespace assetpipe;
using namespace assetpipe::test::images;

namespace {

Pixels as_pixels(const transform::DecodedImage& d) { return {d.width, d.height, d.rgba}; }

transform::DecodedImage decode_ok(const std::string& bytes) {
  auto r = transform::decode_image(bytes, 50'000'000);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? std::move(*r) : transform::DecodedImage{};
}

// Four flat quadrants in distinct colours, with alpha, as a graphic would be.
Pixels quadrants(int w, int h) {
  Pixels p{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 4)};
  fill(p, 0, 0, w / 2, h / 2, 255, 0, 0, 255);
  fill(p, w / 2, 0, w - w / 2, h / 2, 0, 200, 0, 128);
  fill(p, 0, h / 2, w / 2, h - h / 2, 10, 20, 250, 0);
  fill(p, w / 2, h / 2, w - w / 2, h - h / 2, 90, 90, 90, 255);
  return p;
}

}  // namespace

TEST(ImageDecode, JpegBaselineAndProgressive) {
  Pixels src = photo(97, 61);  // odd sizes: partial MCUs
  for (bool progressive : {false, true}) {
    auto d = decode_ok(write_jpeg(src, {.quality = 95, .progressive = progressive}));
    ASSERT_EQ(d.width, 97);
    ASSERT_EQ(d.height, 61);
    EXPECT_FALSE(d.has_alpha);
    EXPECT_FALSE(d.from_png);
    EXPECT_GT(psnr(as_pixels(d), src), 35.0) << "progressive=" << progressive;
  }
}

TEST(ImageDecode, JpegGrayscaleBecomesGreyRgb) {
  Pixels src = photo(40, 30);
  auto d = decode_ok(write_jpeg(src, {.grayscale = true}));
  Pixels got = as_pixels(d);
  for (int y = 0; y < 30; ++y) {
    for (int x = 0; x < 40; ++x) {
      const uint8_t* px = got.at(x, y);
      ASSERT_EQ(px[0], px[1]);
      ASSERT_EQ(px[1], px[2]);
      ASSERT_NEAR(px[1], src.at(x, y)[1], 6);  // the writer stored the green channel
      ASSERT_EQ(px[3], 255);
    }
  }
}

TEST(ImageDecode, JpegAdobeCmykConvertedToRgb) {
  Pixels src{32, 16, std::vector<uint8_t>(32 * 16 * 4)};
  // Inverted CMYK as Adobe writes it: (255,0,0) is "no cyan, full magenta, full yellow" = red.
  fill(src, 0, 0, 16, 16, 255, 0, 0);
  fill(src, 16, 0, 16, 16, 0, 0, 255);  // full cyan + magenta, no yellow = blue
  auto d = decode_ok(write_jpeg(src, {.quality = 100, .cmyk_adobe = true}));
  Pixels got = as_pixels(d);
  auto red = mean(got, 2, 2, 12, 12), blue = mean(got, 18, 2, 12, 12);
  EXPECT_GT(red[0], 240);
  EXPECT_LT(red[1], 15);
  EXPECT_LT(red[2], 15);
  EXPECT_LT(blue[0], 15);
  EXPECT_LT(blue[1], 15);
  EXPECT_GT(blue[2], 240);
}

TEST(ImageDecode, JpegIccProfileKept) {
  std::string icc = icc_profile();
  auto d = decode_ok(write_jpeg(photo(16, 16), {.icc = icc}));
  EXPECT_EQ(d.icc, icc);
  auto plain = decode_ok(write_jpeg(photo(16, 16)));
  EXPECT_TRUE(plain.icc.empty());
}

TEST(ImageDecode, OnlyRgbProfilesKept) {
  // A CMYK JPEG's profile describes CMYK data; the variants hold RGB.
  Pixels src = photo(16, 16);
  auto cmyk = decode_ok(write_jpeg(src, {.cmyk_adobe = true, .icc = icc_profile("CMYK")}));
  EXPECT_TRUE(cmyk.icc.empty());
  auto gray = decode_ok(write_jpeg(src, {.grayscale = true, .icc = icc_profile("GRAY")}));
  EXPECT_TRUE(gray.icc.empty());
  EXPECT_EQ(decode_ok(write_jpeg(src, {.icc = icc_profile("RGB ")})).icc, icc_profile("RGB "));
}

TEST(ImageDecode, PngEveryColourTypeAndDepthExact) {
  Pixels src = quadrants(23, 17);
  struct Case {
    const char* name;
    int color_type, bit_depth;
    bool interlaced;
  };
  const Case cases[] = {
      {"rgba8", PNG_COLOR_TYPE_RGB_ALPHA, 8, false},
      {"rgba16", PNG_COLOR_TYPE_RGB_ALPHA, 16, false},
      {"rgb8", PNG_COLOR_TYPE_RGB, 8, false},
      {"rgb16 interlaced", PNG_COLOR_TYPE_RGB, 16, true},
      {"gray8", PNG_COLOR_TYPE_GRAY, 8, false},
      {"gray-alpha16", PNG_COLOR_TYPE_GRAY_ALPHA, 16, false},
      {"palette+tRNS", PNG_COLOR_TYPE_PALETTE, 8, false},
      {"palette+tRNS interlaced", PNG_COLOR_TYPE_PALETTE, 8, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto d = decode_ok(write_png(
        src, {.color_type = c.color_type, .bit_depth = c.bit_depth, .interlaced = c.interlaced}));
    ASSERT_EQ(d.width, 23);
    ASSERT_EQ(d.height, 17);
    EXPECT_TRUE(d.from_png);
    const bool gray = !(c.color_type & PNG_COLOR_MASK_COLOR);
    const bool alpha =
        (c.color_type & PNG_COLOR_MASK_ALPHA) || c.color_type == PNG_COLOR_TYPE_PALETTE;
    EXPECT_EQ(d.has_alpha, alpha);
    Pixels got = as_pixels(d);
    for (int y = 0; y < 17; ++y) {
      for (int x = 0; x < 23; ++x) {
        const uint8_t* s = src.at(x, y);
        const uint8_t* g = got.at(x, y);
        uint8_t want[4] = {gray ? s[1] : s[0], s[1], gray ? s[1] : s[2],
                           alpha ? s[3] : uint8_t(255)};
        ASSERT_EQ(std::vector<uint8_t>(g, g + 4), std::vector<uint8_t>(want, want + 4))
            << "pixel " << x << "," << y;
      }
    }
  }
}

TEST(ImageDecode, PngLowBitGreyExpanded) {
  // 2-bit grey: the writer cannot make it, so build one with libpng packing.
  Pixels src{8, 2, std::vector<uint8_t>(8 * 2 * 4)};
  for (int x = 0; x < 8; ++x) {
    uint8_t v = uint8_t((x % 4) * 85);  // 0, 85, 170, 255: exact in 2 bits
    fill(src, x, 0, 1, 2, v, v, v);
  }
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &out, png_append, nullptr);
  png_set_IHDR(png, info, 8, 2, 2, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_set_packing(png);
  std::vector<uint8_t> row{0, 1, 2, 3, 0, 1, 2, 3};
  png_write_row(png, row.data());
  png_write_row(png, row.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  auto d = decode_ok(out);
  EXPECT_EQ(as_pixels(d).rgba, src.rgba);
  EXPECT_FALSE(d.has_alpha);
}

TEST(ImageDecode, PngOpaqueAlphaIsNotAlpha) {
  auto d = decode_ok(write_png(photo(10, 10)));  // RGBA, every alpha 255
  EXPECT_FALSE(d.has_alpha);
}

TEST(ImageDecode, PngIccProfileKept) {
  std::string icc = icc_profile();
  auto d = decode_ok(write_png(photo(12, 12), {.icc = icc}));
  EXPECT_EQ(d.icc, icc);
}

TEST(ImageDecode, SignatureDecidesNotTheName) {
  auto jpeg = transform::decode_image(write_jpeg(photo(8, 8)), 1000);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_FALSE(jpeg->from_png);
  auto png = transform::decode_image(write_png(photo(8, 8)), 1000);
  ASSERT_TRUE(png.ok());
  EXPECT_TRUE(png->from_png);
}

TEST(ImageOrientation, ExifParsedInBothByteOrders) {
  for (int o = 1; o <= 8; ++o) {
    EXPECT_EQ(transform::exif_orientation(exif_with_orientation(o, false)), o);
    EXPECT_EQ(transform::exif_orientation(exif_with_orientation(o, true)), o);
  }
  EXPECT_EQ(transform::exif_orientation(exif_with_orientation(9)), 1);
  EXPECT_EQ(transform::exif_orientation(""), 1);
  EXPECT_EQ(transform::exif_orientation(std::string("Exif\0\0II*\0\xff\xff\xff\x7f", 14)), 1);
  std::string truncated = exif_with_orientation(6).substr(0, 20);
  EXPECT_EQ(transform::exif_orientation(truncated), 1);
}
