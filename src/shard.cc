#include "shard.h"

#include <algorithm>
#include <numeric>

#include <xxhash.h>

namespace assetpipe {

uint64_t shard_cost(const Asset& a, uint64_t pixels) {
  if (pixels > 0) return pixels / 4 + a.input_size;
  return a.streamed ? 0 : a.input_size;
}

std::vector<char> shard_slice(const std::vector<Asset>& assets, const std::vector<uint64_t>& costs,
                              unsigned index, unsigned count) {
  std::vector<char> in(assets.size(), 0);
  if (count == 0) return in;
  std::vector<size_t> order(assets.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::vector<uint64_t> h(assets.size());
  for (size_t i = 0; i < assets.size(); ++i) {
    h[i] = XXH3_64bits(assets[i].logical.data(), assets[i].logical.size());
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return h[a] != h[b] ? h[a] < h[b] : assets[a].logical < assets[b].logical;
  });
  long double total = 0;
  for (uint64_t c : costs) total += static_cast<long double>(c);
  // A file belongs to the shard whose share holds the middle of its cost.
  long double before = 0;
  for (size_t i : order) {
    long double middle = before + static_cast<long double>(costs[i]) / 2;
    before += static_cast<long double>(costs[i]);
    unsigned shard =
        total > 0 ? static_cast<unsigned>(middle * count / total) : static_cast<unsigned>(i % count);
    if (std::min(shard, count - 1) + 1 == index) in[i] = 1;
  }
  return in;
}

}  // namespace assetpipe
