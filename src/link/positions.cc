#include "link/positions.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/url.h"

namespace assetpipe::link {

SourcePositions::SourcePositions(const Asset& asset) : asset_(asset) {}

SourcePositions::Generated SourcePositions::generated(size_t offset) {
  std::string_view text = asset_.bytes;
  if (line_starts_.empty()) {
    line_starts_.push_back(0);
    for (size_t k = 0; k < text.size(); ++k) {
      if (text[k] == '\n') line_starts_.push_back(k + 1);
    }
  }
  offset = std::min(offset, text.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
  Generated g{static_cast<int>(it - line_starts_.begin()) + 1, 1, 0};
  size_t from = *it;
  if (last_.line == g.line && last_offset_ >= from && last_offset_ <= offset) {
    from = last_offset_;
    g = last_;
  }
  for (size_t k = from; k < offset; ++k) {
    auto byte = static_cast<unsigned char>(text[k]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    ++g.column;
    g.utf16_column += byte >= 0xF0 ? 2 : 1;  // outside the BMP: a surrogate pair
  }
  last_offset_ = offset;
  last_ = g;
  return g;
}

namespace {

std::vector<size_t> line_starts(std::string_view text) {
  std::vector<size_t> starts = {0};
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '\n') starts.push_back(k + 1);
  }
  return starts;
}

// The byte offset of a 0-based line and UTF-16 column, or npos.
size_t offset_of(std::string_view text, const std::vector<size_t>& starts, int line,
                 int utf16_column) {
  if (line < 0 || static_cast<size_t>(line) >= starts.size()) return std::string_view::npos;
  size_t k = starts[static_cast<size_t>(line)];
  for (int units = 0; k < text.size() && units < utf16_column && text[k] != '\n';) {
    units += static_cast<unsigned char>(text[k]) >= 0xF0 ? 2 : 1;
    ++k;
    while (k < text.size() && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) ++k;
  }
  return k;
}

Position position_of(std::string_view text, const std::vector<size_t>& starts, size_t offset) {
  auto it = std::upper_bound(starts.begin(), starts.end(), offset) - 1;
  Position p{static_cast<int>(it - starts.begin()) + 1, 1, ""};
  for (size_t k = *it; k < offset && k < text.size(); ++k) {
    if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++p.column;
  }
  return p;
}

}  // namespace

std::optional<Position> SourcePositions::find_in_original(size_t source, int line, int utf16_column,
                                                          std::string_view text) {
  if (text.empty() || source >= map_->sources_content.size() || !map_->sources_content[source]) {
    return std::nullopt;
  }
  std::string_view content = *map_->sources_content[source];
  auto& starts = content_lines_[source];
  if (starts.empty()) starts = line_starts(content);
  size_t from = offset_of(content, starts, line, utf16_column);
  if (from == std::string_view::npos) return std::nullopt;
  // The reference is in the rule or statement the map points at: a few lines at most.
  size_t limit = std::min(content.size(), from + 4096);
  size_t found = content.substr(0, limit).find(text, from);
  if (found == std::string_view::npos) return std::nullopt;
  return position_of(content, starts, found);
}

Position SourcePositions::at(size_t offset, std::string_view text) {
  Generated g = generated(offset);
  Position p{g.line, g.column, ""};
  if (!asset_.source_map) return p;
  if (!map_decoded_) {
    map_decoded_ = true;
    if (auto m = util::sourcemap::decode(*asset_.source_map)) {
      map_ = std::move(*m);
      content_lines_.resize(map_->sources_content.size());
    }
  }
  if (!map_) return p;
  auto original = util::sourcemap::lookup(*map_, g.line - 1, g.utf16_column);
  if (!original) return p;
  if (original->source == util::base_name(asset_.logical)) {
    auto source = std::find(map_->sources.begin(), map_->sources.end(), original->source);
    auto precise = find_in_original(static_cast<size_t>(source - map_->sources.begin()),
                                    original->line, original->column, text);
    if (precise) return *precise;
    return {original->line + 1, original->column + 1, ""};
  }
  p.origin = fmt::format(" (minified; from {}:{}:{})", original->source, original->line + 1,
                         original->column + 1);
  return p;
}

}  // namespace assetpipe::link
