// References in JSON documents, found by a small JSON lexer that keeps every
// string's source offsets (so a rewrite keeps the file's formatting):
// web app manifests (*.webmanifest, manifest.json) and import maps
// (<script type="importmap">).
#pragma once

#include <string_view>

#include "link/reference.h"

namespace assetpipe::link {

// icons[].src, screenshots[].src and shortcuts[].icons[].src. On invalid
// JSON, `problem` says where and no reference is reported.
ScanResult scan_webmanifest(std::string_view json, size_t base_offset = 0);

// The addresses of an import map: the values of "imports" and of each scope
// of "scopes" (not the specifier keys). Folder mappings (ending in '/') are
// not references to a file and are skipped.
ScanResult scan_import_map(std::string_view json, size_t base_offset = 0);

// The files a bundler manifest lists (scan::bundler_manifest): Vite's
// <chunk>.file, .css[] and .assets[] (and every string in the arrays of its
// ssr-manifest); asset-manifest.json's files.<name> and entrypoints[].
ScanResult scan_vite_manifest(std::string_view json);
ScanResult scan_vite_ssr_manifest(std::string_view json);
ScanResult scan_asset_manifest(std::string_view json);

}  // namespace assetpipe::link
