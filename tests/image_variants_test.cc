// WebP and AVIF variants: every variant is decoded (libwebp, libavif) and
// compared with the pixels it was made from.
#include "transform/images.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "image_test_util.h"
#include "transform/avif_encoder.h"
#include "transform/image_decode.h"

using namespace assetpipe;
using namespace assetpipe::test::images;

namespace {

// What the build's image tasks do for each image (build.cc): its variants
// into its record.
void make_variants(std::vector<Asset>& assets, const Options& o, Diagnostics& diags) {
  for (Asset& a : assets) {
    if (!transform::wants_variants(a, o)) continue;
    a.variants = transform::image_variants(a, o, diags).variants;
  }
}

// The lossy floor: a smooth synthetic photo at the default settings comes out
// at 42-43 dB (WebP q80 and AVIF q60, from JPEG or PNG). 36 dB leaves room for
// encoder updates while catching a real fault (a wrong colour matrix or range,
// chroma misplaced, rows shifted), which costs far more than 6 dB.
constexpr double kPsnrFloor = 36.0;

Asset image_asset(std::string logical, std::string bytes) {
  Asset a;
  a.logical = std::move(logical);
  a.kind = a.logical.ends_with(".png") ? FileKind::Png : FileKind::Jpeg;
  a.bytes = std::move(bytes);
  a.input_size = a.bytes.size();
  return a;
}

Options defaults() {
  Options o;
  o.min_image_saving = 0;  // keep every variant smaller than the original
  return o;
}

const ImageVariant* find(const std::vector<ImageVariant>& vs, const std::string& format) {
  for (const auto& v : vs) {
    if (v.format == format) return &v;
  }
  return nullptr;
}

Decoded decode_variant(const ImageVariant& v) {
  return v.format == "webp" ? decode_webp(v.bytes) : decode_avif(v.bytes);
}

// Each format on its own (at these small sizes the AVIF is often larger than
// the WebP and is then dropped when both are made; see AvifKeptOnlyWhere...).
std::vector<ImageVariant> each_format(const std::string& name, const std::string& bytes,
                                      const Options& base, Diagnostics& diags) {
  std::vector<ImageVariant> all;
  for (bool webp : {true, false}) {
    Options o = base;
    o.image_webp = webp;
    o.image_avif = !webp;
    for (auto& v : transform::variants_of(image_asset(name, bytes), o, diags)) {
      all.push_back(std::move(v));
    }
  }
  return all;
}

Pixels reference_pixels(const std::string& bytes) {
  auto d = transform::decode_image(bytes, 50'000'000);
  if (!d) throw std::runtime_error(d.error());
  return {d->width, d->height, d->rgba};
}

enum Corner { TL, TR, BL, BR };

std::vector<double> corner_mean(const Pixels& p, Corner c, int block) {
  int x = (c == TR || c == BR) ? p.width - block : 0;
  int y = (c == BL || c == BR) ? p.height - block : 0;
  return mean(p, x + 2, y + 2, block - 4, block - 4);  // inside the block, away from edges
}

}  // namespace

// A red block in the stored top-left and a green one in the stored top-right
// must land where a browser shows them, for each EXIF orientation. The table
// is the EXIF specification's (0th row / 0th column positions), written out
// independently of the implementation.
TEST(ImageOrientation, AllEightLandWhereTheBrowserShowsThem) {
  struct Expect {
    Corner red, green;
  };
  const Expect table[9] = {{},       {TL, TR}, {TR, TL}, {BR, BL}, {BL, BR},
                           {TL, BL}, {TR, BR}, {BR, TR}, {BL, TL}};
  const int w = 96, h = 64, block = 16;
  for (int o = 1; o <= 8; ++o) {
    SCOPED_TRACE("orientation " + std::to_string(o));
    Pixels stored{w, h, std::vector<uint8_t>(size_t(w) * h * 4)};
    fill(stored, 0, 0, w, h, 128, 128, 128);
    fill(stored, 0, 0, block, block, 230, 20, 20);
    fill(stored, w - block, 0, block, block, 20, 220, 20);
    Asset a =
        image_asset("img/o.jpg", write_jpeg(stored, {.exif = exif_with_orientation(o, o % 2)}));
    Diagnostics diags;
    auto variants = each_format(a.logical, a.bytes, defaults(), diags);
    ASSERT_EQ(variants.size(), 2u);
    for (const auto& v : variants) {
      SCOPED_TRACE(v.format);
      ASSERT_TRUE(v.skipped.empty()) << v.skipped;
      Decoded d = decode_variant(v);
      const bool swapped = o >= 5;
      ASSERT_EQ(d.pixels.width, swapped ? h : w);
      ASSERT_EQ(d.pixels.height, swapped ? w : h);
      EXPECT_EQ(v.width, d.pixels.width);
      EXPECT_EQ(v.height, d.pixels.height);
      EXPECT_EQ(d.transform_flags, 0u) << "no irot/imir: the pixels are already turned";
      auto red = corner_mean(d.pixels, table[o].red, block);
      auto green = corner_mean(d.pixels, table[o].green, block);
      EXPECT_GT(red[0], 170);
      EXPECT_LT(red[1], 80);
      EXPECT_GT(green[1], 160);
      EXPECT_LT(green[0], 80);
    }
  }
}

