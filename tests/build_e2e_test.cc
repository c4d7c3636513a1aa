// End-to-end tests of the foundation: run the built binary on fixtures and
// check what it wrote.
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

nlohmann::json manifest_of(const fs::path& out) {
  return nlohmann::json::parse(read(out / ".assetpipe/manifest.json"));
}

std::map<std::string, std::string> without_assetpipe_dir(std::map<std::string, std::string> s) {
  for (auto it = s.begin(); it != s.end();) {
    it = it->first.starts_with(".assetpipe/") ? s.erase(it) : std::next(it);
  }
  return s;
}

}  // namespace

TEST(BuildE2E, EveryInputFileIsEmittedAndListed) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto before = snapshot(tmp / "in");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(), "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("assetpipe: "));
  EXPECT_EQ(snapshot(tmp / "in"), before) << "the input must never change";

  auto manifest = manifest_of(tmp / "out");
  EXPECT_EQ(manifest["version"], 1);
  auto& assets = manifest["assets"];
  ASSERT_EQ(assets.size(), before.size());
  std::regex hashed(R"(^(.*)\.([0-9a-f]{10})(\.[A-Za-z0-9]+)?$)");
  for (const auto& [logical, bytes] : before) {
    ASSERT_TRUE(assets.contains(logical)) << logical;
    auto& e = assets[logical];
    std::string file = e["file"];
    ASSERT_TRUE(fs::exists(tmp / "out" / file)) << file;
    EXPECT_EQ(e["size"], read(tmp / "out" / file).size());
    EXPECT_THAT(e["integrity"].get<std::string>(), ::testing::StartsWith("sha384-"));
    EXPECT_EQ(e["integrity"].get<std::string>().size(), 7u + 64u);
    bool kept = logical == "index.html" || logical == "robots.txt" ||
                logical == "assets/index-BkX3s9fa.js" || logical == "docs/guide/index.htm";
    if (kept) {
      EXPECT_EQ(file, logical);
    } else {
      std::smatch m;
      ASSERT_TRUE(std::regex_match(file, m, hashed)) << logical << " -> " << file;
      EXPECT_NE(file, logical);
    }
  }
  EXPECT_EQ(assets["css/site.css"]["file"].get<std::string>().substr(0, 9), "css/site.");
  EXPECT_EQ(assets["LICENSE"]["file"].get<std::string>().substr(0, 8), "LICENSE.");
  // No timestamps, no absolute paths in the manifest.
  std::string text = read(tmp / "out/.assetpipe/manifest.json");
  EXPECT_EQ(text.find(tmp.path().string()), std::string::npos);
}

TEST(BuildE2E, ByteIdenticalAtAnyJobs) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto r1 = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "o1").string(), "-j", "1"});
  auto r2 = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "o2").string(), "-j", "2"});
  auto r3 = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "o3").string(), "-j", "8"});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  ASSERT_EQ(r3.exit_code, 0) << r3.err;
  EXPECT_EQ(snapshot(tmp / "o1"), snapshot(tmp / "o2"));
  EXPECT_EQ(snapshot(tmp / "o1"), snapshot(tmp / "o3"));
}

TEST(BuildE2E, SourceDateEpochSetsTimes) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()},
                         {{"SOURCE_DATE_EPOCH", "1700000000"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto t = fs::last_write_time(tmp / "out/index.html");
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::file_clock::to_sys(t).time_since_epoch())
                  .count();
  EXPECT_EQ(secs, 1700000000);
}

TEST(BuildE2E, OutputKeepsInputModificationTime) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto when = fs::file_time_type::clock::now() - std::chrono::hours(24 * 30);
  fs::last_write_time(tmp / "in/robots.txt", when);
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = fs::last_write_time(tmp / "out/robots.txt");
  EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(got.time_since_epoch()).count(),
            std::chrono::floor<std::chrono::seconds>(when.time_since_epoch()).count());
}

TEST(BuildE2E, RefusesOverlappingPaths) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto in = (tmp / "in").string();
  auto same = run_assetpipe({"build", in, "-o", in});
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_THAT(same.err, HasSubstr("is the input"));
  auto inside = run_assetpipe({"build", in, "-o", in + "/public"});
  EXPECT_EQ(inside.exit_code, 2);
  EXPECT_THAT(inside.err, HasSubstr("inside the input"));
  auto around = run_assetpipe({"build", in, "-o", tmp.path().string()});
  EXPECT_EQ(around.exit_code, 2);
  EXPECT_THAT(around.err, HasSubstr("inside the output"));
  EXPECT_FALSE(fs::exists(tmp / "in/public"));
}

