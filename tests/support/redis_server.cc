#include "support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/test_support.h"

extern char** environ;

namespace assetpipe::test {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";

// True when the server answers a PING (+PONG, or -NOAUTH with a password):
// redis-server listens before it reads its ACL, and may still exit on a bad one.
bool answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char ping[] = "PING\r\n";
    char c = 0;
    ok = ::send(fd, ping, sizeof ping - 1, MSG_NOSIGNAL) == sizeof ping - 1 &&
         ::recv(fd, &c, 1, 0) == 1 && (c == '+' || c == '-');
  }
  ::close(fd);
  return ok;
}

}  // namespace

bool redis_server_installed() { return ::access(kRedisServer, X_OK) == 0; }

int free_loopback_port_for_tests() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

RedisServer::RedisServer(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (try_start()) return;
  }
  throw std::runtime_error("redis-server did not start:\n" + log_);
}

RedisServer::~RedisServer() { stop(); }

bool RedisServer::try_start() {
  port_ = free_loopback_port_for_tests();
  // No RDB or AOF files, and a folder of its own should it write anything.
  std::vector<std::string> args = {kRedisServer, "--port", std::to_string(port_), "--bind",
                                   "127.0.0.1", "--save", "", "--appendonly", "no",
                                   "--daemonize", "no", "--loglevel", "warning",
                                   "--dir", dir_.path().string()};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log = (dir_ / "redis.log").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  int rc = ::posix_spawn(&pid_, kRedisServer, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("cannot run redis-server: ") + std::strerror(rc));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited: port taken or bad option
      pid_ = -1;
      log_ = read(log);
      return false;
    }
    if (answers(port_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  log_ = read(log);
  stop();
  return false;
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);  // nothing to save: it runs without persistence
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace assetpipe::test
