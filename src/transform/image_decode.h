// Decoding JPEG and PNG into 8-bit RGBA pixels, once per image: the pixels
// every variant (WebP, AVIF) is encoded from. The EXIF orientation is applied
// to the pixels; the ICC profile is kept; other metadata is dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace assetpipe::transform {

struct DecodedImage {
  int width = 0;  // as displayed (after the EXIF orientation)
  int height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4 bytes, rows top to bottom
  bool has_alpha = false;     // some pixel is not fully opaque
  std::string icc;            // RGB ICC profile; empty when none (or not RGB: CMYK, grey)
  int orientation = 1;        // the EXIF orientation that was applied (1: none)
  bool from_png = false;      // source format (a PNG may be a graphic: see webp lossless auto)
};

// Decodes a JPEG or PNG (recognised by its signature, not its name). Refuses
// images over `max_pixels` before allocating their pixels. A failure says why
// in words meant for a warning ("truncated: ...", "not a JPEG or PNG file").
util::Result<DecodedImage> decode_image(std::string_view bytes, uint64_t max_pixels);

// True for an ICC profile whose data colour space is RGB.
bool is_rgb_profile(std::string_view icc);

// The message for an image over --max-pixels (shared by both decoders).
std::string too_many_pixels(uint64_t width, uint64_t height, uint64_t max_pixels);

// True when no pixel has alpha < 255.
bool all_opaque(const std::vector<uint8_t>& rgba);

}  // namespace assetpipe::transform
