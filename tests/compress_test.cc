// Precompression: every .br/.gz decodes to the file's final bytes; the skip
// rules; a fixed gzip header; the same bytes at any -j.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assetpipe/build.h"
#include "emit/compress.h"
#include "emit/emit.h"
#include "support/decompress.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace assetpipe::test {
namespace {

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Realistic, compressible text of about `n` bytes, different per seed.
std::string text(size_t n, unsigned seed) {
  static const char* words[] = {"function", "const", "return", "color", "margin", "export",
                                "import",   "div",   "class",  "width", "height", "null"};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += words[rng() % 12];
    s += rng() % 7 == 0 ? ";\n" : " ";
    if (rng() % 5 == 0) s += std::to_string(rng() % 1000);
  }
  s.resize(n);
  return s;
}

// Valid JavaScript of about `n` bytes (the minifier runs on it in builds).
std::string js_source(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (unsigned k = 0; s.size() < n; ++k) {
    std::string words = text(12 + rng() % 40, seed * 1000 + k);
    std::replace(words.begin(), words.end(), '\n', ' ');
    s += fmt::format("var v{}_{} = {{ name: \"{}\", size: {}, list: [{}, {}, {}] }};\n", seed, k,
                     words, rng() % 100000, rng() % 10, rng() % 100, rng() % 1000);
  }
  return s;
}

Asset asset(std::string name, std::string bytes) {
  Asset a;
  a.logical = name;
  a.output = name;
  a.bytes = std::move(bytes);
  return a;
}

const Encoding* find(const std::vector<Encoding>& list, const std::string& name) {
  for (const auto& e : list) {
    if (e.name() == name) return &e;
  }
  return nullptr;
}

int64_t mtime_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return -1;
  return st.st_mtim.tv_sec;
}

