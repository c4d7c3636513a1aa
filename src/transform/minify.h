// The text transform: JS through esbuild (batched), CSS through lightningcss,
// with source maps composed with the input's own maps.
#pragma once

#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

namespace assetpipe::cache {
class Cache;
}
namespace assetpipe::scan {
class Payloads;
}

namespace assetpipe::transform {

// Minifies every Js/Css asset that is not bundler-fingerprinted, not matched by
// options.no_minify_globs, when options.minify: batched esbuild calls (many files per process,
// split-and-retry on failure to isolate bad files), lightningcss per file. Sets asset.bytes
// (minified, WITHOUT any sourceMappingURL comment) and, with --sourcemap external,
// asset.source_map (JSON; `sources` relative to the asset's own folder). When the input file
// had its own map (a sourceMappingURL resolving to a .map asset in the tree), composes with it
// and sets that .map asset's `map_of` to this asset's logical path. With --sourcemap none, drops
// comments and maps (marks consumed input maps too). Failures: diags.error(file, tool message,
// line, col); with keep_going a warning and the file stays as it was. A result not smaller than
// the input is not used. Throws Error when a needed tool is missing or rejects the options.
// With a cache, each file's result is looked up first (keyed by its bytes,
// its input map, its path, the tool's version and the options) and only the
// misses reach the tools; results are stored. With `only`, just the files
// it marks (a shard's slice). With `payloads`, works in chunks of files: it
// fetches a chunk's files (and their input maps) and parks them when the
// chunk is done; without, the payloads are in memory.
void minify(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
            cache::Cache* cache = nullptr, const std::vector<char>* only = nullptr,
            scan::Payloads* payloads = nullptr);

// Whether `asset` is one minify() works on (by its name and kind: an empty
// or blank file is then left as it is).
bool should_minify(const Asset& asset, const Options& options);

}  // namespace assetpipe::transform
