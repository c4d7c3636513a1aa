#include "transform/minify_lightningcss.h"

#include <atomic>
#include <regex>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <nlohmann/json.hpp>

#include "transform/minify_comments.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/subprocess.h"

namespace fs = std::filesystem;

namespace assetpipe::transform {
namespace {

// The "browserslist" value of a package.json: a string, a list, or per
// environment ({"production": [...]}).
std::optional<std::string> browserslist_of(const nlohmann::json& pkg) {
  if (!pkg.is_object() || !pkg.contains("browserslist")) return std::nullopt;
  nlohmann::json b = pkg["browserslist"];
  if (b.is_object()) b = b.contains("production") ? b["production"] : nlohmann::json();
  if (b.is_string()) return b.get<std::string>();
  if (b.is_array()) {
    std::string q;
    for (const auto& v : b) {
      if (!v.is_string()) continue;
      if (!q.empty()) q += ", ";
      q += v.get<std::string>();
    }
    if (!q.empty()) return q;
  }
  return std::nullopt;
}

std::string last_line_with(std::string_view text, std::string_view what) {
  size_t at = text.find(what);
  if (at == text.npos) return "";
  size_t end = text.find('\n', at);
  return std::string(text.substr(at, end == text.npos ? text.npos : end - at));
}

MinifyOutput run_one(const MinifyInput& in, size_t index, const RunnerSettings& s) {
  fs::path dir = s.work_dir / fmt::format("css-{}", index);
  util::StagingGuard cleanup(dir);
  std::string name = std::to_string(index) + ".css";
  MinifyOutput o;
  if (auto w = util::write_file(dir / "in" / name, in.code, 0); !w) {
    o.error = w.error();
    return o;
  }
  std::error_code ec;
  fs::create_directories(dir / "out", ec);  // lightningcss does not create it
  std::vector<std::string> argv{s.tool.path.string()};
  for (const auto& f : s.tool_flags) argv.push_back(f);
  if (s.source_maps) argv.push_back("--sourcemap");
  for (const auto& a : {std::string("-o"), "out/" + name, "in/" + name}) argv.push_back(a);
  util::ProcessOptions po{.timeout = s.timeout, .cwd = dir.string()};
  auto r = util::run_process(argv, po);
  util::throw_if_interrupted();
  if (!r) {
    o.error = r.error();
    return o;
  }
  if (!r->success()) {
    if (r->killed_by_us()) {
      o.error = "lightningcss " + r->describe(po);
      return o;
    }
    o = parse_lightningcss_failure(r->err);
    o.error = fmt::format("lightningcss {}: {}", r->describe(po), o.error);
    return o;
  }
  auto code = util::read_file(dir / "out" / name);
  if (!code) {
    o.error = "lightningcss reported success but wrote no output for this file";
    return o;
  }
  if (s.source_maps) {
    auto map = util::read_file(dir / "out" / (name + ".map"));
    if (!map) {
      o.error = "lightningcss reported success but wrote no source map for this file";
      return o;
    }
    o.map = std::move(*map);
  }
  o.ok = true;
  o.code = std::string(strip_map_comment(*code, FileKind::Css));
  return o;
}

}  // namespace

std::string css_targets(const Options& options) {
  if (!options.css_targets.empty()) return options.css_targets;
  std::error_code ec;
  fs::path dir = fs::absolute(options.input, ec).lexically_normal();
  for (; !dir.empty(); dir = dir.parent_path()) {
    auto text = util::read_file(dir / "package.json");
    if (text) {
      auto q = browserslist_of(nlohmann::json::parse(*text, nullptr, false));
      if (q) return *q;
      // The nearest package.json decides, even without the key.
      return "defaults";
    }
    if (dir == dir.parent_path()) break;
  }
  return "defaults";
}

std::vector<std::string> lightningcss_flags(const std::string& targets) {
  return {"--minify", "--targets", targets};
}

util::Result<util::Ok> check_lightningcss_flags(const RunnerSettings& s,
                                                const std::string& targets) {
  std::vector<std::string> argv{s.tool.path.string()};
  for (const auto& f : s.tool_flags) argv.push_back(f);
  util::ProcessOptions po{.timeout = s.timeout};
  auto r = util::run_process(argv, po);
  if (!r) return util::fail(r.error());
  if (r->killed_by_us()) {
    // Not a verdict on the query (lightningcss panics, signal 6, on a bad one).
    return util::fail(fmt::format("lightningcss ({}) {} while its options were checked; check "
                                  "that it runs (`{} --version`) or raise --tool-timeout",
                                  util::printable(s.tool.path.string()), r->describe(po),
                                  util::printable(s.tool.path.string())));
  }
  if (!r->success()) {
    std::string detail = last_line_with(r->err, "called `Result");
    return util::fail(fmt::format(
        "lightningcss cannot use the browserslist query \"{}\" (from --css-targets or the "
        "\"browserslist\" key of package.json): it {}{}; fix the query",
        util::printable(targets), r->describe(po),
        detail.empty() ? "" : " (" + util::printable(detail) + ")"));
  }
  return util::Ok{};
}

MinifyOutput parse_lightningcss_failure(std::string_view text) {
  static const std::regex located(
      R"(Error \{ kind: (.*?), loc: Some\(ErrorLocation \{ filename: "[^"]*", line: (\d+), column: (\d+) \}\) \})");
  MinifyOutput o;
  std::string s(text);
  std::smatch m;
  if (std::regex_search(s, m, located)) {
    o.error = "cannot parse the CSS: " + m[1].str();
    o.line = std::stoi(m[2]) + 1;  // lightningcss counts lines from 0
    o.column = std::stoi(m[3]);
    return o;
  }
  std::string line = last_line_with(text, "called `Result::unwrap()`");
  if (line.empty()) line = last_line_with(text, "panicked");
  std::string first = std::string(text.substr(0, text.find('\n')));
  o.error = util::printable(line.empty() ? (first.empty() ? "no message" : first) : line);
  return o;
}

std::vector<MinifyOutput> run_lightningcss(const std::vector<MinifyInput>& inputs,
                                           const RunnerSettings& settings) {
  std::vector<MinifyOutput> outputs(inputs.size());
  tbb::parallel_for(size_t{0}, inputs.size(), [&](size_t i) {
    if (util::interrupted()) return;
    outputs[i] = run_one(inputs[i], i, settings);
  });
  util::throw_if_interrupted();
  return outputs;
}

}  // namespace assetpipe::transform
