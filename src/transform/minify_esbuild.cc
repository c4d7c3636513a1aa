#include "transform/minify_esbuild.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <regex>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "util/file.h"
#include "util/interrupt.h"
#include "util/subprocess.h"

namespace fs = std::filesystem;

namespace assetpipe::transform {
namespace {

std::atomic<uint64_t> g_attempt{0};

std::string first_lines(std::string_view text, size_t max_chars = 400) {
  std::string s = util::printable(text.substr(0, max_chars));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "no message" : s;
}

MinifyOutput failure(std::string message, int line = 0, int column = 0) {
  MinifyOutput o;
  o.error = std::move(message);
  o.line = line;
  o.column = column;
  return o;
}

class Batch {
 public:
  Batch(const std::vector<MinifyInput>& inputs, const RunnerSettings& s,
        std::vector<MinifyOutput>& outputs)
      : inputs_(inputs), s_(s), outputs_(outputs) {}

  void run(std::vector<size_t> members) {
    if (members.empty()) return;
    util::throw_if_interrupted();
    fs::path dir = s_.work_dir / fmt::format("esbuild-{}", g_attempt++);
    util::StagingGuard cleanup(dir);
    if (auto w = write_inputs(dir, members); !w) {
      for (size_t i : members) outputs_[i] = failure(w.error());
      return;
    }
    util::ProcessOptions po{.timeout = s_.timeout, .cwd = dir.string()};
    auto r = util::run_process(argv(members), po);
    util::throw_if_interrupted();
    if (!r) {
      for (size_t i : members) outputs_[i] = failure(r.error());
      return;
    }
    if (r->success()) return collect(dir, members);
    if (r->timed_out || r->output_too_large) {
      // Splitting would only repeat the wait: every file of the batch fails.
      for (size_t i : members) outputs_[i] = failure("esbuild " + r->describe(po));
      return;
    }
    retry_after_failure(members, *r, po);
  }

 private:
  util::Result<util::Ok> write_inputs(const fs::path& dir, const std::vector<size_t>& members) {
    for (size_t i : members) {
      auto w = util::write_file(dir / "in" / (std::to_string(i) + inputs_[i].extension),
                                inputs_[i].code, 0);
      if (!w) return util::fail(w.error());
    }
    return util::Ok{};
  }

  std::vector<std::string> argv(const std::vector<size_t>& members) const {
    std::vector<std::string> a{s_.tool.path.string()};
    for (size_t i : members) a.push_back(fmt::format("{0}=in/{0}{1}", i, inputs_[i].extension));
    a.push_back("--outdir=out");
    for (const auto& f : s_.tool_flags) a.push_back(f);
    if (s_.source_maps) a.push_back("--sourcemap=external");
    return a;
  }

  void collect(const fs::path& dir, const std::vector<size_t>& members) {
    for (size_t i : members) {
      fs::path js = dir / "out" / (std::to_string(i) + ".js");
      auto code = util::read_file(js);
      if (!code) {
        outputs_[i] = failure("esbuild reported success but wrote no output for this file");
        continue;
      }
      MinifyOutput o;
      o.ok = true;
      o.code = std::move(*code);
      if (s_.source_maps) {
        auto map = util::read_file(js.string() + ".map");
        if (!map) {
          outputs_[i] = failure("esbuild reported success but wrote no source map for this file");
          continue;
        }
        o.map = std::move(*map);
      }
      outputs_[i] = std::move(o);
    }
  }

  void retry_after_failure(const std::vector<size_t>& members, const util::ProcessResult& r,
                           const util::ProcessOptions& po) {
    bool unattributed = false;
    auto errors = parse_esbuild_errors(r.err, &unattributed);
    std::map<size_t, const ToolError*> named;
    for (const auto& e : errors) {
      if (std::find(members.begin(), members.end(), e.index) != members.end()) {
        named.emplace(e.index, &e);  // the first error of each file
      } else {
        unattributed = true;
      }
    }
    if (!named.empty() && !unattributed) {
      std::vector<size_t> rest;
      for (size_t i : members) {
        auto it = named.find(i);
        if (it == named.end()) {
          rest.push_back(i);
        } else {
          const ToolError& e = *it->second;
          outputs_[i] = failure("esbuild: " + e.message, e.line, e.column);
        }
      }
      return run(std::move(rest));
    }
    if (members.size() == 1) {
      std::string msg = errors.size() == 1 ? errors[0].message : first_lines(r.err);
      outputs_[members[0]] = failure(fmt::format("esbuild {}: {}", r.describe(po), msg));
      return;
    }
    size_t half = members.size() / 2;
    run({members.begin(), members.begin() + long(half)});
    run({members.begin() + long(half), members.end()});
  }

