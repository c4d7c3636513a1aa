// The link stage through the real binary: a small site and excerpts of real
// published CSS; every reference in the output resolves; changing one image
// renames exactly what reaches it; output is the same at any -j.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "link/output_check.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using assetpipe::link::testing::check_references;

namespace {

// logical path -> output name, from the manifest.
std::map<std::string, std::string> output_names(const fs::path& out) {
  auto m = nlohmann::json::parse(read(out / ".assetpipe/manifest.json"));
  std::map<std::string, std::string> names;
  for (auto& [logical, entry] : m["assets"].items()) names[logical] = entry["file"];
  return names;
}

RunResult build(const fs::path& in, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"build", in.string(), "-o", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_assetpipe(args);
}

void expect_all_references_resolve(const fs::path& out, size_t at_least) {
  auto check = check_references(snapshot(out));
  EXPECT_GE(check.checked, at_least);
  for (const auto& b : check.broken) ADD_FAILURE() << "unresolved in output: " << b;
}

}  // namespace

TEST(LinkEndToEnd, EveryReferenceInTheOutputResolves) {
  // Default options: JS and CSS minified, maps written, images with variants.
  TempDir t;
  copy_fixture("link/site", t / "in");
  auto r = build(t / "in", t / "out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  expect_all_references_resolve(t / "out", 25);
  auto names = output_names(t / "out");
  EXPECT_EQ(names["index.html"], "index.html");
  EXPECT_EQ(names["sw.js"], "sw.js");
  EXPECT_EQ(names["site.webmanifest"], "site.webmanifest");
  EXPECT_NE(names["css/main.css"], "css/main.css");
  // Every map is named after its file, which points at it, and names the file.
  size_t maps = 0;
  for (const auto& [path, bytes] : snapshot(t / "out")) {
    if (!path.ends_with(".map")) continue;
    ++maps;
    std::string file = path.substr(0, path.size() - 4);
    std::string base = fs::path(file).filename().string();
    auto map = nlohmann::json::parse(bytes);
    EXPECT_EQ(map["file"], base) << path;
    EXPECT_NE(read(t / "out" / file).find("sourceMappingURL=" + base + ".map"), std::string::npos)
        << file;
  }
  EXPECT_GE(maps, 5u);
  // A cycle (app.js <-> helper.js) shares one hash.
  auto hash = [](const std::string& n) { return n.substr(n.size() - 13, 10); };
  EXPECT_EQ(hash(names["js/app.js"]), hash(names["js/helper.js"]));
}

TEST(LinkEndToEnd, RewritesTouchOnlyTheReferences) {
  TempDir t;
  copy_fixture("link/site", t / "in");
  auto r = build(t / "in", t / "out", {"--no-minify"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_all_references_resolve(t / "out", 25);
  auto names = output_names(t / "out");
  // Nothing in comments or unrelated strings was touched.
  std::string css = read(t / "out" / names["css/main.css"]);
  EXPECT_NE(css.find("/* url(../img/commented.png) */"), std::string::npos);
  EXPECT_NE(css.find("content: \"url(../img/not-a-reference.png)\""), std::string::npos);
  EXPECT_NE(css.find("url( ../" + names["img/hero.png"] + " ) center"), std::string::npos) << css;
  std::string html = read(t / "out/index.html");
  EXPECT_NE(html.find("<!-- <link rel=\"stylesheet\" href=\"css/commented-out.css\"> -->"),
            std::string::npos);
  EXPECT_NE(html.find("href=\"" + names["css/main.css"] + "?v=3\""), std::string::npos);
  EXPECT_NE(html.find("url(&quot;" + names["img/icon.png"] + "&quot;)"), std::string::npos);
  EXPECT_NE(html.find("<title>assetpipe link fixture &amp; <img src=\"not-a-reference.png\">"),
            std::string::npos);
  // The service worker's importScripts follows the worker's new name.
  EXPECT_EQ(read(t / "out/sw.js"), "importScripts(\"/" + names["js/worker.js"] + "\");\n");
  // Byte for byte the input except for the names.
  std::string in_html = read(t / "in/index.html");
  for (const auto& [logical, name] : names) {
    if (logical == name) continue;
    for (size_t at = 0; (at = in_html.find(logical, at)) != std::string::npos;) {
      in_html.replace(at, logical.size(), name);
      at += name.size();
    }
  }
  EXPECT_EQ(html, in_html);
}

TEST(LinkEndToEnd, ChangingOneImageRenamesExactlyWhatReachesIt) {
  TempDir t;
  copy_fixture("link/site", t / "in");
  ASSERT_EQ(build(t / "in", t / "out1").exit_code, 0);
  // img/icon.png is used by css/base.css (imported by css/main.css), by logo.svg
  // (which js/app.js points at; app.js and helper.js import each other) and by
  // index.html's style attribute.
  fs::copy_file(t / "in/img/hero.png", t / "in/img/icon.png", fs::copy_options::overwrite_existing);
  ASSERT_EQ(build(t / "in", t / "out2").exit_code, 0);
  auto before = output_names(t / "out1"), after = output_names(t / "out2");
  ASSERT_EQ(before.size(), after.size());
  std::set<std::string> renamed;
  for (const auto& [logical, name] : before) {
    if (after[logical] != name) renamed.insert(logical);
  }
  EXPECT_EQ(renamed, (std::set<std::string>{"img/icon.png", "css/base.css", "css/main.css",
                                            "logo.svg", "js/app.js", "js/helper.js"}));
  // Entries keep their names but their bytes follow; the others are unchanged.
  auto snap1 = snapshot(t / "out1"), snap2 = snapshot(t / "out2");
  EXPECT_NE(snap1["index.html"], snap2["index.html"]);
  EXPECT_NE(snap1["about/index.html"], snap2["about/index.html"]);
  EXPECT_EQ(snap1["sw.js"], snap2["sw.js"]);
  EXPECT_EQ(snap1["site.webmanifest"], snap2["site.webmanifest"]);
  for (const auto& [logical, name] : before) {
    if (!renamed.count(logical) && name != logical) {
      EXPECT_EQ(snap1[name], snap2[name]) << name << " kept its name but not its bytes";
    }
  }
  expect_all_references_resolve(t / "out2", 25);
}

TEST(LinkEndToEnd, SameOutputAtAnyJobCount) {
  TempDir t;
  copy_fixture("link/site", t / "in");
  ASSERT_EQ(build(t / "in", t / "a", {"-j", "1"}).exit_code, 0);
  ASSERT_EQ(build(t / "in", t / "b", {"-j", "2"}).exit_code, 0);
  ASSERT_EQ(build(t / "in", t / "c", {"-j", "8"}).exit_code, 0);
  auto a = snapshot(t / "a");
  EXPECT_EQ(a, snapshot(t / "b"));
  EXPECT_EQ(a, snapshot(t / "c"));
}

TEST(LinkEndToEnd, MissingReferenceIsAWarningWithLineAndColumnAndAnErrorUnderStrict) {
  TempDir t;
  write(t / "in/css/a.css", "a{}\nb { background: url(../img/gone.png) }\n");
  write(t / "in/index.html", "<link rel=stylesheet href=\"css/a.css\">");
  auto r = build(t / "in", t / "out");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("css/a.css:2:21: warning:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("img/gone.png"), std::string::npos) << r.err;
  auto out = snapshot(t / "out");
  bool kept = false;
  for (const auto& [path, bytes] : out)
    kept |= bytes.find("url(../img/gone.png)") != std::string::npos;
  EXPECT_TRUE(kept);

  auto strict = build(t / "in", t / "out-strict", {"--strict"});
  EXPECT_NE(strict.exit_code, 0);
  EXPECT_NE(strict.err.find("css/a.css:2:21"), std::string::npos) << strict.err;
  EXPECT_FALSE(fs::exists(t / "out-strict"));
}

TEST(LinkEndToEnd, BaseAndPublicUrl) {
  TempDir t;
  write(t / "in/index.html", "<img src=\"/shop/img/a.png\"><script src=\"js/app.js\"></script>");
  write(t / "in/img/a.png", "not really a png");
  write(t / "in/js/app.js", "new URL(\"../img/a.png\", import.meta.url);");
  auto r =
      build(t / "in", t / "out", {"--base", "/shop/", "--public-url", "https://cdn.example.com/s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto names = output_names(t / "out");
  std::string html = read(t / "out/index.html");
  EXPECT_EQ(html, "<img src=\"https://cdn.example.com/s/" + names["img/a.png"] +
                      "\"><script src=\"https://cdn.example.com/s/" + names["js/app.js"] +
                      "\"></script>");
}

TEST(LinkEndToEnd, ManifestListsImports) {
  TempDir t;
  copy_fixture("link/site", t / "in");
  ASSERT_EQ(build(t / "in", t / "out").exit_code, 0);
  auto m = nlohmann::json::parse(read(t / "out/.assetpipe/manifest.json"));
  EXPECT_EQ(m["assets"]["css/main.css"]["imports"],
            (std::vector<std::string>{"css/base.css", "fonts/body.woff2", "img/hero.png"}));
  EXPECT_EQ(m["assets"]["js/app.js"]["imports"],
            (std::vector<std::string>{"js/helper.js", "js/lazy.js", "js/side-effect.js",
                                      "js/worker.js", "logo.svg"}));
}

TEST(LinkEndToEnd, RealPublishedCssExcerptsResolve) {
  // Excerpts of katex 0.19.1 and @fortawesome/fontawesome-free 7.3.1 (fixtures/link/real-css).
  TempDir t;
  copy_fixture("link/real-css", t / "in");
  auto r = build(t / "in", t / "out", {"--strict"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_all_references_resolve(t / "out", 4 + 9 * 2 + 8 + 4);
  auto names = output_names(t / "out");
  std::string fa = read(t / "out" / names["fontawesome/css/all.min.css"]);
  EXPECT_NE(fa.find("url(../" + names["fontawesome/webfonts/fa-solid-900.woff2"].substr(12) + ")"),
            std::string::npos)
      << fa;
}

TEST(LinkEndToEnd, RealPackagesFromTheCorpusResolve) {
  // The real npm packages bench/setup-corpus unpacks (katex's dist, fontawesome-free).
  fs::path corpus = fixtures_dir().parent_path() / "bench/corpus/site/vendor";
  std::vector<fs::path> roots = {corpus / "katex", corpus / "fontawesome"};
  if (!fs::exists(roots[0]) || !fs::exists(roots[1])) {
    GTEST_SKIP() << "no corpus in " << corpus << " (bench/setup-corpus makes it)";
  }
  for (const auto& root : roots) {
    TempDir t;
    auto r = build(root, t / "out");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_all_references_resolve(t / "out", 10);
  }
}

TEST(LinkEndToEnd, ExampleSiteAndBasicFixtureResolveUnderStrict) {
  for (const fs::path& in :
       {fixtures_dir().parent_path() / "examples/site", fixtures_dir() / "basic"}) {
    TempDir t;
    auto r = build(in, t / "out", {"--strict"});
    ASSERT_EQ(r.exit_code, 0) << in << r.err;
    expect_all_references_resolve(t / "out", 5);
  }
}

TEST(LinkEndToEnd, NonLiteralDynamicImportIsANoteOncePerFileUnderVerbose) {
  TempDir t;
  copy_fixture("link/site", t / "in");
  auto quiet = build(t / "in", t / "out");
  ASSERT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err.find("import() of an expression"), std::string::npos) << quiet.err;
  auto verbose = build(t / "in", t / "out", {"-v"});
  ASSERT_EQ(verbose.exit_code, 0);
  std::string all = verbose.out + verbose.err;
  const std::string note = "js/lazy.js:2:17: note: import() of an expression";
  size_t at = all.find(note);
  ASSERT_NE(at, std::string::npos) << all;
  EXPECT_EQ(all.find("import() of an expression", at + note.size()), std::string::npos)
      << "reported twice";
}
