#include "shard.h"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

using assetpipe::Asset;
using assetpipe::FileKind;

namespace {

// A tree shaped like the bench corpus: many small text files, some source
// maps, a few large images.
struct Tree {
  std::vector<Asset> assets;
  std::vector<uint64_t> costs;
};

Tree make_tree(unsigned seed) {
  std::mt19937 rng(seed);
  Tree t;
  auto add = [&](std::string path, FileKind kind, uint64_t size, uint64_t pixels, bool streamed) {
    Asset a;
    a.logical = std::move(path);
    a.kind = kind;
    a.input_size = size;
    a.streamed = streamed;
    t.costs.push_back(assetpipe::shard_cost(a, pixels));
    t.assets.push_back(std::move(a));
  };
  for (int i = 0; i < 3000; ++i) add("svgs/icon" + std::to_string(i) + ".svg", FileKind::Svg, 200 + rng() % 2000, 0, false);
  for (int i = 0; i < 40; ++i) add("js/m" + std::to_string(i) + ".js", FileKind::Js, 1000 + rng() % 300000, 0, false);
  for (int i = 0; i < 20; ++i) add("js/m" + std::to_string(i) + ".js.map", FileKind::SourceMap, 1000 + rng() % 900000, 0, false);
  for (int i = 0; i < 8; ++i) add("img/p" + std::to_string(i) + ".jpg", FileKind::Jpeg, 500000, 2000000 + rng() % 6000000, false);
  for (int i = 0; i < 30; ++i) add("fonts/f" + std::to_string(i) + ".woff2", FileKind::Other, 100000, 0, true);
  return t;
}

std::vector<std::vector<char>> slices(const Tree& t, unsigned n) {
  std::vector<std::vector<char>> out;
  for (unsigned i = 1; i <= n; ++i) out.push_back(assetpipe::shard_slice(t.assets, t.costs, i, n));
  return out;
}

}  // namespace

TEST(Shard, EveryFileIsInExactlyOneShard) {
  Tree t = make_tree(1);
  for (unsigned n : {1u, 2u, 3u, 4u, 8u, 64u}) {
    auto s = slices(t, n);
    for (size_t f = 0; f < t.assets.size(); ++f) {
      int owners = 0;
      for (const auto& slice : s) owners += slice[f];
      ASSERT_EQ(owners, 1) << t.assets[f].logical << " with N=" << n;
    }
  }
  EXPECT_EQ(assetpipe::shard_slice(t.assets, t.costs, 1, 0), std::vector<char>(t.assets.size(), 0));
}

TEST(Shard, CostsAreBalancedAndFreeFilesDealtEvenly) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Tree t = make_tree(seed);
    uint64_t total = 0, largest = 0;
    for (uint64_t c : t.costs) total += c, largest = std::max(largest, c);
    for (unsigned n : {2u, 3u, 4u}) {
      auto s = slices(t, n);
      std::vector<uint64_t> load(n, 0);
      std::vector<size_t> streamed(n, 0);
      for (unsigned k = 0; k < n; ++k) {
        for (size_t f = 0; f < t.assets.size(); ++f) {
          if (!s[k][f]) continue;
          load[k] += t.costs[f];
          streamed[k] += t.assets[f].streamed;
        }
      }
      auto [lo, hi] = std::minmax_element(load.begin(), load.end());
      // Within a few percent of each other (here, where no file is a large
      // part of the whole).
      EXPECT_LT(double(*hi - *lo), 0.03 * double(total) / n) << "seed " << seed << " N=" << n;
      auto [slo, shi] = std::minmax_element(streamed.begin(), streamed.end());
      EXPECT_LE(*shi - *slo, 1u);
    }
  }
}

TEST(Shard, TheSliceDependsOnPathsAndCostsNotOnOrder) {
  Tree t = make_tree(5);
  auto before = slices(t, 4);
  // The same tree listed in another order: each file stays in its shard.
  std::vector<size_t> perm(t.assets.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), std::mt19937(9));
  Tree shuffled;
  for (size_t i : perm) {
    shuffled.assets.push_back(t.assets[i]);
    shuffled.costs.push_back(t.costs[i]);
  }
  auto after = slices(shuffled, 4);
  for (size_t k = 0; k < perm.size(); ++k) {
    for (unsigned s = 0; s < 4; ++s) ASSERT_EQ(after[s][k], before[s][perm[k]]) << k;
  }
}

TEST(Shard, CostFollowsTheWork) {
  Asset text, map, media;
  text.kind = FileKind::Js, text.input_size = 1000;
  map.kind = FileKind::SourceMap, map.input_size = 1000;
  media.kind = FileKind::Other, media.input_size = 1 << 30, media.streamed = true;
  EXPECT_GT(assetpipe::shard_cost(text, 0), 10 * assetpipe::shard_cost(map, 0));
  EXPECT_EQ(assetpipe::shard_cost(media, 0), 0u);
  Asset photo;
  photo.kind = FileKind::Jpeg, photo.input_size = 500000;
  EXPECT_EQ(assetpipe::shard_cost(photo, 4000000), 2 * assetpipe::shard_cost(photo, 2000000));
}
