#include "util/sourcemap.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/json_members.h"

namespace assetpipe::util::sourcemap {
namespace {

using nlohmann::json;

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_base64_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kBase64.size(); ++i) t[static_cast<unsigned char>(kBase64[i])] = int8_t(i);
  return t;
}
constexpr auto kBase64Table = make_base64_table();

// Reads one VLQ value at `pos`; advances `pos`.
Result<int64_t> read_vlq(std::string_view s, size_t& pos) {
  int64_t value = 0;
  int shift = 0;
  while (true) {
    if (pos >= s.size()) return fail("a VLQ value ends in the middle");
    int digit = kBase64Table[static_cast<unsigned char>(s[pos])];
    if (digit < 0) return fail(fmt::format("invalid character in mappings at offset {}", pos));
    ++pos;
    if (shift > 32) return fail("a VLQ value is too large");
    value |= int64_t(digit & 31) << shift;
    shift += 5;
    if (!(digit & 32)) break;
  }
  bool negative = value & 1;
  value >>= 1;
  return negative ? -value : value;
}

void write_vlq(std::string& out, int64_t value) {
  uint64_t v = value < 0 ? (uint64_t(-value) << 1) | 1 : uint64_t(value) << 1;
  do {
    unsigned digit = v & 31;
    v >>= 5;
    if (v) digit |= 32;
    out.push_back(kBase64[digit]);
  } while (v);
}

Result<json> parse_map(std::string_view map_json) {
  json j = json::parse(map_json.begin(), map_json.end(), nullptr, false);
  if (j.is_discarded()) return fail("the source map is not valid JSON");
  if (!j.is_object()) return fail("the source map is not a JSON object");
  if (j.contains("sections")) return fail("index source maps (\"sections\") are not supported");
  if (!j.contains("mappings") || !j["mappings"].is_string()) {
    return fail("the source map has no \"mappings\" string");
  }
  auto version = j.find("version");
  if (version != j.end() && !(version->is_number_integer() && version->get<int>() == 3)) {
    return fail("the source map is not version 3");
  }
  return j;
}

// The members of a map (json::Members), checked as parse_map checks a whole map.
Result<util::json::Members> json_members(std::string_view map_json) {
  auto m = util::json::Members::of(map_json);
  if (!m) return fail("the source map " + m.error());
  if (m->raw("sections")) return fail("index source maps (\"sections\") are not supported");
  if (auto v = m->raw("version"); v && *v != "3") return fail("the source map is not version 3");
  return m;
}

// A member that is a string, decoded; nullopt when absent or not a string.
std::optional<std::string> string_member(const util::json::Members& m, std::string_view key) {
  auto raw = m.raw(key);
  if (!raw || raw->empty() || raw->front() != '"') return std::nullopt;
  if (raw->find('\\') == std::string_view::npos) return std::string(raw->substr(1, raw->size() - 2));
  auto v = nlohmann::json::parse(*raw, nullptr, false);
  return v.is_string() ? std::optional(v.get<std::string>()) : std::nullopt;
}

// The number of elements of an array member (0 when absent or not an array).
size_t array_size(const util::json::Members& m, std::string_view key) {
  auto raw = m.raw(key);
  if (!raw || raw->empty() || raw->front() != '[') return 0;
  auto v = nlohmann::json::parse(*raw, nullptr, false);
  return v.is_array() ? v.size() : 0;
}

Result<std::vector<std::string>> string_array(const json& j, const char* key, bool allow_null) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return fail(fmt::format("\"{}\" is not an array", key));
  for (const auto& v : *it) {
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    } else if (allow_null && v.is_null()) {
      out.emplace_back();
    } else {
      return fail(fmt::format("\"{}\" holds a value that is not a string", key));
    }
  }
  return out;
}

size_t count_array(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? it->size() : 0;
}

Result<std::vector<Line>> decode_mappings_of(const json& j, const Limits& limits = {}) {
  return decode_mappings(j["mappings"].get_ref<const std::string&>(), count_array(j, "sources"),
                         count_array(j, "names"), limits);
}

// Where one edit sits, in UTF-16 columns of its line.
struct ColumnEdit {
  int line;
  int64_t start;
  int64_t end;    // start + old length
  int64_t delta;  // new length - old length
};