TEST(BuildE2E, MissingInputAndUsageErrors) {
  TempDir tmp;
  auto missing = run_assetpipe({"build", (tmp / "nope").string(), "-o", (tmp / "out").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope"));
  EXPECT_THAT(missing.err, HasSubstr("does not exist"));
  auto bad_flag = run_assetpipe({"build", "--no-such-flag"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  auto no_output = run_assetpipe({"build", (tmp.path()).string()});
  EXPECT_EQ(no_output.exit_code, 2);
  auto version = run_assetpipe({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("assetpipe "));
  auto help = run_assetpipe({"build", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--keep-name"));
}

TEST(BuildE2E, RefusesToReplaceAForeignFolder) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  write(tmp / "out/precious.txt", "user data");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not written by assetpipe"));
  EXPECT_EQ(read(tmp / "out/precious.txt"), "user data");
}

TEST(BuildE2E, ReplacesItsOwnOutputWholly) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto in = (tmp / "in").string(), out = (tmp / "out").string();
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out}).exit_code, 0);
  fs::remove(tmp / "in/LICENSE");
  // (By default the previous build's hashed files are carried: tests/previous_builds_test.cc.)
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out, "--keep-previous", "0"}).exit_code, 0);
  for (auto& [path, bytes] : snapshot(tmp / "out")) {
    EXPECT_FALSE(path.starts_with("LICENSE")) << "stale file left behind: " << path;
  }
  // No staging folders left beside the output.
  for (auto& e : fs::directory_iterator(tmp.path())) {
    EXPECT_THAT(e.path().filename().string(), ::testing::Not(HasSubstr("staging")));
  }
}

TEST(BuildE2E, KilledBuildLeavesPreviousOutputIntact) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto in = (tmp / "in").string(), out = (tmp / "out").string();
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out}).exit_code, 0);
  auto good = snapshot(tmp / "out");
  // A larger input so the next build takes a while.
  std::string blob(256 * 1024, 'x');
  for (int i = 0; i < 400; ++i) {
    blob[static_cast<size_t>(i)] = 'y';
    write(tmp / "in/big" / ("f" + std::to_string(i) + ".txt"), blob);
  }
  std::string bin = assetpipe_bin().string();
  for (int delay_ms : {5, 20, 60, 150}) {
    pid_t pid = 0;
    std::vector<std::string> args = {bin, "build", in, "-o", out, "-q"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid, bin.c_str(), nullptr, nullptr, argv.data(), environ), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto now = snapshot(tmp / "out");
    if (now != good) {
      // The build finished before the kill: then it must be complete.
      ASSERT_TRUE(WIFEXITED(status))
          << "output changed by a killed build (delay " << delay_ms << " ms)";
      EXPECT_EQ(without_assetpipe_dir(now).size(), 400 + without_assetpipe_dir(good).size());
      break;
    }
  }
  // The next build cleans up what the killed ones left.
  ASSERT_EQ(run_assetpipe({"build", in, "-o", out}).exit_code, 0);
  for (auto& e : fs::directory_iterator(tmp.path())) {
    EXPECT_THAT(e.path().filename().string(), ::testing::Not(HasSubstr("staging")));
  }
}

TEST(BuildE2E, HostileFileNamesSurvive) {
  TempDir tmp;
  std::vector<std::string> names = {"with space.css",  "caf\xc3\xa9 \xe2\x98\x95.js",
                                    "quote\"d.txt",    "apo's.txt",
                                    "dollar$HOME.js",  "semi;colon.css",
                                    "hash#frag.txt",   "brace{x}.txt",
                                    "back\\slash.txt", "dir with space/inner file.svg",
                                    "-dash-first.txt"};
  for (size_t i = 0; i < names.size(); ++i) {
    // Valid in every language involved (JS, CSS, SVG, text): a comment-free statement.
    std::string body = names[i].ends_with(".css")  ? ".c" + std::to_string(i) + " { color: red }\n"
                       : names[i].ends_with(".js") ? "console.log(" + std::to_string(i) + ");\n"
                       : names[i].ends_with(".svg")
                           ? "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"
                           : "content " + std::to_string(i) + "\n";
    write(tmp / "in" / names[i], body);
  }
  auto before = snapshot(tmp / "in");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto manifest = manifest_of(tmp / "out");
  for (size_t i = 0; i < names.size(); ++i) {
    ASSERT_TRUE(manifest["assets"].contains(names[i])) << names[i];
    std::string file = manifest["assets"][names[i]]["file"];
    EXPECT_TRUE(fs::exists(tmp / "out" / file)) << names[i];
    if (!names[i].ends_with(".js") && !names[i].ends_with(".css")) {
      EXPECT_EQ(read(tmp / "out" / file), before[names[i]]) << names[i];
    }
  }
  EXPECT_EQ(snapshot(tmp / "in"), before);
}

