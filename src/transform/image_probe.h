// What can be learnt from an image's first bytes without decoding it: its
// pixel count (to start the largest images first) and whether a PNG is
// animated (APNG), which a still WebP/AVIF variant would freeze.
#pragma once

#include <cstdint>
#include <string_view>

namespace assetpipe::transform {

// width * height from the PNG IHDR or the JPEG SOF marker; 0 when unknown.
uint64_t probe_pixels(std::string_view bytes);

// True for a PNG with an acTL chunk before its image data.
bool is_animated_png(std::string_view bytes);

}  // namespace assetpipe::transform
