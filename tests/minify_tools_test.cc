// Finding the tools, and what minify does when a tool crashes, hangs, writes
// garbage or is missing (stub tools written by the test), and the CLI end to end.
#include <sys/stat.h>

#include <chrono>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <nlohmann/json.hpp>

#include "minify_support.h"
#include "transform/minify.h"
#include "transform/minify_comments.h"
#include "transform/minify_esbuild.h"
#include "transform/minify_lightningcss.h"
#include "transform/tools.h"
#include "util/interrupt.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// A shell-script stand-in for a tool: answers --version, accepts the one
// option check (a call without output files), and runs `body` otherwise.
// Every call is logged to <dir>/calls.
fs::path write_stub(const TempDir& dir, const std::string& name, const std::string& body) {
  fs::path p = dir / name;
  write(p, fmt::format(R"(#!/bin/sh
echo "$*" >> "{0}/calls"
if [ "$1" = "--version" ]; then echo "{1} 9.9.9-stub"; exit 0; fi
case "$*" in *--outdir=out*|*" -o "*) ;; *) exit 0 ;; esac
{2}
)",
                       dir.path().string(), name, body));
  ::chmod(p.c_str(), 0755);
  return p;
}

// Stub esbuild that "minifies" by deleting spaces, writing a valid map, and
// fails (exit 1, no message) when any file of the batch contains BROKEN.
const char* kPickyEsbuild = R"(
if grep -q BROKEN in/*; then echo "something failed" >&2; exit 1; fi
mkdir -p out
for arg in "$@"; do
  case "$arg" in
    *=in/*) name=${arg%%=*}; tr -d ' ' < "${arg#*=}" > "out/$name.js"
            echo '{"version":3,"sources":["x"],"names":[],"mappings":"AAAA"}' > "out/$name.js.map" ;;
  esac
done
)";

size_t batch_calls(const TempDir& dir) {
  std::string calls = read(dir / "calls");
  size_t n = 0;
  for (size_t at = 0; (at = calls.find("--outdir=out", at)) != std::string::npos; ++at) ++n;
  return n;
}

struct Run {
  std::vector<Asset> before, after;
  Diagnostics diags;
  double seconds = 0;
};

std::unique_ptr<Run> minify_js_files(const TempDir& dir, int count, const fs::path& esbuild,
                                     const std::function<void(Options&)>& tweak = {},
                                     const std::set<int>& broken = {}) {
  for (int i = 0; i < count; ++i) {
    write(dir / fmt::format("in/f{}.js", i), fmt::format("console.log( 'file {}' , 1 + 2 );{}\n", i,
                                                         broken.count(i) ? " BROKEN" : ""));
  }
  Options o = minify_options(dir / "in");
  o.esbuild = esbuild.string();
  if (tweak) tweak(o);
  auto r = std::make_unique<Run>();
  r->before = load_tree(o);
  r->after = r->before;
  auto t = std::chrono::steady_clock::now();
  transform::minify(r->after, o, r->diags);
  r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  return r;
}

}  // namespace

TEST(MinifyTools, CandidatesFollowTheDocumentedOrder) {
  TempDir dir;
  Options o;
  o.input = dir / "proj/dist";
  auto c = transform::tool_candidates(transform::ToolKind::Esbuild, o);
  ASSERT_GE(c.size(), 3u);
  // cwd ancestors, then input ancestors, then the pinned copy, then PATH.
  auto first_with = [&](const std::string& what) {
    for (size_t i = 0; i < c.size(); ++i) {
      if (c[i].second.find(what) != std::string::npos) return i;
    }
    return c.size();
  };
  size_t cwd = first_with("above " + fs::current_path().string());
  size_t input = first_with("above " + (dir / "proj/dist").string());
  size_t pinned = first_with("pinned");
  size_t path = first_with("PATH");
  EXPECT_LT(cwd, input);
  EXPECT_LT(input, pinned);
  EXPECT_LT(pinned, path);
  EXPECT_EQ(c[input].first, dir / "proj/dist/node_modules/.bin/esbuild");
  EXPECT_EQ(c[input + 1].first, dir / "proj/node_modules/.bin/esbuild");
  EXPECT_EQ(c[pinned].first, fs::path(ASSETPIPE_SOURCE_DIR) / "node_modules/.bin/esbuild");
  // Then above the binary itself (installed from npm it is
  // node_modules/@assetpipe/linux-x64/bin/assetpipe) and the assetpipe
  // package's own node_modules/.bin, before PATH.
  fs::path exe_dir = fs::read_symlink("/proc/self/exe").parent_path();
  size_t beside = first_with("above the binary in " + exe_dir.string());
  size_t nested = first_with("assetpipe npm package");
  EXPECT_LT(pinned, beside);
  EXPECT_LT(beside, nested);
  EXPECT_LT(nested, path);
  EXPECT_EQ(c[beside].first, exe_dir / "node_modules/.bin/esbuild");
  EXPECT_EQ(c[beside + 1].first, exe_dir.parent_path() / "node_modules/.bin/esbuild");
  EXPECT_EQ(c[nested].first, exe_dir.parent_path().parent_path().parent_path() /
                                 "assetpipe/node_modules/.bin/esbuild");
  // An explicit choice is the only candidate.
  o.esbuild = "/opt/esbuild";
  c = transform::tool_candidates(transform::ToolKind::Esbuild, o);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].first, "/opt/esbuild");
}

TEST(MinifyTools, RecordsTheVersions) {
  Options o = minify_options("/nonexistent");
  auto esbuild = transform::find_tool(transform::ToolKind::Esbuild, o);
  ASSERT_TRUE(esbuild.ok()) << esbuild.error();
  EXPECT_EQ(esbuild->version, "0.28.2");  // what package.json pins
  EXPECT_EQ(esbuild->found_by, "--esbuild/ASSETPIPE_ESBUILD");
  auto css = transform::find_tool(transform::ToolKind::Lightningcss, o);
  ASSERT_TRUE(css.ok()) << css.error();
  EXPECT_THAT(css->version, HasSubstr("lightningcss-cli 1.33.0"));
  TempDir dir;
  o.esbuild = write_stub(dir, "esbuild", "exit 0").string();
  EXPECT_EQ(transform::find_tool(transform::ToolKind::Esbuild, o)->version, "9.9.9-stub");
}

TEST(MinifyTools, MissingToolStopsTheBuildWithTheFix) {
  TempDir dir;
  try {
    minify_js_files(dir, 2, dir / "no-such-esbuild");
    FAIL() << "no Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no-such-esbuild"));
    EXPECT_THAT(e.what(), HasSubstr("npm i -D esbuild lightningcss-cli"));
    EXPECT_THAT(e.what(), HasSubstr("--no-minify"));
  }
  // A tool that does not answer --version is as good as missing.
  write(dir / "broken-tool", "#!/bin/sh\nexit 3\n");
  ::chmod((dir / "broken-tool").c_str(), 0755);
  try {
    minify_js_files(dir, 2, dir / "broken-tool");
    FAIL() << "no Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("--version` exited with status 3"));
    EXPECT_THAT(e.what(), HasSubstr("npm i -D esbuild lightningcss-cli"));
  }
}

TEST(MinifyTools, SplitAndRetryIsolatesAFileTheToolDoesNotName) {
  TempDir dir;
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);  // one batch of 8
  auto r = minify_js_files(dir, 8, write_stub(dir, "esbuild", kPickyEsbuild), {}, {5});
  ASSERT_EQ(r->diags.error_count(), 1u) << all_messages(r->diags);
  auto d = r->diags.sorted()[0];
  EXPECT_EQ(d.file, "f5.js");
  EXPECT_THAT(d.message, HasSubstr("esbuild exited with status 1: something failed"));
  for (size_t i = 0; i < r->after.size(); ++i) {
    if (r->after[i].logical == "f5.js") continue;
    EXPECT_THAT(r->after[i].bytes, Not(HasSubstr(" "))) << r->after[i].logical;
  }
  // 8 -> 4+4 -> (2+2) + ok -> (1+1) + ok: 1 + 2 + 2 + 2 = 7 batch runs.
  EXPECT_EQ(batch_calls(dir), 7u);
}

TEST(MinifyTools, CrashIsReportedForEveryFile) {
  TempDir dir;
  auto r = minify_js_files(dir, 3, write_stub(dir, "esbuild", "kill -SEGV $$"));
  ASSERT_EQ(r->diags.error_count(), 3u);
  for (const auto& d : r->diags.sorted()) {
    EXPECT_THAT(d.message, HasSubstr("esbuild crashed (signal 11"));
  }
  for (size_t i = 0; i < r->after.size(); ++i) EXPECT_EQ(r->after[i].bytes, r->before[i].bytes);
}

TEST(MinifyTools, HangIsKilledAtTheTimeoutWithoutSplitting) {
  TempDir dir;
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  auto r = minify_js_files(dir, 4, write_stub(dir, "esbuild", "sleep 60"), [](Options& o) {
    o.tool_timeout_seconds = 1;
    o.keep_going = true;
  });
  EXPECT_LT(r->seconds, 10.0);
  EXPECT_EQ(batch_calls(dir), 1u);
  ASSERT_EQ(r->diags.warning_count(), 4u);
  for (const auto& d : r->diags.sorted()) {
    EXPECT_THAT(d.message, HasSubstr("esbuild timed out after 1 s"));
    EXPECT_THAT(d.message, HasSubstr("emitted unminified (--keep-going)"));
  }
  for (size_t i = 0; i < r->after.size(); ++i) EXPECT_EQ(r->after[i].bytes, r->before[i].bytes);
}

TEST(MinifyTools, GarbageIsAnErrorNotAResult) {
  TempDir dir;
  auto r = minify_js_files(dir, 2, write_stub(dir, "esbuild", "echo '%%% garbage'; exit 0"));
  ASSERT_EQ(r->diags.error_count(), 2u);
  EXPECT_THAT(r->diags.sorted()[0].message, HasSubstr("wrote no output for this file"));

  TempDir dir2;
  auto bad_map = R"(
mkdir -p out
for arg in "$@"; do
  case "$arg" in *=in/*) n=${arg%%=*}; echo "x" > out/$n.js; echo "{not json" > out/$n.js.map ;; esac
done)";
  auto r2 = minify_js_files(dir2, 2, write_stub(dir2, "esbuild", bad_map));
  ASSERT_EQ(r2->diags.error_count(), 2u);
  EXPECT_THAT(r2->diags.sorted()[0].message, HasSubstr("broken source map"));
  for (size_t i = 0; i < r2->after.size(); ++i) EXPECT_EQ(r2->after[i].bytes, r2->before[i].bytes);
}

TEST(MinifyTools, LightningcssAbortNamesTheFile) {
  TempDir dir;
  fs::path stub = write_stub(dir, "lightningcss", R"(
echo "thread 'main' panicked at src/main.rs:196:45:" >&2
echo 'called `Result::unwrap()` on an `Err` value: Error { kind: UnexpectedToken(CurlyBracketBlock), loc: Some(ErrorLocation { filename: "in/0.css", line: 2, column: 7 }) }' >&2
kill -ABRT $$)");
  write(dir / "in/css/a.css", ".a { color: red; }\n");
  Options o = minify_options(dir / "in");
  o.lightningcss = stub.string();
  auto assets = load_tree(o);
  Diagnostics diags;
  transform::minify(assets, o, diags);
  ASSERT_EQ(diags.error_count(), 1u);
  auto d = diags.sorted()[0];
  EXPECT_EQ(d.file, "css/a.css");
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 7);
  EXPECT_THAT(d.message, HasSubstr("lightningcss crashed (signal 6"));
  EXPECT_THAT(d.message, HasSubstr("UnexpectedToken(CurlyBracketBlock)"));
}

TEST(MinifyTools, ParsesEsbuildErrors) {
  std::string err =
      "\xE2\x9C\x98 [ERROR] Unexpected \";\"\n\n    in/12.js:4:12:\n      4 \xE2\x94\x82 let value "
      "= ;\n"
      "        \xE2\x95\xB5             ^\n\n"
      "\xE2\x9C\x98 [ERROR] Expected \")\" but found end of file\n\n    in/3.mjs:1:4:\n\n"
      "2 errors\n";
  bool unattributed = true;
  auto e = transform::parse_esbuild_errors(err, &unattributed);
  EXPECT_FALSE(unattributed);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].index, 12u);
  EXPECT_EQ(e[0].message, "Unexpected \";\"");
  EXPECT_EQ(e[0].line, 4);
  EXPECT_EQ(e[0].column, 13);
  EXPECT_EQ(e[1].index, 3u);
  transform::parse_esbuild_errors("\xE2\x9C\x98 [ERROR] Could not resolve\n", &unattributed);
  EXPECT_TRUE(unattributed);
}

TEST(MinifyComments, FindsAndStripsTheTrailingComment) {
  using transform::find_map_comment;
  auto c = find_map_comment("a();\n//# sourceMappingURL=a.js.map\n\n", FileKind::Js);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->url, "a.js.map");
  EXPECT_EQ(c->offset, 5u);
  EXPECT_EQ(find_map_comment("a();\n//@ sourceMappingURL=old.map", FileKind::Js)->url, "old.map");
  EXPECT_EQ(find_map_comment("a{}\n/*# sourceMappingURL=a.css.map */", FileKind::Css)->url,
            "a.css.map");
  // Only at the end; CSS has no line comments; code after it means it is not the comment.
  EXPECT_FALSE(find_map_comment("//# sourceMappingURL=a.map\nb();", FileKind::Js));
  EXPECT_FALSE(find_map_comment("a{}\n//# sourceMappingURL=a.map", FileKind::Css));
  EXPECT_FALSE(find_map_comment("s = '//# sourceMappingURL=x y'", FileKind::Js));
  EXPECT_EQ(transform::strip_map_comment("a();\n//# sourceMappingURL=a.js.map\n", FileKind::Js),
            "a();\n");
}

