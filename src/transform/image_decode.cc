#include "transform/image_decode.h"

#include <fmt/format.h>

#include "transform/jpeg_decoder.h"
#include "transform/png_decoder.h"

namespace assetpipe::transform {

std::string too_many_pixels(uint64_t width, uint64_t height, uint64_t max_pixels) {
  return fmt::format(
      "the image is {}x{} ({:.1f} megapixels), over --max-pixels {:.1f} megapixels; "
      "raise --max-pixels if it is genuine",
      width, height, double(width) * double(height) / 1e6, double(max_pixels) / 1e6);
}

bool all_opaque(const std::vector<uint8_t>& rgba) {
  for (size_t i = 3; i < rgba.size(); i += 4) {
    if (rgba[i] != 255) return false;
  }
  return true;
}

bool is_rgb_profile(std::string_view icc) {
  return icc.size() >= 128 && icc.substr(16, 4) == "RGB ";
}

util::Result<DecodedImage> decode_image(std::string_view bytes, uint64_t max_pixels) {
  static constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);
  static constexpr std::string_view kJpegSignature("\xFF\xD8\xFF", 3);
  if (bytes.empty()) return util::fail("the file is empty (zero bytes)");
  util::Result<DecodedImage> image = util::fail("");
  if (bytes.starts_with(kJpegSignature)) {
    image = decode_jpeg(bytes, max_pixels);
  } else if (bytes.starts_with(kPngSignature)) {
    image = decode_png(bytes, max_pixels);
  } else {
    return util::fail("not a JPEG or PNG file (its first bytes are neither signature)");
  }
  // The variants hold RGB pixels: a CMYK or grey profile would describe
  // something else, so only an RGB profile travels with them.
  if (image && !is_rgb_profile(image->icc)) image->icc.clear();
  return image;
}

}  // namespace assetpipe::transform
