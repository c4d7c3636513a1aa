// transform::minify with the real pinned esbuild and lightningcss.
#include "transform/minify.h"

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "minify_support.h"
#include "transform/minify_lightningcss.h"

namespace fs = std::filesystem;
namespace sm = assetpipe::util::sourcemap;
using namespace assetpipe;
using namespace assetpipe::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

struct Minified {
  TempDir dir;
  Options options;
  std::vector<Asset> before;
  std::vector<Asset> after;
  Diagnostics diags;
};

// Copies fixtures/minify/<name>, minifies it, keeps both states.
std::unique_ptr<Minified> minify_fixture(const std::string& name,
                                         const std::function<void(Options&)>& tweak = {}) {
  auto m = std::make_unique<Minified>();
  copy_fixture("minify/" + name, m->dir / "in");
  m->options = minify_options(m->dir / "in");
  if (tweak) tweak(m->options);
  m->before = load_tree(m->options);
  m->after = m->before;
  transform::minify(m->after, m->options, m->diags);
  return m;
}

// Writes `bytes` to a temporary file with `name` and runs `node --check` on it.
void expect_node_accepts(const std::string& name, const std::string& bytes) {
  TempDir dir;
  write(dir / name, bytes);
  auto r = run_program({"node", "--check", (dir / name).string()});
  EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
}

void expect_lightningcss_accepts(const std::string& name, const std::string& bytes) {
  TempDir dir;
  write(dir / "x.css", bytes);
  auto r = run_program(
      {node_bin("lightningcss"), "-o", (dir / "y.css").string(), (dir / "x.css").string()});
  EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
}

std::optional<sm::Position> lookup(const Asset& a, std::string_view token) {
  EXPECT_TRUE(a.source_map.has_value()) << a.logical;
  if (!a.source_map) return std::nullopt;
  auto [line, col] = position_of(a.bytes, token);
  auto r = sm::lookup(*a.source_map, line, col);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : std::nullopt;
}

sm::Position original_position(const std::string& source, const std::string& text,
                               std::string_view token) {
  auto [line, col] = position_of(text, token);
  return {source, line, col, ""};
}

// Position equality without the name (names are asserted separately).
::testing::AssertionResult lands_on(const std::optional<sm::Position>& got,
                                    const sm::Position& want) {
  if (!got) return ::testing::AssertionFailure() << "no mapping";
  if (got->source == want.source && got->line == want.line && got->column == want.column) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << got->source << ":" << got->line << ":" << got->column << ", want "
         << want.source << ":" << want.line << ":" << want.column;
}

}  // namespace

TEST(Minify, JsIsSmallerValidAndKeepsLicences) {
  auto m = minify_fixture("app");
  EXPECT_EQ(m->diags.error_count(), 0u) << all_messages(m->diags);
  for (const char* name : {"js/app.js", "js/util.mjs", "js/legacy.cjs", "js/bundle.js"}) {
    const Asset& b = asset(m->before, name);
    const Asset& a = asset(m->after, name);
    EXPECT_LT(a.bytes.size(), b.bytes.size() * 3 / 4) << name;
    EXPECT_THAT(a.bytes, Not(HasSubstr("sourceMappingURL"))) << name;
    expect_node_accepts(fs::path(name).filename().string(), a.bytes);
    EXPECT_THAT(a.notes, ::testing::Contains(HasSubstr("minified"))) << name;
  }
  const Asset& app = asset(m->after, "js/app.js");
  EXPECT_THAT(app.bytes, HasSubstr("/*! app.js v1.2.3 | MIT License | (c) Example Corp */"));
  EXPECT_THAT(app.bytes, Not(HasSubstr("Ordinary comments")));
  EXPECT_THAT(app.bytes, Not(HasSubstr("countVisibleItems")));  // locals renamed
  EXPECT_THAT(app.bytes, HasSubstr("ünïcödé ✓ 😀"));             // --charset=utf8
  EXPECT_THAT(asset(m->after, "js/util.mjs").bytes, HasSubstr("@license Apache-2.0"));
  // Module formats survive: ESM stays ESM, CommonJS stays CommonJS.
  EXPECT_THAT(asset(m->after, "js/util.mjs").bytes, HasSubstr("export async function fetchJson"));
  EXPECT_THAT(asset(m->after, "js/legacy.cjs").bytes, HasSubstr("module.exports="));
}

