#include "util/output_siblings.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "util/file.h"
#include "util/interrupt.h"

namespace fs = std::filesystem;

namespace assetpipe::util {
namespace {

std::string prefix_of(const fs::path& output) {
  return "." + output.filename().string() + ".assetpipe-";
}

}  // namespace

fs::path normal_output(const fs::path& output) {
  fs::path p = fs::absolute(output).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

fs::path sibling_path(const fs::path& output, std::string_view purpose) {
  fs::path out = normal_output(output);
  return out.parent_path() / fmt::format("{}{}-{}", prefix_of(out), purpose, ::getpid());
}

fs::path make_sibling_dir(const fs::path& output, std::string_view purpose) {
  fs::path dir = sibling_path(output, purpose);
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  remove_tree(dir);  // a leftover of an earlier process with this pid
  if (ec || !fs::create_directory(dir, ec) || ec) {
    throw Error(fmt::format("cannot create the folder {}: {}", printable(dir.string()),
                            ec ? ec.message() : "it exists"));
  }
  return dir;
}

ScratchDir::ScratchDir(const fs::path& output, std::string_view purpose) {
  if (!output.empty()) {
    path_ = make_sibling_dir(output, purpose);
    return;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl =
      fmt::format("{}/assetpipe-{}-XXXXXX", tmp && *tmp ? tmp : "/tmp", purpose);
  if (!::mkdtemp(tmpl.data())) {
    throw Error(fmt::format("cannot create a temporary folder {}: {}", printable(tmpl),
                            std::strerror(errno)));
  }
  path_ = tmpl;
}

ScratchDir::~ScratchDir() { remove_tree(path_); }

void remove_stale_siblings(const fs::path& output) {
  fs::path out = normal_output(output);
  std::string prefix = prefix_of(out);
  std::error_code ec;
  for (auto it = fs::directory_iterator(out.parent_path(), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    auto dash = name.rfind('-');
    if (dash < prefix.size()) continue;  // the lock file: no pid
    char* end = nullptr;
    long pid = std::strtol(name.c_str() + dash + 1, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) remove_tree(it->path());
  }
}

// The lock file is removed when released, so nothing stays beside the
// output. A waiter may then hold a lock on a file that is gone: after taking
// the lock it checks that the path still names its file, and starts again
// when it does not.
OutputLock::OutputLock(const fs::path& output, Wait wait,
                       const std::function<void(const std::string&)>& on_wait) {
  fs::path out = normal_output(output);
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  path_ = out.parent_path() / (prefix_of(out) + "lock");
  bool told = false;
  for (;;) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
      throw Error(fmt::format("cannot create the lock file {}: {}", printable(path_.string()),
                              std::strerror(errno)));
    }
    int rc = ::flock(fd_, LOCK_EX | LOCK_NB);
    if (rc != 0 && errno == EWOULDBLOCK) {
      std::string who = fmt::format("another assetpipe build is writing {} (it holds {})",
                                    printable(out.string()), printable(path_.string()));
      if (wait == Wait::No) {
        release_fd();
        throw Error(who + "; run again when it has finished, or drop --no-wait to wait for it");
      }
      if (on_wait && !told) {
        on_wait(who + "; waiting for it to finish (--no-wait fails at once instead)");
      }
      told = true;
      do {
        rc = ::flock(fd_, LOCK_EX);
      } while (rc != 0 && errno == EINTR && !interrupted());
    }
    if (rc != 0) {
      int err = errno;
      release_fd();
      throw_if_interrupted();
      throw Error(
          fmt::format("cannot lock {}: {}", printable(path_.string()), std::strerror(err)));
    }
    struct stat held {}, named {};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
      return;
    }
    release_fd();  // its holder removed it: take the new one
  }
}

void OutputLock::release_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still held: a waiter then sees it gone and retries
  release_fd();
}

}  // namespace assetpipe::util
