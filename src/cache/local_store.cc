#include "cache/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "util/file.h"

namespace fs = std::filesystem;

namespace assetpipe::cache {
namespace {

constexpr const char* kEntries = "v1";

// The tag of the Cache Directory Tagging Specification: backup tools skip the folder.
constexpr std::string_view kCacheDirTag =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by assetpipe.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n";

struct File {
  fs::path path;
  fs::file_time_type mtime;
  uint64_t size;
};

bool is_temporary(const fs::path& p) { return p.filename().string().find(".tmp-") != std::string::npos; }

std::vector<File> list_files(const fs::path& root) {
  std::vector<File> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2)) continue;
    auto mtime = it->last_write_time(e2);
    auto size = it->file_size(e2);
    if (!e2) out.push_back({it->path(), mtime, size});
  }
  return out;
}

}  // namespace

LocalStore::LocalStore(fs::path dir) : dir_(std::move(dir)) {}

fs::path LocalStore::path_of(const std::string& key) const {
  return dir_ / kEntries / key.substr(0, 2) / key;
}

std::string LocalStore::describe() const {
  return "the local cache " + util::printable(dir_.string());
}

util::Result<std::optional<std::string>> LocalStore::get(const std::string& key) {
  // One open, fstat, read, close: a warm build reads thousands of entries.
  int fd = ::open(path_of(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::optional<std::string>();  // a miss (or removed by a trim meanwhile)
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    bytes.resize(done);  // a short read: the entry's checksum fails, a miss
    out = std::move(bytes);
    // Used now (LRU), at most once a minute per entry.
    if (st.st_mtime + 60 < ::time(nullptr)) ::futimens(fd, nullptr);
  }
  ::close(fd);
  return out;
}

util::Result<util::Ok> LocalStore::put(const std::string& key, std::string_view value) {
  std::error_code ec;
  if (!fs::exists(dir_ / "CACHEDIR.TAG", ec)) {
    fs::create_directories(dir_, ec);
    (void)util::write_file_atomic(dir_ / "CACHEDIR.TAG", kCacheDirTag);
  }
  auto r = util::write_file_atomic(path_of(key), value);
  if (r) {
    put_entries_ += 1;
    put_bytes_ += value.size();
  }
  return r;
}

LocalStore::Usage LocalStore::usage() const {
  Usage u;
  for (const auto& f : list_files(dir_ / kEntries)) {
    if (is_temporary(f.path)) continue;
    ++u.entries;
    u.bytes += f.size;
  }
  return u;
}

namespace {

constexpr const char* kUsageFile = "usage";
constexpr uint64_t kMaxBuildsWithoutListing = 50;

// "<entries> <bytes> <builds since the last listing>"
struct Recorded {
  uint64_t entries = 0, bytes = 0, builds = 0;
};

std::optional<Recorded> read_usage(const fs::path& dir) {
  auto text = util::read_file(dir / kUsageFile);
  if (!text) return std::nullopt;
  Recorded r;
  if (std::sscanf(text->c_str(), "%" SCNu64 " %" SCNu64 " %" SCNu64, &r.entries, &r.bytes, &r.builds) != 3) {
    return std::nullopt;
  }
  return r;
}

void write_usage(const fs::path& dir, const Recorded& r) {
  if (!fs::exists(dir)) return;
  (void)util::write_file_atomic(dir / kUsageFile,
                                fmt::format("{} {} {}\n", r.entries, r.bytes, r.builds));
}

}  // namespace

LocalStore::Usage LocalStore::trim(uint64_t max_bytes) {
  if (auto last = read_usage(dir_)) {
    Recorded now{last->entries + put_entries_, last->bytes + put_bytes_, last->builds + 1};
    if (now.builds < kMaxBuildsWithoutListing && now.bytes <= max_bytes / 10 * 9) {
      write_usage(dir_, now);
      return {now.entries, now.bytes, 0};
    }
  }
  auto files = list_files(dir_ / kEntries);
  auto stale = fs::file_time_type::clock::now() - std::chrono::hours(1);
  Usage u;
  std::vector<File> entries;
  for (auto& f : files) {
    std::error_code ec;
    if (is_temporary(f.path)) {
      if (f.mtime < stale && fs::remove(f.path, ec)) ++u.removed;
      continue;
    }
    u.bytes += f.size;
    entries.push_back(std::move(f));
  }
  std::sort(entries.begin(), entries.end(), [](const File& a, const File& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.path < b.path;
  });
  uint64_t gone = 0;
  for (const auto& f : entries) {
    if (u.bytes <= max_bytes) break;
    std::error_code ec;
    if (fs::remove(f.path, ec)) {
      u.bytes -= f.size;
      ++gone;
    }
  }
  u.removed += gone;
  u.entries = entries.size() - gone;
  write_usage(dir_, {u.entries, u.bytes, 0});
  return u;
}

LocalStore::Usage LocalStore::clean() {
  Usage before = usage();
  util::remove_tree(dir_ / kEntries);
  write_usage(dir_, {});
  return {0, 0, before.entries};
}

}  // namespace assetpipe::cache
