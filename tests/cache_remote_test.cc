// The remote cache stores against real servers started here on loopback:
// nginx with WebDAV PUT (the HTTP store, Bazel layout) and redis-server.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "cache/remote.h"
#include "support/nginx_server.h"
#include "support/redis_server.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace assetpipe::test {
namespace {

using cache::RemoteSettings;
using cache::Storage;

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

// A cache key as the cache makes them: 64 lowercase hex digits.
std::string key_for(const std::string& name) { return sha256_hex("key:" + name); }

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Warnings told by a store, from any thread.
struct Warnings {
  std::mutex mu;
  std::vector<std::string> list;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& w) {
      std::lock_guard<std::mutex> lock(mu);
      list.push_back(w);
    };
  }
};

std::unique_ptr<Storage> open_or_die(const RemoteSettings& s) {
  auto store = cache::open_remote(s);
  if (!store) throw std::runtime_error("open_remote(" + s.url + "): " + store.error());
  return std::move(*store);
}

// A loopback port that accepts connections (the kernel completes them) and
// never answers: a hung server.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// 8 threads x 50 entries through one store at once; every value read back
// must be the one written. Half the values are shared between threads, so
// the same contents are also written concurrently.
void hammer(Storage& store, const std::string& tag) {
  std::atomic<int> wrong{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = key_for(fmt::format("{}-{}-{}", tag, t, i));
        std::string value = i % 2 ? fmt::format("shared value {}", i) + all_bytes()
                                  : random_bytes(1000 + static_cast<size_t>(t * 50 + i),
                                                 static_cast<unsigned>(t * 1000 + i));
        auto put = store.put(key, value);
        auto got = put ? store.get(key) : util::Result<std::optional<std::string>>(
                                              util::fail(put.error()));
        if (!got || !*got || **got != value) {
          ++wrong;
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.empty()) {
            first_error = !got ? got.error() : !*got ? "a miss" : "other bytes";
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0) << first_error;
}

// --- HTTP (nginx with WebDAV PUT) ---------------------------------------------

constexpr const char* kNginx = "/usr/sbin/nginx";

class CacheRemoteHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kNginx, X_OK) != 0) GTEST_SKIP() << "nginx is not installed (" << kNginx << ")";
    start();
  }

  void start() {
    std::string dav = "dav_methods PUT; create_full_put_path on; client_max_body_size 1g;";
    NginxSetup setup;
    setup.full_config = plain_server_config(
        root_.path(),
        fmt::format(
            "    location /cache/ {{ {dav} }}\n"
            "    location /secure/ {{ if ($http_authorization != \"Bearer t\") {{ return 401; }} "
            "{dav} }}\n"
            "    location /basic/ {{ if ($http_authorization != \"Basic dTpw\") {{ return 401; }} "
            "{dav} }}\n"
            "    location /broken/ {{ return 500; }}\n",
            fmt::arg("dav", dav)));
    server_ = std::make_unique<NginxServer>(setup);
  }

  std::string url(const std::string& path, const std::string& userinfo = "") const {
    return fmt::format("http://{}127.0.0.1:{}{}", userinfo, server_->port(), path);
  }

  RemoteSettings settings(const std::string& path) {
    RemoteSettings s;
    s.url = url(path);
    s.connect_timeout = 1000ms;
    s.request_timeout = 5000ms;
    s.warn = warnings_.sink();
    return s;
  }

  TempDir root_;
  std::unique_ptr<NginxServer> server_;
  Warnings warnings_;
};

TEST_F(CacheRemoteHttp, RoundTripsBinaryValuesAndMissesUnknownKeys) {
  auto store = open_or_die(settings("/cache"));
  std::string blob = random_bytes(5 * 1024 * 1024, 7);
  std::vector<std::pair<std::string, std::string>> entries = {
      {key_for("all"), all_bytes()}, {key_for("blob"), blob}, {key_for("text"), "hello\n"}};
  for (const auto& [key, value] : entries) {
    auto put = store->put(key, value);
    ASSERT_TRUE(put) << put.error();
  }
  for (const auto& [key, value] : entries) {
    auto got = store->get(key);
    ASSERT_TRUE(got) << got.error();
    ASSERT_TRUE(got->has_value()) << key;
    EXPECT_EQ(got->value().size(), value.size());
    EXPECT_TRUE(got->value() == value) << key;
  }
  auto miss = store->get(key_for("never written"));
  ASSERT_TRUE(miss) << miss.error();
  EXPECT_FALSE(miss->has_value());
  // Overwriting a key points it at the new bytes.
  ASSERT_TRUE(store->put(key_for("text"), "changed"));
  auto changed = store->get(key_for("text"));
  ASSERT_TRUE(changed && changed->has_value());
  EXPECT_EQ(changed->value(), "changed");
  EXPECT_TRUE(warnings_.list.empty());
  EXPECT_EQ(store->describe(), "remote cache " + url("/cache"));
}

