// The record/payload split (DESIGN.md "Data flow"): what of a file is kept
// for the whole build once its bytes are written, and the files whose bytes
// are never held at all.
#pragma once

#include <cstdint>

#include "assetpipe/asset.h"
#include "assetpipe/options.h"
#include "util/result.h"

namespace assetpipe::emit {

// Files over this size that no stage changes are streamed even when they
// are text (and so are not precompressed): a 1 GB log or CSV is copied, not
// read into memory and compressed whole.
inline constexpr uint64_t kStreamTextOver = uint64_t{64} << 20;

// Whether no stage reads or changes `a`: not minified, not an image that gets
// variants, not scanned for references, not precompressed (by its name, or
// its size over kStreamTextOver). Such a file is hashed while read in blocks
// and copied into the output (util::copy_file_data). Needs a.input_size.
bool is_streamed(const Asset& a, const Options& options);

// Reads a streamed file once, in blocks: sets a.streamed_hash (what
// link::content_hash gives for its bytes) and a.digest. Fails naming the file
// when it cannot be read or changes size meanwhile.
util::Result<util::Ok> hash_streamed(Asset& a, const Options& options);

// Fills the record fields from the final payload, once the file is named:
// a.digest, a.map_digest, the variants' sizes (a streamed file's digest comes
// from hash_streamed; encodings carry their size from compression).
void seal(Asset& a, const Options& options);

// Frees the payload (bytes, the map's text, the variants' and encodings'
// bytes); the record fields stay. a.source_map keeps has_value().
void free_payload(Asset& a);

}  // namespace assetpipe::emit
