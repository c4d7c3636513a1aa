// Ctrl-C and SIGTERM: set a flag that long loops check, so a build stops
// between files, removes its staging folder and leaves the output untouched.
#pragma once

#include <filesystem>

namespace assetpipe::util {

// SIGINT, SIGTERM, SIGHUP set the flag; SIGXFSZ is ignored (a write past
// `ulimit -f` fails with EFBIG and is reported like any failed write).
void install_interrupt_handlers();
bool interrupted();
// Throws Error("interrupted") when a signal arrived.
void throw_if_interrupted();

// Removes a staging folder when it goes out of scope, unless released.
class StagingGuard {
 public:
  explicit StagingGuard(std::filesystem::path path);
  ~StagingGuard();
  StagingGuard(const StagingGuard&) = delete;
  StagingGuard& operator=(const StagingGuard&) = delete;
  void release();

 private:
  std::filesystem::path path_;
};

}  // namespace assetpipe::util
