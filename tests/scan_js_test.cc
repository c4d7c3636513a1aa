#include <gtest/gtest.h>

#include <chrono>

#include "link/js_scanner.h"
#include "link/scan_helpers.h"

using namespace assetpipe::link;
using namespace assetpipe::link::testing;

namespace {
using V = std::vector<std::string>;

size_t dynamic_notes(const ScanResult& r) {
  size_t n = 0;
  for (const auto& ref : r.refs) n += ref.kind == RefKind::DynamicExpression;
  return n;
}
}  // namespace

TEST(ScanJs, StaticImportsAndExports) {
  auto r = scan_js(R"~(import a from "./a.js";
import * as b from './b.js';
import {c as d, e} from "./c.js"
import "./side.js";
export {x} from "./x.js";
export * from "./star.js";
export * as ns from "./ns.js";
import json from "./data.json" with { type: "json" };)~");
  EXPECT_EQ(urls(r), (V{"./a.js", "./b.js", "./c.js", "./side.js", "./x.js", "./star.js", "./ns.js",
                        "./data.json"}));
  for (const auto& ref : r.refs) {
    EXPECT_EQ(ref.kind, RefKind::Import);
    EXPECT_TRUE(ref.module_specifier);
  }
}

TEST(ScanJs, MinifiedImports) {
  auto r = scan_js(
      R"~(import{a as b}from"./a-x.js";import"./s.js";export*from"./t.js";const c=()=>import("./lazy.js");)~");
  EXPECT_EQ(urls(r), (V{"./a-x.js", "./s.js", "./t.js", "./lazy.js"}));
}

TEST(ScanJs, BareSpecifiersAreReportedAsSpecifiers) {
  auto r = scan_js(R"~(import React from "react"; import x from "@scope/pkg/file.js";)~");
  ASSERT_EQ(r.refs.size(), 2u);
  EXPECT_TRUE(r.refs[0].module_specifier);
}

TEST(ScanJs, NothingInCommentsStringsOrTemplates) {
  auto r = scan_js(R"~(// import "./c1.js"
/* import "./c2.js" */
const s = 'import "./s1.js"';
const t = `import("./t1.js") ${ "x" } import "./t2.js"`;
const u = "new URL('./u.png', import.meta.url)";
import "./yes.js";)~");
  EXPECT_EQ(urls(r), V{"./yes.js"});
}

