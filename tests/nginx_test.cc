// The generated nginx snippets, proven against Debian's real nginx: every
// file of a built fixture is requested with several Accept-Encoding and
// Accept headers, and status, headers and (decoded) body are checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assetpipe/build.h"
#include "emit/nginx_conf.h"
#include "support/decompress.h"
#include "support/nginx_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace assetpipe::test {
namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";

std::string extension_of(const std::string& path) {
  auto slash = path.rfind('/');
  auto dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return path.substr(dot + 1);
}

// The Content-Type a browser must get for a file, by extension.
std::vector<std::string> expected_types(const std::string& file) {
  static const std::map<std::string, std::vector<std::string>> types = {
      {"js", {"application/javascript", "text/javascript"}},
      {"mjs", {"text/javascript"}},
      {"css", {"text/css"}},
      {"html", {"text/html"}},
      {"svg", {"image/svg+xml"}},
      {"json", {"application/json"}},
      {"map", {"application/json"}},
      {"webmanifest", {"application/manifest+json"}},
      {"txt", {"text/plain"}},
      {"jpg", {"image/jpeg"}},
      {"png", {"image/png"}},
      {"webp", {"image/webp"}},
      {"avif", {"image/avif"}},
      {"woff2", {"font/woff2"}},
  };
  auto it = types.find(extension_of(file));
  return it == types.end() ? std::vector<std::string>{"application/octet-stream"} : it->second;
}

json load_manifest(const fs::path& out) {
  return json::parse(read(out / ".assetpipe/manifest.json"));
}

std::string describe(const std::string& url, const std::string& what, const HttpResponse& r) {
  return fmt::format("GET {} ({})\n{}", url, what, r.raw_head);
}

// Requests `file` with each Accept-Encoding and checks everything nginx sends.
void check_text_negotiation(const NginxServer& server, const fs::path& root,
                            const std::string& url_path, const std::string& file, bool immutable) {
  std::string bytes = read(root / file);
  bool has_br = fs::exists(root / (file + ".br")), has_gz = fs::exists(root / (file + ".gz"));
  std::string url = url_encode_path(url_path);
  for (std::string ae : {"", "identity", "gzip", "br", "gzip, deflate, br", "br;q=1, gzip;q=0.5"}) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!ae.empty()) h.push_back({"Accept-Encoding", ae});
    HttpResponse r = server.request(url, h);
    std::string why = describe(url, "Accept-Encoding: " + ae, r);
    ASSERT_EQ(r.status, 200) << why;
    EXPECT_EQ(r.header("Cache-Control"), immutable ? kImmutable : "no-cache") << why;
    auto types = expected_types(file);
    EXPECT_NE(std::find(types.begin(), types.end(), r.header("Content-Type")), types.end()) << why;
    EXPECT_TRUE(r.has("etag")) << why;
    bool wants_br = ae.find("br") != std::string::npos;
    bool wants_gz = ae.find("gzip") != std::string::npos;
    std::string expected_encoding = wants_br && has_br ? "br" : wants_gz && has_gz ? "gzip" : "";
    EXPECT_EQ(r.header("Content-Encoding"), expected_encoding) << why;
    std::string body = expected_encoding == "br"     ? brotli_decode(r.body)
                       : expected_encoding == "gzip" ? gzip_decode(r.body)
                                                     : r.body;
    EXPECT_TRUE(body == bytes) << why << "\nbody differs from " << file;
    // Any response of a file that has a compressed twin varies by encoding,
    // the identity one included (a cache must not hand it to a gzip client).
    EXPECT_EQ(r.header_lists("Vary", "Accept-Encoding"), has_gz || has_br) << why;
  }
}

struct ImageCase {
  std::string accept;
  std::string expected_suffix;  // "", ".webp" or ".avif"
};

