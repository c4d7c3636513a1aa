#include "scan/logical_index.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "util/file.h"

namespace assetpipe::scan {

LogicalIndex::LogicalIndex(const std::vector<Asset>& assets) : assets_(&assets) {
  if (assets.size() > std::numeric_limits<uint32_t>::max()) {
    throw Error(fmt::format("{} files in one build: more than assetpipe can index (at most {})",
                            assets.size(), std::numeric_limits<uint32_t>::max()));
  }
  order_.resize(assets.size());
  for (size_t i = 0; i < assets.size(); ++i) order_[i] = static_cast<uint32_t>(i);
  std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    return std::string_view(assets[a].logical) < std::string_view(assets[b].logical);
  });
}

std::optional<size_t> LogicalIndex::find(std::string_view logical) const {
  const auto& assets = *assets_;
  auto it = std::lower_bound(order_.begin(), order_.end(), logical, [&](uint32_t k, std::string_view v) {
    return std::string_view(assets[k].logical) < v;
  });
  if (it == order_.end() || assets[*it].logical != logical) return std::nullopt;
  return *it;
}

size_t LogicalIndex::at(std::string_view logical) const {
  if (auto i = find(logical)) return *i;
  throw Error(fmt::format("internal error: no file named {} in the build (please report this)",
                          util::printable(logical)));
}

}  // namespace assetpipe::scan