TEST(ImageVariants, PixelsMatchTheSourceAboveThePsnrFloor) {
  for (bool png : {false, true}) {
    SCOPED_TRACE(png ? "png" : "jpeg");
    std::string bytes = png ? write_png(photo(256, 192), {.color_type = PNG_COLOR_TYPE_RGB})
                            : write_jpeg(photo(256, 192));
    Pixels source = reference_pixels(bytes);
    Diagnostics diags;
    auto variants =
        transform::variants_of(image_asset(png ? "p.png" : "p.jpg", bytes), defaults(), diags);
    ASSERT_EQ(variants.size(), 2u);
    for (const auto& v : variants) {
      SCOPED_TRACE(v.format);
      ASSERT_TRUE(v.skipped.empty()) << v.skipped;
      Decoded d = decode_variant(v);
      EXPECT_EQ(d.pixels.width, 256);
      EXPECT_EQ(d.pixels.height, 192);
      EXPECT_FALSE(d.has_alpha);
      double p = psnr(d.pixels, source);
      EXPECT_GT(p, kPsnrFloor);
      EXPECT_LT(p, 99) << "a lossy variant of a photo should not be exact";
    }
    EXPECT_EQ(diags.warning_count(), 0u);
  }
}

TEST(ImageVariants, AlphaKept) {
  Pixels src = photo(128, 96);
  for (int y = 0; y < 96; ++y)
    for (int x = 0; x < 128; ++x) src.at(x, y)[3] = uint8_t(x * 2);  // ramp 0..254
  fill(src, 0, 0, 24, 96, 50, 60, 70, 0);                            // fully transparent strip
  std::string bytes = write_png(src);
  Diagnostics diags;
  auto variants = each_format("a.png", bytes, defaults(), diags);
  ASSERT_EQ(variants.size(), 2u);
  for (const auto& v : variants) {
    SCOPED_TRACE(v.format);
    ASSERT_TRUE(v.skipped.empty()) << v.skipped;
    Decoded d = decode_variant(v);
    EXPECT_TRUE(d.has_alpha);
    EXPECT_GT(psnr(d.pixels, src, /*alpha_only=*/true), 35.0);
    EXPECT_LT(mean(d.pixels, 2, 2, 20, 92)[3], 3.0);      // still transparent
    EXPECT_GT(mean(d.pixels, 110, 2, 16, 92)[3], 215.0);  // still (nearly) opaque
  }
}