TEST(Minify, CssIsSmallerValidAndKeepsLicences) {
  auto m = minify_fixture("app");
  for (const char* name : {"css/site.css", "css/theme.css"}) {
    const Asset& b = asset(m->before, name);
    const Asset& a = asset(m->after, name);
    EXPECT_LT(a.bytes.size(), b.bytes.size() * 4 / 5) << name;
    EXPECT_THAT(a.bytes, Not(HasSubstr("sourceMappingURL"))) << name;
    expect_lightningcss_accepts(name, a.bytes);
  }
  const Asset& site = asset(m->after, "css/site.css");
  EXPECT_THAT(site.bytes, HasSubstr("/*! site.css | MIT License */"));
  EXPECT_THAT(site.bytes, Not(HasSubstr("A normal comment")));
  EXPECT_THAT(site.bytes, HasSubstr(".marker-card:hover{color:var(--brand-color)}"));
}

TEST(Minify, LeavesFingerprintedExcludedAndOtherFilesAlone) {
  auto m = minify_fixture("app", [](Options& o) { o.no_minify_globs = {"vendor/**"}; });
  for (const char* name : {"assets/index-BkX3s9fa.js", "vendor/skip.js", "index.html"}) {
    EXPECT_EQ(asset(m->after, name).bytes, asset(m->before, name).bytes) << name;
    EXPECT_FALSE(asset(m->after, name).source_map.has_value()) << name;
  }
  EXPECT_FALSE(transform::should_minify(asset(m->before, "assets/index-BkX3s9fa.js"), m->options));
  EXPECT_FALSE(transform::should_minify(asset(m->before, "vendor/skip.js"), m->options));
  EXPECT_TRUE(transform::should_minify(asset(m->before, "js/app.js"), m->options));
}

TEST(Minify, NoMinifyLeavesEverythingAlone) {
  auto m = minify_fixture("app", [](Options& o) {
    o.minify = false;
    o.esbuild = "/nonexistent/esbuild";  // not even looked for
  });
  EXPECT_EQ(m->diags.error_count(), 0u);
  for (size_t i = 0; i < m->before.size(); ++i) {
    EXPECT_EQ(m->after[i].bytes, m->before[i].bytes) << m->before[i].logical;
  }
}

TEST(Minify, ResultNotSmallerIsNotUsed) {
  TempDir dir;
  write(dir / "in/tiny.js", "a();");  // esbuild writes "a();\n": one byte more
  write(dir / "in/x.css", "a{b:c}");
  Options o = minify_options(dir / "in");
  auto before = load_tree(o);
  auto after = before;
  Diagnostics diags;
  transform::minify(after, o, diags);
  EXPECT_EQ(diags.error_count(), 0u) << all_messages(diags);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].bytes, before[i].bytes) << before[i].logical;
    EXPECT_FALSE(after[i].source_map.has_value());
    EXPECT_THAT(after[i].notes, ::testing::Contains(HasSubstr("not smaller")));
  }
}

TEST(Minify, SourceMapLookupsLandOnTheInputPositions) {
  auto m = minify_fixture("app");
  const Asset& a = asset(m->after, "js/app.js");
  const std::string& src = asset(m->before, "js/app.js").bytes;
  auto map = nlohmann::json::parse(*a.source_map);
  EXPECT_EQ(map["sources"], nlohmann::json::array({"app.js"}));  // relative to its folder
  EXPECT_EQ(map["sourcesContent"][0], src);
  // "DOMContentLoaded" and later tokens sit after non-ASCII text on the same
  // minified line: UTF-16 columns matter.
  for (const char* token : {"\"li.marker-item\"", "\"marker-none\"", "\"marker-some: \"",
                            "\"DOMContentLoaded\"", "\"marker-list\"", "\"marker-summary\""}) {
    EXPECT_TRUE(lands_on(lookup(a, token), original_position("app.js", src, token))) << token;
  }
  const Asset& css = asset(m->after, "css/theme.css");
  const std::string& css_src = asset(m->before, "css/theme.css").bytes;
  for (const char* token : {".marker-theme-dark", ".marker-theme-light"}) {
    EXPECT_TRUE(lands_on(lookup(css, token), original_position("theme.css", css_src, token)))
        << token;
  }
}

