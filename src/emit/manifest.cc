#include "emit/manifest.h"

#include <map>

#include <nlohmann/json.hpp>


namespace assetpipe::emit {

std::string manifest_json(const std::vector<Asset>& assets,
                          const std::map<std::string, std::string>& frameworks) {
  nlohmann::json root;  // std::map underneath: keys come out sorted
  root["version"] = 1;
  if (!frameworks.empty()) root["frameworks"] = frameworks;
  nlohmann::json list = nlohmann::json::object();
  std::map<std::string_view, const Asset*> by_logical;
  for (const Asset& a : assets) by_logical[a.logical] = &a;
  for (const Asset& a : assets) {
    if (!a.map_of.empty()) {
      // An input map merged into its owner's map: listed where that map went.
      auto owner = by_logical.find(a.map_of);
      if (owner != by_logical.end() && owner->second->source_map) {
        const Digest& map = owner->second->map_digest;
        list[a.logical] = {{"file", owner->second->output + ".map"},
                           {"size", map.size},
                           {"integrity", map.integrity},
                           {"type", to_string(a.kind)},
                           {"immutable", true}};
        if (!owner->second->source_map_encodings.empty()) {
          nlohmann::json enc = nlohmann::json::object();
          for (const auto& x : owner->second->source_map_encodings) {
            enc[x.name] = {{"size", x.size}};
          }
          list[a.logical]["encodings"] = enc;
        }
      }
      continue;
    }
    nlohmann::json e;
    e["file"] = a.output;
    e["size"] = a.digest.size;
    e["integrity"] = a.digest.integrity;
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
      for (const auto& x : a.encodings) enc[x.name] = {{"size", x.size}};
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
    list[a.logical] = std::move(e);
  }
  root["assets"] = std::move(list);
  return root.dump(2) + "\n";
}

}  // namespace assetpipe::emit