TEST(ImageVariants, TheLastEncodeFreesThePixelsAndWritesTheSameBytes) {
  // The AVIF is the last use of the decoded pixels when no --image-widths are
  // asked for: they are freed before its encoder runs. Same bytes, alpha too.
  Pixels src = photo(160, 120);
  for (int y = 0; y < 120; ++y)
    for (int x = 0; x < 160; ++x) src.at(x, y)[3] = uint8_t(255 - x);
  for (const std::string& bytes : {write_jpeg(photo(160, 120)), write_png(src)}) {
    auto decoded = transform::decode_image(bytes, uint64_t{1} << 30);
    ASSERT_TRUE(decoded) << decoded.error();
    transform::DecodedImage copy = *decoded;
    transform::AvifSettings settings;
    auto kept = transform::encode_avif(*decoded, settings);
    auto freed = transform::encode_avif(std::move(copy), settings);
    ASSERT_TRUE(kept && freed);
    EXPECT_EQ(*kept, *freed);
    EXPECT_TRUE(copy.rgba.empty());  // NOLINT(bugprone-use-after-move): on purpose
    EXPECT_EQ(decoded->rgba.size(), size_t{160} * 120 * 4);  // the other left whole
    Decoded d = decode_avif(*freed);
    EXPECT_EQ(d.pixels.width, 160);
    EXPECT_EQ(d.has_alpha, decoded->has_alpha);
  }
  // Through the stage: the variants of an image are the same with and
  // without widths asked for (where the pixels are kept for the widths).
  std::string bytes = write_jpeg(photo(256, 192));
  Diagnostics diags;
  auto plain = transform::variants_of(image_asset("p.jpg", bytes), defaults(), diags);
  Options widths = defaults();
  widths.image_widths = {128};
  auto with_widths = transform::variants_of(image_asset("p.jpg", bytes), widths, diags);
  ASSERT_EQ(plain.size(), 2u);
  ASSERT_GT(with_widths.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(plain[k].format, with_widths[k].format);
    EXPECT_EQ(plain[k].bytes, with_widths[k].bytes) << plain[k].format;
  }
}

TEST(ImageVariants, IccProfileKeptOtherMetadataDropped) {
  std::string icc = icc_profile();
  for (bool png : {false, true}) {
    SCOPED_TRACE(png ? "png" : "jpeg");
    std::string bytes =
        png ? write_png(photo(64, 48), {.color_type = PNG_COLOR_TYPE_RGB, .icc = icc})
            : write_jpeg(photo(64, 48), {.exif = exif_with_orientation(1), .icc = icc});
    Diagnostics diags;
    auto variants = each_format(png ? "i.png" : "i.jpg", bytes, defaults(), diags);
    ASSERT_EQ(variants.size(), 2u);
    for (const auto& v : variants) {
      SCOPED_TRACE(v.format);
      ASSERT_TRUE(v.skipped.empty()) << v.skipped;
      EXPECT_EQ(decode_variant(v).icc, icc);
      EXPECT_EQ(v.bytes.find("Exif"), std::string::npos);
    }
  }
  // No profile in, none out.
  Diagnostics diags;
  auto plain = each_format("p.jpg", write_jpeg(photo(64, 48)), defaults(), diags);
  ASSERT_EQ(plain.size(), 2u);
  for (const auto& v : plain) EXPECT_TRUE(decode_variant(v).icc.empty()) << v.format;
}

TEST(ImageVariants, WebpLosslessAutoForGraphicsOnly) {
  // A graphic: 4 flat colours in stripes. Lossless must be exact.
  Pixels graphic{200, 120, std::vector<uint8_t>(200 * 120 * 4)};
  for (int x = 0; x < 200; x += 10) fill(graphic, x, 0, 10, 120, uint8_t(x % 40 * 6), 40, 200, 255);
  auto decoded_graphic =
      transform::decode_image(write_png(graphic, {.color_type = PNG_COLOR_TYPE_RGB}), 1 << 30);
  ASSERT_TRUE(decoded_graphic.ok());
  EXPECT_TRUE(transform::looks_like_graphic(*decoded_graphic));
  Options o = defaults();
  auto webp = transform::encode_webp_variant(*decoded_graphic, o);
  ASSERT_TRUE(webp.ok());
  Decoded d = decode_webp(*webp);
  EXPECT_TRUE(d.lossless);
  EXPECT_EQ(d.pixels.rgba, graphic.rgba);

  o.webp_lossless = WebpLossless::Off;
  webp = transform::encode_webp_variant(*decoded_graphic, o);
  ASSERT_TRUE(webp.ok());
  EXPECT_FALSE(decode_webp(*webp).lossless);

  // A photo PNG stays lossy under auto, becomes lossless under on.
  auto decoded_photo = transform::decode_image(
      write_png(photo(120, 80), {.color_type = PNG_COLOR_TYPE_RGB}), 1 << 30);
  ASSERT_TRUE(decoded_photo.ok());
  EXPECT_FALSE(transform::looks_like_graphic(*decoded_photo));
  o.webp_lossless = WebpLossless::Auto;
  webp = transform::encode_webp_variant(*decoded_photo, o);
  ASSERT_TRUE(webp.ok());
  EXPECT_FALSE(decode_webp(*webp).lossless);
  o.webp_lossless = WebpLossless::On;
  webp = transform::encode_webp_variant(*decoded_photo, o);
  ASSERT_TRUE(webp.ok());
  d = decode_webp(*webp);
  EXPECT_TRUE(d.lossless);
  EXPECT_EQ(d.pixels.rgba, decoded_photo->rgba);
}

