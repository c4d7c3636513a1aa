// bench/run and its report (bench/lib/summarize.py): medians, ratios from the same rounds,
// the limit, bytes by kind, and which targets can be judged. The report is checked on runs
// with known numbers; bench/run itself runs on a small tree against the built binary.
#include <chrono>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

fs::path bench_dir() { return fs::path(ASSETPIPE_SOURCE_DIR) / "bench"; }

struct Round {
  double ap_wall, ap_user, ap_sys;
  double ap_minify, ap_images, ap_compress;  // --timings
  double peer_minify, peer_images, peer_compress;
  double peer_encoder_cpu;
};

// A runs folder as bench/run leaves it, with made-up numbers.
void write_runs(const fs::path& runs, const std::vector<Round>& rounds, bool assetpipe_compresses) {
  write(runs / "corpus/index.html", "<!doctype html>\n");
  write(runs / "corpus/app.js", std::string(1000, 'a'));
  nlohmann::json info = {{"rounds", rounds.size()},
                         {"jobs", 2},
                         {"corpus", (runs / "corpus").string()},
                         {"corpus_name", "made-up"},
                         {"cores", 2},
                         {"cpu", "test cpu"},
                         {"load_before", "0.00 0.00 0.00"},
                         {"load_after", "0.00 0.00 0.00"},
                         {"date", "2026-01-01 00:00 UTC"},
                         {"assetpipe_version", "assetpipe 0"},
                         {"tools", "none"},
                         {"settings", {"--avif-speed", "8"}}};
  write(runs / "info.json", info.dump());
  for (size_t i = 0; i < rounds.size(); ++i) {
    const Round& r = rounds[i];
    std::string n = std::to_string(i + 1);
    write(runs / ("assetpipe-" + n + ".rusage"),
          fmt::format("{} {} {}\n", r.ap_wall, r.ap_user, r.ap_sys));
    write(runs / ("assetpipe-" + n + ".log"),
          fmt::format("timings: scan 0.100s, minify {:.3f}s, images {:.3f}s, link 0.100s, compress "
                      "{:.3f}s, emit 0.200s, total {:.3f}s\nassetpipe: 2 files\n",
                      r.ap_minify, r.ap_images, r.ap_compress, r.ap_wall - 0.01));
    double peer_wall = 0.5 + r.peer_minify + r.peer_images + 0.5 + r.peer_compress;
    write(runs / ("peer-" + n + ".times"),
          fmt::format(
              "copy 0.500 0.100 0.000\nminify {0:.3f} 1.000 1.000\nimages {1:.3f} 1.000 1.000\n"
              "hash 0.500 0.200 0.200\ncompress {2:.3f} 1.000 1.000\n"
              "total {3:.3f} 9.000 {4:.3f}\ntool brotli 7.5\n",
              r.peer_minify, r.peer_images, r.peer_compress, peer_wall, r.peer_encoder_cpu));
  }
  for (const char* tree : {"assetpipe-out", "peer-out"}) {
    write(runs / tree / "index.html", "<!doctype html>\n");
    write(runs / tree / "app.0123456789.js", std::string(500, 'a'));
    write(runs / tree / "img/p.0123456789.jpg.webp", std::string(300, 'w'));
    if (std::string(tree) == "peer-out" || assetpipe_compresses) {
      write(runs / tree / "app.0123456789.js.br", std::string(40, 'b'));
      write(runs / tree / "app.0123456789.js.gz", std::string(60, 'g'));
    }
  }
}

RunResult summarize(const fs::path& runs) {
  return run_program({"python3", (bench_dir() / "lib/summarize.py").string(), runs.string()});
}

const nlohmann::json& row(const nlohmann::json& results, const std::string& stage) {
  for (const auto& r : results["rows"]) {
    if (r["stage"] == stage) return r;
  }
  throw std::runtime_error("no row " + stage);
}

}  // namespace

