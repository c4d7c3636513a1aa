// Running an external program safely: posix_spawn with an argv array (never a
// shell), stdin from /dev/null, stdout and stderr captured, a timeout, and the
// child in its own process group, so Ctrl-C reaches assetpipe first; the group
// is killed on timeout or when util::interrupted().
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "util/result.h"

namespace assetpipe::util {

struct ProcessOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  // Output beyond this many bytes (per stream) kills the child: no unbounded memory.
  size_t max_output = size_t{256} << 20;
  // Working folder of the child; empty: ours.
  std::string cwd;
};

struct ProcessResult {
  int exit_code = -1;             // when exited normally
  int signal = 0;                 // when killed by a signal (not by us)
  bool timed_out = false;         // killed by us: the timeout passed
  bool interrupted = false;       // killed by us: Ctrl-C / SIGTERM
  bool output_too_large = false;  // killed by us: max_output exceeded
  std::string out;
  std::string err;

  bool success() const { return exit_code == 0 && !killed_by_us(); }
  bool killed_by_us() const { return timed_out || interrupted || output_too_large; }
  // "exited with status 2", "crashed (signal 6, Aborted)", "timed out after 120 s", ...
  std::string describe(const ProcessOptions& options = {}) const;
};

// Fails only when the program could not be started (the message names it and why).
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options = {});

}  // namespace assetpipe::util