TEST(ImageVariants, KeptOnlyWhenSmallerByMinSaving) {
  // An 8x8 two-colour palette PNG is ~100 bytes: AVIF's container alone is larger.
  Pixels tiny{8, 8, std::vector<uint8_t>(8 * 8 * 4)};
  fill(tiny, 0, 0, 8, 8, 255, 255, 255);
  fill(tiny, 0, 0, 4, 8, 0, 0, 0);
  std::string png = write_png(tiny, {.color_type = PNG_COLOR_TYPE_PALETTE});
  Diagnostics diags;
  auto variants = transform::variants_of(image_asset("t.png", png), defaults(), diags);
  const ImageVariant* avif = find(variants, "avif");
  ASSERT_TRUE(avif);
  EXPECT_EQ(avif->skipped, "larger than original");
  EXPECT_TRUE(avif->bytes.empty());

  // A photo's variants save a lot, but not 99%.
  std::string jpeg = write_jpeg(photo(128, 96));
  Options o = defaults();
  o.min_image_saving = 0.99;
  variants = transform::variants_of(image_asset("p.jpg", jpeg), o, diags);
  ASSERT_EQ(variants.size(), 2u);
  for (const auto& v : variants) {
    EXPECT_TRUE(v.bytes.empty());
    EXPECT_NE(v.skipped.find("under --min-image-saving 99%"), std::string::npos) << v.skipped;
  }
  o.min_image_saving = 0.10;
  variants = each_format("p.jpg", jpeg, o, diags);
  for (const auto& v : variants) {
    EXPECT_TRUE(v.skipped.empty()) << v.format << ": " << v.skipped;
    EXPECT_LE(double(v.bytes.size()), 0.9 * double(jpeg.size()));
  }
  EXPECT_EQ(diags.warning_count(), 0u);
}

TEST(ImageVariants, OverWebpLimitSkipsWebpWithANote) {
  Pixels wide = photo(16400, 2);
  Diagnostics diags;
  auto variants =
      transform::variants_of(image_asset("wide.png", write_png(wide)), defaults(), diags);
  const ImageVariant* webp = find(variants, "webp");
  const ImageVariant* avif = find(variants, "avif");
  ASSERT_TRUE(webp && avif);
  EXPECT_NE(webp->skipped.find("16383"), std::string::npos);
  EXPECT_TRUE(webp->bytes.empty());
  ASSERT_TRUE(avif->skipped.empty()) << avif->skipped;
  EXPECT_EQ(decode_avif(avif->bytes).pixels.width, 16400);
  auto notes = diags.sorted();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].severity, Severity::Note);
  EXPECT_EQ(notes[0].file, "wide.png");
}

TEST(ImageVariants, StageHonoursFormatsAndSkipsOtherFiles) {
  std::vector<Asset> assets;
  assets.push_back(image_asset("a.jpg", write_jpeg(photo(64, 48))));
  assets.push_back(image_asset("b.png", write_png(photo(64, 48))));
  Asset gif;
  gif.logical = "c.gif";
  gif.kind = FileKind::OtherImage;
  gif.bytes = "GIF89a...";
  assets.push_back(gif);

  Options o = defaults();
  o.images = false;
  Diagnostics diags;
  make_variants(assets, o, diags);
  for (const auto& a : assets) EXPECT_TRUE(a.variants.empty()) << a.logical;

  o.images = true;
  o.image_webp = false;
  make_variants(assets, o, diags);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(assets[i].variants.size(), 1u);
    EXPECT_EQ(assets[i].variants[0].format, "avif");
  }
  EXPECT_TRUE(assets[2].variants.empty());
  EXPECT_EQ(assets[2].bytes, "GIF89a...");
}