TEST(BenchReport, MediansAndRatiosComeFromTheSameRounds) {
  TempDir tmp;
  // Round 3 is an outlier for assetpipe (30 s): the medians and paired ratios ignore it.
  write_runs(tmp.path(),
             {{10, 15, 1, 1.0, 3.0, 4.0, 2.0, 4.0, 8.0, 30},
              {12, 16, 1, 1.0, 3.0, 5.0, 2.0, 4.0, 10.0, 32},
              {30, 40, 2, 1.0, 3.0, 20.0, 2.0, 4.0, 10.0, 34}},
             true);
  auto r = summarize(tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto results = nlohmann::json::parse(read(tmp / "results.json"));

  // Peer walls: 0.5 + 2 + 4 + 0.5 + compress = 15, 17, 17. Ratios 10/15, 12/17, 30/17.
  EXPECT_NEAR(results["total"]["ratio"].get<double>(), 12.0 / 17.0, 1e-9);
  EXPECT_NEAR(results["total"]["assetpipe_s"].get<double>(), 12.0, 1e-9);
  EXPECT_NEAR(results["total"]["peer_s"].get<double>(), 17.0, 1e-9);
  // compress: 4/8, 5/10, 20/10 -> median 0.5 (a ratio of medians would say 5/10 too, but
  // minify shows the pairing: every round 1/2).
  EXPECT_NEAR(row(results, "compress")["ratio"].get<double>(), 0.5, 1e-9);
  EXPECT_NEAR(row(results, "minify")["ratio"].get<double>(), 0.5, 1e-9);
  EXPECT_NEAR(row(results, "images")["ratio"].get<double>(), 0.75, 1e-9);
  // tree: scan + link + emit = 0.4 against copy + hash = 1.0.
  EXPECT_NEAR(row(results, "tree (read, name, write)")["ratio"].get<double>(), 0.4, 1e-9);
  // The limit: encoder CPU 30, 32, 34 over 2 cores -> 16; assetpipe/limit 10/15, 12/16, 30/17.
  EXPECT_NEAR(results["limit_s"].get<double>(), 16.0, 1e-9);
  EXPECT_NEAR(results["assetpipe_over_limit"].get<double>(), 0.75, 1e-9);
  EXPECT_NEAR(results["assetpipe_cpu_s"].get<double>(), 17.0, 1e-9);
  EXPECT_NEAR(results["peer_tool_cpu_s"]["brotli"].get<double>(), 7.5, 1e-9);
  EXPECT_TRUE(results["targets"]["judged"]);
  EXPECT_TRUE(results["targets"]["ratio_below_0.8"]);
  EXPECT_TRUE(results["targets"]["within_1.15x_of_limit"]);

  // Bytes by kind, for each tree.
  EXPECT_EQ(results["bytes"]["assetpipe"][".br"]["bytes"], 40);
  EXPECT_EQ(results["bytes"]["peer"][".gz"]["bytes"], 60);
  EXPECT_EQ(results["bytes"]["peer"]["webp variants"]["files"], 1);
  EXPECT_EQ(results["bytes"]["input"]["js, css"]["bytes"], 1000);

  // The printed report (and report.md) carry the same figures.
  EXPECT_THAT(r.out, HasSubstr("| compress | 5.00s | 10.00s | 0.50 |"));
  EXPECT_THAT(r.out, HasSubstr("| **total (wall)** | **12.00s** | **17.00s** | **0.71** |"));
  // peer/limit: 15/15, 17/16, 17/17 -> 1.0.
  EXPECT_NEAR(results["peer_over_limit"].get<double>(), 1.0, 1e-9);
  EXPECT_THAT(r.out,
              HasSubstr("= 16.00s; assetpipe wall / limit = 0.75, peer wall / limit = 1.00"));
  EXPECT_THAT(r.out, HasSubstr("targets: ratio < 0.8: met; wall <= 1.15 x limit: met"));
  // assetpipe's own floor: its CPU (median 17 s) over the cores, against the limit.
  EXPECT_THAT(r.out, HasSubstr("assetpipe CPU / 2 cores = 8.50s (its own floor: 0.53x the limit)"));
  EXPECT_EQ(read(tmp / "report.md"), r.out);
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("warned")));
}

