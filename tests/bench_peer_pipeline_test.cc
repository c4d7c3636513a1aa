// bench/peer-pipeline: the hand-made pipeline assetpipe is measured against. These tests run
// it for real (esbuild, lightningcss, cwebp, avifenc, brotli, gzip) on a small tree and check
// that it does the work the benchmark credits it with: minified code, variants that decode to
// the photo, content-hashed names, .br/.gz that decompress to the final bytes, the keep rules.
#include <cstdio>  // before jpeglib.h, which uses FILE

#include <brotli/decode.h>
#include <jpeglib.h>
#include <openssl/evp.h>
#include <webp/decode.h>
#include <zlib.h>

#include <avif/avif.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

struct Rgb {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // RGB, row-major
};

// A photo-like test image: smooth gradients plus deterministic grain.
Rgb make_photo(int w, int h) {
  Rgb img{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
  uint32_t seed = 12345;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      seed = seed * 1664525u + 1013904223u;
      int grain = static_cast<int>((seed >> 24) % 9) - 4;
      auto* p = &img.pixels[(static_cast<size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>(std::clamp(40 + 180 * x / w + grain, 0, 255));
      p[1] = static_cast<uint8_t>(std::clamp(60 + 120 * y / h + grain, 0, 255));
      p[2] = static_cast<uint8_t>(std::clamp(
          128 + static_cast<int>(80 * std::sin(x / 17.0) * std::cos(y / 23.0)) + grain, 0, 255));
    }
  }
  return img;
}

std::string encode_jpeg(const Rgb& img, int quality) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = static_cast<JDIMENSION>(img.width);
  c.image_height = static_cast<JDIMENSION>(img.height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row =
        const_cast<uint8_t*>(&img.pixels[static_cast<size_t>(c.next_scanline) * img.width * 3]);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::string out(reinterpret_cast<char*>(buf), size);
  std::free(buf);
  return out;
}

Rgb decode_jpeg(const std::string& bytes) {
  jpeg_decompress_struct d{};
  jpeg_error_mgr err{};
  d.err = jpeg_std_error(&err);
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&d, TRUE);
  d.out_color_space = JCS_RGB;
  jpeg_start_decompress(&d);
  Rgb img{static_cast<int>(d.output_width), static_cast<int>(d.output_height), {}};
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
  while (d.output_scanline < d.output_height) {
    JSAMPROW row = &img.pixels[static_cast<size_t>(d.output_scanline) * img.width * 3];
    jpeg_read_scanlines(&d, &row, 1);
  }
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return img;
}

Rgb decode_webp(const std::string& bytes) {
  Rgb img;
  uint8_t* px = WebPDecodeRGB(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                              &img.width, &img.height);
  if (!px) return {};
  img.pixels.assign(px, px + static_cast<size_t>(img.width) * img.height * 3);
  WebPFree(px);
  return img;
}

Rgb decode_avif(const std::string& bytes) {
  avifDecoder* decoder = avifDecoderCreate();
  avifImage* image = avifImageCreateEmpty();
  Rgb img;
  if (avifDecoderReadMemory(decoder, image, reinterpret_cast<const uint8_t*>(bytes.data()),
                            bytes.size()) == AVIF_RESULT_OK) {
    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, image);
    rgb.format = AVIF_RGB_FORMAT_RGB;
    rgb.depth = 8;
    avifRGBImageAllocatePixels(&rgb);
    if (avifImageYUVToRGB(image, &rgb) == AVIF_RESULT_OK) {
      img.width = static_cast<int>(rgb.width);
      img.height = static_cast<int>(rgb.height);
      for (uint32_t y = 0; y < rgb.height; ++y) {
        const uint8_t* row = rgb.pixels + static_cast<size_t>(y) * rgb.rowBytes;
        img.pixels.insert(img.pixels.end(), row, row + static_cast<size_t>(rgb.width) * 3);
      }
    }
    avifRGBImageFreePixels(&rgb);
  }
  avifImageDestroy(image);
  avifDecoderDestroy(decoder);
  return img;
}

double psnr(const Rgb& a, const Rgb& b) {
  double se = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    double d = static_cast<double>(a.pixels[i]) - b.pixels[i];
    se += d * d;
  }
  double mse = se / static_cast<double>(a.pixels.size());
  return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::string brotli_decompress(const std::string& in) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  std::string out;
  size_t avail_in = in.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
  BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    uint8_t buf[65536];
    size_t avail_out = sizeof buf;
    uint8_t* next_out = buf;
    r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - avail_out);
  }
  BrotliDecoderDestroyInstance(s);
  if (r != BROTLI_DECODER_RESULT_SUCCESS) return "<brotli error>";
  return out;
}

