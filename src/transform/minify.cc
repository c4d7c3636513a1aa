#include "transform/minify.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "assetpipe/error.h"
#include "assetpipe/progress.h"
#include "cache/cache.h"
#include "cache/key.h"
#include "scan/logical_index.h"
#include "scan/payloads.h"
#include "transform/minify_comments.h"
#include "transform/minify_esbuild.h"
#include "transform/minify_lightningcss.h"
#include "transform/tools.h"
#include "util/file.h"
#include "util/glob.h"
#include "util/interrupt.h"
#include "util/output_siblings.h"
#include "util/path.h"
#include "util/sourcemap.h"
#include "util/url.h"

namespace fs = std::filesystem;
namespace sm = assetpipe::util::sourcemap;

namespace assetpipe::transform {
namespace {

constexpr size_t kMaxBatch = 400;
// Input bytes minified at a time: the files and the maps beside them.
constexpr uint64_t kChunkBytes = uint64_t{2} << 20;
// Input maps above this size are not parsed (README "Source maps").
constexpr size_t kMaxInputMapBytes = size_t{256} << 20;

// One file's work: what is known of its input for the tool, and the map it
// came with. The input itself (the bytes without their map comment) is made
// only when the tool runs (input_of): a job holds no copy of a file.
struct Job {
  size_t asset = 0;
  std::string extension;  // as the tool is told: ".js", ".mjs", ".cjs", ".css"
  size_t code_size = 0;   // of the input, its map comment removed
  sm::Limits limits;      // on what a map of that input may decode to
  const std::string* input_map = nullptr;  // JSON: an asset's bytes, or *inline_map
  std::unique_ptr<std::string> inline_map;  // a data: URL's map (an address that moves with the job)
  std::optional<size_t> input_map_asset;  // index of the .map asset, when a file
  std::string input_map_dir;              // folder its `sources` are relative to
  std::string input_map_name;             // for messages
  std::string key;                        // its cache key ("" without a cache)
  std::optional<cache::Entry> hit;        // its cached result
};

using util::base_name;
std::string folder_of(std::string_view logical) { return std::string(util::folder_of(logical)); }

// `<name>.map` beside a file that has no sourceMappingURL comment, when its
// `file` field (if it has one) names that file: the pairing bundlers'
// "hidden" source maps rely on (webpack's hidden-source-map, swagger-ui's dist).
std::optional<size_t> map_beside(const Asset& a, const std::vector<Asset>& assets,
                                 const scan::LogicalIndex& by_logical,
                                 const std::function<void(size_t)>& fetch) {
  auto map = by_logical.find(a.logical + ".map");
  if (!map || assets[*map].kind != FileKind::SourceMap) return std::nullopt;
  fetch(*map);
  auto file = sm::file_field(assets[*map].bytes);
  if (file && !file->empty() && *file != base_name(a.logical)) return std::nullopt;
  return map;
}

// `fetch` makes a map asset's bytes whole in memory (scan::Payloads::fetch).
void find_input_map(Job& job, const Asset& a, const std::vector<Asset>& assets,
                    const scan::LogicalIndex& by_logical, const Options& options,
                    Diagnostics& diags, const std::function<void(size_t)>& fetch) {
  auto comment = find_map_comment(a.bytes, a.kind);
  if (!comment) {
    // No comment: the map a bundler left beside it (a "hidden" source map).
    if (auto beside = map_beside(a, assets, by_logical, fetch)) {
      job.input_map = &assets[*beside].bytes;
      job.input_map_asset = *beside;
      job.input_map_dir = folder_of(a.logical);
      job.input_map_name = assets[*beside].logical;
    }
    return;
  }
  if (auto inline_map = decode_data_url(comment->url)) {
    job.inline_map = std::make_unique<std::string>(std::move(*inline_map));
    job.input_map = job.inline_map.get();
    job.input_map_dir = folder_of(a.logical);
    job.input_map_name = a.logical + " (inline map)";
    return;
  }
  auto path = resolve_map_url(comment->url, a.logical, options.base);
  if (!path) return;  // remote or data: URL in another form: nothing to compose with
  auto map = by_logical.find(*path);
  if (!map || assets[*map].kind != FileKind::SourceMap) {
    diags.warning(a.logical, fmt::format("its sourceMappingURL names {}, which is not a .map in "
                                         "the input; its new map stops at this file",
                                         util::printable(*path)));
    return;
  }
  fetch(*map);
  job.input_map = &assets[*map].bytes;
  job.input_map_asset = *map;
  job.input_map_dir = folder_of(*path);
  job.input_map_name = *path;
}

// Sources of `map` (relative to `from`) made relative to `to`; URLs and absolute paths kept.
void rebase_sources(sm::SourceMap& map, const std::string& from, const std::string& to) {
  for (auto& s : map.sources) {
    if (util::is_relative_source(s)) s = util::rebase_path(s, from, to);
  }
}

// The map to emit for a minified asset: the tool's map with `sources` made
// relative to the asset's folder, composed with the input's own map when it
// has one. An unusable input map is a warning (the tool's map is used); a
// broken map from the tool is a failure.
util::Result<std::string> final_map(const Asset& a, const Job& job, const MinifyOutput& out,
                                    bool& composed, Diagnostics& diags) {
  auto outer = sm::decode(out.map);
  if (!outer) return util::fail("the minifier wrote a broken source map: " + outer.error());
  outer->sources = {std::string(base_name(a.logical))};
  outer->file = std::string(base_name(a.logical));
  composed = false;
  if (job.input_map) {
    // Bounded by the file it maps (a hostile map costs memory in proportion to that).
    auto inner = job.input_map->size() > kMaxInputMapBytes
                     ? util::Result<sm::SourceMap>(util::fail(fmt::format(
                           "it is larger than {} MiB, the limit for composing a map",
                           kMaxInputMapBytes >> 20)))
                     : sm::decode(*job.input_map, job.limits);
    if (inner) {
      rebase_sources(*inner, job.input_map_dir, folder_of(a.logical));
      auto c = sm::compose(*outer, *inner);
      if (c) {
        composed = true;
        return sm::encode(*c);
      }
      inner = util::fail(c.error());
    }
    diags.warning(job.input_map_name,
                  fmt::format("cannot use this source map ({}); the new map of {} stops at that "
                              "file as it was instead of its original sources",
                              inner.error(), util::printable(a.logical)));
  }
  return sm::encode(*outer);
}

void report_failure(const Asset& a, const MinifyOutput& out, const Options& options,
                    Diagnostics& diags) {
  if (options.keep_going) {
    diags.warning(a.logical, out.error + "; emitted unminified (--keep-going)", out.line,
                  out.column);
  } else {
    diags.error(a.logical,
                out.error +
                    "; fix it, skip it with --no-minify-glob, or emit it unminified with "
                    "--keep-going",
                out.line, out.column);
  }
}

// The input stays as it was. A map paired with it by name (no comment) is
// taken as its map, so it is served at the file's final name + ".map" and
// the link stage adds the comment; a map its comment names is taken over by
// the link stage itself.
std::optional<size_t> keep_input(Asset& a, const Job& job, const Options& options) {
  if (options.sourcemap != SourceMapMode::External) return std::nullopt;
  if (!job.input_map_asset || find_map_comment(a.bytes, a.kind)) return std::nullopt;
  a.source_map = *job.input_map;
  return job.input_map_asset;
}

// What applying one result did: whether it is a result to cache (a failure
// is not), and the input map asset it consumed, if any.
struct Applied {
  bool ok = true;
  std::optional<size_t> consumed;
};

Applied apply(Asset& a, const Job& job, MinifyOutput& out, const Options& options,
              Diagnostics& diags) {
  if (!out.ok) {
    report_failure(a, out, options, diags);
    return {false, std::nullopt};
  }
  if (out.code.size() >= a.bytes.size()) {
    a.notes.push_back(
        fmt::format("not minified: the result ({} bytes) was not smaller", out.code.size()));
    return {true, keep_input(a, job, options)};
  }
  double saving = 1.0 - static_cast<double>(out.code.size()) /
                            static_cast<double>(std::max<size_t>(1, job.code_size));
  if (saving < options.min_minify_saving) {
    a.notes.push_back(fmt::format(
        "not minified: it saves {:.1f}% ({} -> {} bytes), under --min-minify-saving {}; "
        "kept as it was, with its own map",
        100.0 * saving, job.code_size, out.code.size(), options.min_minify_saving));
    return {true, keep_input(a, job, options)};
  }
  bool composed = false;
  if (options.sourcemap == SourceMapMode::External) {
    auto map = final_map(a, job, out, composed, diags);
    if (!map) {
      report_failure(a, MinifyOutput{.error = map.error()}, options, diags);
      return {false, std::nullopt};
    }
    a.source_map = std::move(*map);
  } else {
    composed = true;  // the input map is dropped with the comment
  }
  a.notes.push_back(fmt::format("minified {} -> {} bytes", a.bytes.size(), out.code.size()));
  a.bytes = std::move(out.code);
  return {true, composed ? job.input_map_asset : std::nullopt};
}

// --- the cache (src/cache/): one entry per file, keyed by its bytes, its
// input map, its path (the map's `sources` are relative to its folder), the
// tool's version and flags and the options apply() reads. The entry holds
// what apply() did: the bytes, the map, the notes, the warnings, whether the
// input map was consumed.

// A tool as this build runs it, set up once (find_tool runs its --version):
// the cache keys and the runs read the same tool and flags.
struct ToolSetup {
  ToolKind kind;
  util::Result<Tool> tool;
  std::string targets;  // lightningcss's browserslist query
  std::vector<std::string> flags;
};

ToolSetup setup_tool(ToolKind kind, const Options& options) {
  ToolSetup t{kind, find_tool(kind, options), "", {}};
  if (kind == ToolKind::Esbuild) {
    t.flags = esbuild_flags(options);
  } else {
    t.targets = css_targets(options);
    t.flags = lightningcss_flags(t.targets);
  }
  return t;
}

std::string tool_key(const ToolSetup& t) {
  if (!t.tool) return "";  // run_tool reports it
  std::string flags;
  for (const auto& f : t.flags) flags += f + '\n';
  return fmt::format("{} {}\n{}", tool_name(t.kind), t.tool->version, flags);
}

std::string minify_key(const Asset& a, const Job& job, const std::string& tool,
                       const Options& options) {
  cache::Key k("minify");
  k.add("tool", tool)
      .add("logical", a.logical)
      .add("extension", job.extension)
      .add("bytes", a.bytes)
      .add("has-input-map", job.input_map != nullptr)
      .add("input-map", job.input_map ? std::string_view(*job.input_map) : std::string_view())
      .add("input-map-dir", job.input_map_dir)
      .add("input-map-name", job.input_map_name)
      .add("sourcemap", options.sourcemap == SourceMapMode::External)
      .add("keep-going", options.keep_going)
      .add("min-minify-saving", options.min_minify_saving);
  return k.hex();
}

// Applies one tool result, and stores what it did when it is a result.
Applied apply_and_store(Asset& a, const Job& job, MinifyOutput& out, const Options& options,
                        Diagnostics& diags, cache::Cache* cache) {
  Diagnostics local;
  size_t notes_before = a.notes.size();
  Applied applied = apply(a, job, out, options, local);
  auto raised = local.sorted();
  for (const auto& d : raised) diags.add(d);
  if (!cache || !applied.ok || job.key.empty()) return applied;
  cache::Entry e;
  e.set("bytes", a.bytes);
  if (a.source_map) e.set("map", *a.source_map);
  e.set("notes", cache::pack_list({a.notes.begin() + static_cast<long>(notes_before),
                                   a.notes.end()}));
  e.set("diagnostics", cache::pack_diagnostics(raised));
  e.set("consumed", applied.consumed ? "1" : "0");
  cache->put(cache::Stage::Minify, job.key, e);
  return applied;
}

// A cached result, as apply() would have left it; nullopt when the entry
// does not hold one (then the file is minified again).
std::optional<Applied> apply_cached(Asset& a, const Job& job, cache::Entry& e,
                                    Diagnostics& diags) {
  auto notes = cache::unpack_list(e.get("notes").value_or(""));
  auto raised = cache::unpack_diagnostics(e.get("diagnostics").value_or(""));
  if (!e.has("bytes") || !notes || !raised) return std::nullopt;
  a.bytes = e.take("bytes");
  if (e.has("map")) a.source_map = e.take("map");
  for (auto& n : *notes) a.notes.push_back(std::move(n));
  if (auto note = cache::hit_note("minified result"); !note.empty()) a.notes.push_back(note);
  for (auto& d : *raised) diags.add(std::move(d));
  Applied applied;
  if (e.get("consumed") == "1") applied.consumed = job.input_map_asset;
  return applied;
}

// What the tool is given for one file: its bytes without their map comment.
MinifyInput input_of(const Asset& a, const Job& job) {
  return {a.logical, std::string(strip_map_comment(a.bytes, a.kind)), job.extension};
}

std::vector<MinifyOutput> run_tool(const std::vector<const Job*>& jobs,
                                   const std::vector<Asset>& assets, const ToolSetup& t,
                                   const Options& options, const fs::path& work) {
  if (jobs.empty()) return {};
  if (!t.tool) throw Error(t.tool.error());
  RunnerSettings s;
  s.tool = *t.tool;
  s.work_dir = work;
  s.source_maps = options.sourcemap == SourceMapMode::External;
  s.timeout = std::chrono::seconds(std::max(1u, options.tool_timeout_seconds));
  s.tool_flags = t.flags;
  auto ok = t.kind == ToolKind::Esbuild ? check_esbuild_flags(s)
                                        : check_lightningcss_flags(s, t.targets);
  if (!ok) throw Error(ok.error());
  std::vector<MinifyInput> inputs;
  inputs.reserve(jobs.size());
  for (const Job* j : jobs) inputs.push_back(input_of(assets[j->asset], *j));
  return t.kind == ToolKind::Esbuild ? run_esbuild(inputs, s, kMaxBatch)
                                     : run_lightningcss(inputs, s);
}

}  // namespace

bool should_minify(const Asset& a, const Options& options) {
  if (!options.minify || a.fingerprinted) return false;
  if (a.kind != FileKind::Js && a.kind != FileKind::Css) return false;
  for (const auto& g : options.no_minify_globs) {
    if (util::glob_match(g, a.logical)) return false;
  }
  return true;
}

namespace {

// The jobs of one chunk: made, looked up in the cache, run through the
// tools (misses only) and applied. `consumed` gets (input map, owner) pairs.
class Chunk {
 public:
  Chunk(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
        cache::Cache* cache, const scan::LogicalIndex& by_logical,
        std::optional<ToolSetup>& js_tool, std::optional<ToolSetup>& css_tool)
      : assets_(assets),
        options_(options),
        diags_(diags),
        cache_(cache),
        by_logical_(by_logical),
        js_tool_(js_tool),
        css_tool_(css_tool) {}

