// The build: scan, then a per-file task graph (transform -> link -> emit for
// each file as soon as what it depends on is ready), then what is made from
// the records (manifests, nginx snippets) and the swap.
#include "assetpipe/build.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
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
#include "cache/cache.h"
#include "emit/compress.h"
#include "emit/emit.h"
#include "emit/framework_manifests.h"
#include "emit/manifest.h"
#include "emit/nginx_conf.h"
#include "emit/record.h"
#include "link/link.h"
#include "scan/payloads.h"
#include "scan/walk.h"
#include "shard.h"
#include "snapshot.h"
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
  if (o.output.empty() && o.shard_count == 0) {
    throw UsageError("no output folder given: add -o <output>");
  }
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
  if (o.output.empty()) return;  // a shard writes no output
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

// Seconds spent in one kind of task, summed over the tasks (they overlap).
class StageClock {
 public:
  void add(Clock::time_point since) {
    ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since).count();
  }
  double seconds() const { return static_cast<double>(ns_.load()) / 1e9; }

 private:
  std::atomic<int64_t> ns_{0};
};

void stop_on_errors(const Diagnostics& diags, const Options& options) {
  if (diags.error_count() > 0 || (options.strict && diags.warning_count() > 0)) {
    throw Error(options.strict && diags.error_count() == 0
                    ? "warnings are errors under --strict; the previous output is untouched"
                    : "the build failed; the previous output is untouched");
  }
}

// The per-file task graph (DESIGN.md "Data flow"). One task group runs:
//   - the text task: minify every JS/CSS file (batched), then link::Linker::
//     prepare() (references, the component graph);
//   - an image task per JPEG/PNG (largest first): read, decode, encode the
//     variants;
//   - a hash task per streamed file: read once in blocks for its name and digests;
//   - a naming task per component, started when everything it references is
//     named and its images and streamed files are done: rewrite, hash, name;
//   - a finish task per file, started when its name is final: compress, write
//     into the staging folder, free the payload.
// Counters are kept under one mutex: a few operations per file.
class TaskGraph {
 public:
  TaskGraph(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
            emit::Staging& staging, StageTimes& times, cache::Cache* cache,
            const std::vector<char>* slice, scan::Payloads& payloads)
      : assets_(assets),
        options_(options),
        diags_(diags),
        cache_(cache),
        slice_(slice),
        staging_(staging),
        times_(times),
        payloads_(payloads),
        linker_(assets, options, diags, /*report_progress=*/false, &payloads),
        pending_(assets.size(), 0) {
    for (size_t i = 0; i < assets_.size(); ++i) {
      if (assets_[i].streamed) {
        streamed_.push_back(i);
        pending_[i] = 1;
      } else if (transform::wants_variants(assets_[i], options_)) {
        images_.push_back(i);
        pending_[i] = 1;
      }
    }
  }

  // Progress units: one per file finished, one per file transformed.
  size_t work() const {
    size_t n = assets_.size() + images_.size();
    for (const Asset& a : assets_) n += transform::should_minify(a, options_) ? 1 : 0;
    return n;
  }

  void run() {
    order_images();
    for (size_t k = 0; k < images_.size(); ++k) tasks_.run([this] { image_task(); });
    for (size_t i : streamed_) tasks_.run([this, i] { stream_task(i); });
    tasks_.run([this] { text_task(); });
    tasks_.wait();
    util::throw_if_interrupted();
    // Every component ran: a file never named would silently be missing.
    if (named_ != linker_.components().members.size()) {
      throw Error(fmt::format("internal error: {} of {} groups of files were never named; "
                              "nothing was written (please report this)",
                              linker_.components().members.size() - named_,
                              linker_.components().members.size()));
    }
    // Input maps that a same-named file claims are known only now.
    auto t = Clock::now();
    linker_.finish();
    link_.add(t);
    std::vector<size_t> maps;
    for (size_t i : deferred_) {
      if (assets_[i].map_of.empty()) maps.push_back(i);
      else progress::done();
    }
    tbb::parallel_for(size_t{0}, maps.size(), [&](size_t k) { finish(maps[k]); });
    util::throw_if_interrupted();
    times_.minify = minify_.seconds();
    times_.images = images_clock_.seconds();
    times_.link = link_.seconds();
    times_.compress = compress_.seconds();
    times_.emit = write_.seconds();
  }

