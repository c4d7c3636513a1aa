// assetpipe verify: passes on what the build writes (fixtures, the example
// site, every manifest format, --base, a cycle), and catches each property
// broken once: a reference, a hashed file's bytes, an image variant, a .br, a
// .gz, the manifest, a framework manifest, the nginx snippet, a file added
// after the build.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

void build_ok(const fs::path& in, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"build", in.string(), "-o", out.string(), "-j", "2", "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_assetpipe(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

RunResult verify(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"verify", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_assetpipe(args);
}

json manifest(const fs::path& out) {
  return json::parse(read(out / ".assetpipe/manifest.json"))["assets"];
}

std::string file_of(const fs::path& out, const std::string& logical) {
  return manifest(out)[logical]["file"];
}

// The example site, built with every framework manifest: JS with maps,
// CSS, JPEG/PNG with variants, .br/.gz.
struct Example {
  TempDir tmp;
  fs::path out = tmp / "out";
  Example() {
    build_ok(fixtures_dir().parent_path() / "examples/site", out,
             {"--manifest-format", "vite,propshaft,django,phoenix"});
  }
};

}  // namespace

TEST(Verify, PassesOnWhatTheBuildWrites) {
  TempDir tmp;
  struct Case {
    std::string name;
    fs::path in;
    std::vector<std::string> build;
  };
  // A cycle (modules that import each other share one hash) and a file that
  // references itself.
  write(tmp / "cycle/index.html", "<script type=module src=\"a.js\"></script>\n");
  write(tmp / "cycle/a.js", "import { b } from './b.js';\nexport const a = () => b();\n");
  write(tmp / "cycle/b.js", "import { a } from './a.js';\nexport const b = () => 1; a;\n");
  write(tmp / "cycle/self.css", ".x { background: url(self.css#x); }\n");
  write(tmp / "cycle/index2.html", "<link rel=stylesheet href=self.css>\n");
  std::vector<Case> cases = {
      {"basic", fixtures_dir() / "basic", {}},
      {"basic-base", fixtures_dir() / "basic", {"--base", "/static/"}},
      {"nginx", fixtures_dir() / "nginx", {"--manifest-format", "django,phoenix"}},
      {"link-site", fixtures_dir() / "link/site", {}},
      {"example",
       fixtures_dir().parent_path() / "examples/site",
       {"--manifest-format", "vite,propshaft,django,phoenix"}},
      {"example-no-maps",
       fixtures_dir().parent_path() / "examples/site",
       {"--sourcemap", "none", "--no-compress"}},
      {"cycle", tmp / "cycle", {}},
      {"example-html-features",
       fixtures_dir().parent_path() / "examples/site",
       {"--sri", "--picture", "--img-dimensions", "--image-widths", "200,400"}},
  };
  for (const auto& c : cases) {
    fs::path out = tmp / ("out-" + c.name);
    build_ok(c.in, out, c.build);
    auto r = verify(out);
    EXPECT_EQ(r.exit_code, 0) << c.name << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(" ok (")) << c.name;
  }
  json m = manifest(tmp / "out-cycle");
  std::string a = m["a.js"]["file"], b = m["b.js"]["file"];
  EXPECT_EQ(a.substr(2, 10), b.substr(2, 10)) << "a cycle shares one hash";
}

TEST(Verify, ABrokenReferenceIsNamedWithLineAndColumn) {
  Example e;
  std::string html = read(e.out / "about/index.html");
  write(e.out / "about/index.html",
        "<!doctype html>\n<p>\n  <img src=\"../img/gone.png\">\n" + html);
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((e.out / "about/index.html").string() +
                               ":3:13: error: reference ../img/gone.png points at img/gone.png, "
                               "which is not in the output"));
}

TEST(Verify, AHashedFileWhoseBytesChangedIsCaught) {
  Example e;
  std::string css = file_of(e.out, "css/theme.css");
  std::string bytes = read(e.out / css);
  bytes[bytes.size() / 2] ^= 1;  // same size
  write(e.out / css, bytes);
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr((e.out / css).string() + ": error: its content does not match the hash"));
}

// An integrity attribute (--sri's or the author's) that the file it loads
// does not match: the browser would refuse the file.
TEST(Verify, AnIntegrityTheFileDoesNotMatchIsCaught) {
  TempDir tmp;
  write(tmp / "in/index.html",
        "<!doctype html>\n<link rel=stylesheet href=\"a.css\">\n"
        "<script src=\"b.js\" integrity=\"sha384-written-by-hand\"></script>\n");
  write(tmp / "in/a.css", "body { color: red; }\n");
  write(tmp / "in/b.js", "console.log(1);\n");
  fs::path out = tmp / "out";
  // The build replaces the author's stale value (a warning) and adds one to the CSS.
  build_ok(tmp / "in", out, {"--sri", "--no-minify", "--no-compress"});
  ASSERT_EQ(verify(out).exit_code, 0);
  std::string css = file_of(out, "a.css");
  write(out / css, read(out / css) + "/* changed after the build */\n");
  std::string html = read(out / "index.html");
  size_t at = html.find("integrity=\"sha384-", html.find("<script"));
  ASSERT_NE(at, std::string::npos) << html;
  html.replace(at + 18, 4, "AAAA");
  write(out / "index.html", html);
  auto r = verify(out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((out / "index.html").string() + ":2:"));
  EXPECT_THAT(r.err, HasSubstr("error: integrity of " + css + " does not match " + css));
  EXPECT_THAT(r.err, HasSubstr((out / "index.html").string() + ":3:"));
  EXPECT_THAT(r.err, HasSubstr("does not match " + file_of(out, "b.js")));
}

