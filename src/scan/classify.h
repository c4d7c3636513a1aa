// What a file is, and whether its name is kept: the naming rules of scan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe::scan {

// A bundler's list of the files it wrote, read by server-side backends
// (vite_ruby, django-vite, Laravel; react-scripts' asset-manifest.json):
// .vite/manifest.json and .vite/ssr-manifest.json (Vite 5+), asset-manifest.json
// at the root (create-react-app). The link stage resolves their paths
// against the root and rewrites them to the final names. (The files they list
// keep their names when is_fingerprinted says so; a name without a hash is
// hashed, and the manifest follows.)
enum class BundlerManifest { None, Vite, AssetManifest };
BundlerManifest bundler_manifest(std::string_view logical_path);

// Build metadata, never served: everything under .vite/ and the bundler
// manifests (nginx answers 404, as for .assetpipe/).
bool is_build_metadata(std::string_view logical_path);

// By extension (case-insensitive); manifest.json is a web app manifest
// (a bundler manifest is JSON).
FileKind classify(std::string_view logical_path);

// The default entry globs (entries keep their names).
const std::vector<std::string>& default_entry_globs();

bool is_entry(std::string_view logical_path, const std::vector<std::string>& extra_globs);

// True when a bundler already put a content hash in the name. The stem (the
// base name up to its last extension; for "x.js.map" the stem of "x.js") ends
// in either
// - "-" and 8 base64url characters [A-Za-z0-9_-] with an upper-case letter
//   and a lower-case letter or digit (Rollup/Vite: "hero-CLDdwZDr",
//   "chunk-D7LyRg-G"), or
// - [-.] and 8 or more of [A-Za-z0-9_] with at least one digit and one letter
//   (webpack's "main.3b9f2a1c0d4e5f67.js", esbuild's "chunk-a1b2c3d4.css"),
// with no more than 5 letters of the same case in a row either way. Words
// ("fontawesome-webfont", "fa-v4compatibility", "-Settings") never match.
bool is_fingerprinted(std::string_view logical_path);

// Splits "dir/name.ext" into {"dir/name", ".ext"}; ".map" after another
// extension stays with it ("a.js.map" -> {"a", ".js.map"}); dotfiles have no
// extension (".htaccess" -> {".htaccess", ""}).
std::pair<std::string, std::string> split_extension(std::string_view logical_path);

// Text files worth precompressing (by kind and extension).
bool is_text_type(std::string_view logical_path);

}  // namespace assetpipe::scan
