// End-to-end tests of the per-file dataflow (issue "build as a per-file
// dataflow"): streamed files, maps paired by name, no gain no change.
#include <sys/stat.h>

#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

nlohmann::json manifest_of(const fs::path& out) {
  return nlohmann::json::parse(read(out / ".assetpipe/manifest.json"));
}

// An unminified script (esbuild saves about half of it).
std::string unminified_script() {
  std::string s = "(function () {\n";
  for (int i = 0; i < 40; ++i) {
    s += "  var greeting_number_" + std::to_string(i) + " = 'hello ' + document.title;\n";
    s += "  console.log(greeting_number_" + std::to_string(i) + ");\n";
  }
  return s + "})();\n";
}

const char* kBesideMap =
    R"J({"version":3,"file":"bundle.js","sources":["../src/main.ts"],)J"
    R"J("sourcesContent":["console.log(1)"],"names":[],"mappings":"AAAA;AACA"})J";

}  // namespace

TEST(Dataflow, StreamedFileIsCopiedWithItsHolesAndNamedByItsBytes) {
  TempDir tmp;
  write(tmp / "in/index.html", "<!doctype html><a href=\"media/big.bin\">download</a>\n");
  fs::path big = tmp / "in/media/big.bin";
  write_sparse(big, "start of the file", 96 << 20, "end of the file");  // a 96 MiB hole
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto entry = manifest_of(tmp / "out")["assets"]["media/big.bin"];
  std::string file = entry["file"];
  EXPECT_TRUE(std::regex_match(file, std::regex(R"(media/big\.[0-9A-Za-z_-]{10}\.bin)"))) << file;
  EXPECT_EQ(read(tmp / "out" / file), read(big));
  EXPECT_EQ(entry["size"], fs::file_size(big));
  EXPECT_THAT(read(tmp / "out/index.html"), HasSubstr("href=\"" + file + "\""));
  struct stat in {}, out {};
  ASSERT_EQ(::stat(big.c_str(), &in), 0);
  ASSERT_EQ(::stat((tmp / "out" / file).c_str(), &out), 0);
  if (in.st_blocks * 512 < in.st_size / 2) {
    EXPECT_LT(out.st_blocks * 512, in.st_size / 2) << "the hole was filled in";
  }
  // The original name too, with the same bytes (the safety net).
  EXPECT_EQ(read(tmp / "out/media/big.bin"), read(big));
  // No encodings for a file no stage reads.
  EXPECT_FALSE(fs::exists(tmp / "out" / (file + ".br")));
}

TEST(Dataflow, MapBesideAFileWithoutACommentIsComposedThrough) {
  TempDir tmp;
  write(tmp / "in/dist/bundle.js", unminified_script());
  write(tmp / "in/dist/bundle.js.map", kBesideMap);
  write(tmp / "in/index.html", "<!doctype html><script src=\"dist/bundle.js\"></script>\n");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto assets = manifest_of(tmp / "out")["assets"];
  std::string js = assets["dist/bundle.js"]["file"];
  EXPECT_EQ(assets["dist/bundle.js"]["map"], js + ".map");
  // The input map is the file's map now, not a file of its own.
  EXPECT_EQ(assets["dist/bundle.js.map"]["file"], js + ".map");
  auto map = nlohmann::json::parse(read(tmp / "out" / (js + ".map")));
  EXPECT_EQ(map["sources"], nlohmann::json::array({"../src/main.ts"}));
  std::string code = read(tmp / "out" / js);
  EXPECT_LT(code.size(), unminified_script().size() * 7 / 10);
  EXPECT_THAT(code, HasSubstr("sourceMappingURL=" + js.substr(5) + ".map"));
  size_t maps = 0;
  for (const auto& [path, bytes] : snapshot(tmp / "out")) maps += path.ends_with(".map");
  EXPECT_EQ(maps, 1u) << "one map, at the file's final name";
}

TEST(Dataflow, MapBesideThatNamesAnotherFileIsNotPaired) {
  TempDir tmp;
  write(tmp / "in/bundle.js", unminified_script());
  std::string other = kBesideMap;
  other.replace(other.find("\"bundle.js\""), 11, "\"other.js\"");
  write(tmp / "in/bundle.js.map", other);
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto assets = manifest_of(tmp / "out")["assets"];
  std::string js = assets["bundle.js"]["file"];
  auto map = nlohmann::json::parse(read(tmp / "out" / (js + ".map")));
  EXPECT_EQ(map["sources"], nlohmann::json::array({"bundle.js"}));
}

