#include <gtest/gtest.h>

#include "link/css_scanner.h"
#include "link/scan_helpers.h"

using namespace assetpipe::link;
using namespace assetpipe::link::testing;

namespace {
using V = std::vector<std::string>;
}

TEST(ScanCss, UrlQuotedAndUnquoted) {
  std::string css = R"(a{background:url(a.png)} b{background:url( "b c.png" )} c{x:URL('d.png')})";
  auto r = scan_css(css);
  EXPECT_EQ(urls(r), (V{"a.png", "b c.png", "d.png"}));
  EXPECT_EQ(raw_texts(css, r), (V{"a.png", "b c.png", "d.png"}));
}

TEST(ScanCss, UnquotedUrlWithSurroundingSpacesIsTrimmed) {
  std::string css = "a{background:url(   img/x.png \n )}";
  auto r = scan_css(css);
  EXPECT_EQ(urls(r), V{"img/x.png"});
  EXPECT_EQ(raw_texts(css, r), V{"img/x.png"});
}

TEST(ScanCss, UnquotedUrlWithInnerSpaceIsABadUrlAndNotAReference) {
  auto r = scan_css("a{background:url(img/a b.png)} b{background:url(ok.png)}");
  EXPECT_EQ(urls(r), V{"ok.png"});
}

TEST(ScanCss, EscapesAreDecodedAndRawSpanKept) {
  std::string css = R"(a{background:url(a\ b\29.png)} b{background:url("q\"x\41.png")})";
  auto r = scan_css(css);
  EXPECT_EQ(urls(r), (V{"a b).png", "q\"xA.png"}));
  EXPECT_EQ(raw_texts(css, r), (V{R"(a\ b\29.png)", R"(q\"x\41.png)"}));
}

TEST(ScanCss, NothingInCommentsOrOtherStrings) {
  auto r = scan_css(R"~(/* url(no1.png) @import "no2.css"; */
a::before{content:"url(no3.png)"; background:url(yes.png)}
b{content:'@import "no4.css"'})~");
  EXPECT_EQ(urls(r), V{"yes.png"});
}

TEST(ScanCss, ImportForms) {
  auto r = scan_css(R"(@import "a.css"; @import url(b.css) screen and (min-width: 1px);
@import url("c.css") layer(base); @IMPORT 'd.css' print;)");
  EXPECT_EQ(urls(r), (V{"a.css", "b.css", "c.css", "d.css"}));
  for (const auto& ref : r.refs) EXPECT_EQ(ref.kind, RefKind::Import);
}

