#include "transform/exif_orientation.h"

#include <cstring>

namespace assetpipe::transform {
namespace {

constexpr uint16_t kOrientationTag = 0x0112;

// Reads TIFF integers in the byte order the TIFF header announced.
struct TiffReader {
  std::string_view tiff;
  bool little_endian = true;

  bool has(size_t offset, size_t n) const {
    return offset <= tiff.size() && n <= tiff.size() - offset;
  }
  uint16_t u16(size_t at) const {
    auto b = reinterpret_cast<const uint8_t*>(tiff.data() + at);
    return little_endian ? uint16_t(b[0] | b[1] << 8) : uint16_t(b[0] << 8 | b[1]);
  }
  uint32_t u32(size_t at) const {
    auto b = reinterpret_cast<const uint8_t*>(tiff.data() + at);
    return little_endian
               ? uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24
               : uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
  }
};

// Where the displayed pixel (x, y) comes from in the stored image of size w x h.
struct SourcePixel {
  int x, y;
};

SourcePixel source_of(int orientation, int x, int y, int w, int h) {
  switch (orientation) {
    case 2:
      return {w - 1 - x, y};  // mirrored horizontally
    case 3:
      return {w - 1 - x, h - 1 - y};  // rotated 180
    case 4:
      return {x, h - 1 - y};  // mirrored vertically
    case 5:
      return {y, x};  // transposed
    case 6:
      return {y, h - 1 - x};  // rotated 90 clockwise
    case 7:
      return {w - 1 - y, h - 1 - x};  // transversed
    case 8:
      return {w - 1 - y, x};  // rotated 90 counter-clockwise
    default:
      return {x, y};
  }
}

}  // namespace

int exif_orientation(std::string_view app1) {
  static constexpr std::string_view kExifHeader("Exif\0\0", 6);
  if (!app1.starts_with(kExifHeader)) return 1;
  TiffReader r{app1.substr(kExifHeader.size())};
  if (!r.has(0, 8)) return 1;
  if (r.tiff.starts_with("II"))
    r.little_endian = true;
  else if (r.tiff.starts_with("MM"))
    r.little_endian = false;
  else
    return 1;
  if (r.u16(2) != 42) return 1;
  uint32_t ifd = r.u32(4);
  if (!r.has(ifd, 2)) return 1;
  uint16_t count = r.u16(ifd);
  for (uint32_t i = 0; i < count; ++i) {
    size_t entry = size_t{ifd} + 2 + size_t{i} * 12;
    if (!r.has(entry, 12)) return 1;
    if (r.u16(entry) != kOrientationTag) continue;
    uint16_t type = r.u16(entry + 2);  // 3: SHORT
    if (type != 3 || r.u32(entry + 4) < 1) return 1;
    uint16_t value = r.u16(entry + 8);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

void apply_orientation(std::vector<uint8_t>& rgba, int& width, int& height, int orientation) {
  if (orientation < 2 || orientation > 8) return;
  const int w = width, h = height;
  const bool swaps = orientation >= 5;
  const int out_w = swaps ? h : w, out_h = swaps ? w : h;
  std::vector<uint8_t> out(rgba.size());
  for (int y = 0; y < out_h; ++y) {
    uint8_t* row = out.data() + size_t(y) * size_t(out_w) * 4;
    for (int x = 0; x < out_w; ++x) {
      SourcePixel s = source_of(orientation, x, y, w, h);
      std::memcpy(row + size_t(x) * 4, rgba.data() + (size_t(s.y) * size_t(w) + size_t(s.x)) * 4,
                  4);
    }
  }
  rgba = std::move(out);
  width = out_w;
  height = out_h;
}

}  // namespace assetpipe::transform
