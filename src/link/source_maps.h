// The link stage's part in source maps: taking over an input .map that a
// file points at, keeping its "sources" right from its new folder, shifting
// it for rewritten references, and the sourceMappingURL comment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "util/result.h"

namespace assetpipe::link {

// A replacement of bytes [offset, offset + old_length) of a file.
struct Edit {
  size_t offset = 0;
  size_t old_length = 0;
  std::string replacement;
};

// The map JSON with its relative "sources" (or its relative "sourceRoot")
// rewritten so they point at the same places from `new_folder` as they did
// from `old_folder` (logical folders, "" or ending in '/'). Unchanged bytes
// when the folders are equal. Fails on invalid JSON.
util::Result<std::string> rebase_sources(std::string_view map_json, std::string_view old_folder,
                                         std::string_view new_folder);

// The map of `generated` adjusted for `edits` applied to it (sorted, disjoint),
// with "file" set to `file`, in one pass over the map. The same bytes when
// nothing changes. A failure (a map or edits it cannot shift) changes nothing.
util::Result<std::string> shift_map(std::string_view map_json, std::string_view generated,
                                    const std::vector<Edit>& edits, std::string_view file);

// "\n//# sourceMappingURL=<name>" for JS, "\n/*# sourceMappingURL=<name> */" for
// CSS (no leading newline when `bytes` already ends with one); "" for other kinds.
std::string source_mapping_comment(FileKind kind, std::string_view bytes, std::string_view map_url);

}  // namespace assetpipe::link