  // A file of the chunk, its payload in memory (and its input map's, through `fetch`).
  void add(size_t i, const std::function<void(size_t)>& fetch) {
    const Asset& a = assets_[i];
    if (a.bytes.find_first_not_of(" \t\r\n") == std::string::npos) return;  // nothing to minify
    if (!util::is_valid_utf8(a.bytes)) {
      // The tools would silently turn the bytes into U+FFFD.
      diags_.warning(a.logical,
                     "not minified: not valid UTF-8 (the minifiers would replace the "
                     "invalid bytes); convert it to UTF-8");
      return;
    }
    Job job;
    job.asset = i;
    if (a.kind == FileKind::Js) {
      std::string ext = util::lower_extension(a.logical);
      job.extension = ext == ".mjs" || ext == ".cjs" ? ext : ".js";
    } else {
      job.extension = ".css";
    }
    std::string_view code = strip_map_comment(a.bytes, a.kind);
    job.code_size = code.size();
    job.limits = sm::limits_for(code);
    find_input_map(job, a, assets_, by_logical_, options_, diags_, fetch);
    auto& tool = a.kind == FileKind::Js ? js_tool_ : css_tool_;
    if (!tool) tool = setup_tool(a.kind == FileKind::Js ? ToolKind::Esbuild : ToolKind::Lightningcss, options_);
    (a.kind == FileKind::Js ? js_ : css_).push_back(std::move(job));
  }

