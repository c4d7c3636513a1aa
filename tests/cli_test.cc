// The command line as CI and npm scripts meet it: config file, environment,
// precedence, reports, annotations, progress, dry runs.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/config.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

struct Project {
  TempDir tmp;
  fs::path dist;
  Project() : dist(tmp / "dist") { copy_fixture("basic", dist); }
  RunResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    // Run from the project folder, as npm scripts do.
    std::vector<std::string> argv = {"/usr/bin/env", "-C", tmp.path().string(),
                                     assetpipe_bin().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, env);
  }
};

}  // namespace

TEST(Cli, ConfigFileSuppliesInputAndOutput) {
  Project p;
  write(p.tmp / "assetpipe.config.json", R"({"input": "dist", "output": "public", "quiet": true})");
  auto r = p.run({"build"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // quiet came from the config
  EXPECT_TRUE(fs::exists(p.tmp / "public/.assetpipe/manifest.json"));
}

TEST(Cli, PackageJsonAssetpipeKey) {
  Project p;
  write(
      p.tmp / "package.json",
      R"({"name": "x", "assetpipe": {"input": "dist", "output": "out", "keep-name": ["LICENSE"]}})");
  auto r = p.run({"build"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = nlohmann::json::parse(read(p.tmp / "out/.assetpipe/manifest.json"));
  EXPECT_EQ(m["assets"]["LICENSE"]["file"], "LICENSE");
}

TEST(Cli, PrecedenceFlagsThenEnvironmentThenConfig) {
  Project p;
  write(p.tmp / "assetpipe.config.json",
        R"({"input": "dist", "output": "out", "manifest": "from-config.json"})");
  // Config alone.
  ASSERT_EQ(p.run({"build"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(p.tmp / "from-config.json"));
  // The environment beats the config.
  auto env_path = (p.tmp / "from-env.json").string();
  ASSERT_EQ(p.run({"build"}, {{"ASSETPIPE_MANIFEST", env_path}}).exit_code, 0);
  EXPECT_TRUE(fs::exists(env_path));
  // A flag beats both.
  auto flag_path = (p.tmp / "from-flag.json").string();
  auto r = p.run({"build", "--manifest", flag_path}, {{"ASSETPIPE_MANIFEST", env_path}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(flag_path));
  // The output from the flag, the input from the config.
  ASSERT_EQ(p.run({"build", "-o", "other"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(p.tmp / "other/index.html"));
}

TEST(Cli, UnknownConfigKeyIsAnError) {
  Project p;
  write(p.tmp / "assetpipe.config.json",
        R"({"input": "dist", "output": "out", "webp-qualty": 50})");
  auto r = p.run({"build"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("assetpipe.config.json"));
  EXPECT_THAT(r.err, HasSubstr("unknown option \"webp-qualty\""));
  EXPECT_FALSE(fs::exists(p.tmp / "out"));
}

TEST(Cli, MalformedConfigNamesLineAndColumn) {
  Project p;
  write(p.tmp / "assetpipe.config.json", "{\n  \"input\": \"dist\",\n  \"output\": \"out\",,\n}\n");
  auto r = p.run({"build"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("assetpipe.config.json:3:19: invalid JSON"));
}

TEST(Cli, WrongTypesInConfigAreErrors) {
  Project p;
  write(p.tmp / "assetpipe.config.json", R"({"input": "dist", "output": "out", "strict": "yes"})");
  auto r = p.run({"build"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("\"strict\" must be true or false"));
  write(p.tmp / "assetpipe.config.json", R"({"input": "dist", "output": "out", "jobs": "many"})");
  r = p.run({"build"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, ExplicitConfigFlag) {
  Project p;
  write(p.tmp / "conf/ap.json", R"({"input": "../dist", "output": "../site"})");
  auto r = p.run({"build", "--config", (p.tmp / "conf/ap.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(p.tmp / "site/index.html"));
}

TEST(Cli, ListOptionsDoNotSwallowThePositional) {
  Project p;
  auto r = p.run({"build", "--keep-name", "LICENSE", "dist", "-o", "out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = nlohmann::json::parse(read(p.tmp / "out/.assetpipe/manifest.json"));
  EXPECT_EQ(m["assets"]["LICENSE"]["file"], "LICENSE");
}

TEST(Cli, EnvNames) {
  EXPECT_EQ(assetpipe::cli::env_name("webp-quality"), "ASSETPIPE_WEBP_QUALITY");
  EXPECT_EQ(assetpipe::cli::env_name("esbuild"), "ASSETPIPE_ESBUILD");
}

TEST(Cli, JsonReportMatchesManifest) {
  Project p;
  auto r = p.run({"build", "dist", "-o", "out", "--report", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = nlohmann::json::parse(r.out);  // stdout is only the JSON
  auto manifest = nlohmann::json::parse(read(p.tmp / "out/.assetpipe/manifest.json"));
  ASSERT_EQ(report["files"].size(), manifest["assets"].size());
  uint64_t prev = UINT64_MAX, total = 0;
  for (const auto& f : report["files"]) {
    const auto& m = manifest["assets"][f["input"].get<std::string>()];
    EXPECT_EQ(f["file"], m["file"]);
    EXPECT_EQ(f["size"], m["size"]);
    EXPECT_EQ(f["size"].get<uint64_t>(),
              fs::file_size(p.tmp / "out" / f["file"].get<std::string>()));
    EXPECT_LE(f["size"].get<uint64_t>(), prev) << "largest first";
    prev = f["size"];
    total += f["size"].get<uint64_t>();
  }
  EXPECT_EQ(report["total"]["size"], total);
  // --report-file writes the same JSON, and stdout gets the human table.
  auto r2 = p.run({"build", "dist", "-o", "out", "--report-file", "report.json"});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  auto second = nlohmann::json::parse(read(p.tmp / "report.json"));
  EXPECT_TRUE(second["cache"]["snapshot"].get<bool>()) << "the same input and options again";
  second.erase("cache");
  report.erase("cache");
  EXPECT_EQ(second, report);
  EXPECT_THAT(r2.out, HasSubstr("total (9 files)"));
}

TEST(Cli, WarningsAsCompilerStyleLinesAndGithubAnnotations) {
  Project p;
  fs::create_symlink("/etc/hostname", p.dist / "outside, link.txt");
  auto plain = p.run({"build", "dist", "-o", "out"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_THAT(plain.err, HasSubstr("outside, link.txt: warning: skipped: symbolic link leaves"));
  EXPECT_THAT(plain.err, Not(HasSubstr("::warning")));
  auto gh = p.run({"build", "dist", "-o", "out"}, {{"GITHUB_ACTIONS", "true"}});
  ASSERT_EQ(gh.exit_code, 0) << gh.err;
  EXPECT_THAT(gh.err, HasSubstr("::warning file=outside%2C link.txt::skipped: symbolic link"));
}

TEST(Cli, DryRunWritesNothing) {
  Project p;
  auto r = p.run({"build", "dist", "-o", "out", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("would write index.html"));
  EXPECT_THAT(r.out, HasSubstr("would write css/site."));
  EXPECT_FALSE(fs::exists(p.tmp / "out"));
}

TEST(Cli, NoProgressWhenNotATerminal) {
  Project p;
  auto r = p.run({"build", "dist", "-o", "out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_EQ(r.err.find("\x1b["), std::string::npos);
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos);
}

TEST(Cli, ProgressAndColourOnATerminal) {
  Project p;
  // Enough files that the build lasts several redraw periods.
  for (int i = 0; i < 200; ++i) {
    write(p.dist / "bulk" / (std::to_string(i) + ".txt"),
          std::string(100000, static_cast<char>('a' + i % 26)));
  }
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setenv("ASSETPIPE_PROGRESS_MS", "1", 1);
    std::string bin = assetpipe_bin().string(), in = p.dist.string(),
                out = (p.tmp / "out").string();
    ::execl(bin.c_str(), bin.c_str(), "build", in.c_str(), "-o", out.c_str(), "-j", "1",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string seen;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << seen;
  EXPECT_THAT(seen, HasSubstr("\r\x1b[K"));  // the line is redrawn and erased
  EXPECT_THAT(seen, HasSubstr("assetpipe: "));
  // The counts never pass their totals (the early compression, which runs
  // while images encode, does not count into the stage in front).
  std::regex count(R"(([a-z]+) (\d+)/(\d+))");
  size_t counts = 0;
  for (std::sregex_iterator it(seen.begin(), seen.end(), count), end; it != end; ++it, ++counts) {
    EXPECT_LE(std::stoul((*it)[2]), std::stoul((*it)[3])) << (*it)[0];
  }
  EXPECT_GT(counts, 0u) << seen;
}