TEST_F(CacheRemoteHttp, WritesTheBazelLayout) {
  auto store = open_or_die(settings("/cache/"));  // a trailing slash is the same prefix
  std::string key = key_for("layout"), value = all_bytes() + "layout";
  ASSERT_TRUE(store->put(key, value));
  std::string digest = sha256_hex(value);
  fs::path ac = root_ / ("cache/ac/" + key), cas = root_ / ("cache/cas/" + digest);
  ASSERT_TRUE(fs::is_regular_file(ac)) << ac;
  ASSERT_TRUE(fs::is_regular_file(cas)) << cas;
  EXPECT_EQ(read(ac), fmt::format("{} {}\n", digest, value.size()));
  EXPECT_TRUE(read(cas) == value);
  // Nothing else: no double slashes, no stray files.
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root_.path())) {
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), root_.path()).string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"cache/ac/" + key, "cache/cas/" + digest}));
  // Two keys with the same bytes share one cas file.
  ASSERT_TRUE(store->put(key_for("layout 2"), value));
  EXPECT_TRUE(fs::is_regular_file(root_ / ("cache/ac/" + key_for("layout 2"))));
  size_t cas_files = 0;
  for (const auto& e : fs::directory_iterator(root_ / "cache/cas")) cas_files += e.is_regular_file();
  EXPECT_EQ(cas_files, 1u);
}

TEST_F(CacheRemoteHttp, TamperedEntryIsAMissWithOneWarningAndIsRebuilt) {
  auto store = open_or_die(settings("/cache"));
  std::string key = key_for("tampered"), value = random_bytes(4096, 3);
  ASSERT_TRUE(store->put(key, value));
  fs::path cas = root_ / ("cache/cas/" + sha256_hex(value));
  std::string bytes = read(cas);
  bytes[100] = static_cast<char>(bytes[100] ^ 1);  // same size, other bytes
  write(cas, bytes);

  auto got = store->get(key);
  ASSERT_TRUE(got) << got.error();
  EXPECT_FALSE(got->has_value());
  ASSERT_EQ(warnings_.list.size(), 1u);
  EXPECT_NE(warnings_.list[0].find(key), std::string::npos) << warnings_.list[0];
  EXPECT_NE(warnings_.list[0].find("a tampered or corrupt remote entry; rebuilt"),
            std::string::npos)
      << warnings_.list[0];

  // The rebuilt entry is put again: its bytes replace the tampered ones,
  // though the server already has a file under that digest.
  ASSERT_TRUE(store->put(key, value));
  EXPECT_TRUE(read(cas) == value);
  auto again = store->get(key);
  ASSERT_TRUE(again) << again.error();
  ASSERT_TRUE(again->has_value());
  EXPECT_TRUE(again->value() == value);
  EXPECT_EQ(warnings_.list.size(), 1u);
}

TEST_F(CacheRemoteHttp, TruncatedContentsAndABadRecordAreMissesWithAWarning) {
  auto store = open_or_die(settings("/cache"));
  std::string truncated = key_for("truncated"), garbage = key_for("garbage");
  std::string value = random_bytes(2048, 5);
  ASSERT_TRUE(store->put(truncated, value));
  write(root_ / ("cache/cas/" + sha256_hex(value)), value.substr(0, 1000));
  ASSERT_TRUE(store->put(garbage, "x"));
  write(root_ / ("cache/ac/" + garbage), "not a record\n");
  for (const auto& key : {truncated, garbage}) {
    auto got = store->get(key);
    ASSERT_TRUE(got) << got.error();
    EXPECT_FALSE(got->has_value()) << key;
  }
  ASSERT_EQ(warnings_.list.size(), 2u);
  EXPECT_NE(warnings_.list[0].find(truncated), std::string::npos) << warnings_.list[0];
  EXPECT_NE(warnings_.list[1].find(garbage), std::string::npos) << warnings_.list[1];
}