 private:
  std::vector<Asset>& assets_;
  const Options& options_;
  Diagnostics& diags_;
  cache::Cache* cache_;  // nullptr with --no-cache
  // --shard: the files whose per-file work this shard does (results into
  // the cache; nothing written). nullptr in an ordinary build.
  const std::vector<char>* slice_;
  bool in_slice(size_t i) const { return !slice_ || (*slice_)[i]; }
  emit::Staging& staging_;
  StageTimes& times_;
  scan::Payloads& payloads_;
  link::Linker linker_;
  emit::EncodingMemo memo_;  // encodings of repeated small files
  tbb::task_group tasks_;

  std::vector<size_t> images_;    // largest first, taken in order by image tasks
  std::atomic<size_t> next_image_{0};
  std::vector<size_t> streamed_;
  std::vector<size_t> deferred_;  // standalone input maps: written after finish()

  std::mutex mutex_;  // guards what follows
  bool prepared_ = false;
  size_t named_ = 0;             // components named so far
  std::vector<char> pending_;    // per asset: its image or hash task has not ended
  std::vector<size_t> waiting_;  // per component: what it still waits for
  link::Rows dependents_;  // per component: the components that wait for it

  StageClock minify_, images_clock_, link_, compress_, write_;

  // Most pixels first (encoding time follows pixels), then bytes; ties keep
  // path order. Only the header of each image is read.
  void order_images() {
    std::vector<uint64_t> pixels(assets_.size(), 0);
    tbb::parallel_for(size_t{0}, images_.size(), [&](size_t k) {
      pixels[images_[k]] = transform::probe_pixels_of_file(source_file(assets_[images_[k]], options_.input));
    });
    std::stable_sort(images_.begin(), images_.end(), [&](size_t a, size_t b) {
      if (pixels[a] != pixels[b]) return pixels[a] > pixels[b];
      return assets_[a].input_size > assets_[b].input_size;
    });
  }

  void text_task() {
    auto t = Clock::now();
    transform::minify(assets_, options_, diags_, cache_, slice_, &payloads_);
    minify_.add(t);
    util::throw_if_interrupted();
    stop_on_errors(diags_, options_);  // a file that failed to minify
    t = Clock::now();
    linker_.prepare();
    link_.add(t);
    const auto& comps = linker_.components();
    const auto& deps = linker_.dependencies();
    std::vector<size_t> ready;
    {
      std::lock_guard lock(mutex_);
      dependents_ = deps.reversed(comps.members.size());
      waiting_.assign(comps.members.size(), 0);
      for (size_t c = 0; c < comps.members.size(); ++c) {
        waiting_[c] = deps[c].size();
        for (size_t m : comps.members[c]) waiting_[c] += pending_[m];
        if (waiting_[c] == 0) ready.push_back(c);
      }
      prepared_ = true;
    }
    for (size_t c : ready) tasks_.run([this, c] { name_task(c); });
  }

  // The image's or streamed file's own work is done: its component may be ready.
  void transformed(size_t i) {
    std::optional<size_t> ready;
    {
      std::lock_guard lock(mutex_);
      pending_[i] = 0;
      if (prepared_) {
        size_t c = linker_.components().component_of[i];
        if (--waiting_[c] == 0) ready = c;
      }
    }
    if (ready) tasks_.run([this, c = *ready] { name_task(c); });
  }

  void image_task() {
    if (util::interrupted()) return;
    auto t = Clock::now();
    size_t i = images_[next_image_.fetch_add(1)];
    Asset& a = assets_[i];
    if (!in_slice(i)) {  // another shard's
      images_clock_.add(t);
      progress::done();
      transformed(i);
      return;
    }
    // A private copy while encoding: the record is shared with prepare().
    payloads_.fetch(i);
    Asset image;
    image.logical = a.logical;
    image.kind = a.kind;
    image.bytes = std::move(a.bytes);
    progress::started(a.logical);
    transform::ImageWork work = transform::image_variants(image, options_, diags_, cache_);
    progress::done();
    {
      std::lock_guard lock(mutex_);
      a.bytes = std::move(image.bytes);
      a.variants = std::move(work.variants);
      for (auto& n : work.notes) a.notes.push_back(std::move(n));
    }
    payloads_.park(i);  // until it is named
    images_clock_.add(t);
    transformed(i);
  }

  void stream_task(size_t i) {
    if (util::interrupted()) return;
    auto t = Clock::now();
    if (auto r = emit::hash_streamed(assets_[i], options_); !r) {
      throw Error(r.error() + " (did it vanish or change during the build?)");
    }
    link_.add(t);
    transformed(i);
  }

