// The reference graph: strongly connected components (Tarjan, iterative),
// returned leaves first, and their dependency levels for parallel naming.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace assetpipe::link {

// Rows of node numbers stored flat (offsets and values, "CSR"): 4 bytes a
// row and 4 an entry, where a vector per row costs 24 more. A build keeps
// several of these for every file (issue 14's record budget). Rows are
// appended in order.
class Rows {
 public:
  Rows() = default;
  // From nested vectors (tests, small graphs).
  Rows(std::initializer_list<std::vector<size_t>> rows);

  size_t size() const { return starts_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::span<const uint32_t> operator[](size_t row) const {
    return {values_.data() + starts_[row], values_.data() + starts_[row + 1]};
  }
  // Appends a row: push() its values, then end_row().
  void push(size_t value) { values_.push_back(static_cast<uint32_t>(value)); }
  void end_row() { starts_.push_back(static_cast<uint32_t>(values_.size())); }
  template <class Range>
  void add_row(const Range& values) {
    for (auto v : values) push(static_cast<size_t>(v));
    end_row();
  }
  // Rows whose row r lists every s with r in this row s (edges reversed),
  // each in increasing order; `rows` rows in all.
  Rows reversed(size_t rows) const;
  std::vector<std::vector<size_t>> to_vectors() const;

 private:
  std::vector<uint32_t> starts_{0};
  std::vector<uint32_t> values_;
};

// edges[v]: the nodes v references (duplicates and self-loops allowed).
using Graph = Rows;

struct Components {
  // Each component's members, sorted; every component comes after all the
  // components it references (leaves first).
  Rows members;
  std::vector<uint32_t> component_of;  // node -> index into members
  // level[c]: 0 for a component that references no other component, else
  // 1 + the highest level it references. Components of one level are independent.
  std::vector<uint32_t> level;
};

// Throws Error for a graph of 2^32 nodes or more.
Components strongly_connected_components(const Graph& edges);

// True when the component has more than one member or a member references itself.
bool is_cycle(const Graph& edges, std::span<const uint32_t> members);

}  // namespace assetpipe::link
