// The manifest: what server-side templates read to find hashed names.
#pragma once

#include <string>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe::emit {

// {"version": 1, "assets": {"<logical>": {"file", "size", "integrity", ...}}}
// Keys sorted, no timestamps, no absolute paths; ends with a newline.
std::string manifest_json(const std::vector<Asset>& assets);

}  // namespace assetpipe::emit