TEST(ScanJs, RegexLiteralVersusDivision) {
  auto r = scan_js(R"~(const re = /import "\/no.js"/g;
const q = a / 2 / b; import "./one.js";
const k = x.replace(/["']/g, "") ; import "./two.js";
if (/from "x"/.test(s)) {}
const r2 = (a) / 2; import "./three.js";
let z = [1] / 2; const cls = /[/"]/; import "./four.js";)~");
  EXPECT_EQ(urls(r), (V{"./one.js", "./two.js", "./three.js", "./four.js"}));
}

TEST(ScanJs, RegexAfterKeyword) {
  auto r = scan_js(R"~(function f(){ return /"import '.\/no.js'"/.test(x) } import "./yes.js";)~");
  EXPECT_EQ(urls(r), V{"./yes.js"});
}

TEST(ScanJs, TemplateLiteralNesting) {
  auto r = scan_js(R"~(const a = `outer ${ `inner ${ {k: "v"}.k } "` } import "./no.js"`;
const b = { c: `${d}` }; import "./yes.js";)~");
  EXPECT_EQ(urls(r), V{"./yes.js"});
}

TEST(ScanJs, DynamicImportLiteralAndExpression) {
  auto r = scan_js(R"~(import("./a.js"); import('./b.js', { with: {} }); import(`./c.js`);
import("./d-" + name + ".js"); import(`./e/${x}.js`); import(spec);)~");
  EXPECT_EQ(urls(r), (V{"./a.js", "./b.js", "./c.js"}));
  EXPECT_EQ(dynamic_notes(r), 3u);
}

TEST(ScanJs, NewUrlWithImportMetaUrlAndWorkers) {
  auto r = scan_js(R"~(const img = new URL("./img/a.png", import.meta.url).href;
const w = new Worker(new URL('./worker.js', import.meta.url), { type: "module" });
const no = new URL("./other.png", location.href);
const m = import.meta.url; const p = obj.import("./prop.js");)~");
  EXPECT_EQ(urls(r), (V{"./img/a.png", "./worker.js"}));
  for (const auto& ref : r.refs) EXPECT_FALSE(ref.module_specifier);
}

TEST(ScanJs, StringEscapesDecodedRawKept) {
  std::string js = R"~(import "./a\u002eb\x2Ejs"; import "./q\"x.js";)~";
  auto r = scan_js(js);
  EXPECT_EQ(urls(r), (V{"./a.b.js", "./q\"x.js"}));
  EXPECT_EQ(raw_texts(js, r), (V{R"~(./a\u002eb\x2Ejs)~", R"~(./q\"x.js)~"}));
}

TEST(ScanJs, SourceMappingUrlComment) {
  auto r = scan_js("console.log(1);\n//# sourceMappingURL=app.js.map\n");
  ASSERT_EQ(r.refs.size(), 1u);
  EXPECT_EQ(r.refs[0].kind, RefKind::SourceMap);
  EXPECT_EQ(r.refs[0].url.text, "app.js.map");
  auto legacy = scan_js("x;\n//@ sourceMappingURL=old.map");
  EXPECT_EQ(urls(legacy), V{"old.map"});
}

TEST(ScanJs, ImportMetaAndPropertyNamedImportAreNotDeclarations) {
  auto r = scan_js(
      R"~(const u = import.meta.url, from = "./no.js"; x.import; const y = {from: "./no2.js"};
export const z = "./no3.js"; export default from;)~");
  EXPECT_TRUE(urls(r).empty());
}

TEST(ScanJs, HashbangAndUnterminatedInputsDoNotCrash) {
  auto r = scan_js("#!/usr/bin/env node\nimport \"./a.js\";");
  EXPECT_EQ(urls(r), V{"./a.js"});
  for (std::string s :
       {"import(", "import(\"", "`${", "`${`${", "/", "/[", "\"\\", "'\\u{",
        "new URL(\"a\", import.meta.", "}}}}", "import \"x", "/*", "//# sourceMappingURL="}) {
    auto res = scan_js(s);
    for (const auto& ref : res.refs) {
      EXPECT_EQ(ref.url.raw.size(), ref.url.text.size() + 1);
      EXPECT_LE(ref.url.raw.back(), s.size());
    }
  }
}

TEST(ScanJs, WorkerImportScripts) {
  auto r = scan_js(
      R"~(importScripts("/a.js", './b.js'); self.importScripts("c.js"); importScripts(x, "no.js");)~");
  EXPECT_EQ(urls(r), (V{"/a.js", "./b.js", "c.js"}));
}

TEST(ScanJs, PathologicalLinesStayLinear) {
  // Every "/[" may start a regular expression that never closes on this line.
  std::string js;
  for (int k = 0; k < 100000; ++k) js += "(/[";
  js += "\nimport \"./after.js\";";
  auto start = std::chrono::steady_clock::now();
  auto r = scan_js(js);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(urls(r), V{"./after.js"});
  EXPECT_LT(seconds, 30.0);  // linear: well under a second (a few under ASan); quadratic: minutes
}

TEST(ScanJs, ImportMetaResolve) {
  auto r = scan_js(
      R"~(const u = import.meta.resolve("./w.js"); const v = import.meta.resolve("pkg");)~");
  EXPECT_EQ(urls(r), (V{"./w.js", "pkg"}));
  EXPECT_TRUE(r.refs[1].module_specifier);  // a bare name: left alone by the link stage
}

// --preload follows static imports only: import() calls are marked dynamic.
TEST(ScanJs, DynamicImportsAreMarked) {
  auto r = scan_js(R"~(import a from "./a.js"; export * from "./b.js";
const c = () => import("./lazy.js"); import('./also-lazy.js', { with: {} });
import "./side.js";)~");
  EXPECT_EQ(urls(r), (V{"./a.js", "./b.js", "./lazy.js", "./also-lazy.js", "./side.js"}));
  std::vector<bool> dynamic;
  for (const auto& ref : r.refs) dynamic.push_back(ref.dynamic);
  EXPECT_EQ(dynamic, (std::vector<bool>{false, false, true, true, false}));
}
