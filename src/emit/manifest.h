// The manifest: what server-side templates read to find hashed names.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe::emit {

// {"version": 1, "assets": {"<logical>": {"file", "size", "integrity", ...}},
//  "frameworks": {"django": "staticfiles.json", ...}}: "frameworks" (the
// framework manifests written too, by format, output-relative) only when
// there are any. Keys sorted, no timestamps, no absolute paths; ends with a newline.
std::string manifest_json(const std::vector<Asset>& assets,
                          const std::map<std::string, std::string>& frameworks = {});

// The same text handed to `sink` in pieces of about 64 KiB, as it is made:
// a site's manifest (about 250 bytes a file) is never whole in memory.
void write_manifest_json(const std::vector<Asset>& assets,
                         const std::map<std::string, std::string>& frameworks,
                         const std::function<void(std::string_view)>& sink);

// The suffix of the file of an encoding the manifest names: "br" -> ".br",
// "gzip" -> ".gz".
std::string encoding_suffix(std::string_view name);

}  // namespace assetpipe::emit
