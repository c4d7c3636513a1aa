// What the cache did in one build (src/cache/), per stage: part of the
// build's result, and what the cache facade reports.
#pragma once

#include <cstdint>
#include <string>

namespace assetpipe {

struct CacheCounts {
  uint64_t local_hits = 0, remote_hits = 0, misses = 0;
};
struct CacheStats {
  bool enabled = false;
  std::string dir;           // the local folder
  std::string remote;        // the remote's URL, any password replaced by ***
  std::string remote_error;  // why the remote was turned off for this build, if it was
  CacheCounts minify, image, compress;
  // The whole output was linked from a snapshot of an earlier build with the
  // same input and options (src/snapshot.h): no per-file lookups were made.
  bool snapshot = false;
  uint64_t snapshot_files = 0;
  uint64_t entries = 0, bytes = 0, trimmed = 0;  // the local folder after the build
};

}  // namespace assetpipe
