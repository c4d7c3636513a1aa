#include "support/nginx_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

extern char** environ;

namespace fs = std::filesystem;

namespace assetpipe::test {
namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kBrotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

// nginx.conf quoting, for the test's own paths.
std::string q(const fs::path& p) {
  std::string out = "\"";
  for (char c : p.string()) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string nginx_conf(const NginxSetup& s, const fs::path& prefix, int port) {
  std::string user = ::geteuid() == 0 ? "user root;\n" : "";
  return fmt::format(
      "load_module {module};\n"
      "daemon off;\nmaster_process off;\nworker_processes 1;\n{user}"
      "error_log {log} info;\npid {pid};\n"
      "events {{ worker_connections 64; }}\n"
      "http {{\n"
      "  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
      "  access_log off;\n"
      "  client_body_temp_path {t}/body;\n  proxy_temp_path {t}/proxy;\n"
      "  fastcgi_temp_path {t}/fastcgi;\n  uwsgi_temp_path {t}/uwsgi;\n"
      "  scgi_temp_path {t}/scgi;\n"
      "  include {http};\n"
      "  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n"
      "    include {server};\n    {extra}\n  }}\n"
      "}}\n",
      fmt::arg("module", kBrotliModule), fmt::arg("user", user),
      fmt::arg("log", q(prefix / "logs/error.log")), fmt::arg("pid", q(prefix / "nginx.pid")),
      fmt::arg("t", prefix.string()), fmt::arg("http", q(s.snippets / "http.conf")),
      fmt::arg("port", port), fmt::arg("root", q(s.root)),
      fmt::arg("server", q(s.snippets / "server.conf")), fmt::arg("extra", s.server_extra));
}

}  // namespace

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

bool HttpResponse::header_lists(const std::string& name, const std::string& token) const {
  std::stringstream ss(header(name));
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (lower(trim(item)) == lower(token)) return true;
  }
  return false;
}

std::string url_encode_path(const std::string& path) {
  std::string out;
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

NginxServer::NginxServer(NginxSetup setup) : setup_(std::move(setup)) {
  fs::create_directories(prefix_.path() / "logs");
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (try_start()) return;
  }
  throw std::runtime_error("nginx did not start:\n" + error_log());
}

NginxServer::~NginxServer() { stop(); }

bool NginxServer::try_start() {
  port_ = free_loopback_port();
  std::string conf_text = nginx_conf(setup_, prefix_.path(), port_);
  if (!setup_.full_config.empty()) {
    conf_text = setup_.full_config;
    replace_all(conf_text, "{port}", std::to_string(port_));
    replace_all(conf_text, "{prefix}", prefix_.path().string());
  }
  write(prefix_ / "nginx.conf", conf_text);
  std::string prefix = prefix_.path().string() + "/";
  std::string conf = (prefix_ / "nginx.conf").string();
  std::string log = (prefix_ / "logs/error.log").string();
  std::vector<std::string> args = {kNginx, "-p", prefix, "-c", conf, "-e", log};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  int rc = ::posix_spawn(&pid_, kNginx, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("cannot run nginx: ") + std::strerror(rc));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken or bad config
      pid_ = -1;
      return false;
    }
    int fd = connect_loopback(port_);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  return false;
}

void NginxServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string NginxServer::error_log() const {
  std::error_code ec;
  if (!fs::exists(prefix_ / "logs/error.log", ec)) return "(no error log)";
  return read(prefix_ / "logs/error.log");
}

RunResult NginxServer::test_config() const {
  return run_program({kNginx, "-t", "-p", prefix_.path().string() + "/", "-c",
                      (prefix_ / "nginx.conf").string(), "-e",
                      (prefix_ / "logs/test.log").string()});
}

HttpResponse NginxServer::request(const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& method) const {
  int fd = connect_loopback(port_);
  if (fd < 0) throw std::runtime_error("cannot connect to nginx");
  std::string req =
      fmt::format("{} {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n", method, target);
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  for (size_t off = 0; off < req.size();) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot send the request");
    }
    off += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) throw std::runtime_error("incomplete response: " + raw);
  HttpResponse r;
  r.raw_head = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  std::stringstream ss(r.raw_head);
  std::string line;
  std::getline(ss, line);
  if (line.rfind("HTTP/1.1 ", 0) != 0) throw std::runtime_error("bad status line: " + line);
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(ss, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = lower(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    auto& slot = r.headers[name];
    slot = slot.empty() ? value : slot + ", " + value;
  }
  if (r.has("content-length") && method != "HEAD" &&
      std::stoul(r.header("content-length")) != r.body.size()) {
    throw std::runtime_error("body shorter than Content-Length:\n" + r.raw_head);
  }
  return r;
}

std::string plain_server_config(const fs::path& root, const std::string& locations) {
  std::string user = ::geteuid() == 0 ? "user root;\n" : "";
  return fmt::format(
      "daemon off;\nmaster_process off;\nworker_processes 1;\n{user}"
      "error_log {{prefix}}/logs/error.log info;\npid {{prefix}}/nginx.pid;\n"
      "events {{ worker_connections 512; }}\n"
      "http {{\n  access_log off;\n"
      "  client_body_temp_path {{prefix}}/body;\n  proxy_temp_path {{prefix}}/proxy;\n"
      "  fastcgi_temp_path {{prefix}}/fastcgi;\n  uwsgi_temp_path {{prefix}}/uwsgi;\n"
      "  scgi_temp_path {{prefix}}/scgi;\n"
      "  server {{\n    listen 127.0.0.1:{{port}};\n    root \"{root}\";\n{locations}"
      "  }}\n}}\n",
      fmt::arg("user", user), fmt::arg("root", root.string()), fmt::arg("locations", locations));
}

}  // namespace assetpipe::test
