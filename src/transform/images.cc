#include "transform/images.h"

#include <fstream>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "assetpipe/progress.h"

#include "transform/avif_encoder.h"
#include "transform/image_probe.h"
#include "transform/image_resize.h"
#include "transform/webp_encoder.h"
#include "util/interrupt.h"

namespace assetpipe::transform {
namespace {

constexpr size_t kGraphicMaxColours = 256;

bool is_encodable(const Asset& a) {
  return (a.kind == FileKind::Jpeg || a.kind == FileKind::Png) && a.map_of.empty();
}

util::Result<std::string> encode_variant(const std::string& format, const DecodedImage& image,
                                         const Options& options) {
  if (format == "webp") return encode_webp_variant(image, options);
  return encode_avif(image, {options.avif_quality, options.avif_speed, options.avif_yuv444});
}

// Kept only when smaller than the original by --min-image-saving.
std::string reason_to_skip(size_t variant_size, size_t original_size, double min_saving) {
  if (variant_size >= original_size) return "larger than original";
  double saving = 1.0 - double(variant_size) / double(original_size);
  if (saving < min_saving) {
    return fmt::format("saves {:.1f}%, under --min-image-saving {:g}%", saving * 100,
                       min_saving * 100);
  }
  return "";
}

ImageVariant make_variant(const std::string& format, const Asset& asset, const DecodedImage& image,
                          const Options& options, Diagnostics& diags) {
  ImageVariant v{format, "", image.width, image.height, ""};
  if (format == "webp" && (image.width > kWebpMaxDimension || image.height > kWebpMaxDimension)) {
    v.skipped = fmt::format("over WebP's limit of {} pixels a side", kWebpMaxDimension);
    diags.note(asset.logical,
               fmt::format("{}x{}: no WebP variant ({})", image.width, image.height, v.skipped));
    return v;
  }
  auto encoded = encode_variant(format, image, options);
  if (!encoded) {
    v.skipped = "encoder failed";
    diags.warning(asset.logical, fmt::format("cannot encode {}: {}; no {} variant", format,
                                             encoded.error(), format));
    return v;
  }
  v.skipped = reason_to_skip(encoded->size(), asset.bytes.size(), options.min_image_saving);
  if (v.skipped.empty()) v.bytes = std::move(*encoded);
  return v;
}

// nginx sends the AVIF to every browser that takes it: keep it only where
// it is smaller than the WebP it would be chosen over.
void drop_avif_not_smaller_than_webp(std::vector<ImageVariant>& variants) {
  const ImageVariant* webp = nullptr;
  for (const auto& v : variants) {
    if (base_format(v.format) == "webp" && v.skipped.empty()) webp = &v;
  }
  if (!webp) return;
  for (auto& v : variants) {
    if (base_format(v.format) != "avif" || !v.skipped.empty() ||
        v.bytes.size() < webp->bytes.size()) {
      continue;
    }
    v.skipped = fmt::format("{} bytes, not smaller than the WebP ({} bytes)", v.bytes.size(),
                            webp->bytes.size());
    v.bytes.clear();
  }
}

// Quality of the resized JPEGs of --image-widths (the srcset of browsers
// that take neither AVIF nor WebP); 82 keeps them below the input's bytes
// per pixel for photos saved at 85-95.
constexpr int kResizedJpegQuality = 82;

// --image-widths: each width below the image's, scaled from the decoded
// pixels, in the image's own format and each variant format (kept by the same
// rules as the full-size variants, against that width's own-format copy). A
// width whose own-format copy is not smaller than the full-size image (a
// palette PNG scaled to true colour) is left out.
void add_width_variants(std::vector<ImageVariant>& variants, const Asset& asset,
                        const DecodedImage& image, const std::vector<std::string>& formats,
                        const Options& options, Diagnostics& diags) {
  std::string own_format = asset.kind == FileKind::Png ? "png" : "jpg";
  for (int w : widths_below(options.image_widths, image.width)) {
    if (util::interrupted()) return;
    auto scaled = resize_to_width(image, w);
    auto own = !scaled                   ? util::Result<std::string>(util::fail(scaled.error()))
               : own_format == "png" ? encode_png(*scaled)
                                     : encode_jpeg(*scaled, kResizedJpegQuality);
    if (!own) {
      diags.warning(asset.logical, fmt::format("cannot make the {} pixels wide copy: {}; left "
                                               "out of its srcset",
                                               w, own.error()));
      continue;
    }
    std::vector<ImageVariant> group;
    group.push_back({width_format(w, own_format), std::move(*own), scaled->width,
                     scaled->height, ""});
    if (group[0].bytes.size() >= asset.bytes.size()) {
      group[0].bytes.clear();
      group[0].skipped = "not smaller than the full-size image";
      variants.push_back(std::move(group[0]));
      continue;
    }
    for (const auto& format : formats) {
      ImageVariant v{width_format(w, format), "", scaled->width, scaled->height, ""};
      auto encoded = encode_variant(format, *scaled, options);
      if (!encoded) {
        v.skipped = "encoder failed";
        diags.warning(asset.logical, fmt::format("cannot encode {}: {}; no {} variant", v.format,
                                                 encoded.error(), v.format));
      } else {
        v.skipped = reason_to_skip(encoded->size(), group[0].bytes.size(),
                                   options.min_image_saving);
        if (v.skipped.empty()) v.bytes = std::move(*encoded);
      }
      group.push_back(std::move(v));
    }
    drop_avif_not_smaller_than_webp(group);
    for (auto& v : group) variants.push_back(std::move(v));
  }
}

std::string variant_note(const Asset& asset, const ImageVariant& v) {
  if (!v.skipped.empty()) return fmt::format("{}: {}", v.format, v.skipped);
  return fmt::format("{} {} -> {} bytes", v.format, asset.bytes.size(), v.bytes.size());
}

// Most pixels first (encoding time follows pixels, not bytes), so the last
// image to start is a small one; then by size; ties keep path order.
std::vector<size_t> largest_first(const std::vector<Asset>& assets) {
  std::vector<std::pair<uint64_t, size_t>> keyed;
  for (size_t i = 0; i < assets.size(); ++i) {
    if (is_encodable(assets[i])) keyed.emplace_back(probe_pixels(assets[i].bytes), i);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return assets[a.second].bytes.size() > assets[b.second].bytes.size();
  });
  std::vector<size_t> order;
  for (const auto& k : keyed) order.push_back(k.second);
  return order;
}

}  // namespace

