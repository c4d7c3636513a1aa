// --shard I/N (issue "scale past one machine"): which files a shard does the
// per-file work of. Every shard computes the same partition from the same
// tree without talking to the others: files ordered by a hash of their path
// (stable when files come and go), cut where the running cost crosses each
// N-th of the total, so each shard's estimated cost is about the same.
#pragma once

#include <cstdint>
#include <vector>

#include "assetpipe/asset.h"

namespace assetpipe {

// An estimate of a file's per-file work in one unit: bytes of text to
// minify and compress, pixels of an image to encode (a pixel of AVIF+WebP
// costs about a quarter of a byte of brotli -q 11 on this machine's kind).
uint64_t shard_cost(const Asset& a, uint64_t pixels);

// For each file, whether it is in shard `index` (1-based) of `count`.
// `costs[i]` is shard_cost of assets[i].
std::vector<char> shard_slice(const std::vector<Asset>& assets, const std::vector<uint64_t>& costs,
                              unsigned index, unsigned count);

}  // namespace assetpipe