TEST_F(CacheRemoteHttp, ARecordWhoseContentsAreGoneIsAPlainMiss) {
  auto store = open_or_die(settings("/cache"));
  std::string key = key_for("evicted"), value = "evicted contents";
  ASSERT_TRUE(store->put(key, value));
  fs::remove(root_ / ("cache/cas/" + sha256_hex(value)));
  auto got = store->get(key);
  ASSERT_TRUE(got) << got.error();
  EXPECT_FALSE(got->has_value());
  EXPECT_TRUE(warnings_.list.empty());
  ASSERT_TRUE(store->put(key, value));  // HEAD says 404: the contents are sent again
  auto again = store->get(key);
  ASSERT_TRUE(again && again->has_value());
  EXPECT_EQ(again->value(), value);
}

TEST_F(CacheRemoteHttp, StoppedServerIsAFailureWithinTheTimeout) {
  auto store = open_or_die(settings("/cache"));
  ASSERT_TRUE(store->put(key_for("before"), "before"));  // a kept-alive connection in the pool
  std::string shown = url("/cache/ac/") + key_for("before");
  server_.reset();
  auto start = std::chrono::steady_clock::now();
  auto got = store->get(key_for("before"));
  auto put = store->put(key_for("after"), "after");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  ASSERT_FALSE(put);
  EXPECT_LT(took, 3s);
  EXPECT_NE(got.error().find(shown), std::string::npos) << got.error();
  EXPECT_NE(got.error().find("check that the server is running"), std::string::npos)
      << got.error();
}

TEST_F(CacheRemoteHttp, HungServerIsAFailureWithinTheRequestTimeout) {
  SilentServer silent;
  RemoteSettings s;
  s.url = fmt::format("http://127.0.0.1:{}/cache", silent.port());
  s.connect_timeout = 300ms;
  s.request_timeout = 500ms;
  auto store = open_or_die(s);
  auto start = std::chrono::steady_clock::now();
  auto got = store->get(key_for("hung"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 3s);
  EXPECT_NE(got.error().find("no answer within the timeouts"), std::string::npos) << got.error();
}

TEST_F(CacheRemoteHttp, SendsTheHeaderAndA401IsAFailure) {
  std::string key = key_for("secure");
  for (std::string header : {"Authorization: Bearer t", "Authorization: Bearer t\r\n"}) {
    auto s = settings("/secure");
    s.header = header;
    auto store = open_or_die(s);
    auto put = store->put(key, "secret bytes");
    ASSERT_TRUE(put) << put.error();
    auto got = store->get(key);
    ASSERT_TRUE(got) << got.error();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(got->value(), "secret bytes");
    EXPECT_EQ(store->describe().find("Bearer"), std::string::npos);
  }
  for (std::string header : {"", "Authorization: Bearer wrong"}) {
    auto s = settings("/secure");
    s.header = header;
    auto store = open_or_die(s);
    auto got = store->get(key);
    ASSERT_FALSE(got) << header;
    EXPECT_NE(got.error().find("HTTP 401"), std::string::npos) << got.error();
    EXPECT_NE(got.error().find(url("/secure/ac/") + key), std::string::npos) << got.error();
    EXPECT_NE(got.error().find("check the credentials"), std::string::npos) << got.error();
    EXPECT_EQ(got.error().find("Bearer"), std::string::npos) << got.error();
    auto put = store->put(key_for("denied"), "x");
    ASSERT_FALSE(put);
    EXPECT_NE(put.error().find("HTTP 401"), std::string::npos) << put.error();
  }
  EXPECT_FALSE(fs::exists(root_ / ("secure/ac/" + key_for("denied"))));
}

TEST_F(CacheRemoteHttp, BasicAuthFromTheUrlAndThePasswordIsNeverShown) {
  auto s = settings("/basic");
  s.url = url("/basic", "u:p@");
  auto store = open_or_die(s);
  auto put = store->put(key_for("basic"), "basic");
  ASSERT_TRUE(put) << put.error();
  auto got = store->get(key_for("basic"));
  ASSERT_TRUE(got && got->has_value()) << (got ? "a miss" : got.error());
  EXPECT_EQ(got->value(), "basic");
  EXPECT_EQ(store->describe(), "remote cache " + url("/basic", "u:***@"));

  s.url = url("/basic", "u:wrongpass@");
  auto denied = open_or_die(s)->get(key_for("basic"));
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().find("HTTP 401"), std::string::npos) << denied.error();
  EXPECT_NE(denied.error().find(url("/basic/ac/", "u:***@")), std::string::npos) << denied.error();
  EXPECT_EQ(denied.error().find("wrongpass"), std::string::npos) << denied.error();
}

