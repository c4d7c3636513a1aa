#include "util/file.h"

#include <atomic>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace assetpipe::util {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

}  // namespace

Result<std::string> read_file(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(fmt::format("cannot read {}: {}", printable(path.string()), errno_text(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return fail(fmt::format("cannot stat {}: {}", printable(path.string()), errno_text(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(fmt::format("{} is not a regular file", printable(path.string())));
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot read {}: {}", printable(path.string()), errno_text(errno)));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<Ok> set_mtime(const fs::path& path, int64_t mtime) {
  struct timespec times[2];
  times[0].tv_sec = mtime;
  times[0].tv_nsec = 0;
  times[1] = times[0];
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(
        fmt::format("cannot set the time of {}: {}", printable(path.string()), errno_text(errno)));
  }
  return Ok{};
}

static Result<Ok> write_all(const fs::path& path, int fd, std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot write {}: {}", printable(path.string()), errno_text(errno)));
    }
    off += static_cast<size_t>(n);
  }
  return Ok{};
}

Result<uint64_t> read_blocks(const fs::path& path,
                             const std::function<void(std::string_view)>& consume) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(fmt::format("cannot read {}: {}", printable(path.string()), errno_text(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(fmt::format("{} is not a regular file", printable(path.string())));
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  std::string buf(size_t{1} << 20, '\0');
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot read {}: {}", printable(path.string()), errno_text(errno)));
    }
    if (n == 0) break;
    consume(std::string_view(buf.data(), static_cast<size_t>(n)));
    total += static_cast<uint64_t>(n);
  }
  return total;
}

Result<Ok> link_or_copy(const fs::path& from, const fs::path& to, uint64_t expected_size,
                        int64_t mtime) {
  struct stat st {};
  if (::lstat(from.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) == expected_size) {
    if (::link(from.c_str(), to.c_str()) == 0) return Ok{};
    if (errno == ENOENT) {
      std::error_code ec;
      fs::create_directories(to.parent_path(), ec);
      if (::link(from.c_str(), to.c_str()) == 0) return Ok{};
    }
  }
  return copy_file_data(from, to, expected_size, mtime);
}

Result<Ok> copy_file_data(const fs::path& from, const fs::path& to, uint64_t expected_size,
                          int64_t mtime) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    return fail(fmt::format("cannot read {}: {}", printable(from.string()), errno_text(errno)));
  }
  struct stat st {};
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) != expected_size) {
    return fail(fmt::format("{} changed during the build (its size is no longer {} bytes)",
                            printable(from.string()), expected_size));
  }
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (out.get() < 0) {
    return fail(fmt::format("cannot create {}: {}", printable(to.string()), errno_text(errno)));
  }
  auto write_error = [&](int err) {
    return fail(fmt::format("cannot write {}: {}", printable(to.string()), errno_text(err)));
  };
  if (::ioctl(out.get(), FICLONE, in.get()) != 0) {
    // Data extents one by one; a filesystem without SEEK_DATA reports the
    // whole file as data.
    off_t size = st.st_size;
    off_t at = 0;
    while (at < size) {
      off_t data = ::lseek(in.get(), at, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // only a hole is left
        data = at;
      }
      off_t hole = ::lseek(in.get(), data, SEEK_HOLE);
      if (hole < 0 || hole > size) hole = size;
      loff_t src = data, dst = data;
      while (src < hole) {
        ssize_t n = ::copy_file_range(in.get(), &src, out.get(), &dst,
                                      static_cast<size_t>(hole - src), 0);
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
          // Plain read/write for this extent.
          char buf[1 << 16];
          ssize_t r = ::pread(in.get(), buf, std::min<off_t>(sizeof buf, hole - src), src);
          if (r < 0 && errno == EINTR) continue;
          if (r < 0) {
            return fail(fmt::format("cannot read {}: {}", printable(from.string()), errno_text(errno)));
          }
          if (r == 0) break;  // the file shrank under us
          for (ssize_t done = 0; done < r;) {
            ssize_t w = ::pwrite(out.get(), buf + done, static_cast<size_t>(r - done), dst + done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return write_error(w < 0 ? errno : ENOSPC);
            done += w;
          }
          src += r;
          dst += r;
          continue;
        }
        if (n < 0) {
          if (errno == EINTR) continue;
          return write_error(errno);
        }
        if (n == 0) break;  // the file shrank under us
      }
      if (src < hole) {
        return fail(fmt::format("{} changed during the build (it got shorter)",
                                printable(from.string())));
      }
      at = hole;
    }
    if (::ftruncate(out.get(), size) != 0) return write_error(errno);
  }
  if (::close(out.release()) != 0) return write_error(errno);
  return set_mtime(to, mtime);
}

Result<Ok> write_file(const fs::path& path, std::string_view bytes, int64_t mtime) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(fmt::format("cannot create folder {}: {}", printable(path.parent_path().string()),
                            ec.message()));
  }
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (fd.get() < 0) {
    return fail(fmt::format("cannot create {}: {}", printable(path.string()), errno_text(errno)));
  }
  if (auto r = write_all(path, fd.get(), bytes); !r) return r;
  struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  if (::futimens(fd.get(), times) != 0) {
    return fail(
        fmt::format("cannot set the time of {}: {}", printable(path.string()), errno_text(errno)));
  }
  if (::close(fd.release()) != 0) {
    return fail(fmt::format("cannot write {}: {}", printable(path.string()), errno_text(errno)));
  }
  return Ok{};
}

AtomicFile::AtomicFile(fs::path path, fs::path tmp, int fd)
    : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::move(other.tmp_)), fd_(other.fd_) {
  other.fd_ = -1;
  other.tmp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

Result<AtomicFile> AtomicFile::create(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return fail(fmt::format("cannot create {}: cannot create its folder {}: {}",
                              printable(path.string()), printable(path.parent_path().string()),
                              ec.message()));
    }
  }
  if (fs::is_directory(path, ec)) {
    return fail(fmt::format("cannot write {}: it is a folder; give a file name",
                            printable(path.string())));
  }
  // Unique per process and call: threads of one process may write the same
  // path at once (two builds' cache entries of the same key).
  static std::atomic<uint64_t> serial{0};
  fs::path tmp = path;
  tmp += fmt::format(".tmp-{}-{}", ::getpid(), serial.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return fail(fmt::format("cannot create {}: {}", printable(tmp.string()), errno_text(errno)));
  }
  return AtomicFile(path, tmp, fd);
}

Result<Ok> AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0) return fail(fmt::format("cannot write {}: closed", printable(path_.string())));
  return write_all(tmp_, fd_, bytes);
}

Result<Ok> AtomicFile::commit() {
  if (fd_ < 0) return fail(fmt::format("cannot write {}: closed", printable(path_.string())));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    return fail(fmt::format("cannot write {}: {}", printable(tmp_.string()), errno_text(errno)));
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return fail(fmt::format("cannot write {}: {}", printable(path_.string()), errno_text(errno)));
  }
  tmp_.clear();
  return Ok{};
}

Result<Ok> write_file_atomic(const fs::path& path, std::string_view bytes) {
  auto f = AtomicFile::create(path);
  if (!f) return fail(f.error());
  if (auto w = f->write(bytes); !w) return w;
  return f->commit();
}

bool path_within(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto ai = a.begin(), bi = b.begin();
  for (; bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;  // trailing separator
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

void remove_tree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string printable(std::string_view s) {
  std::string out;
  bool utf8 = is_valid_utf8(s);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F || (!utf8 && c >= 0x80)) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace assetpipe::util
