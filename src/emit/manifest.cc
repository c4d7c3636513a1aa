#include "emit/manifest.h"

#include <map>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scan/logical_index.h"
#include "util/json_dump.h"

namespace assetpipe::emit {

namespace {

// One file's entry; null when it is not listed (an input map whose owner has no map).
nlohmann::json entry_of(const Asset& a, const std::vector<Asset>& assets,
                        const scan::LogicalIndex& by_logical) {
  if (!a.map_of.empty()) {
    // An input map merged into its owner's map: listed where that map went.
    auto found = by_logical.find(a.map_of);
    if (!found || !assets[*found].source_map) return nullptr;
    const Asset* owner = &assets[*found];
    const Digest& map = map_digest_of(*owner);
    nlohmann::json e = {{"file", owner->output + ".map"},
                        {"size", map.size},
                        {"integrity", map.integrity()},
                        {"type", to_string(a.kind)},
                        {"immutable", true}};
    if (!owner->source_map_encodings.empty()) {
      nlohmann::json enc = nlohmann::json::object();
      for (const auto& x : owner->source_map_encodings) enc[x.name()] = {{"size", x.size}};
      e["encodings"] = enc;
    }
    return e;
  }
  nlohmann::json e;
  e["file"] = a.output;
  e["size"] = a.digest.size;
  e["integrity"] = a.digest.integrity();
  e["type"] = to_string(a.kind);
  e["immutable"] = a.output != a.logical || a.fingerprinted;
  if (!a.imports.empty()) e["imports"] = a.imports;
  if (!a.preloads.empty()) {
    nlohmann::json list_of = nlohmann::json::array();
    for (const Preload& p : a.preloads) {
      nlohmann::json x = {{"file", p.file}, {"href", p.href}, {"as", p.as}};
      if (!p.type.empty()) x["type"] = p.type;
      if (!p.integrity.empty()) x["integrity"] = p.integrity;
      list_of.push_back(std::move(x));
    }
    e["preload"] = std::move(list_of);
  }
  if (a.source_map) e["map"] = a.output + ".map";
  if (!a.encodings.empty()) {
    nlohmann::json enc = nlohmann::json::object();
    for (const auto& x : a.encodings) enc[x.name()] = {{"size", x.size}};
    e["encodings"] = enc;
  }
  if (!a.variants.empty()) {
    nlohmann::json vars = nlohmann::json::object();
    for (const auto& v : a.variants) {
      if (v.skipped.empty()) {
        vars[v.format] = {{"file", a.output + "." + v.format},
                          {"size", v.size},
                          {"width", v.width},
                          {"height", v.height}};
      } else {
        vars[v.format] = {{"skipped", v.skipped}};
      }
    }
    e["variants"] = vars;
  }
  return e;
}

}  // namespace

// Written entry by entry, as nlohmann's dump(2) of the whole document would
// (keys sorted): a document of every entry costs memory in proportion to the
// site (about 2 KB a file).
void write_manifest_json(const std::vector<Asset>& assets,
                         const std::map<std::string, std::string>& frameworks,
                         const std::function<void(std::string_view)>& sink) {
  constexpr size_t kPiece = 64 << 10;
  scan::LogicalIndex by_logical(assets);
  std::string out = "{\n  \"assets\": {";
  bool first = true;
  for (uint32_t i : by_logical.in_order()) {
    const std::string& logical = assets[i].logical;
    nlohmann::json e = entry_of(assets[i], assets, by_logical);
    if (e.is_null()) continue;
    out += first ? "\n    " : ",\n    ";
    first = false;
    out += nlohmann::json(logical).dump();
    out += ": ";
    util::json::append_indented(out, e, 2);
    if (out.size() >= kPiece) {
      sink(out);
      out.clear();
    }
  }
  out += first ? "}" : "\n  }";
  if (!frameworks.empty()) {
    out += ",\n  \"frameworks\": ";
    util::json::append_indented(out, nlohmann::json(frameworks), 1);
  }
  out += ",\n  \"version\": 1\n}\n";
  sink(out);
}

std::string manifest_json(const std::vector<Asset>& assets,
                          const std::map<std::string, std::string>& frameworks) {
  std::string text;
  write_manifest_json(assets, frameworks, [&](std::string_view piece) { text += piece; });
  return text;
}

std::string encoding_suffix(std::string_view name) {
  for (auto c : {Encoding::Codec::Brotli, Encoding::Codec::Gzip}) {
    if (name == Encoding::name_of(c)) return Encoding::suffix_of(c);
  }
  return "." + std::string(name);  // not one assetpipe writes: as a previous manifest names it
}

}  // namespace assetpipe::emit
