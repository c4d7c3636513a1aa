#include <gtest/gtest.h>

#include "link/html_scanner.h"
#include "link/json_scanner.h"
#include "link/scan_helpers.h"

using namespace assetpipe::link;
using namespace assetpipe::link::testing;

namespace {
using V = std::vector<std::string>;

RefKind kind_of(const ScanResult& r, std::string_view url) {
  for (const auto& ref : r.refs) {
    if (ref.url.text == url) return ref.kind;
  }
  return RefKind::DynamicExpression;
}
}  // namespace

TEST(ScanHtml, AttributesOfEveryKind) {
  auto r = scan_html(R"(<!DOCTYPE html><html><head>
<link rel="stylesheet" href="a.css"><link rel=icon href=fav.png><link rel="canonical" href="/page">
<link rel="preload" as="image" imagesrcset="p1.png 1x, p2.png 2x">
<meta property="og:image" content="/og.png"><meta name="description" content="not-a-url.png">
<meta name="msapplication-TileImage" content="tile.png">
<script src="app.js"></script></head><body>
<img src='i.png' alt=x><video poster="v.jpg"><source src="v.mp4"></video>
<object data="o.svg"></object><a href="doc.pdf">d</a><area href="m.html">
<iframe src="frame.html"></iframe><svg><use xlink:href="sprite.svg#i"></use><image href="s.png"/></svg>
</body></html>)");
  EXPECT_EQ(urls(r), (V{"a.css", "fav.png", "/page", "p1.png", "p2.png", "/og.png", "tile.png",
                        "app.js", "i.png", "v.jpg", "v.mp4", "o.svg", "doc.pdf", "m.html",
                        "frame.html", "sprite.svg#i", "s.png"}));
  EXPECT_EQ(kind_of(r, "a.css"), RefKind::Resource);
  EXPECT_EQ(kind_of(r, "/page"), RefKind::Navigation);
  EXPECT_EQ(kind_of(r, "doc.pdf"), RefKind::Navigation);
  EXPECT_EQ(kind_of(r, "app.js"), RefKind::Import);
}

TEST(ScanHtml, NothingInCommentsOrTextOrTitle) {
  auto r = scan_html(R"(<!-- <img src="c1.png"> --><p>src="t.png" url(x.png)</p>
<title><img src="t2.png"></title><textarea><img src="t3.png"></textarea>
<!--> <img src="after-empty-comment.png"> <!-- x --!> <img src="yes.png">)");
  EXPECT_EQ(urls(r), (V{"after-empty-comment.png", "yes.png"}));
}

TEST(ScanHtml, CharacterReferencesDecodedAndKeptRaw) {
  std::string html =
      R"(<img src="a.png?x=1&amp;y=2"><img src="b&#46;png"><img src="c&#x2E;png&unknown;">)";
  auto r = scan_html(html);
  EXPECT_EQ(urls(r), (V{"a.png?x=1&y=2", "b.png", "c.png&unknown;"}));
  EXPECT_EQ(raw_texts(html, r), (V{"a.png?x=1&amp;y=2", "b&#46;png", "c&#x2E;png&unknown;"}));
}

TEST(ScanHtml, SrcsetWithDescriptorsAndCommasInUrls) {
  std::string html = R"(<img srcset="a.png 1x,b,c.png 2x, d.png?w=1,2 100w , e.png">)"
                     R"(<img srcset="f.png,g.png">)";
  auto r = scan_html(html);
  EXPECT_EQ(urls(r), (V{"a.png", "b,c.png", "d.png?w=1,2", "e.png", "f.png,g.png"}));
}

TEST(ScanHtml, SrcsetTrailingCommaEndsCandidate) {
  auto r = scan_html(R"(<img srcset="a.png, b.png 2x">)");
  EXPECT_EQ(urls(r), (V{"a.png", "b.png"}));
}

TEST(ScanHtml, InlineStyleAttributeAndStyleElement) {
  std::string html = R"x(<div style="background:url(&quot;s1.png&quot;)"></div>
<style>/* url(no.png) */ .a{background:url(s2.png)} .b::after{content:"</p>"}</style>
<p style='background-image:url(s3.png)'>)x";
  auto r = scan_html(html);
  EXPECT_EQ(urls(r), (V{"s1.png", "s2.png", "s3.png"}));
  EXPECT_EQ(raw_texts(html, r)[0], "s1.png");
}

