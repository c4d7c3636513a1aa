// The image stage: WebP and AVIF variants of every JPEG and PNG.
#pragma once

#include <cstdint>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"
#include "transform/image_decode.h"

namespace assetpipe::cache {
class Cache;
}

namespace assetpipe::transform {

// Whether an image task works on `a`: a JPEG/PNG (not a map's), images on.
bool wants_variants(const Asset& a, const Options& options);

// One image's variants and their -v notes, from image.bytes: the image's task
// in the per-file graph (build.cc), which merges them into the record. Decodes
// once and encodes the enabled formats from the same pixels (each encoder
// single-threaded). A bad image: diags.warning(logical, "<decoder reason>;
// copied unchanged") and no variants. With a cache, looked up first by the
// image's bytes and options; a result is stored.
struct ImageWork {
  std::vector<ImageVariant> variants;
  std::vector<std::string> notes;
};
ImageWork image_variants(const Asset& image, const Options& options, Diagnostics& diags,
                         cache::Cache* cache = nullptr);

// An image's pixels from its header (the file's first 256 KiB), for largest-
// first order without reading it whole; 0 when not known.
uint64_t probe_pixels_of_file(const std::string& path);

// The variants of one image (exposed for tests).
std::vector<ImageVariant> variants_of(const Asset& asset, const Options& options,
                                      Diagnostics& diags);

// The WebP variant's bytes, lossy or lossless by --webp-lossless (exposed for tests).
util::Result<std::string> encode_webp_variant(const DecodedImage& image, const Options& options);

// --webp-lossless auto: a PNG with at most 256 distinct colours is a graphic
// (logo, icon, screenshot, diagram): encode it lossless as well, keep the smaller.
bool looks_like_graphic(const DecodedImage& image);

}  // namespace assetpipe::transform
