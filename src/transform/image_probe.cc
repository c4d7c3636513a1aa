#include "transform/image_probe.h"

#include <utility>

#include "transform/exif_orientation.h"

namespace assetpipe::transform {
namespace {

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);

uint32_t be32(std::string_view b, size_t at) {
  auto u = [&](size_t i) { return uint32_t(static_cast<uint8_t>(b[at + i])); };
  return u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
}

uint16_t be16(std::string_view b, size_t at) {
  return uint16_t(static_cast<uint8_t>(b[at]) << 8 | static_cast<uint8_t>(b[at + 1]));
}

// SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
bool is_sof(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// The SOF's size; with `orientation`, the first orientation other than 1
// of an APP1 Exif before it (as the decoder reads it).
ImageSize jpeg_size(std::string_view b, int* orientation) {
  size_t at = 2;
  while (at + 4 <= b.size()) {
    if (static_cast<uint8_t>(b[at]) != 0xFF) return {};
    uint8_t marker = static_cast<uint8_t>(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    uint16_t length = be16(b, at + 2);
    if (is_sof(marker)) {
      if (at + 9 > b.size()) return {};
      return {be16(b, at + 7), be16(b, at + 5)};
    }
    if (marker == 0xDA || length < 2) return {};  // scan data before any SOF
    if (orientation && marker == 0xE1 && *orientation <= 1 && at + 2 + length <= b.size()) {
      std::string_view payload = b.substr(at + 4, length - 2);
      if (payload.starts_with(std::string_view("Exif\0\0", 6))) {
        *orientation = exif_orientation(payload);
      }
    }
    at += 2 + length;
  }
  return {};
}

}  // namespace

uint64_t probe_pixels(std::string_view b) {
  if (b.size() >= 24 && b.starts_with(kPngSignature)) return uint64_t{be32(b, 16)} * be32(b, 20);
  if (b.size() >= 4 && b.starts_with("\xFF\xD8")) {
    ImageSize s = jpeg_size(b, nullptr);
    return uint64_t{s.width} * s.height;
  }
  return 0;
}

ImageSize probe_display_size(std::string_view b) {
  if (b.size() >= 24 && b.starts_with(kPngSignature)) return {be32(b, 16), be32(b, 20)};
  if (b.size() >= 4 && b.starts_with("\xFF\xD8")) {
    int orientation = 0;
    ImageSize s = jpeg_size(b, &orientation);
    if (orientation >= 5 && orientation <= 8) std::swap(s.width, s.height);
    return s;
  }
  return {};
}

bool is_animated_png(std::string_view b) {
  if (!b.starts_with(kPngSignature)) return false;
  for (size_t at = kPngSignature.size(); at + 8 <= b.size();) {
    uint32_t length = be32(b, at);
    std::string_view type = b.substr(at + 4, 4);
    if (type == "acTL") return true;
    if (type == "IDAT" || type == "IEND") return false;
    if (length > b.size()) return false;
    at += 12 + size_t{length};
  }
  return false;
}

}  // namespace assetpipe::transform