TEST(Minify, ComposesWithTheInputMap) {
  auto m = minify_fixture("app");
  const Asset& a = asset(m->after, "js/bundle.js");
  std::string original = read(fixtures_dir() / "minify/original/greet.ts");
  auto map = nlohmann::json::parse(*a.source_map);
  // bundle.js.map names ../../original/greet.ts from js/; from js/ it stays that.
  EXPECT_EQ(map["sources"], nlohmann::json::array({"../../original/greet.ts"}));
  EXPECT_EQ(map["sourcesContent"][0], original);
  for (const char* token : {"\"marker-farewell\"", "\"marker-log\""}) {
    EXPECT_TRUE(
        lands_on(lookup(a, token), original_position("../../original/greet.ts", original, token)))
        << token;
  }
  EXPECT_EQ(asset(m->after, "js/bundle.js.map").map_of, "js/bundle.js");
}

TEST(Minify, ComposedMapStaysTrueAfterLinkShiftsIt) {
  auto m = minify_fixture("app");
  const Asset& a = asset(m->after, "js/bundle.js");
  std::string original = read(fixtures_dir() / "minify/original/greet.ts");
  // What the link stage does: a reference before the tokens, on the same
  // line, gets a longer name.
  size_t at = a.bytes.find("marker-farewell");
  ASSERT_NE(at, std::string::npos);
  std::vector<sm::TextEdit> edits = {{at, 6, "marker-0123456789abcdef"}};
  auto shifted = sm::shift_for_edits(*a.source_map, a.bytes, edits);
  ASSERT_TRUE(shifted.ok()) << shifted.error();
  std::string edited = a.bytes;
  edited.replace(at, 6, "marker-0123456789abcdef");
  auto [line, col] = position_of(edited, "\"marker-log\"");
  auto got = sm::lookup(*shifted, line, col);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(
      lands_on(*got, original_position("../../original/greet.ts", original, "\"marker-log\"")));
}

TEST(Minify, InlineInputMapIsComposed) {
  TempDir dir;
  write(dir / "in/lib/bundle.js", read(fixtures_dir() / "minify/app/js/bundle.js"));
  std::string map = read(fixtures_dir() / "minify/app/js/bundle.js.map");
  // base64 of the map, as bundlers write inline maps.
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string enc;
  for (size_t i = 0; i < map.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(map[i])) << 16;
    if (i + 1 < map.size()) n |= uint32_t(uint8_t(map[i + 1])) << 8;
    if (i + 2 < map.size()) n |= uint8_t(map[i + 2]);
    enc += b64[(n >> 18) & 63];
    enc += b64[(n >> 12) & 63];
    enc += i + 1 < map.size() ? b64[(n >> 6) & 63] : '=';
    enc += i + 2 < map.size() ? b64[n & 63] : '=';
  }
  std::string js = read(dir / "in/lib/bundle.js");
  js.replace(js.find("bundle.js.map"), 13, "data:application/json;base64," + enc);
  write(dir / "in/lib/bundle.js", js);
  Options o = minify_options(dir / "in");
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  EXPECT_EQ(diags.warning_count(), 0u) << all_messages(diags);
  const Asset& a = asset(assets, "lib/bundle.js");
  EXPECT_THAT(a.bytes, Not(HasSubstr("sourceMappingURL")));
  std::string original = read(fixtures_dir() / "minify/original/greet.ts");
  EXPECT_TRUE(lands_on(lookup(a, "\"marker-log\""),
                       original_position("../../original/greet.ts", original, "\"marker-log\"")));
}

