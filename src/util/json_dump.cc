#include "util/json_dump.h"

namespace assetpipe::util::json {

void append_indented(std::string& out, const nlohmann::json& value, int depth) {
  std::string text = value.dump(2);
  std::string pad(static_cast<size_t>(2 * depth), ' ');
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
}

}  // namespace assetpipe::util::json
