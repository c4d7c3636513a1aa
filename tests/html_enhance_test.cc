// link/html_enhance: --sri, --img-dimensions and --picture on pages, run on
// real markup with real images (encoded here) and the edits applied.
#include "link/html_enhance.h"

#include <gtest/gtest.h>

#include <deque>

#include "image_test_util.h"
#include "link/html_scanner.h"
#include "link/link.h"
#include "scan/classify.h"
#include "util/hash.h"

using namespace assetpipe;
using namespace assetpipe::link;
using namespace assetpipe::test::images;

namespace {

// A page and the files it names; each ref is found where its URL first
// stands at or after `from`, and is written as `written`.
struct Page {
  std::string doc;
  std::deque<Asset> assets;
  std::vector<EnhanceRef> refs;
  std::deque<Digests> digests;
  Options options;

  Asset& file(const std::string& logical, FileKind kind, std::string bytes,
              const std::string& output = "") {
    Asset a;
    a.logical = logical;
    a.kind = kind;
    a.bytes = std::move(bytes);
    a.output = output.empty() ? logical : output;
    assets.push_back(std::move(a));
    return assets.back();
  }

  void ref(const std::string& url, const Asset& target, const std::string& written,
           size_t from = 0) {
    size_t at = doc.find(url, from);
    ASSERT_NE(at, std::string::npos) << url;
    EnhanceRef r;
    r.begin = at;
    r.end = at + url.size();
    r.written = written;
    r.path_end = written.find_first_of("?#");
    if (r.path_end == std::string::npos) r.path_end = written.size();
    r.target = &target;
    r.immutable = target.output != target.logical || target.fingerprinted;
    // What link.cc keeps of a file when it is named.
    if (target.kind == FileKind::Js || target.kind == FileKind::Css) {
      r.digests = &digests.emplace_back(digests_of(target.bytes));
    }
    if (target.kind == FileKind::Jpeg || target.kind == FileKind::Png) {
      r.size = transform::probe_display_size(target.bytes);
    }
    refs.push_back(std::move(r));
  }

  // The next occurrence of `url` after the previous one given to next().
  void next(const std::string& url, const Asset& target, const std::string& written) {
    cursor = doc.find(url, cursor);
    ref(url, target, written, cursor);
    cursor += url.size();
  }
  size_t cursor = 0;