std::string gunzip(const std::string& in) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return "<zlib error>";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int r = Z_OK;
  while (r == Z_OK) {
    char buf[65536];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    r = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  return r == Z_STREAM_END ? out : "<zlib error>";
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

fs::path bench_dir() { return fs::path(ASSETPIPE_SOURCE_DIR) / "bench"; }

// A small site: an entry, a script with a licence comment, a stylesheet, a photo, a file too
// small to compress, and one that does not compress.
void write_site(const fs::path& root) {
  std::string js = "/*! tiny-lib v1 | MIT licence */\n";
  for (int i = 0; i < 40; ++i) {
    js += "export function addNumbers" + std::to_string(i) +
          "(firstNumber, secondNumber) {\n  // add them\n  const result = firstNumber + "
          "secondNumber;\n  return result * " +
          std::to_string(i) + ";\n}\n";
  }
  write(root / "js/app.js", js);
  std::string css;
  for (int i = 0; i < 40; ++i) {
    css += ".card-" + std::to_string(i) + " {\n  color: #ff0000;\n  margin: 0px 0px 0px 0px;\n}\n";
  }
  write(root / "css/site.css", css);
  write(root / "img/photo.jpg", encode_jpeg(make_photo(800, 500), 92));
  write(root / "index.html",
        "<!doctype html><html><head><link rel=\"stylesheet\" href=\"css/site.css\"></head>"
        "<body><img src=\"img/photo.jpg\"><script type=\"module\" src=\"js/app.js\"></script>"
        "</body></html>\n" +
            std::string(300, ' ') + "\n");
  write(root / "tiny.txt", "too small to be worth compressing\n");
  std::string noise;
  uint32_t seed = 7;
  for (int i = 0; i < 4096; ++i) {
    seed = seed * 1103515245u + 12345u;
    noise += static_cast<char>(seed >> 23);
  }
  write(root / "noise.txt", noise);
}

RunResult run_peer(const fs::path& in, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {(bench_dir() / "peer-pipeline").string(),
                                   "--input",
                                   in.string(),
                                   "--output",
                                   out.string(),
                                   "-j",
                                   "2"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_program(argv);
}

// The one output file named <stem>.<10 hex><ext>, e.g. ("js/app", ".js").
fs::path hashed(const fs::path& out, const std::string& stem, const std::string& ext) {
  std::regex re(std::regex_replace(stem, std::regex(R"([.])"), R"(\.)") + R"(\.[0-9a-f]{10})" +
                std::regex_replace(ext, std::regex(R"([.])"), R"(\.)"));
  std::vector<fs::path> found;
  for (const auto& [rel, bytes] : snapshot(out)) {
    if (std::regex_match(rel, re)) found.push_back(out / rel);
  }
  return found.size() == 1 ? found[0] : fs::path();
}

std::map<std::string, std::vector<double>> read_times(const fs::path& file) {
  std::map<std::string, std::vector<double>> t;
  std::istringstream in(read(file));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string name;
    l >> name;
    if (name == "tool") l >> name, name = "tool " + name;
    double v;
    while (l >> v) t[name].push_back(v);
  }
  return t;
}

}  // namespace

