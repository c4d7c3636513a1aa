// The cache's parts (src/cache/): keys over tagged fields, checked entries,
// the local folder (atomic writes, LRU trim, many writers), the facade's
// rule that a bad entry is a miss with one warning.
#include <sys/stat.h>
#include <utime.h>

#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xxhash.h>

#include "cache/cache.h"
#include "cache/entry.h"
#include "cache/key.h"
#include "cache/local_store.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace assetpipe;
using namespace assetpipe::test;
using ::testing::HasSubstr;

namespace {

std::string key_of(std::initializer_list<std::pair<std::string, std::string>> fields) {
  cache::Key k("test");
  for (const auto& [tag, value] : fields) k.add(tag, value);
  return k.hex();
}

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

TEST(CacheKey, SameFieldsSameKeyAndEveryFieldCounts) {
  std::string k = key_of({{"a", "x"}, {"b", "y"}});
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(k, key_of({{"a", "x"}, {"b", "y"}}));
  EXPECT_NE(k, key_of({{"a", "x"}, {"b", "z"}}));
  EXPECT_NE(k, key_of({{"b", "y"}, {"a", "x"}}));     // order is part of it
  EXPECT_NE(key_of({{"ab", "c"}}), key_of({{"a", "bc"}}));  // tags and values are delimited
  EXPECT_NE(key_of({{"a", "bc"}}), key_of({{"a", "b"}, {"", "c"}}));
  cache::Key other("other-stage");
  other.add("a", "x").add("b", "y");
  EXPECT_NE(k, other.hex());  // the stage is in every key
}

TEST(CacheKey, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(cache::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CacheEntry, RoundTripsBinaryFields) {
  std::string key = key_of({{"k", "1"}});
  cache::Entry e;
  e.set("bytes", all_bytes());
  e.set("empty", "");
  e.set("notes", cache::pack_list({"one", "", std::string("t\0o", 3)}));
  auto back = cache::decode(key, cache::encode(key, e));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->get("bytes"), all_bytes());
  EXPECT_EQ(back->get("empty"), "");
  EXPECT_FALSE(back->get("missing").has_value());
  auto notes = cache::unpack_list(*back->get("notes"));
  ASSERT_TRUE(notes.ok());
  EXPECT_EQ(*notes, (std::vector<std::string>{"one", "", std::string("t\0o", 3)}));
}

TEST(CacheEntry, BytesAreTheDocumentedLayout) {
  // entry.h: "assetpipe-cache\n" <format u32> <key> <count u32>
  // { <name length u32> <name> <value length u64> <value> }* <XXH3-128>, little-endian.
  std::string key(64, 'a');
  cache::Entry e;
  e.set("n", "xyz");
  std::string expected = std::string("assetpipe-cache\n") + std::string("\x01\0\0\0", 4) + key +
                         std::string("\x01\0\0\0", 4) + std::string("\x01\0\0\0", 4) + "n" +
                         std::string("\x03\0\0\0\0\0\0\0", 8) + "xyz";
  XXH128_hash_t h = XXH3_128bits(expected.data(), expected.size());
  for (uint64_t half : {h.low64, h.high64}) {
    for (int i = 0; i < 8; ++i) expected.push_back(static_cast<char>((half >> (8 * i)) & 0xff));
  }
  EXPECT_EQ(cache::encode(key, e), expected);
  std::string streamed;
  cache::encode_to(key, e, [&](std::string_view piece) { streamed.append(piece); });
  EXPECT_EQ(streamed, expected);
}

TEST(CacheEntry, CorruptTruncatedOrForeignEntriesAreRefused) {
  std::string key = key_of({{"k", "1"}}), other = key_of({{"k", "2"}});
  cache::Entry e;
  e.set("bytes", all_bytes());
  std::string good = cache::encode(key, e);
  ASSERT_TRUE(cache::decode(key, good).ok());
  EXPECT_THAT(cache::decode(other, good).error(), HasSubstr("another key"));
  for (size_t at : {size_t{0}, size_t{20}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x40);
    EXPECT_FALSE(cache::decode(key, bad).ok()) << "flipped byte " << at;
  }
  for (size_t n : {size_t{0}, size_t{10}, good.size() - 17, good.size() - 1}) {
    EXPECT_FALSE(cache::decode(key, good.substr(0, n)).ok()) << "truncated to " << n;
  }
  EXPECT_FALSE(cache::decode(key, "hello").ok());
}

TEST(CacheEntry, DiagnosticsRoundTrip) {
  std::vector<Diagnostic> d = {{Severity::Warning, "a.js", 3, 7, "msg"},
                               {Severity::Note, "b.png", 0, 0, "note"}};
  auto back = cache::unpack_diagnostics(cache::pack_diagnostics(d));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].format(), d[0].format());
  EXPECT_EQ((*back)[1].format(), d[1].format());
}

