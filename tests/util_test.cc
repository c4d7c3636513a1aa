#include <gtest/gtest.h>

#include "support/test_support.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/output_siblings.h"
#include "assetpipe/build.h"

#include <sys/stat.h>
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

TEST(Util, NameHasherInPiecesIsTheWholeField) {
  std::string bytes(3'000'001, 'x');
  for (size_t i = 0; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(i);
  util::NameHasher whole, pieces;
  whole.add("bytes");
  whole.add(bytes);
  pieces.add("bytes");
  pieces.begin_field(bytes.size());
  for (size_t at = 0; at < bytes.size(); at += 65'536) {
    pieces.update(std::string_view(bytes).substr(at, 65'536));
  }
  EXPECT_EQ(whole.hex(32), pieces.hex(32));
  util::NameHasher other;
  other.add("bytes");
  other.begin_field(bytes.size() - 1);
  other.update(std::string_view(bytes).substr(0, bytes.size() - 1));
  EXPECT_NE(whole.hex(32), other.hex(32));
}

TEST(Util, DigestStreamIsTheWholeDigest) {
  std::string bytes = "the quick brown fox jumps over the lazy dog, several times over";
  util::DigestStream d(true);
  d.update(std::string_view(bytes).substr(0, 10));
  d.update(std::string_view(bytes).substr(10));
  EXPECT_EQ(util::sri_of(d.sha384()), util::sri_sha384(bytes));
  EXPECT_EQ(d.sha512_base64(), util::sha512_base64(bytes));
  util::DigestStream no512(false);
  no512.update(bytes);
  EXPECT_EQ(util::sri_of(no512.sha384()), util::sri_sha384(bytes));
  EXPECT_EQ(no512.sha512_base64(), "");
}

TEST(Util, ReadBlocksHandsOverEveryByteInPieces) {
  test::TempDir tmp;
  std::string bytes(5 * (1 << 20) + 123, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31);
  test::write(tmp / "f", bytes);
  std::string seen;
  size_t largest = 0;
  auto n = util::read_blocks(tmp / "f", [&](std::string_view piece) {
    seen.append(piece);
    largest = std::max(largest, piece.size());
  });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, bytes.size());
  EXPECT_EQ(seen, bytes);
  EXPECT_LE(largest, size_t{1} << 20);
  auto missing = util::read_blocks(tmp / "nope", [](std::string_view) {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("nope"), std::string::npos);
}

TEST(Util, CopyFileDataKeepsBytesHolesAndTime) {
  test::TempDir tmp;
  fs::path from = tmp / "sparse.bin";
  test::write_sparse(from, "head", 48 << 20, "tail");  // a 48 MiB hole
  uint64_t size = fs::file_size(from);
  auto r = util::copy_file_data(from, tmp / "out/copy.bin", size, 1'600'000'000);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(test::read(tmp / "out/copy.bin"), test::read(from));
  struct stat in {}, out {};
  ASSERT_EQ(::stat(from.c_str(), &in), 0);
  ASSERT_EQ(::stat((tmp / "out/copy.bin").c_str(), &out), 0);
  EXPECT_EQ(out.st_mtim.tv_sec, 1'600'000'000);
  // The hole stays a hole (where the source has one): far fewer blocks than bytes.
  if (in.st_blocks * 512 < static_cast<blkcnt_t>(size / 2)) {
    EXPECT_LT(out.st_blocks * 512, static_cast<blkcnt_t>(size / 2));
  }
  // A file that changed size since it was listed is refused, naming it.
  auto changed = util::copy_file_data(from, tmp / "out/again.bin", size - 1, 0);
  ASSERT_FALSE(changed);
  EXPECT_NE(changed.error().find("sparse.bin"), std::string::npos);
  EXPECT_NE(changed.error().find("changed during the build"), std::string::npos);
}
