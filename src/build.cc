// The pipeline: scan -> transform -> link -> emit. Each stage runs its work
// in parallel; stages are joined where their data must be complete.
#include "assetpipe/build.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include "assetpipe/progress.h"
#include "emit/compress.h"
#include "emit/emit.h"
#include "emit/framework_manifests.h"
#include "emit/manifest.h"
#include "emit/nginx_conf.h"
#include "link/link.h"
#include "scan/walk.h"
#include "transform/images.h"
#include "transform/minify.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/output_siblings.h"

namespace fs = std::filesystem;

namespace assetpipe {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

// Output equal to, inside, or containing the input is refused (exit 2).
void check_paths(const Options& o) {
  if (o.input.empty())
    throw UsageError("no input folder given: assetpipe build <input> -o <output>");
  if (o.output.empty()) throw UsageError("no output folder given: add -o <output>");
  std::error_code ec;
  if (!fs::exists(o.input, ec)) {
    throw Error(fmt::format("the input {} does not exist", util::printable(o.input.string())));
  }
  if (!fs::is_directory(o.input, ec)) {
    throw Error(fmt::format("the input {} is not a folder", util::printable(o.input.string())));
  }
  if (::access(o.input.c_str(), R_OK | X_OK) != 0) {
    throw Error(fmt::format("the input {} is not readable", util::printable(o.input.string())));
  }
  std::string in = util::printable(o.input.string()), out = util::printable(o.output.string());
  bool out_in_in = util::path_within(o.output, o.input);
  bool in_in_out = util::path_within(o.input, o.output);
  if (out_in_in && in_in_out) {
    throw UsageError(
        fmt::format("the output {} is the input; pick another -o (assetpipe never "
                    "modifies its input)",
                    out));
  }
  if (out_in_in) {
    throw UsageError(
        fmt::format("the output {} is inside the input {}; pick an -o outside it", out, in));
  }
  if (in_in_out) {
    throw UsageError(
        fmt::format("the input {} is inside the output {}; replacing the output "
                    "would delete the input; pick another -o",
                    in, out));
  }
  // Files written outside the output: never into the input (assetpipe never modifies it).
  for (const auto& [flag, path] : {std::pair{"--manifest", o.manifest_path},
                                   std::pair{"--report-file", o.report_file}}) {
    if (path && util::path_within(*path, o.input)) {
      throw UsageError(fmt::format(
          "{} {} is inside the input; pick a path outside it (assetpipe never modifies its input)",
          flag, util::printable(path->string())));
    }
  }
}

namespace {

void read_all(std::vector<Asset>& assets) {
  progress::stage("reading", assets.size());
  std::mutex m;
  std::string first_error;
  tbb::parallel_for(size_t{0}, assets.size(), [&](size_t i) {
    if (util::interrupted()) return;
    auto r = util::read_file(assets[i].source_path);
    if (!r) {
      std::lock_guard lock(m);
      if (first_error.empty()) {
        first_error = fmt::format("{}: {}", util::printable(assets[i].logical), r.error());
      }
      return;
    }
    assets[i].bytes = std::move(*r);
    assets[i].input_size = assets[i].bytes.size();
    progress::done();
  });
  util::throw_if_interrupted();
  if (!first_error.empty()) {
    throw Error(first_error + " (did it vanish or change during the build?)");
  }
}

// Early precompression. Image encoding is the one transform that changes
// names late (an image's hash covers its variants), so while it runs, a copy
// of the minified assets is linked (diagnostics discarded) and every text file
// that reaches no JPEG/PNG through its references (its final bytes and name
// cannot depend on the images) is precompressed. After the real link, a file
// whose output name, bytes and map are exactly the early ones takes those
// encodings; everything else is compressed then. Compression is deterministic,
// so the output is the same either way.
struct EarlyCompression {
  // Precompressed copies; their `notes` hold only what compression noted.
  std::map<std::string, Asset> by_logical;
  double seconds = 0;
};

bool wants_early_compression(const std::vector<Asset>& assets, const Options& o) {
  if (!o.images || (!o.image_webp && !o.image_avif)) return false;
  if (!o.compress_br && !o.compress_gz) return false;
  return std::any_of(assets.begin(), assets.end(), [](const Asset& a) {
    return a.kind == FileKind::Jpeg || a.kind == FileKind::Png;
  });
}

EarlyCompression compress_early(std::vector<Asset> copy, const Options& options) {
  EarlyCompression early;
  auto t0 = Clock::now();
  try {
    Diagnostics discarded;
    link::link(copy, options, discarded, /*report_progress=*/false);
    // Reverse reachability from the images over the references.
    std::map<std::string_view, size_t> index;
    for (size_t i = 0; i < copy.size(); ++i) index.emplace(copy[i].logical, i);
    std::vector<std::vector<size_t>> referrers(copy.size());
    for (size_t i = 0; i < copy.size(); ++i) {
      for (const auto& target : copy[i].imports) {
        if (auto it = index.find(target); it != index.end()) referrers[it->second].push_back(i);
      }
    }
    std::vector<bool> affected(copy.size(), false);
    std::vector<size_t> todo;
    for (size_t i = 0; i < copy.size(); ++i) {
      if (copy[i].kind == FileKind::Jpeg || copy[i].kind == FileKind::Png) {
        affected[i] = true;
        todo.push_back(i);
      }
    }
    while (!todo.empty()) {
      size_t i = todo.back();
      todo.pop_back();
      for (size_t r : referrers[i]) {
        if (!affected[r]) {
          affected[r] = true;
          todo.push_back(r);
        }
      }
    }
    std::vector<Asset> independent;
    for (size_t i = 0; i < copy.size(); ++i) {
      if (affected[i] || !copy[i].map_of.empty()) continue;
      copy[i].notes.clear();  // the real asset has these already
      independent.push_back(std::move(copy[i]));
    }
    emit::precompress(independent, options, /*report_progress=*/false);
    for (auto& a : independent) early.by_logical.emplace(a.logical, std::move(a));
  } catch (const std::exception&) {
    // The real link and compression will report whatever went wrong.
    early.by_logical.clear();
  }
  early.seconds = seconds_since(t0);
  return early;
}

void precompress_rest(std::vector<Asset>& assets, const EarlyCompression& early,
                      const Options& options) {
  std::vector<Asset> rest;
  std::vector<size_t> rest_index;
  for (size_t i = 0; i < assets.size(); ++i) {
    Asset& a = assets[i];
    auto it = early.by_logical.find(a.logical);
    if (it != early.by_logical.end() && it->second.output == a.output &&
        it->second.bytes == a.bytes && it->second.source_map == a.source_map) {
      a.encodings = it->second.encodings;
      a.source_map_encodings = it->second.source_map_encodings;
      a.notes.insert(a.notes.end(), it->second.notes.begin(), it->second.notes.end());
      continue;
    }
    rest.push_back(std::move(a));
    rest_index.push_back(i);
  }
  emit::precompress(rest, options);
  for (size_t k = 0; k < rest.size(); ++k) assets[rest_index[k]] = std::move(rest[k]);
}

}  // namespace

BuildResult build(const Options& options, Diagnostics& diags) {
  auto start = Clock::now();
  check_paths(options);
  // One build at a time writes an output; a dry run writes nothing.
  std::optional<util::OutputLock> lock;
  if (!options.dry_run) {
    lock.emplace(options.output,
                 options.no_wait ? util::OutputLock::Wait::No : util::OutputLock::Wait::Yes,
                 [&](const std::string& message) {
                   if (options.verbosity != Verbosity::Quiet) {
                     fmt::print(stderr, "assetpipe: {}\n", message);
                   }
                 });
    util::remove_stale_siblings(options.output);  // what killed builds left
  }
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, jobs);

