#include "scan/classify.h"

#include <gtest/gtest.h>

#include "util/glob.h"

using namespace assetpipe;
using namespace assetpipe::scan;

TEST(Classify, ByExtension) {
  EXPECT_EQ(classify("a/b.js"), FileKind::Js);
  EXPECT_EQ(classify("a/b.MJS"), FileKind::Js);
  EXPECT_EQ(classify("b.cjs"), FileKind::Js);
  EXPECT_EQ(classify("x.css"), FileKind::Css);
  EXPECT_EQ(classify("index.htm"), FileKind::Html);
  EXPECT_EQ(classify("logo.svg"), FileKind::Svg);
  EXPECT_EQ(classify("p.JPEG"), FileKind::Jpeg);
  EXPECT_EQ(classify("p.png"), FileKind::Png);
  EXPECT_EQ(classify("p.gif"), FileKind::OtherImage);
  EXPECT_EQ(classify("f.woff2"), FileKind::Font);
  EXPECT_EQ(classify("site.webmanifest"), FileKind::WebManifest);
  EXPECT_EQ(classify("sub/manifest.json"), FileKind::WebManifest);
  EXPECT_EQ(classify("data.json"), FileKind::Json);
  EXPECT_EQ(classify("app.js.map"), FileKind::SourceMap);
  EXPECT_EQ(classify("LICENSE"), FileKind::Other);
  EXPECT_EQ(classify(".htaccess"), FileKind::Other);
}

TEST(Classify, EntriesKeepNames) {
  std::vector<std::string> none;
  EXPECT_TRUE(is_entry("index.html", none));
  EXPECT_TRUE(is_entry("docs/a/page.htm", none));
  EXPECT_TRUE(is_entry("robots.txt", none));
  EXPECT_TRUE(is_entry("favicon.ico", none));
  EXPECT_TRUE(is_entry("sw.js", none));
  EXPECT_TRUE(is_entry(".well-known/security.txt", none));
  EXPECT_TRUE(is_entry("site.webmanifest", none));
  EXPECT_TRUE(is_entry("apple-touch-icon-180x180.png", none));
  EXPECT_TRUE(is_entry("sitemap-0.xml", none));
  EXPECT_TRUE(is_entry("_redirects", none));
  EXPECT_FALSE(is_entry("app.js", none));
  EXPECT_FALSE(is_entry("img/hero.jpg", none));
  EXPECT_FALSE(is_entry("well-known/x", none));
  EXPECT_TRUE(is_entry("downloads/report.pdf", {"downloads/**"}));
  EXPECT_TRUE(is_entry("a/b/c.txt", {"*.txt"}));
}

TEST(Classify, BundlerFingerprints) {
  EXPECT_TRUE(is_fingerprinted("assets/index-BkX3s9fa.js"));
  EXPECT_TRUE(is_fingerprinted("main.3b9f2a1c0d4e5f67.js"));
  EXPECT_TRUE(is_fingerprinted("assets/index-BkX3s9fa.js.map"));
  EXPECT_TRUE(is_fingerprinted("chunk-a1b2c3d4.css"));
  EXPECT_FALSE(is_fingerprinted("fontawesome-webfont.woff2"));
  EXPECT_FALSE(is_fingerprinted("bootstrap.bundle.min.js"));
  EXPECT_FALSE(is_fingerprinted("jquery-3.7.1.min.js"));
  EXPECT_FALSE(is_fingerprinted("build-20240101.js"));  // digits only: a date, not a hash
  EXPECT_FALSE(is_fingerprinted("index-abc123.js"));    // too short
  EXPECT_FALSE(is_fingerprinted("KaTeX_Main-Regular.woff2"));
  EXPECT_FALSE(is_fingerprinted("a12345678b"));                         // no separator
  EXPECT_FALSE(is_fingerprinted("webfonts/fa-v4compatibility.woff2"));  // a word with a digit
  EXPECT_FALSE(is_fingerprinted("icons-webfont2024.woff"));
  EXPECT_TRUE(is_fingerprinted("assets/index-B6_mG6H_.css"));
  EXPECT_TRUE(is_fingerprinted("assets/hero-C35SMRUy.jpg"));
  EXPECT_TRUE(is_fingerprinted("assets/pattern-WUSC79pi.png"));
  // Vite's base64url hashes: no digit, or a '-' inside (from a real Vite build).
  EXPECT_TRUE(is_fingerprinted("assets/hero-CLDdwZDr.png"));
  EXPECT_TRUE(is_fingerprinted("assets/Lazy-DqwOeYcq.css"));
  EXPECT_TRUE(is_fingerprinted("assets/chunk-D7LyRg-G.css"));
  EXPECT_TRUE(is_fingerprinted("assets/index-_Ab-9xYz.js.map"));
  EXPECT_FALSE(is_fingerprinted("js/polyfill-settings.js"));  // one case: a word
  EXPECT_FALSE(is_fingerprinted("img/photo-Settings.jpg"));   // a capitalised word
  EXPECT_FALSE(is_fingerprinted("css/theme-DARKBLUE.css"));   // a shouted word
  EXPECT_FALSE(is_fingerprinted("a-b-c-d-e.js"));
}

TEST(Classify, SplitExtension) {
  EXPECT_EQ(split_extension("css/main.css"),
            (std::pair<std::string, std::string>{"css/main", ".css"}));
  EXPECT_EQ(split_extension("app.js.map"), (std::pair<std::string, std::string>{"app", ".js.map"}));
  EXPECT_EQ(split_extension("a.b/LICENSE"),
            (std::pair<std::string, std::string>{"a.b/LICENSE", ""}));
  EXPECT_EQ(split_extension(".htaccess"), (std::pair<std::string, std::string>{".htaccess", ""}));
  EXPECT_EQ(split_extension("x.min.js"), (std::pair<std::string, std::string>{"x.min", ".js"}));
}

TEST(Glob, Patterns) {
  using util::glob_match;
  EXPECT_TRUE(glob_match("**/*.html", "index.html"));
  EXPECT_TRUE(glob_match("**/*.html", "a/b/index.html"));
  EXPECT_TRUE(glob_match("*.html", "a/b/index.html"));
  EXPECT_FALSE(glob_match("a/*.html", "a/b/index.html"));
  EXPECT_TRUE(glob_match("a/**", "a/b/index.html"));
  EXPECT_TRUE(glob_match("a/**/x.js", "a/x.js"));
  EXPECT_TRUE(glob_match("img/?.png", "img/a.png"));
  EXPECT_FALSE(glob_match("img/?.png", "img/ab.png"));
  EXPECT_TRUE(glob_match("[a-c]*.js", "b1.js"));
  EXPECT_FALSE(glob_match("[!a-c]*.js", "b1.js"));
  EXPECT_TRUE(glob_match("/robots.txt", "robots.txt"));
}