TEST(BenchReport, AHardLinkIsCountedOnceInItsOwnRow) {
  TempDir tmp;
  write_runs(tmp.path(), {{10, 15, 1, 1.0, 3.0, 4.0, 2.0, 4.0, 8.0, 30}}, true);
  // assetpipe's originals: the renamed script and its .br kept under the input names.
  fs::create_hard_link(tmp / "assetpipe-out/app.0123456789.js", tmp / "assetpipe-out/app.js");
  fs::create_hard_link(tmp / "assetpipe-out/app.0123456789.js.br",
                       tmp / "assetpipe-out/app.js.br");
  auto r = summarize(tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto bytes = nlohmann::json::parse(read(tmp / "results.json"))["bytes"];
  const std::string linked = "and hard links to them (originals)";
  EXPECT_EQ(bytes["assetpipe"]["js, css"]["files"], 1);
  EXPECT_EQ(bytes["assetpipe"][".br"]["files"], 1);
  EXPECT_EQ(bytes["assetpipe"][linked]["files"], 2);
  EXPECT_EQ(bytes["assetpipe"][linked]["bytes"], 540);
  EXPECT_EQ(bytes["assetpipe"]["total"], bytes["peer"]["total"]);  // the same files otherwise
  EXPECT_FALSE(bytes["peer"].contains(linked));
  EXPECT_THAT(r.out, HasSubstr("| " + linked + " | - | 0.00 MiB (2) | - |"));
}

TEST(BenchReport, AssetpipeWarningsAreCounted) {
  TempDir tmp;
  write_runs(tmp.path(), {{5, 5, 0, 1.0, 3.0, 1.0, 2.0, 4.0, 8.0, 30}}, true);
  write(tmp / "assetpipe-1.log",
        "css/a.css:3:7: warning: url(missing.png) does not resolve\n"
        "img/bad.jpg: warning: not a JPEG; copied unchanged\n"
        "timings: scan 0.1s, minify 1.0s, images 3.0s, link 0.1s, compress 1.0s, emit 0.1s, total "
        "5.0s\n");
  auto r = summarize(tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("assetpipe warned 2 times in the last round (see its log), first: "
                               "css/a.css:3:7: warning: url(missing.png) does not resolve"));
}

TEST(BenchReport, AStageTheBinaryDidNotDoIsNotCompared) {
  TempDir tmp;
  write_runs(tmp.path(), {{5, 5, 0, 0.0, 3.0, 0.0, 2.0, 4.0, 8.0, 30}}, false);
  auto r = summarize(tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto results = nlohmann::json::parse(read(tmp / "results.json"));
  EXPECT_FALSE(row(results, "compress")["assetpipe_did_it"]);
  EXPECT_FALSE(row(results, "minify")["assetpipe_did_it"]) << "minify took 0 s: not done";
  EXPECT_TRUE(row(results, "images")["assetpipe_did_it"]);
  EXPECT_FALSE(results["targets"]["judged"]);
  EXPECT_THAT(r.out, HasSubstr("| compress | 0.00s | 8.00s | not in this binary |"));
  EXPECT_THAT(r.out,
              HasSubstr("targets: not judged: this assetpipe binary did not do minify, compress"));
}

TEST(BenchReport, ALogWithoutTimingsIsAClearError) {
  TempDir tmp;
  write_runs(tmp.path(), {{5, 5, 0, 1.0, 3.0, 1.0, 2.0, 4.0, 8.0, 30}}, true);
  write(tmp / "assetpipe-1.log", "assetpipe: 2 files\n");
  auto r = summarize(tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no 'timings:' line in"));
  EXPECT_THAT(r.err, HasSubstr("assetpipe-1.log"));
}

TEST(BenchRun, RunsBothAlternatingAndReports) {
  TempDir tmp;
  write(tmp / "site/index.html", "<!doctype html><link rel=\"stylesheet\" href=\"css/a.css\">\n");
  std::string css;
  for (int i = 0; i < 30; ++i) css += ".rule-" + std::to_string(i) + " { color: #ff0000; }\n";
  write(tmp / "site/css/a.css", css);
  auto r = run_program({(bench_dir() / "run").string(), "--corpus", (tmp / "site").string(),
                        "--runs", "2", "-j", "2", "--out", (tmp / "runs").string(), "--assetpipe",
                        assetpipe_bin().string(), "--", "--no-images", "--gzip-level", "6",
                        "--brotli-quality=5"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Round 1: assetpipe first; round 2: the peer first.
  auto a1 = r.out.find("round 1: assetpipe"), p1 = r.out.find("round 1: peer");
  auto a2 = r.out.find("round 2: assetpipe"), p2 = r.out.find("round 2: peer");
  ASSERT_NE(a1, std::string::npos);
  ASSERT_NE(p2, std::string::npos);
  EXPECT_LT(a1, p1);
  EXPECT_LT(p2, a2);
  EXPECT_THAT(r.out, HasSubstr("| **total (wall)** |"));
  EXPECT_THAT(r.out, HasSubstr("| images | 0.00s | 0.00s | skipped (settings) |"));
  auto results = nlohmann::json::parse(read(tmp / "runs/results.json"));
  EXPECT_EQ(results["rounds"], 2);
  EXPECT_EQ(results["raw"]["assetpipe"].size(), 2u);
  EXPECT_EQ(results["raw"]["peer"].size(), 2u);
  // Settings after -- replace the defaults of the same name (assetpipe refuses an option given
  // twice) or are added.
  std::string settings = results["info"]["settings"].dump();
  EXPECT_THAT(settings, HasSubstr("\"--no-images\""));
  EXPECT_THAT(settings, HasSubstr("\"--gzip-level\",\"6\""));
  EXPECT_THAT(settings, HasSubstr("\"--brotli-quality\",\"5\""));
  EXPECT_THAT(settings, ::testing::Not(HasSubstr("\"--gzip-level\",\"9\"")));
  // Both outputs of the last round are kept for inspection; both hashed the stylesheet.
  EXPECT_TRUE(fs::exists(tmp / "runs/assetpipe-out/index.html"));
  EXPECT_TRUE(fs::exists(tmp / "runs/peer-out/index.html"));
  EXPECT_FALSE(fs::exists(tmp / "runs/peer-out/css/a.css"));
}

TEST(BenchRun, SettleBuildsEachSideIntoAFreshOutputAfterARest) {
  TempDir tmp;
  write(tmp / "site/index.html", "<!doctype html><link rel=\"stylesheet\" href=\"a.css\">\n");
  write(tmp / "site/a.css", ".a { color: #ff0000; }\n");
  auto bad = run_program({(bench_dir() / "run").string(), "--corpus", (tmp / "site").string(),
                          "--settle", "soon", "--assetpipe", assetpipe_bin().string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("--settle must be a whole number of seconds"));
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_program({(bench_dir() / "run").string(), "--corpus", (tmp / "site").string(),
                        "--runs", "1", "--settle", "1", "--out", (tmp / "runs").string(),
                        "--assetpipe", assetpipe_bin().string(), "--", "--no-images"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));  // a rest per side
  EXPECT_THAT(r.out, HasSubstr("each run into a fresh output: the previous one removed untimed, "
                               "then 1 s of rest (--settle)"));
  auto results = nlohmann::json::parse(read(tmp / "runs/results.json"));
  EXPECT_EQ(results["info"]["settle"], 1);
  EXPECT_TRUE(fs::exists(tmp / "runs/assetpipe-out/index.html"));
  EXPECT_TRUE(fs::exists(tmp / "runs/peer-out/index.html"));
}

TEST(BenchRun, AFailingBinaryStopsTheBenchWithItsLog) {
  TempDir tmp;
  write(tmp / "site/index.html", "<!doctype html>\n");
  auto missing = run_program({(bench_dir() / "run").string(), "--corpus", (tmp / "site").string(),
                              "--assetpipe", (tmp / "no-such-binary").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no assetpipe binary at"));
  auto failing = run_program({(bench_dir() / "run").string(), "--corpus", (tmp / "site").string(),
                              "--out", (tmp / "runs").string(), "--assetpipe", "/bin/false"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_THAT(failing.err, HasSubstr("assetpipe failed (exit 1) in round 1"));
  EXPECT_THAT(failing.err, HasSubstr("assetpipe-1.log"));
}
