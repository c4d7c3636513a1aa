#include "link/graph.h"

#include <gtest/gtest.h>

#include <random>

namespace assetpipe::link {
namespace {

using Nested = std::vector<std::vector<size_t>>;

TEST(Rows, AppendedRowsReadBack) {
  Rows r;
  EXPECT_TRUE(r.empty());
  r.add_row(std::vector<int>{3, 1});
  r.end_row();  // an empty row
  r.push(7);
  r.end_row();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r.to_vectors(), (Nested{{3, 1}, {}, {7}}));
  EXPECT_EQ(r[2].size(), 1u);
  EXPECT_EQ(r[2][0], 7u);
}

TEST(Rows, ReversedListsWhoPointsAtEachRowInOrder) {
  Rows g = {{1, 2}, {2}, {}, {2, 0}};
  EXPECT_EQ(g.reversed(4).to_vectors(), (Nested{{3}, {0}, {0, 1, 3}, {}}));
  // Reversed twice: each row sorted, duplicates kept.
  Rows d = {{2, 2}, {0}, {}};
  EXPECT_EQ(d.reversed(3).reversed(3).to_vectors(), (Nested{{2, 2}, {0}, {}}));
}

TEST(StronglyConnectedComponents, LeavesFirstWithLevels) {
  // 0 -> 1 -> 2 -> 1 (cycle {1,2}), 0 -> 3, 4 alone, 5 -> 5 (self-loop)
  Graph g = {{1, 3}, {2}, {1}, {}, {}, {5}};
  Components c = strongly_connected_components(g);
  ASSERT_EQ(c.members.size(), 5u);
  // Every component comes after what it references.
  for (size_t k = 0; k < c.members.size(); ++k) {
    for (uint32_t v : c.members[k]) {
      EXPECT_EQ(c.component_of[v], k);
      for (uint32_t w : g[v]) EXPECT_LE(c.component_of[w], k);
    }
  }
  EXPECT_EQ(c.members[c.component_of[1]].size(), 2u);
  EXPECT_EQ(c.component_of[1], c.component_of[2]);
  EXPECT_EQ(c.level[c.component_of[3]], 0u);
  EXPECT_EQ(c.level[c.component_of[1]], 0u);
  EXPECT_EQ(c.level[c.component_of[0]], 1u);
  EXPECT_TRUE(is_cycle(g, c.members[c.component_of[1]]));
  EXPECT_TRUE(is_cycle(g, c.members[c.component_of[5]]));
  EXPECT_FALSE(is_cycle(g, c.members[c.component_of[4]]));
  EXPECT_FALSE(is_cycle(g, c.members[c.component_of[0]]));
}

// Against the transitive closure: two nodes share a component exactly when
// each reaches the other.
TEST(StronglyConnectedComponents, MatchesMutualReachabilityOnRandomGraphs) {
  std::mt19937 rng(14);
  for (int round = 0; round < 50; ++round) {
    size_t n = 1 + rng() % 12;
    Graph g;
    Nested edges(n);
    for (size_t v = 0; v < n; ++v) {
      for (size_t k = rng() % 4; k > 0; --k) edges[v].push_back(rng() % n);
      g.add_row(edges[v]);
    }
    std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
    for (size_t v = 0; v < n; ++v) {
      reach[v][v] = true;
      for (size_t w : edges[v]) reach[v][w] = true;
    }
    for (size_t k = 0; k < n; ++k)
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
          if (reach[i][k] && reach[k][j]) reach[i][j] = true;
    Components c = strongly_connected_components(g);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        EXPECT_EQ(c.component_of[i] == c.component_of[j], reach[i][j] && reach[j][i])
            << "round " << round << " nodes " << i << ", " << j;
      }
    }
  }
}

}  // namespace
}  // namespace assetpipe::link
