// The emit stage: write everything into a staging folder beside the output,
// then replace the output in one rename.
#pragma once

#include <memory>
#include <set>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

namespace assetpipe::emit {

// One of the files a record is written as. The one place that lists a
// file's outputs and makes their paths: plan(), the staging claims and the
// writes all go through parts_of() and path_of().
struct OutputPart {
  enum class Kind : uint8_t { Own, Map, MapEncoding, Variant, Encoding, Original, OriginalEncoding };
  Kind kind = Kind::Own;
  uint32_t index = 0;  // into the encodings or variants
};

// The files `a` is written as, in writing order: the file, its source map
// and the map's encodings, its kept variants, its encodings. None for an
// input map merged into its owner's map. (The originals, Original and
// OriginalEncoding, are planned apart: only where nothing else is.)
std::vector<OutputPart> parts_of(const Asset& a);
// Output-relative path of `part` of `a`.
std::string path_of(const Asset& a, OutputPart part);
// Its size in bytes, from the record.
uint64_t size_of(const Asset& a, OutputPart part);

// Every file the build writes, output-relative, with its size (from the records).
struct PlannedFile {
  std::string path;  // output-relative
  uint64_t size = 0;
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
// Takes a file's text in pieces, as it is made (write_streamed).
using TextSink = std::function<void(std::string_view)>;

struct EmitStats {
  size_t files = 0;
  uint64_t bytes = 0;
};

// The staging folder beside the output (util::make_sibling_dir) that the
// build writes into, file by file as each is finished, and then swaps into
// place in one rename. The one registry of the paths the build writes: a
// path claimed twice is an Error naming both owners. Removed on any exit but
// commit() (and on Ctrl-C). With options.dry_run nothing is created: paths
// are claimed and bytes counted. Thread-safe, except commit().
class Staging {
 public:
  explicit Staging(const Options& options);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // Claims and writes every file of `a` (its file, map and the map's
  // encodings, variants, encodings); a streamed file is copied from its
  // source. Throws Error (the output untouched) on a collision or failure.
  void write(const Asset& a);
  // With options.originals: each renamed file and its encodings again under
  // its input name, where no file of the build is; copied from the staged
  // file. Call once, after every write().
  void write_originals(const std::vector<Asset>& assets);
  // A file of a whole-build snapshot (src/snapshot.h): `path` of the
  // folder `from` (open as `from_fd`: names are looked up from there, not
  // from the root) linked (or copied) in as `path`, which the caller knows
  // no other file claims. False when it can be neither (the file was removed
  // meanwhile: the caller builds instead); throws Error only when interrupted.
  bool link_in(int from_fd, const std::filesystem::path& from, const std::string& path,
               uint64_t size, int64_t mtime);
  // A file of the build's own (under .assetpipe/) written from `produce`,
  // which hands its text to the sink in pieces: never whole in memory.
  // Throws Error (the output untouched) on failure. Nothing on a dry run.
  void write_streamed(const std::string& path,
                      const std::function<void(const TextSink&)>& produce);
  // Every path claimed so far, sorted.
  std::vector<std::string> claimed() const;
  // Writes `extra`, carries the previous builds' hashed files, and replaces
  // the output. Throws Error (the output untouched) on failure.
  EmitStats commit(const ExtraFiles& extra);
  EmitStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks that the output may be replaced: it does not exist, is empty, or
// was written by assetpipe (holds .assetpipe/). Throws Error otherwise.
void check_output_replaceable(const std::filesystem::path& output);

}  // namespace assetpipe::emit
