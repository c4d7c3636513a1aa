#include "util/sourcemap.h"

#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sm = assetpipe::util::sourcemap;
using nlohmann::json;

namespace {

// A generated text whose every word is mapped to (source "orig.js", line 100 + its
// line, column 1000 + its index on the line) and named after itself.
struct Tokens {
  std::string text;
  sm::SourceMap map;
  struct Token {
    size_t offset;
    std::string word;
    sm::Position original;
  };
  std::vector<Token> tokens;
};

Tokens make_tokens(const std::vector<std::vector<std::string>>& lines) {
  Tokens t;
  t.map.sources = {"orig.js"};
  for (size_t l = 0; l < lines.size(); ++l) {
    if (l) t.text += '\n';
    t.map.lines.emplace_back();
    size_t line_start = t.text.size();
    for (size_t w = 0; w < lines[l].size(); ++w) {
      if (w) t.text += ' ';
      const std::string& word = lines[l][w];
      size_t offset = t.text.size();
      int col = int(sm::utf16_length(std::string_view(t.text).substr(line_start)));
      t.map.names.push_back(word);
      sm::Segment s{col, 0, int(100 + l), int(1000 + w), int(t.map.names.size() - 1)};
      t.map.lines.back().push_back(s);
      t.tokens.push_back({offset, word, {"orig.js", int(100 + l), int(1000 + w), word}});
      t.text += word;
    }
  }
  return t;
}

std::optional<sm::Position> lookup_at(const std::string& map_json, std::string_view text,
                                      size_t offset) {
  auto [line, col] = sm::line_column(text, offset);
  auto r = sm::lookup(map_json, line, col);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : std::nullopt;
}

std::string apply_edits(std::string text, const std::vector<sm::TextEdit>& edits) {
  for (auto it = edits.rbegin(); it != edits.rend(); ++it) {
    text.replace(it->offset, it->old_length, it->replacement);
  }
  return text;
}

// Offset of token `i` after the edits (tokens never start inside an edit here).
size_t moved_offset(size_t offset, const std::vector<sm::TextEdit>& edits) {
  int64_t delta = 0;
  for (const auto& e : edits) {
    if (e.offset + e.old_length <= offset) {
      delta += int64_t(e.replacement.size()) - int64_t(e.old_length);
    }
  }
  return size_t(int64_t(offset) + delta);
}

}  // namespace

TEST(SourceMap, DecodesKnownMappings) {
  // "AAAA" = [0,0,0,0]; "IAAM" = [4,0,0,6]; "CACA" = [1,0,1,0]; "D" = -1; "gB" = 16.
  auto lines = sm::decode_mappings("AAAA,IAAM;;CACA,gBAAD", 1, 0);
  ASSERT_TRUE(lines.ok()) << lines.error();
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0], (sm::Line{{0, 0, 0, 0}, {4, 0, 0, 6}}));
  EXPECT_TRUE((*lines)[1].empty());
  EXPECT_EQ((*lines)[2], (sm::Line{{1, 0, 1, 6}, {17, 0, 1, 5}}));
  EXPECT_EQ(sm::encode_mappings(*lines), "AAAA,IAAM;;CACA,gBAAD");
}

TEST(SourceMap, RoundTripsLargeValuesAndNames) {
  sm::SourceMap m;
  m.sources = {"a.js", "b.js"};
  m.names = {"x", "y"};
  m.lines = {{{0, 1, 70000, 123456, 1}, {9, 0, 3, 2, 0}, {12}}, {}, {{5, 1, 0, 0}}};
  auto back = sm::decode(sm::encode(m));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->lines, m.lines);
  EXPECT_EQ(back->sources, m.sources);
  EXPECT_EQ(back->names, m.names);
  EXPECT_EQ(sm::encode(*back), sm::encode(m));  // deterministic
}

