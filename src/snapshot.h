// Whole-build snapshots: after a build, its output is recorded in the local
// cache as hard links (no second copy on disk) with the build's records; a
// later build whose input tree and options are the same links that output
// into its staging folder instead of building (Bazel's and Turborepo's
// whole-action cache, on top of the per-file entries of src/cache/).
//
//   <cache>/snapshots/<2 hex>/<key>/record   the file list, records and diagnostics
//                                            (a cache::Entry: keyed and checksummed)
//   <cache>/snapshots/<2 hex>/<key>/files/   the output tree, hard links
//
// The key (a cache::Key, "snapshot"): every option that shapes the output,
// each input file's path, mtime and content hash (XXH3-128, read in blocks),
// the minifiers' paths with their size, mtime and inode (ccache's
// compiler_check=mtime) and the CSS targets. A snapshot file is linked only
// while its size and mtime are the recorded ones: one edited in place
// through an output (which shares its inode) makes the snapshot a miss, and
// the build goes the per-file way. The previous builds' files are carried
// by emit::Staging::commit as in any build.
//
// Only where the build writes an output with the local cache (not a dry
// run, a shard or --manifest outside the output), the walk raised nothing,
// the build warned of nothing (a warning may be a passing failure, such as
// a tool's timeout under --keep-going) and the cache and output are on one
// filesystem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

namespace assetpipe::snapshot {

// At most this many snapshots are kept, and at most a quarter of
// --cache-max-size in the bytes of their files; the least recently used go
// first. A build whose output alone is larger records none.
inline constexpr size_t kMaxSnapshots = 4;

// Whether this build may replay or record a snapshot (see above).
bool eligible(const Options& options, bool has_local_cache, const Diagnostics& walk_diags);

// The key of a build of `walked` (scan::walk's records) under `options`;
// nullopt when an input cannot be read (the build then reports it).
std::optional<std::string> key(const Options& options, const std::vector<Asset>& walked);

// What a snapshot keeps of the build that recorded it.
struct Sizes {
  uint64_t bytes_in = 0, bytes_out = 0, files_written = 0;
};
struct Recorded {
  std::vector<Asset> assets;       // the records (no payloads), sorted by logical path
  std::vector<Diagnostic> raised;  // what the build warned about, replayed
  Sizes sizes;
  uint64_t files = 0;  // linked
};

// Replays the snapshot `key` of the cache folder `cache_dir`: links its
// files into a staging folder and commits it, replacing options.output as
// a build does. nullopt when there is no usable snapshot (nothing was
// changed then); `why` says why for -v. Throws Error as a build's commit does.
std::optional<Recorded> replay(const std::filesystem::path& cache_dir, const std::string& key,
                               const Options& options, std::string& why);

// Records the build just committed into options.output: `files` (every
// output-relative path the build wrote, not the previous builds' carried
// ones) linked into a new snapshot `key`, with the build's records and
// what it raised. Then trims the snapshots (trim()). Failures are
// warnings, never errors.
void record(const std::filesystem::path& cache_dir, const std::string& key,
            const Options& options, std::vector<std::string> files,
            const std::vector<Asset>& assets, const std::vector<Diagnostic>& raised, Sizes sizes,
            const std::function<void(const std::string&)>& warn);

// Removes snapshots beyond kMaxSnapshots or a quarter of `max_bytes`, least
// recently used first; the number removed.
size_t trim(const std::filesystem::path& cache_dir, uint64_t max_bytes);

// The snapshots kept: how many and the bytes of their files.
struct Usage {
  uint64_t snapshots = 0, bytes = 0;
};
Usage usage(const std::filesystem::path& cache_dir);
// Removes every snapshot (assetpipe cache clean); how many there were.
size_t clean(const std::filesystem::path& cache_dir);

// Exposed for tests: the records of a build as the record keeps them, and back.
std::string pack_assets(const std::vector<Asset>& assets);
std::optional<std::vector<Asset>> unpack_assets(std::string_view packed);

}  // namespace assetpipe::snapshot
