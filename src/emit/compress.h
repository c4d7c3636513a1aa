// Precompression: <file>.br and <file>.gz beside every text file, from its
// final bytes, byte-identical at any -j (see docs/compress.md).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/options.h"
#include "util/result.h"

namespace assetpipe::cache {
class Cache;
}

namespace assetpipe::emit {

// How brotli models the input (BROTLI_MODE_*): text for text, font for fonts.
enum class BrotliMode { Generic, Text, Font };

// Brotli (RFC 7932) at `quality` 0-11, window sized to the input (at most
// 16 MiB, the largest standard window), input size given as a hint.
util::Result<std::string> brotli_compress(std::string_view bytes, int quality, BrotliMode mode);

// gzip (RFC 1952) at `level` 1-9: mtime 0, no file name, OS byte 3 (Unix).
util::Result<std::string> gzip_compress(std::string_view bytes, int level);

// Why a file is not precompressed ("" when it is a candidate): not a text
// type by extension, an already-compressed format by magic bytes, or too small.
std::string precompress_skip_reason(std::string_view name, std::string_view bytes,
                                    const Options& options);

// The brotli mode for a file name (font for .ttf/.otf/.eot, text for text).
BrotliMode brotli_mode_for(std::string_view name);

// One unit of work: one encoding of one asset (its bytes or its source map).
struct CompressJob {
  size_t asset = 0;
  bool source_map = false;  // the asset's `<output>.map` rather than its bytes
  bool brotli = false;      // brotli, else gzip
  size_t size = 0;          // input bytes
};

// Every encoding to produce, the most expensive first (brotli costs far more
// per byte than gzip), so the longest jobs start first across the pool.
std::vector<CompressJob> plan_precompression(const std::vector<Asset>& assets,
                                             const Options& options);

// Identical bytes compress to identical encodings, and sites repeat files
// (icon sets give one icon several names: 722 of bench/corpus/site's SVGs).
// A build keeps the encodings of its small inputs by content, up to a fixed
// number of bytes with the oldest dropped first, and a file whose bytes were
// compressed before takes their encodings instead of compressing again.
// Which copy is compressed and which takes the result depends on timing;
// the bytes written do not. Thread-safe.
class EncodingMemo {
 public:
  // Inputs up to `max_input` bytes; at most `max_bytes` held.
  explicit EncodingMemo(size_t max_input = 64 * 1024, size_t max_bytes = 2 * 1024 * 1024);
  ~EncodingMemo();
  EncodingMemo(const EncodingMemo&) = delete;
  EncodingMemo& operator=(const EncodingMemo&) = delete;

  size_t hits() const;  // encodings taken from it so far

  struct Impl;  // compress.cc

 private:
  std::unique_ptr<Impl> impl_;
  friend Impl* memo_for(EncodingMemo* memo, std::string_view input);
};

// Fills asset.encodings (and asset.source_map_encodings) with the encodings
// kept by the rules of docs/compress.md, in parallel over the TBB pool,
// largest jobs first. Notes why a candidate was skipped in asset.notes.
// Throws Error naming the file if a compressor fails.
// precompress() of one asset, its jobs in parallel: for the per-file task
// graph, where a file is compressed as soon as its name is final.
// `memo`: encodings of identical bytes made earlier in the build.
void precompress_one(Asset& asset, const Options& options, cache::Cache* cache = nullptr,
                     EncodingMemo* memo = nullptr);

// `report_progress`: false for work in the background of another stage (the
// early compression), so that the progress line shows the stage in front.
void precompress(std::vector<Asset>& assets, const Options& options, bool report_progress = true);

}  // namespace assetpipe::emit
