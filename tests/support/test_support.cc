#include "support/test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

extern char** environ;

namespace fs = std::filesystem;

namespace assetpipe::test {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/assetpipe-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Make everything writable again (tests chmod things) before removing.
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

RunResult run_program(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && env.count(kv.substr(0, eq))) continue;
    env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = args;
  std::vector<char*> argv;
  for (auto& a : argv_copy) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    r.exit_code = 127;
    r.err = std::string("spawn failed: ") + std::strerror(rc);
    return r;
  }
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

namespace {

// Every output the test suite builds passes `assetpipe verify` (the issue's
// bar), except where the build itself warned about a reference it left as
// is: that broken link is in the output, and verify rightly reports it.
void verify_after_build(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env, const RunResult& built) {
  std::vector<std::string> v = {assetpipe_bin().string(), "verify"};
  std::string out;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--dry-run") return;
    if (args[i] == "-o" || args[i] == "--output") out = args[i + 1];
    if (args[i] == "--base" || args[i] == "--manifest") {
      v.push_back(args[i]);
      v.push_back(args[i + 1]);
    }
  }
  if (out.empty() || args.back() == "--dry-run") return;  // -o from a config file, or a dry run
  if (built.err.find(": warning: reference ") != std::string::npos) return;
  v.insert(v.begin() + 2, out);
  RunResult r = run_program(v, env);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "assetpipe verify rejects the output of a successful build (" << out
                  << "):\n" << r.err;
  }
}

}  // namespace

RunResult run_assetpipe(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {assetpipe_bin().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  // Each test's builds are cold unless it asks for the cache (ASSETPIPE_NO_CACHE=0):
  // a cache shared between tests would make one test's result depend on another's.
  std::map<std::string, std::string> with_cache_off = env;
  with_cache_off.emplace("ASSETPIPE_NO_CACHE", "1");
  RunResult r = run_program(argv, with_cache_off);
  if (r.exit_code == 0 && !args.empty() && args[0] == "build") {
    verify_after_build(args, with_cache_off, r);
  }
  return r;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& bytes) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_regular_file() && !it->is_symlink()) {
      out[fs::relative(it->path(), root).generic_string()] = read(it->path());
    }
  }
  return out;
}

fs::path fixtures_dir() { return ASSETPIPE_FIXTURES; }
fs::path assetpipe_bin() { return ASSETPIPE_BIN; }

void write_sparse(const fs::path& p, const std::string& head, long hole_bytes,
                  const std::string& tail) {
  fs::create_directories(p.parent_path());
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create " + p.string());
  std::fwrite(head.data(), 1, head.size(), f);
  std::fseek(f, static_cast<long>(head.size()) + hole_bytes, SEEK_SET);
  std::fwrite(tail.data(), 1, tail.size(), f);
  std::fclose(f);
}

void copy_fixture(const std::string& name, const fs::path& dest) {
  fs::create_directories(dest);
  fs::copy(fixtures_dir() / name, dest,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace assetpipe::test