  // The page with the enhancer's edits applied (references not rewritten,
  // so the expectations show exactly what the enhancer added).
  std::string result(std::vector<EnhanceNote>* notes = nullptr) const {
    Enhanced e = enhance_html(doc, refs, options);
    std::string out;
    size_t at = 0;
    for (const auto& ed : e.edits) {
      EXPECT_GE(ed.offset, at) << "edits out of order or overlapping";
      out += doc.substr(at, ed.offset - at) + ed.replacement;
      at = ed.offset + ed.old_length;
    }
    if (notes) *notes = e.notes;
    return out + doc.substr(at);
  }
};

ImageVariant kept(const std::string& format, std::string bytes = "x") {
  return ImageVariant{format, std::move(bytes), 1, 1, ""};
}
ImageVariant skipped(const std::string& format) {
  return ImageVariant{format, "", 1, 1, "larger than original"};
}

// FIPS 180-2's SHA-384 test vector for "abc", in base64.
constexpr const char* kAbcSha384 =
    "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn";

// Without the options, only an integrity the served file does not match changes.
TEST(HtmlEnhance, WithoutTheOptionsOnlyAStaleIntegrityIsRepaired) {
  Page p;
  p.doc =
      "<script src=\"app.js\"></script><img src=\"a.png\">"
      "<script src=\"sw.js\" integrity=\"sha384-stale\"></script>";
  const Asset& js = p.file("app.js", FileKind::Js, "abc", "app.1234567890.js");
  Asset& png = p.file("a.png", FileKind::Png, write_png(photo(30, 20)), "a.1234567890.png");
  png.variants = {kept("webp")};
  const Asset& sw = p.file("sw.js", FileKind::Js, "abc");  // keeps its name, minified
  p.ref("app.js", js, "app.1234567890.js");
  p.ref("a.png", png, "a.1234567890.png");
  p.ref("sw.js", sw, "sw.js");
  std::vector<EnhanceNote> notes;
  EXPECT_EQ(p.result(&notes), "<script src=\"app.js\"></script><img src=\"a.png\">"
                              "<script src=\"sw.js\" integrity=\"" +
                                  std::string(kAbcSha384) + "\"></script>");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_TRUE(notes[0].warning);
}

TEST(HtmlEnhance, SriOnScriptsAndStyleSheetsWithHashedNames) {
  Page p;
  p.options.sri = true;
  p.doc =
      "<script src=\"app.js\"></script>\n"
      "<script type=module src=m.js></script>\n"
      "<link rel=\"stylesheet\" href=\"s.css\"/>\n"
      "<link rel=modulepreload href=\"m.js\">\n"
      "<link rel=preload as=script href=\"app.js\">\n"
      "<link rel=preload as=font href=\"f.woff2\" crossorigin>\n"
      "<link rel=icon href=\"s.css\">\n"
      "<script src=\"keep.js\"></script>\n"
      "<img src=\"s.css\">";
  const Asset& js = p.file("app.js", FileKind::Js, "abc", "app.1234567890.js");
  const Asset& m = p.file("m.js", FileKind::Js, "abc", "m.1234567890.js");
  const Asset& css = p.file("s.css", FileKind::Css, "abc", "s.1234567890.css");
  const Asset& font = p.file("f.woff2", FileKind::Font, "abc", "f.1234567890.woff2");
  const Asset& keep = p.file("keep.js", FileKind::Js, "abc");  // an entry: may change under its URL
  p.ref("app.js", js, "app.1234567890.js");
  p.ref("m.js", m, "m.1234567890.js");
  p.ref("s.css", css, "s.1234567890.css");
  p.ref("m.js", m, "m.1234567890.js", p.doc.find("modulepreload"));
  p.ref("app.js", js, "app.1234567890.js", p.doc.find("as=script"));
  p.ref("f.woff2", font, "f.1234567890.woff2");
  p.ref("s.css", css, "s.1234567890.css", p.doc.find("rel=icon"));
  p.ref("keep.js", keep, "keep.js");
  p.ref("s.css", css, "s.1234567890.css", p.doc.find("<img"));
  std::string sri = std::string(" integrity=\"") + kAbcSha384 + "\" crossorigin=\"anonymous\"";
  EXPECT_EQ(p.result(),
            "<script src=\"app.js\"" + sri + "></script>\n"
            "<script type=module src=m.js" + sri + "></script>\n"
            "<link rel=\"stylesheet\" href=\"s.css\"" + sri + "/>\n"
            "<link rel=modulepreload href=\"m.js\"" + sri + ">\n"
            "<link rel=preload as=script href=\"app.js\"" + sri + ">\n"
            "<link rel=preload as=font href=\"f.woff2\" crossorigin>\n"
            "<link rel=icon href=\"s.css\">\n"
            "<script src=\"keep.js\"></script>\n"
            "<img src=\"s.css\">");
}

TEST(HtmlEnhance, SriKeepsWhatTheAuthorWroteUnlessItIsStale) {
  Page p;
  p.options.sri = true;
  std::string good = util::sri_digest("abc", "sha512");
  p.doc = "<script src=\"a.js\" integrity=\"sha256-wrong " + good +
          "\" crossorigin=\"use-credentials\"></script>"
          "<script src=\"b.js\" integrity='sha384-stale'></script>"
          "<script src=\"c.js\" integrity=sha384-stale></script>";
  const Asset& a = p.file("a.js", FileKind::Js, "abc", "a.1234567890.js");
  const Asset& b = p.file("b.js", FileKind::Js, "abc", "b.1234567890.js");
  p.ref("a.js", a, "a.1234567890.js");
  p.ref("b.js", b, "b.1234567890.js");
  p.ref("c.js", b, "b.1234567890.js");
  std::vector<EnhanceNote> notes;
  EXPECT_EQ(p.result(&notes),
            "<script src=\"a.js\" integrity=\"sha256-wrong " + good +
                "\" crossorigin=\"use-credentials\"></script>"
                "<script src=\"b.js\" integrity='" + kAbcSha384 +
                "' crossorigin=\"anonymous\"></script>"
                "<script src=\"c.js\" integrity=\"" + kAbcSha384 +
                "\" crossorigin=\"anonymous\"></script>");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_TRUE(notes[0].warning);
  EXPECT_NE(notes[0].message.find("integrity sha384-stale is not that of b.js as served"),
            std::string::npos)
      << notes[0].message;
  EXPECT_EQ(notes[0].offset, p.doc.find("sha384-stale"));
}

TEST(HtmlEnhance, IntegrityMatchesAsBrowsersChoose) {
  std::string s256 = util::sri_digest("abc", "sha256"), s384 = util::sri_digest("abc", "sha384"),
              s512 = util::sri_digest("abc", "sha512");
  EXPECT_EQ(s384, kAbcSha384);
  EXPECT_TRUE(integrity_matches(s256, digests_of("abc")));
  EXPECT_TRUE(integrity_matches("  " + s384 + "?ct=application/javascript ", digests_of("abc")));
  EXPECT_TRUE(integrity_matches("sha384-old " + s384, digests_of("abc")));
  // The strongest algorithm named decides: a right sha256 beside a wrong sha512 fails.
  EXPECT_FALSE(integrity_matches(s256 + " sha512-wrong", digests_of("abc")));
  EXPECT_TRUE(integrity_matches("sha256-wrong " + s512, digests_of("abc")));
  EXPECT_FALSE(integrity_matches(s384, digests_of("abd")));
  // No algorithm a browser checks: nothing to refuse (and nothing replaced).
  EXPECT_TRUE(integrity_matches("md5-xyz sha999-x", digests_of("abc")));
  EXPECT_TRUE(integrity_matches("", digests_of("abc")));
}

TEST(HtmlEnhance, ImageDimensionsAsDisplayed) {
  Page p;
  p.options.img_dimensions = true;
  p.doc =
      "<img src=\"a.jpg\" alt=\"A\">"
      "<img src=\"a.jpg\" width=\"10\">"
      "<img src=\"r.jpg\"/>"
      "<img src=\"b.png\" srcset=\"b.png 2x, a.jpg 1x\">"
      "<img src=\"b.png\" srcset=\"b.png 480w\">"
      "<img src=\"b.png\" loading=lazy>";
  const Asset& a = p.file("a.jpg", FileKind::Jpeg, write_jpeg(photo(64, 48)), "a.1234567890.jpg");
  // EXIF orientation 6: stored 64x48, shown 48x64.
  const Asset& r = p.file("r.jpg", FileKind::Jpeg,
                          write_jpeg(photo(64, 48), {.exif = exif_with_orientation(6)}),
                          "r.1234567890.jpg");
  const Asset& b = p.file("b.png", FileKind::Png, write_png(photo(200, 100)), "b.1234567890.png");
  p.next("a.jpg", a, "a.1234567890.jpg");
  p.next("a.jpg", a, "a.1234567890.jpg");
  p.next("r.jpg", r, "r.1234567890.jpg");
  p.next("b.png", b, "b.1234567890.png");
  p.next("b.png", b, "b.1234567890.png");
  p.next("a.jpg", a, "a.1234567890.jpg");
  p.next("b.png", b, "b.1234567890.png");
  p.next("b.png", b, "b.1234567890.png");
  p.next("b.png", b, "b.1234567890.png");
  std::vector<EnhanceNote> notes;
  EXPECT_EQ(p.result(&notes),
            "<img src=\"a.jpg\" alt=\"A\" width=\"64\" height=\"48\">"
            "<img src=\"a.jpg\" width=\"10\">"
            "<img src=\"r.jpg\" width=\"48\" height=\"64\"/>"
            "<img src=\"b.png\" srcset=\"b.png 2x, a.jpg 1x\" width=\"100\" height=\"50\">"
            "<img src=\"b.png\" srcset=\"b.png 480w\">"
            "<img src=\"b.png\" loading=lazy width=\"200\" height=\"100\">");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_FALSE(notes[0].warning);
  EXPECT_NE(notes[0].message.find("width descriptors"), std::string::npos);
}

TEST(HtmlEnhance, PictureWithTheVariantsKept) {
  Page p;
  p.options.picture = true;
  p.doc =
      "<p><img class=\"hero\" src=\"img/h.jpg?v=1\" alt=\"Hero &amp; co\" loading=\"lazy\"></p>\n"
      "<img src=\"img/l.png\" sizes=\"(max-width: 600px) 100vw, 50vw\" "
      "srcset=\"img/l.png 1x, img/h.jpg 2x\">\n"
      "<picture><source srcset=\"img/h.jpg\" media=\"(min-width: 9px)\"><img src=\"img/h.jpg\">"
      "</picture>\n"
      "<img src=\"img/h.jpg\" data-src=\"img/l.png\">\n"
      "<img src=\"img/none.png\">";
  Asset& h = p.file("img/h.jpg", FileKind::Jpeg, "jpeg", "img/h.1234567890.jpg");
  h.variants = {kept("webp"), kept("avif")};
  Asset& l = p.file("img/l.png", FileKind::Png, "png", "img/l.abcdefabcd.png");
  l.variants = {kept("webp"), skipped("avif")};
  Asset& none = p.file("img/none.png", FileKind::Png, "png", "img/none.abcdefabcd.png");
  none.variants = {skipped("webp"), skipped("avif")};
  p.next("img/h.jpg?v=1", h, "img/h.1234567890.jpg?v=1");
  p.next("img/l.png", l, "img/l.abcdefabcd.png");
  p.next("img/l.png", l, "img/l.abcdefabcd.png");
  p.next("img/h.jpg", h, "img/h.1234567890.jpg");
  p.next("img/h.jpg", h, "img/h.1234567890.jpg");
  p.next("img/h.jpg", h, "img/h.1234567890.jpg");
  p.next("img/h.jpg", h, "img/h.1234567890.jpg");
  p.next("img/l.png", l, "img/l.abcdefabcd.png");
  p.next("img/none.png", none, "img/none.abcdefabcd.png");
  std::vector<EnhanceNote> notes;
  EXPECT_EQ(p.result(&notes),
            "<p><picture><source type=\"image/avif\" srcset=\"img/h.1234567890.jpg.avif?v=1\">"
            "<source type=\"image/webp\" srcset=\"img/h.1234567890.jpg.webp?v=1\">"
            "<img class=\"hero\" src=\"img/h.jpg?v=1\" alt=\"Hero &amp; co\" loading=\"lazy\">"
            "</picture></p>\n"
            // AVIF was not kept for l.png: only the WebP source, for both candidates.
            "<picture><source type=\"image/webp\" srcset=\"img/l.abcdefabcd.png.webp 1x, "
            "img/h.1234567890.jpg.webp 2x\" sizes=\"(max-width: 600px) 100vw, 50vw\">"
            "<img src=\"img/l.png\" sizes=\"(max-width: 600px) 100vw, 50vw\" "
            "srcset=\"img/l.png 1x, img/h.jpg 2x\"></picture>\n"
            "<picture><source srcset=\"img/h.jpg\" media=\"(min-width: 9px)\"><img "
            "src=\"img/h.jpg\"></picture>\n"
            "<img src=\"img/h.jpg\" data-src=\"img/l.png\">\n"
            "<img src=\"img/none.png\">");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].message.find("lazy loader"), std::string::npos);
}