void check_image_negotiation(const NginxServer& server, const fs::path& root,
                             const std::string& url_path, const std::string& file,
                             const std::vector<ImageCase>& cases, bool immutable = true) {
  std::string url = url_encode_path(url_path);
  for (const auto& c : cases) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!c.accept.empty()) h.push_back({"Accept", c.accept});
    h.push_back({"Accept-Encoding", "gzip, br"});
    HttpResponse r = server.request(url, h);
    std::string why = describe(url, "Accept: " + c.accept, r);
    ASSERT_EQ(r.status, 200) << why;
    std::string served = file + c.expected_suffix;
    EXPECT_TRUE(r.body == read(root / served)) << why << "\nexpected the bytes of " << served;
    EXPECT_EQ(r.header("Content-Type"), expected_types(served).front()) << why;
    EXPECT_EQ(r.header("Cache-Control"), immutable ? kImmutable : "no-cache") << why;
    EXPECT_TRUE(r.header_lists("Vary", "Accept")) << why;
    EXPECT_EQ(r.header("Content-Encoding"), "") << why;
  }
}

const std::vector<ImageCase>& browser_cases(bool webp, bool avif) {
  static std::map<std::pair<bool, bool>, std::vector<ImageCase>> cache;
  auto& v = cache[{webp, avif}];
  if (v.empty()) {
    std::string best = avif ? ".avif" : webp ? ".webp" : "";
    std::string webp_or_orig = webp ? ".webp" : "";
    v = {
        {"image/avif,image/webp,image/apng,image/*,*/*;q=0.8", best},  // Chrome
        {"image/webp,image/avif,*/*", best},                           // order does not matter
        {"IMAGE/AVIF", avif ? ".avif" : ""},                           // case-insensitive
        {"image/webp,*/*", webp_or_orig},                              // WebP-only browser
        {"image/avif;q=0, image/webp", webp_or_orig},                  // AVIF refused
        {"image/avif;q=0.5", avif ? ".avif" : ""},                     // q>0 accepts
        {"image/png,image/*;q=0.8,*/*;q=0.5", ""},                     // neither
        {"", ""},                                                      // no Accept at all
    };
  }
  return v;
}

