// The sourceMappingURL comment at the end of a JS or CSS file, and the input
// map it points at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "assetpipe/asset.h"

namespace assetpipe::transform {

struct MapComment {
  size_t offset = 0;  // where the comment starts
  size_t length = 0;  // through the end of the comment (trailing whitespace not included)
  std::string url;    // as written
};

// The last `//# sourceMappingURL=` (also `//@`, and `/*# ... */`) when only
// whitespace follows it. CSS accepts only the /* */ form.
std::optional<MapComment> find_map_comment(std::string_view code, FileKind kind);

// `code` without that comment (and without the whitespace that follows it): a
// view of its beginning, no copy.
std::string_view strip_map_comment(std::string_view code, FileKind kind);

// The input-relative path a map URL names, relative to the file at
// `logical`; nullopt for absolute URLs (http:, //host) and data: URLs, and
// for paths that leave the input root. `base` is the URL path the root is
// served under (root-relative URLs under it resolve into the root).
std::optional<std::string> resolve_map_url(std::string_view url, std::string_view logical,
                                           std::string_view base);

// The JSON of a `data:application/json;base64,...` URL; nullopt for other data URLs.
std::optional<std::string> decode_data_url(std::string_view url);

}  // namespace assetpipe::transform