TEST(CacheLocalStore, PutGetMissAndLayout) {
  TempDir tmp;
  cache::LocalStore store(tmp / "c");
  std::string key = key_of({{"k", "layout"}});
  auto miss = store.get(key);
  ASSERT_TRUE(miss.ok());
  EXPECT_FALSE(miss->has_value());
  ASSERT_TRUE(store.put(key, all_bytes()).ok());
  auto hit = store.get(key);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ(**hit, all_bytes());
  EXPECT_TRUE(fs::is_regular_file(tmp / "c" / "v1" / key.substr(0, 2) / key));
  EXPECT_THAT(read(tmp / "c/CACHEDIR.TAG"), HasSubstr("Signature: 8a477f597d28d172789f06886806bc55"));
  EXPECT_EQ(store.usage().entries, 1u);
}

TEST(CacheLocalStore, TrimRemovesTheLeastRecentlyUsedFirst) {
  TempDir tmp;
  cache::LocalStore store(tmp / "c");
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) {
    keys.push_back(key_of({{"k", std::to_string(i)}}));
    ASSERT_TRUE(store.put(keys.back(), std::string(1000, 'x')).ok());
    // Used at t = 1000 + i seconds: key 0 is the oldest.
    struct utimbuf t{1000 + i, 1000 + i};
    ::utime(store.path_of(keys.back()).c_str(), &t);
  }
  // Reading key 0 makes it the most recently used.
  ASSERT_TRUE(store.get(keys[0]).ok());
  auto u = store.trim(2500);
  EXPECT_EQ(u.removed, 3u);
  EXPECT_EQ(u.entries, 2u);
  EXPECT_LE(u.bytes, 2500u);
  EXPECT_TRUE(fs::exists(store.path_of(keys[0])));
  EXPECT_TRUE(fs::exists(store.path_of(keys[4])));
  for (int i : {1, 2, 3}) EXPECT_FALSE(fs::exists(store.path_of(keys[i]))) << i;
  EXPECT_EQ(store.clean().removed, 2u);
  EXPECT_EQ(store.usage().entries, 0u);
}

TEST(CacheLocalStore, TrimListsTheEntriesOnlyWhenTheEstimateNearsTheLimit) {
  TempDir tmp;
  auto build = [&](int first, int count, uint64_t max_bytes) {  // one build: puts, then trims
    cache::LocalStore store(tmp / "c");
    for (int i = first; i < first + count; ++i) {
      EXPECT_TRUE(store.put(key_of({{"k", std::to_string(i)}}), std::string(1000, 'x')).ok());
    }
    return store.trim(max_bytes);
  };
  auto first = build(0, 3, 100000);  // no record yet: a listing
  EXPECT_EQ(first.entries, 3u);
  EXPECT_EQ(read(tmp / "c/usage"), "3 3000 0\n");
  // Under 90% of the limit: the record plus this build's puts, no listing.
  auto second = build(3, 2, 100000);
  EXPECT_EQ(second.entries, 5u);
  EXPECT_EQ(second.bytes, 5000u);
  EXPECT_EQ(read(tmp / "c/usage"), "5 5000 1\n");
  // An entry that came another way is seen at the next listing: over 90% of
  // a lower limit, the build lists, trims and records what it found.
  ASSERT_TRUE(cache::LocalStore(tmp / "c").put(key_of({{"k", "other"}}), std::string(500, 'y')).ok());
  auto third = build(5, 1, 6000);
  EXPECT_EQ(third.entries, 6u);  // 5 + 1 of this build = 6000 bytes; 7 entries, 6500 bytes, found
  EXPECT_EQ(third.removed, 1u);
  EXPECT_LE(third.bytes, 6000u);
  EXPECT_EQ(read(tmp / "c/usage"), fmt::format("6 {} 0\n", third.bytes));
  // At most 50 builds in a row without a listing.
  for (int b = 1; b < 50; ++b) build(1000 + b, 0, 1u << 30);
  EXPECT_EQ(read(tmp / "c/usage"), fmt::format("6 {} 49\n", third.bytes));
  build(2000, 0, 1u << 30);
  EXPECT_EQ(read(tmp / "c/usage"), fmt::format("6 {} 0\n", third.bytes));
  cache::LocalStore(tmp / "c").clean();
  EXPECT_EQ(read(tmp / "c/usage"), "0 0 0\n");
}

