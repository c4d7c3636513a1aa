// What can be learnt from an image's first bytes without decoding it: its
// pixel count (to start the largest images first), its displayed size
// (width/height attributes) and whether a PNG is
// animated (APNG), which a still WebP/AVIF variant would freeze.
#pragma once

#include <cstdint>
#include <string_view>

namespace assetpipe::transform {

// width * height from the PNG IHDR or the JPEG SOF marker; 0 when unknown.
uint64_t probe_pixels(std::string_view bytes);

struct ImageSize {
  uint32_t width = 0;  // 0 when unknown
  uint32_t height = 0;
};

// A PNG's or JPEG's size as displayed: a JPEG's EXIF orientation 5-8 (a
// quarter turn) swaps width and height, as decode_image does. {0, 0} when unknown.
ImageSize probe_display_size(std::string_view bytes);

// True for a PNG with an acTL chunk before its image data.
bool is_animated_png(std::string_view bytes);

}  // namespace assetpipe::transform
