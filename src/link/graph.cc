#include "link/graph.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "assetpipe/error.h"

namespace assetpipe::link {

Rows::Rows(std::initializer_list<std::vector<size_t>> rows) {
  for (const auto& r : rows) add_row(r);
}

Rows Rows::reversed(size_t rows) const {
  std::vector<uint32_t> count(rows + 1, 0);
  for (uint32_t v : values_) ++count[v + 1];
  Rows out;
  out.starts_.resize(rows + 1);
  for (size_t r = 0; r < rows; ++r) out.starts_[r + 1] = out.starts_[r] + count[r + 1];
  out.values_.resize(values_.size());
  std::vector<uint32_t> fill(out.starts_.begin(), out.starts_.end() - 1);
  for (size_t r = 0; r < size(); ++r) {
    for (uint32_t v : (*this)[r]) out.values_[fill[v]++] = static_cast<uint32_t>(r);
  }
  return out;
}

std::vector<std::vector<size_t>> Rows::to_vectors() const {
  std::vector<std::vector<size_t>> out(size());
  for (size_t r = 0; r < size(); ++r) out[r].assign((*this)[r].begin(), (*this)[r].end());
  return out;
}

namespace {

constexpr size_t kUnvisited = std::numeric_limits<size_t>::max();

struct Frame {
  size_t node;
  size_t next_edge;
};

}  // namespace

Components strongly_connected_components(const Graph& edges) {
  size_t n = edges.size();
  if (n >= std::numeric_limits<uint32_t>::max()) {
    throw Error(fmt::format("{} files in one build: more than assetpipe can link", n));
  }
  std::vector<size_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  std::vector<Frame> frames;
  Components out;
  out.component_of.assign(n, std::numeric_limits<uint32_t>::max());
  size_t components = 0;
  std::vector<size_t> members;
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
        members.clear();
        size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          out.component_of[w] = static_cast<uint32_t>(components);
          members.push_back(w);
        } while (w != v);
        std::sort(members.begin(), members.end());
        out.members.add_row(members);
        ++components;
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
        if (t != c) out.level[c] = std::max(out.level[c], out.level[t] + 1u);
      }
    }
  }
  return out;
}

bool is_cycle(const Graph& edges, std::span<const uint32_t> members) {
  if (members.size() > 1) return true;
  for (size_t w : edges[members[0]]) {
    if (w == members[0]) return true;
  }
  return false;
}

}  // namespace assetpipe::link