TEST(Precompress, EveryEncodingOfABuildDecodesToTheFile) {
  TempDir dir;
  fs::path out = dir / "out";
  RunResult r = run_assetpipe({"build", (fixtures_dir() / "nginx").string(), "-o", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json assets = json::parse(read(out / ".assetpipe/manifest.json"))["assets"];
  int checked = 0;
  for (const auto& [logical, e] : assets.items()) {
    std::string file = e["file"];
    std::string bytes = read(out / file);
    bool br = fs::exists(out / (file + ".br")), gz = fs::exists(out / (file + ".gz"));
    EXPECT_EQ(br, e.contains("encodings") && e["encodings"].contains("br")) << file;
    EXPECT_EQ(gz, e.contains("encodings") && e["encodings"].contains("gzip")) << file;
    if (br) {
      std::string packed = read(out / (file + ".br"));
      EXPECT_EQ(e["encodings"]["br"]["size"], packed.size()) << file;
      EXPECT_TRUE(brotli_decode(packed) == bytes) << file;
      EXPECT_LE(packed.size(), bytes.size() * 0.95) << file;
      EXPECT_EQ(mtime_of(out / (file + ".br")), mtime_of(out / file)) << file;
      ++checked;
    }
    if (gz) {
      std::string packed = read(out / (file + ".gz"));
      EXPECT_EQ(e["encodings"]["gzip"]["size"], packed.size()) << file;
      EXPECT_TRUE(gzip_decode(packed) == bytes) << file;
      EXPECT_EQ(mtime_of(out / (file + ".gz")), mtime_of(out / file)) << file;
      ++checked;
    }
  }
  EXPECT_GE(checked, 16);  // 8 text files of the fixture, 2 encodings each
  // What must not be compressed: tiny text, images, fonts already compressed.
  for (const char* logical :
       {"js/tiny.js", "robots.txt", "img/photo.jpg", "img/badge.png", "fonts/inter-latin.woff2"}) {
    std::string file = assets[logical]["file"];
    EXPECT_FALSE(fs::exists(out / (file + ".br"))) << file;
    EXPECT_FALSE(fs::exists(out / (file + ".gz"))) << file;
  }
}

TEST(Precompress, SkipRules) {
  std::string zeros(8192, '\0');
  std::vector<Asset> assets = {
      asset("big.css", text(20000, 1)),
      asset("small.js", text(200, 2)),                     // under --compress-min-size
      asset("random.js", random_bytes(8192, 3)),           // incompressible
      asset("gzip-named.js", "\x1f\x8b\x08" + zeros),      // gzip data named .js
      asset("png-named.js", "\x89PNG\r\n\x1a\n" + zeros),  // PNG data named .js
      asset("woff2-named.svg", "wOF2" + zeros),            // woff2 data named .svg
      asset("fonts/a.woff2", zeros),                       // compressed format by name
      asset("img/a.jpg", zeros),
      asset("archive.zip", zeros),
      asset("data.bin", text(5000, 4)),     // not a text type
      asset("fonts/b.ttf", text(5000, 5)),  // fonts that are not compressed
      asset("app.wasm", std::string("\0asm\1\0\0\0", 8) + text(5000, 6)),
  };
  Options options;
  emit::precompress(assets, options);
  auto encodings_of = [&](const std::string& name) {
    for (const auto& a : assets) {
      if (a.logical == name) return a.encodings.size();
    }
    return size_t{99};
  };
  EXPECT_EQ(encodings_of("big.css"), 2u);
  EXPECT_EQ(encodings_of("fonts/b.ttf"), 2u);
  EXPECT_EQ(encodings_of("app.wasm"), 2u);
  for (const char* name :
       {"small.js", "random.js", "gzip-named.js", "png-named.js", "woff2-named.svg",
        "fonts/a.woff2", "img/a.jpg", "archive.zip", "data.bin"}) {
    EXPECT_EQ(encodings_of(name), 0u) << name;
  }
  // The disguised files would compress very well: only the magic check stops them.
  EXPECT_LT(emit::gzip_compress(assets[4].bytes, 9)->size(), 200u);
  // The incompressible and the disguised say why (shown with -v).
  EXPECT_NE(assets[2].notes.at(0).find("--compress-max-ratio"), std::string::npos);
  EXPECT_NE(assets[3].notes.at(0).find("gzip data"), std::string::npos);
  EXPECT_NE(assets[4].notes.at(0).find("png data"), std::string::npos);
  for (const auto& a : assets) {
    for (const auto& e : a.encodings) {
      std::string decoded = e.name() == "br" ? brotli_decode(e.bytes) : gzip_decode(e.bytes);
      EXPECT_TRUE(decoded == a.bytes) << a.logical << " " << e.name();
    }
  }
}

TEST(Precompress, SizeAndRatioLimitsFollowTheOptions) {
  Options options;
  options.compress_min_size = 1000;
  std::vector<Asset> assets = {asset("a.js", text(999, 1)), asset("b.js", text(1000, 2))};
  emit::precompress(assets, options);
  EXPECT_TRUE(assets[0].encodings.empty());
  EXPECT_EQ(assets[1].encodings.size(), 2u);

  // A ratio every encoding misses: nothing kept; the exact ratio: kept.
  std::string bytes = text(10000, 3);
  size_t br_size = emit::brotli_compress(bytes, 11, emit::BrotliMode::Text)->size();
  options = Options{};
  options.compress_gz = false;
  options.compress_max_ratio = static_cast<double>(br_size) / bytes.size();
  std::vector<Asset> exact = {asset("c.js", bytes)};
  emit::precompress(exact, options);
  ASSERT_EQ(exact[0].encodings.size(), 1u);
  EXPECT_EQ(exact[0].encodings[0].bytes.size(), br_size);
  options.compress_max_ratio = static_cast<double>(br_size - 1) / bytes.size();
  emit::precompress(exact, options);
  EXPECT_TRUE(exact[0].encodings.empty());
}

TEST(Precompress, FormatsAndLevelsFollowTheOptions) {
  std::string bytes = text(30000, 7);
  for (auto [br, gz] : {std::pair{true, false}, {false, true}, {false, false}, {true, true}}) {
    Options options;
    options.compress_br = br;
    options.compress_gz = gz;
    std::vector<Asset> assets = {asset("a.js", bytes)};
    emit::precompress(assets, options);
    EXPECT_EQ(find(assets[0].encodings, "br") != nullptr, br);
    EXPECT_EQ(find(assets[0].encodings, "gzip") != nullptr, gz);
    if (br && gz) {  // fixed order: br, then gzip
      EXPECT_STREQ(assets[0].encodings[0].suffix(), ".br");
      EXPECT_STREQ(assets[0].encodings[1].suffix(), ".gz");
    }
  }
  auto br1 = emit::brotli_compress(bytes, 1, emit::BrotliMode::Text);
  auto br11 = emit::brotli_compress(bytes, 11, emit::BrotliMode::Text);
  auto gz1 = emit::gzip_compress(bytes, 1);
  auto gz9 = emit::gzip_compress(bytes, 9);
  EXPECT_LT(br11->size(), br1->size());
  EXPECT_LT(gz9->size(), gz1->size());
  EXPECT_LT(br11->size(), gz9->size());
  for (const auto* packed : {&*br1, &*br11}) EXPECT_TRUE(brotli_decode(*packed) == bytes);
  for (const auto* packed : {&*gz1, &*gz9}) EXPECT_TRUE(gzip_decode(*packed) == bytes);
  EXPECT_EQ(emit::brotli_mode_for("a/b.TTF"), emit::BrotliMode::Font);
  EXPECT_EQ(emit::brotli_mode_for("a.css"), emit::BrotliMode::Text);
  EXPECT_EQ(emit::brotli_mode_for("a.wasm"), emit::BrotliMode::Generic);
}

TEST(Precompress, EmptyAndLargeInputsRoundTrip) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{3'000'000}}) {
    std::string bytes = text(n, 11);
    EXPECT_TRUE(brotli_decode(*emit::brotli_compress(bytes, 5, emit::BrotliMode::Text)) == bytes);
    EXPECT_TRUE(gzip_decode(*emit::gzip_compress(bytes, 6)) == bytes);
  }
}

