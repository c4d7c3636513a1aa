#include "emit/manifest.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/hash.h"

using assetpipe::Encoding;
using assetpipe::Asset;
using assetpipe::FileKind;
using assetpipe::emit::manifest_json;

namespace {

// What nlohmann writes for the whole document: the manifest is written entry
// by entry, and must read byte for byte as that dump.
std::string canonical(const std::string& text) {
  return nlohmann::json::parse(text).dump(2) + "\n";
}

std::vector<Asset> site() {
  std::vector<Asset> assets(6);
  assets[0].logical = "js/app.js";
  assets[0].output = "js/app.0123456789.js";
  assets[0].kind = FileKind::Js;
  assets[0].source_map = "";
  assets[0].map_digest = assetpipe::Digest{12, assetpipe::util::sha384("the map"), ""};
  assets[0].source_map_encodings = {{Encoding::Codec::Brotli, "", 5}};
  assets[0].encodings = {{Encoding::Codec::Brotli, "", 40}, {Encoding::Codec::Gzip, "", 50}};
  assets[0].imports = {"css/a.css", "img/\xc3\xa9t\xc3\xa9.jpg"};
  assets[1].logical = "js/app.js.map";
  assets[1].kind = FileKind::SourceMap;
  assets[1].map_of = "js/app.js";
  assets[2].logical = "orphan.map";  // its owner has no map: not listed
  assets[2].kind = FileKind::SourceMap;
  assets[2].map_of = "index.html";
  assets[3].logical = "index.html";
  assets[3].output = "index.html";
  assets[3].kind = FileKind::Html;
  assets[3].entry = true;
  assets[3].preloads = {{"js/app.0123456789.js", "/js/app.0123456789.js", "script", "", "sha384-x"},
                        {"f.woff2", "/f.woff2", "font", "font/woff2", ""}};
  assets[4].logical = "img/\xc3\xa9t\xc3\xa9.jpg";
  assets[4].output = "img/\xc3\xa9t\xc3\xa9.abcdefghij.jpg";
  assets[4].kind = FileKind::Jpeg;
  assets[4].variants = {{"avif", "", 10, 8, "", 300}, {"webp", "", 0, 0, "larger than original", 0}};
  assets[5].logical = "a \"quoted\"\\name.txt";
  assets[5].output = assets[5].logical;
  return assets;
}

}  // namespace

TEST(Manifest, WrittenEntryByEntryAsTheWholeDocumentDumps) {
  std::string text = manifest_json(site(), {{"django", "staticfiles.json"}, {"vite", ".vite/manifest.json"}});
  EXPECT_EQ(text, canonical(text));
  auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["frameworks"]["django"], "staticfiles.json");
  EXPECT_EQ(doc["assets"].size(), 5u);
  EXPECT_FALSE(doc["assets"].contains("orphan.map"));
  EXPECT_EQ(doc["assets"]["js/app.js.map"]["file"], "js/app.0123456789.js.map");
  EXPECT_EQ(doc["assets"]["js/app.js.map"]["integrity"], assetpipe::util::sri_sha384("the map"));
  EXPECT_EQ(doc["assets"]["js/app.js.map"]["encodings"]["br"]["size"], 5);
  EXPECT_EQ(doc["assets"]["js/app.js"]["map"], "js/app.0123456789.js.map");
  EXPECT_EQ(doc["assets"]["img/\xc3\xa9t\xc3\xa9.jpg"]["variants"]["webp"]["skipped"],
            "larger than original");
  EXPECT_EQ(doc["assets"]["index.html"]["preload"][1]["type"], "font/woff2");
}

TEST(Manifest, EmptyAndWithoutFrameworks) {
  std::string empty = manifest_json({});
  EXPECT_EQ(empty, canonical(empty));
  EXPECT_EQ(empty, "{\n  \"assets\": {},\n  \"version\": 1\n}\n");
  std::string one = manifest_json({site()[5]});
  EXPECT_EQ(one, canonical(one));
}
