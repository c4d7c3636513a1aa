// What the minify runners (esbuild batches, lightningcss per file) take and give.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "transform/tools.h"

namespace assetpipe::transform {

// One file to minify. Runners write `code` to a temporary file named by its
// index (never by the input's own name: names are data, not arguments).
struct MinifyInput {
  std::string logical;    // for messages
  std::string code;       // input bytes, its own sourceMappingURL comment removed
  std::string extension;  // ".js", ".mjs", ".cjs", ".css"
};

struct MinifyOutput {
  bool ok = false;
  std::string code;  // minified, without a sourceMappingURL comment
  std::string map;   // the tool's map (JSON) when asked for, else empty
  // When !ok: the tool's own message and where (1-based; 0 when unknown).
  std::string error;
  int line = 0;
  int column = 0;
};

struct RunnerSettings {
  Tool tool;
  std::filesystem::path work_dir;  // private scratch folder, exists
  bool source_maps = true;
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  std::vector<std::string> tool_flags;  // --target=..., --targets ..., etc.
};

}  // namespace assetpipe::transform
