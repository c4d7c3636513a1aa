// The link stage on in-memory assets: naming in dependency order, cycles,
// fingerprints, entries, warnings, --base, --public-url, source maps.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "assetpipe/build.h"
#include "link/link.h"
#include "link/naming.h"
#include "scan/classify.h"

using namespace assetpipe;

namespace {

Asset make(const std::string& logical, const std::string& bytes) {
  Asset a;
  a.logical = logical;
  a.kind = scan::classify(logical);
  a.entry = scan::is_entry(logical, {});
  a.fingerprinted = scan::is_fingerprinted(logical);
  a.bytes = bytes;
  return a;
}

struct Site {
  std::map<std::string, std::string> files;
  Options options;
  Diagnostics diags;

  std::map<std::string, Asset> link() {
    std::vector<Asset> assets;
    for (const auto& [k, v] : files) assets.push_back(make(k, v));
    link::link(assets, options, diags);
    std::map<std::string, Asset> out;
    for (auto& a : assets) out[a.logical] = std::move(a);
    return out;
  }
};

std::map<std::string, std::string> outputs(const std::map<std::string, Asset>& linked) {
  std::map<std::string, std::string> out;
  for (const auto& [k, a] : linked) out[k] = a.output;
  return out;
}

std::string hash_of(const std::string& output) {  // "css/a.0123456789.css" -> "0123456789"
  auto last = output.rfind('.');
  auto prev = output.rfind('.', last - 1);
  return output.substr(prev + 1, last - prev - 1);
}

}  // namespace

TEST(LinkGraph, ReferencesAreRewrittenToFinalNames) {
  Site s;
  s.files = {{"index.html", R"(<link rel="stylesheet" href="css/main.css"><img src="/img/a.png">)"},
             {"css/main.css", "a{background:url(../img/a.png)}"},
             {"img/a.png", "PNG-A"}};
  auto l = s.link();
  const std::string& png = l["img/a.png"].output;
  const std::string& css = l["css/main.css"].output;
  EXPECT_EQ(png, "img/a." + link::content_hash(l["img/a.png"]) + ".png");
  EXPECT_EQ(l["css/main.css"].bytes, "a{background:url(../" + png + ")}");
  EXPECT_EQ(l["index.html"].output, "index.html");
  EXPECT_EQ(l["index.html"].bytes,
            "<link rel=\"stylesheet\" href=\"" + css + "\"><img src=\"/" + png + "\">");
  EXPECT_EQ(l["css/main.css"].imports, std::vector<std::string>{"img/a.png"});
  EXPECT_EQ(l["index.html"].imports, (std::vector<std::string>{"css/main.css", "img/a.png"}));
  EXPECT_EQ(s.diags.warning_count(), 0u);
}

TEST(LinkGraph, TheCssNameCoversTheImageItPointsAt) {
  // Phoenix's bug: hashing CSS before rewriting its url()s.
  Site s;
  s.files = {{"css/main.css", "a{background:url(../img/a.png)}"}, {"img/a.png", "v1"}};
  auto before = outputs(s.link());
  s.files["img/a.png"] = "v2";
  auto after = outputs(s.link());
  EXPECT_NE(before["img/a.png"], after["img/a.png"]);
  EXPECT_NE(before["css/main.css"], after["css/main.css"]);
}

TEST(LinkGraph, CycleOfTwoSharesOneHash) {
  Site s;
  s.files = {{"a.js", R"(import {b} from "./b.js"; export const a = 1;)"},
             {"b.js", R"(import {a} from "./a.js"; export const b = 2;)"},
             {"c.js", R"(export const c = 3;)"}};
  auto l = s.link();
  std::string ha = hash_of(l["a.js"].output), hb = hash_of(l["b.js"].output);
  EXPECT_EQ(ha, hb);
  EXPECT_EQ(l["a.js"].bytes, "import {b} from \"./" + l["b.js"].output + "\"; export const a = 1;");
  EXPECT_EQ(l["b.js"].bytes, "import {a} from \"./" + l["a.js"].output + "\"; export const b = 2;");
  // Deterministic, and any member's change renames every member.
  EXPECT_EQ(outputs(s.link()), outputs(l));
  s.files["b.js"] += "\n";
  auto changed = outputs(s.link());
  EXPECT_NE(changed["a.js"], l["a.js"].output);
  EXPECT_NE(changed["b.js"], l["b.js"].output);
  EXPECT_EQ(changed["c.js"], l["c.js"].output);
}

