// The record/payload split: which files are streamed, and what a record
// keeps once its payload is freed.
#include "emit/record.h"

#include <gtest/gtest.h>

#include "link/naming.h"
#include "support/test_support.h"
#include "util/hash.h"

using namespace assetpipe;

namespace {

Asset asset(std::string logical, FileKind kind, uint64_t size = 1000) {
  Asset a;
  a.logical = std::move(logical);
  a.kind = kind;
  a.input_size = size;
  return a;
}

}  // namespace

TEST(Record, WhatNoStageReadsIsStreamed) {
  Options o;
  EXPECT_TRUE(emit::is_streamed(asset("v/clip.mp4", FileKind::Other), o));
  EXPECT_TRUE(emit::is_streamed(asset("f/a.woff2", FileKind::Font), o));
  EXPECT_TRUE(emit::is_streamed(asset("doc.pdf", FileKind::Other), o));
  EXPECT_TRUE(emit::is_streamed(asset("anim.gif", FileKind::OtherImage), o));
  // Read: minified, scanned, a map, an image that gets variants, a text file to compress.
  EXPECT_FALSE(emit::is_streamed(asset("app.js", FileKind::Js), o));
  EXPECT_FALSE(emit::is_streamed(asset("a.css", FileKind::Css), o));
  EXPECT_FALSE(emit::is_streamed(asset("index.html", FileKind::Html), o));
  EXPECT_FALSE(emit::is_streamed(asset("app.js.map", FileKind::SourceMap), o));
  EXPECT_FALSE(emit::is_streamed(asset("p.jpg", FileKind::Jpeg), o));
  EXPECT_FALSE(emit::is_streamed(asset("notes.txt", FileKind::Other), o));
  EXPECT_FALSE(emit::is_streamed(asset("f/a.ttf", FileKind::Font), o));  // compressed
  EXPECT_FALSE(emit::is_streamed(asset("asset-manifest.json", FileKind::Json), o));
  // A text file too big to hold is streamed (and so not precompressed).
  EXPECT_TRUE(emit::is_streamed(asset("log.txt", FileKind::Other, emit::kStreamTextOver + 1), o));
  // Without the stage that would read them.
  Options no_images;
  no_images.images = false;
  EXPECT_TRUE(emit::is_streamed(asset("p.jpg", FileKind::Jpeg), no_images));
  Options no_compress;
  no_compress.compress_br = no_compress.compress_gz = false;
  EXPECT_TRUE(emit::is_streamed(asset("notes.txt", FileKind::Other), no_compress));
}

TEST(Record, StreamedHashIsTheContentHashOfTheBytes) {
  test::TempDir tmp;
  std::string bytes(3 * (1 << 20) + 5, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) >> 3);
  test::write(tmp / "clip.mp4", bytes);
  Asset a = asset("clip.mp4", FileKind::Other, bytes.size());
  a.source_path = (tmp / "clip.mp4").string();
  Options o;
  o.manifest_formats = {"phoenix"};
  auto r = emit::hash_streamed(a, o);
  ASSERT_TRUE(r) << r.error();
  Asset whole;
  whole.bytes = bytes;
  EXPECT_EQ(a.streamed_hash, link::content_hash(whole));
  EXPECT_EQ(a.digest.size, bytes.size());
  EXPECT_EQ(a.digest.integrity(), util::sri_sha384(bytes));
  EXPECT_EQ(a.digest.sha512, util::sha512_base64(bytes));

  // Changed since it was listed: an error naming it.
  a.input_size += 1;
  auto changed = emit::hash_streamed(a, o);
  ASSERT_FALSE(changed);
  EXPECT_NE(changed.error().find("clip.mp4"), std::string::npos);
}

TEST(Record, FreedPayloadKeepsTheRecord) {
  Asset a = asset("app.js", FileKind::Js);
  a.bytes = "console.log(1)";
  a.source_map = R"({"version":3})";
  a.variants.push_back({"webp", "WEBPDATA", 2, 2, ""});
  a.encodings.push_back({Encoding::Codec::Brotli, "BR", 2});
  Options o;
  emit::seal(a, o);
  emit::free_payload(a);
  EXPECT_TRUE(a.bytes.empty());
  ASSERT_TRUE(a.source_map.has_value());
  EXPECT_TRUE(a.source_map->empty());
  EXPECT_TRUE(a.variants[0].bytes.empty());
  EXPECT_TRUE(a.encodings[0].bytes.empty());
  EXPECT_EQ(a.digest.size, 14u);
  EXPECT_EQ(a.digest.integrity(), util::sri_sha384("console.log(1)"));
  EXPECT_EQ(a.digest.sha512, "");  // only asked for by the phoenix manifest
  ASSERT_TRUE(a.map_digest);
  EXPECT_EQ(a.map_digest->size, 13u);
  EXPECT_EQ(a.variants[0].size, 8u);
  EXPECT_EQ(a.encodings[0].size, 2u);
}
