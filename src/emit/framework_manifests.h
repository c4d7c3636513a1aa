// Manifests in the formats of the frameworks' own asset helpers (Vite's
// backend integrations, Propshaft, Django's ManifestStaticFilesStorage,
// Phoenix's cache_static_manifest), written beside assetpipe's own manifest.
// The shapes follow each framework's reading code; tests/framework_manifests_test.cc
// cites it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/options.h"
#include "emit/emit.h"

namespace assetpipe::emit {

// Every format --manifest-format accepts: "assetpipe", "vite", "propshaft",
// "django", "phoenix".
const std::vector<std::string>& manifest_format_names();

// Where a framework format is written by default, output-relative:
// vite ".vite/manifest.json", propshaft ".manifest.json", django
// "staticfiles.json", phoenix "cache_manifest.json".
std::string default_manifest_path(const std::string& format);

// The output-relative path of each framework format the options ask for
// (assetpipe's own is not listed: it is always .assetpipe/manifest.json or
// --manifest). Keys sorted by format name.
std::map<std::string, std::string> framework_manifest_paths(const Options& options);

// {"<logical>": {"file", "src", "isEntry"?, "imports"?, "css"?, "assets"?}}
// for JS, CSS and the assets they reference (HTML and source maps are not chunks).
std::string vite_manifest_json(const std::vector<Asset>& assets);
// {"<logical>": {"digested_path", "integrity"}}
std::string propshaft_manifest_json(const std::vector<Asset>& assets);
// {"paths": {"<logical>": "<output>"}, "version": "1.0", "hash": "<12 hex>"}
std::string django_manifest_json(const std::vector<Asset>& assets);
// {"latest": {"<logical>": "<output>"}, "digests": {"<output>": {"logical_path",
// "mtime", "size", "digest", "sha512"}}, "version": 1}, hashed files only.
std::string phoenix_manifest_json(const std::vector<Asset>& assets);

// Throws Error when a framework manifest would overwrite a file of the build
// (an input file of that name), land in .assetpipe/, or share a path with another.
void check_framework_manifest_paths(const std::vector<Asset>& assets, const Options& options);

// The framework manifests the options ask for, by output-relative path.
// Throws Error when one would overwrite a file of the build (an input file
// of that name) or land in .assetpipe/.
ExtraFiles framework_manifests(const std::vector<Asset>& assets, const Options& options);

}  // namespace assetpipe::emit
