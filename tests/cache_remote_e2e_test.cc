// The remote cache end to end, against real servers started here on
// loopback (nginx with WebDAV PUT, redis-server): a build with an empty local
// cache is fed by the remote; a server killed mid-build turns the remote off
// with one warning and the build goes on; tampered entries are rebuilt; the
// shards of --shard I/N join in one build that redoes no pure work.
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image_test_util.h"
#include "support/nginx_server.h"
#include "support/redis_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace assetpipe::test;
using namespace assetpipe::test::images;
using ::testing::HasSubstr;

namespace {

const std::map<std::string, std::string> kCacheOn = {{"ASSETPIPE_NO_CACHE", "0"}};
constexpr const char* kNginx = "/usr/sbin/nginx";

std::string script(const std::string& name, int lines = 40) {
  std::string s = "(function () {\n";
  for (int i = 0; i < lines; ++i) {
    s += "  var " + name + "_n" + std::to_string(i) + " = 'hello ' + document.title;\n";
    s += "  console.log(" + name + "_n" + std::to_string(i) + ");\n";
  }
  return s + "})();\n";
}

// Photos, scripts, a style sheet, pages that reference some of them.
void make_site(const fs::path& in, int photos = 4) {
  copy_fixture("basic", in);
  std::string page = "<!doctype html><title>r</title>\n";
  for (int i = 0; i < photos; ++i) {
    std::string name = "img/p" + std::to_string(i) + ".jpg";
    write(in / name, write_jpeg(photo(300 + 20 * i, 200)));
    if (i % 2 == 0) page += "<img src=\"" + name + "\" alt=p>\n";
  }
  for (int i = 0; i < 6; ++i) {
    std::string name = "js/m" + std::to_string(i) + ".js";
    write(in / name, script("m" + std::to_string(i)));
    page += "<script src=\"" + name + "\"></script>\n";
  }
  for (int i = 0; i < 30; ++i) page += "<p>Paragraph " + std::to_string(i) + "</p>\n";
  write(in / "page.html", page);
}

struct Built {
  RunResult run;
  nlohmann::json report;
};

Built build(const fs::path& in, const fs::path& out, const fs::path& cache_dir,
            const std::string& remote, std::vector<std::string> extra = {}) {
  fs::path report = out.string() + "-report.json";
  std::vector<std::string> args = {"build",       in.string(),       "-o",
                                   out.string(),  "--cache-dir",     cache_dir.string(),
                                   "--remote-cache", remote,         "--remote-cache-timeout",
                                   "3000",        "--report-file",   report.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  Built b{run_assetpipe(args, kCacheOn), {}};
  EXPECT_EQ(b.run.exit_code, 0) << b.run.err;
  if (fs::exists(report)) b.report = nlohmann::json::parse(read(report));
  return b;
}

uint64_t count(const nlohmann::json& report, const char* stage, const char* what) {
  return report["cache"][stage][what].get<uint64_t>();
}
uint64_t all(const nlohmann::json& report, const char* what) {
  return count(report, "minify", what) + count(report, "image", what) +
         count(report, "compress", what);
}

std::map<std::string, std::string> cold(const fs::path& in, const fs::path& out) {
  auto r = run_assetpipe({"build", in.string(), "-o", out.string(), "-q", "--no-cache"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return snapshot(out);
}

size_t occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

// nginx serving a WebDAV folder at /cache/ (the HTTP remote).
class DavServer {
 public:
  DavServer() {
    NginxSetup setup;
    setup.full_config = plain_server_config(
        root_.path(),
        "    location /cache/ { dav_methods PUT; create_full_put_path on; "
        "client_max_body_size 1g; }\n");
    server_ = std::make_unique<NginxServer>(setup);
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/cache", server_->port()); }
  fs::path folder() const { return root_.path() / "cache"; }
  void stop() { server_.reset(); }

 private:
  TempDir root_;
  std::unique_ptr<NginxServer> server_;
};

class CacheRemoteE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kNginx, X_OK) != 0) GTEST_SKIP() << "nginx is not installed";
  }
};

TEST_F(CacheRemoteE2E, AnEmptyLocalCacheIsFedByTheHttpRemote) {
  DavServer dav;
  TempDir tmp;
  make_site(tmp / "in");
  auto first = build(tmp / "in", tmp / "out1", tmp / "local1", dav.url());
  EXPECT_GT(all(first.report, "misses"), 0u);
  EXPECT_TRUE(fs::is_directory(dav.folder() / "ac"));
  EXPECT_TRUE(fs::is_directory(dav.folder() / "cas"));
  // Another machine: its own empty local cache, the same remote.
  auto second = build(tmp / "in", tmp / "out2", tmp / "local2", dav.url());
  EXPECT_EQ(all(second.report, "misses"), 0u);
  EXPECT_EQ(all(second.report, "remote_hits"), all(first.report, "misses"));
  EXPECT_EQ(count(second.report, "image", "remote_hits"), 5u);  // 4 photos and dot.png
  // What came from the remote is kept locally too.
  auto third = build(tmp / "in", tmp / "out3", tmp / "local2", dav.url());
  EXPECT_EQ(all(third.report, "remote_hits"), 0u);
  EXPECT_EQ(all(third.report, "misses"), 0u);
  auto reference = cold(tmp / "in", tmp / "cold");
  EXPECT_EQ(snapshot(tmp / "out1"), reference);
  EXPECT_EQ(snapshot(tmp / "out2"), reference);
  EXPECT_EQ(snapshot(tmp / "out3"), reference);
}

TEST_F(CacheRemoteE2E, TamperedRemoteEntriesAreDetectedAndRebuilt) {
  DavServer dav;
  TempDir tmp;
  make_site(tmp / "in");
  build(tmp / "in", tmp / "out1", tmp / "local1", dav.url());
  size_t tampered = 0;
  for (const auto& e : fs::directory_iterator(dav.folder() / "cas")) {
    std::string bytes = read(e.path());
    bytes[bytes.size() / 2] ^= 0x01;
    write(e.path(), bytes);
    ++tampered;
  }
  ASSERT_GT(tampered, 10u);
  auto second = build(tmp / "in", tmp / "out2", tmp / "local2", dav.url());
  EXPECT_EQ(all(second.report, "remote_hits"), 0u);
  EXPECT_GT(all(second.report, "misses"), 0u);
  EXPECT_THAT(second.run.err, HasSubstr("does not match its digest"));
  EXPECT_EQ(snapshot(tmp / "out2"), cold(tmp / "in", tmp / "cold"));
}

TEST_F(CacheRemoteE2E, ReadOnlyModeWritesNothingRemotely) {
  DavServer dav;
  TempDir tmp;
  make_site(tmp / "in", 1);
  build(tmp / "in", tmp / "out1", tmp / "local1", dav.url(), {"--remote-cache-mode", "read-only"});
  EXPECT_FALSE(fs::exists(dav.folder() / "ac"));
}

TEST_F(CacheRemoteE2E, AServerThatIsDownIsOneWarningAndTheBuildGoesOnLocally) {
  TempDir tmp;
  make_site(tmp / "in", 2);
  int port = free_loopback_port_for_tests();  // nothing listens there
  auto b = build(tmp / "in", tmp / "out", tmp / "local",
                 fmt::format("http://127.0.0.1:{}/cache", port));
  EXPECT_EQ(occurrences(b.run.err, "the remote cache is off"), 1u) << b.run.err;
  EXPECT_EQ(b.report["cache"]["remote_error"].get<std::string>().empty(), false);
  EXPECT_EQ(snapshot(tmp / "out"), cold(tmp / "in", tmp / "cold"));
  // The local cache was still filled.
  auto again = build(tmp / "in", tmp / "out2", tmp / "local",
                     fmt::format("http://127.0.0.1:{}/cache", port));
  EXPECT_EQ(count(again.report, "image", "misses"), 0u);
}

TEST_F(CacheRemoteE2E, RedisKilledMidBuildDegradesToLocalWithOneWarning) {
  if (!redis_server_installed()) GTEST_SKIP() << "redis-server is not installed";
  auto redis = std::make_unique<RedisServer>();
  std::string url = fmt::format("redis://127.0.0.1:{}/0", redis->port());
  TempDir tmp;
  make_site(tmp / "in", 12);
  // A warm remote, then a build with an empty local cache that reads from it
  // while the server is killed under it.
  build(tmp / "in", tmp / "out1", tmp / "local1", url);
  RunResult r;
  std::thread t([&] {
    r = run_assetpipe({"build", (tmp / "in").string(), "-o", (tmp / "out2").string(), "-j", "1",
                       "--cache-dir", (tmp / "local2").string(), "--remote-cache", url,
                       "--remote-cache-timeout", "2000"},
                      kCacheOn);
  });
  std::this_thread::sleep_for(150ms);
  redis->stop();
  t.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LE(occurrences(r.err, "the remote cache is off"), 1u) << r.err;
  EXPECT_EQ(snapshot(tmp / "out2"), cold(tmp / "in", tmp / "cold"));
}

TEST_F(CacheRemoteE2E, RedisFeedsAnEmptyLocalCache) {
  if (!redis_server_installed()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  std::string url = fmt::format("redis://127.0.0.1:{}/3", redis.port());
  TempDir tmp;
  make_site(tmp / "in");
  auto first = build(tmp / "in", tmp / "out1", tmp / "local1", url);
  auto second = build(tmp / "in", tmp / "out2", tmp / "local2", url);
  EXPECT_EQ(all(second.report, "misses"), 0u);
  EXPECT_EQ(all(second.report, "remote_hits"), all(first.report, "misses"));
  EXPECT_EQ(snapshot(tmp / "out2"), cold(tmp / "in", tmp / "cold"));
}

// Issue "scale past one machine": 3 shards into the remote, then the merge
// build with an empty local cache.
TEST_F(CacheRemoteE2E, ThreeShardsThenAMergeThatRedoesNoPureWork) {
  DavServer dav;
  TempDir tmp;
  make_site(tmp / "in", 9);
  uint64_t shard_files = 0, files = 0;
  for (int i = 1; i <= 3; ++i) {
    fs::path local = tmp / ("shard-local" + std::to_string(i));
    auto r = run_assetpipe({"build", (tmp / "in").string(), "--shard", fmt::format("{}/3", i),
                            "--cache-dir", local.string(), "--remote-cache", dav.url()},
                           kCacheOn);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(fmt::format("shard {}/3", i)));
    EXPECT_THAT(r.out, HasSubstr("no output written"));
    auto pos = r.out.find("work of ");
    ASSERT_NE(pos, std::string::npos) << r.out;
    shard_files += std::stoull(r.out.substr(pos + 8));
    auto of = r.out.find(" of ", pos + 8);
    ASSERT_NE(of, std::string::npos) << r.out;
    files = std::stoull(r.out.substr(of + 4));
  }
  // Every file is in exactly one slice.
  EXPECT_EQ(shard_files, files);
  auto merge = build(tmp / "in", tmp / "out", tmp / "merge-local", dav.url());
  EXPECT_EQ(count(merge.report, "minify", "misses"), 0u);
  EXPECT_EQ(count(merge.report, "image", "misses"), 0u);
  EXPECT_EQ(count(merge.report, "image", "remote_hits"), 10u);
  // Only files whose bytes depend on other files' names are compressed in
  // the merge (page.html and index.html here), not the scripts or styles.
  EXPECT_LE(count(merge.report, "compress", "misses"), 8u);
  EXPECT_GT(count(merge.report, "compress", "remote_hits"), 0u);
  EXPECT_EQ(snapshot(tmp / "out"), cold(tmp / "in", tmp / "cold"));
}

}  // namespace