TEST(Minify, MissingInputMapIsAWarningAndTheMapStopsAtTheFile) {
  TempDir dir;
  write(dir / "in/a.js",
        "function hello(name) {\n  return \"marker-hi \" + name;\n}\n"
        "hello(\"x\");\n//# sourceMappingURL=gone.js.map\n");
  Options o = minify_options(dir / "in");
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  EXPECT_EQ(diags.error_count(), 0u);
  EXPECT_THAT(all_messages(diags),
              HasSubstr("a.js: warning: its sourceMappingURL names gone.js.map"));
  const Asset& a = asset(assets, "a.js");
  EXPECT_THAT(a.bytes, Not(HasSubstr("sourceMappingURL")));
  EXPECT_TRUE(lands_on(lookup(a, "\"marker-hi \""),
                       original_position("a.js", read(dir / "in/a.js"), "\"marker-hi \"")));
}

TEST(Minify, BrokenInputMapIsAWarningNamingIt) {
  TempDir dir;
  write(dir / "in/a.js", "console.log(\"marker\", 1 + 2);\n//# sourceMappingURL=a.js.map\n");
  write(dir / "in/a.js.map", R"({"version":3,"sources":["x"],"mappings":"!!"})");
  Options o = minify_options(dir / "in");
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  EXPECT_EQ(diags.error_count(), 0u);
  EXPECT_THAT(all_messages(diags), HasSubstr("a.js.map: warning: cannot use this source map"));
  EXPECT_EQ(asset(assets, "a.js.map").map_of, "");  // not consumed: still emitted as is
  ASSERT_TRUE(asset(assets, "a.js").source_map.has_value());
}

TEST(Minify, SourcemapNoneDropsMapsAndComments) {
  auto m = minify_fixture("app", [](Options& o) { o.sourcemap = SourceMapMode::None; });
  EXPECT_EQ(m->diags.error_count(), 0u) << all_messages(m->diags);
  for (const auto& a : m->after) {
    EXPECT_FALSE(a.source_map.has_value()) << a.logical;
    if (a.kind == FileKind::Js || a.kind == FileKind::Css) {
      EXPECT_THAT(a.bytes, Not(HasSubstr("sourceMappingURL"))) << a.logical;
    }
  }
  EXPECT_EQ(asset(m->after, "js/bundle.js.map").map_of, "js/bundle.js");
  // Same code as with maps.
  auto with_maps = minify_fixture("app");
  EXPECT_EQ(asset(m->after, "js/app.js").bytes, asset(with_maps->after, "js/app.js").bytes);
}

TEST(Minify, OneBrokenFileInABatchDoesNotBlockTheOthers) {
  auto m = minify_fixture("broken");
  ASSERT_EQ(m->diags.error_count(), 2u) << all_messages(m->diags);
  auto d = m->diags.sorted();
  // js/broken.js:4:13 "let value = ;" — the ';' is column 13.
  EXPECT_EQ(d[0].file, "css/broken.css");
  EXPECT_EQ(d[0].line, 4);
  EXPECT_THAT(d[0].message, HasSubstr("lightningcss"));
  EXPECT_THAT(d[0].message, HasSubstr("InvalidMediaQuery"));
  EXPECT_EQ(d[1].file, "js/broken.js");
  EXPECT_EQ(d[1].line, 4);
  EXPECT_EQ(d[1].column, 13);
  EXPECT_THAT(d[1].message, HasSubstr("esbuild: Unexpected \";\""));
  EXPECT_THAT(d[1].message, HasSubstr("--keep-going"));
  EXPECT_LT(asset(m->after, "js/good.js").bytes.size(),
            asset(m->before, "js/good.js").bytes.size());
  EXPECT_LT(asset(m->after, "css/good.css").bytes.size(),
            asset(m->before, "css/good.css").bytes.size());
  EXPECT_EQ(asset(m->after, "js/broken.js").bytes, asset(m->before, "js/broken.js").bytes);
}

