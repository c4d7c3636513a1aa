// Where each file's payload is between the tasks of a build: its bytes, the
// text of its source map and its variants' bytes (Asset's payload fields).
// A task fetch()es the files it works on and park()s them when it is done,
// so a build holds in memory only what its running tasks work on, whatever
// the size of the site (DESIGN.md, invariant "Bounded").
//
// A parked payload stays where it already is when it has not changed since it
// was fetched: in its input file, or in the spill file. What changed is
// appended to the spill file: one unlinked file in a scratch folder beside
// the output, gone when the build ends or is killed. Nothing is read before
// a task needs it: the first fetch() reads the input file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe::scan {

class Payloads {
 public:
  // Every payload stays in memory, where the caller put it (link(), tests):
  // fetch() and park() do nothing.
  Payloads();
  // The payloads of `assets`, all still in their input files. The spill file
  // is made in `scratch_folder` when it is first needed.
  Payloads(std::vector<Asset>& assets, std::filesystem::path input, std::filesystem::path scratch_folder);
  ~Payloads();
  Payloads(const Payloads&) = delete;
  Payloads& operator=(const Payloads&) = delete;

  // Makes assets[i]'s payload whole in memory (nothing when it is): the
  // first time, reads its input file and sets input_size; after that, reads
  // back what park() left. Throws Error naming the file when it cannot be
  // read, or when its input file changed since it was first read.
  void fetch(size_t i);
  // Frees assets[i]'s payload, first writing to the spill file what changed
  // since it was fetched. a.source_map keeps has_value().
  void park(size_t i);
  // The payload in memory is the caller's from now on (emit writes and frees
  // it); a later fetch() of the file is an internal error.
  void release(size_t i);

  // Bytes appended to the spill file so far.
  uint64_t spilled_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace assetpipe::scan
