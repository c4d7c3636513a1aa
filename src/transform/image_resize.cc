#include "transform/image_resize.h"

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>

// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <png.h>
#include <webp/encode.h>

#include <fmt/format.h>

namespace assetpipe::transform {

std::vector<int> widths_below(const std::vector<int>& widths, int image_width) {
  std::vector<int> out;
  for (int w : widths) {
    if (w > 0 && w < image_width) out.push_back(w);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

util::Result<DecodedImage> resize_to_width(const DecodedImage& image, int width) {
  if (width <= 0 || width >= image.width) {
    return util::fail(fmt::format("cannot scale {} pixels wide to {}", image.width, width));
  }
  int height = std::max(1, static_cast<int>(std::lround(double(image.height) * width /
                                                        double(image.width))));
  WebPPicture picture;
  if (!WebPPictureInit(&picture)) return util::fail("libwebp version mismatch");
  picture.use_argb = 1;
  picture.width = image.width;
  picture.height = image.height;
  if (!WebPPictureImportRGBA(&picture, image.rgba.data(), image.width * 4)) {
    WebPPictureFree(&picture);
    return util::fail("out of memory importing pixels into libwebp");
  }
  // Area averaging on premultiplied alpha (libwebp's rescaler), no upscaling.
  if (!WebPPictureRescale(&picture, width, height)) {
    WebPPictureFree(&picture);
    return util::fail(fmt::format("libwebp cannot scale to {}x{}", width, height));
  }
  DecodedImage out;
  out.width = width;
  out.height = height;
  out.icc = image.icc;
  out.orientation = 1;  // the pixels are already as displayed
  out.from_png = image.from_png;
  out.rgba.resize(size_t(width) * size_t(height) * 4);
  for (int y = 0; y < height; ++y) {
    const uint32_t* row = picture.argb + size_t(y) * size_t(picture.argb_stride);
    uint8_t* dst = out.rgba.data() + size_t(y) * size_t(width) * 4;
    for (int x = 0; x < width; ++x) {
      uint32_t p = row[x];
      dst[4 * x + 0] = uint8_t(p >> 16);
      dst[4 * x + 1] = uint8_t(p >> 8);
      dst[4 * x + 2] = uint8_t(p);
      dst[4 * x + 3] = uint8_t(p >> 24);
    }
  }
  WebPPictureFree(&picture);
  out.has_alpha = image.has_alpha && !all_opaque(out.rgba);
  return out;
}

namespace {

// libjpeg's fatal errors jump back to encode_jpeg (only C frames between).
struct JpegErrors {
  jpeg_error_mgr mgr{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void jpeg_error_exit(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  cinfo->err->format_message(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

struct PngWriter {
  std::string out;
  std::string error;
};

void png_write_bytes(png_structp png, png_bytep data, png_size_t n) {
  static_cast<PngWriter*>(png_get_io_ptr(png))->out.append(reinterpret_cast<char*>(data), n);
}
void png_flush_nothing(png_structp) {}
[[noreturn]] void png_fail(png_structp png, png_const_charp message) {
  static_cast<PngWriter*>(png_get_error_ptr(png))->error = message;
  png_longjmp(png, 1);
}
void png_warn_nothing(png_structp, png_const_charp) {}

}  // namespace

util::Result<std::string> encode_jpeg(const DecodedImage& image, int quality) {
  jpeg_compress_struct c{};
  JpegErrors errors;
  c.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_error_exit;
  unsigned char* mem = nullptr;
  unsigned long size = 0;
  std::vector<uint8_t> row(size_t(image.width) * 3);
  if (setjmp(errors.jump)) {
    jpeg_destroy_compress(&c);
    std::free(mem);
    return util::fail(fmt::format("libjpeg: {}", errors.message));
  }
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, &mem, &size);
  c.image_width = JDIMENSION(image.width);
  c.image_height = JDIMENSION(image.height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  c.optimize_coding = TRUE;
  jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  if (!image.icc.empty()) {
    jpeg_write_icc_profile(&c, reinterpret_cast<const JOCTET*>(image.icc.data()),
                           static_cast<unsigned>(image.icc.size()));
  }
  while (c.next_scanline < c.image_height) {
    const uint8_t* src = image.rgba.data() + size_t(c.next_scanline) * size_t(image.width) * 4;
    for (int x = 0; x < image.width; ++x) std::memcpy(&row[size_t(x) * 3], src + size_t(x) * 4, 3);
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<const char*>(mem), size);
  jpeg_destroy_compress(&c);
  std::free(mem);
  return out;
}

util::Result<std::string> encode_png(const DecodedImage& image) {
  PngWriter writer;
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, png_fail, png_warn_nothing);
  if (!png) return util::fail("libpng: out of memory");
  png_infop info = png_create_info_struct(png);
  bool alpha = image.has_alpha;
  std::vector<uint8_t> rgb;
  if (!alpha) {
    rgb.resize(size_t(image.width) * size_t(image.height) * 3);
    for (size_t i = 0, n = size_t(image.width) * size_t(image.height); i < n; ++i) {
      std::memcpy(&rgb[i * 3], &image.rgba[i * 4], 3);
    }
  }
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return util::fail(fmt::format("libpng: {}", writer.error.empty() ? "out of memory"
                                                                     : writer.error));
  }
  png_set_write_fn(png, &writer, png_write_bytes, png_flush_nothing);
  png_set_compression_level(png, 9);
  png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8,
               alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!image.icc.empty()) {
    png_set_iCCP(png, info, "icc", PNG_COMPRESSION_TYPE_BASE,
                 reinterpret_cast<png_const_bytep>(image.icc.data()),
                 png_uint_32(image.icc.size()));
  }
  png_write_info(png, info);
  const uint8_t* pixels = alpha ? image.rgba.data() : rgb.data();
  size_t stride = size_t(image.width) * (alpha ? 4 : 3);
  for (int y = 0; y < image.height; ++y) {
    png_write_row(png, const_cast<png_bytep>(pixels + size_t(y) * stride));
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return std::move(writer.out);
}

std::string width_format(int width, std::string_view extension) {
  return fmt::format("{}w.{}", width, extension);
}

int width_of_format(std::string_view format) {
  size_t w = format.find("w.");
  if (w == std::string_view::npos || w == 0 || w > 6) return 0;
  int value = 0;
  for (char c : format.substr(0, w)) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string_view base_format(std::string_view format) {
  if (width_of_format(format) == 0) return format;
  return format.substr(format.find("w.") + 2);
}

}  // namespace assetpipe::transform
