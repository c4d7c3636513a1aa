// One build: scan -> transform -> link -> emit (see DESIGN.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/cache_stats.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/error.h"
#include "assetpipe/options.h"

namespace assetpipe {

struct StageTimes {
  double scan = 0, minify = 0, images = 0, link = 0, compress = 0, emit = 0;
};

struct BuildResult {
  std::vector<Asset> assets;  // sorted by logical path
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;  // every file written, variants and encodings included
  size_t files_written = 0;
  double seconds = 0;
  StageTimes times;
  CacheStats cache;
  size_t shard_files = 0;  // --shard: the files of this shard's slice
  // Bytes of transformed payloads parked on disk between tasks (scan/payloads.h).
  uint64_t spilled_bytes = 0;
};

// Refuses (UsageError, exit 2) an input, output, --manifest or --report-file
// that cannot work together: the output in the input or around it, a file
// written into the input. build() calls it first.
void check_paths(const Options& options);

// Runs a whole build. Throws Error on a failure that leaves the previous
// output untouched; warnings and per-file errors go to `diags`. The caller
// checks diags.error_count() (and options.strict) for the exit status.
BuildResult build(const Options& options, Diagnostics& diags);

}  // namespace assetpipe
