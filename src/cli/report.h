// What the user sees: diagnostics, the per-file lines of -v, the size report
// (a table like Vite's, or JSON), the one-line summary.
#pragma once

#include <string>
#include <vector>

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

// The size report of every emitted asset, largest first, made from the
// records (no copy of them).
struct SizeReport {
  struct Row {
    const Asset* asset;
    const ImageVariant* best_variant = nullptr;  // the smallest full-size variant kept
    uint64_t best = 0;                           // the smallest of the file, encodings, variant
    double saving = 0;                           // 1 - best / input_size, to 3 places
  };
  struct Total {
    uint64_t input_size = 0, size = 0, br = 0, gzip = 0, best = 0;
  };
  explicit SizeReport(const BuildResult& result);
  std::vector<Row> rows;
  Total total;
};

// The report as JSON, written row by row:
// {"version": 1, "files": [{"input", "file", "input_size", "size", "br", "gzip",
//   "best_variant": {"format", "size"}, "saving"}...], "total": {...},
//  "cache": {"dir", "remote", "remote_error", "snapshot", "minify"|"image"|"compress":
//            {"local_hits", "remote_hits", "misses"}}}   (when a cache was used)
std::string size_report_json(const BuildResult& result, const SizeReport& report);

// "cache hits: minify 3/4, images 8/8 (8 remote), compress 10/12"; "" without a cache.
std::string cache_line(const CacheStats& cache);

// The table: top `rows` files and a total line.
std::string size_table(const SizeReport& report, size_t rows = 20);

std::string human_bytes(uint64_t n);

}  // namespace assetpipe::cli