// Builds `fixture` (a folder under fixtures/ or an absolute path) into a temp output.
fs::path build_fixture(const TempDir& dir, const fs::path& input,
                       std::vector<std::string> extra_args = {}) {
  fs::path out = dir / "out";
  std::vector<std::string> args = {"build", input.string(), "-o", out.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  RunResult r = run_assetpipe(args);
  if (r.exit_code != 0) throw std::runtime_error("assetpipe failed:\n" + r.err + r.out);
  return out;
}

// Every manifest entry served right, with every encoding.
void check_every_manifest_entry(const NginxServer& server, const fs::path& root,
                                const std::string& prefix = "/") {
  json manifest = load_manifest(root);
  ASSERT_FALSE(manifest["assets"].empty());
  for (const auto& [logical, e] : manifest["assets"].items()) {
    SCOPED_TRACE(logical);
    std::string file = e["file"];
    // The manifest's encodings are exactly the files beside it.
    for (const char* enc : {"br", "gzip"}) {
      std::string suffix = std::string(enc) == "br" ? ".br" : ".gz";
      bool listed = e.contains("encodings") && e["encodings"].contains(enc);
      ASSERT_EQ(listed, fs::exists(root / (file + suffix))) << file << suffix;
      if (listed) EXPECT_EQ(e["encodings"][enc]["size"], fs::file_size(root / (file + suffix)));
    }
    check_text_negotiation(server, root, prefix + file, file, e["immutable"]);
    if (e.contains("map")) {  // the source map written beside it (its own .br/.gz)
      std::string map = e["map"];
      check_text_negotiation(server, root, prefix + map, map, e["immutable"]);
    }
    if (e.contains("variants")) {
      bool webp = e["variants"].contains("webp") && e["variants"]["webp"].contains("file");
      bool avif = e["variants"].contains("avif") && e["variants"]["avif"].contains("file");
      if (webp || avif) {
        check_image_negotiation(server, root, prefix + file, file, browser_cases(webp, avif),
                                e["immutable"]);
      }
    }
  }
}

TEST(NginxServe, EveryFileOfABuildWithEveryEncoding) {
  TempDir dir;
  fs::path out = build_fixture(dir, fixtures_dir() / "nginx");
  NginxServer server({out, out / ".assetpipe/nginx", kSpaFallback});
  check_every_manifest_entry(server, out);

  json assets = load_manifest(out)["assets"];
  // The fixture really exercises the rules: hashed, bundler-hashed, entries, skipped.
  EXPECT_TRUE(assets["js/module.mjs"]["immutable"]);
  EXPECT_TRUE(assets["assets/index-BkX3s9fa.js"]["immutable"]);
  EXPECT_FALSE(assets["index.html"]["immutable"]);
  EXPECT_TRUE(assets["css/main.css"].contains("encodings"));
  EXPECT_FALSE(assets["js/tiny.js"].contains("encodings"));
  EXPECT_FALSE(assets["fonts/inter-latin.woff2"].contains("encodings"));
}

TEST(NginxServe, EntriesRevalidateAndMissingHashedFilesAre404) {
  TempDir dir;
  fs::path out = build_fixture(dir, fixtures_dir() / "nginx");
  NginxServer server({out, out / ".assetpipe/nginx", kSpaFallback});
  std::string index = read(out / "index.html");

  HttpResponse root = server.request("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, index);
  EXPECT_EQ(root.header("Cache-Control"), "no-cache") << root.raw_head;
  HttpResponse about = server.request("/about/");
  EXPECT_EQ(about.body, read(out / "about/index.html"));
  EXPECT_EQ(about.header("Cache-Control"), "no-cache") << about.raw_head;

  // Revalidation of an entry: 304, still no-cache (ETag stays on).
  std::string etag = root.header("ETag");
  ASSERT_FALSE(etag.empty());
  HttpResponse again = server.request("/index.html", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304) << again.raw_head;
  EXPECT_EQ(again.header("Cache-Control"), "no-cache") << again.raw_head;

  // The application's own routes still reach its fallback...
  HttpResponse route = server.request("/settings/profile");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, index);
  EXPECT_EQ(route.header("Cache-Control"), "no-cache") << route.raw_head;
  // Routes of a hashed shape without an asset extension stay the application's.
  for (std::string app_route : {"/posts/hello-world2024", "/u/build-abc123def456"}) {
    HttpResponse r = server.request(app_route);
    EXPECT_EQ(r.status, 200) << app_route << "\n" << r.raw_head;
    EXPECT_EQ(r.body, index) << app_route;
  }
  // ...but a hashed name that is not in the build is a plain 404, never index.html.
  // In folders that hold no hashed file of this build too (Vite's /assets/
  // after a switch of tools, a deleted folder): the shape decides.
  for (std::string missing :
       {"/css/main.0123456789.css", "/js/app.abcdef0123.js", "/assets/index-Zz9Zz9Zz.js",
        "/img/photo.a1b2c3d4e5.jpg.webp", "/static/index-BkX3s9fa.js",
        "/gone/deep/er/chunk-D7LyRg-G.css", "/assets/hero-CLDdwZDr.png", "/index-BkX3s9fa.js.map", "/x/logo.0123456789.png"}) {
    HttpResponse r = server.request(missing);
    EXPECT_EQ(r.status, 404) << missing << "\n" << r.raw_head;
    EXPECT_NE(r.body, index) << missing;
  }
  // assetpipe's own folder is never served.
  for (std::string hidden : {"/.assetpipe/manifest.json", "/.assetpipe/nginx/server.conf",
                             "/.assetpipe/", "/.assetpipe", "/js/../.assetpipe/nginx/http.conf"}) {
    HttpResponse r = server.request(hidden);
    EXPECT_EQ(r.status, 404) << hidden << "\n" << r.raw_head;
  }
}

TEST(NginxServe, ServesUnderABasePath) {
  TempDir dir;
  fs::path docroot = dir / "www";
  fs::path out = docroot / "static";
  RunResult b = run_assetpipe(
      {"build", (fixtures_dir() / "nginx").string(), "-o", out.string(), "--base", "/static/"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  NginxServer server({docroot, out / ".assetpipe/nginx", ""});
  check_every_manifest_entry(server, out, "/static/");
  EXPECT_EQ(server.request("/static/.assetpipe/manifest.json").status, 404);
  EXPECT_EQ(server.request("/static/js/app.0123456789.js").status, 404);
}

// With only .br files (--compress br), brotli_static must still mark every
// response Vary: Accept-Encoding (it does so only under gzip_vary on).
TEST(NginxServe, BrotliOnlyBuild) {
  TempDir dir;
  fs::path out = build_fixture(dir, fixtures_dir() / "nginx", {"--compress", "br"});
  ASSERT_TRUE(fs::exists(out / "index.html.br"));
  ASSERT_FALSE(fs::exists(out / "index.html.gz"));
  NginxServer server({out, out / ".assetpipe/nginx", kSpaFallback});
  check_every_manifest_entry(server, out);
}

// Images with hand-made variants (the convention of the images stage:
// <output>.webp / .avif beside the image), negotiated by Accept.
TEST(NginxServe, PicksTheBestImageVariantTheBrowserAccepts) {
  TempDir dir;
  fs::path root = dir / "site";
  struct Img {
    std::string output;
    bool webp, avif;
  };
  std::vector<Img> images = {{"img/both.0123456789.jpg", true, true},
                             {"img/webp-only.1234567890.jpg", true, false},
                             {"img/avif-only.2345678901.png", false, true},
                             {"img/none.3456789012.jpg", false, false},
                             {"apple-touch-icon.png", true, true}};  // an entry: kept name
  auto is_entry = [](const Img& img) { return img.output.find('/') == std::string::npos; };
  std::vector<Asset> assets;
  for (const auto& img : images) {
    Asset a;
    a.entry = is_entry(img);
    a.logical = a.entry ? img.output
                        : img.output.substr(0, img.output.find('.')) +
                              img.output.substr(img.output.rfind('.'));
    a.output = img.output;
    a.kind = extension_of(img.output) == "png" ? FileKind::Png : FileKind::Jpeg;
    write(root / img.output, "original of " + img.output);
    for (const char* format : {"webp", "avif"}) {
      bool kept = std::string(format) == "webp" ? img.webp : img.avif;
      ImageVariant v{format, "", 8, 8, kept ? "" : "larger than original"};
      if (kept) {
        v.bytes = std::string(format) + " of " + img.output;
        write(root / (img.output + "." + format), v.bytes);
      }
      a.variants.push_back(v);
    }
    assets.push_back(a);
  }
  Options options;
  for (const auto& [rel, text] : emit::nginx_conf(assets, options)) write(root / rel, text);
  NginxServer server({root, root / ".assetpipe/nginx", kSpaFallback});

  for (const auto& img : images) {
    SCOPED_TRACE(img.output);
    if (img.webp || img.avif) {
      check_image_negotiation(server, root, "/" + img.output, img.output,
                              browser_cases(img.webp, img.avif), !is_entry(img));
    } else {
      // No variant: nothing to negotiate, so no Vary: Accept either.
      HttpResponse r = server.request("/" + img.output, {{"Accept", "image/avif,image/webp"}});
      EXPECT_EQ(r.body, read(root / img.output));
      EXPECT_EQ(r.header("Content-Type"), "image/jpeg");
      EXPECT_EQ(r.header("Cache-Control"), kImmutable);
      EXPECT_FALSE(r.header_lists("Vary", "Accept")) << r.raw_head;
    }
    // A variant asked for by its own name is served as what it is.
    for (const char* format : {"webp", "avif"}) {
      if (!fs::exists(root / (img.output + "." + format))) continue;
      HttpResponse r = server.request("/" + img.output + "." + format);
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.header("Content-Type"), std::string("image/") + format) << r.raw_head;
      EXPECT_EQ(r.header("Cache-Control"), is_entry(img) ? "no-cache" : kImmutable) << r.raw_head;
    }
  }
  // A variant removed from disk after the build: nginx falls back to the next candidate.
  fs::remove(root / "img/both.0123456789.jpg.avif");
  HttpResponse r =
      server.request("/img/both.0123456789.jpg", {{"Accept", "image/avif,image/webp"}});
  EXPECT_EQ(r.body, read(root / "img/both.0123456789.jpg.webp"));
  EXPECT_EQ(r.header("Content-Type"), "image/webp");
}

// Over 600 bytes of valid content for the extension (the minifiers run on it).
std::string valid_content(const std::string& ext, size_t i) {
  std::string body;
  for (size_t k = 0; body.size() < 600; ++k) {
    if (ext == "css") {
      body += fmt::format(".hostile-{}-{} {{ margin: {}px; padding: {}px; }}\n", i, k, k, i);
    } else if (ext == "html") {
      body += fmt::format("<p id=\"p{}-{}\">paragraph {} of hostile page {}</p>\n", i, k, k, i);
    } else {
      body += fmt::format("console.log(\"hostile name {}\", {});\n", i, k);
    }
  }
  return body;
}

// File names are data: each hostile name is served as itself and nothing
// in them reaches nginx's configuration as syntax.
TEST(NginxServe, HostileNamesAreServedAsThemselves) {
  TempDir dir;
  fs::path in = dir / "in";
  std::vector<std::string> names = {
      "a.js { return 200 \"INJECTED\"; } location = b.js",
      "a.html { return 200 \"INJECTED\"; } location = b.html",
      "sp ace.css",
      "semi;colon.js",
      "br{ace}s.js",
      "hash#tag.js",
      "dollar$uri.js",
      "${document_root}.css",
      "quote\"d.js",
      "single'quote.js",
      "back\\slash.js",
      "trailing\\",
      "percent%20.js",
      "tab\there.js",  // a hashed name: never written into the configuration
      "ünï cødé 日本語.js",
      "we $ird {dir}; #x/\"inner\" \\ file.mjs",
      "we $ird {dir}; #x/page $x.html",
  };
  for (size_t i = 0; i < names.size(); ++i) {
    write(in / names[i], valid_content(extension_of(names[i]), i));
  }
  write(in / "index.html", "<!doctype html><title>the app's fallback page</title>\n");
  fs::path out = build_fixture(dir, in);
  NginxServer server({out, out / ".assetpipe/nginx", kSpaFallback});
  RunResult t = server.test_config();
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.err.find("test is successful"), std::string::npos) << t.err;

  json assets = load_manifest(out)["assets"];
  ASSERT_EQ(assets.size(), names.size() + 1);
  for (const auto& name : names) {
    ASSERT_TRUE(assets.contains(name)) << name;
    bool text = !extension_of(name).empty() && extension_of(name).find('\\') == std::string::npos;
    EXPECT_EQ(assets[name].contains("encodings"), text) << name;
  }
  check_every_manifest_entry(server, out);
  // The injected location does not exist; its would-be URL is the app's fallback.
  HttpResponse b = server.request("/b.js");
  EXPECT_NE(b.body, "INJECTED");
  EXPECT_EQ(server.request("/we%20%24ird%20%7Bdir%7D%3B%20%23x/gone.0123456789.mjs").status, 404);
  EXPECT_EQ(server.request("/gone.0123456789.js").status, 404);  // the root folder too
  HttpResponse gone = server.request("/gone");  // not a hashed name: the app's fallback
  EXPECT_EQ(gone.status, 200);
  EXPECT_EQ(gone.body, read(out / "index.html"));
}

// The complete nginx.conf of examples/nginx, as documented, run by the real
// nginx (only its paths, port and user changed) in front of a real build.
TEST(NginxServe, TheDocumentedExampleConfigWorks) {
  TempDir dir;
  fs::path out = build_fixture(dir, fixtures_dir() / "nginx");
  std::string conf = read(fs::path(ASSETPIPE_FIXTURES).parent_path() / "examples/nginx/nginx.conf");
  replace_all(conf, "/srv/www/site", out.string());
  replace_all(conf, "listen 80;", "listen 127.0.0.1:{port};");
  replace_all(conf, "/run/nginx.pid", "{prefix}/nginx.pid");
  replace_all(conf, "/var/log/nginx/", "{prefix}/logs/");
  replace_all(conf, "user www-data;", ::geteuid() == 0 ? "user root;" : "");
  replace_all(conf, "http {",
              "http {\n    client_body_temp_path {prefix}/body;\n"
              "    proxy_temp_path {prefix}/proxy;\n"
              "    fastcgi_temp_path {prefix}/fastcgi;\n"
              "    uwsgi_temp_path {prefix}/uwsgi;\n"
              "    scgi_temp_path {prefix}/scgi;\n");
  conf = "daemon off;\nmaster_process off;\n" + conf;
  NginxServer server({.full_config = conf});
  EXPECT_EQ(server.test_config().exit_code, 0) << server.test_config().err;
  check_every_manifest_entry(server, out);
  EXPECT_EQ(server.request("/settings").body, read(out / "index.html"));
  EXPECT_EQ(server.request("/js/app.0123456789.js").status, 404);
}

// An entry's name is written into server.conf (its own exact location): a
// control character cannot be, and stops the build naming the file. (A hashed
// file's name never enters the configuration: see HostileNamesAreServedAsThemselves.)
TEST(NginxConf, RefusesAnEntryNameWithAControlCharacter) {
  Asset a;
  a.logical = a.output = "evil\nname.html";
  a.entry = true;
  try {
    emit::nginx_conf({a}, Options{});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("evil\\x0aname.html:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("rename"), std::string::npos) << msg;
  }
  // A folder of hashed files is written into a regex location: same rule.
  Asset b;
  b.logical = "bad\x01dir/app.js";
  b.output = "bad\x01dir/app.0123456789.js";
  EXPECT_THROW(emit::nginx_conf({b}, Options{}), Error);
}

TEST(NginxConf, RefusingANameStopsTheBuildAndKeepsTheOutput) {
  TempDir dir;
  write(dir / "in/ok.js", "export const ok = 1;\n");
  write(dir / "in/tab\tname.html", "<!doctype html><title>t</title>\n");
  RunResult r = run_assetpipe({"build", (dir / "in").string(), "-o", (dir / "out").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("tab\\x09name.html"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("control character"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// server.conf is written in pieces as it is made (a location for most files
// is never held whole): a name refused after the first pieces were written
// still leaves the previous output as it was, and a dry run refuses it too.
TEST(NginxConf, RefusingANameMidSnippetKeepsThePreviousOutput) {
  TempDir dir;
  for (int i = 0; i < 50; ++i) {
    write(dir / "in" / fmt::format("page{}.html", i), "<!doctype html>\n");
  }
  std::string in = (dir / "in").string(), out = (dir / "out").string();
  RunResult first = run_assetpipe({"build", in, "-o", out});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  std::string conf = read(dir / "out/.assetpipe/nginx/server.conf");
  EXPECT_NE(conf.find("location = \"/page49.html\""), std::string::npos);
  // Sorted after the 50 good pages: refused once their locations are out.
  write(dir / "in/zz\tlast.html", "<!doctype html>\n");
  for (bool dry : {false, true}) {
    std::vector<std::string> args = {"build", in, "-o", out};
    if (dry) args.push_back("--dry-run");
    RunResult r = run_assetpipe(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("zz\\x09last.html"), std::string::npos) << r.err;
  }
  EXPECT_EQ(read(dir / "out/.assetpipe/nginx/server.conf"), conf);
  EXPECT_FALSE(fs::exists(dir / "out/zz\tlast.html"));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "in" || name == "out") << "left behind: " << name;
  }
}

TEST(NginxConf, QuotesEveryNameForNginx) {
  EXPECT_EQ(*emit::nginx_quote("/a b;{}#$x.js"), "\"/a b;{}#$x.js\"");
  EXPECT_EQ(*emit::nginx_quote("/q\"b\\s"), "\"/q\\\"b\\\\s\"");
  EXPECT_FALSE(emit::nginx_quote("/a\rb").ok());
  EXPECT_FALSE(emit::nginx_quote(std::string(5000, 'a')).ok());
  EXPECT_EQ(emit::regex_escape("a.b$(c)/d"), "a\\.b\\$\\(c\\)/d");
  EXPECT_EQ(emit::url_prefix("static"), "/static/");
  EXPECT_EQ(emit::url_prefix("/"), "/");
}

// A bundler's metadata is for the backend: Vite's .vite/ and react-scripts'
// asset-manifest.json are 404, never the SPA fallback.
TEST(NginxServe, BundlerMetadataIsNeverServed) {
  TempDir dir;
  copy_fixture("nginx", dir / "in");
  write(dir / "in/.vite/manifest.json",
        R"({"index.html": {"file": "assets/index-BkX3s9fa.js", "isEntry": true}})");
  write(dir / "in/asset-manifest.json", R"({"files": {"main.js": "/assets/index-BkX3s9fa.js"}})");
  fs::path out = build_fixture(dir, dir / "in");
  ASSERT_TRUE(fs::exists(out / ".vite/manifest.json"));  // written, for the backend
  NginxServer server({out, out / ".assetpipe/nginx", kSpaFallback});
  for (std::string hidden : {"/.vite/manifest.json", "/.vite/", "/asset-manifest.json"}) {
    HttpResponse r = server.request(hidden);
    EXPECT_EQ(r.status, 404) << hidden << "\n" << r.raw_head;
  }
  EXPECT_EQ(server.request("/assets/index-BkX3s9fa.js").status, 200);
}


// The safety net: a renamed file is also served under its input name,
// revalidated, so a reference no scanner saw still works.
TEST(NginxServe, OriginalNamesAreServedRevalidated) {
  TempDir dir;
  fs::path out = build_fixture(dir, fixtures_dir() / "nginx");
  json assets = load_manifest(out)["assets"];
  std::string hashed = assets["css/main.css"]["file"];
  ASSERT_NE(hashed, "css/main.css");
  EXPECT_EQ(read(out / "css/main.css"), read(out / hashed));
  NginxServer server({out, out / ".assetpipe/nginx", kSpaFallback});
  HttpResponse original = server.request("/css/main.css", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(original.status, 200);
  EXPECT_EQ(original.header("Cache-Control"), "no-cache") << original.raw_head;
  EXPECT_EQ(original.header("Content-Encoding"), "br") << original.raw_head;
  EXPECT_EQ(original.header("Content-Type"), "text/css") << original.raw_head;
  HttpResponse current = server.request("/" + hashed);
  EXPECT_THAT(current.header("Cache-Control"), ::testing::HasSubstr("immutable"));

  TempDir plain;
  fs::path bare = build_fixture(plain, fixtures_dir() / "nginx", {"--no-originals"});
  EXPECT_FALSE(fs::exists(bare / "css/main.css"));
  NginxServer server2({bare, bare / ".assetpipe/nginx", kSpaFallback});
  EXPECT_EQ(server2.request("/css/main.css").body, read(bare / "index.html"));  // the app's fallback
}

}  // namespace
}  // namespace assetpipe::test
