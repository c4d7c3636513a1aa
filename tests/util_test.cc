#include <gtest/gtest.h>

#include "support/test_support.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/output_siblings.h"
#include "assetpipe/build.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

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

TEST(AtomicFile, AppearsWholeOnCommitAndNotAtAllOtherwise) {
  test::TempDir dir;
  fs::path target = dir / "a/b/file.json";
  {
    auto f = util::AtomicFile::create(target);
    ASSERT_TRUE(f) << f.error();
    ASSERT_TRUE(f->write("{}"));
    EXPECT_FALSE(fs::exists(target));  // nothing there before the commit
  }
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(fs::is_empty(dir / "a/b"));  // the temporary file went with it
  {
    auto f = util::AtomicFile::create(target);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->write("[1]"));
    ASSERT_TRUE(f->commit());
  }
  EXPECT_EQ(test::read(target), "[1]");
  // A folder, or a path under a file, cannot be created.
  auto on_dir = util::AtomicFile::create(dir / "a");
  ASSERT_FALSE(on_dir);
  EXPECT_NE(on_dir.error().find("is a folder"), std::string::npos) << on_dir.error();
  EXPECT_FALSE(util::AtomicFile::create(target / "under-a-file"));
}

TEST(OutputSiblings, NamedBesideTheOutputAndStaleOnesRemoved) {
  test::TempDir dir;
  fs::path out = dir / "public/";
  fs::path staging = util::sibling_path(out, "staging");
  EXPECT_EQ(staging.parent_path(), dir.path());
  EXPECT_EQ(staging.filename().string(), ".public.assetpipe-staging-" + std::to_string(::getpid()));
  fs::path mine = util::make_sibling_dir(out, "minify");
  // pid 2^22+1 is above Linux's pid_max limit: never a live process.
  fs::path dead = dir / ".public.assetpipe-minify-4194305";
  fs::create_directories(dead / "x");
  fs::path other = dir / ".other.assetpipe-minify-4194305";
  fs::create_directories(other);
  test::write(dir / ".public.assetpipe-lock", "");
  util::remove_stale_siblings(out);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(mine));   // this process is alive
  EXPECT_TRUE(fs::exists(other));  // another output's
  EXPECT_TRUE(fs::exists(dir / ".public.assetpipe-lock"));
}

TEST(OutputSiblings, LockIsExclusive) {
  test::TempDir dir;
  util::OutputLock first(dir / "out", util::OutputLock::Wait::No, nullptr);
  try {
    util::OutputLock second(dir / "out", util::OutputLock::Wait::No, nullptr);
    FAIL() << "two locks on one output";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another assetpipe build is writing"), std::string::npos);
  }
  // Another output is another lock.
  util::OutputLock third(dir / "out2", util::OutputLock::Wait::No, nullptr);
}

TEST(OutputSiblings, LockFileIsRemovedAndATakerAfterwardsGetsItAgain) {
  test::TempDir dir;
  fs::path lock_file = dir / ".out.assetpipe-lock";
  {
    util::OutputLock held(dir / "out", util::OutputLock::Wait::No, nullptr);
    EXPECT_TRUE(fs::exists(lock_file));
  }
  EXPECT_FALSE(fs::exists(lock_file));
  // A waiter that was blocked on the removed file takes the lock afterwards.
  std::optional<util::OutputLock> first;
  first.emplace(dir / "out", util::OutputLock::Wait::No, nullptr);
  std::atomic<bool> waited{false}, got{false};
  std::thread waiter([&] {
    util::OutputLock second(dir / "out", util::OutputLock::Wait::Yes,
                            [&](const std::string&) { waited = true; });
    got = true;
  });
  while (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(got);
  first.reset();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_FALSE(fs::exists(lock_file));
}