  BuildResult result;
  // --- scan ---
  auto t = Clock::now();
  result.assets = scan::walk(options, diags);
  read_all(result.assets);
  for (const auto& a : result.assets) result.bytes_in += a.bytes.size();
  result.times.scan = seconds_since(t);

  // --- transform ---
  // Minification first (its tools are parallel processes of their own), then
  // image encoding, during which the files whose final bytes cannot depend on
  // the images are linked on a copy and precompressed early (see below).
  size_t work = 0;
  for (const auto& a : result.assets) {
    bool text = a.kind == FileKind::Js || a.kind == FileKind::Css;
    bool image = a.kind == FileKind::Jpeg || a.kind == FileKind::Png;
    work += (text && options.minify) || (image && options.images) ? 1 : 0;
  }
  progress::stage("optimizing", work);
  t = Clock::now();
  transform::minify(result.assets, options, diags);
  result.times.minify = seconds_since(t);
  util::throw_if_interrupted();

  EarlyCompression early;
  {
    bool overlap = wants_early_compression(result.assets, options);
    std::vector<Asset> copy;
    if (overlap) copy = result.assets;  // before any image task touches them
    tbb::task_group stage;
    stage.run([&] {
      auto t0 = Clock::now();
      transform::make_image_variants(result.assets, options, diags);
      result.times.images = seconds_since(t0);
    });
    if (overlap) stage.run([&] { early = compress_early(std::move(copy), options); });
    stage.wait();  // rethrows the first exception of either
  }
  util::throw_if_interrupted();

