// References in a web app manifest (*.webmanifest, manifest.json):
// icons[].src, screenshots[].src and shortcuts[].icons[].src. A small JSON
// lexer that keeps every string's source offsets, so the rewrite keeps the
// file's formatting.
#pragma once

#include <string_view>

#include "link/reference.h"

namespace assetpipe::link {

// On invalid JSON, `problem` says where and the references found so far are dropped.
ScanResult scan_webmanifest(std::string_view json);

}  // namespace assetpipe::link
