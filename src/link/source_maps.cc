#include "link/source_maps.h"

#include <nlohmann/json.hpp>

#include "util/json_members.h"
#include "util/sourcemap.h"
#include "util/url.h"

namespace assetpipe::link {
util::Result<std::string> rebase_sources(std::string_view map_json, std::string_view old_folder,
                                         std::string_view new_folder) {
  // Only "sourceRoot" or "sources" change; the rest is kept byte for byte.
  auto members = util::json::Members::of(map_json);
  if (!members) return util::fail("is not a valid source map (JSON)");
  if (old_folder == new_folder) return std::string(map_json);
  if (auto raw = members->raw("sourceRoot")) {
    auto root = nlohmann::json::parse(*raw, nullptr, false);
    if (root.is_string() && !root.get<std::string>().empty()) {
      std::string r = root.get<std::string>();
      if (!util::is_relative_source(r)) return std::string(map_json);
      std::string rebased = util::rebase_path(r, old_folder, new_folder);
      if (r.ends_with('/') && !rebased.ends_with('/')) rebased += '/';
      return members->with({{"sourceRoot", nlohmann::json(rebased).dump()}});
    }
  }
  auto raw = members->raw("sources");
  if (!raw) return std::string(map_json);
  auto sources = nlohmann::json::parse(*raw, nullptr, false);
  if (!sources.is_array()) return std::string(map_json);
  for (auto& s : sources) {
    if (s.is_string() && util::is_relative_source(s.get<std::string>())) {
      s = util::rebase_path(s.get<std::string>(), old_folder, new_folder);
    }
  }
  return members->with({{"sources", sources.dump()}});
}

util::Result<std::string> shift_map(std::string_view map_json, std::string_view generated,
                                    const std::vector<Edit>& edits, std::string_view file) {
  if (edits.empty()) return util::sourcemap::set_file(map_json, file);
  std::vector<util::sourcemap::TextEdit> text_edits;
  text_edits.reserve(edits.size());
  for (const auto& e : edits) text_edits.push_back({e.offset, e.old_length, e.replacement});
  return util::sourcemap::shift_for_edits(map_json, generated, text_edits, file);
}

std::string source_mapping_comment(FileKind kind, std::string_view bytes,
                                   std::string_view map_url) {
  std::string nl = bytes.empty() || bytes.back() == '\n' ? "" : "\n";
  if (kind == FileKind::Js) return nl + "//# sourceMappingURL=" + std::string(map_url) + "\n";
  if (kind == FileKind::Css) return nl + "/*# sourceMappingURL=" + std::string(map_url) + " */\n";
  return "";
}

}  // namespace assetpipe::link
