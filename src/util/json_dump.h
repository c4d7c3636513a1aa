// Writing a large JSON document piece by piece, byte-identical to
// nlohmann's dump(2) of the whole: a document of every file of a site costs
// memory in proportion to the site (about 2 KB a file), its pieces do not.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace assetpipe::util::json {

// Appends `value` as dump(2) writes it `depth` levels down (every line after
// the first indented by 2 * depth spaces).
void append_indented(std::string& out, const nlohmann::json& value, int depth);

}  // namespace assetpipe::util::json
