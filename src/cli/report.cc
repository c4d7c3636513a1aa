#include "cli/report.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace assetpipe::cli {
namespace {

bool github_actions() {
  const char* v = std::getenv("GITHUB_ACTIONS");
  return v && std::strcmp(v, "true") == 0;
}

}  // namespace

std::string human_bytes(uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  return fmt::format("{:.2f} MiB", static_cast<double>(n) / (1024.0 * 1024.0));
}

void Printer::diagnostics(const Diagnostics& diags) const {
  bool gh = github_actions();
  for (const auto& d : diags.sorted()) {
    if (d.severity == Severity::Note && options_.verbosity != Verbosity::Verbose) continue;
    if (d.severity == Severity::Warning && options_.verbosity == Verbosity::Quiet) continue;
    fmt::print(stderr, "{}\n", d.format());
    if (gh && d.severity != Severity::Note) fmt::print(stderr, "{}\n", d.github_annotation());
  }
}

void Printer::summary(const BuildResult& r) const {
  if (options_.verbosity == Verbosity::Verbose) {
    for (const auto& a : r.assets) {
      std::string fate = a.output == a.logical ? "kept name" : "-> " + a.output;
      std::string extra;
      for (const auto& n : a.notes) extra += "; " + n;
      fmt::print("{} {} ({}){}\n", a.logical, fate, human_bytes(a.bytes.size()), extra);
    }
  }
  if (options_.timings) {
    const auto& t = r.times;
    fmt::print("timings: scan {:.3f}s, minify {:.3f}s, images {:.3f}s, link {:.3f}s, "
               "compress {:.3f}s, emit {:.3f}s, total {:.3f}s\n",
               t.scan, t.minify, t.images, t.link, t.compress, t.emit, r.seconds);
  }
  if (options_.verbosity == Verbosity::Quiet) return;
  fmt::print("assetpipe: {} files, {} in, {} out in {} files, {:.2f}s{} {}\n", r.assets.size(),
             human_bytes(r.bytes_in), human_bytes(r.bytes_out), r.files_written, r.seconds,
             options_.dry_run ? " (dry run, nothing written)" : " ->",
             options_.dry_run ? "" : options_.output.string());
}

void Printer::fatal(const std::string& message) const {
  fmt::print(stderr, "assetpipe: error: {}\n", message);
  if (github_actions()) fmt::print(stderr, "::error::{}\n", message);
}

}  // namespace assetpipe::cli
