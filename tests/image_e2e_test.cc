// The image stage through the built binary: variants beside the hashed image,
// the manifest listing them, names covering the variants, bad images copied.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "image_test_util.h"
#include "support/test_support.h"

using namespace assetpipe::test;
using namespace assetpipe::test::images;
namespace fs = std::filesystem;

namespace {

// An input tree with a rotated photo, a graphic with alpha, a GIF, a text
// file named .png and a tiny PNG (whose AVIF would be larger than it).
void make_site(const fs::path& in) {
  write(in / "index.html", "<img src=\"img/hero.jpg\"><img src=\"img/logo.png\">\n");
  write(in / "img/hero.jpg", write_jpeg(photo(320, 240), {.exif = exif_with_orientation(6)}));
  Pixels logo{160, 80, std::vector<uint8_t>(160 * 80 * 4)};
  fill(logo, 0, 0, 160, 80, 0, 0, 0, 0);
  fill(logo, 20, 10, 120, 60, 200, 30, 30, 255);
  fill(logo, 60, 30, 40, 20, 255, 255, 255, 160);
  write(in / "img/logo.png", write_png(logo));
  write(in / "img/anim.gif", std::string("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 13));
  write(in / "img/notes.png", "these are notes, not a picture\n");
  Pixels dot{4, 4, std::vector<uint8_t>(4 * 4 * 4, 255)};
  write(in / "img/dot.png", write_png(dot, {.color_type = PNG_COLOR_TYPE_PALETTE}));
}

// The output path of `logical` from the manifest.
std::string output_of(const nlohmann::json& manifest, const std::string& logical) {
  return manifest.at("assets").at(logical).at("file").get<std::string>();
}

nlohmann::json read_manifest(const fs::path& out) {
  return nlohmann::json::parse(read(out / ".assetpipe/manifest.json"));
}

RunResult build(const fs::path& in, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"build", in.string(), "-o", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_assetpipe(args);
}

}  // namespace

TEST(ImageEndToEnd, VariantsBesideTheHashedImageAndListedInTheManifest) {
  TempDir dir;
  make_site(dir / "in");
  RunResult r = build(dir / "in", dir / "out", {"-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = snapshot(dir / "out");
  auto manifest = read_manifest(dir / "out");

  std::string hero = output_of(manifest, "img/hero.jpg");
  EXPECT_TRUE(std::regex_match(hero, std::regex(R"(img/hero\.[0-9a-f]{10}\.jpg)"))) << hero;
  EXPECT_EQ(files.at(hero), read(dir / "in/img/hero.jpg")) << "the original is served as it was";
  for (std::string format : {"webp", "avif"}) {
    SCOPED_TRACE(format);
    const std::string path = hero + "." + format;
    ASSERT_TRUE(files.count(path)) << path << " missing";
    auto v = manifest["assets"]["img/hero.jpg"]["variants"][format];
    EXPECT_EQ(v["file"], path);
    EXPECT_EQ(v["size"], files.at(path).size());
    EXPECT_EQ(v["width"], 240);  // orientation 6: turned upright
    EXPECT_EQ(v["height"], 320);
    Decoded d = format == "webp" ? decode_webp(files.at(path)) : decode_avif(files.at(path));
    EXPECT_EQ(d.pixels.width, 240);
    EXPECT_EQ(d.pixels.height, 320);
  }

  std::string logo = output_of(manifest, "img/logo.png");
  ASSERT_TRUE(files.count(logo + ".webp"));
  Decoded webp = decode_webp(files.at(logo + ".webp"));
  EXPECT_TRUE(webp.has_alpha);
  EXPECT_EQ(webp.pixels.at(2, 2)[3], 0);
  EXPECT_EQ(webp.pixels.at(30, 15)[3], 255);

  // Pass-through: GIF unchanged, no variants; the tiny PNG's AVIF skipped with the reason.
  std::string gif = output_of(manifest, "img/anim.gif");
  EXPECT_EQ(files.at(gif), read(dir / "in/img/anim.gif"));
  EXPECT_FALSE(manifest["assets"]["img/anim.gif"].contains("variants"));
  EXPECT_FALSE(files.count(gif + ".webp"));
  auto dot = manifest["assets"]["img/dot.png"]["variants"];
  EXPECT_EQ(dot["avif"], nlohmann::json({{"skipped", "larger than original"}}));
  EXPECT_FALSE(files.count(output_of(manifest, "img/dot.png") + ".avif"));
}

TEST(ImageEndToEnd, BadImageCopiedWithAWarningAndStrictFails) {
  TempDir dir;
  make_site(dir / "in");
  RunResult r = build(dir / "in", dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("img/notes.png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a JPEG or PNG file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("copied unchanged"), std::string::npos) << r.err;
  auto manifest = read_manifest(dir / "out");
  std::string notes = output_of(manifest, "img/notes.png");
  EXPECT_TRUE(std::regex_match(notes, std::regex(R"(img/notes\.[0-9a-f]{10}\.png)"))) << notes;
  EXPECT_EQ(read(dir / "out" / notes), read(dir / "in/img/notes.png"));
  EXPECT_FALSE(manifest["assets"]["img/notes.png"].contains("variants"));

  auto before = snapshot(dir / "out");
  RunResult strict = build(dir / "in", dir / "out", {"--strict"});
  EXPECT_NE(strict.exit_code, 0);
  EXPECT_NE(strict.err.find("img/notes.png"), std::string::npos) << strict.err;
  EXPECT_EQ(snapshot(dir / "out"), before) << "a failed build leaves the output untouched";
}

TEST(ImageEndToEnd, SettingsThatChangeVariantsRenameTheImage) {
  TempDir dir;
  make_site(dir / "in");
  auto hero_name = [&](const std::string& out, std::vector<std::string> flags) {
    RunResult r = build(dir / "in", dir / out, flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return output_of(read_manifest(dir / out), "img/hero.jpg");
  };
  std::string base = hero_name("a", {});
  EXPECT_EQ(hero_name("b", {"-j", "1"}), base);
  EXPECT_EQ(snapshot(dir / "a"), snapshot(dir / "b")) << "byte-identical at any -j";
  EXPECT_NE(hero_name("c", {"--webp-quality", "70"}), base);
  EXPECT_NE(hero_name("d", {"--avif-quality", "50"}), base);
  EXPECT_NE(hero_name("e", {"--avif-yuv", "444"}), base);
  EXPECT_NE(hero_name("f", {"--image-formats", "webp"}), base);
  EXPECT_NE(hero_name("g", {"--no-images"}), base);
}

TEST(ImageEndToEnd, FormatsAndNoImages) {
  TempDir dir;
  make_site(dir / "in");
  auto count = [](const std::map<std::string, std::string>& files, const std::string& suffix) {
    size_t n = 0;
    for (const auto& [path, bytes] : files) n += path.ends_with(suffix);
    return n;
  };
  ASSERT_EQ(build(dir / "in", dir / "webp", {"--image-formats", "webp"}).exit_code, 0);
  auto files = snapshot(dir / "webp");
  EXPECT_EQ(count(files, ".webp"), 3u);  // hero, logo, dot
  EXPECT_EQ(count(files, ".avif"), 0u);
  ASSERT_EQ(build(dir / "in", dir / "none", {"--no-images"}).exit_code, 0);
  files = snapshot(dir / "none");
  EXPECT_EQ(count(files, ".webp") + count(files, ".avif"), 0u);
  EXPECT_FALSE(read_manifest(dir / "none")["assets"]["img/hero.jpg"].contains("variants"));
}