TEST(ImageVariants, SameBytesAtAnyParallelism) {
  auto run = [](size_t threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    std::vector<Asset> assets;
    for (int i = 0; i < 6; ++i) {
      assets.push_back(
          image_asset("p" + std::to_string(i) + ".jpg", write_jpeg(photo(60 + 20 * i, 50))));
    }
    Diagnostics diags;
    make_variants(assets, defaults(), diags);
    std::vector<std::string> out;
    for (const auto& a : assets)
      for (const auto& v : a.variants) out.push_back(v.format + ":" + v.bytes);
    return out;
  };
  auto one = run(1);
  EXPECT_EQ(one.size(), 12u);
  EXPECT_EQ(one, run(2));
  EXPECT_EQ(one, run(4));
}

// ---- bad input: copied unchanged with a warning naming the file and the reason ----

namespace {

void expect_copied_unchanged(const std::string& logical, const std::string& bytes,
                             const std::string& reason, Options o = defaults()) {
  SCOPED_TRACE(logical);
  std::vector<Asset> assets{image_asset(logical, bytes)};
  Diagnostics diags;
  make_variants(assets, o, diags);
  EXPECT_TRUE(assets[0].variants.empty());
  EXPECT_EQ(assets[0].bytes, bytes);
  auto all = diags.sorted();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].severity, Severity::Warning);
  EXPECT_EQ(all[0].file, logical);
  EXPECT_NE(all[0].message.find(reason), std::string::npos) << all[0].message;
  EXPECT_NE(all[0].message.find("copied unchanged"), std::string::npos) << all[0].message;
}

}  // namespace

TEST(ImageBadInput, TruncatedJpegAndPng) {
  std::string jpeg = write_jpeg(photo(200, 150));
  expect_copied_unchanged("t.jpg", jpeg.substr(0, jpeg.size() / 2), "Premature end of JPEG file");
  expect_copied_unchanged("t2.jpg", jpeg.substr(0, 200), "JPEG");  // inside the headers
  std::string png = write_png(photo(200, 150));
  expect_copied_unchanged("t.png", png.substr(0, png.size() / 2), "truncated");
  expect_copied_unchanged("t2.png", png.substr(0, 20), "truncated");
}

TEST(ImageBadInput, CorruptJpegAndPng) {
  std::string jpeg = write_jpeg(photo(200, 150));
  std::string bad_header = jpeg;
  size_t sof = bad_header.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  bad_header[sof + 4] = 7;  // sample precision 7
  expect_copied_unchanged("h.jpg", bad_header, "cannot decode the JPEG");

  // Scan data cut out of the middle: the decoder meets the end marker early.
  std::string bad_scan = jpeg;
  size_t sos = bad_scan.find("\xFF\xDA");
  ASSERT_NE(sos, std::string::npos);
  bad_scan.erase(sos + 100, bad_scan.size() / 3);
  expect_copied_unchanged("s.jpg", bad_scan, "Corrupt JPEG data");

  std::string png = write_png(photo(200, 150));
  std::string bad_ihdr = png;
  bad_ihdr[16] = char(bad_ihdr[16] ^ 0x01);  // width changed, CRC no longer matches
  expect_copied_unchanged("c.png", bad_ihdr, "CRC error");
  std::string bad_idat = png;
  size_t idat = bad_idat.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  for (size_t i = idat + 10; i < idat + 30; ++i) bad_idat[i] = char(bad_idat[i] ^ 0x5A);
  expect_copied_unchanged("d.png", bad_idat, "cannot decode the PNG");
}

TEST(ImageBadInput, ZeroBytesAndMislabelledText) {
  expect_copied_unchanged("z.png", "", "empty");
  expect_copied_unchanged("z.jpg", "", "empty");
  expect_copied_unchanged("readme.png", "This is not an image.\n", "not a JPEG or PNG file");
}

TEST(ImageBadInput, DecompressionBombsRefusedBeforeAllocating) {
  // 100000 x 100000 x 4 bytes would be 40 GB: refused from the header alone.
  expect_copied_unchanged("bomb.png", png_claiming(100000, 100000),
                          "over --max-pixels 50.0 megapixels");
  Options o = defaults();
  o.max_pixels = 1000;
  expect_copied_unchanged("big.jpg", write_jpeg(photo(64, 64)), "64x64", o);
  expect_copied_unchanged("big.png", write_png(photo(64, 64)), "over --max-pixels", o);
}