TEST_F(CacheRemoteHttp, A5xxIsAFailure) {
  auto store = open_or_die(settings("/broken"));
  auto got = store->get(key_for("broken"));
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().find("HTTP 500"), std::string::npos) << got.error();
  EXPECT_NE(got.error().find("check the server's error log"), std::string::npos) << got.error();
  EXPECT_FALSE(store->put(key_for("broken"), "x"));
}

TEST_F(CacheRemoteHttp, ManyThreadsAtOnce) {
  auto store = open_or_die(settings("/cache"));
  hammer(*store, "http");
  EXPECT_TRUE(warnings_.list.empty());
}

// --- Redis --------------------------------------------------------------------

class CacheRemoteRedis : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!redis_server_installed()) GTEST_SKIP() << "redis-server is not installed";
  }

  static RemoteSettings settings(const std::string& url) {
    RemoteSettings s;
    s.url = url;
    s.connect_timeout = 1000ms;
    s.request_timeout = 5000ms;
    return s;
  }

  // GET of a raw Redis key in `db`, bypassing the store.
  static std::optional<std::string> raw_get(int port, int db, const std::string& name) {
    redisContext* c = redisConnect("127.0.0.1", port);
    if (!c || c->err) throw std::runtime_error("cannot connect to redis-server");
    freeReplyObject(redisCommand(c, "SELECT %d", db));
    auto* r = static_cast<redisReply*>(redisCommand(c, "GET %s", name.c_str()));
    std::optional<std::string> out;
    if (r && r->type == REDIS_REPLY_STRING) out = std::string(r->str, r->len);
    freeReplyObject(r);
    redisFree(c);
    return out;
  }
};

TEST_F(CacheRemoteRedis, RoundTripsBinaryValuesUnderThePrefixAndMisses) {
  RedisServer redis;
  std::string base = fmt::format("redis://127.0.0.1:{}", redis.port());
  auto store = open_or_die(settings(base));
  std::string blob = random_bytes(5 * 1024 * 1024, 11);
  std::vector<std::pair<std::string, std::string>> entries = {
      {key_for("all"), all_bytes()}, {key_for("blob"), blob}, {key_for("text"), "hello\n"}};
  for (const auto& [key, value] : entries) {
    auto put = store->put(key, value);
    ASSERT_TRUE(put) << put.error();
  }
  for (const auto& [key, value] : entries) {
    auto got = store->get(key);
    ASSERT_TRUE(got) << got.error();
    ASSERT_TRUE(got->has_value()) << key;
    EXPECT_TRUE(got->value() == value) << key;
  }
  auto raw = raw_get(redis.port(), 0, "assetpipe:" + key_for("all"));
  ASSERT_TRUE(raw.has_value());
  EXPECT_TRUE(*raw == all_bytes());
  auto miss = store->get(key_for("never written"));
  ASSERT_TRUE(miss) << miss.error();
  EXPECT_FALSE(miss->has_value());
  EXPECT_EQ(store->describe(), "remote cache " + base);
  // Port 6379 and db 0 are the defaults: "redis://host" parses.
  EXPECT_TRUE(cache::open_remote(settings("redis://127.0.0.1")));
}

TEST_F(CacheRemoteRedis, TheDbNumberSelectsAnotherDb) {
  RedisServer redis;
  auto in1 = open_or_die(settings(fmt::format("redis://127.0.0.1:{}/1", redis.port())));
  auto in2 = open_or_die(settings(fmt::format("redis://127.0.0.1:{}/2", redis.port())));
  auto in0 = open_or_die(settings(fmt::format("redis://127.0.0.1:{}/", redis.port())));
  std::string key = key_for("db");
  ASSERT_TRUE(in1->put(key, "in db 1"));
  auto got1 = in1->get(key);
  ASSERT_TRUE(got1 && got1->has_value());
  EXPECT_EQ(got1->value(), "in db 1");
  for (auto* other : {in2.get(), in0.get()}) {
    auto got = other->get(key);
    ASSERT_TRUE(got) << got.error();
    EXPECT_FALSE(got->has_value()) << other->describe();
  }
  EXPECT_EQ(raw_get(redis.port(), 1, "assetpipe:" + key), "in db 1");
  EXPECT_EQ(raw_get(redis.port(), 0, "assetpipe:" + key), std::nullopt);
}