TEST(BenchPeerPipeline, DoesTheWorkTheBenchCreditsItWith) {
  TempDir tmp;
  write_site(tmp / "in");
  auto before = snapshot(tmp / "in");
  auto r = run_peer(tmp / "in", tmp / "out", {"--times", (tmp / "times").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(snapshot(tmp / "in"), before) << "the input must never change";
  const fs::path out = tmp / "out";

  // Entries keep their names; everything else is named after the SHA-256 of its final bytes.
  EXPECT_EQ(read(out / "index.html"), before["index.html"]);
  for (auto [stem, ext] : std::vector<std::pair<std::string, std::string>>{{"js/app", ".js"},
                                                                           {"css/site", ".css"},
                                                                           {"img/photo", ".jpg"},
                                                                           {"tiny", ".txt"},
                                                                           {"noise", ".txt"}}) {
    fs::path f = hashed(out, stem, ext);
    ASSERT_FALSE(f.empty()) << "no single hashed file for " << stem << ext;
    std::string name = f.filename().string();
    std::string hash = name.substr(name.size() - ext.size() - 10, 10);
    EXPECT_EQ(hash, sha256_hex(read(f)).substr(0, 10)) << f;
  }

  // Minified by esbuild: smaller, licence kept, comments gone, still valid JavaScript.
  fs::path js = hashed(out, "js/app", ".js");
  std::string min_js = read(js);
  EXPECT_LT(min_js.size(), before["js/app.js"].size() / 2);
  EXPECT_THAT(min_js, HasSubstr("tiny-lib v1 | MIT licence"));
  EXPECT_THAT(min_js, ::testing::Not(HasSubstr("// add them")));
  auto check = run_program({"node", "--check", js.string()});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_TRUE(fs::exists(js.string() + ".map")) << "the map is renamed with its file";
  // Minified by lightningcss: smaller, and 0px margins collapsed.
  std::string min_css = read(hashed(out, "css/site", ".css"));
  EXPECT_LT(min_css.size(), before["css/site.css"].size() / 2);
  EXPECT_THAT(min_css, HasSubstr("{color:red;margin:0}"));
  for (const auto& [rel, bytes] : snapshot(out)) {
    EXPECT_THAT(bytes, ::testing::Not(HasSubstr(tmp.path().string())))
        << "absolute path in " << rel;
  }

  // The photo is copied as it was; both variants decode to it.
  fs::path photo = hashed(out, "img/photo", ".jpg");
  EXPECT_EQ(read(photo), before["img/photo.jpg"]);
  Rgb original = decode_jpeg(read(photo));
  for (const std::string format : {"webp", "avif"}) {
    std::string variant = read(photo.string() + "." + format);
    ASSERT_FALSE(variant.empty()) << format;
    EXPECT_LT(variant.size(), 0.9 * read(photo).size()) << format;
    Rgb decoded = format == "webp" ? decode_webp(variant) : decode_avif(variant);
    ASSERT_EQ(decoded.width, 800) << format;
    ASSERT_EQ(decoded.height, 500) << format;
    EXPECT_GT(psnr(original, decoded), 30.0) << format;
  }

  // .br and .gz of every text file of 256 bytes or more, from the final bytes.
  for (const fs::path& f :
       {js, hashed(out, "css/site", ".css"), out / "index.html", fs::path(js.string() + ".map")}) {
    std::string bytes = read(f);
    EXPECT_EQ(brotli_decompress(read(f.string() + ".br")), bytes) << f;
    std::string gz = read(f.string() + ".gz");
    EXPECT_EQ(gunzip(gz), bytes) << f;
    ASSERT_GE(gz.size(), 10u);
    EXPECT_EQ(gz.substr(4, 4), std::string(4, '\0')) << "gzip -n: mtime 0 in " << f;
    EXPECT_EQ(gz[3] & 0x08, 0) << "gzip -n: no file name in " << f;
  }
  // Not for a file under 256 bytes, nor when the result is over 95% of the original.
  for (const fs::path& f : {hashed(out, "tiny", ".txt"), hashed(out, "noise", ".txt")}) {
    EXPECT_FALSE(fs::exists(f.string() + ".br")) << f;
    EXPECT_FALSE(fs::exists(f.string() + ".gz")) << f;
  }

  // The times file: every stage with wall, cpu and encoder cpu; the total covers the stages.
  auto times = read_times(tmp / "times");
  double stage_sum = 0;
  for (const char* stage : {"copy", "minify", "images", "hash", "compress"}) {
    ASSERT_EQ(times[stage].size(), 3u) << stage;
    EXPECT_GE(times[stage][0], 0.0) << stage;
    stage_sum += times[stage][0];
  }
  ASSERT_EQ(times["total"].size(), 3u);
  EXPECT_GE(times["total"][0] + 0.005, stage_sum);
  EXPECT_GT(times["images"][2], 0.0) << "cwebp and avifenc used CPU";
  EXPECT_GT(times["tool cwebp+avifenc"].at(0), 0.0);
  EXPECT_NEAR(times["total"][2], times["minify"][2] + times["images"][2] + times["compress"][2],
              0.011)
      << "the encoders' CPU is the sum of the encoding stages'";
}

TEST(BenchPeerPipeline, DropsVariantsThatDoNotSaveEnough) {
  TempDir tmp;
  write_site(tmp / "in");
  auto r = run_peer(tmp / "in", tmp / "out", {"--min-image-saving", "0.99", "--no-compress"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  fs::path photo = hashed(tmp / "out", "img/photo", ".jpg");
  ASSERT_FALSE(photo.empty());
  EXPECT_FALSE(fs::exists(photo.string() + ".webp"));
  EXPECT_FALSE(fs::exists(photo.string() + ".avif"));
  EXPECT_FALSE(fs::exists(tmp / "out/index.html.br")) << "--no-compress";
}

TEST(BenchPeerPipeline, ImageFormatsAndSettingsReachTheEncoders) {
  TempDir tmp;
  write_site(tmp / "in");
  auto q90 = run_peer(tmp / "in", tmp / "q90", {"--image-formats", "webp", "--webp-quality", "90"});
  auto q30 = run_peer(tmp / "in", tmp / "q30", {"--image-formats", "webp", "--webp-quality", "30"});
  ASSERT_EQ(q90.exit_code, 0) << q90.err;
  ASSERT_EQ(q30.exit_code, 0) << q30.err;
  fs::path p90 = hashed(tmp / "q90", "img/photo", ".jpg"),
           p30 = hashed(tmp / "q30", "img/photo", ".jpg");
  EXPECT_FALSE(fs::exists(p90.string() + ".avif")) << "--image-formats webp";
  EXPECT_GT(fs::file_size(p90.string() + ".webp"), fs::file_size(p30.string() + ".webp"));
}

TEST(BenchPeerPipeline, BadArgumentsNameTheProblem) {
  TempDir tmp;
  auto missing = run_peer(tmp / "nope", tmp / "out");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.err, HasSubstr("--input must be an existing folder"));
  write_site(tmp / "in");
  auto lossless = run_peer(tmp / "in", tmp / "out", {"--webp-lossless", "auto"});
  EXPECT_NE(lossless.exit_code, 0);
  EXPECT_THAT(lossless.err, HasSubstr("--webp-lossless must be on or off"));
  auto unknown = run_peer(tmp / "in", tmp / "out", {"--frobnicate"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("unknown argument '--frobnicate'"));
}