TEST(ScanHtml, InlineScripts) {
  auto r = scan_html(R"(<script type="module">import "./m.js"; const s = "</div>";</script>
<script>import("./lazy.js")</script>
<script type="application/ld+json">{"image": "import \"./no.js\""}</script>
<script type="text/template"><img src="tpl.png"></script>)");
  EXPECT_EQ(urls(r), (V{"./m.js", "./lazy.js"}));
}

TEST(ScanHtml, BaseHref) {
  auto r = scan_html(R"(<base href="/sub/"><base href="/ignored/"><img src="a.png">)");
  ASSERT_TRUE(r.base_href);
  EXPECT_EQ(*r.base_href, "/sub/");
  EXPECT_EQ(urls(r), V{"a.png"});
}

TEST(ScanHtml, UnquotedAndOddAttributes) {
  auto r = scan_html("<img\nsrc = a.png\talt=\"x\"/><IMG SRC=B.PNG><img src>");
  EXPECT_EQ(urls(r), (V{"a.png", "B.PNG", ""}));
}

TEST(ScanSvg, HrefXlinkAndStyle) {
  auto r = scan_svg(
      R"x(<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<style><![CDATA[ .a { fill: url(#grad); background: url(bg.png) } ]]></style>
<!-- <image href="no.png"/> -->
<image xlink:href="img.png" /><use href="#local"/><rect style="fill:url(#g2); mask:url(m.svg#m)"/>
</svg>)x");
  EXPECT_EQ(urls(r), (V{"#grad", "bg.png", "img.png", "#local", "#g2", "m.svg#m"}));
}

TEST(ScanManifest, IconsScreenshotsShortcuts) {
  std::string json = R"({"name":"x","start_url":"/","icons":[{"src":"i\/192.png","sizes":"192x192"},
{"src":"i/512.png"}],"screenshots":[{"src":"s.png"}],
"shortcuts":[{"name":"a","url":"/a","icons":[{"src":"sc.png"}]}],"other":{"src":"no.png"}})";
  auto r = scan_webmanifest(json);
  EXPECT_EQ(urls(r), (V{"i/192.png", "i/512.png", "s.png", "sc.png"}));
  EXPECT_EQ(raw_text(json, r.refs[0]), "i\\/192.png");
}

TEST(ScanManifest, InvalidJsonIsAProblemNotACrash) {
  auto r = scan_webmanifest(R"({"icons":[{"src":"a.png"})");
  EXPECT_FALSE(r.problem.empty());
  EXPECT_TRUE(r.refs.empty());
  EXPECT_FALSE(scan_webmanifest(std::string(2000, '[')).problem.empty());
}

TEST(ScanHtml, UnterminatedInputsDoNotCrash) {
  for (std::string s :
       {"<", "<img src=\"a", "<!--", "<script>", "<style>a{b:url(", "<img srcset=\",,,", "&#",
        "<a href='&#x110000;'>", "<![CDATA[", "<img src=&amp"}) {
    auto r = scan_html(s);
    for (const auto& ref : r.refs) {
      EXPECT_EQ(ref.url.raw.size(), ref.url.text.size() + 1);
      EXPECT_LE(ref.url.raw.back(), s.size());
    }
    scan_svg(s);
  }
}

TEST(ScanHtml, RepeatedAttributesAreDroppedAsTheSpecSays) {
  auto r = scan_html(
      R"(<img src="first.png" src="second.png"><link href=a.css href=b.css rel=stylesheet>)");
  EXPECT_EQ(urls(r), (V{"first.png", "a.css"}));
  std::string many = "<link rel=stylesheet";
  for (int k = 0; k < 100000; ++k) many += " href=x" + std::to_string(k) + ".css";
  many += ">";
  EXPECT_EQ(urls(scan_html(many)), V{"x0.css"});
}

TEST(ScanHtml, ImportMapAddressesNotSpecifiers) {
  std::string html = R"~(<script type="importmap">{
  "imports": {"app": "./js/app.js", "./js/old.js": "/js/n\u0065w.js", "lib/": "/vendor/lib/"},
  "scopes": {"/admin/": {"x": "../x.js"}},
  "integrity": {"./js/app.js": "sha384-..."}
}</script>)~";
  auto r = scan_html(html);
  EXPECT_EQ(urls(r), (V{"./js/app.js", "/js/new.js", "../x.js"}));
  EXPECT_EQ(raw_text(html, r.refs[1]), "/js/n\\u0065w.js");
  for (const auto& ref : r.refs) EXPECT_EQ(ref.kind, RefKind::Import);
  EXPECT_FALSE(scan_html("<script type=importmap>{\"imports\":</script>").problem.empty());
}