TEST(MinifyComments, ResolvesMapUrls) {
  using transform::resolve_map_url;
  EXPECT_EQ(resolve_map_url("a.js.map", "js/a.js", "/"), "js/a.js.map");
  EXPECT_EQ(resolve_map_url("../maps/a%20b.map?v=1#x", "js/a.js", "/"), "maps/a b.map");
  EXPECT_EQ(resolve_map_url("/maps/a.map", "js/a.js", "/"), "maps/a.map");
  EXPECT_EQ(resolve_map_url("/app/maps/a.map", "js/a.js", "/app/"), "maps/a.map");
  EXPECT_FALSE(resolve_map_url("../../outside.map", "js/a.js", "/"));
  EXPECT_FALSE(resolve_map_url("https://cdn.example.com/a.map", "js/a.js", "/"));
  EXPECT_FALSE(resolve_map_url("//cdn.example.com/a.map", "js/a.js", "/"));
  EXPECT_FALSE(resolve_map_url("data:application/json;base64,e30=", "js/a.js", "/"));
  EXPECT_EQ(transform::decode_data_url("data:application/json;charset=utf-8;base64,eyJhIjoxfQ=="),
            "{\"a\":1}");
  EXPECT_EQ(transform::decode_data_url("data:application/json,%7B%7D"), "{}");
  EXPECT_FALSE(transform::decode_data_url("data:text/plain;base64,eyJhIjoxfQ=="));
}