  void run(std::vector<std::pair<size_t, size_t>>& consumed) {
    if (js_.empty() && css_.empty()) return;
    // Cached results first: only misses reach the tools.
    look_up(js_, js_tool_);
    look_up(css_, css_tool_);
    std::vector<const Job*> js_todo = misses(js_), css_todo = misses(css_);
    std::vector<MinifyOutput> js_out, css_out;
    if (!js_todo.empty() || !css_todo.empty()) {
      util::ScratchDir work(options_.output, "minify");
      if (!js_todo.empty()) js_out = run_tool(js_todo, assets_, *js_tool_, options_, work.path());
      if (!css_todo.empty()) css_out = run_tool(css_todo, assets_, *css_tool_, options_, work.path());
    }
    apply_all(js_, js_out, consumed);
    apply_all(css_, css_out, consumed);
  }

 private:
  void look_up(std::vector<Job>& jobs, const std::optional<ToolSetup>& setup) {
    if (!cache_ || !setup) return;
    std::string tool = tool_key(*setup);
    if (tool.empty()) return;
    tbb::parallel_for(size_t{0}, jobs.size(), [&](size_t k) {
      Job& job = jobs[k];
      job.key = minify_key(assets_[job.asset], job, tool, options_);
      job.hit = cache_->get(cache::Stage::Minify, job.key);
    });
  }