Result<std::vector<ColumnEdit>> column_edits(std::string_view text,
                                             const std::vector<TextEdit>& edits) {
  std::vector<ColumnEdit> out;
  size_t line_start = 0, scanned = 0, prev_end = 0;
  int line = 0;
  for (const auto& e : edits) {
    if (e.offset < prev_end) return fail("edits overlap or are not sorted by offset");
    if (e.offset > text.size() || e.old_length > text.size() - e.offset) {
      return fail(fmt::format("an edit at offset {} lies outside the text", e.offset));
    }
    std::string_view old = text.substr(e.offset, e.old_length);
    if (old.find('\n') != old.npos || e.replacement.find('\n') != std::string::npos) {
      return fail(fmt::format("an edit at offset {} spans a newline", e.offset));
    }
    for (; scanned < e.offset; ++scanned) {
      if (text[scanned] == '\n') {
        ++line;
        line_start = scanned + 1;
      }
    }
    int64_t start = int64_t(utf16_length(text.substr(line_start, e.offset - line_start)));
    int64_t old_len = int64_t(utf16_length(old));
    int64_t new_len = int64_t(utf16_length(e.replacement));
    out.push_back({line, start, start + old_len, new_len - old_len});
    prev_end = e.offset + e.old_length;
  }
  return out;
}

// Applies the edits of one line (sorted) to its segments.
void shift_line(Line& segments, const ColumnEdit* first, const ColumnEdit* last) {
  for (auto& s : segments) {
    int64_t delta = 0;
    int64_t col = s.column;
    int64_t moved = col;
    for (const ColumnEdit* e = first; e != last; ++e) {
      if (col >= e->end) {
        delta += e->delta;
        moved = col + delta;
      } else if (col > e->start) {
        moved = e->start + delta;  // inside the replaced span: to its start
        break;
      } else {
        moved = col + delta;
        break;
      }
    }
    s.column = int32_t(std::max<int64_t>(0, moved));
  }
  // Segments folded onto one column: the first one wins.
  auto same_column = [](const Segment& a, const Segment& b) { return a.column == b.column; };
  segments.erase(std::unique(segments.begin(), segments.end(), same_column), segments.end());
}

std::string join_root(const std::string& root, const std::string& source) {
  if (root.empty()) return source;
  if (root.back() == '/') return root + source;
  return root + "/" + source;
}

}  // namespace

Limits limits_for(std::string_view generated) {
  size_t lines = size_t(std::count(generated.begin(), generated.end(), '\n')) + 2;
  return {.max_lines = lines, .max_segments = generated.size() + lines};
}

Result<std::vector<Line>> decode_mappings(std::string_view m, size_t source_count,
                                          size_t name_count, const Limits& limits) {
  size_t line_count = size_t(std::count(m.begin(), m.end(), ';')) + 1;
  if (line_count > limits.max_lines) {
    return fail(fmt::format("its mappings cover {} generated lines, but the file it maps has {}",
                            line_count, limits.max_lines - 1));
  }
  size_t segments = 0;
  std::vector<Line> lines(1);
  int64_t source = 0, line = 0, source_column = 0, name = 0;
  size_t pos = 0;
  while (pos < m.size()) {
    char c = m[pos];
    if (c == ';') {
      lines.emplace_back();
      ++pos;
      continue;
    }
    if (c == ',') {
      ++pos;
      continue;
    }
    int64_t fields[5];
    int n = 0;
    int64_t column = lines.back().empty() ? 0 : lines.back().back().column;
    while (pos < m.size() && m[pos] != ',' && m[pos] != ';') {
      if (n == 5) return fail("a mapping segment has more than 5 fields");
      auto v = read_vlq(m, pos);
      if (!v) return fail(v.error());
      fields[n++] = *v;
    }
    if (n != 1 && n != 4 && n != 5) return fail(fmt::format("a mapping segment has {} fields", n));
    Segment seg;
    column += fields[0];
    if (column < 0 || column > std::numeric_limits<int32_t>::max()) {
      return fail("a generated column is out of range");
    }
    seg.column = int32_t(column);
    if (n >= 4) {
      source += fields[1];
      line += fields[2];
      source_column += fields[3];
      if (source < 0 || size_t(source) >= source_count) {
        return fail(fmt::format("a mapping names source {} of {}", source, source_count));
      }
      if (line < 0 || source_column < 0 || line > INT32_MAX || source_column > INT32_MAX) {
        return fail("an original position is out of range");
      }
      seg.source = int32_t(source);
      seg.line = int32_t(line);
      seg.source_column = int32_t(source_column);
    }
    if (n == 5) {
      name += fields[4];
      if (name < 0 || size_t(name) >= name_count) {
        return fail(fmt::format("a mapping names name {} of {}", name, name_count));
      }
      seg.name = int32_t(name);
    }
    if (++segments > limits.max_segments) {
      return fail(fmt::format("its mappings hold more than {} segments, more than the file it "
                              "maps has characters",
                              limits.max_segments));
    }
    lines.back().push_back(seg);
  }
  for (auto& l : lines) {
    std::stable_sort(l.begin(), l.end(),
                     [](const Segment& a, const Segment& b) { return a.column < b.column; });
  }
  return lines;
}