TEST(CacheLocalStore, ManyWritersOfTheSameKeysAtOnce) {
  TempDir tmp;
  cache::LocalStore store(tmp / "c");
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) keys.push_back(key_of({{"k", std::to_string(i)}}));
  auto value = [](int i) { return std::string(10000 + i, static_cast<char>('a' + i)); };
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 20; ++i) {
          if (!store.put(keys[i], value(i)).ok()) ++bad;
          auto got = store.get(keys[i]);
          if (!got.ok() || (got->has_value() && **got != value(i))) ++bad;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store.usage().entries, 20u);  // no temporary file left behind
}

TEST(CacheFacade, ABadEntryIsAMissWithOneWarning) {
  TempDir tmp;
  std::vector<std::string> warnings;
  cache::Cache c(std::make_unique<cache::LocalStore>(tmp / "c"), nullptr, false,
                 [&](const std::string& w) { warnings.push_back(w); });
  std::string k1 = key_of({{"k", "1"}}), k2 = key_of({{"k", "2"}});
  cache::Entry e;
  e.set("bytes", "result");
  c.put(cache::Stage::Compress, k1, e);
  c.put(cache::Stage::Compress, k2, e);
  auto hit = c.get(cache::Stage::Compress, k1);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->get("bytes"), "result");
  EXPECT_STREQ(cache::Cache::last_source(), "local");
  // Corrupt both on disk: each is a miss, one warning in all.
  for (const auto& k : {k1, k2}) {
    fs::path p = c.local()->path_of(k);
    std::string bytes = read(p);
    bytes[bytes.size() / 2] ^= 1;
    write(p, bytes);
  }
  EXPECT_FALSE(c.get(cache::Stage::Compress, k1).has_value());
  EXPECT_FALSE(c.get(cache::Stage::Compress, k2).has_value());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("checksum"));
  auto s = c.stats();
  EXPECT_EQ(s.compress.local_hits, 1u);
  EXPECT_EQ(s.compress.misses, 2u);
}

TEST(CacheDefaultDir, BesideTheNearestPackageJsonElseXdg) {
  TempDir tmp;
  write(tmp / "proj/package.json", "{}");
  fs::create_directories(tmp / "proj/dist/sub");
  EXPECT_EQ(cache::default_dir(tmp / "proj/dist/sub"),
            fs::weakly_canonical(tmp / "proj") / "node_modules/.cache/assetpipe");
  fs::create_directories(tmp / "lone/dist");
  // No package.json above a folder in the temporary folder: XDG_CACHE_HOME.
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_CACHE_HOME", (tmp / "xdg").c_str(), 1);
  fs::path got = cache::default_dir(tmp / "lone/dist");
  if (old) ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else ::unsetenv("XDG_CACHE_HOME");
  if (!fs::exists("/tmp/package.json") && !fs::exists("/package.json")) {
    EXPECT_EQ(got, tmp / "xdg/assetpipe");
  }
}

}  // namespace
