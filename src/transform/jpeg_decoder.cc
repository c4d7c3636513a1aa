#include "transform/jpeg_decoder.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <fmt/format.h>

#include "transform/exif_orientation.h"

namespace assetpipe::transform {
namespace {

// libjpeg reports fatal errors through error_exit, which must not return: it
// jumps back to decode_pixels(). Nothing with a destructor lives in between
// (only libjpeg's C frames), so the jump skips no C++ cleanup.
struct JpegJob {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
  bool created = false;
  std::string_view bytes;
  uint64_t max_pixels = 0;
  bool too_large = false;
  DecodedImage image;
  std::vector<uint8_t> row;  // one CMYK row

  ~JpegJob() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  auto* job = static_cast<JpegJob*>(cinfo->client_data);
  cinfo->err->format_message(cinfo, job->message);
  std::longjmp(job->jump, 1);
}

// Warnings that mean the pixels are not the whole picture: a variant made from
// them would show grey or garbage where the browser shows what it could.
void on_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC ||
      code == JWRN_HUFF_BAD_CODE) {
    on_error_exit(cinfo);
  }
}

void keep_metadata(JpegJob& job) {
  for (jpeg_saved_marker_ptr m = job.cinfo.marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && job.image.orientation == 1) {
      job.image.orientation =
          exif_orientation({reinterpret_cast<const char*>(m->data), m->data_length});
    }
  }
  JOCTET* icc = nullptr;
  unsigned int icc_size = 0;
  if (jpeg_read_icc_profile(&job.cinfo, &icc, &icc_size) && icc) {
    job.image.icc.assign(reinterpret_cast<const char*>(icc), icc_size);
  }
  std::free(icc);
}

// Adobe applications write CMYK inverted (255 = no ink) and say so with an
// APP14 "Adobe" marker; others write plain CMYK.
void cmyk_to_rgba(const uint8_t* cmyk, uint8_t* rgba, size_t pixels, bool inverted) {
  for (size_t i = 0; i < pixels; ++i, cmyk += 4, rgba += 4) {
    unsigned c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
    if (!inverted) c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
    rgba[0] = uint8_t((c * k + 127) / 255);
    rgba[1] = uint8_t((m * k + 127) / 255);
    rgba[2] = uint8_t((y * k + 127) / 255);
    rgba[3] = 255;
  }
}

// Returns false on a libjpeg error (job.message) or when over max_pixels.
bool decode_pixels(JpegJob& job) {
  jpeg_decompress_struct& cinfo = job.cinfo;
  if (setjmp(job.jump)) return false;
  cinfo.err = jpeg_std_error(&job.err);
  job.err.error_exit = on_error_exit;
  job.err.emit_message = on_emit_message;
  cinfo.client_data = &job;  // kept by jpeg_create_decompress; read by the handlers
  jpeg_create_decompress(&cinfo);
  job.created = true;
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(job.bytes.data()),
               static_cast<unsigned long>(job.bytes.size()));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  if (uint64_t{cinfo.image_width} * cinfo.image_height > job.max_pixels) {
    job.too_large = true;
    return false;
  }
  keep_metadata(job);
  bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
  jpeg_start_decompress(&cinfo);
  const size_t width = cinfo.output_width;
  job.image.width = static_cast<int>(cinfo.output_width);
  job.image.height = static_cast<int>(cinfo.output_height);
  job.image.rgba.resize(width * cinfo.output_height * 4);
  if (cmyk) job.row.resize(width * 4);
  while (cinfo.output_scanline < cinfo.output_height) {
    uint8_t* out = job.image.rgba.data() + size_t{cinfo.output_scanline} * width * 4;
    JSAMPROW row = cmyk ? job.row.data() : out;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
      std::snprintf(job.message, sizeof job.message, "the data ends early");
      return false;
    }
    if (cmyk) cmyk_to_rgba(job.row.data(), out, width, cinfo.saw_Adobe_marker);
  }
  jpeg_finish_decompress(&cinfo);
  return true;
}

}  // namespace

util::Result<DecodedImage> decode_jpeg(std::string_view bytes, uint64_t max_pixels) {
  JpegJob job;
  job.bytes = bytes;
  job.max_pixels = max_pixels;
  if (!decode_pixels(job)) {
    if (job.too_large) {
      return util::fail(too_many_pixels(job.cinfo.image_width, job.cinfo.image_height, max_pixels));
    }
    return util::fail(fmt::format("cannot decode the JPEG: {}", job.message));
  }
  DecodedImage image = std::move(job.image);
  apply_orientation(image.rgba, image.width, image.height, image.orientation);
  return image;
}

}  // namespace assetpipe::transform
