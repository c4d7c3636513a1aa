#include "transform/png_decoder.h"

#include <cstring>
#include <string>

#include <png.h>

#include <fmt/format.h>

namespace assetpipe::transform {
namespace {

// libpng reports errors by longjmp to png_jmpbuf(), set in decode_pixels().
// Nothing with a destructor lives between that frame and libpng's callbacks.
struct PngJob {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string_view bytes;
  size_t position = 0;
  uint64_t max_pixels = 0;
  bool too_large = false;
  png_uint_32 width = 0, height = 0;
  std::string message;
  DecodedImage image;
  std::vector<png_bytep> rows;

  ~PngJob() {
    if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
  }
};

void on_error(png_structp png, png_const_charp message) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  job->message = message;  // may throw bad_alloc only for huge messages; libpng's are short
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

void on_read(png_structp png, png_bytep out, png_size_t size) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (size > job->bytes.size() - job->position) png_error(png, "the file is truncated");
  std::memcpy(out, job->bytes.data() + job->position, size);
  job->position += size;
}

void keep_icc(PngJob& job) {
  png_charp name = nullptr;
  int compression = 0;
  png_bytep profile = nullptr;
  png_uint_32 size = 0;
  if (png_get_iCCP(job.png, job.info, &name, &compression, &profile, &size) && profile) {
    job.image.icc.assign(reinterpret_cast<const char*>(profile), size);
  }
}

// Every input becomes 8-bit RGBA: palette and low-bit grey expanded, tRNS
// made alpha, 16-bit scaled (not truncated), grey made RGB, opaque alpha added.
void request_rgba8(PngJob& job) {
  png_structp png = job.png;
  png_set_expand(png);
  png_set_scale_16(png);
  png_set_gray_to_rgb(png);
  png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
  png_set_interlace_handling(png);
  png_read_update_info(png, job.info);
}

bool decode_pixels(PngJob& job) {
  job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
  if (!job.png) {
    job.message = "out of memory";
    return false;
  }
  job.info = png_create_info_struct(job.png);
  if (!job.info) {
    job.message = "out of memory";
    return false;
  }
  if (setjmp(png_jmpbuf(job.png))) return false;
  png_set_read_fn(job.png, &job, on_read);
  png_read_info(job.png, job.info);
  job.width = png_get_image_width(job.png, job.info);
  job.height = png_get_image_height(job.png, job.info);
  if (uint64_t{job.width} * job.height > job.max_pixels) {
    job.too_large = true;
    return false;
  }
  int color_type = png_get_color_type(job.png, job.info);
  job.image.has_alpha =
      (color_type & PNG_COLOR_MASK_ALPHA) || png_get_valid(job.png, job.info, PNG_INFO_tRNS);
  keep_icc(job);
  request_rgba8(job);
  if (png_get_rowbytes(job.png, job.info) != size_t{job.width} * 4) {
    job.message = "unexpected row layout after conversion to RGBA";
    return false;
  }
  job.image.width = static_cast<int>(job.width);
  job.image.height = static_cast<int>(job.height);
  job.image.rgba.resize(size_t{job.width} * job.height * 4);
  job.rows.resize(job.height);
  for (png_uint_32 y = 0; y < job.height; ++y) {
    job.rows[y] = job.image.rgba.data() + size_t{y} * job.width * 4;
  }
  png_read_image(job.png, job.rows.data());
  return true;
}

}  // namespace

util::Result<DecodedImage> decode_png(std::string_view bytes, uint64_t max_pixels) {
  PngJob job;
  job.bytes = bytes;
  job.max_pixels = max_pixels;
  if (!decode_pixels(job)) {
    if (job.too_large) return util::fail(too_many_pixels(job.width, job.height, max_pixels));
    return util::fail(fmt::format("cannot decode the PNG: {}", job.message));
  }
  DecodedImage image = std::move(job.image);
  image.from_png = true;
  if (image.has_alpha && all_opaque(image.rgba)) image.has_alpha = false;
  return image;
}

}  // namespace assetpipe::transform