  void name_task(size_t c) {
    if (util::interrupted()) return;
    auto t = Clock::now();
    linker_.name(c);
    const auto& members = linker_.components().members[c];
    for (size_t m : members) {
      if (assets_[m].map_of.empty()) emit::seal(assets_[m], options_);
    }
    link_.add(t);
    std::vector<size_t> ready;
    {
      std::lock_guard lock(mutex_);
      ++named_;
      for (size_t d : dependents_[c]) {
        if (--waiting_[d] == 0) ready.push_back(d);
      }
      for (size_t m : members) {
        if (assets_[m].kind == FileKind::SourceMap && assets_[m].map_of.empty()) {
          deferred_.push_back(m);
        }
      }
    }
    for (size_t m : members) {
      if (assets_[m].kind == FileKind::SourceMap && assets_[m].map_of.empty()) {
        payloads_.park(m);  // written after finish()
      }
    }
    for (size_t d : ready) tasks_.run([this, d] { name_task(d); });
    for (size_t m : members) {
      const Asset& a = assets_[m];
      if (!a.map_of.empty()) {
        emit::free_payload(assets_[m]);  // merged into its owner's map, which has its bytes
        payloads_.release(m);
        progress::done();
      } else if (a.kind != FileKind::SourceMap) {
        tasks_.run([this, m] { finish(m); });
      }
    }
  }

  // Whether a file's final bytes are known to this shard: it and the other
  // members of its component are in the slice (so transformed here) and
  // they reference no other component (whose name may come from bytes
  // another shard transforms).
  bool final_here(size_t m) const {
    size_t c = linker_.components().component_of[m];
    if (!linker_.dependencies()[c].empty()) return false;
    for (size_t member : linker_.components().members[c]) {
      if (!in_slice(member)) return false;
    }
    return true;
  }

  // Compress, write, free. A shard compresses only what its slice makes
  // final and writes nothing.
  void finish(size_t m) {
    if (util::interrupted()) return;
    Asset& a = assets_[m];
    if (!a.streamed) payloads_.fetch(m);  // a standalone map was parked after it was named
    auto t = Clock::now();
    if (!slice_ || final_here(m)) emit::precompress_one(a, options_, cache_, &memo_);
    compress_.add(t);
    t = Clock::now();
    staging_.write(a);
    emit::free_payload(a);
    payloads_.release(m);
    write_.add(t);
    progress::done();
  }
};

}  // namespace