TEST(Dataflow, MinificationThatSavesTooLittleKeepsTheInputAndItsMap) {
  TempDir tmp;
  write(tmp / "in/dist/bundle.js", unminified_script());
  write(tmp / "in/dist/bundle.js.map", kBesideMap);
  // esbuild saves about half of this file: demand more, so it is kept.
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(), "-v",
                          "--min-minify-saving", "0.9"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("under --min-minify-saving 0.9"));
  auto assets = manifest_of(tmp / "out")["assets"];
  std::string js = assets["dist/bundle.js"]["file"];
  std::string code = read(tmp / "out" / js);
  std::string comment = "//# sourceMappingURL=" + js.substr(5) + ".map\n";
  ASSERT_THAT(code, ::testing::EndsWith(comment));
  EXPECT_EQ(code.substr(0, code.size() - comment.size()), unminified_script())
      << "the input's bytes, with only the comment that finds its map";
  auto map = nlohmann::json::parse(read(tmp / "out" / (js + ".map")));
  EXPECT_EQ(map["sources"], nlohmann::json::array({"../src/main.ts"}));
  EXPECT_EQ(map["mappings"], "AAAA;AACA");
  EXPECT_EQ(map["file"], js.substr(5));

  // The default (1%) minifies it.
  auto d = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out2").string()});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  std::string js2 = manifest_of(tmp / "out2")["assets"]["dist/bundle.js"]["file"];
  EXPECT_LT(read(tmp / "out2" / js2).size(), unminified_script().size() * 7 / 10);
}

// A map composed into its minified file's map is freed before the link step,
// unless a file that kept its bytes names it too: that file still gets it.
TEST(Dataflow, AMapTwoFilesNameIsStillTakenOverByTheOneNotMinified) {
  TempDir tmp;
  std::string map = kBesideMap;
  map.replace(map.find("\"bundle.js\""), 11, "\"shared.js\"");
  write(tmp / "in/dist/shared.js.map", map);
  write(tmp / "in/dist/a.js", unminified_script() + "//# sourceMappingURL=shared.js.map\n");
  write(tmp / "in/dist/b.js", unminified_script() + "//# sourceMappingURL=shared.js.map\n");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                          "--no-minify-glob", "dist/b.js"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("not a valid source map"))) << r.err;
  auto assets = manifest_of(tmp / "out")["assets"];
  for (const char* name : {"dist/a.js", "dist/b.js"}) {
    std::string js = assets[name]["file"];
    auto m = nlohmann::json::parse(read(tmp / "out" / (js + ".map")));
    EXPECT_EQ(m["sources"], nlohmann::json::array({"../src/main.ts"})) << name;
  }
  // b.js kept its bytes (not minified), with its comment renamed.
  std::string b = read(tmp / "out" / std::string(assets["dist/b.js"]["file"]));
  EXPECT_THAT(b, HasSubstr("greeting_number_39"));
}

// More script than one chunk of minification holds (scan/payloads.h: a
// chunk's results are parked before the next is read): every file still gets
// its own map composed through, and a map two files in different chunks name
// goes to the first of them.
TEST(Dataflow, FilesMinifiedInSeveralChunksKeepTheirMaps) {
  TempDir tmp;
  std::string body;
  for (int i = 0; i < 280; ++i) body += unminified_script();  // about 1 MiB
  const int files = 12;
  std::string page = "<!doctype html>\n";
  for (int i = 0; i < files; ++i) {
    std::string name = "f" + std::to_string(i) + ".js";
    std::string map = kBesideMap;
    map.replace(map.find("\"bundle.js\""), 11, "\"" + name + "\"");
    map.replace(map.find("main.ts"), 7, "f" + std::to_string(i) + ".ts");
    if (i == 0 || i == files - 1) {
      write(tmp / ("in/dist/" + name), body + "//# sourceMappingURL=shared.map\n");
    } else {
      write(tmp / ("in/dist/" + name), body);
      write(tmp / ("in/dist/" + name + ".map"), map);
    }
    page += "<script src=\"dist/" + name + "\"></script>\n";
  }
  write(tmp / "in/dist/shared.map", kBesideMap);
  write(tmp / "in/index.html", page);
  auto r = run_assetpipe(
      {"build", (tmp / "in").string(), "-o", (tmp / "out").string(), "--timings"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The minified files and their maps waited on disk, not in memory, to be named.
  std::smatch parked;
  std::string said = r.out + r.err;
  ASSERT_TRUE(std::regex_search(said, parked, std::regex(R"(payloads: ([0-9.]+) MiB parked)"))) << said;
  EXPECT_GT(std::stod(parked[1]), 4.0) << said;
  auto assets = manifest_of(tmp / "out")["assets"];
  for (int i = 0; i < files; ++i) {
    std::string logical = "dist/f" + std::to_string(i) + ".js";
    std::string js = assets[logical]["file"];
    EXPECT_LT(fs::file_size(tmp / "out" / js), body.size() * 7 / 10) << logical;
    auto map = nlohmann::json::parse(read(tmp / "out" / (js + ".map")));
    std::string source = i == 0 || i == files - 1 ? "../src/main.ts"
                                                  : "../src/f" + std::to_string(i) + ".ts";
    EXPECT_EQ(map["sources"], nlohmann::json::array({source})) << logical;
    if (i != 0 && i != files - 1) {
      EXPECT_EQ(assets[logical + ".map"]["file"], js + ".map") << logical;
    }
  }
  std::string first = assets["dist/f0.js"]["file"];
  EXPECT_EQ(assets["dist/shared.map"]["file"], first + ".map");
}
