// AVIF with libavif 0.11.1 and the aom encoder: quality 0-100 mapped onto
// quantizers 63-0 (this libavif has no quality field), speed 0-10, 4:2:0 or
// 4:4:4, alpha kept, one thread; the ICC profile kept, no Exif (so no
// irot/imir: the pixels are already oriented).
#pragma once

#include <string>

#include "transform/image_decode.h"
#include "util/result.h"

namespace assetpipe::transform {

struct AvifSettings {
  int quality = 60;
  int speed = 8;
  bool yuv444 = false;
};

// libavif 1.x's mapping: 100 -> 0 (lossless), 0 -> 63.
int avif_quantizer(int quality);

util::Result<std::string> encode_avif(const DecodedImage& image, const AvifSettings& settings);
// The same bytes, for the last use of `image`: its pixels are freed once
// converted to YUV, before the encoder runs, so that they are not held beside
// the encoder's own buffers (a 4 MP photo: 16 MB beside about 90).
util::Result<std::string> encode_avif(DecodedImage&& image, const AvifSettings& settings);

}  // namespace assetpipe::transform
