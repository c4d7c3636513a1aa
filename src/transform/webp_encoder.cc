#include "transform/webp_encoder.h"

#include <webp/encode.h>
#include <webp/mux.h>

#include <fmt/format.h>

namespace assetpipe::transform {
namespace {

// Owns the libwebp objects of one encode.
struct WebpEncodeJob {
  WebPPicture picture{};
  WebPMemoryWriter writer{};
  WebpEncodeJob() {
    WebPPictureInit(&picture);
    WebPMemoryWriterInit(&writer);
  }
  ~WebpEncodeJob() {
    WebPPictureFree(&picture);
    WebPMemoryWriterClear(&writer);
  }
};

util::Result<std::string> add_icc(std::string bitstream, const std::string& icc) {
  WebPData image{reinterpret_cast<const uint8_t*>(bitstream.data()), bitstream.size()};
  WebPMux* mux = WebPMuxCreate(&image, /*copy_data=*/0);
  if (!mux) return util::fail("libwebpmux cannot parse the encoded WebP");
  WebPData profile{reinterpret_cast<const uint8_t*>(icc.data()), icc.size()};
  WebPData assembled{};
  WebPMuxError err = WebPMuxSetChunk(mux, "ICCP", &profile, /*copy_data=*/0);
  if (err == WEBP_MUX_OK) err = WebPMuxAssemble(mux, &assembled);
  WebPMuxDelete(mux);
  if (err != WEBP_MUX_OK)
    return util::fail(fmt::format("libwebpmux error {} adding the ICC profile", int(err)));
  std::string out(reinterpret_cast<const char*>(assembled.bytes), assembled.size);
  WebPDataClear(&assembled);
  return out;
}

}  // namespace

util::Result<std::string> encode_webp(const DecodedImage& image, const WebpSettings& settings) {
  if (image.width > kWebpMaxDimension || image.height > kWebpMaxDimension) {
    return util::fail(fmt::format("{}x{} is over WebP's limit of {} pixels a side", image.width,
                                  image.height, kWebpMaxDimension));
  }
  WebPConfig config;
  if (!WebPConfigInit(&config)) return util::fail("libwebp version mismatch");
  config.quality = static_cast<float>(settings.quality);
  config.method = 4;
  config.lossless = settings.lossless ? 1 : 0;
  config.thread_level = 0;  // the pool runs images in parallel
  if (!WebPValidateConfig(&config)) return util::fail("invalid WebP settings");

  WebpEncodeJob job;
  job.picture.use_argb = settings.lossless ? 1 : 0;
  job.picture.width = image.width;
  job.picture.height = image.height;
  const int stride = image.width * 4;
  int imported = image.has_alpha ? WebPPictureImportRGBA(&job.picture, image.rgba.data(), stride)
                                 : WebPPictureImportRGBX(&job.picture, image.rgba.data(), stride);
  if (!imported) return util::fail("out of memory importing pixels into libwebp");
  job.picture.writer = WebPMemoryWrite;
  job.picture.custom_ptr = &job.writer;
  if (!WebPEncode(&config, &job.picture)) {
    return util::fail(fmt::format("libwebp error {}", int(job.picture.error_code)));
  }
  std::string bitstream(reinterpret_cast<const char*>(job.writer.mem), job.writer.size);
  if (image.icc.empty()) return bitstream;
  return add_icc(std::move(bitstream), image.icc);
}

}  // namespace assetpipe::transform