TEST(Minify, ManyFilesWithSeveralBrokenOnesInOneBatch) {
  TempDir dir;
  for (int i = 0; i < 60; ++i) {
    std::string body = fmt::format(
        "function f{0}(argument{0}) {{\n  return argument{0} * {0};\n}}\n"
        "console.log(\"marker-{0}\", f{0}({0}));\n",
        i);
    if (i % 17 == 5) body += "if (\n";  // broken: 5, 22, 39, 56
    write(dir / fmt::format("in/d{}/f{:02}.js", i % 3, i), body);
  }
  Options o = minify_options(dir / "in");
  o.keep_going = true;
  auto before = load_tree(o);
  auto after = before;
  Diagnostics diags;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);  // one batch
    transform::minify(after, o, diags);
  }
  EXPECT_EQ(diags.error_count(), 0u);
  std::vector<std::string> warned;
  for (const auto& d : diags.sorted()) warned.push_back(d.file);
  EXPECT_EQ(warned, (std::vector<std::string>{"d0/f39.js", "d1/f22.js", "d2/f05.js", "d2/f56.js"}));
  for (size_t i = 0; i < after.size(); ++i) {
    bool broken = std::find(warned.begin(), warned.end(), after[i].logical) != warned.end();
    if (broken) {
      EXPECT_EQ(after[i].bytes, before[i].bytes);  // kept as it was
    } else {
      EXPECT_LT(after[i].bytes.size(), before[i].bytes.size()) << after[i].logical;
    }
  }
}

TEST(Minify, ReproducibleAtAnyParallelism) {
  std::vector<std::vector<Asset>> runs;
  for (int threads : {1, 2, 4}) {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, size_t(threads));
    auto m = minify_fixture("app");
    runs.push_back(m->after);
  }
  for (size_t r = 1; r < runs.size(); ++r) {
    for (size_t i = 0; i < runs[0].size(); ++i) {
      EXPECT_EQ(runs[r][i].bytes, runs[0][i].bytes) << runs[0][i].logical;
      EXPECT_EQ(runs[r][i].source_map, runs[0][i].source_map) << runs[0][i].logical;
    }
  }
}

TEST(Minify, CssTargetsComeFromTheNearestPackageJson) {
  TempDir dir;
  write(dir / "package.json", R"({"name":"site","browserslist":["safari 6","ie 10"]})");
  // A long comment, so that even with prefixes the result is smaller.
  write(dir / "dist/a.css", "/* " + std::string(300, '-') +
                                " */\n.marker-flex {\n  display: flex;\n  user-select: none;\n}\n");
  Options o = minify_options(dir / "dist");
  o.css_targets.clear();
  EXPECT_EQ(transform::css_targets(o), "safari 6, ie 10");
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  EXPECT_EQ(diags.error_count(), 0u) << all_messages(diags);
  // Old targets: lightningcss adds vendor prefixes.
  EXPECT_THAT(asset(assets, "a.css").bytes, HasSubstr("-webkit-"));
  o.css_targets = "chrome 120";
  auto modern = load_tree(o);
  transform::minify(modern, o, diags);
  EXPECT_THAT(asset(modern, "a.css").bytes, Not(HasSubstr("-webkit-")));
  // Without package.json: defaults.
  TempDir bare;
  Options b;
  b.input = bare.path();
  EXPECT_EQ(transform::css_targets(b), "defaults");
}

TEST(Minify, BadTargetsStopTheBuildOnceWithAClearMessage) {
  try {
    minify_fixture("app", [](Options& o) { o.js_target = "es1999"; });
    FAIL() << "no Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("esbuild rejects the options"));
    EXPECT_THAT(e.what(), HasSubstr("es1999"));
  }
  try {
    minify_fixture("app", [](Options& o) { o.css_targets = "not a ((query"; });
    FAIL() << "no Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("browserslist query \"not a ((query\""));
  }
}

