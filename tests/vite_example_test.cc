// examples/vite-app end to end: npm ci from its lock file, `npm run build`
// (vite build, then assetpipe build dist -o public), and check the output.
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;

TEST(ViteExample, NpmRunBuildProducesAServableOutput) {
  TempDir tmp;
  fs::path app = tmp / "vite-app";
  fs::path src = fixtures_dir().parent_path() / "examples/vite-app";
  fs::create_directories(app);
  for (const auto& e : fs::directory_iterator(src)) {
    std::string name = e.path().filename().string();
    if (name == "node_modules" || name == "dist" || name == "public") continue;
    fs::copy(e.path(), app / name, fs::copy_options::recursive);
  }
  std::string path = assetpipe_bin().parent_path().string() + ":" + std::getenv("PATH");
  auto ci = run_program({"/usr/bin/env", "-C", app.string(), "npm", "ci", "--no-audit", "--no-fund",
                         "--loglevel=error"});
  ASSERT_EQ(ci.exit_code, 0) << ci.out << ci.err;
  auto build =
      run_program({"/usr/bin/env", "-C", app.string(), "npm", "run", "build"}, {{"PATH", path}});
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  EXPECT_THAT(build.out, ::testing::HasSubstr("assetpipe: "));

  auto manifest = nlohmann::json::parse(read(app / "public/.assetpipe/manifest.json"));
  // Every file Vite wrote is in the manifest and in the output.
  for (auto& [rel, bytes] : snapshot(app / "dist")) {
    ASSERT_TRUE(manifest["assets"].contains(rel)) << rel;
    EXPECT_TRUE(fs::exists(app / "public" / manifest["assets"][rel]["file"].get<std::string>()))
        << rel;
  }
  // Every src/href in the page points at a file in the output.
  std::string html = read(app / "public/index.html");
  std::regex attr(R"re((?:src|href)="(/[^"]+)")re");
  int refs = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), attr), end; it != end; ++it) {
    std::string url = (*it)[1];
    EXPECT_TRUE(fs::exists(app / "public" / url.substr(1))) << url;
    ++refs;
  }
  EXPECT_GE(refs, 3);  // favicon, the entry script, the stylesheet
  // Vite's names are kept; its JS got .br/.gz; its images got variants.
  bool saw_js = false, saw_jpeg = false;
  for (auto& [logical, e] : manifest["assets"].items()) {
    if (logical.starts_with("assets/")) EXPECT_EQ(e["file"], logical);
    if (e["type"] == "js" && e["size"].get<size_t>() > 1000) {
      saw_js = true;
      EXPECT_TRUE(e.contains("encodings")) << logical;
      EXPECT_TRUE(fs::exists(app / "public" / (e["file"].get<std::string>() + ".br"))) << logical;
    }
    if (e["type"] == "jpeg") {
      saw_jpeg = true;
      ASSERT_TRUE(e.contains("variants")) << logical;
      EXPECT_TRUE(fs::exists(app / "public" / e["variants"]["avif"]["file"].get<std::string>()));
    }
  }
  EXPECT_TRUE(saw_js);
  EXPECT_TRUE(saw_jpeg);
  EXPECT_TRUE(fs::exists(app / "public/.assetpipe/nginx/server.conf"));
  // The input (Vite's dist/) is left as Vite wrote it.
  EXPECT_TRUE(fs::exists(app / "dist/index.html"));
}