TEST_F(CacheRemoteRedis, PasswordAndUserAuthAndAWrongPasswordIsAFailure) {
  RedisServer redis({"--requirepass", "pw", "--user", "alice", "on", ">secret", "~*", "&*", "+@all"});
  int port = redis.port();
  std::string key = key_for("auth");
  auto store = open_or_die(settings(fmt::format("redis://:pw@127.0.0.1:{}", port)));
  auto put = store->put(key, "with a password");
  ASSERT_TRUE(put) << put.error();
  auto got = store->get(key);
  ASSERT_TRUE(got && got->has_value()) << (got ? "a miss" : got.error());
  EXPECT_EQ(got->value(), "with a password");
  EXPECT_EQ(store->describe(), fmt::format("remote cache redis://:***@127.0.0.1:{}", port));

  auto alice = open_or_die(settings(fmt::format("redis://alice:secret@127.0.0.1:{}/0", port)));
  auto as_alice = alice->get(key);
  ASSERT_TRUE(as_alice && as_alice->has_value()) << (as_alice ? "a miss" : as_alice.error());
  EXPECT_EQ(as_alice->value(), "with a password");

  for (std::string url : {fmt::format("redis://:wrongpass@127.0.0.1:{}", port),
                          fmt::format("redis://alice:wrongpass@127.0.0.1:{}", port),
                          fmt::format("redis://127.0.0.1:{}", port)}) {
    auto bad = open_or_die(settings(url));
    auto r = bad->get(key);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().find("wrongpass"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(fmt::format("127.0.0.1:{}", port)), std::string::npos) << r.error();
    EXPECT_FALSE(bad->put(key, "x")) << url;
  }
  EXPECT_EQ(raw_get(port, 0, "assetpipe:" + key), std::nullopt);  // raw_get has no password
}

TEST_F(CacheRemoteRedis, APasswordWithReservedCharactersIsPercentEncoded) {
  RedisServer redis({"--requirepass", "p@ss:w/rd"});
  auto store =
      open_or_die(settings(fmt::format("redis://:p%40ss%3Aw%2Frd@127.0.0.1:{}", redis.port())));
  auto put = store->put(key_for("encoded"), "encoded");
  ASSERT_TRUE(put) << put.error();
  auto got = store->get(key_for("encoded"));
  ASSERT_TRUE(got && got->has_value()) << (got ? "a miss" : got.error());
  EXPECT_EQ(got->value(), "encoded");
}

TEST_F(CacheRemoteRedis, APooledConnectionTheServerClosedIsReplacedNotAFailure) {
  RedisServer redis;
  auto store = open_or_die(settings(fmt::format("redis://127.0.0.1:{}/4", redis.port())));
  ASSERT_TRUE(store->put(key_for("kept"), "kept"));  // its connection is now in the pool
  // The server drops every other client, as after an idle timeout.
  redisContext* c = redisConnect("127.0.0.1", redis.port());
  ASSERT_TRUE(c && !c->err);
  auto* killed = static_cast<redisReply*>(redisCommand(c, "CLIENT KILL TYPE normal"));
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->type, REDIS_REPLY_INTEGER);
  EXPECT_GE(killed->integer, 1);
  freeReplyObject(killed);
  redisFree(c);
  auto got = store->get(key_for("kept"));
  ASSERT_TRUE(got) << got.error();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(got->value(), "kept");
}

TEST_F(CacheRemoteRedis, StoppedServerIsAFailureWithinTheTimeout) {
  RedisServer redis;
  auto store = open_or_die(settings(fmt::format("redis://127.0.0.1:{}", redis.port())));
  ASSERT_TRUE(store->put(key_for("before"), "before"));  // a connection in the pool
  redis.stop();
  auto start = std::chrono::steady_clock::now();
  auto got = store->get(key_for("before"));  // on the pooled, now dead connection
  auto again = store->get(key_for("before"));  // a new connection: refused
  auto put = store->put(key_for("after"), "after");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  ASSERT_FALSE(again);
  ASSERT_FALSE(put);
  EXPECT_LT(took, 3s);
  EXPECT_NE(again.error().find("cannot connect"), std::string::npos) << again.error();
  EXPECT_NE(again.error().find("check that redis-server is running"), std::string::npos)
      << again.error();
}

