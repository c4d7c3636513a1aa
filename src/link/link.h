// The link stage: references, the graph, final names (see DESIGN.md).
#pragma once

#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

namespace assetpipe::link {

// Gives every asset its final output name (Asset::output). Entries and
// unchanged bundler-fingerprinted files keep their names; every other file is
// named <stem>.<hash><ext> from its final bytes. Throws Error when two files
// would get the same output name.
void link(std::vector<Asset>& assets, const Options& options, Diagnostics& diags);

}  // namespace assetpipe::link
