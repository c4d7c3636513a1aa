// --shard I/N (issue "scale past one machine"): which files a shard does the
// per-file work of. Every shard computes the same partition from the same
// tree without talking to the others: the costliest file first (ties in the
// order of a hash of the path), each to the shard with the least estimated
// cost so far ("longest processing time first"), so the shards' estimates end
// within about one small file of each other.
#pragma once

#include <cstdint>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe {

// An estimate of a file's per-file work, in hundredths of a microsecond of
// one core of this machine's kind (measured: brotli -q 11 + gzip -9 of text
// 1.1 us a byte, of a source map at --map-brotli-quality 5 0.06 us a byte,
// decoding an image and encoding its WebP and AVIF 0.17 us a pixel). Files
// that are streamed cost nothing.
uint64_t shard_cost(const Asset& a, uint64_t pixels);

// For each file, whether it is in shard `index` (1-based) of `count`.
// `costs[i]` is shard_cost of assets[i]. Depends only on the paths and the
// costs, not on the order of `assets`.
std::vector<char> shard_slice(const std::vector<Asset>& assets, const std::vector<uint64_t>& costs,
                              unsigned index, unsigned count);

}  // namespace assetpipe
