// Files that code names in strings keep their names (issue 12): the patterns
// of real pages that broke — Leaflet finding its marker icons by the bare
// name, an image overlay named in a call, reveal.js's theme switcher in an
// onclick handler, JSON data in HTML — built by the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scan/classify.h"
#include "link/js_scanner.h"
#include "link/html_scanner.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

std::vector<std::string> names_of(const link::ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& n : r.names) out.push_back(n.text);
  return out;
}

}  // namespace

TEST(StringNames, ScannerCollectsFileLikeLiteralsThatAreNotReferences) {
  auto r = link::scan_js(R"(import x from "./dep.js";
const icon = 'marker-icon.png', overlay = "img/kite.jpg?v=1";
const url = new URL("./worker.js", import.meta.url);
const notes = ["a sentence. with dots", "v1.2", "x.y.z", "hello", `tpl/${x}.css`, "data.json"];)");
  EXPECT_THAT(names_of(r), ::testing::ElementsAre("marker-icon.png", "img/kite.jpg?v=1", "v1.2",
                                                  "x.y.z", "data.json"));
  auto h = link::scan_html(
      R"(<a href="#" onclick="document.getElementById('theme').setAttribute('href','css/theme/white.css'); return false">w</a>
<script type="application/json">{"photo": "img/a.jpg"}</script>)");
  EXPECT_THAT(names_of(h), ::testing::ElementsAre("css/theme/white.css", "img/a.jpg"));
  EXPECT_TRUE(h.refs.size() == 1 && h.refs[0].url.text == "#");  // no references from either
}

TEST(StringNames, FilesNamedInStringsKeepTheirNames) {
  TempDir t;
  write(t / "in/index.html", R"(<!doctype html>
<link rel="stylesheet" href="vendor/leaflet.css">
<link rel="stylesheet" id="theme" href="css/theme/black.css">
<a href="#" onclick="document.getElementById('theme').href = 'css/theme/white.css'">white</a>
<a href="#" onclick="document.getElementById('theme').href = 'css/theme/black.css'">black</a>
<script type="application/json" id="data">{"background": "img/bg.png"}</script>
<script src="vendor/leaflet.js"></script>
<script src="js/app.js"></script>
)");
  write(t / "in/vendor/leaflet.css",
        ".leaflet-default-icon-path { background-image: url(images/marker-icon.png); }\n"
        ".x { background: url(images/layers.png); }\n");
  write(t / "in/vendor/leaflet.js",
        "var Icon = { options: { iconUrl: 'marker-icon.png', shadowUrl: 'marker-shadow.png' } };\n");
  write(t / "in/js/app.js", "L.imageOverlay('img/kite.jpg', bounds);\n");
  for (std::string img : {"vendor/images/marker-icon.png", "vendor/images/marker-shadow.png",
                          "vendor/images/layers.png", "img/kite.jpg", "img/bg.png"}) {
    write(t / "in" / img, "not really an image " + img);
  }
  write(t / "in/css/theme/black.css", "body { background: black; }\n");
  write(t / "in/css/theme/white.css", "body { background: white; }\n");
  auto r = run_assetpipe({"build", (t / "in").string(), "-o", (t / "out").string(), "-v",
                          "--no-images"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = nlohmann::json::parse(read(t / "out/.assetpipe/manifest.json"))["assets"];
  for (std::string kept : {"vendor/images/marker-icon.png", "vendor/images/marker-shadow.png",
                           "img/kite.jpg", "img/bg.png", "css/theme/black.css",
                           "css/theme/white.css"}) {
    EXPECT_EQ(m[kept]["file"], kept) << kept;
    EXPECT_EQ(m[kept]["immutable"], false) << kept;  // served as an entry: revalidated
    EXPECT_TRUE(fs::exists(t / "out" / kept)) << kept;
  }
  // What no string names is hashed as before.
  EXPECT_NE(m["vendor/images/layers.png"]["file"], "vendor/images/layers.png");
  EXPECT_NE(m["js/app.js"]["file"], "js/app.js");
  // Leaflet strips "marker-icon.png" off this url() to find its image folder.
  EXPECT_THAT(read(t / "out" / std::string(m["vendor/leaflet.css"]["file"])),
              HasSubstr("url(images/marker-icon.png)"));
  // -v says why, with the string's position.
  EXPECT_THAT(r.out + r.err, HasSubstr("vendor/leaflet.js:1:"));
  EXPECT_THAT(r.out + r.err, HasSubstr("names vendor/images/marker-icon.png, which keeps its name"));
  EXPECT_THAT(r.out + r.err, HasSubstr("index.html:4:"));
}
