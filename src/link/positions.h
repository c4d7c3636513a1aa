// Where a reference is, for a message: line and column in the file as the
// user wrote it. After minification the bytes are the minifier's; their map
// leads back to the line and column of the input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "util/sourcemap.h"

namespace assetpipe::link {

struct Position {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in code points
  // When the map leads into another file (a map composed with a bundler's):
  // " (minified; from src/app.ts:3:5)", else "".
  std::string origin;
};

class SourcePositions {
 public:
  // `asset` must outlive this object and not change meanwhile.
  explicit SourcePositions(const Asset& asset);

  // The position of byte `offset` of asset.bytes. Cheapest when called with
  // increasing offsets (a long minified line stays linear). `text`: what
  // stands there (a reference as written); a map only knows where the rule or
  // statement starts, so the original is searched for it from there (in the
  // map's sourcesContent).
  Position at(size_t offset, std::string_view text = {});

 private:
  struct Generated {
    int line;          // 1-based
    int column;        // 1-based code points
    int utf16_column;  // 0-based UTF-16 code units, as in source maps
  };
  Generated generated(size_t offset);
  // `text` searched in the original content from (line, utf16_column), 0-based.
  std::optional<Position> find_in_original(size_t source, int line, int utf16_column,
                                           std::string_view text);

  const Asset& asset_;
  std::vector<size_t> line_starts_;
  size_t last_offset_ = 0;
  Generated last_{0, 0, 0};
  bool map_decoded_ = false;
  std::optional<util::sourcemap::SourceMap> map_;
  std::vector<std::vector<size_t>> content_lines_;  // line starts of each sourcesContent
};

}  // namespace assetpipe::link
