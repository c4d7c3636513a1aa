#include "util/subprocess.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.h"
#include "util/interrupt.h"

using assetpipe::util::ProcessOptions;
using assetpipe::util::run_process;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

double seconds_of(const std::function<void()>& f) {
  auto t = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST(Subprocess, CapturesOutputErrorsAndStatus) {
  auto r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->success());
  EXPECT_EQ(r->describe(), "exited with status 3");
}

TEST(Subprocess, PassesArgvVerbatimWithoutAShell) {
  std::string nasty = "a b; rm -rf / $(x) `y` '\"\\";
  auto r = run_process({"printf", "%s\\n", nasty, "*"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->out, nasty + "\n*\n");
}

TEST(Subprocess, RunsInTheGivenFolder) {
  assetpipe::test::TempDir dir;
  assetpipe::test::write(dir / "here.txt", "x");
  auto r = run_process({"ls"}, {.cwd = dir.path().string()});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "here.txt\n");
}

TEST(Subprocess, StdinIsDevNull) {
  auto r = run_process({"cat"}, {.timeout = 5s});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->success()) << r->describe();
  EXPECT_EQ(r->out, "");
}

TEST(Subprocess, ChildLeadsItsOwnProcessGroup) {
  // Field 5 of /proc/PID/stat is the process group.
  auto r = run_process({"/bin/sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"});
  ASSERT_TRUE(r.ok());
  std::istringstream lines(r->out);
  long pid = 0, pgid = 0;
  lines >> pid >> pgid;
  EXPECT_GT(pid, 0);
  EXPECT_EQ(pid, pgid);
  EXPECT_NE(pgid, long(::getpgrp()));
}

TEST(Subprocess, LargeOutputOnBothStreamsDoesNotDeadlock) {
  auto r =
      run_process({"/bin/sh", "-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2"},
                  {.timeout = 20s});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->success()) << r->describe();
  EXPECT_EQ(r->out.size(), 3000000u);
  EXPECT_EQ(r->err.size(), 2000000u);
}

TEST(Subprocess, RunawayOutputIsKilled) {
  auto r = run_process({"/bin/sh", "-c", "cat /dev/zero"}, {.timeout = 20s, .max_output = 1 << 20});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->output_too_large);
  EXPECT_FALSE(r->success());
  EXPECT_THAT(r->describe({.max_output = 1 << 20}), HasSubstr("more than 1048576 bytes"));
}

TEST(Subprocess, TimeoutKillsTheWholeGroup) {
  // The grandchild keeps the pipes open: only killing the group ends this quickly.
  assetpipe::util::Result<assetpipe::util::ProcessResult> r = assetpipe::util::fail("not run");
  double s = seconds_of([&] {
    r = run_process({"/bin/sh", "-c", "sleep 30 & sleep 30"}, {.timeout = 300ms});
  });
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->success());
  EXPECT_LT(s, 5.0);
  EXPECT_THAT(r->describe({.timeout = 300ms}), HasSubstr("timed out after 0.3 s"));
}

TEST(Subprocess, ReportsACrash) {
  auto r = run_process({"/bin/sh", "-c", "kill -ABRT $$"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signal, SIGABRT);
  EXPECT_FALSE(r->success());
  EXPECT_THAT(r->describe(), HasSubstr("crashed (signal 6"));
}

TEST(Subprocess, MissingProgramIsAFailureNamingIt) {
  auto r = run_process({"/nonexistent/esbuild", "--version"});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error(), HasSubstr("/nonexistent/esbuild"));
  EXPECT_THAT(r.error(), HasSubstr("No such file"));
  EXPECT_FALSE(run_process({}).ok());
}

TEST(Subprocess, NotExecutableIsAFailure) {
  assetpipe::test::TempDir dir;
  assetpipe::test::write(dir / "tool", "not a program");  // mode 0644
  auto r = run_process({(dir / "tool").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error(), HasSubstr((dir / "tool").string()));
  EXPECT_THAT(r.error(), HasSubstr("Permission denied"));
}

// Ctrl-C: the child (in its own group) asks for SIGINT to be sent to us, as a
// terminal would; we must kill it and return promptly. Run in a forked death
// test so the global interrupt flag does not leak into other tests.
TEST(SubprocessDeathTest, InterruptKillsTheChild) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        assetpipe::util::install_interrupt_handlers();
        auto t = std::chrono::steady_clock::now();
        auto r = run_process({"/bin/sh", "-c", "sleep 0.2; kill -INT $PPID; sleep 30"},
                             {.timeout = 60s});
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
        std::exit(r.ok() && r->interrupted && s < 10 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}