TEST(BuildE2E, SymlinksInsideFollowedOutsideSkipped) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  write(tmp / "secret.txt", "do not publish");
  fs::create_symlink("../secret.txt", tmp / "in/leak.txt");
  fs::create_symlink(tmp / "secret.txt", tmp / "in/leak-absolute.txt");
  fs::create_symlink("robots.txt", tmp / "in/alias.txt");
  fs::create_directory_symlink("..", tmp / "in/parent");
  fs::create_symlink("missing-target", tmp / "in/dangling.txt");
  // A linked folder inside the root: its files are read through the link
  // (no resolved path is kept for them: scan::walk).
  write(tmp / "in/z-docs/notes.txt", "notes\n");
  fs::create_directory_symlink("z-docs", tmp / "in/a-linked");  // walked first
  ASSERT_EQ(::mkfifo((tmp / "in/fifo").c_str(), 0644), 0);
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto assets = manifest_of(tmp / "out")["assets"];
  EXPECT_FALSE(assets.contains("leak.txt"));
  EXPECT_FALSE(assets.contains("leak-absolute.txt"));
  EXPECT_FALSE(assets.contains("parent/secret.txt"));
  EXPECT_FALSE(assets.contains("fifo"));
  ASSERT_TRUE(assets.contains("alias.txt"));
  EXPECT_EQ(read(tmp / "out" / assets["alias.txt"]["file"].get<std::string>()),
            read(tmp / "in/robots.txt"));
  ASSERT_TRUE(assets.contains("a-linked/notes.txt"));
  EXPECT_EQ(read(tmp / "out" / assets["a-linked/notes.txt"]["file"].get<std::string>()), "notes\n");
  EXPECT_THAT(r.err, HasSubstr("leak.txt: warning: skipped: symbolic link leaves the input root"));
  EXPECT_THAT(r.err, HasSubstr("parent: warning: skipped: symbolic link leaves the input root"));
  EXPECT_THAT(r.err, HasSubstr("fifo: warning: skipped: not a regular file"));
  EXPECT_THAT(r.err, HasSubstr("dangling.txt: warning: skipped: broken symbolic link"));
  for (auto& [path, bytes] : snapshot(tmp / "out")) EXPECT_NE(bytes, "do not publish") << path;
  // --strict turns those warnings into a failed build that writes nothing.
  auto strict = run_assetpipe(
      {"build", (tmp / "in").string(), "-o", (tmp / "strict-out").string(), "--strict"});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_FALSE(fs::exists(tmp / "strict-out"));
}

TEST(BuildE2E, TwoFilesOneNameIsAnError) {
  TempDir tmp;
  write(tmp / "in/a.txt", "first\n");
  auto r1 = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "o1").string()});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  std::string hashed = manifest_of(tmp / "o1")["assets"]["a.txt"]["file"];
  // A second input file literally named like a.txt's output, keeping its name.
  write(tmp / "in" / hashed, "second\n");
  auto r2 = run_assetpipe(
      {"build", (tmp / "in").string(), "-o", (tmp / "o2").string(), "--keep-name", hashed});
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_THAT(r2.err, HasSubstr("would both be written as " + hashed));
  EXPECT_FALSE(fs::exists(tmp / "o2"));
}

namespace {

// Building <dir>/in into <dir>/out with the input file `kept` kept under its
// name, where the build also makes a file of that name: an error naming the
// path, and nothing written.
void expect_generated_name_clash(const fs::path& dir, const std::string& kept) {
  auto r = run_assetpipe(
      {"build", (dir / "in").string(), "-o", (dir / "out").string(), "--keep-name", kept});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(kept + ": two outputs would be written at this path"));
  EXPECT_FALSE(fs::exists(dir / "out"));
}

}  // namespace

// An input file named like one of the files the build makes (here the page's
// .br, kept under its name) is an error naming the path; nothing is written.
TEST(BuildE2E, AnInputNamedLikeAGeneratedFileIsAnError) {
  TempDir tmp;
  std::string page = "<!doctype html><title>x</title>";
  for (int i = 0; i < 200; ++i) page += "<p>hello world, this is a page</p>";
  write(tmp / "in/index.html", page);
  write(tmp / "in/index.html.br", page);
  expect_generated_name_clash(tmp.path(), "index.html.br");
  // Not kept under its name, it is renamed, and its name goes to the page's .br.
  auto ok = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(read(tmp / "out/index.html.br"), page);
}

