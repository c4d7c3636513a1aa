#include <gtest/gtest.h>

#include "support/test_support.h"
#include "util/file.h"
#include "util/hash.h"

namespace fs = std::filesystem;
using namespace assetpipe;

TEST(Util, PathWithin) {
  test::TempDir tmp;
  fs::create_directories(tmp / "a/b");
  EXPECT_TRUE(util::path_within(tmp / "a/b", tmp / "a"));
  EXPECT_TRUE(util::path_within(tmp / "a", tmp / "a"));
  EXPECT_TRUE(util::path_within(tmp / "a/new/x", tmp / "a"));
  EXPECT_FALSE(util::path_within(tmp / "ab", tmp / "a"));
  EXPECT_FALSE(util::path_within(tmp / "a/../b", tmp / "a"));
  fs::create_directory_symlink(tmp / "a/b", tmp / "link");
  EXPECT_TRUE(util::path_within(tmp / "link", tmp / "a"));  // resolved
}

TEST(Util, Utf8AndPrintable) {
  EXPECT_TRUE(util::is_valid_utf8("caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(util::is_valid_utf8("\xc3"));          // truncated
  EXPECT_FALSE(util::is_valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(util::is_valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(util::is_valid_utf8("\xff"));
  EXPECT_EQ(util::printable("a\nb"), "a\\x0ab");
  EXPECT_EQ(util::printable("\xff.png"), "\\xff.png");
  EXPECT_EQ(util::printable("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(Util, NameHashIsStableAndFieldSeparated) {
  EXPECT_EQ(util::name_hash("hello"), util::name_hash("hello"));
  EXPECT_NE(util::name_hash("hello"), util::name_hash("hellp"));
  EXPECT_EQ(util::name_hash("x").size(), 10u);
  util::NameHasher a, b;
  a.add("ab");
  a.add("c");
  b.add("a");
  b.add("bc");
  EXPECT_NE(a.hex(), b.hex());
  for (char c : util::name_hash("anything")) EXPECT_TRUE(std::isxdigit(c) && !std::isupper(c));
}

TEST(Util, Sri) {
  // echo -n abc | openssl dgst -sha384 -binary | base64
  EXPECT_EQ(util::sri_sha384("abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn");
  EXPECT_EQ(util::base64(""), "");
  EXPECT_EQ(util::base64("f"), "Zg==");
}

TEST(Util, WriteFileAtomicReplaces) {
  test::TempDir tmp;
  auto p = tmp / "m.json";
  ASSERT_TRUE(util::write_file_atomic(p, "one"));
  ASSERT_TRUE(util::write_file_atomic(p, "two"));
  EXPECT_EQ(test::read(p), "two");
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
  auto r = util::read_file(tmp / "missing");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("missing"), std::string::npos);
}
