// What an adversarial run found (issue 13), one case each: files outside the
// output, a report into the input, tools that hang while checked, scratch left
// by a kill, hostile maps, two builds at once, hard links.
#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "util/output_siblings.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

struct Site {
  TempDir tmp;
  std::string in = (tmp / "in").string(), out = (tmp / "out").string();
  Site() { copy_fixture("basic", tmp / "in"); }
  RunResult build(std::vector<std::string> extra = {},
                  const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args = {"build", in, "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_assetpipe(args, env);
  }
};

// A stand-in esbuild: answers --version and runs `body` on every other call
// (the option check included).
fs::path esbuild_stub(const TempDir& dir, const std::string& body) {
  fs::path p = dir / "esbuild-stub";
  write(p, fmt::format("#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 0.0.1; exit 0; fi\n{}\n",
                       body));
  ::chmod(p.c_str(), 0755);
  return p;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

pid_t spawn_assetpipe(std::vector<std::string> args) {
  std::string bin = assetpipe_bin().string();
  args.insert(args.begin(), bin);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, bin.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  return pid;
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace

// 1. A file outside the output that cannot be written fails the build before
// the output is replaced: exit 1 means the previous output is as it was.
TEST(Hardening, UnwritableExternalManifestLeavesTheOutputAsItWas) {
  Site s;
  ASSERT_EQ(s.build().exit_code, 0);
  auto before = snapshot(s.out);
  write(s.tmp / "in/js/new.js", "console.log('a change');\n");
  write(s.tmp / "notadir", "a file where a folder is wanted\n");
  fs::create_directory(s.tmp / "adir");
  for (std::string manifest : {(s.tmp / "notadir/m.json").string(), (s.tmp / "adir").string()}) {
    RunResult r = s.build({"--manifest", manifest});
    EXPECT_EQ(r.exit_code, 1) << manifest << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(manifest));
    EXPECT_THAT(r.err, HasSubstr("the previous output is untouched"));
    EXPECT_EQ(snapshot(s.out), before) << manifest;
  }
  EXPECT_TRUE(fs::is_directory(s.tmp / "adir"));
  EXPECT_TRUE(fs::is_empty(s.tmp / "adir"));  // no temporary file left behind
  // A writable one is there after the build, and agrees with the output.
  RunResult ok = s.build({"--manifest", (s.tmp / "m/manifest.json").string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(read(s.tmp / "m/manifest.json"), HasSubstr("js/new."));
  EXPECT_EQ(names_in(s.tmp / "m"), std::vector<std::string>{"manifest.json"});
}

// 2. The report never goes into the input.
TEST(Hardening, ReportFileInsideTheInputIsRefused) {
  Site s;
  auto input = snapshot(s.in);
  for (std::string rel : {"css/site.css", "report.json"}) {
    RunResult r = s.build({"--report-file", (s.tmp / "in" / rel).string()});
    EXPECT_EQ(r.exit_code, 2) << rel << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("--report-file"));
    EXPECT_THAT(r.err, HasSubstr("inside the input"));
  }
  EXPECT_EQ(snapshot(s.in), input);
  EXPECT_FALSE(fs::exists(s.out));
}

// 3. A report that cannot be written is an error with a non-zero exit, found
// before the output is replaced.
TEST(Hardening, UnwritableReportFileExitsNonZeroBeforeBuilding) {
  Site s;
  ASSERT_EQ(s.build().exit_code, 0);
  auto before = snapshot(s.out);
  write(s.tmp / "in/js/new.js", "console.log('a change');\n");
  write(s.tmp / "notadir", "x\n");
  RunResult r = s.build({"--report-file", (s.tmp / "notadir/report.json").string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("notadir/report.json"));
  EXPECT_THAT(r.err, HasSubstr("nothing was built"));
  EXPECT_EQ(snapshot(s.out), before);
  RunResult ok = s.build({"--report-file", (s.tmp / "r/report.json").string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(read(s.tmp / "r/report.json"), HasSubstr("\"files\""));
}

// 4. An esbuild that hangs or crashes while its options are checked is named
// as such, not as options it rejects.
TEST(Hardening, ToolThatHangsOrCrashesOnTheOptionCheckIsNamedSo) {
  struct Case {
    std::string body, expected;
  };
  for (const Case& c : {Case{"exec sleep 30", "timed out after 1 s"},
                        Case{"kill -SEGV $$", "crashed (signal 11"}}) {
    Site s;
    fs::path stub = esbuild_stub(s.tmp, c.body);
    auto t0 = std::chrono::steady_clock::now();
    RunResult r = s.build({"--esbuild", stub.string(), "--tool-timeout", "1"});
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.expected));
    EXPECT_THAT(r.err, HasSubstr("while its options were checked"));
    EXPECT_THAT(r.err, Not(HasSubstr("rejects the options")));
  }
}

// 5. A build killed during minification leaves its scratch beside the
// output (not in $TMPDIR), and the next build removes it.
TEST(Hardening, ScratchOfAKilledBuildIsBesideTheOutputAndCleanedNextTime) {
  Site s;
  TempDir tmpdir;
  fs::path stub = esbuild_stub(
      s.tmp, fmt::format("case \"$*\" in *--outdir=*) echo $$ > {0}/stub.pid; exec sleep 30;; esac",
                         s.tmp.path().string()));
  setenv("TMPDIR", tmpdir.path().c_str(), 1);
  pid_t pid = spawn_assetpipe({"build", s.in, "-o", s.out, "-q", "--esbuild", stub.string()});
  unsetenv("TMPDIR");
  // The shell creates the file before it writes the pid: wait for a line.
  ASSERT_TRUE(wait_for([&] { return fs::exists(s.tmp / "stub.pid") &&
                                    read(s.tmp / "stub.pid").find('\n') != std::string::npos; },
                       std::chrono::seconds(30)));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  pid_t stub_pid = std::stoi(read(s.tmp / "stub.pid"));
  ::kill(stub_pid, SIGKILL);
  std::string scratch = fmt::format(".out.assetpipe-minify-{}", pid);
  EXPECT_TRUE(fs::exists(s.tmp / scratch)) << ::testing::PrintToString(names_in(s.tmp.path()));
  EXPECT_TRUE(fs::is_empty(tmpdir.path()));
  ASSERT_EQ(s.build().exit_code, 0);
  for (const auto& name : names_in(s.tmp.path())) {
    EXPECT_THAT(name, Not(HasSubstr("assetpipe-minify"))) << "left behind";
    EXPECT_THAT(name, Not(HasSubstr("assetpipe-staging"))) << "left behind";
  }
}

// 6. A hostile input map is refused by its shape, at a cost bounded by the
// file it maps (peak memory is measured in bench/, not here).
TEST(Hardening, HostileInputMapIsNotComposed) {
  TempDir tmp;
  write(tmp / "in/a.js", "console.log( 1 + 2 );\n//# sourceMappingURL=a.js.map\n");
  write(tmp / "in/a.js.map", R"({"version":3,"sources":["a.ts"],"names":[],"mappings":")" +
                                 std::string(5'000'000, ';') + "\"}");
  RunResult r =
      run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("a.js.map: warning: cannot use this source map (its mappings "
                               "cover 5000001 generated lines, but the file it maps has 2)"));
}

// 7. Two builds into one output: the second waits for the first, or fails at
// once with --no-wait.
TEST(Hardening, SecondBuildWaitsForTheLockOrFailsWithNoWait) {
  Site s;
  std::optional<util::OutputLock> held;
  held.emplace(s.out, util::OutputLock::Wait::No, nullptr);
  RunResult busy = s.build({"--no-wait"});
  EXPECT_EQ(busy.exit_code, 1) << busy.err;
  EXPECT_THAT(busy.err, HasSubstr("another assetpipe build is writing"));
  EXPECT_FALSE(fs::exists(s.out));

  TempDir logs;
  std::string err_path = (logs / "err").string();
  pid_t pid = 0;
  {
    std::string bin = assetpipe_bin().string();
    std::vector<std::string> args = {bin, "build", s.in, "-o", s.out};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    ASSERT_EQ(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  ASSERT_TRUE(wait_for([&] { return read(err_path).find("waiting") != std::string::npos; },
                       std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "did not wait for the lock";
  EXPECT_FALSE(fs::exists(s.out));
  held.reset();
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read(err_path);
  EXPECT_TRUE(fs::exists(fs::path(s.out) / ".assetpipe/manifest.json"));
}

// 9. A hard link whose twin is outside the input is read, with a warning.
TEST(Hardening, HardLinkToAFileOutsideTheInputWarns) {
  Site s;
  write(s.tmp / "secret.txt", "outside the input\n");
  fs::create_hard_link(s.tmp / "secret.txt", s.tmp / "in/linked.txt");
  // Two names inside the input for one file: nothing to say.
  fs::create_hard_link(s.tmp / "in/robots.txt", s.tmp / "in/robots-copy.txt");
  RunResult r = s.build();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("linked.txt: warning: this file has 2 hard links and only 1 of them "
                               "are in the input"));
  EXPECT_THAT(r.err, Not(HasSubstr("robots")));
  EXPECT_EQ(s.build({"--strict"}).exit_code, 1);
}

// A file-size limit (ulimit -f) that the spill file passes (each output file
// stays under it): the build stops with an error naming the spill file, not
// killed by SIGXFSZ, and nothing is written.
TEST(Hardening, SpillFilePastAFileSizeLimitIsAnError) {
  TempDir tmp;
  std::string body = "(function () {\n";
  for (int i = 0; i < 12000; ++i) {
    body += "  var greeting_number_" + std::to_string(i) + " = 'hello ' + document.title;\n";
  }
  body += "})();\n";
  for (int i = 0; i < 8; ++i) write(tmp / ("in/f" + std::to_string(i) + ".js"), body);
  ASSERT_LT(body.size(), 1u << 20);
  auto r = run_program({"prlimit", "--fsize=1500000", assetpipe_bin().string(), "build",
                        (tmp / "in").string(), "-o", (tmp / "out").string(),
                        "--no-compress"},
                       {{"ASSETPIPE_NO_CACHE", "1"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot write to the build's spill file")) << r.err;
  EXPECT_FALSE(fs::exists(tmp / "out"));
}