TEST(LinkGraph, CycleOfThreeCssImports) {
  Site s;
  s.files = {{"a.css", R"(@import "b.css"; a{})"},
             {"b.css", R"(@import url(c.css); b{background:url(x.png)})"},
             {"c.css", R"(@import 'a.css'; c{})"},
             {"x.png", "X"},
             {"page.html", R"(<link rel=stylesheet href="a.css">)"}};
  auto l = s.link();
  std::string h = hash_of(l["a.css"].output);
  EXPECT_EQ(hash_of(l["b.css"].output), h);
  EXPECT_EQ(hash_of(l["c.css"].output), h);
  EXPECT_EQ(l["a.css"].bytes, "@import \"" + l["b.css"].output + "\"; a{}");
  EXPECT_EQ(l["c.css"].bytes, "@import '" + l["a.css"].output + "'; c{}");
  EXPECT_EQ(l["page.html"].bytes, "<link rel=stylesheet href=\"" + l["a.css"].output + "\">");
  // The image below the cycle renames the whole cycle.
  s.files["x.png"] = "Y";
  auto after = outputs(s.link());
  for (const char* f : {"a.css", "b.css", "c.css", "x.png"}) EXPECT_NE(after[f], l[f].output) << f;
}

TEST(LinkGraph, SelfReference) {
  Site s;
  s.files = {{"w.js", R"(const me = new URL("./w.js", import.meta.url); go(me);)"}};
  auto l = s.link();
  const std::string& out = l["w.js"].output;
  EXPECT_NE(out, "w.js");
  EXPECT_EQ(l["w.js"].bytes, "const me = new URL(\"./" + out + "\", import.meta.url); go(me);");
  EXPECT_EQ(outputs(s.link())["w.js"], out);
}

TEST(LinkGraph, DiamondRenamesExactlyWhatReachesTheChange) {
  Site s;
  s.files = {{"top.css", "@import 'left.css'; @import 'right.css';"},
             {"left.css", "l{background:url(bottom.png)}"},
             {"right.css", "r{background:url(bottom.png)}"},
             {"other.css", "o{}"},
             {"bottom.png", "B1"}};
  auto before = outputs(s.link());
  s.files["left.css"] = "l{background:url(bottom.png);color:red}";
  auto after = outputs(s.link());
  EXPECT_NE(after["left.css"], before["left.css"]);
  EXPECT_NE(after["top.css"], before["top.css"]);
  EXPECT_EQ(after["right.css"], before["right.css"]);
  EXPECT_EQ(after["bottom.png"], before["bottom.png"]);
  EXPECT_EQ(after["other.css"], before["other.css"]);
  s.files["bottom.png"] = "B2";
  auto again = outputs(s.link());
  for (const char* f : {"top.css", "left.css", "right.css", "bottom.png"}) {
    EXPECT_NE(again[f], after[f]) << f;
  }
  EXPECT_EQ(again["other.css"], after["other.css"]);
}

TEST(LinkGraph, FingerprintedFileKeepsItsNameUntilAReferenceInItChanges) {
  Site s;
  s.files = {{"assets/index-BkX3s9fa.js", R"(import "./vendor-Cx8s9aQ1.js"; x();)"},
             {"assets/vendor-Cx8s9aQ1.js", "y();"},
             {"index.html", R"(<script type=module src="/assets/index-BkX3s9fa.js"></script>)"}};
  auto l = s.link();
  EXPECT_EQ(l["assets/index-BkX3s9fa.js"].output, "assets/index-BkX3s9fa.js");
  EXPECT_EQ(l["assets/vendor-Cx8s9aQ1.js"].output, "assets/vendor-Cx8s9aQ1.js");
  EXPECT_EQ(l["index.html"].bytes, s.files["index.html"]);

  s.files["assets/index-BkX3s9fa.js"] =
      R"(import "./vendor-Cx8s9aQ1.js"; new URL("../logo.svg", import.meta.url);)";
  s.files["logo.svg"] = "<svg/>";
  l = s.link();
  const std::string& renamed = l["assets/index-BkX3s9fa.js"].output;
  EXPECT_NE(renamed, "assets/index-BkX3s9fa.js");
  EXPECT_TRUE(renamed.starts_with("assets/index-BkX3s9fa.")) << renamed;
  EXPECT_EQ(l["assets/vendor-Cx8s9aQ1.js"].output, "assets/vendor-Cx8s9aQ1.js");
  EXPECT_NE(l["index.html"].bytes.find(renamed), std::string::npos);
}