TEST(HtmlEnhance, AllThreeOnOneImgAndAdjacentImages) {
  Page p;
  p.options.picture = p.options.img_dimensions = p.options.sri = true;
  p.doc = "<img src=a.png><img src=a.png>";
  Asset& a = p.file("a.png", FileKind::Png, write_png(photo(30, 20)), "a.1234567890.png");
  a.variants = {kept("webp")};
  p.ref("a.png", a, "a.1234567890.png");
  p.ref("a.png", a, "a.1234567890.png", 10);
  std::string one =
      "<picture><source type=\"image/webp\" srcset=\"a.1234567890.png.webp\">"
      "<img src=a.png width=\"30\" height=\"20\"></picture>";
  EXPECT_EQ(p.result(), one + one);
}

TEST(HtmlEnhance, SrcsetKeepsDescriptorsApart) {
  DecodedText v = DecodedText::verbatim("a.png 1x,b.png,  c.png (x, y) 480w ,", 0);
  std::vector<std::string> d;
  auto urls = split_srcset(v, &d);
  ASSERT_EQ(urls.size(), 3u);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], "1x");
  EXPECT_EQ(d[1], "");
  EXPECT_EQ(urls[2].text, "c.png");
  EXPECT_EQ(d[2], "(x, y) 480w");
}


