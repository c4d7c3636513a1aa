// What a build keeps beside its output folder, in one place: the staging
// folder it writes into, the scratch folders of its tools, and the lock that
// keeps two builds from writing one output at once. Each name starts with
// ".<output name>.assetpipe-" so that it sorts beside the output; those of a
// process that is gone are removed by the next build.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace assetpipe::util {

// The output folder made absolute and lexically normal, without a trailing slash.
std::filesystem::path normal_output(const std::filesystem::path& output);

// <parent>/.<name>.assetpipe-<purpose>-<pid of this process>.
std::filesystem::path sibling_path(const std::filesystem::path& output, std::string_view purpose);

// Creates a fresh sibling folder for `purpose` (and the output's parent);
// throws Error naming the folder when it cannot.
std::filesystem::path make_sibling_dir(const std::filesystem::path& output,
                                       std::string_view purpose);

// A scratch folder for `purpose`, removed with what is in it when
// destroyed: beside the output (a sibling folder, so a killed build's is
// removed by the next build), or in $TMPDIR (else /tmp) when there is no
// output (a dry run, a shard). Throws Error naming the folder when it cannot
// be made.
class ScratchDir {
 public:
  ScratchDir(const std::filesystem::path& output, std::string_view purpose);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Removes the sibling folders of processes that no longer exist.
void remove_stale_siblings(const std::filesystem::path& output);

// An exclusive flock(2) on <parent>/.<name>.assetpipe-lock, held until
// destroyed; the file is removed then (safely: see output_siblings.cc).
class OutputLock {
 public:
  enum class Wait { Yes, No };
  // When another process holds it: waits (calling `on_wait` once first), or
  // with Wait::No throws Error at once. Throws Error when it cannot be created.
  OutputLock(const std::filesystem::path& output, Wait wait, const std::function<void(const std::string&)>& on_wait);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  void release_fd();
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace assetpipe::util