std::string encode_mappings(const std::vector<Line>& lines) {
  std::string out;
  int64_t source = 0, line = 0, source_column = 0, name = 0;
  // Trailing empty lines carry no information.
  size_t count = lines.size();
  while (count > 0 && lines[count - 1].empty()) --count;
  for (size_t i = 0; i < count; ++i) {
    if (i) out.push_back(';');
    int64_t column = 0;
    for (size_t k = 0; k < lines[i].size(); ++k) {
      const Segment& s = lines[i][k];
      if (k) out.push_back(',');
      write_vlq(out, s.column - column);
      column = s.column;
      if (s.source < 0) continue;
      write_vlq(out, s.source - source);
      write_vlq(out, s.line - line);
      write_vlq(out, s.source_column - source_column);
      source = s.source;
      line = s.line;
      source_column = s.source_column;
      if (s.name >= 0) {
        write_vlq(out, s.name - name);
        name = s.name;
      }
    }
  }
  return out;
}

Result<SourceMap> decode(std::string_view map_json, const Limits& limits) {
  auto j = parse_map(map_json);
  if (!j) return fail(j.error());
  SourceMap map;
  if (auto f = j->find("file"); f != j->end() && f->is_string()) map.file = f->get<std::string>();
  std::string root;
  if (auto r = j->find("sourceRoot"); r != j->end() && r->is_string()) root = r->get<std::string>();
  auto sources = string_array(*j, "sources", true);
  if (!sources) return fail(sources.error());
  for (auto& s : *sources) map.sources.push_back(join_root(root, s));
  auto names = string_array(*j, "names", false);
  if (!names) return fail(names.error());
  map.names = std::move(*names);
  if (auto c = j->find("sourcesContent"); c != j->end() && c->is_array()) {
    for (const auto& v : *c) {
      map.sources_content.push_back(v.is_string() ? std::optional(v.get<std::string>())
                                                  : std::nullopt);
    }
    map.sources_content.resize(map.sources.size());
  }
  auto lines = decode_mappings_of(*j, limits);
  if (!lines) return fail(lines.error());
  map.lines = std::move(*lines);
  return map;
}

std::string encode(const SourceMap& map) {
  // Written by hand so the field order is the conventional one.
  std::string out = R"({"version":3)";
  if (!map.file.empty()) out += ",\"file\":" + json(map.file).dump();
  out += ",\"sources\":" + json(map.sources).dump();
  if (!map.sources_content.empty()) {
    json content = json::array();
    for (const auto& c : map.sources_content) content.push_back(c ? json(*c) : json(nullptr));
    out += ",\"sourcesContent\":" + content.dump();
  }
  out += ",\"names\":" + json(map.names).dump();
  out += ",\"mappings\":" + json(encode_mappings(map.lines)).dump() + "}";
  return out;
}

std::optional<Position> lookup(const SourceMap& map, int line, int column) {
  if (line < 0 || size_t(line) >= map.lines.size()) return std::nullopt;
  const Line& l = map.lines[size_t(line)];
  auto it = std::upper_bound(l.begin(), l.end(), column,
                             [](int c, const Segment& s) { return c < s.column; });
  if (it == l.begin()) return std::nullopt;
  const Segment& s = *std::prev(it);
  if (s.source < 0) return std::nullopt;
  Position p;
  p.source = map.sources[size_t(s.source)];
  p.line = s.line;
  p.column = s.source_column;
  if (s.name >= 0) p.name = map.names[size_t(s.name)];
  return p;
}

Result<std::optional<Position>> lookup(std::string_view map_json, int line, int column) {
  auto map = decode(map_json);
  if (!map) return fail(map.error());
  return lookup(*map, line, column);
}

size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += c >= 0xF0 ? 2 : 1;            // 4-byte sequences are surrogate pairs
  }
  return n;
}