// --preload as link.cc hands it over: what each script and style sheet
// needs, with the URL the page gives it.
PreloadCandidate candidate(Page& p, const Asset& t, const std::string& as,
                           const std::string& type = "") {
  PreloadCandidate c;
  c.preload = Preload{t.output, "/" + t.output, as, type};
  c.target = &t;
  c.immutable = t.output != t.logical || t.fingerprinted;
  if (t.kind == FileKind::Js) c.digests = &p.digests.emplace_back(digests_of(t.bytes));
  return c;
}

// The modules the module scripts import and the fonts of the style sheets,
// each once, before the first script or style sheet of <head>; what the page
// preloads already is not added again but is listed; a classic script's and
// an alternate style sheet's needs are not; nothing without the option.
TEST(HtmlEnhance, PreloadModulesAndFontsOnce) {
  Page p;
  p.doc =
      "<!doctype html><html><head><meta charset=utf-8><title>t</title>\n"
      "<link rel=modulepreload href=\"b.js\">\n"
      "<link rel=stylesheet href=\"s.css\">\n"
      "<link rel=\"alternate stylesheet\" href=\"alt.css\">\n"
      "<script type=module src=\"m.js\"></script>\n"
      "<script type=\"Module\" src=\"n.js\"></script>\n"
      "<script src=\"classic.js\"></script>\n"
      "</head><body></body></html>";
  const Asset& m = p.file("m.js", FileKind::Js, "m", "m.1111111111.js");
  const Asset& n = p.file("n.js", FileKind::Js, "n", "n.1111111111.js");
  const Asset& a = p.file("a.js", FileKind::Js, "a", "a.1111111111.js");
  const Asset& b = p.file("b.js", FileKind::Js, "b", "b.1111111111.js");
  const Asset& c = p.file("c.js", FileKind::Js, "c", "c.1111111111.js");
  const Asset& classic = p.file("classic.js", FileKind::Js, "x", "classic.1111111111.js");
  const Asset& css = p.file("s.css", FileKind::Css, "s", "s.1111111111.css");
  const Asset& alt = p.file("alt.css", FileKind::Css, "s", "alt.1111111111.css");
  const Asset& f = p.file("f.woff2", FileKind::Font, "f", "f.1111111111.woff2");
  const Asset& g = p.file("g.ttf", FileKind::Font, "g", "g.1111111111.ttf");
  p.ref("b.js", b, "b.1111111111.js");
  p.ref("s.css", css, "s.1111111111.css");
  p.refs.back().preloads = {candidate(p, f, "font", "font/woff2")};
  p.ref("alt.css", alt, "alt.1111111111.css");
  p.refs.back().preloads = {candidate(p, g, "font", "font/ttf")};
  p.ref("m.js", m, "m.1111111111.js");
  // m imports a (which imports b) and n; n imports c and a again.
  p.refs.back().preloads = {candidate(p, a, "script"), candidate(p, b, "script"),
                            candidate(p, n, "script")};
  p.ref("n.js", n, "n.1111111111.js");
  p.refs.back().preloads = {candidate(p, c, "script"), candidate(p, a, "script")};
  p.ref("classic.js", classic, "classic.1111111111.js");
  p.refs.back().preloads = {candidate(p, g, "script")};

  std::string plain = p.result();
  EXPECT_EQ(plain, p.doc);

  p.options.preload = true;
  std::string links =
      "<link rel=\"modulepreload\" href=\"/a.1111111111.js\">"
      "<link rel=\"modulepreload\" href=\"/c.1111111111.js\">"
      "<link rel=\"preload\" href=\"/f.1111111111.woff2\" as=\"font\" type=\"font/woff2\" "
      "crossorigin>";
  std::string want = p.doc;
  want.insert(want.find("<link rel=stylesheet"), links);
  EXPECT_EQ(p.result(), want);
  Enhanced e = enhance_html(p.doc, p.refs, p.options);
  std::vector<std::string> listed;
  for (const Preload& x : e.preloads) listed.push_back(x.as + " " + x.href + " " + x.type);
  EXPECT_EQ(listed, (std::vector<std::string>{"script /a.1111111111.js ", "script /b.1111111111.js ",
                                              "script /c.1111111111.js ",
                                              "font /f.1111111111.woff2 font/woff2"}));

  // --sri: the module preloads get the integrity of the file as served.
  p.options.sri = true;
  std::string sri = p.result();
  EXPECT_NE(sri.find("<link rel=\"modulepreload\" href=\"/a.1111111111.js\" integrity=\"" +
                     digests_of("a").sha384 + "\" crossorigin=\"anonymous\">"),
            std::string::npos)
      << sri;
  EXPECT_NE(sri.find("as=\"font\" type=\"font/woff2\" crossorigin>"), std::string::npos) << sri;
}