TEST(ScanCss, ImageSetBareStringsAndFontFaceSrcList) {
  auto r = scan_css(R"(a{background-image:-webkit-image-set("a1.png" 1x, "a2.png" 2x);
background-image:image-set(url(b1.png) 1x, "b2.avif" type("image/avif"))}
@font-face{font-family:F;src:url(f.eot?#iefix) format("embedded-opentype"),local("F Regular"),url('f.woff2') format('woff2')})");
  EXPECT_EQ(urls(r), (V{"a1.png", "a2.png", "b1.png", "b2.avif", "f.eot?#iefix", "f.woff2"}));
}

TEST(ScanCss, OtherFunctionsStringsAreNotReferences) {
  auto r = scan_css(R"(a{font-family:format("x.woff"); grid-area:attr(data-x url, "y.png")})");
  EXPECT_TRUE(urls(r).empty());
}

TEST(ScanCss, SourceMappingUrlComment) {
  auto r = scan_css("a{}\n/*# sourceMappingURL=main.css.map */\n");
  ASSERT_EQ(r.refs.size(), 1u);
  EXPECT_EQ(r.refs[0].kind, RefKind::SourceMap);
  EXPECT_EQ(r.refs[0].url.text, "main.css.map");
}

TEST(ScanCss, NamespaceUrlIsNotAResource) {
  auto r = scan_css("@namespace svg url(http://www.w3.org/2000/svg); a{background:url(x.png)}");
  EXPECT_EQ(urls(r), V{"x.png"});
}

TEST(ScanCss, BadStringEndsAtNewlineAndScanningContinues) {
  auto r = scan_css("a{content:\"unterminated\n} b{background:url(after.png)}");
  EXPECT_EQ(urls(r), V{"after.png"});
}

TEST(ScanCss, BaseOffsetShiftsRawPositions) {
  auto r = scan_css("x{y:url(a.png)}", 100);
  ASSERT_EQ(r.refs.size(), 1u);
  EXPECT_EQ(r.refs[0].url.raw.front(), 100u + 8);
  EXPECT_EQ(r.refs[0].url.raw.back(), 100u + 13);
}

TEST(ScanCss, UnterminatedInputsDoNotCrash) {
  for (std::string s : {"url(", "url(\"", "a{b:url(x", "/*", "@import", "\\", "image-set(\"",
                        "@import url(", "u\\72l(a.png)", "/*# sourceMappingURL="}) {
    auto r = scan_css(s);
    for (const auto& ref : r.refs) {
      EXPECT_EQ(ref.url.raw.size(), ref.url.text.size() + 1);
      EXPECT_LE(ref.url.raw.back(), s.size());
    }
  }
}

TEST(ScanCss, EscapedUrlFunctionName) {
  auto r = scan_css(R"(a{background:u\72l(x.png)})");
  EXPECT_EQ(urls(r), V{"x.png"});
}

// --preload: the urls of an @font-face rule's src carry the rule's number;
// url()s elsewhere (other properties of the rule, other rules) carry none.
TEST(ScanCss, FontFaceSrcUrlsAreNumberedByRule) {
  auto r = scan_css(R"(@font-face { font-family: A; src: url(a.woff2) format("woff2"),
  url("a.woff") format('woff'); unicode-range: U+0-FF; }
body { background: url(bg.png); src: url(not-a-font.woff2) }
@media screen { @FONT-FACE { font-family: B; SRC: local(B), url(b.ttf) } }
@font-face{src:url(c.woff2)}
.x { background-image: url(after.png) }
@import url(late.css);)");
  EXPECT_EQ(urls(r), (V{"a.woff2", "a.woff", "bg.png", "not-a-font.woff2", "b.ttf", "c.woff2",
                        "after.png", "late.css"}));
  std::vector<uint32_t> rules;
  for (const auto& ref : r.refs) rules.push_back(ref.font_face);
  EXPECT_EQ(rules, (std::vector<uint32_t>{1, 1, 0, 0, 2, 3, 0, 0}));
}

// --picture's image-set(): the one url() of a single-layer background or
// background-image declaration is marked with where the declaration ends;
// a url() in another function, a second layer or another property is not.
TEST(ScanCss, BackgroundImageUrlsKnowWhereTheirDeclarationEnds) {
  std::string css =
      ".a{background:url(a.jpg) center/cover no-repeat;color:red}\n"
      ".b{background-image:url(\"b.jpg\") !IMPORTANT}\n"
      ".c{background:url(c1.jpg),url(c2.jpg)}\n"
      ".d{background:linear-gradient(red,blue),url(d.jpg)}\n"
      ".e{border-image:url(e.jpg)}\n"
      ".f{background-image:image-set(url(f.jpg) 1x)}\n"
      ".g{BACKGROUND : url(g.jpg)";
  auto r = scan_css(css);
  EXPECT_EQ(urls(r), (V{"a.jpg", "b.jpg", "c1.jpg", "c2.jpg", "d.jpg", "e.jpg", "f.jpg", "g.jpg"}));
  std::vector<std::string> ends;
  for (const auto& ref : r.refs) {
    ends.push_back(ref.background_end == 0 ? "-"
                                           : std::string(1, ref.background_end < css.size()
                                                                ? css[ref.background_end]
                                                                : '$') +
                                                 (ref.background_important ? "!" : ""));
  }
  EXPECT_EQ(ends, (V{";", "}!", "-", "-", "-", "-", "-", "$"}));
  EXPECT_EQ(r.refs[0].background_end, css.find(";color"));
}