// The same among many files: the claims table grows many times over (three
// paths a page) and still finds the one collision, wherever it sits.
TEST(BuildE2E, AnInputNamedLikeAGeneratedFileIsFoundAmongManyFiles) {
  TempDir tmp;
  std::string page = "<!doctype html><title>x</title>";
  for (int i = 0; i < 50; ++i) page += "<p>hello world, this is a page</p>";
  for (int i = 0; i < 400; ++i) write(tmp / "in" / fmt::format("p{:03}.html", i), page);
  write(tmp / "in/p217.html.gz", page);
  expect_generated_name_clash(tmp.path(), "p217.html.gz");
  fs::remove(tmp / "in/p217.html.gz");
  auto ok = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  for (int i = 0; i < 400; ++i) {
    std::string name = fmt::format("p{:03}.html", i);
    for (std::string suffix : {"", ".br", ".gz"}) {
      EXPECT_TRUE(fs::exists(tmp / "out" / (name + suffix))) << name + suffix;
    }
  }
}

TEST(BuildE2E, KeepNameAddsEntries) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                          "--keep-name", "LICENSE", "--keep-name", "css/**"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto assets = manifest_of(tmp / "out")["assets"];
  EXPECT_EQ(assets["LICENSE"]["file"], "LICENSE");
  EXPECT_EQ(assets["css/site.css"]["file"], "css/site.css");
}

TEST(BuildE2E, ManifestPathOption) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string(),
                          "--manifest", (tmp / "meta/assets.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = nlohmann::json::parse(read(tmp / "meta/assets.json"));
  EXPECT_TRUE(m["assets"].contains("index.html"));
  EXPECT_FALSE(fs::exists(tmp / "out/.assetpipe/manifest.json"));
}

TEST(BuildE2E, QuietAndVerbose) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  auto q = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "o1").string(), "-q"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "");
  auto v = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "o2").string(), "-v"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("index.html kept name"));
  EXPECT_THAT(v.out, HasSubstr("LICENSE -> LICENSE."));
}

// Needs mount(2) (root in a sandbox that allows it); everything else runs unprivileged.
class MountedTmpfs {
 public:
  MountedTmpfs(const fs::path& dir, const std::string& opts) : dir_(dir) {
    fs::create_directories(dir);
    ok_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~MountedTmpfs() {
    if (ok_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ok() const { return ok_; }

 private:
  fs::path dir_;
  bool ok_ = false;
};

TEST(BuildE2E, FullDiskFailsCleanly) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  write(tmp / "in/big.bin", std::string(512 * 1024, 'z'));
  MountedTmpfs small(tmp / "disk", "size=256k");
  if (!small.ok()) GTEST_SKIP() << "mount(2) not permitted here (needs root)";
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "disk/out").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("No space left on device"));
  EXPECT_THAT(r.err, HasSubstr("previous output is untouched"));
  EXPECT_TRUE(fs::is_empty(tmp / "disk"));
}

TEST(BuildE2E, ReadOnlyOutputParentFailsCleanly) {
  TempDir tmp;
  copy_fixture("basic", tmp / "in");
  MountedTmpfs ro(tmp / "ro", "size=64k,mode=0755");
  if (!ro.ok()) GTEST_SKIP() << "mount(2) not permitted here (needs root)";
  ASSERT_EQ(::mount("tmpfs", (tmp / "ro").c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0);
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "ro/out").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Read-only file system"));
  EXPECT_THAT(r.err, HasSubstr("ro"));
}

#include "support/decompress.h"

// Text files that reach no image are precompressed while the images encode
// (on a copy linked early); the rest after the real link. Either way every
// encoding must be exactly the final file, and images must not change it.
TEST(BuildE2E, EarlyAndLateCompressionMatchTheFinalBytes) {
  TempDir tmp;
  fs::copy(fixtures_dir().parent_path() / "examples/site", tmp / "in", fs::copy_options::recursive);
  auto r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int checked = 0;
  for (auto& [path, bytes] : snapshot(tmp / "out")) {
    if (path.ends_with(".br")) {
      auto original = read(tmp / "out" / path.substr(0, path.size() - 3));
      EXPECT_EQ(brotli_decode(bytes), original) << path;
      ++checked;
    } else if (path.ends_with(".gz")) {
      auto original = read(tmp / "out" / path.substr(0, path.size() - 3));
      EXPECT_EQ(gzip_decode(bytes), original) << path;
      ++checked;
    }
  }
  EXPECT_GE(checked, 20);
  // A CSS file that references an image (compressed late) and a JS module
  // that does not (compressed early) both have encodings.
  auto assets = manifest_of(tmp / "out")["assets"];
  EXPECT_TRUE(assets["css/main.css"].contains("encodings"));
  EXPECT_TRUE(assets["js/calendar.js"].contains("encodings"));
  // Same output with the images stage off for the bytes that do not depend on it.
  auto r2 = run_assetpipe(
      {"build", (tmp / "in").string(), "-o", (tmp / "out2").string(), "--no-images"});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  auto assets2 = manifest_of(tmp / "out2")["assets"];
  EXPECT_EQ(assets["js/calendar.js"], assets2["js/calendar.js"]);
  EXPECT_NE(assets["css/main.css"]["file"], assets2["css/main.css"]["file"]);
}
