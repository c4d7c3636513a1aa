// --sri, --img-dimensions and --picture through the built binary: the pages
// it wrote are parsed, every integrity is checked against the file on disk,
// every width/height against the decoded image, every <source> against the
// variant it names (decoded); the output passes `assetpipe verify` (run by
// run_assetpipe) and is served by the real nginx.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "image_test_util.h"
#include "link/markup_tokenizer.h"
#include "support/nginx_server.h"
#include "support/test_support.h"
#include "transform/image_decode.h"
#include "transform/image_resize.h"
#include "util/hash.h"

using namespace assetpipe;
using namespace assetpipe::test;
using namespace assetpipe::test::images;
namespace fs = std::filesystem;

namespace {

// A page with a style sheet and a module (both renamed and rewritten, so
// their bytes change), a script whose integrity the author computed on the
// input (stale after the build), a photo shown rotated by EXIF, a PNG with a
// srcset, an image already in a <picture>, and a script that keeps its name.
void make_site(const fs::path& in) {
  // Its import() is rewritten to the hashed name: the bytes served are not these.
  std::string stale_js = "import('./dep.js').then(() => {});\n";
  write(in / "index.html",
        "<!doctype html><html><head>\n"
        "<link rel=\"stylesheet\" href=\"css/site.css\">\n"
        "<script type=\"module\" src=\"js/app.js\"></script>\n"
        "<script src=\"js/old.js\" integrity=\"" + util::sri_sha384(stale_js) +
            "\"></script>\n"
        "<script src=\"sw.js\"></script>\n"
        "</head><body>\n"
        "<img src=\"img/hero.jpg\" alt=\"A hero\" class=\"wide\" loading=\"lazy\">\n"
        "<img src=\"img/logo.png\" srcset=\"img/logo.png 1x, img/logo2x.png 2x\" alt=\"\">\n"
        "<picture><source srcset=\"img/logo2x.png\" media=\"(min-width: 800px)\">"
        "<img src=\"img/hero.jpg\" alt=\"in a picture\"></picture>\n"
        "</body></html>\n");
  write(in / "css/site.css", "body { background: url(../img/logo.png); margin: 0; }\n");
  write(in / "js/app.js", "import { n } from './dep.js';\nconsole.log(n);\n");
  write(in / "js/dep.js", "export const n = 2;\n");
  write(in / "js/old.js", stale_js);
  write(in / "sw.js", "self.addEventListener('fetch', () => {});\n");
  write(in / "img/hero.jpg", write_jpeg(photo(320, 200), {.exif = exif_with_orientation(6)}));
  write(in / "img/logo.png", write_png(photo(120, 60)));
  write(in / "img/logo2x.png", write_png(photo(240, 120)));
}

struct Tag {
  std::string name;
  std::map<std::string, std::string> attributes;
  bool in_picture = false;
};

std::vector<Tag> start_tags(const std::string& html) {
  std::vector<Tag> tags;
  int depth = 0;
  link::MarkupHandler h;
  h.tag = [&](const link::MarkupTag& t) {
    if (t.name == "picture") depth += t.closing ? -1 : 1;
    if (t.closing) return;
    Tag tag{t.name, {}, depth > 0};
    for (const auto& a : t.attributes) tag.attributes[a.name] = a.value.text;
    tags.push_back(std::move(tag));
  };
  link::tokenize_markup(html, false, h);
  return tags;
}

RunResult build(const fs::path& in, const fs::path& out, std::vector<std::string> extra,
                const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> args{"build", in.string(), "-o", out.string(), "--no-minify"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_assetpipe(args, env);
}

TEST(HtmlEnhanceEndToEnd, SriDimensionsAndPictureOnABuiltPage) {
  TempDir dir;
  make_site(dir / "in");
  RunResult r = build(dir / "in", dir / "out", {"--sri", "--img-dimensions", "--picture"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The author's integrity of js/old.js no longer holds: replaced, with a warning naming it.
  EXPECT_NE(r.err.find("index.html:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is not that of js/old.js as served"), std::string::npos) << r.err;

  fs::path out = dir / "out";
  auto manifest = nlohmann::json::parse(read(out / ".assetpipe/manifest.json"))["assets"];
  std::string html = read(out / "index.html");
  EXPECT_EQ(manifest["index.html"]["integrity"], util::sri_sha384(html));
  std::vector<Tag> tags = start_tags(html);

  // Every script and style sheet with a hashed name carries the integrity of
  // the file on disk, which is the manifest's; the kept-name sw.js has none.
  int with_integrity = 0;
  for (const Tag& t : tags) {
    std::string url = t.name == "script" ? (t.attributes.count("src") ? t.attributes.at("src") : "")
                      : t.name == "link" ? t.attributes.at("href")
                                         : "";
    if (url.empty()) continue;
    SCOPED_TRACE(url);
    if (url == "sw.js") {
      EXPECT_FALSE(t.attributes.count("integrity"));
      EXPECT_FALSE(t.attributes.count("crossorigin"));
      continue;
    }
    ASSERT_TRUE(t.attributes.count("integrity"));
    EXPECT_EQ(t.attributes.at("integrity"), util::sri_sha384(read(out / url)));
    EXPECT_EQ(t.attributes.at("crossorigin"), "anonymous");
    bool listed = false;
    for (auto& [logical, e] : manifest.items()) {
      if (e["file"] == url) {
        EXPECT_EQ(e["integrity"], t.attributes.at("integrity"));
        listed = true;
      }
    }
    EXPECT_TRUE(listed);
    ++with_integrity;
  }
  EXPECT_EQ(with_integrity, 3);  // css/site.css, js/app.js, js/old.js

  // Images: width/height of the decoded output (the JPEG shown rotated:
  // 200x320); <picture> with a <source> per kept variant, each decoding to
  // the same size; the img keeps its attributes; the one already inside a
  // <picture> is left as it was.
  int pictures = 0;
  for (size_t k = 0; k < tags.size(); ++k) {
    const Tag& t = tags[k];
    if (t.name != "img") continue;
    const std::string& src = t.attributes.at("src");
    SCOPED_TRACE(src);
    auto decoded = transform::decode_image(read(out / src), 1u << 30);
    ASSERT_TRUE(decoded) << decoded.error();
    if (t.attributes.at("alt") == "in a picture") {
      // Its <picture> is the author's: no source added (width/height are).
      EXPECT_EQ(tags[k - 1].name, "source");
      EXPECT_FALSE(tags[k - 1].attributes.count("type"));
      EXPECT_EQ(tags[k - 2].name, "picture");
      EXPECT_EQ(t.attributes.at("width"), "200");
      continue;
    }
    EXPECT_EQ(t.attributes.at("width"), std::to_string(decoded->width));
    EXPECT_EQ(t.attributes.at("height"), std::to_string(decoded->height));
    if (src.find("hero") != std::string::npos) {
      EXPECT_EQ(decoded->width, 200);
      EXPECT_EQ(t.attributes.at("class"), "wide");
      EXPECT_EQ(t.attributes.at("loading"), "lazy");
      EXPECT_EQ(t.attributes.at("alt"), "A hero");
    }
    ASSERT_TRUE(t.in_picture);
    ++pictures;
    std::vector<std::string> types;
    for (size_t s = k; s-- > 0 && tags[s].name == "source";) {
      const Tag& source = tags[s];
      types.insert(types.begin(), source.attributes.at("type"));
      std::string format = source.attributes.at("type").substr(6);
      // The source's srcset: each candidate of the img's, as its variant.
      std::string set = source.attributes.at("srcset");
      std::string first = set.substr(0, set.find(' '));
      EXPECT_EQ(first, src + "." + format);
      auto e = manifest.begin();
      for (; e != manifest.end(); ++e) {
        if ((*e)["file"] == src) break;
      }
      ASSERT_NE(e, manifest.end());
      EXPECT_EQ((*e)["variants"][format]["file"], first);
      std::string bytes = read(out / first);
      Decoded v = format == "avif" ? decode_avif(bytes) : decode_webp(bytes);
      EXPECT_EQ(v.pixels.width, decoded->width);
      EXPECT_EQ(v.pixels.height, decoded->height);
    }
    EXPECT_FALSE(types.empty());
    if (!types.empty()) EXPECT_EQ(types.back(), "image/webp");  // AVIF (when kept) first
  }
  EXPECT_EQ(pictures, 2);
}

TEST(HtmlEnhanceEndToEnd, OffByDefaultAndTheSameFromEnvironmentAndConfig) {
  TempDir dir;
  make_site(dir / "in");
  ASSERT_EQ(build(dir / "in", dir / "plain", {}).exit_code, 0);
  std::string plain = read(dir / "plain/index.html");
  EXPECT_EQ(plain.find("crossorigin"), std::string::npos);
  EXPECT_EQ(plain.find("<picture><source type="), std::string::npos);
  EXPECT_EQ(plain.find("width="), std::string::npos);
  EXPECT_EQ(plain.find("modulepreload"), std::string::npos);
  EXPECT_EQ(read(dir / "plain/.assetpipe/nginx/server.conf").find("add_header Link"),
            std::string::npos);

  ASSERT_EQ(build(dir / "in", dir / "flags",
                  {"--sri", "--img-dimensions", "--picture", "--image-widths", "100", "--preload", "-j1"})
                .exit_code,
            0);
  ASSERT_EQ(build(dir / "in", dir / "env", {"-j4"},
                  {{"ASSETPIPE_SRI", "1"},
                   {"ASSETPIPE_IMG_DIMENSIONS", "true"},
                   {"ASSETPIPE_PICTURE", "1"},
                   {"ASSETPIPE_IMAGE_WIDTHS", "100"},
                   {"ASSETPIPE_PRELOAD", "1"}})
                .exit_code,
            0);
  write(dir / "assetpipe.config.json",
        "{\"sri\": true, \"img-dimensions\": true, \"picture\": true, \"image-widths\": [100], "
        "\"preload\": true}"
        "\n");
  ASSERT_EQ(build(dir / "in", dir / "config", {"--config", (dir / "assetpipe.config.json").string()})
                .exit_code,
            0);
  auto flags = snapshot(dir / "flags");
  EXPECT_NE(flags.at("index.html"), plain);
  EXPECT_NE(flags.at("index.html").find(".100w.jpg 100w"), std::string::npos);
  EXPECT_NE(flags.at("index.html").find("<link rel=\"modulepreload\""), std::string::npos);
  EXPECT_TRUE(snapshot(dir / "env") == flags);  // and byte-identical at -j1 and -j4
  EXPECT_TRUE(snapshot(dir / "config") == flags);
}

// The page's new URLs are served by the real nginx with the snippet assetpipe
// wrote: each <source>'s variant as itself, immutable; the img's plain URL
// still negotiated.
TEST(HtmlEnhanceEndToEnd, NginxServesWhatThePictureNames) {
  TempDir dir;
  make_site(dir / "in");
  ASSERT_EQ(build(dir / "in", dir / "out", {"--picture"}).exit_code, 0);
  fs::path out = dir / "out";
  NginxServer server({out, out / ".assetpipe/nginx", ""});
  int served = 0;
  for (const Tag& t : start_tags(read(out / "index.html"))) {
    if (t.name != "source" || !t.attributes.count("type")) continue;
    std::string url = t.attributes.at("srcset");
    url = url.substr(0, url.find(' '));
    HttpResponse r = server.request("/" + url);
    EXPECT_EQ(r.status, 200) << r.raw_head;
    EXPECT_EQ(r.header("Content-Type"), t.attributes.at("type")) << r.raw_head;
    EXPECT_EQ(r.header("Cache-Control"), "public, max-age=31536000, immutable") << r.raw_head;
    EXPECT_TRUE(r.body == read(out / url));
    std::string img = url.substr(0, url.rfind('.'));
    HttpResponse plain = server.request("/" + img, {{"Accept", t.attributes.at("type")}});
    EXPECT_TRUE(plain.body == read(out / url)) << "negotiation of " << img;
    ++served;
  }
  EXPECT_GE(served, 2);
}

}  // namespace

namespace {

// --image-widths: a 1200 px photo gets 480 and 960 px copies in JPEG, WebP
// and AVIF (decoded here: the size asked for, the picture of the original),
// listed in the manifest with their widths and covered by the image's hash;
// a 300 px image gets none; the page's <img> gets srcset and sizes, its
// <picture> sources the same widths per format; nginx serves each copy.
TEST(HtmlEnhanceEndToEnd, ImageWidths) {
  TempDir dir;
  fs::path in = dir / "in";
  write(in / "index.html",
        "<img src=\"big.jpg\" alt=\"big\">\n<img src=\"small.png\" alt=\"small\">\n"
        "<img src=\"big.jpg\" width=\"600\" alt=\"sized\">\n");
  Pixels big = photo(1200, 800);
  write(in / "big.jpg", write_jpeg(big));
  write(in / "small.png", write_png(photo(300, 200)));
  RunResult r = build(in, dir / "out", {"--image-widths", "960,480,4000", "--picture"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path out = dir / "out";
  auto manifest = nlohmann::json::parse(read(out / ".assetpipe/manifest.json"))["assets"];
  auto& v = manifest["big.jpg"]["variants"];
  std::string file = manifest["big.jpg"]["file"];
  for (int w : {480, 960}) {
    for (std::string format : {"jpg", "webp", "avif"}) {
      std::string key = std::to_string(w) + "w." + format;
      SCOPED_TRACE(key);
      ASSERT_TRUE(v.contains(key)) << v.dump();
      if (!v[key].contains("file")) continue;  // e.g. an AVIF not smaller than the WebP
      EXPECT_EQ(v[key]["file"], file + "." + key);
      EXPECT_EQ(v[key]["width"], w);
      EXPECT_EQ(v[key]["height"], w * 2 / 3);
      std::string bytes = read(out / (file + "." + key));
      EXPECT_EQ(v[key]["size"], bytes.size());
      Pixels got;
      if (format == "jpg") {
        auto d = transform::decode_image(bytes, 1u << 30);
        ASSERT_TRUE(d);
        got = Pixels{d->width, d->height, d->rgba};
      } else {
        got = (format == "avif" ? decode_avif(bytes) : decode_webp(bytes)).pixels;
      }
      ASSERT_EQ(got.width, w);
      ASSERT_EQ(got.height, w * 2 / 3);
      // The same picture: block means match the original's at the same place.
      auto a = mean(got, 0, 0, w / 4, w / 6);
      auto b = mean(big, 0, 0, 300, 200);
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(a[c], b[c], 6.0) << "channel " << c;
    }
  }
  EXPECT_FALSE(v.contains("4000w.jpg"));  // no upscaling
  if (manifest["small.png"].contains("variants")) {
    for (auto& [key, x] : manifest["small.png"]["variants"].items()) {
      EXPECT_EQ(transform::width_of_format(key), 0) << key;
    }
  }

  std::vector<Tag> tags = start_tags(read(out / "index.html"));
  NginxServer server({out, out / ".assetpipe/nginx", ""});
  int checked = 0;
  for (size_t k = 0; k < tags.size(); ++k) {
    const Tag& t = tags[k];
    if (t.name != "img") continue;
    SCOPED_TRACE(t.attributes.at("alt"));
    if (t.attributes.at("alt") == "small") {
      EXPECT_FALSE(t.attributes.count("srcset"));
      continue;
    }
    EXPECT_EQ(t.attributes.at("srcset"),
              file + ".480w.jpg 480w, " + file + ".960w.jpg 960w, " + file + " 1200w");
    EXPECT_EQ(t.attributes.at("sizes"), t.attributes.at("alt") == "sized"
                                            ? "600px"
                                            : "(max-width: 1200px) 100vw, 1200px");
    for (size_t s = k; s-- > 0 && tags[s].name == "source";) {
      const Tag& source = tags[s];
      std::string format = source.attributes.at("type").substr(6);
      EXPECT_EQ(source.attributes.at("sizes"), t.attributes.at("sizes"));
      std::string set = source.attributes.at("srcset");
      EXPECT_NE(set.find(file + "." + format + " 1200w"), std::string::npos) << set;
      // Every candidate is served by nginx, immutable, with its type.
      for (size_t at = 0; at < set.size();) {
        size_t sp = set.find(' ', at);
        std::string url = set.substr(at, sp - at);
        HttpResponse h = server.request("/" + url);
        EXPECT_EQ(h.status, 200) << url;
        EXPECT_EQ(h.header("Content-Type"), "image/" + format) << url << h.raw_head;
        EXPECT_EQ(h.header("Cache-Control"), "public, max-age=31536000, immutable") << url;
        EXPECT_TRUE(h.body == read(out / url)) << url;
        ++checked;
        size_t comma = set.find(", ", sp);
        at = comma == std::string::npos ? set.size() : comma + 2;
      }
    }
  }
  EXPECT_GE(checked, 4);
  // The plain URL is still negotiated to the full-size variant.
  HttpResponse plain = server.request("/" + file, {{"Accept", "image/webp"}});
  EXPECT_TRUE(plain.body == read(out / (file + ".webp")));

  // The image's name covers its width copies: another width list renames it.
  RunResult again =
      build(in, dir / "out2", {"--image-widths", "480", "--picture", "--report", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  // The size report's best variant of the image is what its URL serves: a full-size one.
  bool reported = false;
  nlohmann::json report = nlohmann::json::parse(again.out);
  for (const auto& f : report["files"]) {
    if (!f.contains("best_variant")) continue;
    std::string format = f["best_variant"]["format"];
    EXPECT_TRUE(format == "webp" || format == "avif") << format;
    reported = true;
  }
  EXPECT_TRUE(reported) << again.out;
  auto manifest2 = nlohmann::json::parse(read(dir / "out2/.assetpipe/manifest.json"))["assets"];
  EXPECT_NE(manifest2["big.jpg"]["file"], file);
}


// --preload: a module script importing two modules, one of which imports a
// third that the other imports too (and an import() that is not followed), a
// style sheet with an @font-face of a woff2 and a woff: the page gets exactly
// those three modulepreloads, once each, and the woff2's preload with
// crossorigin, before its style sheet; --sri puts the integrity of the file
// on disk on the modulepreloads; the manifest lists them; the snippet's
// location of the page sends them as Link headers with its Cache-Control
// kept, as the real nginx shows (for / and a 304 too).
TEST(HtmlEnhanceEndToEnd, PreloadLinksAndLinkHeaders) {
  TempDir dir;
  fs::path in = dir / "in";
  write(in / "index.html",
        "<!doctype html><html><head><title>p</title>\n"
        "<link rel=\"stylesheet\" href=\"css/site.css\">\n"
        "<script type=\"module\" src=\"js/app.js\"></script>\n"
        "</head><body><p>x</p></body></html>\n");
  write(in / "js/app.js", "import { a } from './a.js';\nimport { b } from './b.js';\nconsole.log(a, b);\n");
  write(in / "js/a.js", "import { c } from './c.js';\nexport const a = c + 1;\n");
  write(in / "js/b.js",
        "import { c } from './c.js';\nexport const b = c;\nexport const lazy = () => import('./lazy.js');\n");
  write(in / "js/c.js", "export const c = 3;\n");
  write(in / "js/lazy.js", "export default 4;\n");
  write(in / "css/site.css",
        "@font-face { font-family: Body; src: url(../fonts/body.woff2) format('woff2'), "
        "url(../fonts/body.woff) format('woff'); }\nbody { font-family: Body, sans-serif; }\n");
  write(in / "fonts/body.woff2", "not really a woff2");
  write(in / "fonts/body.woff", "not really a woff");
  RunResult r = build(in, dir / "out", {"--preload", "--sri"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path out = dir / "out";
  auto manifest = nlohmann::json::parse(read(out / ".assetpipe/manifest.json"))["assets"];
  auto file = [&](const std::string& logical) { return manifest[logical]["file"].get<std::string>(); };
  for (const char* l : {"js/a.js", "js/b.js", "js/c.js", "fonts/body.woff2"}) {
    EXPECT_NE(file(l), l) << "hashed";
  }

  std::string html = read(out / "index.html");
  std::vector<Tag> tags = start_tags(html);
  std::vector<std::string> modules, fonts;
  size_t first_preload = tags.size(), stylesheet = tags.size();
  for (size_t k = 0; k < tags.size(); ++k) {
    const Tag& t = tags[k];
    if (t.name != "link") continue;
    const std::string& rel = t.attributes.at("rel");
    const std::string& href = t.attributes.at("href");
    if (rel == "stylesheet") stylesheet = std::min(stylesheet, k);
    if (rel == "modulepreload") {
      first_preload = std::min(first_preload, k);
      modules.push_back(href);
      ASSERT_EQ(href.front(), '/');
      EXPECT_EQ(t.attributes.at("integrity"), util::sri_sha384(read(out / href.substr(1)))) << href;
      EXPECT_EQ(t.attributes.at("crossorigin"), "anonymous");
    }
    if (rel == "preload") {
      first_preload = std::min(first_preload, k);
      fonts.push_back(href);
      EXPECT_EQ(t.attributes.at("as"), "font");
      EXPECT_EQ(t.attributes.at("type"), "font/woff2");
      EXPECT_TRUE(t.attributes.count("crossorigin"));
      EXPECT_FALSE(t.attributes.count("integrity"));  // CSS fetches the font without one
    }
  }
  // Depth first in source order: a, then what a imports, then b.
  EXPECT_EQ(modules, (std::vector<std::string>{"/" + file("js/a.js"), "/" + file("js/c.js"),
                                               "/" + file("js/b.js")}));
  EXPECT_EQ(fonts, std::vector<std::string>{"/" + file("fonts/body.woff2")});
  EXPECT_LT(first_preload, stylesheet);
  EXPECT_EQ(html.find(file("js/lazy.js")), std::string::npos);
  EXPECT_EQ(html.find("modulepreload\" href=\"/" + file("js/app.js")), std::string::npos);

  ASSERT_EQ(manifest["index.html"]["preload"].size(), 4u) << manifest["index.html"].dump();
  auto sri = [&](const std::string& logical) { return util::sri_sha384(read(out / file(logical))); };
  EXPECT_EQ(manifest["index.html"]["preload"][0],
            (nlohmann::json{{"file", file("js/a.js")},
                            {"href", "/" + file("js/a.js")},
                            {"as", "script"},
                            {"integrity", sri("js/a.js")}}));
  EXPECT_FALSE(manifest["index.html"]["preload"][3].contains("integrity"));
  EXPECT_EQ(manifest["index.html"]["preload"][3]["type"], "font/woff2");

  std::string conf = read(out / ".assetpipe/nginx/server.conf");
  size_t loc = conf.find("location = \"/index.html\" {");
  ASSERT_NE(loc, std::string::npos) << conf;
  std::string block = conf.substr(loc, conf.find("\n}\n", loc) - loc);
  EXPECT_NE(block.find("add_header Cache-Control \"no-cache\";"), std::string::npos) << block;
  // With --sri the header asks for what the <link> asks for (else Chromium,
  // which preloads from the header first, fetches the module again).
  auto module = [&](const std::string& logical) {
    return "</" + file(logical) + ">; rel=modulepreload; crossorigin=anonymous; integrity=\"" +
           sri(logical) + "\"";
  };
  EXPECT_NE(block.find("    add_header Link \"</" + file("js/a.js") +
                       ">; rel=modulepreload; crossorigin=anonymous; integrity=\\\"" + sri("js/a.js") +
                       "\\\"\" always;\n"),
            std::string::npos)
      << block;

  std::string links = module("js/a.js") + ", " + module("js/c.js") + ", " + module("js/b.js") +
                      ", </" + file("fonts/body.woff2") +
                      ">; rel=preload; as=font; type=\"font/woff2\"; crossorigin";
  NginxServer server({out, out / ".assetpipe/nginx", ""});
  for (const char* url : {"/index.html", "/"}) {
    HttpResponse page = server.request(url);
    EXPECT_EQ(page.status, 200) << page.raw_head;
    EXPECT_EQ(page.header("Link"), links) << page.raw_head;
    EXPECT_EQ(page.header("Cache-Control"), "no-cache") << page.raw_head;
    EXPECT_TRUE(page.body == html);
    HttpResponse again = server.request(url, {{"If-None-Match", page.header("ETag")}});
    EXPECT_EQ(again.status, 304) << again.raw_head;
    EXPECT_EQ(again.header("Link"), links) << again.raw_head;
  }
  // Every preloaded URL is served, immutable.
  for (const auto& p : manifest["index.html"]["preload"]) {
    HttpResponse h = server.request(p["href"].get<std::string>());
    EXPECT_EQ(h.status, 200) << p.dump();
    EXPECT_EQ(h.header("Cache-Control"), "public, max-age=31536000, immutable") << p.dump();
  }

  // assetpipe verify makes the Link headers again from the manifest: an
  // edited one is caught, and so is a preloaded file changed after the build.
  std::string edited = conf;
  edited.replace(edited.find("rel=modulepreload"), 17, "rel=prefetch");
  write(out / ".assetpipe/nginx/server.conf", edited);
  RunResult v = run_assetpipe({"verify", out.string()});
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_NE(v.err.find("server.conf"), std::string::npos) << v.err;
  write(out / ".assetpipe/nginx/server.conf", conf);
  write(out / file("js/c.js"), "export const c = 4;\n");
  v = run_assetpipe({"verify", out.string()});
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_NE(v.err.find("it preloads " + file("js/c.js")), std::string::npos) << v.err;
}


// --picture in CSS: a single-layer background of a JPEG with kept variants
// gets a background-image: image-set() declaration after it naming each
// variant (which exists and is that format) and the image, typed; the plain
// declaration stays before it; other url()s are left alone; nothing without
// --picture.
TEST(HtmlEnhanceEndToEnd, PictureWritesImageSetInStyleSheets) {
  TempDir dir;
  fs::path in = dir / "in";
  write(in / "index.html", "<link rel=\"stylesheet\" href=\"css/site.css\"><div class=hero></div>\n");
  write(in / "css/site.css",
        ".hero { background: url(../img/hero.jpg) center / cover no-repeat; color: red; }\n"
        ".two { background: url(../img/hero.jpg), url(../img/hero.jpg); }\n"
        ".border { border-image: url(\"../img/hero.jpg\") 30; }\n");
  write(in / "img/hero.jpg", write_jpeg(photo(320, 200)));
  ASSERT_EQ(build(in, dir / "plain", {}).exit_code, 0);
  auto plain_manifest = nlohmann::json::parse(read(dir / "plain/.assetpipe/manifest.json"))["assets"];
  EXPECT_EQ(read(dir / "plain" / plain_manifest["css/site.css"]["file"].get<std::string>())
                .find("image-set"),
            std::string::npos);

  RunResult r = build(in, dir / "out", {"--picture"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path out = dir / "out";
  auto manifest = nlohmann::json::parse(read(out / ".assetpipe/manifest.json"))["assets"];
  std::string img = manifest["img/hero.jpg"]["file"];  // img/hero.<hash>.jpg
  std::string name = img.substr(4);
  std::string css = read(out / manifest["css/site.css"]["file"].get<std::string>());
  std::string set;
  for (std::string f : {"avif", "webp"}) {
    if (!manifest["img/hero.jpg"]["variants"][f].contains("file")) continue;
    set += "url(../img/" + name + "." + f + ") type(\"image/" + f + "\"), ";
    // The variant named is there, in that format.
    std::string bytes = read(out / (img + "." + f));
    EXPECT_EQ(f == "avif" ? decode_avif(bytes).pixels.width : decode_webp(bytes).pixels.width, 320);
  }
  ASSERT_FALSE(set.empty()) << manifest["img/hero.jpg"].dump();
  set += "url(../img/" + name + ") type(\"image/jpeg\")";
  EXPECT_NE(css.find(".hero { background: url(../img/" + name +
                     ") center / cover no-repeat;background-image:image-set(" + set + "); color: red; }"),
            std::string::npos)
      << css;
  EXPECT_EQ(css.find("image-set"), css.rfind("image-set")) << "only the single-layer background";
  EXPECT_NE(css.find(".border { border-image: url(\"../img/" + name + "\") 30; }"), std::string::npos);
}

}  // namespace