TEST(ImageVariants, AnimatedPngGetsNoVariantsAndANote) {
  // An APNG: an acTL chunk (2 frames, loop forever) inserted after IHDR.
  std::string png = write_png(photo(64, 48));
  std::string actl(
      "\x00\x00\x00\x08"
      "acTL"
      "\x00\x00\x00\x02\x00\x00\x00\x00",
      16);
  uint32_t crc = uint32_t(crc32(0, reinterpret_cast<const Bytef*>(actl.data() + 4), 12));
  for (int s = 24; s >= 0; s -= 8) actl += char(crc >> s);
  png.insert(8 + 25, actl);  // signature + IHDR chunk
  ASSERT_TRUE(transform::decode_image(png, 1 << 30).ok()) << "libpng reads it as a still image";
  std::vector<Asset> assets{image_asset("spin.png", png)};
  Diagnostics diags;
  make_variants(assets, defaults(), diags);
  EXPECT_TRUE(assets[0].variants.empty());
  auto all = diags.sorted();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].severity, Severity::Note);
  EXPECT_NE(all[0].message.find("animated PNG"), std::string::npos);
}

// Thousands of damaged files (bytes flipped, runs overwritten, cut short, a
// fixed pseudo-random sequence): each decodes or fails with a message; none
// crashes, hangs or leaks (this test also runs clean under valgrind).
TEST(ImageBadInput, RandomDamageNeverCrashes) {
  const std::string originals[] = {
      write_jpeg(photo(48, 40)),
      write_jpeg(photo(48, 40),
                 {.progressive = true, .exif = exif_with_orientation(6), .icc = icc_profile()}),
      write_png(photo(48, 40)),
      write_png(photo(48, 40),
                {.color_type = PNG_COLOR_TYPE_RGB, .interlaced = true, .icc = icc_profile()}),
  };
  uint64_t state = 0x9E3779B97F4A7C15u;
  auto next = [&] {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
  };
  size_t decoded = 0, refused = 0;
  for (const std::string& original : originals) {
    for (int round = 0; round < 400; ++round) {
      std::string bytes = original;
      switch (next() % 3) {
        case 0:  // flip a few bytes anywhere past the signature
          for (int i = 0; i < 1 + int(next() % 4); ++i)
            bytes[4 + next() % (bytes.size() - 4)] ^= char(1 + next() % 255);
          break;
        case 1: {  // overwrite a run with noise
          size_t at = 4 + next() % (bytes.size() - 4),
                 n = std::min<size_t>(1 + next() % 64, bytes.size() - at);
          for (size_t i = 0; i < n; ++i) bytes[at + i] = char(next());
          break;
        }
        default:  // cut short
          bytes.resize(4 + next() % (bytes.size() - 4));
      }
      auto r = transform::decode_image(bytes, 1'000'000);
      if (r) {
        ++decoded;
        EXPECT_EQ(r->rgba.size(), size_t(r->width) * size_t(r->height) * 4);
      } else {
        ++refused;
        EXPECT_FALSE(r.error().empty());
      }
    }
  }
  EXPECT_GT(refused, 400u);  // the damage is real: most files are refused
  EXPECT_EQ(decoded + refused, 1600u);
}

// nginx prefers the AVIF: it is kept only where it is smaller than the WebP
// (a small flat graphic like Leaflet's 25x41 marker icon: AVIF 1,010 B, WebP 654 B).
TEST(ImageVariants, AvifKeptOnlyWhereSmallerThanTheWebp) {
  std::string png = write_png(photo(25, 41));
  Options o = defaults();
  o.min_image_saving = 0;
  Diagnostics diags;
  auto variants = transform::variants_of(image_asset("marker-icon.png", png), o, diags);
  const ImageVariant* webp = find(variants, "webp");
  const ImageVariant* avif = find(variants, "avif");
  ASSERT_TRUE(webp && avif);
  ASSERT_TRUE(webp->skipped.empty()) << webp->skipped;
  EXPECT_TRUE(avif->bytes.empty());
  EXPECT_NE(avif->skipped.find("not smaller than the WebP"), std::string::npos) << avif->skipped;
  // A photo: the AVIF is smaller, and kept.
  variants = transform::variants_of(image_asset("p.jpg", write_jpeg(photo(256, 192))), o, diags);
  webp = find(variants, "webp");
  avif = find(variants, "avif");
  ASSERT_TRUE(webp && avif);
  ASSERT_TRUE(avif->skipped.empty()) << avif->skipped;
  EXPECT_LT(avif->bytes.size(), webp->bytes.size());
}