TEST_F(CacheRemoteRedis, HungServerIsAFailureWithinTheRequestTimeout) {
  SilentServer silent;
  auto s = settings(fmt::format("redis://127.0.0.1:{}", silent.port()));
  s.connect_timeout = 300ms;
  s.request_timeout = 500ms;
  auto store = open_or_die(s);
  auto start = std::chrono::steady_clock::now();
  auto got = store->get(key_for("hung"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 3s);
  EXPECT_NE(got.error().find("no answer within 500 ms"), std::string::npos) << got.error();
}

TEST_F(CacheRemoteRedis, ManyThreadsAtOnce) {
  RedisServer redis;
  auto store = open_or_die(settings(fmt::format("redis://127.0.0.1:{}/3", redis.port())));
  hammer(*store, "redis");
}

// --- open_remote and redact_url ---------------------------------------------

TEST(CacheRemoteOpen, RefusesWhatIsNotAnHttpOrRedisUrl) {
  for (std::string url : {"", "ftp://host/x", "host:6379", "/tmp/cache", "file:///tmp/cache",
                          "http://", "https:///prefix", "redis://", "redis://:6379",
                          "redis://host:notaport", "redis://host:70000", "redis://host/notadb",
                          "redis://[::1:6379"}) {
    RemoteSettings s;
    s.url = url;
    auto r = cache::open_remote(s);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().rfind("--remote-cache URL: ", 0), 0u) << r.error();
    EXPECT_NE(r.error().find("give http(s)://host/prefix or redis://host:port/db"),
              std::string::npos)
        << r.error();
  }
  RemoteSettings s;
  s.url = "ftp://user:hunter2@host/x";
  auto r = cache::open_remote(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().find("hunter2"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("ftp://user:***@host/x"), std::string::npos) << r.error();
}

TEST(CacheRemoteOpen, RefusesAHeaderThatIsNotOneLineWithoutShowingIt) {
  for (std::string header : {"Authorization: Bearer s3cret\r\nX-Other: 1", "Bearer s3cret"}) {
    RemoteSettings s;
    s.url = "http://127.0.0.1:1/prefix";
    s.header = header;
    auto r = cache::open_remote(s);
    ASSERT_FALSE(r) << header;
    EXPECT_NE(r.error().find("one header line"), std::string::npos) << r.error();
    EXPECT_EQ(r.error().find("s3cret"), std::string::npos) << r.error();
  }
  RemoteSettings s;
  s.url = "http://127.0.0.1:1/prefix";
  s.header = "Authorization: Bearer s3cret\n";  // as read from a file: the newline is dropped
  EXPECT_TRUE(cache::open_remote(s));
}

TEST(CacheRemoteOpen, AcceptsEachFormWithoutConnecting) {
  // Nothing listens on port 1: opening does not connect.
  for (std::string url : {"http://127.0.0.1:1/prefix", "https://cache.example/p/q",
                          "HTTP://127.0.0.1:1", "redis://127.0.0.1:1", "redis://:pw@127.0.0.1:1/5",
                          "redis://user:pw@[::1]:1/0", "redis://localhost"}) {
    RemoteSettings s;
    s.url = url;
    auto r = cache::open_remote(s);
    ASSERT_TRUE(r) << url << ": " << r.error();
    EXPECT_EQ((*r)->describe(), "remote cache " + cache::redact_url(url));
  }
}

TEST(CacheRemoteOpen, RedactUrlHidesPasswords) {
  EXPECT_EQ(cache::redact_url("http://u:p@h/x"), "http://u:***@h/x");
  EXPECT_EQ(cache::redact_url("https://user:pa@ss@host:8443/a/b"), "https://user:***@host:8443/a/b");
  EXPECT_EQ(cache::redact_url("redis://:pw@h:1/2"), "redis://:***@h:1/2");
  EXPECT_EQ(cache::redact_url("redis://alice:s3cret@h"), "redis://alice:***@h");
  EXPECT_EQ(cache::redact_url("http://h/x"), "http://h/x");
  EXPECT_EQ(cache::redact_url("http://u@h/x"), "http://u@h/x");
  EXPECT_EQ(cache::redact_url("http://h:80/a@b:c"), "http://h:80/a@b:c");
  EXPECT_EQ(cache::redact_url("http://u:p@h?q=a@b"), "http://u:***@h?q=a@b");
  EXPECT_EQ(cache::redact_url("not a url"), "not a url");
}

}  // namespace
}  // namespace assetpipe::test
