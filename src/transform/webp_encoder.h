// WebP with libwebp 1.2.4: lossy (quality 0-100, method 4) or lossless, alpha
// kept, one thread; the ICC profile goes into an ICCP chunk (libwebpmux).
#pragma once

#include <string>

#include "transform/image_decode.h"
#include "util/result.h"

namespace assetpipe::transform {

// WebP's limit on either side.
inline constexpr int kWebpMaxDimension = 16383;

struct WebpSettings {
  int quality = 80;  // lossy: quality; lossless: effort
  bool lossless = false;
};

util::Result<std::string> encode_webp(const DecodedImage& image, const WebpSettings& settings);

}  // namespace assetpipe::transform
