// EXIF orientation (tag 0x0112): reading it from an APP1 payload and turning
// pixels so they display as a browser shows the original.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace assetpipe::transform {

// The orientation (1-8) in an APP1 "Exif\0\0" payload; 1 when absent or invalid.
int exif_orientation(std::string_view app1_payload);

// Applies `orientation` to 4-byte pixels of width x height; swaps width and
// height for orientations 5-8. 1 (or an unknown value) leaves them as they are.
void apply_orientation(std::vector<uint8_t>& rgba, int& width, int& height, int orientation);

}  // namespace assetpipe::transform
