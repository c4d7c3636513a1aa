// A bundler's manifest (Vite's .vite/manifest.json, react-scripts'
// asset-manifest.json) is read by backends (vite_ruby, django-vite, Laravel):
// after a build it must name the files as they are in the output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scan/classify.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;

TEST(BundlerManifest, ViteManifestIsRewrittenToTheFinalNames) {
  TempDir t;
  // The shape of Vite 5's manifest (packages/vite/src/node/plugins/manifest.ts).
  write(t / "in/.vite/manifest.json", R"({
  "index.html": {
    "file": "assets/index-BkX3s9fa.js",
    "src": "index.html",
    "isEntry": true,
    "imports": ["_shared-CLDdwZDr.js"],
    "css": ["assets/index-D7LyRg-G.css"],
    "assets": ["assets/logo.png"]
  },
  "_shared-CLDdwZDr.js": {"file": "assets/shared-CLDdwZDr.js"}
})");
  write(t / "in/index.html", R"(<script type="module" src="/assets/index-BkX3s9fa.js"></script>)");
  write(t / "in/assets/index-BkX3s9fa.js", "import './shared-CLDdwZDr.js'; console.log(1);\n");
  write(t / "in/assets/shared-CLDdwZDr.js", "export const x = 1;\n");
  write(t / "in/assets/index-D7LyRg-G.css", ".a { background: url(./logo.png) }\n");
  write(t / "in/assets/logo.png", "not really a png");
  auto r = run_assetpipe({"build", (t / "in").string(), "-o", (t / "out").string(),
                          "--no-images"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = nlohmann::json::parse(read(t / "out/.vite/manifest.json"));
  auto assets = nlohmann::json::parse(read(t / "out/.assetpipe/manifest.json"))["assets"];
  // Vite's fingerprints are kept; the unhashed logo was hashed, and the manifest follows.
  EXPECT_EQ(out["index.html"]["file"], "assets/index-BkX3s9fa.js");
  std::string logo = assets["assets/logo.png"]["file"];
  // The CSS names the logo, so its bytes changed and it was renamed too.
  std::string css = assets["assets/index-D7LyRg-G.css"]["file"];
  EXPECT_NE(css, "assets/index-D7LyRg-G.css");
  EXPECT_EQ(out["index.html"]["css"][0], css);
  EXPECT_NE(logo, "assets/logo.png");
  EXPECT_EQ(out["index.html"]["assets"][0], logo);
  EXPECT_EQ(out["index.html"]["imports"][0], "_shared-CLDdwZDr.js");  // a chunk key, not a file
  EXPECT_EQ(out["index.html"]["src"], "index.html");
  // Every file the manifest names exists in the output.
  for (auto& [key, chunk] : out.items()) {
    EXPECT_TRUE(fs::exists(t / "out" / std::string(chunk["file"]))) << chunk["file"];
  }
}

TEST(BundlerManifest, AssetManifestIsRewritten) {
  TempDir t;
  write(t / "in/asset-manifest.json", R"({
  "files": {"main.css": "/static/css/main.css", "index.html": "/index.html"},
  "entrypoints": ["static/css/main.css"]
})");
  write(t / "in/index.html", R"(<link rel="stylesheet" href="/static/css/main.css">)");
  write(t / "in/static/css/main.css", "body { color: red }\n");
  auto r = run_assetpipe({"build", (t / "in").string(), "-o", (t / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = nlohmann::json::parse(read(t / "out/asset-manifest.json"));
  std::string css = out["files"]["main.css"];
  EXPECT_NE(css, "/static/css/main.css");
  EXPECT_TRUE(fs::exists(t / "out" / css.substr(1))) << css;
  EXPECT_EQ("/" + std::string(out["entrypoints"][0]), css);
  EXPECT_EQ(out["files"]["index.html"], "/index.html");
}

TEST(BundlerManifest, RecognisedByPath) {
  EXPECT_EQ(scan::bundler_manifest(".vite/manifest.json"), scan::BundlerManifest::Vite);
  EXPECT_EQ(scan::bundler_manifest("asset-manifest.json"), scan::BundlerManifest::AssetManifest);
  EXPECT_EQ(scan::bundler_manifest("manifest.json"), scan::BundlerManifest::None);  // a PWA's
  EXPECT_EQ(scan::classify("manifest.json"), FileKind::WebManifest);
  EXPECT_EQ(scan::classify(".vite/manifest.json"), FileKind::Json);
  EXPECT_TRUE(scan::is_build_metadata(".vite/anything"));
  EXPECT_FALSE(scan::is_build_metadata("assets/manifest.json"));
}
