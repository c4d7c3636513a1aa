#include "scan/payloads.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "assetpipe/error.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using assetpipe::Asset;
using assetpipe::ImageVariant;
using assetpipe::scan::Payloads;
using assetpipe::test::TempDir;
using assetpipe::test::write;

namespace {

struct Tree {
  TempDir input, scratch;
  std::vector<Asset> assets;
  Asset& add(const std::string& logical, const std::string& bytes) {
    write(input / logical, bytes);
    Asset a;
    a.logical = logical;
    assets.push_back(a);
    return assets.back();
  }
  size_t files_in_scratch() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(scratch.path()), {}));
  }
};

}  // namespace

TEST(Payloads, NothingIsReadBeforeItIsFetched) {
  Tree t;
  t.add("a.js", "let a = 1;");
  t.add("b.css", "b{}");
  Payloads p(t.assets, t.input.path(), t.scratch.path());
  EXPECT_TRUE(t.assets[0].bytes.empty());
  p.fetch(0);
  EXPECT_EQ(t.assets[0].bytes, "let a = 1;");
  EXPECT_EQ(t.assets[0].input_size, 10u);
  EXPECT_TRUE(t.assets[1].bytes.empty());
  p.fetch(0);  // already in memory: nothing happens
  EXPECT_EQ(t.assets[0].bytes, "let a = 1;");
}

TEST(Payloads, AnUnchangedPayloadIsNotWrittenAgain) {
  Tree t;
  t.add("a.svg", "<svg/>");
  Payloads p(t.assets, t.input.path(), t.scratch.path());
  p.fetch(0);
  p.park(0);
  EXPECT_TRUE(t.assets[0].bytes.empty());
  EXPECT_EQ(p.spilled_bytes(), 0u);
  p.fetch(0);  // from the input file again
  EXPECT_EQ(t.assets[0].bytes, "<svg/>");
}

TEST(Payloads, WhatChangedIsSpilledAndComesBackWhole) {
  Tree t;
  Asset& img = t.add("p.jpg", "JPEGBYTES");
  img.variants = {ImageVariant{.format = "webp"}, ImageVariant{.format = "avif"}};
  t.add("a.js", "let a = 1;");
  Payloads p(t.assets, t.input.path(), t.scratch.path());
  p.fetch(0);
  t.assets[0].variants[0].bytes = "WEBP";  // avif skipped: no bytes
  p.park(0);
  EXPECT_TRUE(t.assets[0].bytes.empty());
  EXPECT_TRUE(t.assets[0].variants[0].bytes.empty());
  EXPECT_EQ(p.spilled_bytes(), 4u);  // only the variant: the bytes are the input's

  p.fetch(1);
  t.assets[1].bytes = "let a=1";
  t.assets[1].source_map = R"({"version":3})";
  p.park(1);
  EXPECT_FALSE(t.assets[1].bytes.size());
  ASSERT_TRUE(t.assets[1].source_map.has_value());  // the record still says it has a map
  EXPECT_TRUE(t.assets[1].source_map->empty());

  p.fetch(0);
  p.fetch(1);
  EXPECT_EQ(t.assets[0].bytes, "JPEGBYTES");
  EXPECT_EQ(t.assets[0].variants[0].bytes, "WEBP");
  EXPECT_TRUE(t.assets[0].variants[1].bytes.empty());
  EXPECT_EQ(t.assets[1].bytes, "let a=1");
  EXPECT_EQ(*t.assets[1].source_map, R"({"version":3})");

  // Parked again unchanged: nothing more is written; changed: written again.
  uint64_t before = p.spilled_bytes();
  p.park(0);
  EXPECT_EQ(p.spilled_bytes(), before);
  t.assets[1].bytes = "let b=2";
  p.park(1);
  EXPECT_EQ(p.spilled_bytes(), before + 7);
  p.fetch(1);
  EXPECT_EQ(t.assets[1].bytes, "let b=2");
  EXPECT_EQ(*t.assets[1].source_map, R"({"version":3})");
}

TEST(Payloads, BytesChangedBackToTheInputAreReadFromIt) {
  Tree t;
  t.add("a.js", "let a = 1;");
  Payloads p(t.assets, t.input.path(), t.scratch.path());
  p.fetch(0);
  t.assets[0].bytes = "x";
  p.park(0);
  p.fetch(0);
  t.assets[0].bytes = "let a = 1;";  // as the input (minification gained nothing)
  p.park(0);
  p.fetch(0);
  EXPECT_EQ(t.assets[0].bytes, "let a = 1;");
}

TEST(Payloads, AnInputChangedBetweenTwoReadsIsAnError) {
  Tree t;
  t.add("a.svg", "<svg/>");
  Payloads p(t.assets, t.input.path(), t.scratch.path());
  p.fetch(0);
  p.park(0);
  write(t.input / "a.svg", "<svg></svg>");
  try {
    p.fetch(0);
    FAIL() << "no error";
  } catch (const assetpipe::Error& e) {
    EXPECT_NE(std::string(e.what()).find("a.svg changed during the build"), std::string::npos)
        << e.what();
  }
  fs::remove(t.input / "a.svg");
  Payloads q(t.assets, t.input.path(), t.scratch.path());
  EXPECT_THROW(q.fetch(0), assetpipe::Error);
}

TEST(Payloads, AReleasedFileCannotBeFetched) {
  Tree t;
  t.add("a.svg", "<svg/>");
  Payloads p(t.assets, t.input.path(), t.scratch.path());
  p.fetch(0);
  p.release(0);
  EXPECT_THROW(p.fetch(0), assetpipe::Error);
}

TEST(Payloads, TheSpillFileLeavesNothingInTheFolder) {
  Tree t;
  t.add("a.js", "let a = 1;");
  {
    Payloads p(t.assets, t.input.path(), t.scratch.path());
    p.fetch(0);
    t.assets[0].bytes = std::string(1 << 20, 'x');
    p.park(0);
    EXPECT_EQ(p.spilled_bytes(), 1u << 20);
    EXPECT_EQ(t.files_in_scratch(), 0u);  // unlinked as soon as made
    p.fetch(0);
    EXPECT_EQ(t.assets[0].bytes, std::string(1 << 20, 'x'));
  }
  EXPECT_EQ(t.files_in_scratch(), 0u);
}

TEST(Payloads, InMemoryDoesNothing) {
  std::vector<Asset> assets(1);
  assets[0].bytes = "kept";
  Payloads p;
  p.fetch(0);
  p.park(0);
  EXPECT_EQ(assets[0].bytes, "kept");
}
