// Walks the input root in sorted order and lists the files to process.
#pragma once

#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"

namespace assetpipe::scan {

// Lists every regular file under options.input (bytes not read yet), sorted
// by logical path. Symlinks are followed only when their target stays inside
// the root; others, and special files, are skipped with a warning. Throws
// Error when the root cannot be read.
std::vector<Asset> walk(const Options& options, Diagnostics& diags);

}  // namespace assetpipe::scan
