#include "emit/framework_manifests.h"

#include <set>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assetpipe/error.h"
#include "scan/classify.h"
#include "scan/logical_index.h"
#include "util/file.h"
#include "util/hash.h"

namespace assetpipe::emit {
namespace {

using nlohmann::json;

// One file a framework can ask for by its input name: an asset, or an input
// source map now served as its owner's <output>.map.
struct Served {
  const Asset* asset;
  std::string_view logical;
  std::string output;
  const Digest* digest;  // of the bytes served
  bool immutable;
};

std::vector<Served> served_files(const std::vector<Asset>& assets) {
  scan::LogicalIndex by_logical(assets);
  std::vector<Served> out;
  for (const Asset& a : assets) {
    if (!a.map_of.empty()) {
      auto owner = by_logical.find(a.map_of);
      if (owner && assets[*owner].source_map) {
        out.push_back({&a, a.logical, assets[*owner].output + ".map", &map_digest_of(assets[*owner]), true});
      }
      continue;
    }
    out.push_back({&a, a.logical, a.output, &a.digest, a.output != a.logical || a.fingerprinted});
  }
  return out;
}

std::string dump(const json& j) { return j.dump(2) + "\n"; }

// The content hash in a hashed name: assetpipe's ".<hash>" before the
// extension, else a bundler's fingerprint (the stem's last "-x" or ".x").
std::string digest_in_name(const Served& s) {
  auto [stem, ext] = scan::split_extension(s.logical);
  if (s.output != s.logical && s.output.size() > s.logical.size() &&
      s.output.starts_with(stem + ".")) {
    return s.output.substr(stem.size() + 1, s.output.size() - s.logical.size() - 1);
  }
  auto slash = stem.rfind('/');
  auto cut = stem.find_last_of("-.");
  if (cut == std::string::npos || (slash != std::string::npos && cut < slash)) return "";
  return stem.substr(cut + 1);
}

}  // namespace

const std::vector<std::string>& manifest_format_names() {
  static const std::vector<std::string> names = {"assetpipe", "vite", "propshaft", "django",
                                                 "phoenix"};
  return names;
}

std::string default_manifest_path(const std::string& format) {
  if (format == "vite") return ".vite/manifest.json";
  if (format == "propshaft") return ".manifest.json";
  if (format == "django") return "staticfiles.json";
  if (format == "phoenix") return "cache_manifest.json";
  return ".assetpipe/manifest.json";
}

std::map<std::string, std::string> framework_manifest_paths(const Options& options) {
  std::map<std::string, std::string> out;
  for (const auto& f : options.manifest_formats) {
    if (f == "assetpipe") continue;
    auto it = options.manifest_paths.find(f);
    out[f] = it != options.manifest_paths.end() ? it->second : default_manifest_path(f);
  }
  return out;
}

std::string vite_manifest_json(const std::vector<Asset>& assets) {
  scan::LogicalIndex by_logical(assets);
  auto is_code = [](const Asset& a) { return a.kind == FileKind::Js || a.kind == FileKind::Css; };
  // A chunk that another JS or CSS file imports is not an entry point.
  std::set<std::string_view> imported;
  for (const Asset& a : assets) {
    if (!is_code(a)) continue;
    for (const auto& t : a.imports) imported.insert(t);
  }
  json root = json::object();
  for (const Asset& a : assets) {
    if (!a.map_of.empty() || a.kind == FileKind::Html || a.kind == FileKind::SourceMap) continue;
    json e = {{"file", a.output}, {"src", a.logical}};
    if (is_code(a)) {
      if (!imported.contains(a.logical)) e["isEntry"] = true;
      json imports = json::array(), css = json::array(), other = json::array();
      for (const auto& t : a.imports) {
        auto found = by_logical.find(t);
        if (!found || !assets[*found].map_of.empty()) continue;
        const Asset& target = assets[*found];
        if (target.kind == FileKind::SourceMap || target.kind == FileKind::Html) continue;
        // imports: manifest keys; css and assets: output file names
        // (vite packages/vite/src/node/plugins/manifest.ts, ManifestChunk).
        if (target.kind == FileKind::Js) {
          if (a.kind == FileKind::Js) imports.push_back(target.logical);
        } else if (target.kind == FileKind::Css) {
          css.push_back(target.output);
        } else {
          other.push_back(target.output);
        }
      }
      if (!imports.empty()) e["imports"] = imports;
      if (!css.empty()) e["css"] = css;
      if (!other.empty()) e["assets"] = other;
    }
    root[a.logical] = std::move(e);
  }
  return dump(root);
}

std::string propshaft_manifest_json(const std::vector<Asset>& assets) {
  json root = json::object();
  for (const Served& s : served_files(assets)) {
    root[std::string(s.logical)] = {{"digested_path", s.output},
                                    {"integrity", s.digest->integrity()}};
  }
  return dump(root);
}

std::string django_manifest_json(const std::vector<Asset>& assets) {
  json paths = json::object();
  for (const Served& s : served_files(assets)) paths[std::string(s.logical)] = s.output;
  // Django 4.2+'s manifest_hash: md5 of json.dumps(sorted(paths.items())),
  // 12 hex digits (HashedFilesMixin.file_hash). Python's default separators
  // and ensure_ascii, which nlohmann's ensure_ascii output matches.
  std::string items = "[";
  bool first = true;
  for (const auto& [k, v] : paths.items()) {
    items += first ? "" : ", ";
    first = false;
    items += "[" + json(k).dump(-1, ' ', true) + ", " + v.dump(-1, ' ', true) + "]";
  }
  items += "]";
  json root = {{"paths", paths}, {"version", "1.0"}, {"hash", util::md5_hex(items).substr(0, 12)}};
  return dump(root);
}

std::string phoenix_manifest_json(const std::vector<Asset>& assets) {
  json latest = json::object(), digests = json::object();
  for (const Served& s : served_files(assets)) {
    if (!s.immutable) continue;  // not digested: Phoenix serves the name as it is
    latest[std::string(s.logical)] = s.output;
    digests[s.output] = {{"logical_path", s.logical},
                         {"mtime", s.asset->mtime},
                         {"size", s.digest->size},
                         {"digest", digest_in_name(s)},
                         {"sha512", s.digest->sha512}};
  }
  return dump({{"latest", latest}, {"digests", digests}, {"version", 1}});
}

void check_framework_manifest_paths(const std::vector<Asset>& assets, const Options& options) {
  auto paths = framework_manifest_paths(options);
  if (paths.empty()) return;
  std::set<std::string> planned;
  for (const auto& f : plan(assets, options)) planned.insert(f.path);
  std::map<std::string_view, const Asset*> by_output;
  for (const Asset& a : assets) by_output[a.output] = &a;
  for (const auto& [format, path] : paths) {
    if (path.starts_with(".assetpipe/")) {
      throw Error(
          fmt::format("the {} manifest path {} is inside .assetpipe/, assetpipe's own "
                      "folder; pick another --manifest-path {}=PATH",
                      format, util::printable(path), format));
    }
    if (planned.contains(path)) {
      auto it = by_output.find(path);
      std::string who = it != by_output.end() ? it->second->logical : path;
      throw Error(fmt::format(
          "{}: the input has a file where the {} manifest goes ({}); remove it from the input "
          "or write the manifest elsewhere with --manifest-path {}=PATH",
          util::printable(who), format, util::printable(path), format));
    }
  }
  std::set<std::string> seen;
  for (const auto& [format, path] : paths) {
    if (!seen.insert(path).second) {
      throw Error(
          fmt::format("two manifest formats would be written at {}; give them different "
                      "--manifest-path values",
                      util::printable(path)));
    }
  }
}

ExtraFiles framework_manifests(const std::vector<Asset>& assets, const Options& options) {
  check_framework_manifest_paths(assets, options);
  ExtraFiles out;
  for (const auto& [format, path] : framework_manifest_paths(options)) {
    std::string bytes = format == "vite"        ? vite_manifest_json(assets)
                        : format == "propshaft" ? propshaft_manifest_json(assets)
                        : format == "django"    ? django_manifest_json(assets)
                                                : phoenix_manifest_json(assets);
    out.emplace(path, std::move(bytes));
  }
  return out;
}

}  // namespace assetpipe::emit
