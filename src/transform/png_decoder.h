// PNG with libpng: every colour type, palette with tRNS, 16-bit scaled to 8,
// interlaced; the iCCP profile kept.
#pragma once

#include <cstdint>
#include <string_view>

#include "transform/image_decode.h"
#include "util/result.h"

namespace assetpipe::transform {

util::Result<DecodedImage> decode_png(std::string_view bytes, uint64_t max_pixels);

}  // namespace assetpipe::transform