TEST(Precompress, GzipHeaderHasNoTimeNoNameAndAFixedOs) {
  auto gz = emit::gzip_compress(text(5000, 8), 9);
  ASSERT_TRUE(gz.ok());
  ASSERT_GE(gz->size(), 18u);
  const auto* b = reinterpret_cast<const unsigned char*>(gz->data());
  EXPECT_EQ(b[0], 0x1f);
  EXPECT_EQ(b[1], 0x8b);
  EXPECT_EQ(b[2], 8);                       // deflate
  EXPECT_EQ(b[3], 0);                       // no FNAME, FCOMMENT, FEXTRA, FHCRC
  EXPECT_EQ(b[4] | b[5] | b[6] | b[7], 0);  // MTIME 0
  EXPECT_EQ(b[9], 3);                       // OS: Unix, on every machine
}

TEST(Precompress, SourceMapsGetTheirOwnEncodings) {
  Asset a = asset("app.0123456789.js", text(3000, 9));
  a.source_map = "{\"version\":3,\"sources\":[\"app.ts\"],\"mappings\":\"" + text(4000, 10) + "\"}";
  std::vector<Asset> assets = {a};
  emit::precompress(assets, Options{});
  ASSERT_EQ(assets[0].source_map_encodings.size(), 2u);
  EXPECT_TRUE(brotli_decode(assets[0].source_map_encodings[0].bytes) == *assets[0].source_map);
  EXPECT_TRUE(gzip_decode(assets[0].source_map_encodings[1].bytes) == *assets[0].source_map);
  // Maps get --map-brotli-quality (default 5), the file itself --brotli-quality.
  auto mode = emit::brotli_mode_for("app.0123456789.js.map");
  EXPECT_EQ(assets[0].source_map_encodings[0].bytes,
            *emit::brotli_compress(*assets[0].source_map, 5, mode));
  EXPECT_EQ(find(assets[0].encodings, "br")->bytes,
            *emit::brotli_compress(a.bytes, 11, emit::brotli_mode_for("app.0123456789.js")));
  Options q9;
  q9.map_brotli_quality = 9;
  std::vector<Asset> again = {a};
  emit::precompress(again, q9);
  EXPECT_EQ(again[0].source_map_encodings[0].bytes, *emit::brotli_compress(*a.source_map, 9, mode));
  // An input .map of its own is a map too.
  std::vector<Asset> lone = {asset("vendor.js.map", *a.source_map)};
  emit::precompress(lone, Options{});
  EXPECT_EQ(find(lone[0].encodings, "br")->bytes,
            *emit::brotli_compress(*a.source_map, 5, emit::brotli_mode_for("vendor.js.map")));
  std::set<std::string> paths;
  for (const auto& f : emit::plan(assets, Options{.originals = false})) paths.insert(f.path);
  for (const char* p :
       {"app.0123456789.js.br", "app.0123456789.js.map.br", "app.0123456789.js.map.gz"}) {
    EXPECT_TRUE(paths.count(p)) << p;
  }
}