std::pair<int, int> line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  int line = int(std::count(before.begin(), before.end(), '\n'));
  size_t start = before.rfind('\n');
  start = start == before.npos ? 0 : start + 1;
  return {line, int(utf16_length(before.substr(start)))};
}

Result<std::string> shift_for_edits(std::string_view map_json, std::string_view generated,
                                    const std::vector<TextEdit>& edits,
                                    std::optional<std::string_view> file) {
  // Only "mappings" changes: it is decoded, shifted and spliced back; every
  // other member (sourcesContent above all) is kept byte for byte.
  auto members = json_members(map_json);
  if (!members) return fail(members.error());
  auto mappings = string_member(*members, "mappings");
  if (!mappings) return fail("the source map has no \"mappings\" string");
  auto col_edits = column_edits(generated, edits);
  if (!col_edits) return fail(col_edits.error());
  auto lines = decode_mappings(*mappings, array_size(*members, "sources"),
                               array_size(*members, "names"));
  if (!lines) return fail(lines.error());
  const auto& ce = *col_edits;
  for (size_t i = 0; i < ce.size();) {
    size_t k = i;
    while (k < ce.size() && ce[k].line == ce[i].line) ++k;
    if (size_t(ce[i].line) < lines->size()) {
      shift_line((*lines)[size_t(ce[i].line)], ce.data() + i, ce.data() + k);
    }
    i = k;
  }
  // Base64 digits, ',' and ';' need no escaping.
  std::map<std::string, std::string> values = {{"mappings", "\"" + encode_mappings(*lines) + "\""}};
  if (file && string_member(*members, "file") != *file) values["file"] = nlohmann::json(*file).dump();
  return members->with(values);
}

std::optional<std::string> file_field(std::string_view map_json) {
  auto members = util::json::Members::of(map_json);
  if (!members) return std::nullopt;
  return string_member(*members, "file");
}

Result<std::string> set_file(std::string_view map_json, std::string_view file) {
  auto members = json_members(map_json);
  if (!members) return fail(members.error());
  if (string_member(*members, "file") == file) return std::string(map_json);
  return members->with({{"file", nlohmann::json(file).dump()}});
}

Result<SourceMap> compose(const SourceMap& outer, const SourceMap& inner) {
  if (outer.sources.size() > 1) {
    return fail(fmt::format("the outer map names {} sources; composing needs exactly one",
                            outer.sources.size()));
  }
  SourceMap out;
  out.file = outer.file;
  out.sources = inner.sources;
  out.sources_content = inner.sources_content;
  std::vector<int32_t> name_index(inner.names.size() + outer.names.size(), -1);
  auto add_name = [&](size_t slot, const std::string& n) {
    if (name_index[slot] < 0) {
      name_index[slot] = int32_t(out.names.size());
      out.names.push_back(n);
    }
    return name_index[slot];
  };
  out.lines.resize(outer.lines.size());
  for (size_t li = 0; li < outer.lines.size(); ++li) {
    Line& dest = out.lines[li];
    for (const Segment& s : outer.lines[li]) {
      Segment traced{s.column};
      if (s.source >= 0 && size_t(s.line) < inner.lines.size()) {
        const Line& il = inner.lines[size_t(s.line)];
        auto it = std::upper_bound(il.begin(), il.end(), s.source_column,
                                   [](int c, const Segment& x) { return c < x.column; });
        if (it != il.begin() && std::prev(it)->source >= 0) {
          const Segment& in = *std::prev(it);
          traced.source = in.source;
          traced.line = in.line;
          traced.source_column = in.source_column;
          if (in.name >= 0) {
            traced.name = add_name(size_t(in.name), inner.names[size_t(in.name)]);
          } else if (s.name >= 0) {
            traced.name =
                add_name(inner.names.size() + size_t(s.name), outer.names[size_t(s.name)]);
          }
        }
      }
      // An unmapped segment only matters when it ends a mapped one.
      if (traced.source < 0 && (dest.empty() || dest.back().source < 0)) continue;
      dest.push_back(traced);
    }
  }
  return out;
}

Result<std::string> compose(std::string_view outer, std::string_view inner) {
  auto o = decode(outer);
  if (!o) return fail("outer map: " + o.error());
  auto i = decode(inner);
  if (!i) return fail("inner map: " + i.error());
  auto c = compose(*o, *i);
  if (!c) return fail(c.error());
  return encode(*c);
}

}  // namespace assetpipe::util::sourcemap