TEST(SourceMap, AppliesSourceRoot) {
  auto m = sm::decode(R"({"version":3,"sourceRoot":"src/","sources":["a.ts"],"names":[],)"
                      R"("mappings":"AAAA"})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->sources, std::vector<std::string>{"src/a.ts"});
}

TEST(SourceMap, RejectsBrokenMaps) {
  EXPECT_FALSE(sm::decode("not json").ok());
  EXPECT_FALSE(sm::decode("[1,2]").ok());
  EXPECT_FALSE(sm::decode(R"({"version":3,"sources":[]})").ok());
  EXPECT_FALSE(sm::decode(R"({"version":2,"sources":[],"mappings":""})").ok());
  auto bad_char = sm::decode(R"({"version":3,"sources":["a"],"mappings":"AA!A"})");
  ASSERT_FALSE(bad_char.ok());
  EXPECT_NE(bad_char.error().find("invalid character"), std::string::npos);
  // Source index 1 of 1 source.
  EXPECT_FALSE(sm::decode(R"({"version":3,"sources":["a"],"mappings":"ACAA"})").ok());
  // A name index without names.
  EXPECT_FALSE(sm::decode(R"({"version":3,"sources":["a"],"names":[],"mappings":"AAAAA"})").ok());
  // Two or three fields.
  EXPECT_FALSE(sm::decode(R"({"version":3,"sources":["a"],"mappings":"AA"})").ok());
  // A VLQ cut in the middle.
  EXPECT_FALSE(sm::decode(R"({"version":3,"sources":["a"],"mappings":"g"})").ok());
  EXPECT_FALSE(sm::decode(R"({"version":3,"sections":[]})").ok());
}

TEST(SourceMap, LookupFindsLastSegmentAtOrBefore) {
  sm::SourceMap m;
  m.sources = {"a.js"};
  m.names = {"n"};
  m.lines = {{{2, 0, 5, 7, 0}, {6}, {9, 0, 6, 1}}};
  EXPECT_FALSE(sm::lookup(m, 0, 1).has_value());
  EXPECT_EQ(sm::lookup(m, 0, 2), (sm::Position{"a.js", 5, 7, "n"}));
  EXPECT_EQ(sm::lookup(m, 0, 5), (sm::Position{"a.js", 5, 7, "n"}));
  EXPECT_FALSE(sm::lookup(m, 0, 6).has_value());  // unmapped segment ends it
  EXPECT_EQ(sm::lookup(m, 0, 100), (sm::Position{"a.js", 6, 1, ""}));
  EXPECT_FALSE(sm::lookup(m, 1, 0).has_value());
  EXPECT_FALSE(sm::lookup(m, -1, 0).has_value());
}

TEST(SourceMap, Utf16Columns) {
  EXPECT_EQ(sm::utf16_length("abc"), 3u);
  EXPECT_EQ(sm::utf16_length("\xC3\xA9"), 1u);          // é
  EXPECT_EQ(sm::utf16_length("\xE2\x82\xAC"), 1u);      // €
  EXPECT_EQ(sm::utf16_length("\xF0\x9F\x98\x80"), 2u);  // 😀: a surrogate pair
  std::string text = "ab\n\xC3\xA9\xF0\x9F\x98\x80x";
  EXPECT_EQ(sm::line_column(text, 0), (std::pair<int, int>{0, 0}));
  EXPECT_EQ(sm::line_column(text, 3), (std::pair<int, int>{1, 0}));
  EXPECT_EQ(sm::line_column(text, text.size() - 1), (std::pair<int, int>{1, 3}));
}

TEST(SourceMap, ShiftKeepsEveryTokenOnItsOriginal) {
  auto t = make_tokens({{"import", "a", "from", "\"./x.js\";", "call(a);"},
                        {"url(\"img.png\")", "after", "tail"},
                        {"untouched", "line"}});
  std::string map = sm::encode(t.map);
  // Lengthen "./x.js" (line 0) and shorten "img.png" (line 1) to hashed names.
  size_t x = t.text.find("./x.js"), img = t.text.find("img.png");
  std::vector<sm::TextEdit> edits = {{x, 6, "./x.0123456789.js"}, {img, 7, "i.png"}};
  auto shifted = sm::shift_for_edits(map, t.text, edits);
  ASSERT_TRUE(shifted.ok()) << shifted.error();
  std::string edited = apply_edits(t.text, edits);
  for (const auto& tok : t.tokens) {
    size_t at = moved_offset(tok.offset, edits);
    if (tok.word.find("x.js") == std::string::npos && tok.word.find("img") == std::string::npos) {
      ASSERT_EQ(edited.compare(at, tok.word.size(), tok.word), 0) << tok.word;
    }
    EXPECT_EQ(lookup_at(*shifted, edited, at), tok.original) << tok.word;
  }
}

TEST(SourceMap, ShiftCountsUtf16AndMovesSegmentsInsideAnEditToItsStart) {
  // é is 2 bytes / 1 unit, 😀 is 4 bytes / 2 units: byte and UTF-16 shifts differ.
  auto t = make_tokens({{"\xC3\xA9t\xC3\xA9", "\"a\xF0\x9F\x98\x80.css\"", "z\xC3\xA9", "end"}});
  // Map an extra segment in the middle of the string that gets replaced.
  size_t str = t.text.find("\"a") + 1;
  auto [l, c] = sm::line_column(t.text, str + 1);
  t.map.lines[0].push_back({c, 0, 7, 7});
  std::stable_sort(t.map.lines[0].begin(), t.map.lines[0].end(),
                   [](auto& a, auto& b) { return a.column < b.column; });
  std::string old = "a\xF0\x9F\x98\x80.css";
  std::vector<sm::TextEdit> edits = {{str, old.size(),
                                      "a\xF0\x9F\x98\x80.\xE2\x82\xAC"
                                      "12345.css"}};
  auto shifted = sm::shift_for_edits(sm::encode(t.map), t.text, edits);
  ASSERT_TRUE(shifted.ok()) << shifted.error();
  std::string edited = apply_edits(t.text, edits);
  for (const auto& tok : t.tokens) {
    EXPECT_EQ(lookup_at(*shifted, edited, moved_offset(tok.offset, edits)), tok.original)
        << tok.word;
  }
  // The segment that was inside the replaced span now sits at its start.
  auto m = sm::decode(*shifted);
  ASSERT_TRUE(m.ok());
  auto [line, col] = sm::line_column(edited, str);
  EXPECT_EQ(sm::lookup(*m, line, col), (sm::Position{"orig.js", 7, 7, ""}));
  // Other fields are kept.
  auto j = json::parse(*shifted);
  EXPECT_EQ(j["names"].size(), t.map.names.size());
}

TEST(SourceMap, ShiftManyRandomEditsOnOneLine) {
  std::mt19937 rng(42);
  std::vector<std::string> words;
  for (int i = 0; i < 200; ++i)
    words.push_back("w" + std::to_string(i) + std::string(rng() % 5, 'x'));
  auto t = make_tokens({words, words});
  std::vector<sm::TextEdit> edits;
  // Replace every third token of the first line, with random lengths.
  for (size_t i = 0; i < words.size(); i += 3) {
    const auto& tok = t.tokens[i];
    edits.push_back({tok.offset, tok.word.size(), std::string(1 + rng() % 30, 'r')});
  }
  auto shifted = sm::shift_for_edits(sm::encode(t.map), t.text, edits);
  ASSERT_TRUE(shifted.ok()) << shifted.error();
  std::string edited = apply_edits(t.text, edits);
  for (size_t i = 0; i < t.tokens.size(); ++i) {
    const auto& tok = t.tokens[i];
    // Replaced tokens keep their segment at their start too.
    EXPECT_EQ(lookup_at(*shifted, edited, moved_offset(tok.offset, edits)), tok.original) << i;
  }
}

TEST(SourceMap, ShiftRejectsBadEdits) {
  auto t = make_tokens({{"a", "bb"}, {"c"}});
  std::string map = sm::encode(t.map);
  EXPECT_FALSE(sm::shift_for_edits(map, t.text, {{2, 5, "x"}}).ok());              // spans \n
  EXPECT_FALSE(sm::shift_for_edits(map, t.text, {{0, 1, "x\ny"}}).ok());           // adds \n
  EXPECT_FALSE(sm::shift_for_edits(map, t.text, {{2, 2, "x"}, {1, 1, ""}}).ok());  // unsorted
  EXPECT_FALSE(sm::shift_for_edits(map, t.text, {{2, 2, "x"}, {3, 1, ""}}).ok());  // overlap
  EXPECT_FALSE(sm::shift_for_edits(map, t.text, {{100, 1, ""}}).ok());             // outside
  EXPECT_FALSE(sm::shift_for_edits("{}", t.text, {}).ok());
  auto none = sm::shift_for_edits(map, t.text, {});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(json::parse(*none)["mappings"], json::parse(map)["mappings"]);
}

TEST(SourceMap, ShiftSetsTheFileInTheSamePass) {
  auto t = make_tokens({{"import", "\"./x.js\";"}});
  std::string map = sm::encode(t.map);
  size_t x = t.text.find("./x.js");
  std::vector<sm::TextEdit> edits = {{x, 6, "./x.0123456789.js"}};
  auto alone = sm::shift_for_edits(map, t.text, edits);
  auto named = sm::shift_for_edits(map, t.text, edits, "main.0123456789.js");
  ASSERT_TRUE(alone.ok() && named.ok());
  // The same as shifting, then setting the file.
  EXPECT_EQ(*named, *sm::set_file(*alone, "main.0123456789.js"));
  EXPECT_EQ(json::parse(*named)["file"], "main.0123456789.js");
  // A map that already names the file keeps that member as it was.
  auto again = sm::shift_for_edits(*named, apply_edits(t.text, edits), {},
                                   "main.0123456789.js");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *named);
}