TEST(Verify, AChangedImageVariantIsCaught) {
  Example e;
  std::string jpg = file_of(e.out, "img/hero.jpg");
  ASSERT_TRUE(fs::exists(e.out / (jpg + ".webp")));
  // Another valid WebP: the team photo's, under the hero's name.
  std::string team = file_of(e.out, "img/team.jpg");
  fs::copy_file(e.out / (team + ".webp"), e.out / (jpg + ".webp"),
                fs::copy_options::overwrite_existing);
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr((e.out / jpg).string() + ": error: its content does not match the hash"));
}

TEST(Verify, ABrotliThatDoesNotDecodeIsCaught) {
  Example e;
  std::string js = file_of(e.out, "js/app.js");
  std::string br = read(e.out / (js + ".br"));
  write(e.out / (js + ".br"), br.substr(0, br.size() / 2));
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((e.out / (js + ".br")).string() + ": error: does not decode"));
}

TEST(Verify, AGzipOfOtherBytesIsCaught) {
  Example e;
  std::string css = file_of(e.out, "css/main.css");
  std::string theme = file_of(e.out, "css/theme.css");
  fs::copy_file(e.out / (theme + ".gz"), e.out / (css + ".gz"),
                fs::copy_options::overwrite_existing);
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((e.out / (css + ".gz")).string() + ": error: decodes to other"));
}

TEST(Verify, AManifestThatDisagreesIsNamedAtItsLine) {
  Example e;
  fs::path path = e.out / ".assetpipe/manifest.json";
  std::string text = read(path);
  std::string key = "    \"robots.txt\": {";
  size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  json m = json::parse(text);
  m["assets"]["robots.txt"]["size"] = 99999;
  write(path, m.dump(2) + "\n");
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path.string() + ":" + std::to_string(line) +
                               ":5: error: robots.txt: the manifest says 99999 bytes"));
}

TEST(Verify, AFrameworkManifestThatDisagreesIsCaught) {
  Example e;
  json dj = json::parse(read(e.out / "staticfiles.json"));
  dj["paths"]["css/main.css"] = "css/main.0000000000.css";
  write(e.out / "staticfiles.json", dj.dump(2) + "\n");
  json px = json::parse(read(e.out / "cache_manifest.json"));
  std::string js = file_of(e.out, "js/app.js");
  px["digests"][js]["sha512"] = "AAAA";
  write(e.out / "cache_manifest.json", px.dump(2) + "\n");
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((e.out / "staticfiles.json").string()));
  EXPECT_THAT(r.err, HasSubstr("css/main.css: its path is \"css/main.0000000000.css\", but the "
                               "file is " +
                               file_of(e.out, "css/main.css")));
  EXPECT_THAT(r.err, HasSubstr("js/app.js: digests[" + js +
                               "] does not have the file's size "
                               "and sha512"));
}

TEST(Verify, AnEditedNginxSnippetOrAnotherBaseIsCaught) {
  Example e;
  {
    auto r = verify(e.out, {"--base", "/other/"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("server.conf:2:1: error: does not match this output's files"));
  }
  fs::path conf = e.out / ".assetpipe/nginx/server.conf";
  std::string text = read(conf);
  size_t at = text.find("immutable");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "mutable");
  write(conf, text);
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(conf.string() + ":" + std::to_string(line) +
                               ":1: error: does not match this output's files"));
}

TEST(Verify, AFileAddedAfterTheBuildIsCaught) {
  Example e;
  write(e.out / "js/extra.js", "console.log(1);\n");
  auto r = verify(e.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr((e.out / "js/extra.js").string() +
                               ": error: in the output but not in the manifest"));
}

TEST(Verify, ReportJsonListsEachProblem) {
  Example e;
  write(e.out / "index.html",
        read(e.out / "index.html") + "<script src=\"js/nope.js\"></script>\n");
  auto r = verify(e.out, {"--report", "json"});
  EXPECT_EQ(r.exit_code, 1);
  json report = json::parse(r.out);
  EXPECT_EQ(report["ok"], false);
  bool found = false;
  for (const auto& p : report["problems"]) {
    if (p["message"].get<std::string>().find("js/nope.js") != std::string::npos) {
      found = true;
      EXPECT_EQ(p["file"], (e.out / "index.html").string());
      EXPECT_GT(p["line"].get<int>(), 0);
      EXPECT_GT(p["column"].get<int>(), 0);
    }
  }
  EXPECT_TRUE(found) << r.out;
  EXPECT_GT(report["checked"]["names"].get<int>(), 5);

  TempDir clean;
  build_ok(fixtures_dir() / "basic", clean / "out");
  auto ok = verify(clean / "out", {"--report", "json", "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(json::parse(ok.out)["ok"], true);
  EXPECT_EQ(ok.err, "");
}

TEST(Verify, NotAnOutputIsAnError) {
  TempDir tmp;
  auto r = verify(tmp / "missing");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not a folder"));
  fs::create_directories(tmp / "empty");
  auto e = verify(tmp / "empty");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_THAT(e.err, HasSubstr("cannot read the manifest"));
}