  // --- link ---
  t = Clock::now();
  progress::stage("linking", result.assets.size());
  link::link(result.assets, options, diags);
  result.times.link = seconds_since(t);
  util::throw_if_interrupted();

  if (diags.error_count() > 0 || (options.strict && diags.warning_count() > 0)) {
    throw Error(options.strict && diags.error_count() == 0
                    ? "warnings are errors under --strict; the previous output is untouched"
                    : "the build failed; the previous output is untouched");
  }

  // A name nginx cannot serve safely stops the build before the slow compression.
  emit::nginx_conf(result.assets, options);
  // So does a framework manifest that would overwrite a file of the build.
  emit::check_framework_manifest_paths(result.assets, options);

  // --- compress --- (from the final bytes: after link; what was compressed
  // early is reused where the final file is exactly what was compressed)
  t = Clock::now();
  precompress_rest(result.assets, early, options);
  result.times.compress = seconds_since(t) + early.seconds;

  // --- emit ---
  emit::ExtraFiles extra = emit::nginx_conf(result.assets, options);
  extra.merge(emit::framework_manifests(result.assets, options));
  std::string manifest =
      emit::manifest_json(result.assets, emit::framework_manifest_paths(options));
  if (!options.manifest_path) extra[".assetpipe/manifest.json"] = manifest;
  if (options.dry_run) {
    for (const auto& f : emit::plan(result.assets, options)) {
      result.files_written++;
      result.bytes_out += f.bytes.size();
    }
    result.seconds = seconds_since(start);
    return result;
  }
  t = Clock::now();
  progress::stage("writing", 0);
  // A file outside the output is written whole before the output is replaced
  // and only renamed into place after: a failure here leaves both as they were.
  std::optional<util::AtomicFile> external_manifest;
  if (options.manifest_path) {
    auto f = util::AtomicFile::create(*options.manifest_path);
    if (!f) throw Error(f.error() + "; the previous output is untouched");
    if (auto w = f->write(manifest); !w) throw Error(w.error() + "; the previous output is untouched");
    external_manifest.emplace(std::move(*f));
  }
  auto stats = emit::write_output(result.assets, extra, options, diags);
  if (external_manifest) {
    if (auto r = external_manifest->commit(); !r) {
      throw Error(r.error() + " (the output was replaced; build again to bring them together)");
    }
  }
  result.times.emit = seconds_since(t);
  result.files_written = stats.files;
  result.bytes_out = stats.bytes;
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace assetpipe
