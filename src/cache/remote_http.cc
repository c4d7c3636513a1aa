#include "cache/remote_http.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/no_sigpipe.h"

namespace assetpipe::cache {
namespace {

// Idle handles kept for reuse: each holds its open connection, so a build's
// thousands of small requests do not each pay a TCP (and TLS) handshake.
constexpr size_t kMaxIdleHandles = 16;
// An ac record is "<64 hex> <size>\n"; anything longer is not one.
constexpr size_t kMaxRecordBytes = 128;

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(digits[md[i] >> 4]);
    out.push_back(digits[md[i] & 15]);
  }
  return out;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "<sha256-hex> <size>\n" -> digest and size; false for anything else.
bool parse_record(std::string_view record, std::string& digest, uint64_t& size) {
  if (record.size() < 67 || record.size() > kMaxRecordBytes || record.back() != '\n') return false;
  if (!is_hex64(record.substr(0, 64)) || record[64] != ' ') return false;
  std::string_view digits = record.substr(65, record.size() - 66);
  if (digits.empty() || digits.size() > 19) return false;
  uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  digest = std::string(record.substr(0, 64));
  size = n;
  return true;
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  static_cast<std::string*>(user)->append(data, size * nmemb);
  return size * nmemb;
}

struct Upload {
  std::string_view bytes;
  size_t offset = 0;
};

size_t on_upload(char* buffer, size_t size, size_t nitems, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * nitems, up->bytes.size() - up->offset);
  std::copy_n(up->bytes.data() + up->offset, n, buffer);
  up->offset += n;
  return n;
}

struct Response {
  long status = 0;
  std::string body;
};

class HttpStorage final : public Storage {
 public:
  explicit HttpStorage(RemoteSettings settings) : settings_(std::move(settings)) {
    // libcurl's global state is set up once per process, before any handle;
    // it is never torn down (other stores may still be in use at exit).
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    base_ = settings_.url;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    // "Expect: 100-continue" would cost every PUT a round trip (or a second
    // of waiting on servers that ignore it); the entries are small.
    headers_ = curl_slist_append(headers_, "Expect:");
    // One header line: a trailing newline (from a file or an environment
    // variable) would end the request's headers early.
    std::string header = settings_.header;
    while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.pop_back();
    if (!header.empty()) headers_ = curl_slist_append(headers_, header.c_str());
  }

