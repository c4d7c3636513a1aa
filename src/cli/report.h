// What the user sees: diagnostics, the per-file lines of -v, the summary.
#pragma once

#include <string>

#include "assetpipe/build.h"

namespace assetpipe::cli {

class Printer {
 public:
  explicit Printer(const Options& options) : options_(options) {}
  void diagnostics(const Diagnostics& diags) const;
  void summary(const BuildResult& result) const;
  void fatal(const std::string& message) const;

 private:
  const Options& options_;
};

std::string human_bytes(uint64_t n);

}  // namespace assetpipe::cli