// --- the CLI, end to end ---

namespace {

std::vector<std::string> build_args(const fs::path& in, const fs::path& out) {
  return {"build",
          in.string(),
          "-o",
          out.string(),
          "--esbuild",
          node_bin("esbuild"),
          "--lightningcss",
          node_bin("lightningcss"),
          "--css-targets",
          "defaults"};
}

std::string find_output(const std::map<std::string, std::string>& tree, const std::string& prefix,
                        const std::string& suffix) {
  for (const auto& [path, bytes] : tree) {
    if (path.starts_with(prefix) && path.ends_with(suffix)) return path;
  }
  return "";
}

}  // namespace

TEST(MinifyCli, BuildsMinifiedFilesAndTheirMaps) {
  TempDir dir;
  copy_fixture("minify/app", dir / "in");
  auto r = run_assetpipe(build_args(dir / "in", dir / "out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto tree = snapshot(dir / "out");
  std::string app = find_output(tree, "js/app.", ".js");
  ASSERT_FALSE(app.empty());
  EXPECT_THAT(tree[app], HasSubstr("/*! app.js v1.2.3"));
  EXPECT_LT(tree[app].size(), read(dir / "in/js/app.js").size());
  EXPECT_TRUE(tree.count(app + ".map")) << app;
  auto map = nlohmann::json::parse(tree[app + ".map"]);
  EXPECT_EQ(map["sources"], nlohmann::json::array({"app.js"}));
  // The input map of bundle.js lives on in bundle's map, not on its own.
  std::string bundle = find_output(tree, "js/bundle.", ".js");
  ASSERT_TRUE(tree.count(bundle + ".map"));
  EXPECT_THAT(tree[bundle + ".map"], HasSubstr("original/greet.ts"));
  size_t bundle_maps = 0;
  for (const auto& [path, bytes] : tree)
    bundle_maps += path.starts_with("js/bundle.") && path.ends_with(".map");
  EXPECT_EQ(bundle_maps, 1u);
  EXPECT_EQ(tree["assets/index-BkX3s9fa.js"], read(dir / "in/assets/index-BkX3s9fa.js"));
}

TEST(MinifyCli, BrokenFileFailsTheBuildNamingIt) {
  TempDir dir;
  copy_fixture("minify/broken", dir / "in");
  auto r = run_assetpipe(build_args(dir / "in", dir / "out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("js/broken.js:4:13: error: esbuild: Unexpected \";\""));
  EXPECT_THAT(r.err, HasSubstr("css/broken.css:4:"));
  EXPECT_FALSE(fs::exists(dir / "out"));
  auto args = build_args(dir / "in", dir / "out");
  args.push_back("--keep-going");
  r = run_assetpipe(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("js/broken.js:4:13: warning:"));
  auto tree = snapshot(dir / "out");
  EXPECT_EQ(tree[find_output(tree, "js/broken.", ".js")], read(dir / "in/js/broken.js"));
}

TEST(MinifyCli, MissingToolSaysHowToGetItAndNoMinifySkips) {
  TempDir dir;
  copy_fixture("minify/app", dir / "in");
  auto r = run_assetpipe({"build", (dir / "in").string(), "-o", (dir / "out").string()},
                         {{"ASSETPIPE_ESBUILD", (dir / "nope").string()}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("npm i -D esbuild lightningcss-cli"));
  EXPECT_THAT(r.err, HasSubstr("--no-minify"));
  EXPECT_FALSE(fs::exists(dir / "out"));
  r = run_assetpipe({"build", (dir / "in").string(), "-o", (dir / "out").string(), "--no-minify"},
                    {{"ASSETPIPE_ESBUILD", (dir / "nope").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto tree = snapshot(dir / "out");
  EXPECT_EQ(tree[find_output(tree, "js/app.", ".js")], read(dir / "in/js/app.js"));
}

TEST(MinifyCli, VersionVerbosePrintsTheTools) {
  auto r =
      run_assetpipe({"--version", "-v"}, {{"ASSETPIPE_ESBUILD", node_bin("esbuild")},
                                          {"ASSETPIPE_LIGHTNINGCSS", node_bin("lightningcss")}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("esbuild 0.28.2 ("));
  EXPECT_THAT(r.out, HasSubstr("lightningcss 1.0.0-alpha.72 (lightningcss-cli 1.33.0)"));
}

TEST(MinifyCli, SameOutputAtAnyJobs) {
  TempDir dir;
  copy_fixture("minify/app", dir / "in");
  auto a1 = build_args(dir / "in", dir / "out1");
  a1.insert(a1.end(), {"-j", "1"});
  auto a2 = build_args(dir / "in", dir / "out2");
  a2.insert(a2.end(), {"-j", "2"});
  ASSERT_EQ(run_assetpipe(a1).exit_code, 0);
  ASSERT_EQ(run_assetpipe(a2).exit_code, 0);
  EXPECT_EQ(snapshot(dir / "out1"), snapshot(dir / "out2"));
}

// Ctrl-C while esbuild runs: the tool's group is killed, the build stops with
// "interrupted" and the scratch folder is gone. Forked, so the global
// interrupt flag does not leak into other tests.
TEST(MinifyToolsDeathTest, InterruptStopsPromptlyAndCleansUp) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempDir dir;
  TempDir scratch;
  EXPECT_EXIT(
      {
        ::setenv("TMPDIR", scratch.path().c_str(), 1);
        util::install_interrupt_handlers();
        auto t = std::chrono::steady_clock::now();
        bool stopped = false;
        try {
          // The stub plays the terminal: it sends SIGINT to assetpipe, then hangs.
          minify_js_files(dir, 3, write_stub(dir, "esbuild", "kill -INT $PPID; sleep 30"));
        } catch (const Error& e) {
          stopped = std::string(e.what()).find("interrupted") != std::string::npos;
        }
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
        bool clean = fs::is_empty(scratch.path());
        std::exit(stopped && clean && s < 10 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}