BuildResult build(const Options& given, Diagnostics& diags) {
  auto start = Clock::now();
  check_paths(given);
  // A shard writes no output: it runs as a dry run with its results going
  // into the cache.
  Options options = given;
  if (options.shard_count > 0) options.dry_run = true;
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

  // Cache (and snapshot) warnings go to stderr, not to the diagnostics: a
  // build never fails (nor, under --strict, stops) for its cache.
  auto cache_warning = [quiet = options.verbosity == Verbosity::Quiet](const std::string& m) {
    if (!quiet) fmt::print(stderr, "assetpipe: warning: {}\n", m);
  };
  std::unique_ptr<cache::Cache> cache = cache::open(options, cache_warning);

  BuildResult result;
  // --- scan ---
  auto t = Clock::now();
  result.assets = scan::walk(options, diags);
  // The same input and options as a build the cache keeps a snapshot of:
  // its output, linked (src/snapshot.h).
  std::optional<std::string> snapshot_key;
  if (cache && snapshot::eligible(options, cache->local() != nullptr, diags)) {
    snapshot_key = snapshot::key(options, result.assets);
    std::string why;
    if (auto replayed =
            snapshot_key ? snapshot::replay(cache->local()->dir(), *snapshot_key, options, why)
                         : std::nullopt) {
      for (auto& d : replayed->raised) diags.add(std::move(d));
      result.assets = std::move(replayed->assets);
      result.bytes_in = replayed->sizes.bytes_in;
      result.bytes_out = replayed->sizes.bytes_out;
      result.files_written = replayed->sizes.files_written;
      cache->note_snapshot(replayed->files);
      result.cache = cache::finish(cache.get(), options);
      result.times.scan = seconds_since(t);
      result.seconds = seconds_since(start);
      return result;
    }
    if (options.verbosity == Verbosity::Verbose && !why.empty()) {
      fmt::print(stderr, "assetpipe: building: {}\n", why);
    }
  }
  for (Asset& a : result.assets) a.streamed = emit::is_streamed(a, options);
  emit::Staging staging(options);  // refuses an output it may not replace, before any work
  // Nothing is read yet: each file is read when its first task needs it.
  util::ScratchDir spill_folder(options.dry_run ? fs::path() : options.output, "spill");
  scan::Payloads payloads(result.assets, options.input, spill_folder.path());
  result.times.scan = seconds_since(t);

  // --- transform, link, compress, write: per file ---
  std::vector<char> slice;
  if (options.shard_count > 0) {
    std::vector<uint64_t> costs(result.assets.size());
    tbb::parallel_for(size_t{0}, result.assets.size(), [&](size_t i) {
      const Asset& a = result.assets[i];
      uint64_t pixels = transform::wants_variants(a, options)
                            ? transform::probe_pixels_of_file(source_file(a, options.input))
                            : 0;
      costs[i] = shard_cost(a, pixels);
    });
    slice = shard_slice(result.assets, costs, options.shard_index, options.shard_count);
    for (char c : slice) result.shard_files += c ? 1 : 0;
  }
  {
    TaskGraph graph(result.assets, options, diags, staging, result.times, cache.get(),
                    options.shard_count > 0 ? &slice : nullptr, payloads);
    progress::stage("building", graph.work());
    graph.run();
  }
  for (const auto& a : result.assets) result.bytes_in += a.input_size;
  result.spilled_bytes = payloads.spilled_bytes();
  stop_on_errors(diags, options);
  result.cache = cache::finish(cache.get(), options);

  // --- emit: what is made from the records ---
  t = Clock::now();
  staging.write_originals(result.assets);
  // The server snippet (a location for most files) and the manifest are
  // written in pieces as they are made; a dry run still makes the snippet,
  // for the names nginx cannot be given.
  auto write_server_conf = [&](const emit::TextSink& sink) {
    emit::write_nginx_server_conf(result.assets, options, sink);
  };
  if (options.dry_run) write_server_conf([](std::string_view) {});
  else staging.write_streamed(emit::kNginxServerConf, write_server_conf);
  emit::ExtraFiles extra = {{emit::kNginxHttpConf, emit::nginx_http_conf()}};
  extra.merge(emit::framework_manifests(result.assets, options));
  auto framework_paths = emit::framework_manifest_paths(options);
  auto write_manifest = [&](const emit::TextSink& sink) {
    emit::write_manifest_json(result.assets, framework_paths, sink);
  };
  if (!options.manifest_path) staging.write_streamed(".assetpipe/manifest.json", write_manifest);
  if (options.dry_run) {
    auto stats = staging.stats();
    result.files_written = stats.files;
    result.bytes_out = stats.bytes;
    result.seconds = seconds_since(start);
    return result;
  }
  progress::stage("writing", 0);
  // A file outside the output is written whole before the output is replaced
  // and only renamed into place after: a failure here leaves both as they were.
  std::optional<util::AtomicFile> external_manifest;
  if (options.manifest_path) {
    auto f = util::AtomicFile::create(*options.manifest_path);
    if (!f) throw Error(f.error() + "; the previous output is untouched");
    util::Result<util::Ok> w = util::Ok{};
    write_manifest([&](std::string_view piece) {
      if (w) w = f->write(piece);
    });
    if (!w) throw Error(w.error() + "; the previous output is untouched");
    external_manifest.emplace(std::move(*f));
  }
  auto stats = staging.commit(extra);
  if (external_manifest) {
    if (auto r = external_manifest->commit(); !r) {
      throw Error(r.error() + " (the output was replaced; build again to bring them together)");
    }
  }
  result.files_written = stats.files;
  result.bytes_out = stats.bytes;
  // Not a build that warned: a warning may be a passing failure (a tool
  // that timed out under --keep-going), which the next build should retry,
  // as the per-file entries never keep one.
  if (snapshot_key && diags.warning_count() == 0) {
    std::vector<std::string> files = staging.claimed();
    for (const auto& [rel, bytes] : extra) files.push_back(rel);
    snapshot::record(cache->local()->dir(), *snapshot_key, options, std::move(files), result.assets,
                     diags.sorted(), {result.bytes_in, result.bytes_out, result.files_written},
                     cache_warning);
  }
  result.times.emit += seconds_since(t);
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace assetpipe
