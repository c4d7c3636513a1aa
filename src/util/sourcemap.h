// Source maps (revision 3): decode, encode, look up, shift for text edits,
// compose. Lines and columns are 0-based here, as in the mappings; columns
// count UTF-16 code units, as browsers do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace assetpipe::util::sourcemap {

struct TextEdit {
  size_t offset;      // byte offset into the generated text
  size_t old_length;  // bytes replaced
  std::string replacement;
};

// One mapping: a generated column and, when `source >= 0`, the original
// position it comes from (and a name when `name >= 0`).
struct Segment {
  int32_t column = 0;
  int32_t source = -1;
  int32_t line = 0;  // original line
  int32_t source_column = 0;
  int32_t name = -1;
  friend bool operator==(const Segment&, const Segment&) = default;
};

using Line = std::vector<Segment>;

// A decoded map. `sources` already include `sourceRoot`.
struct SourceMap {
  std::string file;
  std::vector<std::string> sources;
  std::vector<std::optional<std::string>> sources_content;  // empty or one per source
  std::vector<std::string> names;
  std::vector<Line> lines;  // one per generated line
};

struct Position {
  std::string source;
  int line = 0;    // 0-based
  int column = 0;  // 0-based, UTF-16 code units
  std::string name;
  friend bool operator==(const Position&, const Position&) = default;
};

// Bounds on what a map may decode to, so that a hostile map (50 MB of ";")
// costs memory in proportion to the file it describes, not to itself.
struct Limits {
  size_t max_lines = SIZE_MAX;     // generated lines
  size_t max_segments = SIZE_MAX;  // segments in all
};
// The limits for a map of the generated text `generated`: a line per line of
// it (and one more), a segment per byte and per line.
Limits limits_for(std::string_view generated);

Result<SourceMap> decode(std::string_view map_json, const Limits& limits = {});
// Deterministic JSON:
// {"version":3,"file":...,"sources":...,"sourcesContent":...,"names":...,"mappings":...}
std::string encode(const SourceMap& map);

// The VLQ "mappings" string alone.
Result<std::vector<Line>> decode_mappings(std::string_view mappings, size_t source_count,
                                          size_t name_count, const Limits& limits = {});
std::string encode_mappings(const std::vector<Line>& lines);

// The original position of generated (line, column): the last segment of the
// line at or before `column`. None when that segment has no source or none exists.
std::optional<Position> lookup(const SourceMap& map, int line, int column);
Result<std::optional<Position>> lookup(std::string_view map_json, int line, int column);

// Number of UTF-16 code units that the UTF-8 text `s` takes.
size_t utf16_length(std::string_view s);
// 0-based line and UTF-16 column of byte `offset` in `text`.
std::pair<int, int> line_column(std::string_view text, size_t offset);

// The map (v3 JSON) adjusted for `edits` applied to `generated` (the text the map describes):
// on each edited line, generated columns after an edit shift by the length change (columns are
// counted in UTF-16 code units, as browsers do); segments inside a replaced span move to its
// start. Edits sorted by offset, non-overlapping, no newlines in old or new text.
// Fields other than "mappings" are kept as they were, but for "file" when `file`
// is given: it is set in the same pass (as set_file would).
Result<std::string> shift_for_edits(std::string_view map_json, std::string_view generated,
                                    const std::vector<TextEdit>& edits,
                                    std::optional<std::string_view> file = std::nullopt);

// The map's top-level "file" field, without building the rest of it;
// nullopt when it has none or is not a JSON object.
std::optional<std::string> file_field(std::string_view map_json);

// The map with its "file" field set; other fields kept.
Result<std::string> set_file(std::string_view map_json, std::string_view file);

// Composes: `outer` maps minified -> intermediate, `inner` maps intermediate -> original.
// `outer` must name a single source (the intermediate file). The result has
// outer's file, inner's sources (and sourcesContent) and maps every outer
// segment through inner; positions inner does not map become unmapped.
Result<std::string> compose(std::string_view outer, std::string_view inner);
Result<SourceMap> compose(const SourceMap& outer, const SourceMap& inner);

}  // namespace assetpipe::util::sourcemap
