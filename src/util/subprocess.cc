#include "util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/file.h"
#include "util/interrupt.h"

extern char** environ;

namespace assetpipe::util {
namespace {

using Clock = std::chrono::steady_clock;

class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fds_[2];
};

// posix_spawn attributes: own process group, default signal dispositions, empty mask.
class SpawnSetup {
 public:
  SpawnSetup(const Pipe& out, const Pipe& err, const std::string& cwd) {
    posix_spawn_file_actions_init(&actions_);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions_, cwd.c_str());
    posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions_, out.write_end(), 1);
    posix_spawn_file_actions_adddup2(&actions_, err.write_end(), 2);
    posix_spawnattr_init(&attr_);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    posix_spawnattr_setpgroup(&attr_, 0);
    posix_spawnattr_setflags(
        &attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

void record_status(ProcessResult& r, int status) {
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

// Reads what is available on `fd` into `into`; false at end of file.
bool drain(int fd, std::string& into) {
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  into.append(buf, size_t(n));
  return true;
}

// Reads both pipes until they close and the child is reaped, killing the
// child's process group on timeout, interrupt or runaway output.
void supervise(pid_t pid, Pipe& out, Pipe& err, const ProcessOptions& o, ProcessResult& r) {
  auto deadline = Clock::now() + o.timeout;
  bool reaped = false;
  std::string* sinks[2] = {&r.out, &r.err};
  Pipe* pipes[2] = {&out, &err};
  while (true) {
    pollfd fds[2];
    int idx[2];
    nfds_t n = 0;
    for (int i = 0; i < 2; ++i) {
      if (pipes[i]->read_end() < 0) continue;
      fds[n] = {pipes[i]->read_end(), POLLIN, 0};
      idx[n++] = i;
    }
    if (n == 0 && !reaped) {
      // Both pipes closed: the child is exiting; check often.
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        record_status(r, status);
        reaped = true;
      }
    }
    if (n == 0 && reaped) return;
    int ready = ::poll(fds, n, n == 0 ? 2 : 50);
    for (nfds_t k = 0; ready > 0 && k < n; ++k) {
      if (fds[k].revents && !drain(fds[k].fd, *sinks[idx[k]])) pipes[idx[k]]->close_read();
    }
    if (!reaped) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        record_status(r, status);
        reaped = true;
      }
    }
    r.interrupted = interrupted();
    r.timed_out = !r.interrupted && Clock::now() >= deadline;
    r.output_too_large = r.out.size() > o.max_output || r.err.size() > o.max_output;
    if (r.killed_by_us()) {
      ::kill(-pid, SIGKILL);  // the whole group: grandchildren holding our pipes too
      if (!reaped) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        record_status(r, status);
      }
      return;
    }
  }
}

}  // namespace

std::string ProcessResult::describe(const ProcessOptions& options) const {
  if (interrupted) return "was stopped by an interrupt";
  if (timed_out) {
    return fmt::format("timed out after {} s and was killed",
                       std::chrono::duration<double>(options.timeout).count());
  }
  if (output_too_large) {
    return fmt::format("wrote more than {} bytes of output and was killed", options.max_output);
  }
  if (signal) {
    const char* name = ::strsignal(signal);
    return fmt::format("crashed (signal {}, {})", signal, name ? name : "unknown");
  }
  return fmt::format("exited with status {}", exit_code);
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options) {
  if (argv.empty()) return fail("no program to run");
  Pipe out, err;
  if (!out.ok() || !err.ok()) return fail(fmt::format("cannot create a pipe: {}", strerror(errno)));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  SpawnSetup setup(out, err, options.cwd);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], setup.actions(), setup.attr(), args.data(), environ);
  out.close_write();
  err.close_write();
  if (rc != 0) {
    return fail(fmt::format("cannot run {}: {}", printable(argv[0]), strerror(rc)));
  }
  ProcessResult result;
  supervise(pid, out, err, options, result);
  return result;
}

}  // namespace assetpipe::util
