// What the user sees: diagnostics, the per-file lines of -v, the size report
// (a table like Vite's, or JSON), the one-line summary.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "assetpipe/build.h"
#include "util/file.h"
#include "util/result.h"

namespace assetpipe::cli {

class Printer {
 public:
  explicit Printer(const Options& options) : options_(options) {}
  void diagnostics(const Diagnostics& diags) const;
  // -v lines, the report, --timings and the summary line.
  // The JSON report goes into `report_file` (created before the build, see
  // main.cc) when --report-file is given; fails when it cannot be written.
  util::Result<util::Ok> summary(const BuildResult& result,
                                 util::AtomicFile* report_file = nullptr) const;
  void fatal(const std::string& message) const;

 private:
  const Options& options_;
};

// The size report of every emitted asset, largest first:
// {"version": 1, "files": [{"input", "file", "input_size", "size", "br", "gzip",
//   "best_variant": {"format", "size"}, "saving"}...], "total": {...},
//  "cache": {"dir", "remote", "remote_error", "minify"|"image"|"compress":
//            {"local_hits", "remote_hits", "misses"}}}   (when a cache was used)
nlohmann::json size_report(const BuildResult& result);

// "cache hits: minify 3/4, images 8/8 (8 remote), compress 10/12"; "" without a cache.
std::string cache_line(const CacheStats& cache);

// The table: top `rows` files and a total line.
std::string size_table(const nlohmann::json& report, size_t rows = 20);

std::string human_bytes(uint64_t n);

}  // namespace assetpipe::cli