TEST(Precompress, LargestJobsAreScheduledFirst) {
  std::vector<Asset> assets;
  for (unsigned i = 0; i < 20; ++i) {
    assets.push_back(asset(fmt::format("f{}.js", i), text(300 + 977 * ((i * 7) % 20), i)));
  }
  auto jobs = emit::plan_precompression(assets, Options{});
  ASSERT_EQ(jobs.size(), 40u);
  auto cost = [](const emit::CompressJob& j) { return j.size * (j.brotli ? 50 : 1); };
  for (size_t k = 1; k < jobs.size(); ++k) EXPECT_GE(cost(jobs[k - 1]), cost(jobs[k]));
  EXPECT_TRUE(jobs.front().brotli);
  EXPECT_EQ(jobs.front().size, 300u + 977 * 19);
}

TEST(Precompress, IdenticalBytesTakeTheEncodingsMadeEarlier) {
  emit::EncodingMemo memo;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">" + text(3000, 21) + "</svg>";
  Asset first = asset("icons/clock.svg", svg), alias = asset("icons/time.svg", svg);
  Asset other = asset("icons/bell.svg", "<svg>" + text(3000, 22) + "</svg>");
  emit::precompress_one(first, Options{}, nullptr, &memo);
  emit::precompress_one(other, Options{}, nullptr, &memo);
  EXPECT_EQ(memo.hits(), 0u);
  EXPECT_TRUE(first.notes.empty());
  emit::precompress_one(alias, Options{}, nullptr, &memo);
  EXPECT_EQ(memo.hits(), 2u);  // its .br and its .gz
  ASSERT_EQ(alias.encodings.size(), 2u);
  ASSERT_EQ(first.encodings.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(alias.encodings[k].codec, first.encodings[k].codec);
    EXPECT_EQ(alias.encodings[k].bytes, first.encodings[k].bytes);
    EXPECT_EQ(alias.encodings[k].size, alias.encodings[k].bytes.size());
  }
  EXPECT_TRUE(brotli_decode(alias.encodings[0].bytes) == svg);
  EXPECT_TRUE(gzip_decode(alias.encodings[1].bytes) == svg);
  ASSERT_EQ(alias.notes.size(), 1u);
  EXPECT_NE(alias.notes[0].find("2 of 2 encodings taken from identical bytes"), std::string::npos)
      << alias.notes[0];

  // Other settings, other encodings: quality 5 is not taken from quality 11.
  Options q5;
  q5.brotli_quality = 5;
  Asset at_q5 = asset("icons/alarm.svg", svg);
  emit::precompress_one(at_q5, q5, nullptr, &memo);
  EXPECT_EQ(memo.hits(), 3u);  // only the gzip
  EXPECT_EQ(at_q5.encodings[0].bytes,
            *emit::brotli_compress(svg, 5, emit::brotli_mode_for("icons/alarm.svg")));
  // A dropped encoding is dropped again, with the same reason.
  Options strict;
  strict.compress_max_ratio = 0.01;
  Asset a1 = asset("a.svg", svg), a2 = asset("b.svg", svg);
  emit::precompress_one(a1, strict, nullptr, &memo);
  emit::precompress_one(a2, strict, nullptr, &memo);
  EXPECT_TRUE(a2.encodings.empty());
  ASSERT_FALSE(a1.notes.empty());
  EXPECT_EQ(a2.notes.front(), a1.notes.front());
}