  const std::vector<MinifyInput>& inputs_;
  const RunnerSettings& s_;
  std::vector<MinifyOutput>& outputs_;
};

}  // namespace

std::vector<std::string> esbuild_flags(const Options& o) {
  return {"--minify",       "--target=" + o.js_target, "--legal-comments=" + o.legal_comments,
          "--charset=utf8", "--log-level=error",       "--color=false"};
}

util::Result<util::Ok> check_esbuild_flags(const RunnerSettings& s) {
  std::vector<std::string> argv{s.tool.path.string()};
  for (const auto& f : s.tool_flags) argv.push_back(f);
  util::ProcessOptions po{.timeout = s.timeout};
  auto r = util::run_process(argv, po);
  if (!r) return util::fail(r.error());
  if (r->killed_by_us() || r->signal) {
    // Not a verdict on the options: the tool itself failed.
    return util::fail(fmt::format("esbuild ({}) {} while its options were checked; check that "
                                  "it runs (`{} --version`) or raise --tool-timeout",
                                  util::printable(s.tool.path.string()), r->describe(po),
                                  util::printable(s.tool.path.string())));
  }
  if (!r->success()) {
    return util::fail(fmt::format("esbuild rejects the options (--js-target, --legal-comments): {}",
                                  first_lines(r->err)));
  }
  return util::Ok{};
}

std::vector<ToolError> parse_esbuild_errors(std::string_view text, bool* unattributed) {
  // ✘ [ERROR] Unexpected ";"
  //
  //     in/12.js:1:8:
  static const std::regex location(R"(^\s+in/(\d+)\.[mc]?js:(\d+):(\d+):\s*$)");
  std::vector<ToolError> out;
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == text.npos) nl = text.size();
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  *unattributed = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t tag = lines[i].find("[ERROR] ");
    if (tag == std::string::npos) continue;
    std::string message = lines[i].substr(tag + 8);
    bool found = false;
    for (size_t k = i + 1; k < lines.size() && k <= i + 3; ++k) {
      std::smatch m;
      if (std::regex_match(lines[k], m, location)) {
        out.push_back({std::stoul(m[1]), message, std::stoi(m[2]), std::stoi(m[3]) + 1});
        found = true;
        break;
      }
      if (lines[k].find("[ERROR] ") != std::string::npos) break;
    }
    if (!found) *unattributed = true;
  }
  return out;
}

std::vector<MinifyOutput> run_esbuild(const std::vector<MinifyInput>& inputs,
                                      const RunnerSettings& settings, size_t max_batch) {
  std::vector<MinifyOutput> outputs(inputs.size());
  if (inputs.empty()) return outputs;
  // At least one batch per worker, at most max_batch files or ~16 MB each.
  size_t workers =
      std::min(size_t(std::max(1, tbb::this_task_arena::max_concurrency())),
               tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  workers = std::max<size_t>(1, workers);
  size_t per_batch = std::clamp((inputs.size() + workers - 1) / workers, size_t{1}, max_batch);
  std::vector<std::vector<size_t>> batches(1);
  size_t bytes = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (batches.back().size() >= per_batch || (bytes > (16u << 20) && !batches.back().empty())) {
      batches.emplace_back();
      bytes = 0;
    }
    batches.back().push_back(i);
    bytes += inputs[i].code.size();
  }
  tbb::parallel_for(size_t{0}, batches.size(), [&](size_t b) {
    if (util::interrupted()) return;
    Batch(inputs, settings, outputs).run(batches[b]);
  });
  util::throw_if_interrupted();
  return outputs;
}

}  // namespace assetpipe::transform