TEST(SourceMap, SetFileKeepsOtherFields) {
  std::string in =
      R"({"version":3,"sources":["a.js"],"x_custom":[1],"names":[],"mappings":"AAAA"})";
  auto out = sm::set_file(in, "main.0123456789.js");
  ASSERT_TRUE(out.ok());
  auto j = json::parse(*out);
  EXPECT_EQ(j["file"], "main.0123456789.js");
  EXPECT_EQ(j["x_custom"], json::array({1}));
  EXPECT_EQ(j["mappings"], "AAAA");
  EXPECT_FALSE(sm::set_file("nope", "x").ok());
}

TEST(SourceMap, ComposeTracesThroughTheIntermediate) {
  // original.ts:  line 3 "let total = price * count;"
  // bundle.js:    line 0 "var total = price * count;"  (same columns as original, other line)
  // bundle.min.js line 0 "var t=p*c;" t->col 4, p->col 6, c->col 8
  sm::SourceMap inner;
  inner.file = "bundle.js";
  inner.sources = {"../src/original.ts"};
  inner.sources_content = {std::string("\n\n\nlet total = price * count;\n")};
  inner.names = {"total", "price", "count"};
  inner.lines = {{{0, 0, 3, 0}, {4, 0, 3, 4, 0}, {12, 0, 3, 12, 1}, {20, 0, 3, 20, 2}}};
  sm::SourceMap outer;
  outer.file = "bundle.min.js";
  outer.sources = {"bundle.js"};
  outer.names = {"t", "p", "c"};
  outer.lines = {
      {{0, 0, 0, 0}, {4, 0, 0, 4, 0}, {6, 0, 0, 12, 1}, {8, 0, 0, 20, 2}, {9, 0, 0, 99}}};
  auto composed = sm::compose(sm::encode(outer), sm::encode(inner));
  ASSERT_TRUE(composed.ok()) << composed.error();
  auto m = sm::decode(*composed);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->file, "bundle.min.js");
  EXPECT_EQ(m->sources, inner.sources);
  EXPECT_EQ(m->sources_content, inner.sources_content);
  EXPECT_EQ(sm::lookup(*m, 0, 0), (sm::Position{"../src/original.ts", 3, 0, ""}));
  EXPECT_EQ(sm::lookup(*m, 0, 4), (sm::Position{"../src/original.ts", 3, 4, "total"}));
  EXPECT_EQ(sm::lookup(*m, 0, 6), (sm::Position{"../src/original.ts", 3, 12, "price"}));
  EXPECT_EQ(sm::lookup(*m, 0, 8), (sm::Position{"../src/original.ts", 3, 20, "count"}));
  // Column 99 of bundle.js falls after its last segment: still "count"'s segment.
  EXPECT_EQ(sm::lookup(*m, 0, 9), (sm::Position{"../src/original.ts", 3, 20, "count"}));
}