  static std::vector<const Job*> misses(const std::vector<Job>& jobs) {
    std::vector<const Job*> out;
    for (const auto& j : jobs) {
      if (!j.hit) out.push_back(&j);
    }
    return out;
  }

  void apply_all(std::vector<Job>& jobs, std::vector<MinifyOutput>& outs,
                 std::vector<std::pair<size_t, size_t>>& consumed) {
    size_t next_out = 0;
    for (auto& job : jobs) {
      Asset& a = assets_[job.asset];
      std::optional<Applied> applied;
      if (job.hit) applied = apply_cached(a, job, *job.hit, diags_);
      if (!applied) {
        // A miss, or an entry that held no result: the tool's output (made
        // again for such an entry, which is rare: one more tool call).
        MinifyOutput out;
        if (job.hit) {
          job.hit.reset();
          out = run_tool({&job}, assets_, a.kind == FileKind::Js ? *js_tool_ : *css_tool_,
                         options_, util::ScratchDir(options_.output, "minify").path())[0];
        } else {
          out = std::move(outs[next_out++]);
        }
        applied = apply_and_store(a, job, out, options_, diags_, cache_);
      }
      if (applied->consumed) consumed.emplace_back(*applied->consumed, job.asset);
    }
  }

  std::vector<Asset>& assets_;
  const Options& options_;
  Diagnostics& diags_;
  cache::Cache* cache_;
  const scan::LogicalIndex& by_logical_;
  std::optional<ToolSetup>& js_tool_;
  std::optional<ToolSetup>& css_tool_;
  std::vector<Job> js_, css_;
};

}  // namespace

void minify(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
            cache::Cache* cache, const std::vector<char>* only, scan::Payloads* payloads) {
  if (!options.minify) return;
  scan::Payloads in_memory;
  scan::Payloads& store = payloads ? *payloads : in_memory;
  scan::LogicalIndex by_logical(assets);
  std::vector<size_t> todo;
  for (size_t i = 0; i < assets.size(); ++i) {
    if (should_minify(assets[i], options) && (!only || (*only)[i])) todo.push_back(i);
  }
  // In chunks of about kChunkBytes of input, in asset order: the memory a
  // build needs does not grow with the site. Each file's result is parked
  // as soon as its chunk is done. A file's size counts the map beside it (the
  // usual pairing; which map it has is known only once it is read).
  auto size_of = [&](size_t i) {
    uint64_t n = assets[i].input_size;
    if (auto map = by_logical.find(assets[i].logical + ".map")) {
      n += assets[*map].input_size;
    }
    return n;
  };
  std::optional<ToolSetup> js_tool, css_tool;
  std::vector<std::pair<size_t, size_t>> consumed;  // (map asset, owner asset)
  for (size_t begin = 0; begin < todo.size();) {
    util::throw_if_interrupted();
    size_t end = begin;
    for (uint64_t bytes = 0; end < todo.size() && (end == begin || bytes < kChunkBytes); ++end) {
      bytes += size_of(todo[end]);
    }
    // The chunk's files are read at once (distinct files: safe in parallel);
    // their input maps as they are found.
    tbb::parallel_for(begin, end, [&](size_t k) { store.fetch(todo[k]); });
    std::vector<size_t> held(todo.begin() + static_cast<long>(begin),
                             todo.begin() + static_cast<long>(end));
    auto fetch = [&](size_t i) {
      store.fetch(i);
      held.push_back(i);
    };
    Chunk chunk(assets, options, diags, cache, by_logical, js_tool, css_tool);
    for (size_t k = begin; k < end; ++k) chunk.add(todo[k], fetch);
    chunk.run(consumed);
    for (size_t i : held) store.park(i);
    progress::done(end - begin);
    begin = end;
  }
  // A map consumed by several files goes to the first.
  std::sort(consumed.begin(), consumed.end());
  for (const auto& [map, owner] : consumed) {
    if (assets[map].map_of.empty()) assets[map].map_of = assets[owner].logical;
  }
}

}  // namespace assetpipe::transform
