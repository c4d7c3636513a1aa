// The link stage: references, the graph, final names (see DESIGN.md and
// docs/references.md).
#pragma once

#include <memory>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"
#include "link/graph.h"

namespace assetpipe::scan {
class Payloads;
}

namespace assetpipe::link {

// Scans every CSS, JS, HTML, SVG and web manifest for references, resolves
// them, takes over the input .map files they point at, and walks the
// strongly connected components of the reference graph leaves first: each
// file's references are rewritten to their targets' final names, then the
// file is hashed and named (Asset::output); a cycle gets one hash over its
// members. Entries keep their names; a bundler-fingerprinted file keeps its
// name unless a reference in it had to change. Sets Asset::imports. Warns
// (file:line:col) about references it cannot resolve. Throws Error when two
// files would get the same output name.
// `report_progress`: false for a link in the background of another stage.
void link(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
          bool report_progress = true);

// link() in steps, for the per-file task graph of build.cc:
//   prepare()  once every text file is transformed: scans and resolves every
//              file's references, keeps string-named files' names, takes over
//              input maps, sets Asset::imports, builds the components;
//   name(c)    once every component in dependencies()[c] is named (and the
//              images among c's members have their variants): rewrites, hashes
//              and names c's members. Independent components may be named at
//              once from several threads;
//   finish()   after every name(): the outputs of maps merged into their owners,
//              and input maps a same-named file claims (write those after this).
// The caller checks output collisions (emit::Staging does).
// With `payloads`, each file's payload is fetched when a step needs it:
// prepare() parks what it fetched; name(c) leaves c's members (but the
// streamed) in memory, for the caller to write and free. Without, the
// payloads are in memory.
class Linker {
 public:
  Linker(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
         bool report_progress = true, scan::Payloads* payloads = nullptr);
  ~Linker();
  void prepare();
  const Components& components() const;
  const Rows& dependencies() const;
  void name(size_t component);
  void finish();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace assetpipe::link
