// Final names: <stem>.<hash><ext>, the hash covering everything served at that URL.
#pragma once

#include <string>
#include <string_view>

#include "assetpipe/asset.h"

namespace assetpipe::link {

// "css/main.css" + "3f2a9c1b7e" -> "css/main.3f2a9c1b7e.css";
// "app.js.map" -> "app.<hash>.js.map"; "LICENSE" -> "LICENSE.<hash>".
std::string hashed_name(std::string_view logical, std::string_view hash);

// The content hash of an asset's final state: its bytes, and the bytes of
// every image variant that nginx may serve at the same URL. Tagged fields,
// so that moving bytes between fields changes the hash.
std::string content_hash(const Asset& asset);

}  // namespace assetpipe::link