TEST(SourceMap, ComposeDropsWhatTheInnerMapDoesNotCover) {
  sm::SourceMap inner;
  inner.sources = {"o.js"};
  inner.lines = {{}, {{0, 0, 9, 9}}};
  sm::SourceMap outer;
  outer.sources = {"i.js"};
  outer.lines = {{{0, 0, 1, 0}, {3, 0, 0, 0}, {5, 0, 1, 2}}};
  auto m = sm::compose(outer, inner);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(sm::lookup(*m, 0, 2), (sm::Position{"o.js", 9, 9, ""}));
  EXPECT_FALSE(sm::lookup(*m, 0, 3).has_value());  // line 0 of i.js is unmapped
  EXPECT_EQ(sm::lookup(*m, 0, 5), (sm::Position{"o.js", 9, 9, ""}));
  outer.sources.push_back("j.js");
  EXPECT_FALSE(sm::compose(outer, inner).ok());
  EXPECT_FALSE(sm::compose("{}", sm::encode(inner)).ok());
}

// Hostile maps (random byte mutations of a real one) are refused or handled,
// never a crash; run under -DASSETPIPE_SANITIZE=ON this also checks memory.
TEST(SourceMap, SurvivesMutatedMaps) {
  auto t = make_tokens({{"alpha", "beta", "\xC3\xA9gamma"}, {"delta", "epsilon"}});
  std::string good = sm::encode(t.map);
  std::mt19937 rng(7);
  const std::string alphabet = "AZaz09+/,;\"{}[]:-gB\xC3\xFF";
  size_t refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = good;
    for (int k = 0, n = 1 + int(rng() % 4); k < n; ++k) {
      size_t at = rng() % m.size();
      m[at] = alphabet[rng() % alphabet.size()];
    }
    auto d = sm::decode(m);
    if (!d.ok()) {
      ++refused;
      EXPECT_FALSE(d.error().empty());
      continue;
    }
    for (int line = 0; line < 3; ++line) (void)sm::lookup(*d, line, int(rng() % 40));
    (void)sm::shift_for_edits(m, t.text, {{3, 2, "xyz"}});
    (void)sm::compose(m, good);
    (void)sm::compose(good, m);
  }
  EXPECT_GT(refused, 100u);
}

