#include "emit/manifest.h"

#include <nlohmann/json.hpp>

#include "util/hash.h"

namespace assetpipe::emit {

std::string manifest_json(const std::vector<Asset>& assets) {
  nlohmann::json root;  // std::map underneath: keys come out sorted
  root["version"] = 1;
  nlohmann::json list = nlohmann::json::object();
  for (const Asset& a : assets) {
    nlohmann::json e;
    e["file"] = a.output;
    e["size"] = a.bytes.size();
    e["integrity"] = util::sri_sha384(a.bytes);
    e["type"] = to_string(a.kind);
    e["immutable"] = a.output != a.logical || a.fingerprinted;
    if (!a.imports.empty()) e["imports"] = a.imports;
    if (a.source_map) e["map"] = a.output + ".map";
    if (!a.encodings.empty()) {
      nlohmann::json enc = nlohmann::json::object();
      for (const auto& x : a.encodings) enc[x.name] = {{"size", x.bytes.size()}};
      e["encodings"] = enc;
    }
    if (!a.variants.empty()) {
      nlohmann::json vars = nlohmann::json::object();
      for (const auto& v : a.variants) {
        if (v.skipped.empty()) {
          vars[v.format] = {{"file", a.output + "." + v.format},
                            {"size", v.bytes.size()},
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