TEST(Precompress, TheMemoHoldsOnlySmallInputsAndDropsTheOldestFirst) {
  // gzip only: one encoding a file. Inputs up to 4,000 bytes, room for the
  // encoding of one of them (and its key) but not two.
  Options gz;
  gz.compress_br = false;
  std::string big = text(6000, 31), a = text(3000, 32), b = text(3000, 33);
  size_t one = emit::gzip_compress(a, gz.gzip_level)->size() + 100;
  emit::EncodingMemo memo(4000, one * 3 / 2);
  for (int k = 0; k < 2; ++k) {
    Asset f = asset(fmt::format("big{}.js", k), big);
    emit::precompress_one(f, gz, nullptr, &memo);
  }
  EXPECT_EQ(memo.hits(), 0u);  // over 4,000 bytes: never kept
  Asset fa = asset("a.js", a), fb = asset("b.js", b), fa2 = asset("a2.js", a);
  emit::precompress_one(fa, gz, nullptr, &memo);
  emit::precompress_one(fb, gz, nullptr, &memo);  // pushes a's out
  emit::precompress_one(fa2, gz, nullptr, &memo);
  EXPECT_EQ(memo.hits(), 0u);
  ASSERT_EQ(fa2.encodings.size(), 1u);
  EXPECT_EQ(fa2.encodings[0].bytes, fa.encodings[0].bytes);
  Asset fa3 = asset("a3.js", a);  // a's again: kept since a2
  emit::precompress_one(fa3, gz, nullptr, &memo);
  EXPECT_EQ(memo.hits(), 1u);
  EXPECT_TRUE(gzip_decode(fa3.encodings[0].bytes) == a);
}

TEST(Precompress, SameBytesAtAnyJobsCount) {
  TempDir dir;
  for (unsigned i = 0; i < 40; ++i) {
    write(dir / fmt::format("in/d{}/f{}.js", i % 4, i), js_source(300 + (i * 3571) % 20000, i));
  }
  write(dir / "in/index.html", "<!doctype html><title>t</title><p>" + text(2000, 99) + "</p>\n");
  std::map<std::string, std::string> first;
  for (const char* jobs : {"1", "2", "2", "4"}) {
    fs::path out = dir / (std::string("out") + jobs);
    RunResult r = run_assetpipe({"build", (dir / "in").string(), "-o", out.string(), "-j", jobs});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto snap = snapshot(out);
    if (first.empty()) {
      first = snap;
      EXPECT_GT(first.size(), 80u);  // 41 files + their .br and .gz
    } else {
      EXPECT_TRUE(snap == first) << "-j " << jobs << " differs";
    }
    fs::remove_all(out);
  }
}

TEST(Precompress, CliFlags) {
  TempDir dir;
  write(dir / "in/app.js", js_source(5000, 1));
  auto build = [&](std::vector<std::string> flags) {
    fs::path out = dir / "out";
    fs::remove_all(out);
    std::vector<std::string> args = {"build", (dir / "in").string(), "-o", out.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    RunResult r = run_assetpipe(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> suffixes;
    for (const auto& [path, bytes] : snapshot(out)) {
      if (path.ends_with(".br")) suffixes.insert("br");
      if (path.ends_with(".gz")) suffixes.insert("gz");
    }
    return suffixes;
  };
  EXPECT_EQ(build({}), (std::set<std::string>{"br", "gz"}));
  EXPECT_EQ(build({"--compress", "gz"}), (std::set<std::string>{"gz"}));
  EXPECT_EQ(build({"--compress", "br"}), (std::set<std::string>{"br"}));
  EXPECT_EQ(build({"--no-compress"}), (std::set<std::string>{}));
  EXPECT_EQ(build({"--compress-min-size", "100000"}), (std::set<std::string>{}));
}

}  // namespace
}  // namespace assetpipe::test
