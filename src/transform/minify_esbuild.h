// esbuild over many files per process (no bundling). One syntax error
// anywhere makes esbuild write nothing, so a failing batch drops the files
// esbuild names and retries the rest, or is split in halves until the
// failing files are isolated: one bad file never blocks the others.
#pragma once

#include <vector>

#include "assetpipe/options.h"
#include "transform/minify_job.h"
#include "util/result.h"

namespace assetpipe::transform {

// --minify --target=... --legal-comments=... --charset=utf8 ...
std::vector<std::string> esbuild_flags(const Options& options);

// Runs esbuild once on empty input with the flags: a bad --js-target fails
// here once, not once per file.
util::Result<util::Ok> check_esbuild_flags(const RunnerSettings& settings);

// One output per input, in order. `max_batch` files at most per process.
std::vector<MinifyOutput> run_esbuild(const std::vector<MinifyInput>& inputs,
                                      const RunnerSettings& settings, size_t max_batch);

// Exposed for tests: the errors esbuild printed, keyed by input index
// (files are passed as in/<index><ext>).
struct ToolError {
  size_t index;
  std::string message;
  int line;    // 1-based
  int column;  // 1-based
};
std::vector<ToolError> parse_esbuild_errors(std::string_view stderr_text, bool* unattributed);

}  // namespace assetpipe::transform
