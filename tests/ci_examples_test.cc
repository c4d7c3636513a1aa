// The CI examples of --shard (examples/ci/): each parses as YAML (Debian's
// python3-yaml), has the job graph it documents, and every assetpipe command
// in it is accepted by the real binary (run with the remote pointed at a
// port where nothing listens: the remote is off with a warning, the build
// goes on).
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

#include "support/redis_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

const std::map<std::string, std::string> kCacheOn = {{"ASSETPIPE_NO_CACHE", "0"}};

fs::path example(const std::string& name) {
  return fixtures_dir().parent_path() / "examples/ci" / name;
}

nlohmann::json load_yaml(const fs::path& file) {
  auto r = run_program({"/usr/bin/python3", "-c",
                        "import json, sys, yaml\n"
                        "print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                        file.string()});
  if (r.exit_code != 0) throw std::runtime_error("python3-yaml could not parse " + file.string() + ": " + r.err);
  return nlohmann::json::parse(r.out);
}

std::vector<std::string> words(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The `assetpipe ...` arguments of a `npx assetpipe ...` command line.
std::vector<std::string> assetpipe_args(const std::vector<std::string>& command) {
  auto it = std::find(command.begin(), command.end(), "assetpipe");
  EXPECT_NE(it, command.end());
  return {it == command.end() ? it : it + 1, command.end()};
}

// Runs the example's arguments on a real input: `dist` is a copy of the
// basic fixture, the output a temporary folder, the remote a dead port.
RunResult run_example(std::vector<std::string> args, const fs::path& tmp,
                      std::map<std::string, std::string> env = {}) {
  std::string dead = "http://127.0.0.1:" + std::to_string(free_loopback_port_for_tests());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "dist") args[i] = (tmp / "dist").string();
    if (args[i] == "public") args[i] = (tmp / "public").string();
    if (i > 0 && args[i - 1] == "--remote-cache") args[i] = dead;
    if (args[i].starts_with("--report-file")) args[i + 1] = (tmp / "report.json").string();
  }
  args.insert(args.begin() + 1, {"--cache-dir", (tmp / "cache").string()});
  env.insert(kCacheOn.begin(), kCacheOn.end());
  return run_assetpipe(args, env);
}

TEST(CiExamples, GithubActionsMatrixOfShardsThenAMerge) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  auto wf = load_yaml(example("github-actions-shards.yml"));
  int shards = wf["env"]["SHARDS"].get<int>();
  ASSERT_GT(shards, 1);
  const auto& jobs = wf["jobs"];
  ASSERT_TRUE(jobs.contains("shard") && jobs.contains("merge"));
  std::vector<int> matrix = jobs["shard"]["strategy"]["matrix"]["shard"].get<std::vector<int>>();
  std::vector<int> expected;
  for (int i = 1; i <= shards; ++i) expected.push_back(i);
  EXPECT_EQ(matrix, expected) << "one shard job per slice, numbered from 1";
  EXPECT_EQ(jobs["merge"]["needs"], "shard");
  EXPECT_EQ(jobs["shard"]["needs"], "bundle");
  for (const char* job : {"shard", "merge"}) {
    const auto& svc = jobs[job]["services"]["cache"];
    EXPECT_THAT(svc["image"].get<std::string>(), HasSubstr("bazel-remote"));
    EXPECT_EQ(svc["env"]["BAZEL_REMOTE_DISABLE_HTTP_AC_VALIDATION"], "true");
  }

  auto command_of = [&](const char* job) {
    for (const auto& step : jobs[job]["steps"]) {
      if (step.contains("run") && step["run"].get<std::string>().find("assetpipe build") !=
                                      std::string::npos) {
        return step["run"].get<std::string>();
      }
    }
    ADD_FAILURE() << job << " runs no assetpipe build";
    return std::string();
  };
  // The expressions GitHub substitutes, for shard 2.
  auto substitute = [&](std::string s) {
    s = std::regex_replace(s, std::regex(R"(\$\{\{ matrix\.shard \}\})"), "2");
    s = std::regex_replace(s, std::regex(R"(\$\{\{ env\.SHARDS \}\})"), std::to_string(shards));
    s = std::regex_replace(s, std::regex(R"(\$\{\{ env\.ASSETPIPE_REMOTE_CACHE \}\})"),
                           wf["env"]["ASSETPIPE_REMOTE_CACHE"].get<std::string>());
    return s;
  };
  TempDir tmp;
  copy_fixture("basic", tmp / "dist");
  auto shard = run_example(assetpipe_args(words(substitute(command_of("shard")))), tmp.path());
  ASSERT_EQ(shard.exit_code, 0) << shard.err;
  EXPECT_THAT(shard.out, HasSubstr("shard 2/" + std::to_string(shards)));
  EXPECT_FALSE(fs::exists(tmp / "public"));
  auto merge = run_example(assetpipe_args(words(substitute(command_of("merge")))), tmp.path());
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  EXPECT_TRUE(fs::exists(tmp / "public/index.html"));
}

TEST(CiExamples, KubernetesIndexedJobRunsOneShardPerIndex) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  auto job = load_yaml(example("kubernetes-indexed-job.yml"));
  EXPECT_EQ(job["apiVersion"], "batch/v1");
  EXPECT_EQ(job["kind"], "Job");
  const auto& spec = job["spec"];
  EXPECT_EQ(spec["completionMode"], "Indexed");
  int completions = spec["completions"].get<int>();
  EXPECT_EQ(spec["parallelism"].get<int>(), completions);
  const auto& container = spec["template"]["spec"]["containers"][0];
  std::string count;
  for (const auto& e : container["env"]) {
    if (e["name"] == "ASSETPIPE_SHARD_COUNT") count = e["value"].get<std::string>();
  }
  EXPECT_EQ(count, std::to_string(completions)) << "ASSETPIPE_SHARD_COUNT is the completions";
  auto args = assetpipe_args(container["command"].get<std::vector<std::string>>());
  TempDir tmp;
  copy_fixture("basic", tmp / "dist");
  // Kubernetes gives index 0..completions-1; assetpipe numbers shards from 1.
  auto r = run_example(args, tmp.path(),
                       {{"JOB_COMPLETION_INDEX", std::to_string(completions - 1)},
                        {"ASSETPIPE_SHARD_COUNT", count}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(fmt::format("shard {}/{}", completions, completions)));
}

}  // namespace
