// The emit stage: write everything into a staging folder beside the output,
// then replace the output in one rename.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

namespace assetpipe::emit {

// Every file the build writes, output-relative, with its bytes' owner.
struct PlannedFile {
  std::string path;  // output-relative
  std::string_view bytes;
  int64_t mtime = 0;
};

// Lists every file to write (assets, source maps, variants, encodings, and
// with options.originals each renamed file and its encodings again under its
// input name, unless a file of the build has that path). Throws Error when
// two would share a path.
std::vector<PlannedFile> plan(const std::vector<Asset>& assets, const Options& options);

// A file that was renamed and is not a map merged into its owner: with
// options.originals it is also written (and served) under its input name.
inline bool is_renamed_original(const Asset& a) { return a.map_of.empty() && a.output != a.logical; }

// Extra files written under <output>/.assetpipe/ (manifest, nginx snippets).
using ExtraFiles = std::map<std::string, std::string>;

struct EmitStats {
  size_t files = 0;
  uint64_t bytes = 0;
};

// Writes the planned files and `extra` into a staging folder, then swaps it
// into place atomically. Throws Error (output untouched) on failure.
EmitStats write_output(const std::vector<Asset>& assets, const ExtraFiles& extra,
                       const Options& options, Diagnostics& diags);

// Checks that the output may be replaced: it does not exist, is empty, or
// was written by assetpipe (holds .assetpipe/). Throws Error otherwise.
void check_output_replaceable(const std::filesystem::path& output);

}  // namespace assetpipe::emit
