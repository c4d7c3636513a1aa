#include "cli/report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli/progress_tty.h"
#include "emit/emit.h"
#include "transform/image_resize.h"
#include "util/file.h"
#include "util/json_dump.h"

namespace assetpipe::cli {
namespace {

bool github_actions() {
  const char* v = std::getenv("GITHUB_ACTIONS");
  return v && std::strcmp(v, "true") == 0;
}

std::string colored(const std::string& line, Severity s) {
  if (!use_color()) return line;
  const char* word = s == Severity::Error     ? "error:"
                     : s == Severity::Warning ? "warning:"
                                              : "note:";
  const char* color = s == Severity::Error     ? "\x1b[1;31m"
                      : s == Severity::Warning ? "\x1b[1;33m"
                                               : "\x1b[1;36m";
  auto pos = line.find(word);
  if (pos == std::string::npos) return line;
  return line.substr(0, pos) + color + word + "\x1b[0m" + line.substr(pos + std::strlen(word));
}

std::string pad_right(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string pad_left(const std::string& s, size_t w) {
  return s.size() < w ? std::string(w - s.size(), ' ') + s : s;
}

std::string cache_counts_text(const char* stage, const CacheCounts& c) {
  uint64_t hits = c.local_hits + c.remote_hits;
  std::string out = fmt::format("{} {}/{}", stage, hits, hits + c.misses);
  if (c.remote_hits > 0) out += fmt::format(" ({} remote)", c.remote_hits);
  return out;
}

nlohmann::json cache_counts_json(const CacheCounts& c) {
  return {{"local_hits", c.local_hits}, {"remote_hits", c.remote_hits}, {"misses", c.misses}};
}

}  // namespace

std::string cache_line(const CacheStats& c) {
  if (!c.enabled) return "";
  if (c.snapshot) {
    return fmt::format("cache: the input and options of an earlier build; its {} files linked "
                       "from its snapshot",
                       c.snapshot_files);
  }
  std::string out = fmt::format("cache hits: {}, {}, {}", cache_counts_text("minify", c.minify),
                                cache_counts_text("images", c.image),
                                cache_counts_text("compress", c.compress));
  if (!c.remote_error.empty()) out += " (the remote cache was turned off)";
  return out;
}

std::string human_bytes(uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  return fmt::format("{:.2f} MiB", static_cast<double>(n) / (1024.0 * 1024.0));
}

SizeReport::SizeReport(const BuildResult& r) {
  for (const auto& a : r.assets) {
    if (a.map_of.empty()) rows.push_back({&a});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
    if (x.asset->digest.size != y.asset->digest.size) return x.asset->digest.size > y.asset->digest.size;
    return x.asset->output < y.asset->output;
  });
  for (Row& row : rows) {
    const Asset& a = *row.asset;
    row.best = a.digest.size;
    for (const auto& e : a.encodings) {
      row.best = std::min<uint64_t>(row.best, e.size);
      (e.codec == Encoding::Codec::Brotli ? total.br : total.gzip) += e.size;
    }
    for (const auto& v : a.variants) {
      // A --image-widths copy is another picture (smaller), not what the URL serves.
      if (!v.skipped.empty() || transform::width_of_format(v.format) > 0) continue;
      if (!row.best_variant || v.size < row.best_variant->size) row.best_variant = &v;
    }
    if (row.best_variant) row.best = std::min<uint64_t>(row.best, row.best_variant->size);
    row.saving = a.input_size == 0
                     ? 0.0
                     : std::round(1000.0 * (1.0 - static_cast<double>(row.best) /
                                                      static_cast<double>(a.input_size))) /
                           1000.0;
    total.input_size += a.input_size;
    total.size += a.digest.size;
    total.best += row.best;
  }
}

// Written row by row, as dump(2) of the whole document would (keys sorted).
std::string size_report_json(const BuildResult& r, const SizeReport& report) {
  std::string out = "{\n";
  if (r.cache.enabled) {
    nlohmann::json cache = {{"dir", r.cache.dir},
                            {"remote", r.cache.remote},
                            {"remote_error", r.cache.remote_error},
                            {"snapshot", r.cache.snapshot},
                            {"minify", cache_counts_json(r.cache.minify)},
                            {"image", cache_counts_json(r.cache.image)},
                            {"compress", cache_counts_json(r.cache.compress)}};
    out += "  \"cache\": ";
    util::json::append_indented(out, cache, 1);
    out += ",\n";
  }
  out += "  \"files\": [";
  bool first = true;
  for (const auto& row : report.rows) {
    const Asset& a = *row.asset;
    nlohmann::json f = {{"input", a.logical},
                        {"file", a.output},
                        {"input_size", a.input_size},
                        {"size", a.digest.size},
                        {"saving", row.saving}};
    for (const auto& e : a.encodings) f[e.name()] = e.size;
    if (row.best_variant) {
      f["best_variant"] = {{"format", row.best_variant->format}, {"size", row.best_variant->size}};
    }
    out += first ? "\n    " : ",\n    ";
    first = false;
    util::json::append_indented(out, f, 2);
  }
  out += first ? "]" : "\n  ]";
  const auto& t = report.total;
  nlohmann::json total = {{"files", report.rows.size()}, {"input_size", t.input_size},
                          {"size", t.size},              {"br", t.br},
                          {"gzip", t.gzip},              {"best", t.best}};
  out += ",\n  \"total\": ";
  util::json::append_indented(out, total, 1);
  out += ",\n  \"version\": 1\n}\n";
  return out;
}

std::string size_table(const SizeReport& report, size_t rows) {
  const auto& files = report.rows;
  size_t name_w = 10;
  for (size_t i = 0; i < files.size() && i < rows; ++i) {
    name_w = std::max(name_w, files[i].asset->output.size());
  }
  name_w = std::min<size_t>(name_w, 60);
  auto encoding_size = [](const Asset& a, const char* name) {
    for (const auto& e : a.encodings) {
      if (e.name() == name) return human_bytes(e.size);
    }
    return std::string("-");
  };
  std::string out;
  out += pad_right("file", name_w) + "  " + pad_left("size", 10) + "  " + pad_left("br", 10) +
         "  " + pad_left("gzip", 10) + "  " + pad_left("best variant", 18) + "  " +
         pad_left("saving", 7) + "\n";
  for (size_t i = 0; i < files.size() && i < rows; ++i) {
    const auto& f = files[i];
    const Asset& a = *f.asset;
    std::string variant = "-";
    if (f.best_variant) {
      variant = fmt::format("{} {}", f.best_variant->format, human_bytes(f.best_variant->size));
    }
    out += pad_right(util::printable(a.output), name_w) + "  " +
           pad_left(human_bytes(a.digest.size), 10) + "  " +
           pad_left(encoding_size(a, "br"), 10) + "  " + pad_left(encoding_size(a, "gzip"), 10) +
           "  " + pad_left(variant, 18) + "  " +
           pad_left(fmt::format("{:.0f}%", 100 * f.saving), 7) + "\n";
  }
  if (files.size() > rows) out += fmt::format("... and {} more files\n", files.size() - rows);
  const auto& t = report.total;
  double saving = t.input_size == 0
                      ? 0.0
                      : 1.0 - static_cast<double>(t.best) / static_cast<double>(t.input_size);
  out += pad_right(fmt::format("total ({} files)", files.size()), name_w) + "  " +
         pad_left(human_bytes(t.size), 10) + "  " + pad_left(human_bytes(t.br), 10) + "  " +
         pad_left(human_bytes(t.gzip), 10) + "  " + pad_left("", 18) + "  " +
         pad_left(fmt::format("{:.0f}%", 100 * saving), 7) + "\n";
  return out;
}

void Printer::diagnostics(const Diagnostics& diags) const {
  bool gh = github_actions();
  for (const auto& d : diags.sorted()) {
    if (d.severity == Severity::Note && options_.verbosity != Verbosity::Verbose) continue;
    if (d.severity == Severity::Warning && options_.verbosity == Verbosity::Quiet) continue;
    fmt::print(stderr, "{}\n", colored(d.format(), d.severity));
    if (gh && d.severity != Severity::Note) fmt::print(stderr, "{}\n", d.github_annotation());
  }
}

util::Result<util::Ok> Printer::summary(const BuildResult& r,
                                        util::AtomicFile* report_file) const {
  bool json_to_stdout = options_.report == "json" && !options_.report_file;
  std::FILE* text = json_to_stdout ? stderr : stdout;
  if (options_.verbosity == Verbosity::Verbose) {
    for (const auto& a : r.assets) {
      std::string fate = !a.map_of.empty()       ? "merged into the map of " + a.map_of.str()
                         : a.output == a.logical ? "kept name"
                                                 : "-> " + a.output;
      std::string extra;
      for (const auto& n : a.notes) extra += "; " + n;
      fmt::print(text, "{} {} ({}){}\n", util::printable(a.logical), util::printable(fate),
                 human_bytes(a.map_of.empty() ? a.digest.size : a.input_size), extra);
    }
  }
  if (options_.dry_run && options_.verbosity != Verbosity::Quiet) {
    for (const auto& f : emit::plan(r.assets, options_)) {
      fmt::print(text, "would write {} ({})\n", util::printable(f.path),
                 human_bytes(f.size));
    }
  }
  SizeReport report(r);
  if (options_.report == "json" || options_.report_file) {
    std::string json = size_report_json(r, report);
    if (options_.report_file) {
      util::Result<util::Ok> w =
          report_file ? report_file->write(json) : util::write_file_atomic(*options_.report_file, json);
      if (w && report_file) w = report_file->commit();
      if (!w) return w;
    } else {
      fmt::print(stdout, "{}", json);
    }
  }
  if (options_.timings) {
    const auto& t = r.times;
    fmt::print(text,
               "timings: scan {:.3f}s, minify {:.3f}s, images {:.3f}s, link {:.3f}s, "
               "compress {:.3f}s, emit {:.3f}s, total {:.3f}s\n",
               t.scan, t.minify, t.images, t.link, t.compress, t.emit, r.seconds);
    fmt::print(text, "payloads: {:.1f} MiB parked in the spill file between tasks\n",
               static_cast<double>(r.spilled_bytes) / (1 << 20));
    if (r.cache.enabled) fmt::print(text, "{}\n", cache_line(r.cache));
  }
  if (options_.verbosity == Verbosity::Quiet) return util::Ok{};
  if (options_.shard_count > 0) {
    fmt::print(text,
               "assetpipe: shard {}/{}: did the per-file work of {} of {} files into the cache "
               "({}), {:.2f}s; no output written: a build without --shard joins the shards\n",
               options_.shard_index, options_.shard_count, r.shard_files, r.assets.size(),
               cache_line(r.cache), r.seconds);
    return util::Ok{};
  }
  if (!json_to_stdout) fmt::print(text, "\n{}\n", size_table(report));
  if (r.cache.enabled && !options_.timings) fmt::print(text, "assetpipe: {}\n", cache_line(r.cache));
  // "out" is every file on disk; a browser fetches one encoding or variant of each.
  fmt::print(text,
             "assetpipe: {} files, {} in, {} out in {} files ({} for a browser: the best "
             "variant and encoding of each), {:.2f}s{} {}\n",
             r.assets.size(), human_bytes(r.bytes_in), human_bytes(r.bytes_out), r.files_written,
             human_bytes(report.total.best), r.seconds, options_.dry_run ? " (dry run, nothing written)" : " ->",
             options_.dry_run ? "" : util::printable(options_.output.string()));
  return util::Ok{};
}

void Printer::fatal(const std::string& message) const {
  fmt::print(stderr, "{}\n", colored("assetpipe: error: " + message, Severity::Error));
  if (github_actions()) {
    fmt::print(stderr, "{}\n", Diagnostic{Severity::Error, "", 0, 0, message}.github_annotation());
  }
}

}  // namespace assetpipe::cli
