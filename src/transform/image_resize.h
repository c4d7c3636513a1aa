// Responsive widths (--image-widths): a decoded image scaled down (never up)
// with libwebp's rescaler (area averaging, alpha premultiplied), and the
// original format encoded again from those pixels (JPEG with libjpeg-turbo,
// PNG with libpng; the ICC profile kept), so an <img srcset> works in every
// browser and <picture> gets WebP/AVIF of each width.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "transform/image_decode.h"
#include "util/result.h"

namespace assetpipe::transform {

// The widths of `widths` (sorted, unique) below the image's width.
std::vector<int> widths_below(const std::vector<int>& widths, int image_width);

// `image` scaled to `width` (less than its own), the height in proportion
// (rounded, at least 1).
util::Result<DecodedImage> resize_to_width(const DecodedImage& image, int width);

// Baseline-optimized progressive JPEG at `quality` (alpha dropped).
util::Result<std::string> encode_jpeg(const DecodedImage& image, int quality);

// PNG, RGBA (RGB when every pixel is opaque), zlib level 9.
util::Result<std::string> encode_png(const DecodedImage& image);

// The suffix of a width's variant of the original format, appended to the
// image's final name: "480w.jpg" ("hero.<hash>.jpg.480w.jpg"); the WebP and
// AVIF of that width are "480w.webp", "480w.avif".
std::string width_format(int width, std::string_view extension);

// The width of a variant format made by width_format ("480w.webp" -> 480), else 0.
int width_of_format(std::string_view format);

// The format ("webp", "avif", "jpg") of a variant format, width or not.
std::string_view base_format(std::string_view format);

}  // namespace assetpipe::transform