// Scripts only in <body>: the links go at the end of <head>; without a
// <head>, before the first script.
TEST(HtmlEnhance, PreloadWhereTheHeadEnds) {
  for (bool head : {true, false}) {
    Page p;
    p.options.preload = true;
    p.doc = std::string(head ? "<html><head><title>t</title></head>" : "<p>x</p>") +
            "<body><script type=module src=m.js></script></body>";
    const Asset& m = p.file("m.js", FileKind::Js, "m", "m.1111111111.js");
    const Asset& a = p.file("a.js", FileKind::Js, "a");  // keeps its name
    p.ref("m.js", m, "m.1111111111.js");
    p.refs.back().preloads = {candidate(p, a, "script")};
    std::string want = p.doc;
    want.insert(want.find(head ? "</head>" : "<script"),
                "<link rel=\"modulepreload\" href=\"/a.js\">");
    EXPECT_EQ(p.result(), want);
    p.options.sri = true;  // not on a file whose name does not pin its bytes
    EXPECT_NE(p.result().find("<link rel=\"modulepreload\" href=\"/a.js\"><"), std::string::npos);
  }
}


// A module fetch before an import map makes the browser refuse the map: the
// links go after it.
TEST(HtmlEnhance, PreloadAfterTheImportMap) {
  Page p;
  p.options.preload = true;
  p.doc =
      "<html><head><script type=\"importmap\">{\"imports\": {\"x\": \"/x.js\"}}</script>"
      "<link rel=stylesheet href=s.css><script type=module src=m.js></script></head></html>";
  const Asset& m = p.file("m.js", FileKind::Js, "m", "m.1111111111.js");
  const Asset& a = p.file("a.js", FileKind::Js, "a", "a.1111111111.js");
  p.ref("m.js", m, "m.1111111111.js");
  p.refs.back().preloads = {candidate(p, a, "script")};
  std::string want = p.doc;
  want.insert(want.find("<link rel=stylesheet"), "<link rel=\"modulepreload\" href=\"/a.1111111111.js\">");
  EXPECT_EQ(p.result(), want);
  // Import map after the style sheet: the links go after the map.
  p.doc = "<head><link rel=stylesheet href=s.css><script type=importmap>{}</script>"
          "<script type=module src=m.js></script></head>";
  p.refs.clear();
  p.ref("m.js", m, "m.1111111111.js");
  p.refs.back().preloads = {candidate(p, a, "script")};
  want = p.doc;
  want.insert(want.find("<script type=module"), "<link rel=\"modulepreload\" href=\"/a.1111111111.js\">");
  EXPECT_EQ(p.result(), want);
}