// An independent oracle: esbuild itself composes input maps when it finds the
// .map beside the file. Build a real bundle with a map (esbuild's own JS API
// module from the pinned package), minify it through assetpipe, and check that
// every position esbuild's composed map knows maps to the same original
// line:column in ours.
TEST(Minify, ComposedMapAgreesWithEsbuildsOwn) {
  TempDir dir;
  std::string esbuild = node_bin("esbuild");
  std::string lib = std::string(ASSETPIPE_NODE_BIN) + "/../esbuild/lib/main.js";
  auto r = run_program({esbuild, lib, "--bundle", "--platform=node", "--sourcemap",
                        "--log-level=error", "--outfile=" + (dir / "in/js/main.js").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // esbuild's composition of the same input (flags as assetpipe uses them).
  r = run_program({esbuild, (dir / "in/js/main.js").string(), "--minify", "--target=es2020",
                   "--legal-comments=inline", "--charset=utf8", "--sourcemap=external",
                   "--log-level=error", "--outfile=" + (dir / "oracle/main.js").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto oracle = sm::decode(read(dir / "oracle/main.js.map"));
  ASSERT_TRUE(oracle.ok()) << oracle.error();

  Options o = minify_options(dir / "in");
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  ASSERT_EQ(diags.warning_count() + diags.error_count(), 0u) << all_messages(diags);
  const Asset& a = asset(assets, "js/main.js");
  EXPECT_EQ(a.bytes, read(dir / "oracle/main.js"));  // same code
  EXPECT_EQ(asset(assets, "js/main.js.map").map_of, "js/main.js");
  auto ours = sm::decode(*a.source_map);
  ASSERT_TRUE(ours.ok()) << ours.error();
  size_t checked = 0;
  for (size_t line = 0; line < oracle->lines.size(); ++line) {
    for (const auto& seg : oracle->lines[line]) {
      if (seg.source < 0) continue;
      auto got = sm::lookup(*ours, int(line), seg.column);
      ASSERT_TRUE(got.has_value()) << line << ":" << seg.column;
      ASSERT_EQ(std::make_pair(got->line, got->column), std::make_pair(seg.line, seg.source_column))
          << "generated " << line << ":" << seg.column;
      EXPECT_EQ(fs::path(got->source).filename(),
                fs::path(oracle->sources[size_t(seg.source)]).filename());
      ++checked;
    }
  }
  EXPECT_GT(checked, 5000u);
}

// Names are data: files called like flags, with '=', spaces, quotes or
// non-ASCII are minified like any other (the tools only see in/<n>.js).
TEST(Minify, HostileNamesNeverReachTheTools) {
  TempDir dir;
  std::vector<std::string> names = {
      "-dash-first.js", "--outdir=x.js",           "x=y.mjs", "caf\xc3\xa9 \xe2\x98\x95.js",
      "quote\"d.cjs",   "dir with space/$HOME.js", "-d.css",  "semi;colon.css"};
  for (const auto& n : names) {
    write(dir / "in" / n, n.ends_with(".css")
                              ? ".marker {\n  color: #ff0000;\n}\n"
                              : "function hello(name) {\n  console.log(\"marker\", name);\n}\n"
                                "hello(1);\n");
  }
  Options o = minify_options(dir / "in");
  auto before = load_tree(o);
  auto after = before;
  Diagnostics diags;
  transform::minify(after, o, diags);
  EXPECT_EQ(diags.error_count() + diags.warning_count(), 0u) << all_messages(diags);
  ASSERT_EQ(after.size(), names.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_LT(after[i].bytes.size(), before[i].bytes.size()) << after[i].logical;
    ASSERT_TRUE(after[i].source_map.has_value());
    EXPECT_EQ(nlohmann::json::parse(*after[i].source_map)["sources"][0],
              fs::path(after[i].logical).filename().string());
  }
}

TEST(Minify, InvalidUtf8IsLeftAloneWithAWarning) {
  TempDir dir;
  std::string latin1 = "var s = \"caf\xe9 na\xefve\";\nconsole.log(s, s.length);\n";
  write(dir / "in/legacy.js", latin1);
  write(dir / "in/ok.js", "var message = \"ok\";\nconsole.log(message, message.length);\n");
  Options o = minify_options(dir / "in");
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  ASSERT_EQ(diags.warning_count(), 1u);
  EXPECT_EQ(diags.sorted()[0].file, "legacy.js");
  EXPECT_THAT(diags.sorted()[0].message, HasSubstr("not valid UTF-8"));
  EXPECT_EQ(asset(assets, "legacy.js").bytes, latin1);  // byte for byte
  EXPECT_LT(asset(assets, "ok.js").bytes.size(), read(dir / "in/ok.js").size());
}
