#include "shard.h"

#include <algorithm>
#include <numeric>

#include <xxhash.h>

namespace assetpipe {

uint64_t shard_cost(const Asset& a, uint64_t pixels) {
  if (pixels > 0) return pixels * 17;
  if (a.streamed) return 0;
  return a.input_size * (a.kind == FileKind::SourceMap ? 6 : 110);
}

std::vector<char> shard_slice(const std::vector<Asset>& assets, const std::vector<uint64_t>& costs,
                              unsigned index, unsigned count) {
  std::vector<char> in(assets.size(), 0);
  if (count == 0) return in;
  std::vector<uint64_t> h(assets.size());
  for (size_t i = 0; i < assets.size(); ++i) {
    h[i] = XXH3_64bits(assets[i].logical.data(), assets[i].logical.size());
  }
  std::vector<size_t> order(assets.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (costs[a] != costs[b]) return costs[a] > costs[b];
    return h[a] != h[b] ? h[a] < h[b] : assets[a].logical < assets[b].logical;
  });
  // Each file to the shard with the least cost so far (the lowest number on a
  // tie); files that cost nothing are dealt out in turn, so counts stay even too.
  std::vector<uint64_t> load(count, 0);
  size_t turn = 0;
  for (size_t i : order) {
    unsigned shard;
    if (costs[i] == 0) {
      shard = static_cast<unsigned>(turn++ % count);
    } else {
      shard = static_cast<unsigned>(std::min_element(load.begin(), load.end()) - load.begin());
      load[shard] += costs[i];
    }
    if (shard + 1 == index) in[i] = 1;
  }
  return in;
}

}  // namespace assetpipe
