// Final names: <stem>.<hash><ext>, the hash covering everything served at that URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "util/hash.h"

namespace assetpipe::link {

// "css/main.css" + "3f2a9c1b7e" -> "css/main.3f2a9c1b7e.css";
// "app.js.map" -> "app.<hash>.js.map"; "LICENSE" -> "LICENSE.<hash>".
std::string hashed_name(std::string_view logical, std::string_view hash);

// What a name must cover: the bytes as served (references to the file's own
// name and its sourceMappingURL left as in the input), every kept image
// variant nginx may serve at the same URL, and the source map served at
// <name>.map (before its "file" is set to the name). Tagged fields, so
// that moving bytes between fields changes the hash.
struct NamedContent {
  std::string_view bytes;
  const std::vector<ImageVariant>* variants = nullptr;
  const std::optional<std::string>* source_map = nullptr;
  // The bytes the map describes, when they differ from `bytes` (the map is
  // shifted for the rewrite later).
  std::string_view map_generated;
};

void add_content(util::NameHasher& hasher, const NamedContent& content);

std::string content_hash(const NamedContent& content);

// The content hash of an asset as it is.
std::string content_hash(const Asset& asset);

}  // namespace assetpipe::link
