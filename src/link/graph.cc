#include "link/graph.h"

#include <algorithm>
#include <limits>

namespace assetpipe::link {
namespace {

constexpr size_t kUnvisited = std::numeric_limits<size_t>::max();

struct Frame {
  size_t node;
  size_t next_edge;
};

}  // namespace

Components strongly_connected_components(const Graph& edges) {
  size_t n = edges.size();
  std::vector<size_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  std::vector<Frame> frames;
  Components out;
  out.component_of.assign(n, kUnvisited);
  size_t counter = 0;

  for (size_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    frames.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      size_t v = f.node;
      if (f.next_edge < edges[v].size()) {
        size_t w = edges[v][f.next_edge++];
        if (index[w] == kUnvisited) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});  // `f` is invalid from here
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::vector<size_t> members;
        size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          out.component_of[w] = out.members.size();
          members.push_back(w);
        } while (w != v);
        std::sort(members.begin(), members.end());
        out.members.push_back(std::move(members));
      }
      frames.pop_back();
      if (!frames.empty()) {
        size_t parent = frames.back().node;
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }

  out.level.assign(out.members.size(), 0);
  for (size_t c = 0; c < out.members.size(); ++c) {  // leaves first: targets already levelled
    for (size_t v : out.members[c]) {
      for (size_t w : edges[v]) {
        size_t t = out.component_of[w];
        if (t != c) out.level[c] = std::max(out.level[c], out.level[t] + 1);
      }
    }
  }
  return out;
}

bool is_cycle(const Graph& edges, const std::vector<size_t>& members) {
  if (members.size() > 1) return true;
  for (size_t w : edges[members[0]]) {
    if (w == members[0]) return true;
  }
  return false;
}

}  // namespace assetpipe::link
