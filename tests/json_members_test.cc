#include "util/json_members.h"

#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace json = assetpipe::util::json;

namespace {

bool nlohmann_accepts(const std::string& s) { return nlohmann::json::accept(s); }

}  // namespace

TEST(JsonMembers, LocatesTopLevelValuesAndKeepsTheRestByteForByte) {
  std::string text = R"( { "version" : 3, "sources":["a.ts","b\"c.ts"],
    "sourcesContent": ["{ \"not\": [\"a member\"] }", null],
    "x": {"file": "nested, not top-level"}, "mappings": "AAAA;AACA" } )";
  auto m = json::Members::of(text);
  ASSERT_TRUE(m.ok()) << m.error();
  ASSERT_EQ(m->all().size(), 5u);
  EXPECT_EQ(*m->raw("version"), "3");
  EXPECT_EQ(*m->raw("sources"), R"(["a.ts","b\"c.ts"])");
  EXPECT_EQ(*m->raw("mappings"), R"("AAAA;AACA")");
  EXPECT_FALSE(m->raw("file"));  // only the nested object has one

  std::string edited = m->with({{"mappings", "\"CCCC\""}, {"file", "\"app.js\""}});
  auto j = nlohmann::json::parse(edited);
  EXPECT_EQ(j["mappings"], "CCCC");
  EXPECT_EQ(j["file"], "app.js");
  EXPECT_EQ(j["sourcesContent"][0], "{ \"not\": [\"a member\"] }");
  EXPECT_EQ(j["x"]["file"], "nested, not top-level");
  // Only the mappings' value and the added member differ from the input.
  std::string expected = text;
  expected.replace(expected.find("\"AAAA;AACA\""), 11, "\"CCCC\"");
  expected.insert(expected.find('{') + 1, "\"file\":\"app.js\",");
  EXPECT_EQ(edited, expected);
}

TEST(JsonMembers, AddsToAnEmptyObjectAndTheLastDuplicateWins) {
  auto empty = json::Members::of("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->with({{"file", "\"a\""}}), R"({"file":"a"})");
  std::string dup = R"({"file":"first","file":"second"})";
  auto m = json::Members::of(dup);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m->raw("file"), "\"second\"");
  EXPECT_EQ(m->with({{"file", "\"x\""}}), R"({"file":"first","file":"x"})");
  EXPECT_EQ(nlohmann::json::parse(dup)["file"], "second");  // as nlohmann reads it
  auto escaped = json::Members::of(R"({"fi\u006ce":"k"})");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(*escaped->raw("file"), "\"k\"");
}

TEST(JsonMembers, RefusesWhatIsNotAValidObject) {
  for (std::string bad :
       {"", "[]", "\"s\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":[1,]}",
        "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\tin string\"}", "{\"a\":\"unterminated}",
        "{\"a\":[}", "{\"a\":{\"b\" 1}}", "{'a':1}", "{\"a\":\"\xff\"}", "{\"a\":NaN}"}) {
    EXPECT_FALSE(json::Members::of(bad).ok()) << bad;
    EXPECT_FALSE(nlohmann_accepts(bad) && bad.front() == '{') << "nlohmann accepts " << bad;
  }
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(json::Members::of(deep).ok());  // refused, without overflowing the stack
  std::string fine = "{\"a\":" + std::string(400, '[') + std::string(400, ']') + "}";
  EXPECT_TRUE(json::Members::of(fine).ok());
}

// Agrees with nlohmann::json on what is a valid object, over random mutations
// of a realistic map.
TEST(JsonMembers, AgreesWithNlohmannOnMutatedMaps) {
  const std::string base =
      R"({"version":3,"file":"a.js","sources":["../src/a.ts"],"sourcesContent":["let x = \"\\u00e9\";\n"],)"
      R"("names":["x"],"mappings":"AAAA,IAAIA","x_num":[-1.5e+3,0,true,false,null,{}]})";
  const std::string alphabet = "{}[]\",:\\0123456789-+.eE tfnu\"a";
  std::mt19937 rng(7);
  int agreed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s = base;
    int edits = 1 + int(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(at, 1); break;
        case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: s[at] = alphabet[rng() % alphabet.size()];
      }
    }
    nlohmann::json j;
    bool theirs = false;
    try {
      j = nlohmann::json::parse(s);
      theirs = j.is_object();
    } catch (const nlohmann::json::out_of_range&) {
      continue;  // a number beyond a double: valid JSON that nlohmann refuses to hold
    } catch (const nlohmann::json::parse_error&) {
    }
    auto ours = json::Members::of(s);
    ASSERT_EQ(ours.ok(), theirs) << s;
    if (theirs) {
      ++agreed;
      for (auto it = j.begin(); it != j.end(); ++it) {
        auto raw = ours->raw(it.key());
        ASSERT_TRUE(raw) << it.key() << " in " << s;
        ASSERT_EQ(nlohmann::json::parse(*raw), it.value()) << s;
      }
    }
  }
  EXPECT_GT(agreed, 100);  // the mutations did not only break the text
}
