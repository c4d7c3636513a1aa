// The pipeline: scan -> transform -> link -> emit. Each stage runs its work
// in parallel; stages are joined where their data must be complete.
#include "assetpipe/build.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include "assetpipe/progress.h"
#include "emit/compress.h"
#include "emit/emit.h"
#include "emit/manifest.h"
#include "emit/nginx_conf.h"
#include "link/link.h"
#include "scan/walk.h"
#include "transform/images.h"
#include "transform/minify.h"
#include "util/file.h"
#include "util/interrupt.h"

namespace fs = std::filesystem;

namespace assetpipe {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

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
  if (o.manifest_path && util::path_within(*o.manifest_path, o.input)) {
    throw UsageError(fmt::format("--manifest {} is inside the input; pick a path outside it",
                                 util::printable(o.manifest_path->string())));
  }
}

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

}  // namespace

BuildResult build(const Options& options, Diagnostics& diags) {
  auto start = Clock::now();
  check_paths(options);
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
  // Minification (mostly external esbuild/lightningcss processes) and image
  // encoding (CPU in this process) touch disjoint assets, so they overlap.
  {
    size_t work = 0;
    for (const auto& a : result.assets) {
      bool text = a.kind == FileKind::Js || a.kind == FileKind::Css;
      bool image = a.kind == FileKind::Jpeg || a.kind == FileKind::Png;
      work += (text && options.minify) || (image && options.images) ? 1 : 0;
    }
    progress::stage("optimizing", work);
    tbb::task_group transforms;
    transforms.run([&] {
      auto t0 = Clock::now();
      transform::minify(result.assets, options, diags);
      result.times.minify = seconds_since(t0);
    });
    transforms.run([&] {
      auto t0 = Clock::now();
      transform::make_image_variants(result.assets, options, diags);
      result.times.images = seconds_since(t0);
    });
    transforms.wait();  // rethrows the first exception of either
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

  // --- compress --- (from the final bytes: after link)
  t = Clock::now();
  emit::precompress(result.assets, options);
  result.times.compress = seconds_since(t);

  // --- emit ---
  emit::ExtraFiles extra = emit::nginx_conf(result.assets, options);
  std::string manifest = emit::manifest_json(result.assets);
  if (!options.manifest_path) extra[".assetpipe/manifest.json"] = manifest;
  if (options.dry_run) {
    for (const auto& f : emit::plan(result.assets)) {
      result.files_written++;
      result.bytes_out += f.bytes.size();
    }
    result.seconds = seconds_since(start);
    return result;
  }
  t = Clock::now();
  progress::stage("writing", 0);
  auto stats = emit::write_output(result.assets, extra, options, diags);
  if (options.manifest_path) {
    if (auto r = util::write_file_atomic(*options.manifest_path, manifest); !r) {
      throw Error(r.error());
    }
  }
  result.times.emit = seconds_since(t);
  result.files_written = stats.files;
  result.bytes_out = stats.bytes;
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace assetpipe
