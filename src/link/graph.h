// The reference graph: strongly connected components (Tarjan, iterative),
// returned leaves first, and their dependency levels for parallel naming.
#pragma once

#include <cstddef>
#include <vector>

namespace assetpipe::link {

// edges[v]: the nodes v references (duplicates and self-loops allowed).
using Graph = std::vector<std::vector<size_t>>;

struct Components {
  // Each component's members, sorted; every component comes after all the
  // components it references (leaves first).
  std::vector<std::vector<size_t>> members;
  std::vector<size_t> component_of;  // node -> index into members
  // level[c]: 0 for a component that references no other component, else
  // 1 + the highest level it references. Components of one level are independent.
  std::vector<size_t> level;
};

Components strongly_connected_components(const Graph& edges);

// True when the component has more than one member or a member references itself.
bool is_cycle(const Graph& edges, const std::vector<size_t>& members);

}  // namespace assetpipe::link
