// The one lookup of a file by its logical path (input-relative, '/'
// separators: the manifest key). The assets' positions sorted by `logical`:
// 4 bytes a file, where a map of copied paths cost about 150 (issue 14's
// record budget). Every stage that finds a file by name uses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe::scan {

class LogicalIndex {
 public:
  // `assets` must outlive the index and keep its files where they are (it
  // may be changed in place: only `logical` must stay as it was).
  explicit LogicalIndex(const std::vector<Asset>& assets);

  // The position in `assets` of the file named `logical`, if there is one.
  std::optional<size_t> find(std::string_view logical) const;
  bool contains(std::string_view logical) const { return find(logical).has_value(); }
  // The file named `logical`; it must be there.
  size_t at(std::string_view logical) const;

  // Positions in byte order of the logical paths (the manifest's key order).
  const std::vector<uint32_t>& in_order() const { return order_; }

 private:
  const std::vector<Asset>* assets_;
  std::vector<uint32_t> order_;
};

}  // namespace assetpipe::scan
