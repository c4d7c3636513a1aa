// --manifest-format: the frameworks' own manifests, each checked against the
// shape its framework's reading code expects (file and line cited per test;
// the commits are those the citations were read at). Django is also proven
// with the real Django in django_consumer_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/nginx_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using nlohmann::json;
using ::testing::HasSubstr;

namespace {

// A small non-Vite site: an HTML entry, a JS entry that imports a module,
// CSS that references an image, an input source map.
void write_site(const fs::path& in) {
  write(in / "index.html",
        "<!doctype html><link rel=stylesheet href=\"css/app.css\">"
        "<script type=module src=\"js/app.js\"></script>\n");
  write(in / "js/app.js", "import { greet } from './util.js';\ngreet('world');\n");
  write(in / "js/util.js", "export function greet(n) { document.title = 'hello ' + n; }\n");
  write(in / "css/app.css", "body { background: url(../img/dot.svg); color: #123456; }\n");
  write(in / "img/dot.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"></svg>\n");
  write(in / "robots.txt", "User-agent: *\n");
}

struct Built {
  TempDir tmp;
  RunResult run;
  fs::path out() const { return tmp / "out"; }
  json manifest() const { return json::parse(read(out() / ".assetpipe/manifest.json"))["assets"]; }
};

std::unique_ptr<Built> build_site(std::vector<std::string> extra,
                                  const std::map<std::string, std::string>& env = {}) {
  auto b = std::make_unique<Built>();
  write_site(b->tmp / "in");
  std::vector<std::string> args = {
      "build", (b->tmp / "in").string(), "-o", b->out().string(), "-j", "2", "--no-minify", "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  b->run = run_assetpipe(args, env);
  return b;
}

}  // namespace

TEST(FrameworkManifests, DefaultWritesOnlyAssetpipesOwn) {
  auto b = build_site({});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  EXPECT_TRUE(fs::exists(b->out() / ".assetpipe/manifest.json"));
  for (auto p :
       {".vite/manifest.json", ".manifest.json", "staticfiles.json", "cache_manifest.json"}) {
    EXPECT_FALSE(fs::exists(b->out() / p)) << p;
  }
}

// vite packages/vite/src/node/plugins/manifest.ts (vitejs/vite a98c8d95):
// lines 14-58, ManifestChunk: `file` the output name, `src` the input name,
// `isEntry`, `imports` = keys of the manifest (JS chunks only), `css` and
// `assets` = output file names; line 78: written at .vite/manifest.json.
// vite_ruby and django-vite read `file`, `css` and `imports` of an entry and
// follow `imports` through the manifest's keys.
TEST(FrameworkManifests, ViteShape) {
  auto b = build_site({"--manifest-format", "vite"});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  json own = b->manifest();
  json vite = json::parse(read(b->out() / ".vite/manifest.json"));
  ASSERT_TRUE(vite.is_object());
  for (auto& [key, chunk] : vite.items()) {
    EXPECT_EQ(chunk["src"], key);
    EXPECT_EQ(chunk["file"], own[key]["file"]) << key;
    EXPECT_TRUE(fs::exists(b->out() / chunk["file"].get<std::string>())) << key;
    for (auto& i : chunk.value("imports", json::array())) {
      EXPECT_TRUE(vite.contains(i.get<std::string>())) << key << " imports " << i;
    }
    for (const char* field : {"css", "assets"}) {
      for (auto& f : chunk.value(field, json::array())) {
        EXPECT_TRUE(fs::exists(b->out() / f.get<std::string>())) << key << " " << field << " " << f;
      }
    }
  }
  EXPECT_FALSE(vite.contains("index.html")) << "an HTML page is not a chunk";
  EXPECT_EQ(vite["js/app.js"]["isEntry"], true);
  EXPECT_EQ(vite["js/app.js"]["imports"], json::array({"js/util.js"}));
  EXPECT_FALSE(vite["js/util.js"].contains("isEntry")) << "imported by app.js";
  EXPECT_EQ(vite["css/app.css"]["isEntry"], true);
  EXPECT_EQ(vite["css/app.css"]["assets"], json::array({own["img/dot.svg"]["file"]}));
  EXPECT_EQ(vite["img/dot.svg"]["file"], own["img/dot.svg"]["file"]);
}

// propshaft lib/propshaft/manifest.rb (rails/propshaft 74258195): lines 51-62,
// from_path reads each key as the logical path and value["digested_path"],
// value["integrity"]; lib/propshaft/resolver/static.rb lines 16-26 serve
// prefix + digested_path and hand out the integrity; lib/propshaft/railtie.rb
// line 48: the manifest is <output_path>/.manifest.json.
TEST(FrameworkManifests, PropshaftShape) {
  auto b = build_site({"--manifest-format", "propshaft"});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  json own = b->manifest();
  json ps = json::parse(read(b->out() / ".manifest.json"));
  ASSERT_EQ(ps.size(), own.size());
  for (auto& [logical, e] : own.items()) {
    ASSERT_TRUE(ps.contains(logical)) << logical;
    EXPECT_EQ(ps[logical]["digested_path"], e["file"]);
    EXPECT_EQ(ps[logical]["integrity"], e["integrity"]);
  }
}

// phoenix lib/phoenix/digester.ex (phoenixframework/phoenix 167c4695): lines
// 118-127 write cache_manifest.json with "version", "latest" and "digests";
// lines 144-151 each digest's logical_path, mtime, size, digest, sha512
// (Base64 of SHA-512 of the file). lib/phoenix/endpoint/supervisor.ex lines
// 418-442 read "latest" (logical -> digested, served as "/" <> digested) and
// "sha512-" <> digests[digested]["sha512"] as the integrity.
TEST(FrameworkManifests, PhoenixShape) {
  auto b = build_site({"--manifest-format", "phoenix"});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  json own = b->manifest();
  json px = json::parse(read(b->out() / "cache_manifest.json"));
  EXPECT_EQ(px["version"], 1);
  ASSERT_TRUE(px["latest"].is_object());
  ASSERT_TRUE(px["digests"].is_object());
  EXPECT_FALSE(px["latest"].contains("index.html")) << "an entry is not digested";
  EXPECT_TRUE(px["latest"].contains("css/app.css"));
  for (auto& [logical, digested] : px["latest"].items()) {
    std::string file = digested;
    EXPECT_EQ(file, own[logical]["file"]);
    ASSERT_TRUE(px["digests"].contains(file)) << file;
    auto& d = px["digests"][file];
    EXPECT_EQ(d["logical_path"], logical);
    EXPECT_EQ(d["size"], read(b->out() / file).size());
    EXPECT_TRUE(d["mtime"].is_number_integer());
    EXPECT_THAT(file, HasSubstr("." + d["digest"].get<std::string>()));
    // Phoenix's integrity equals what sha512sum | base64 gives for the file.
    auto r = run_program({"sh", "-c", "openssl dgst -sha512 -binary \"$0\" | base64 -w0",
                          (b->out() / file).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(d["sha512"], r.out) << file;
  }
  EXPECT_EQ(px["digests"].size(), px["latest"].size());
}

TEST(FrameworkManifests, ConfigListAndEnvironment) {
  {
    auto b = std::make_unique<Built>();
    write_site(b->tmp / "in");
    write(b->tmp / "in.json", R"({"manifest-format": ["django", "phoenix"]})");
    auto r = run_assetpipe({"build", (b->tmp / "in").string(), "-o", b->out().string(),
                            "--no-minify", "-q", "--config", (b->tmp / "in.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(b->out() / "staticfiles.json"));
    EXPECT_TRUE(fs::exists(b->out() / "cache_manifest.json"));
    EXPECT_FALSE(fs::exists(b->out() / ".manifest.json"));
  }
  auto b = build_site({}, {{"ASSETPIPE_MANIFEST_FORMAT", "propshaft,vite"}});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  EXPECT_TRUE(fs::exists(b->out() / ".manifest.json"));
  EXPECT_TRUE(fs::exists(b->out() / ".vite/manifest.json"));
}

TEST(FrameworkManifests, ManifestPathMovesItInsideTheOutput) {
  auto b = build_site({"--manifest-path", "django=meta/static.json"});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  EXPECT_FALSE(fs::exists(b->out() / "staticfiles.json"));
  json dj = json::parse(read(b->out() / "meta/static.json"));
  EXPECT_EQ(dj["version"], "1.0");
  std::string conf = read(b->out() / ".assetpipe/nginx/server.conf");
  EXPECT_THAT(conf, HasSubstr("location = \"/meta/static.json\" {\n    return 404;\n}"));
}

TEST(FrameworkManifests, BadManifestPathsAreUsageErrors) {
  for (std::string arg : {"assetpipe=x.json", "rails=x.json", "django", "django=/etc/x.json",
                          "django=../x.json", "django=a/./x.json"}) {
    auto b = build_site({"--manifest-path", arg});
    EXPECT_EQ(b->run.exit_code, 2) << arg << "\n" << b->run.err;
    EXPECT_THAT(b->run.err, HasSubstr("--manifest")) << arg;
  }
  auto b = build_site({"--manifest-format", "rails"});
  EXPECT_EQ(b->run.exit_code, 2) << b->run.err;
}

TEST(FrameworkManifests, AnInputFileWhereAManifestGoesStopsTheBuild) {
  TempDir tmp;
  write_site(tmp / "in");
  // A Vite build's own manifest keeps its name (manifest.json is an entry).
  write(tmp / "in/.vite/manifest.json", "{}\n");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                          "--no-minify", "-q", "--manifest-format", "vite"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(".vite/manifest.json: the input has a file where the vite "
                               "manifest goes"));
  EXPECT_THAT(r.err, HasSubstr("--manifest-path vite=PATH"));
  EXPECT_FALSE(fs::exists(tmp / "out"));

  auto two = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                            "--no-minify", "-q", "--manifest-path", "django=m.json",
                            "--manifest-path", "phoenix=m.json"});
  EXPECT_EQ(two.exit_code, 1);
  EXPECT_THAT(two.err, HasSubstr("two manifest formats would be written at m.json"));
}

// The framework manifests are read by the application on the server; nginx
// answers 404 for them like for .assetpipe/.
// Debian's real nginx, with an SPA fallback that would otherwise answer 200.
TEST(FrameworkManifests, NginxDoesNotServeThem) {
  auto b = build_site({"--manifest-format", "vite,propshaft,django,phoenix"});
  ASSERT_EQ(b->run.exit_code, 0) << b->run.err;
  NginxServer server({b->out(), b->out() / ".assetpipe/nginx", kSpaFallback});
  for (auto p : {"/.vite/manifest.json", "/.manifest.json", "/staticfiles.json",
                 "/cache_manifest.json", "/.assetpipe/manifest.json"}) {
    ASSERT_TRUE(fs::exists(b->out() / std::string(p).substr(1))) << p;
    EXPECT_EQ(server.request(p).status, 404) << p;
  }
  EXPECT_EQ(server.request("/index.html").status, 200);
  std::string css = b->manifest()["css/app.css"]["file"];
  EXPECT_EQ(server.request("/" + css).status, 200);
}
