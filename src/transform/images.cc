#include "transform/images.h"

#include <fstream>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>


#include "cache/cache.h"
#include "cache/key.h"
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

// `last_use`: nothing reads `image` after this (its pixels may be freed early).
util::Result<std::string> encode_variant(const std::string& format, DecodedImage& image,
                                         const Options& options, bool last_use = false) {
  if (format == "webp") return encode_webp_variant(image, options);
  AvifSettings settings{options.avif_quality, options.avif_speed, options.avif_yuv444};
  return last_use ? encode_avif(std::move(image), settings) : encode_avif(image, settings);
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

ImageVariant make_variant(const std::string& format, const Asset& asset, DecodedImage& image,
                          const Options& options, Diagnostics& diags, bool last_use) {
  ImageVariant v{format, "", image.width, image.height, ""};
  if (format == "webp" && (image.width > kWebpMaxDimension || image.height > kWebpMaxDimension)) {
    v.skipped = fmt::format("over WebP's limit of {} pixels a side", kWebpMaxDimension);
    diags.note(asset.logical,
               fmt::format("{}x{}: no WebP variant ({})", image.width, image.height, v.skipped));
    return v;
  }
  auto encoded = encode_variant(format, image, options, last_use);
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
  for (size_t k = 0; k < formats.size(); ++k) {
    if (util::interrupted()) break;
    bool last_use = k + 1 == formats.size() && options.image_widths.empty();
    variants.push_back(make_variant(formats[k], asset, *decoded, options, diags, last_use));
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

namespace {

// The cache key of an image's variants: its bytes, the codecs' versions and
// every option variants_of() reads.
std::string image_key(const Asset& image, const Options& options) {
  std::string widths;
  for (int w : options.image_widths) widths += std::to_string(w) + ",";
  cache::Key k("image");
  k.add("codecs", cache::image_codec_versions())
      .add("kind", to_string(image.kind))
      .add("bytes", image.bytes)
      .add("webp", options.image_webp)
      .add("avif", options.image_avif)
      .add("webp-quality", options.webp_quality)
      .add("webp-lossless", static_cast<int>(options.webp_lossless))
      .add("avif-quality", options.avif_quality)
      .add("avif-speed", options.avif_speed)
      .add("avif-yuv444", options.avif_yuv444)
      .add("min-image-saving", options.min_image_saving)
      .add("max-pixels", static_cast<int64_t>(options.max_pixels))
      .add("widths", widths);
  return k.hex();
}

std::string pack_variants(const std::vector<ImageVariant>& variants) {
  std::vector<std::string> items;
  for (const auto& v : variants) {
    items.push_back(cache::pack_list(
        {v.format, v.bytes, std::to_string(v.width), std::to_string(v.height), v.skipped}));
  }
  return cache::pack_list(items);
}

std::optional<std::vector<ImageVariant>> unpack_variants(std::string_view packed) {
  auto items = cache::unpack_list(packed);
  if (!items) return std::nullopt;
  std::vector<ImageVariant> out;
  for (const auto& item : *items) {
    auto f = cache::unpack_list(item);
    if (!f || f->size() != 5) return std::nullopt;
    ImageVariant v{(*f)[0], std::move((*f)[1]), std::atoi((*f)[2].c_str()),
                   std::atoi((*f)[3].c_str()), (*f)[4]};
    v.size = v.bytes.size();
    out.push_back(std::move(v));
  }
  return out;
}

// An image's key has its bytes, not its path: a copy elsewhere in the tree
// (or another site) shares the entry, and its diagnostics name it, not the
// file that stored them.
constexpr const char* kThisImage = "\x01this image";

std::optional<ImageWork> cached_variants_of(const Asset& image, cache::Entry& e,
                                            Diagnostics& diags) {
  auto variants = unpack_variants(e.get("variants").value_or(""));
  auto notes = cache::unpack_list(e.get("notes").value_or(""));
  auto raised = cache::unpack_diagnostics(e.get("diagnostics").value_or(""));
  if (!variants || !notes || !raised) return std::nullopt;
  for (auto& d : *raised) {
    if (d.file == kThisImage) d.file = image.logical;
    diags.add(std::move(d));
  }
  ImageWork work{std::move(*variants), std::move(*notes)};
  if (auto note = cache::hit_note("variants"); !note.empty()) work.notes.push_back(note);
  return work;
}

}  // namespace

ImageWork image_variants(const Asset& image, const Options& options, Diagnostics& diags,
                         cache::Cache* cache) {
  std::string key;
  if (cache) {
    key = image_key(image, options);
    if (auto e = cache->get(cache::Stage::Image, key)) {
      if (auto work = cached_variants_of(image, *e, diags)) return std::move(*work);
    }
  }
  Diagnostics local;
  ImageWork work;
  work.variants = variants_of(image, options, local);
  for (const auto& v : work.variants) work.notes.push_back(variant_note(image, v));
  auto raised = local.sorted();
  for (auto& d : raised) {
    diags.add(d);
    if (d.file == image.logical) d.file = kThisImage;
  }
  if (cache && !util::interrupted()) {
    cache::Entry e;
    e.set("variants", pack_variants(work.variants));
    e.set("notes", cache::pack_list(work.notes));
    e.set("diagnostics", cache::pack_diagnostics(raised));
    cache->put(cache::Stage::Image, key, e);
  }
  return work;
}

uint64_t probe_pixels_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(256 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return probe_pixels(head);
}

}  // namespace assetpipe::transform
