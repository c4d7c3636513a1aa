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

// Stands for a name's own hash while the name is computed: same length
// and alphabet as a hash, so rewritten references, the sourceMappingURL
// comment and the map's `file` and columns come out exactly as served.
inline constexpr std::string_view kHashPlaceholder = "0000000000";

// What a name covers: everything served at that URL, exactly as served
// (its final bytes, with every occurrence of the name's own hash written as
// kHashPlaceholder; so references to itself, its sourceMappingURL and, in a
// cycle, references to the other members), every kept image variant nginx
// may serve at the same URL (by format name), and the source map served at
// <name>.map (final too, the same placeholder). So a name can be checked
// from the output alone (`assetpipe verify`): write the placeholder for the
// hash, hash again. Tagged fields, so that moving bytes between fields
// changes the hash.
struct NamedContent {
  std::string_view bytes;
  const std::vector<ImageVariant>* variants = nullptr;
  const std::string* source_map = nullptr;  // nullptr: the file has no map
};

void add_content(util::NameHasher& hasher, const NamedContent& content);

std::string content_hash(const NamedContent& content);

// A cycle's members (or a file that references itself) share one hash, over
// every renamed member tagged with its logical path, in logical-path order.
void add_member(util::NameHasher& hasher, std::string_view logical);

// `text` with every occurrence of `hash` written as kHashPlaceholder.
std::string with_placeholder(std::string_view text, std::string_view hash);

// The content hash of an asset as it is.
std::string content_hash(const Asset& asset);

}  // namespace assetpipe::link