  ~HttpStorage() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
    curl_slist_free_all(headers_);
  }

  HttpStorage(const HttpStorage&) = delete;
  HttpStorage& operator=(const HttpStorage&) = delete;

  util::Result<std::optional<std::string>> get(const std::string& key) override {
    if (!is_hex64(key)) return util::fail(fmt::format("remote cache: bad key \"{}\"", key));
    std::string ac = base_ + "/ac/" + key;
    auto record = request("GET", ac, {});
    if (!record) return util::fail(record.error());
    if (record->status == 404) return std::optional<std::string>{};
    std::string digest;
    uint64_t size = 0;
    if (!parse_record(record->body, digest, size)) return corrupt(key);
    auto content = request("GET", base_ + "/cas/" + digest, {});
    if (!content) return util::fail(content.error());
    // The record points at contents the server no longer has (an object
    // store evicts them on its own): a plain miss, rebuilt and put again.
    if (content->status == 404) return std::optional<std::string>{};
    if (content->body.size() != size || sha256_hex(content->body) != digest) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        bad_contents_.insert(digest);
      }
      return corrupt(key);
    }
    return std::optional<std::string>{std::move(content->body)};
  }

  util::Result<util::Ok> put(const std::string& key, std::string_view value) override {
    if (!is_hex64(key)) return util::fail(fmt::format("remote cache: bad key \"{}\"", key));
    std::string digest = sha256_hex(value);
    std::string cas = base_ + "/cas/" + digest;
    // Contents are addressed by their digest: when the server has them
    // already (the same bytes from another key or another build), they are
    // not sent again. Except contents this store read as corrupt: the
    // rebuilt entry's bytes replace them, else the entry would stay a miss.
    bool known_bad = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      known_bad = bad_contents_.count(digest) > 0;
    }
    long head_status = 404;
    if (!known_bad) {
      auto head = request("HEAD", cas, {});
      if (!head) return util::fail(head.error());
      head_status = head->status;
    }
    if (head_status == 404) {
      auto r = request("PUT", cas, value);
      if (!r) return util::fail(r.error());
    }
    // The record last, so that a reader never finds one pointing at nothing.
    std::string record = fmt::format("{} {}\n", digest, value.size());
    auto r = request("PUT", base_ + "/ac/" + key, record);
    if (!r) return util::fail(r.error());
    if (known_bad) {
      std::lock_guard<std::mutex> lock(mu_);
      bad_contents_.erase(digest);
    }
    return util::Ok{};
  }

  std::string describe() const override { return "remote cache " + redact_url(base_); }

 private:
  CURL* acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* h, bool reusable) {
    if (reusable) {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdleHandles) {
        idle_.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }

  util::Result<std::optional<std::string>> corrupt(const std::string& key) {
    if (settings_.warn) {
      settings_.warn(fmt::format(
          "{}: entry {} does not match its digest (a tampered or corrupt remote entry; rebuilt)",
          describe(), key));
    }
    return std::optional<std::string>{};
  }

  // One request; a status that is neither success nor 404 is a failure.
  // GET and HEAD: 200 or 404; PUT: any 2xx (WebDAV answers 201 or 204).
  util::Result<Response> request(const char* method, const std::string& url,
                                 std::string_view upload) {
    CURL* h = acquire();
    if (!h) return util::fail("remote cache: cannot create a libcurl handle (out of memory?)");
    // Reset keeps the handle's open connections and caches, clears the
    // options of the previous request.
    curl_easy_reset(h);
    Response response;
    Upload up{upload};
    char errbuf[CURL_ERROR_SIZE] = {0};
    bool put = std::string_view(method) == "PUT";
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    if (put) {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, on_upload);
      curl_easy_setopt(h, CURLOPT_READDATA, &up);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.size()));
    } else if (std::string_view(method) == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = CURLE_OK;
    {
      util::NoSigpipe no_sigpipe;  // TLS writes to a server that went away
      rc = curl_easy_perform(h);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    // A handle whose transfer broke is not kept: its connection may be half-dead.
    release(h, rc == CURLE_OK);
    std::string shown = redact_url(url);
    if (rc != CURLE_OK) {
      std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      std::string check =
          rc == CURLE_OPERATION_TIMEDOUT
              ? fmt::format("no answer within the timeouts ({} ms to connect, {} ms in all); "
                            "check that the server is up and not overloaded",
                            settings_.connect_timeout.count(), settings_.request_timeout.count())
              : "check that the server is running and the URL's host and port are right";
      return util::fail(fmt::format("remote cache: {} {} failed: {} ({})", method, shown, why, check));
    }
    long s = response.status;
    bool ok = put ? (s >= 200 && s < 300) : (s == 200 || s == 404);
    if (!ok) {
      std::string check =
          s == 401 || s == 403
              ? "check the credentials: the URL's user:password or the header "
                "(ASSETPIPE_REMOTE_CACHE_HEADER)"
          : s >= 500 ? "check the server's error log"
          : s == 405 || s == 501
              ? "check that the server accepts PUT there (nginx: dav_methods PUT)"
              : "check that the URL names a remote cache";
      return util::fail(
          fmt::format("remote cache: {} {} answered HTTP {} ({})", method, shown, s, check));
    }
    return response;
  }

  RemoteSettings settings_;
  std::string base_;  // the URL without trailing slashes
  curl_slist* headers_ = nullptr;
  std::mutex mu_;  // guards idle_ and bad_contents_
  std::vector<CURL*> idle_;
  std::set<std::string> bad_contents_;  // digests whose cas bytes did not match
};

}  // namespace

util::Result<std::unique_ptr<Storage>> open_http_remote(const RemoteSettings& settings) {
  auto scheme_end = settings.url.find("://");
  std::string rest = scheme_end == std::string::npos ? "" : settings.url.substr(scheme_end + 3);
  std::string authority = rest.substr(0, rest.find('/'));
  auto at = authority.rfind('@');
  std::string host = at == std::string::npos ? authority : authority.substr(at + 1);
  if (host.empty() || host[0] == ':') {
    return util::fail(fmt::format(
        "--remote-cache URL: {} names no host; give http(s)://host/prefix or "
        "redis://host:port/db",
        redact_url(settings.url)));
  }
  std::string header = settings.header;
  while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.pop_back();
  if (header.find_first_of("\r\n") != std::string::npos ||
      (!header.empty() && header.find(':') == std::string::npos)) {
    // Not the header itself: it holds a secret.
    return util::fail(
        "remote cache header (ASSETPIPE_REMOTE_CACHE_HEADER): give one header line, like "
        "\"Authorization: Bearer TOKEN\"");
  }
  return std::unique_ptr<Storage>(std::make_unique<HttpStorage>(settings));
}

}  // namespace assetpipe::cache
