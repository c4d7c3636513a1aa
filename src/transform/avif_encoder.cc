#include "transform/avif_encoder.h"

#include <algorithm>
#include <vector>

#include <avif/avif.h>

#include <fmt/format.h>

namespace assetpipe::transform {
namespace {

// Owns the libavif objects of one encode.
struct AvifEncodeJob {
  avifImage* image = nullptr;
  avifEncoder* encoder = nullptr;
  avifRWData output = AVIF_DATA_EMPTY;
  ~AvifEncodeJob() {
    if (image) avifImageDestroy(image);
    if (encoder) avifEncoderDestroy(encoder);
    avifRWDataFree(&output);
  }
};

// sRGB when there is no ICC profile (what avifenc writes: 1/13/6); with one,
// primaries and transfer are left unspecified and the profile rules.
void describe_colour(avifImage* image, const DecodedImage& source) {
  image->yuvRange = AVIF_RANGE_FULL;
  image->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;
  if (source.icc.empty()) {
    image->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
    image->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
  } else {
    image->colorPrimaries = AVIF_COLOR_PRIMARIES_UNSPECIFIED;
    image->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_UNSPECIFIED;
    avifImageSetProfileICC(image, reinterpret_cast<const uint8_t*>(source.icc.data()),
                           source.icc.size());
  }
}

void configure(avifEncoder* encoder, const AvifSettings& settings) {
  int q = avif_quantizer(settings.quality);
  encoder->codecChoice = AVIF_CODEC_CHOICE_AOM;
  encoder->maxThreads = 1;  // the pool runs images in parallel
  encoder->speed = std::clamp(settings.speed, 0, 10);
  // avifEncoderCreate() defaults to lossless: always set all four.
  encoder->minQuantizer = encoder->maxQuantizer = q;
  encoder->minQuantizerAlpha = encoder->maxQuantizerAlpha = q;
}

}  // namespace

int avif_quantizer(int quality) {
  quality = std::clamp(quality, 0, 100);
  return ((100 - quality) * 63 + 50) / 100;
}

namespace {

// `consumed`: source's pixels, freed once converted (else left alone).
util::Result<std::string> encode(const DecodedImage& source, std::vector<uint8_t>* consumed,
                                 const AvifSettings& settings) {
  AvifEncodeJob job;
  job.image =
      avifImageCreate(static_cast<uint32_t>(source.width), static_cast<uint32_t>(source.height), 8,
                      settings.yuv444 ? AVIF_PIXEL_FORMAT_YUV444 : AVIF_PIXEL_FORMAT_YUV420);
  if (!job.image) return util::fail("out of memory creating the AVIF image");
  describe_colour(job.image, source);

  avifRGBImage rgb;
  avifRGBImageSetDefaults(&rgb, job.image);
  rgb.format = AVIF_RGB_FORMAT_RGBA;
  rgb.depth = 8;
  rgb.ignoreAlpha = source.has_alpha ? AVIF_FALSE : AVIF_TRUE;
  rgb.pixels = const_cast<uint8_t*>(source.rgba.data());  // read only by RGBToYUV
  rgb.rowBytes = static_cast<uint32_t>(source.width) * 4;
  avifResult r = avifImageRGBToYUV(job.image, &rgb);
  if (r != AVIF_RESULT_OK) return util::fail(fmt::format("libavif: {}", avifResultToString(r)));
  if (consumed) std::vector<uint8_t>().swap(*consumed);

  job.encoder = avifEncoderCreate();
  if (!job.encoder) return util::fail("out of memory creating the AVIF encoder");
  configure(job.encoder, settings);
  r = avifEncoderWrite(job.encoder, job.image, &job.output);
  if (r != AVIF_RESULT_OK) {
    return util::fail(
        fmt::format("libavif: {} {}", avifResultToString(r), job.encoder->diag.error));
  }
  return std::string(reinterpret_cast<const char*>(job.output.data), job.output.size);
}

}  // namespace

util::Result<std::string> encode_avif(const DecodedImage& image, const AvifSettings& settings) {
  return encode(image, nullptr, settings);
}

util::Result<std::string> encode_avif(DecodedImage&& image, const AvifSettings& settings) {
  return encode(image, &image.rgba, settings);
}

}  // namespace assetpipe::transform
