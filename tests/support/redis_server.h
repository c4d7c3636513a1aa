// A real redis-server (Debian's) started as a child process on a free
// loopback port, with no persistence, killed when the object dies.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace assetpipe::test {

// True when redis-server can be run here (tests skip otherwise).
bool redis_server_installed();

class RedisServer {
 public:
  // Starts redis-server with `extra_args` (e.g. {"--requirepass", "pw"}) and
  // waits until it accepts connections; throws std::runtime_error with its
  // output if it does not start.
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  bool try_start();

  std::vector<std::string> extra_args_;
  TempDir dir_;  // its working folder and log
  std::string log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (free when asked; tests retry on a clash).
int free_loopback_port_for_tests();

}  // namespace assetpipe::test