// The link stage hands the page what each script and style sheet needs: the
// static imports of a module, transitively (not import(), not CSS a module
// imports), and the fonts of @font-face rules through @import (the first
// woff2 of each, else the first font; not other url()s), under --base, with
// their final names; the page lists them (Asset::preloads).
TEST(HtmlEnhance, PreloadFromTheLinkStage) {
  std::map<std::string, std::string> files = {
      {"index.html",
       "<html><head><link rel=stylesheet href=\"css/s.css\">"
       "<script type=module src=\"js/app.js\"></script></head><body></body></html>"},
      {"js/app.js", "import { a } from './a.js';\nimport './s.css';\nimport('./lazy.js');\n"},
      {"js/a.js", "export * from './b.js';\nexport const a = 1;\n"},
      {"js/b.js", "import './a.js';\nexport const b = import('./lazy.js');\n"},
      {"js/lazy.js", "import './deep.js';\n"},
      {"js/deep.js", "\n"},
      {"js/s.css", "\n"},
      {"css/s.css",
       "@import \"t.css\";\n@font-face { font-family: X; src: url(../f/x.woff) format('woff'), "
       "url(../f/x.woff2) format('woff2'); }\nbody { background: url(../f/bg.woff2); }\n"},
      {"css/t.css", "@font-face { src: url(../f/y.ttf); }\n@font-face { src: url(../f/x.woff2) }\n"},
      {"f/x.woff", "w1"},
      {"f/x.woff2", "w2"},
      {"f/y.ttf", "t"},
      {"f/bg.woff2", "b"},
  };
  Options options;
  options.preload = true;
  options.base = "/app/";
  std::vector<Asset> assets;
  for (const auto& [logical, bytes] : files) {
    Asset a;
    a.logical = logical;
    a.kind = scan::classify(logical);
    a.entry = scan::is_entry(logical, {});
    a.bytes = bytes;
    assets.push_back(std::move(a));
  }
  Diagnostics diags;
  link::link(assets, options, diags);
  std::map<std::string, const Asset*> by;
  for (const Asset& a : assets) by[a.logical] = &a;
  const Asset& page = *by.at("index.html");
  std::vector<std::string> got;
  for (const Preload& x : page.preloads) got.push_back(x.as + " " + x.file + " " + x.href);
  auto out = [&](const std::string& l) { return by.at(l)->output; };
  EXPECT_EQ(got, (std::vector<std::string>{
                     "script " + out("js/a.js") + " /app/" + out("js/a.js"),
                     "script " + out("js/b.js") + " /app/" + out("js/b.js"),
                     "font " + out("f/y.ttf") + " /app/" + out("f/y.ttf"),
                     "font " + out("f/x.woff2") + " /app/" + out("f/x.woff2"),
                 }));
  EXPECT_NE(out("js/a.js"), "js/a.js");  // final, hashed names
  EXPECT_EQ(page.preloads[2].type, "font/ttf");
  EXPECT_EQ(page.preloads[3].type, "font/woff2");
  EXPECT_NE(page.bytes.find("<head><link rel=\"modulepreload\" href=\"/app/" + out("js/a.js") +
                            "\"><link rel=\"modulepreload\" href=\"/app/" + out("js/b.js") +
                            "\"><link rel=\"preload\" href=\"/app/" + out("f/y.ttf") +
                            "\" as=\"font\" type=\"font/ttf\" crossorigin><link rel=\"preload\" "
                            "href=\"/app/" + out("f/x.woff2") +
                            "\" as=\"font\" type=\"font/woff2\" crossorigin><link rel=stylesheet"),
            std::string::npos)
      << page.bytes;
  for (const auto& d : diags.sorted()) ADD_FAILURE() << d.message;
}

}  // namespace
