#include "transform/tools.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/subprocess.h"

namespace fs = std::filesystem;

namespace assetpipe::transform {
namespace {

constexpr const char* kInstallHint =
    "install both with `npm i -D esbuild lightningcss-cli`, point --esbuild/--lightningcss "
    "(or ASSETPIPE_ESBUILD/ASSETPIPE_LIGHTNINGCSS) at them, or pass --no-minify";

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

void add_upward(std::vector<std::pair<fs::path, std::string>>& out, fs::path start,
                const char* name, const char* above = "") {
  std::error_code ec;
  start = fs::absolute(start, ec).lexically_normal();
  if (ec) return;
  for (fs::path dir = start;; dir = dir.parent_path()) {
    out.emplace_back(dir / "node_modules" / ".bin" / name,
                     fmt::format("node_modules/.bin above {}{}", above, start.string()));
    if (dir == dir.parent_path() || dir.empty()) break;
  }
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);  // first line only
  return s;
}

// The npm package a binary belongs to: "esbuild 0.28.2", or "" when not found.
std::string npm_package_of(const fs::path& binary) {
  std::error_code ec;
  fs::path real = fs::canonical(binary, ec);
  if (ec) return "";
  fs::path dir = real.parent_path();
  for (int up = 0; up < 2; ++up, dir = dir.parent_path()) {
    auto text = util::read_file(dir / "package.json");
    if (!text) continue;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.value("name", "") != "" && j.value("version", "") != "") {
      return j.value("name", "") + " " + j.value("version", "");
    }
  }
  return "";
}

util::Result<std::string> version_of(ToolKind kind, const fs::path& path) {
  util::ProcessOptions po;
  po.timeout = std::chrono::seconds(30);
  po.max_output = 1 << 20;
  auto r = util::run_process({path.string(), "--version"}, po);
  if (!r) return util::fail(r.error());
  if (!r->success()) {
    return util::fail(
        fmt::format("`{} --version` {}", util::printable(path.string()), r->describe(po)));
  }
  std::string v = trim(r->out);
  std::string prefix = std::string(tool_name(kind)) + " ";
  if (v.starts_with(prefix)) v.erase(0, prefix.size());
  if (v.empty()) {
    return util::fail(fmt::format("`{} --version` printed nothing; is it really {}?",
                                  util::printable(path.string()), tool_name(kind)));
  }
  std::string package = npm_package_of(path);
  if (!package.empty() && package != std::string(tool_name(kind)) + " " + v) {
    v += " (" + package + ")";
  }
  return v;
}

}  // namespace

const char* tool_name(ToolKind kind) {
  return kind == ToolKind::Esbuild ? "esbuild" : "lightningcss";
}

std::vector<std::pair<fs::path, std::string>> tool_candidates(ToolKind kind,
                                                              const Options& options) {
  const char* name = tool_name(kind);
  const std::string& explicit_path =
      kind == ToolKind::Esbuild ? options.esbuild : options.lightningcss;
  std::vector<std::pair<fs::path, std::string>> out;
  if (!explicit_path.empty()) {
    std::error_code ec;
    out.emplace_back(fs::absolute(explicit_path, ec),
                     kind == ToolKind::Esbuild ? "--esbuild/ASSETPIPE_ESBUILD"
                                               : "--lightningcss/ASSETPIPE_LIGHTNINGCSS");
    return out;  // an explicit choice is never silently replaced
  }
  std::error_code ec;
  add_upward(out, fs::current_path(ec), name);
  if (!options.input.empty()) add_upward(out, options.input, name);
  out.emplace_back(fs::path(ASSETPIPE_SOURCE_DIR) / "node_modules" / ".bin" / name,
                   "assetpipe's own pinned copy");
  // Installed from npm (packaging/npm), the binary is
  // node_modules/@assetpipe/linux-x64/bin/assetpipe: the minifiers that the
  // assetpipe package depends on are in a node_modules/.bin above it, or in
  // the assetpipe package's own node_modules when npm could not hoist them.
  if (fs::path exe = fs::read_symlink("/proc/self/exe", ec); !ec) {
    add_upward(out, exe.parent_path(), name, "the binary in ");
    out.emplace_back(exe.parent_path().parent_path().parent_path().parent_path() / "assetpipe" /
                         "node_modules" / ".bin" / name,
                     "the assetpipe npm package's node_modules/.bin");
  }
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view dir = rest.substr(0, colon);
      if (!dir.empty()) out.emplace_back(fs::absolute(fs::path(dir) / name, ec), "PATH");
      if (colon == rest.npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return out;
}

util::Result<Tool> find_tool(ToolKind kind, const Options& options) {
  const char* name = tool_name(kind);
  auto candidates = tool_candidates(kind, options);
  bool explicit_choice =
      !(kind == ToolKind::Esbuild ? options.esbuild : options.lightningcss).empty();
  std::vector<std::string> broken;
  for (const auto& [path, found_by] : candidates) {
    if (!is_executable_file(path)) {
      if (explicit_choice) {
        return util::fail(fmt::format("{} names {}, which is not an executable file; {}", found_by,
                                      util::printable(path.string()), kInstallHint));
      }
      continue;
    }
    auto version = version_of(kind, path);
    if (!version) {
      if (explicit_choice) return util::fail(fmt::format("{}; {}", version.error(), kInstallHint));
      broken.push_back(version.error());
      continue;
    }
    return Tool{kind, path.lexically_normal(), *version, found_by};
  }
  std::string why = broken.empty() ? "" : fmt::format(" ({})", fmt::join(broken, "; "));
  return util::fail(fmt::format(
      "{} was not found in --{}, ASSETPIPE_{}, node_modules/.bin (above the current folder "
      "and the input), assetpipe's pinned copy, node_modules/.bin above the binary or PATH{}; "
      "{}",
      name, name, kind == ToolKind::Esbuild ? "ESBUILD" : "LIGHTNINGCSS", why, kInstallHint));
}

}  // namespace assetpipe::transform
