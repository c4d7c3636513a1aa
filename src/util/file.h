// File-system helpers that report failures as Results naming the path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace assetpipe::util {

Result<std::string> read_file(const std::filesystem::path& path);

// Reads a regular file in blocks of at most 1 MiB, handing each to `consume`
// (never the whole file in memory). Returns the number of bytes read.
Result<uint64_t> read_blocks(const std::filesystem::path& path,
                             const std::function<void(std::string_view)>& consume);

// A second name for `from` (a hard link: one inode, so the same bytes and
// mtime, and no second copy on disk), or, where the filesystem cannot link,
// copy_file_data. For files of one staging folder only: `from` is not
// written again after.
Result<Ok> link_or_copy(const std::filesystem::path& from, const std::filesystem::path& to,
                        uint64_t expected_size, int64_t mtime);

// Copies the regular file `from` to `to` (created 0644, parent folders too)
// without holding it in memory: a reflink where the filesystem has one
// (FICLONE), else copy_file_range over its data extents, so holes stay holes
// (SEEK_DATA/SEEK_HOLE). Sets the mtime. Fails, naming `from`, when its size
// is no longer `expected_size` (it changed during the build).
Result<Ok> copy_file_data(const std::filesystem::path& from, const std::filesystem::path& to,
                          uint64_t expected_size, int64_t mtime);

// Writes `bytes` to `path` (creating parent folders), sets its mtime.
Result<Ok> write_file(const std::filesystem::path& path, std::string_view bytes, int64_t mtime);

// A file that appears at `path` whole or not at all: written to a temporary
// file beside it (created, with the parent folders, by `create`), renamed into
// place by `commit`, removed when destroyed uncommitted. Creating it first is
// how a build proves before it replaces its output that a file outside the
// output can be written (ccache's AtomicFile).
class AtomicFile {
 public:
  // Fails when the parent cannot be created, `path` is a folder, or the
  // temporary file cannot be created.
  static Result<AtomicFile> create(const std::filesystem::path& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();
  Result<Ok> write(std::string_view bytes);
  Result<Ok> commit();
  const std::filesystem::path& path() const { return path_; }

 private:
  AtomicFile(std::filesystem::path path, std::filesystem::path tmp, int fd);
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
};

// AtomicFile in one call.
Result<Ok> write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

Result<Ok> set_mtime(const std::filesystem::path& path, int64_t mtime);

// True when `inner` equals `outer` or lies inside it (both made absolute and
// lexically normal; symlinks resolved where they exist).
bool path_within(const std::filesystem::path& inner, const std::filesystem::path& outer);

// Removes a tree without following symlinks; errors are ignored.
void remove_tree(const std::filesystem::path& path);

// A byte string shown safely in a message: control bytes and invalid UTF-8 escaped.
std::string printable(std::string_view s);

bool is_valid_utf8(std::string_view s);

}  // namespace assetpipe::util