// Lossy, or lossless when the rule says so (see docs/images.md): for `auto`, a
// graphic PNG is encoded both ways and the smaller wins (lossless on a tie).
util::Result<std::string> encode_webp_variant(const DecodedImage& image, const Options& options) {
  WebpSettings lossy{options.webp_quality, false}, lossless{options.webp_quality, true};
  switch (options.webp_lossless) {
    case WebpLossless::On:
      return encode_webp(image, lossless);
    case WebpLossless::Off:
      return encode_webp(image, lossy);
    case WebpLossless::Auto:
      break;
  }
  auto lossy_bytes = encode_webp(image, lossy);
  if (!lossy_bytes || !image.from_png || !looks_like_graphic(image)) return lossy_bytes;
  auto lossless_bytes = encode_webp(image, lossless);
  if (lossless_bytes && lossless_bytes->size() <= lossy_bytes->size()) return lossless_bytes;
  return lossy_bytes;
}

bool looks_like_graphic(const DecodedImage& image) {
  std::unordered_set<uint32_t> colours;
  uint32_t last = 0;
  bool have_last = false;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    uint32_t c;
    std::memcpy(&c, image.rgba.data() + i, 4);
    if (have_last && c == last) continue;
    last = c;
    have_last = true;
    colours.insert(c);
    if (colours.size() > kGraphicMaxColours) return false;
  }
  return true;
}

std::vector<ImageVariant> variants_of(const Asset& asset, const Options& options,
                                      Diagnostics& diags) {
  std::vector<ImageVariant> variants;
  if (is_animated_png(asset.bytes)) {
    diags.note(asset.logical,
               "an animated PNG: no WebP/AVIF variants (they would show only the "
               "first frame); copied unchanged");
    return variants;
  }
  auto decoded = decode_image(asset.bytes, options.max_pixels);
  if (!decoded) {
    diags.warning(asset.logical, fmt::format("{}; copied unchanged", decoded.error()));
    return variants;
  }
  std::vector<std::string> formats;
  if (options.image_webp) formats.push_back("webp");
  if (options.image_avif) formats.push_back("avif");
  for (const auto& format : formats) {
    if (util::interrupted()) break;
    variants.push_back(make_variant(format, asset, *decoded, options, diags));
  }
  drop_avif_not_smaller_than_webp(variants);
  if (!options.image_widths.empty()) {
    add_width_variants(variants, asset, *decoded, formats, options, diags);
  }
  return variants;
}

bool wants_variants(const Asset& a, const Options& options) {
  return options.images && (options.image_webp || options.image_avif) && is_encodable(a);
}

ImageWork image_variants(const Asset& image, const Options& options, Diagnostics& diags) {
  ImageWork work;
  work.variants = variants_of(image, options, diags);
  for (const auto& v : work.variants) work.notes.push_back(variant_note(image, v));
  return work;
}

uint64_t probe_pixels_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(256 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return probe_pixels(head);
}

void make_image_variants(std::vector<Asset>& assets, const Options& options, Diagnostics& diags) {
  if (!options.images || (!options.image_webp && !options.image_avif)) return;
  std::vector<size_t> order = largest_first(assets);
  // Each task takes the next image in `order`, whichever index TBB hands it,
  // so images start largest first.
  std::atomic<size_t> next{0};
  tbb::parallel_for(
      size_t{0}, order.size(),
      [&](size_t) {
        if (util::interrupted()) return;
        Asset& asset = assets[order[next.fetch_add(1)]];
        progress::started(asset.logical);
        ImageWork work = image_variants(asset, options, diags);
        progress::done();
        asset.variants = std::move(work.variants);
        for (auto& n : work.notes) asset.notes.push_back(std::move(n));
      },
      tbb::simple_partitioner{});
}

}  // namespace assetpipe::transform