TEST(SourceMapLimits, LinesAndSegmentsAreBoundedByTheMappedFile) {
  sm::Limits limits = sm::limits_for("a\nb\n");  // 3 lines at most (one more than the text)
  EXPECT_EQ(limits.max_lines, 4u);
  EXPECT_TRUE(sm::decode_mappings("AAAA;AACA;", 1, 0, limits));
  auto lines = sm::decode_mappings(std::string(1000, ';'), 1, 0, limits);
  ASSERT_FALSE(lines);
  EXPECT_NE(lines.error().find("1001 generated lines"), std::string::npos) << lines.error();
  std::string many = "A";
  for (int i = 0; i < 100; ++i) many += ",C";
  auto segs = sm::decode_mappings(many, 1, 0, limits);
  ASSERT_FALSE(segs);
  EXPECT_NE(segs.error().find("segments"), std::string::npos) << segs.error();
  // The same mappings decode without limits.
  EXPECT_TRUE(sm::decode_mappings(many, 1, 0));
  auto map = sm::decode(R"({"version":3,"sources":["x"],"names":[],"mappings":";;;;;;"})", limits);
  EXPECT_FALSE(map);
}

TEST(SourceMap, FileFieldIsReadWithoutTheRest) {
  EXPECT_EQ(sm::file_field(R"({"version":3,"file":"app.js","sources":["a.ts"],"mappings":"AAAA"})"),
            "app.js");
  // webpack writes it last; nested objects before it are skipped.
  EXPECT_EQ(sm::file_field(R"({"version":3,"x_google":{"file":"no"},"sections":[{"file":"no"}],)"
                           R"("mappings":"","file":"bundle.js"})"),
            "bundle.js");
  EXPECT_EQ(sm::file_field(R"({"version":3,"mappings":""})"), std::nullopt);
  EXPECT_EQ(sm::file_field(R"({"file":7})"), std::nullopt);
  EXPECT_EQ(sm::file_field(R"(["file","x"])"), std::nullopt);
  EXPECT_EQ(sm::file_field("not json {"), std::nullopt);
  EXPECT_EQ(sm::file_field(""), std::nullopt);
}
