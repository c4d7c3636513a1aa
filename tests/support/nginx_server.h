// A real nginx (Debian's /usr/sbin/nginx) started as a child process on a
// free loopback port, with a temporary prefix and a generated nginx.conf that
// includes assetpipe's snippets; and a tiny HTTP/1.1 client to talk to it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.h"

namespace assetpipe::test {

struct HttpResponse {
  int status = 0;
  // Lowercased name -> values of every header line with that name, joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  std::string raw_head;  // status line and headers, for failure messages

  bool has(const std::string& name) const { return headers.count(name) > 0; }
  std::string header(const std::string& name) const;
  // True when a comma-separated header lists `token` (case-insensitive).
  bool header_lists(const std::string& name, const std::string& token) const;
};

void replace_all(std::string& s, const std::string& from, const std::string& to);

// "/a b/ü.js" -> "/a%20b/%C3%BC.js": every byte but unreserved ones and '/'.
std::string url_encode_path(const std::string& path);

struct NginxSetup {
  std::filesystem::path root;      // the server's `root`
  std::filesystem::path snippets;  // folder holding http.conf and server.conf
  std::string server_extra;        // directives after the server.conf include
  // When set: the whole nginx.conf to run instead of the generated one, with
  // "{port}" and "{prefix}" replaced (root and snippets are then unused).
  std::string full_config;
};

// A whole nginx.conf (for NginxSetup::full_config) of one server on the
// loopback port serving `root`, with `locations` (location blocks) inside it:
// a WebDAV cache server, say, without assetpipe's snippets.
std::string plain_server_config(const std::filesystem::path& root, const std::string& locations);

class NginxServer {
 public:
  // Starts nginx and waits until it accepts connections; throws
  // std::runtime_error with nginx's error log if it does not start.
  explicit NginxServer(NginxSetup setup);
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  int port() const { return port_; }
  // GET (or another method) of `target` (already URL-encoded), Connection: close.
  HttpResponse request(const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& method = "GET") const;
  std::string error_log() const;

  // `nginx -t` on the configuration this server runs with.
  RunResult test_config() const;

 private:
  bool try_start();
  void stop();

  NginxSetup setup_;
  TempDir prefix_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// The SPA fallback most single-page apps use: lets tests prove that a missing
// hashed file is a 404 even with such a location in the server.
inline constexpr const char* kSpaFallback = "location / { try_files $uri $uri/ /index.html; }";

}  // namespace assetpipe::test