TEST(LinkGraph, BundlerCycleBetweenFingerprintedChunksKeepsNames) {
  Site s;
  s.files = {{"assets/index-BkX3s9fa.js", R"(import "./chunk-Ab12cd34.js";)"},
             {"assets/chunk-Ab12cd34.js", R"(import "./index-BkX3s9fa.js";)"}};
  auto l = s.link();
  EXPECT_EQ(l["assets/index-BkX3s9fa.js"].output, "assets/index-BkX3s9fa.js");
  EXPECT_EQ(l["assets/chunk-Ab12cd34.js"].output, "assets/chunk-Ab12cd34.js");
}

TEST(LinkGraph, UnresolvableReferencesWarnWithLineAndColumnAndStayAsWritten) {
  Site s;
  s.files = {{"css/a.css", "a{}\nb{background:url(missing.png)}\nc{background:url(../../up.png)}"},
             {"index.html", "<a href=\"/about/\">x</a><a href=\"/pricing\">y</a>"}};
  auto l = s.link();
  EXPECT_EQ(l["css/a.css"].bytes, s.files["css/a.css"]);
  auto d = s.diags.sorted();
  ASSERT_EQ(d.size(), 2u);  // page links without an extension are not reported
  EXPECT_EQ(d[0].file, "css/a.css");
  EXPECT_EQ(d[0].line, 2);
  EXPECT_EQ(d[0].column, 18);
  EXPECT_NE(d[0].message.find("css/missing.png"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[1].line, 3);
  EXPECT_NE(d[1].message.find("leaves the input folder"), std::string::npos) << d[1].message;
}

TEST(LinkGraph, ExternalAndLocalUrlsAreLeftAlone) {
  Site s;
  s.files = {{"a.css",
              "a{background:url(data:image/png;base64,AA==)} b{background:url(https://x/y.png)}"
              " c{background:url(//cdn/z.png)} d{fill:url(#g)} e{background:url(blob:x)}"},
             {"m.js", R"(import React from "react"; import x from "lodash/x.js";)"}};
  auto l = s.link();
  EXPECT_EQ(l["a.css"].bytes, s.files["a.css"]);
  EXPECT_EQ(l["m.js"].bytes, s.files["m.js"]);
  EXPECT_EQ(s.diags.warning_count(), 0u);
}

TEST(LinkGraph, QueryFragmentAndPercentEncodingKept) {
  Site s;
  s.files = {{"css/a.css", "@font-face{src:url('../f/my%20font.woff2?v=4#iefix')}"},
             {"f/my font.woff2", "FONT"}};
  auto l = s.link();
  std::string out = l["f/my font.woff2"].output;  // "f/my font.<hash>.woff2"
  EXPECT_EQ(l["css/a.css"].bytes,
            "@font-face{src:url('../f/my%20font." + hash_of(out) + ".woff2?v=4#iefix')}");
}

TEST(LinkGraph, BaseAndRootRelativeUrls) {
  Site s;
  s.options.base = "/app";
  s.files = {
      {"index.html", R"(<img src="/app/i.png"><img src="/elsewhere/j.png"><img src="i.png">)"},
      {"i.png", "I"}};
  auto l = s.link();
  std::string png = l["i.png"].output;
  EXPECT_EQ(
      l["index.html"].bytes,
      "<img src=\"/app/" + png + "\"><img src=\"/elsewhere/j.png\"><img src=\"" + png + "\">");
  ASSERT_EQ(s.diags.warning_count(), 1u);
  EXPECT_NE(s.diags.sorted()[0].message.find("outside --base /app/"), std::string::npos);
}

TEST(LinkGraph, PublicUrlMakesRewrittenReferencesAbsolute) {
  Site s;
  s.options.public_url = "https://cdn.example.com/static/";
  s.files = {{"index.html", R"(<script src="js/app.js"></script><a href="other.html">o</a>)"},
             {"js/app.js", "x()"},
             {"other.html", ""}};
  auto l = s.link();
  EXPECT_EQ(l["index.html"].bytes, "<script src=\"https://cdn.example.com/static/" +
                                       l["js/app.js"].output +
                                       "\"></script><a href=\"other.html\">o</a>");
}

TEST(LinkGraph, HtmlBaseHref) {
  Site s;
  s.files = {{"docs/page.html", R"(<base href="/assets/"><img src="a.png">)"},
             {"assets/a.png", "A"}};
  auto l = s.link();
  EXPECT_EQ(l["docs/page.html"].bytes, "<base href=\"/assets/\"><img src=\"" +
                                           std::string(l["assets/a.png"].output.substr(7)) + "\">");
  EXPECT_EQ(s.diags.warning_count(), 0u);
}

TEST(LinkGraph, EntitiesKeptOnRewrite) {
  Site s;
  s.files = {{"index.html", R"(<img src="a&#46;png?x=1&amp;y=2">)"}, {"a.png", "A"}};
  auto l = s.link();
  EXPECT_EQ(l["index.html"].bytes, "<img src=\"" + l["a.png"].output + "?x=1&amp;y=2\">");
}

TEST(LinkGraph, TakesOverAStandaloneSourceMap) {
  Site s;
  s.files = {
      {"js/app.js", "run();\n//# sourceMappingURL=../maps/app.js.map\n"},
      {"maps/app.js.map",
       R"({"version":3,"file":"app.js","sources":["../src/app.ts"],"names":[],"mappings":"AAAA"})"}};
  auto l = s.link();
  const Asset& js = l["js/app.js"];
  const Asset& map = l["maps/app.js.map"];
  EXPECT_EQ(map.map_of, "js/app.js");
  ASSERT_TRUE(js.source_map);
  std::string base = js.output.substr(3);
  EXPECT_EQ(js.bytes, "run();\n//# sourceMappingURL=" + base + ".map\n");
  auto m = nlohmann::json::parse(*js.source_map);
  EXPECT_EQ(m["file"], base);
  EXPECT_EQ(m["sources"][0], "../src/app.ts");  // maps/../src/app.ts seen from js/
  // The map is part of what the name covers.
  s.files["maps/app.js.map"] =
      R"({"version":3,"file":"app.js","sources":["../src/other.ts"],"names":[],"mappings":"AAAA"})";
  EXPECT_NE(s.link()["js/app.js"].output, js.output);
}

TEST(LinkGraph, SourcesRebasedWhenTheMapMovesFolders) {
  Site s;
  s.files = {{"a/b/app.js", "x\n//# sourceMappingURL=../../maps/app.js.map"},
             {"maps/app.js.map",
              R"({"version":3,"sources":["../src/app.ts","webpack://x/y.js"],"mappings":""})"}};
  auto l = s.link();
  auto m = nlohmann::json::parse(*l["a/b/app.js"].source_map);
  EXPECT_EQ(m["sources"][0], "../../src/app.ts");  // maps/../src = src/
  EXPECT_EQ(m["sources"][1], "webpack://x/y.js");
}

TEST(LinkGraph, TransformMapGetsACommentAndTheNameCoversIt) {
  std::vector<Asset> assets = {make("app.css", "a{b:c}")};
  assets[0].source_map = R"({"version":3,"sources":["app.css"],"names":[],"mappings":"AAAA"})";
  Options o;
  Diagnostics d;
  auto first = assets;
  link::link(first, o, d);
  std::string base = first[0].output;
  EXPECT_EQ(first[0].bytes, "a{b:c}\n/*# sourceMappingURL=" + base + ".map */\n");
  EXPECT_EQ(nlohmann::json::parse(*first[0].source_map)["file"], base);
  auto second = assets;
  second[0].source_map = R"({"version":3,"sources":["other.css"],"names":[],"mappings":"AAAA"})";
  link::link(second, o, d);
  EXPECT_NE(second[0].output, first[0].output);
}

TEST(LinkGraph, ManifestAndSvgReferences) {
  Site s;
  s.files = {{"site.webmanifest", R"({"icons":[{"src":"icons\/i.png","sizes":"1x1"}]})"},
             {"icons/i.png", "I"},
             {"logo.svg", R"(<svg><image xlink:href="icons/i.png"/><use href="#x"/></svg>)"}};
  auto l = s.link();
  std::string png = l["icons/i.png"].output;
  EXPECT_EQ(l["site.webmanifest"].bytes,
            R"({"icons":[{"src":"icons\/)" + png.substr(6) + R"(","sizes":"1x1"}]})");
  EXPECT_EQ(l["logo.svg"].bytes,
            "<svg><image xlink:href=\"" + png + "\"/><use href=\"#x\"/></svg>");
}

TEST(LinkGraph, SameOutputNameIsAnError) {
  std::vector<Asset> assets = {make("a.css", "x"), make("a.0000000000.css", "y")};
  assets[1].entry = true;
  assets[0].bytes = "x";
  // Force a collision: an entry literally named like the hashed file.
  assets[1].logical = link::hashed_name("a.css", link::content_hash(assets[0]));
  Options o;
  Diagnostics d;
  EXPECT_THROW(link::link(assets, o, d), Error);
}

TEST(LinkGraph, HiddenBundlerMapOfAFileThatKeepsItsNameIsItsMap) {
  // Vite's sourcemap: 'hidden': a map without a comment; the transform made the file's map.
  std::vector<Asset> assets = {
      make("assets/index-BkX3s9fa.js", "x()"),
      make("assets/index-BkX3s9fa.js.map", R"({"version":3,"mappings":""})")};
  assets[0].source_map = R"({"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA"})";
  Options o;
  Diagnostics d;
  link::link(assets, o, d);
  EXPECT_EQ(assets[0].output, "assets/index-BkX3s9fa.js");
  EXPECT_EQ(assets[1].map_of, "assets/index-BkX3s9fa.js");
  EXPECT_EQ(assets[1].output, "assets/index-BkX3s9fa.js.map");
}

TEST(LinkGraph, ManyWarningsOnOneLongLineStayFastAndPrecise) {
  Site s;
  std::string css;
  for (int k = 0; k < 20000; ++k) css += "a{background:url(m" + std::to_string(k % 10) + ".png)}";
  s.files = {{"a.css", css}};
  auto start = std::chrono::steady_clock::now();
  s.link();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);  // linear: milliseconds; quadratic: minutes
  auto d = s.diags.sorted();
  ASSERT_EQ(d.size(), 20000u);
  EXPECT_EQ(d.back().line, 1);
  EXPECT_EQ(static_cast<size_t>(d.back().column), css.size() - std::string("m9.png)}").size() + 1);
}

TEST(LinkGraph, BundlerFileAndItsMapPassThroughByteForByte) {
  Site s;
  std::string map =
      R"({"version":3,"mappings":"AAAA","sources":["../src/a.ts"],"file":"index-BkX3s9fa.js"})";
  s.files = {{"assets/index-BkX3s9fa.js", "x();\n//# sourceMappingURL=index-BkX3s9fa.js.map\n"},
             {"assets/index-BkX3s9fa.js.map", map}};
  auto l = s.link();
  EXPECT_EQ(l["assets/index-BkX3s9fa.js"].output, "assets/index-BkX3s9fa.js");
  EXPECT_EQ(l["assets/index-BkX3s9fa.js"].bytes, s.files["assets/index-BkX3s9fa.js"]);
  EXPECT_EQ(l["assets/index-BkX3s9fa.js.map"].map_of, "assets/index-BkX3s9fa.js");
  EXPECT_EQ(*l["assets/index-BkX3s9fa.js"].source_map, map);
}

TEST(LinkGraph, ImportMapAddressesAreRewritten) {
  Site s;
  s.files = {{"index.html", R"~(<script type="importmap">{"imports": {"app": "/js/app.js"}}</script>
<script type="module">import "app";</script>)~"},
             {"js/app.js", "go()"}};
  auto l = s.link();
  EXPECT_EQ(l["index.html"].bytes, R"~(<script type="importmap">{"imports": {"app": "/)~" +
                                       l["js/app.js"].output + R"~("}}</script>
<script type="module">import "app";</script>)~");
  EXPECT_EQ(l["index.html"].imports, std::vector<std::string>{"js/app.js"});
}

TEST(LinkGraph, HostileFileNamesAreResolvedAndWrittenBackPercentEncoded) {
  Site s;
  std::string name = "img/a\"b<c>'d (e)&f.png";
  s.files = {{name, "PNG"},
             {"css/x.css", R"~(a{background:url("../img/a\"b<c>'d (e)&f.png")})~"},
             {"index.html", R"~(<img src="img/a&quot;b&lt;c&gt;'d%20(e)&amp;f.png">)~"}};
  auto l = s.link();
  EXPECT_EQ(s.diags.warning_count(), 0u);
  std::string hash = hash_of(l[name].output);
  std::string encoded = "a%22b%3Cc%3E%27d%20%28e%29%26f." + hash + ".png";
  EXPECT_EQ(l["css/x.css"].bytes, "a{background:url(\"../img/" + encoded + "\")}");
  EXPECT_EQ(l["index.html"].bytes, "<img src=\"img/" + encoded + "\">");
}
