#include "cache/remote_redis.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <charconv>
#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/no_sigpipe.h"

namespace assetpipe::cache {
namespace {

// Idle connections kept for reuse (one per thread that used the store at once).
constexpr size_t kMaxIdleContexts = 16;

struct RedisAddress {
  std::string user;  // empty: AUTH with the password alone (Redis < 6, requirepass)
  std::string password;
  bool has_password = false;
  std::string host;
  int port = 6379;
  int db = 0;
};

// "%3A" -> ':' in the user and password (how a URL carries '@', ':' or '/' there).
std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned v = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr == s.data() + i + 3) {
      out.push_back(static_cast<char>(v));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool parse_int(std::string_view s, int lo, int hi, int& out) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) {
    return false;
  }
  out = v;
  return true;
}

util::Result<RedisAddress> parse_redis_url(const std::string& url) {
  auto bad = [&](const char* why) {
    return util::fail(fmt::format(
        "--remote-cache URL: {} {}; give http(s)://host/prefix or redis://host:port/db",
        redact_url(url), why));
  };
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  RedisAddress a;
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_int(db, 0, 1 << 20, a.db)) return bad("has a bad db number");
  }
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    a.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      a.password = percent_decode(userinfo.substr(colon + 1));
      a.has_password = true;
    }
  }
  // "[::1]:6380" for an IPv6 address.
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed [ in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("has a bad port");
      port = after.substr(1);
      if (port.empty()) return bad("has a bad port");
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return bad("has a bad port");
  }
  if (host.empty()) return bad("names no host");
  if (!port.empty() && !parse_int(port, 1, 65535, a.port)) return bad("has a bad port");
  a.host = std::string(host);
  return a;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisStorage final : public Storage {
 public:
  RedisStorage(RemoteSettings settings, RedisAddress address)
      : settings_(std::move(settings)), address_(std::move(address)) {}

  ~RedisStorage() override {
    for (redisContext* c : idle_) redisFree(c);
  }

  RedisStorage(const RedisStorage&) = delete;
  RedisStorage& operator=(const RedisStorage&) = delete;

  util::Result<std::optional<std::string>> get(const std::string& key) override {
    std::string name = "assetpipe:" + key;
    auto r = run("GET", [&](redisContext* c) {
      return redisCommand(c, "GET %b", name.data(), name.size());
    });
    if (!r) return util::fail(r.error());
    if ((*r)->type == REDIS_REPLY_NIL) return std::optional<std::string>{};
    if ((*r)->type != REDIS_REPLY_STRING) {
      return util::fail(fmt::format("{}: GET answered a reply of type {}, not a string; check that "
                                    "the URL names a Redis server",
                                    describe(), (*r)->type));
    }
    return std::optional<std::string>{std::string((*r)->str, (*r)->len)};
  }

  util::Result<util::Ok> put(const std::string& key, std::string_view value) override {
    std::string name = "assetpipe:" + key;
    auto r = run("SET", [&](redisContext* c) {
      return redisCommand(c, "SET %b %b", name.data(), name.size(), value.data(), value.size());
    });
    if (!r) return util::fail(r.error());
    return util::Ok{};
  }

  std::string describe() const override { return "remote cache " + redact_url(settings_.url); }

 private:
  static bool timed_out(const redisContext* c, int err) {
    // hiredis reports a read timeout as an I/O error with EAGAIN.
    return c->err == REDIS_ERR_IO && (err == EAGAIN || err == EWOULDBLOCK);
  }

  // One command, on a context of the pool, given back after a good reply.
  // A pooled connection that the server closed since (it restarted, or a
  // proxy dropped idle clients) fails at once: the command is then sent once
  // more on a new connection. Not after a timeout: that would double the wait.
  template <typename Send>
  util::Result<Reply> run(const char* command, Send send) {
    util::NoSigpipe no_sigpipe;
    for (int attempt = 0;; ++attempt) {
      bool pooled = false;
      auto c = acquire(pooled);
      if (!c) return util::fail(c.error());
      Reply r(static_cast<redisReply*>(send(*c)));
      int err = errno;
      if (!r && pooled && attempt == 0 && !timed_out(*c, err)) {
        redisFree(*c);
        continue;
      }
      errno = err;
      auto checked = check(*c, r.get(), command);
      if (!checked) return util::fail(checked.error());
      release(*c);
      return r;
    }
  }

  // A context to use alone until release(): an idle one, else a new one,
  // connected, authenticated and on the right db.
  util::Result<redisContext*> acquire(bool& pooled) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        redisContext* c = idle_.back();
        idle_.pop_back();
        pooled = true;
        return c;
      }
    }
    pooled = false;
    redisContext* c = redisConnectWithTimeout(address_.host.c_str(), address_.port,
                                              to_timeval(settings_.connect_timeout));
    if (!c) return util::fail(describe() + ": cannot allocate a Redis connection");
    if (c->err) {
      std::string why = c->errstr;
      redisFree(c);
      return util::fail(fmt::format(
          "{}: cannot connect: {} (check that redis-server is running on {}:{} and reachable "
          "within {} ms)",
          describe(), why, address_.host, address_.port, settings_.connect_timeout.count()));
    }
    redisSetTimeout(c, to_timeval(settings_.request_timeout));
    if (address_.has_password) {
      Reply r(static_cast<redisReply*>(
          address_.user.empty()
              ? redisCommand(c, "AUTH %b", address_.password.data(), address_.password.size())
              : redisCommand(c, "AUTH %b %b", address_.user.data(), address_.user.size(),
                             address_.password.data(), address_.password.size())));
      auto checked = check(c, r.get(), "AUTH", "check the URL's user and password");
      if (!checked) return util::fail(checked.error());
    }
    if (address_.db != 0) {
      Reply r(static_cast<redisReply*>(redisCommand(c, "SELECT %d", address_.db)));
      auto checked = check(c, r.get(), "SELECT", "check the URL's db number");
      if (!checked) return util::fail(checked.error());
    }
    return c;
  }

  void release(redisContext* c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdleContexts) {
        idle_.push_back(c);
        return;
      }
    }
    redisFree(c);
  }

  // Ok for a reply that is there and no error (the caller then gives the
  // context back); otherwise the context is freed (after an I/O error or a
  // timeout hiredis cannot use it again, and an error reply means the
  // connection is not set up as it should be) and the failure says why.
  // `hint` says what to check after an error reply.
  util::Result<util::Ok> check(redisContext* c, const redisReply* r, const char* command,
                               const char* hint = "") {
    int err = errno;
    if (!r) {
      std::string why = c->errstr[0] ? c->errstr : "no reply";
      bool late = timed_out(c, err);
      redisFree(c);
      if (late) {
        return util::fail(fmt::format(
            "{}: {} got no answer within {} ms (check that the server is up and not overloaded)",
            describe(), command, settings_.request_timeout.count()));
      }
      return util::fail(fmt::format("{}: {} failed: {} (check that redis-server is running)",
                                    describe(), command, why));
    }
    if (r->type == REDIS_REPLY_ERROR) {
      std::string why(r->str, r->len);
      redisFree(c);
      return util::fail(fmt::format("{}: {} answered an error: {}{}", describe(), command, why,
                                    *hint ? fmt::format(" ({})", hint) : ""));
    }
    return util::Ok{};
  }

  RemoteSettings settings_;
  RedisAddress address_;
  std::mutex mu_;
  std::vector<redisContext*> idle_;
};

}  // namespace

util::Result<std::unique_ptr<Storage>> open_redis_remote(const RemoteSettings& settings) {
  auto address = parse_redis_url(settings.url);
  if (!address) return util::fail(address.error());
  return std::unique_ptr<Storage>(std::make_unique<RedisStorage>(settings, std::move(*address)));
}

}  // namespace assetpipe::cache
