// JPEG with libjpeg-turbo: baseline, progressive, grayscale, CMYK (Adobe
// inverted or not); APP1 EXIF orientation applied, APP2 ICC profile kept.
#pragma once

#include <cstdint>
#include <string_view>

#include "transform/image_decode.h"
#include "util/result.h"

namespace assetpipe::transform {

util::Result<DecodedImage> decode_jpeg(std::string_view bytes, uint64_t max_pixels);

}  // namespace assetpipe::transform
