// The link stage: references, the graph, final names (see DESIGN.md and
// docs/references.md).
#pragma once

#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

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

}  // namespace assetpipe::link
