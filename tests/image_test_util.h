// Helpers for the image tests: synthetic JPEG/PNG writers (libjpeg-turbo,
// libpng), WebP/AVIF decoders (libwebp, libavif) and pixel comparisons, so
// fixtures are generated in the test and stay tiny.
#pragma once

#include <cmath>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <avif/avif.h>
#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>
#include <webp/mux.h>
#include <zlib.h>

namespace assetpipe::test::images {

struct Pixels {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;
  uint8_t* at(int x, int y) { return rgba.data() + (size_t(y) * size_t(width) + size_t(x)) * 4; }
  const uint8_t* at(int x, int y) const {
    return rgba.data() + (size_t(y) * size_t(width) + size_t(x)) * 4;
  }
};

// Smooth gradients and soft circles: compresses like a photo, no noise.
inline Pixels photo(int w, int h) {
  Pixels p{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 4)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double fx = double(x) / w, fy = double(y) / h;
      double ring = 0.5 + 0.5 * std::sin(std::hypot(fx - 0.4, fy - 0.6) * 18.0);
      uint8_t* px = p.at(x, y);
      px[0] = uint8_t(40 + 180 * fx * ring);
      px[1] = uint8_t(30 + 200 * fy);
      px[2] = uint8_t(200 - 150 * fx * fy + 40 * ring);
      px[3] = 255;
    }
  }
  return p;
}

inline void fill(Pixels& p, int x0, int y0, int w, int h, uint8_t r, uint8_t g, uint8_t b,
                 uint8_t a = 255) {
  for (int y = y0; y < y0 + h; ++y) {
    for (int x = x0; x < x0 + w; ++x) {
      uint8_t* px = p.at(x, y);
      px[0] = r, px[1] = g, px[2] = b, px[3] = a;
    }
  }
}

// A small well-formed ICC profile that libpng accepts: header, a 'wtpt' tag
// and a private tag of pseudo-random bytes (libpng 1.6 rejects an iCCP chunk
// under ~92 bytes, which a tiny profile would compress to).
inline std::string icc_profile(const char* colour_space = "RGB ") {
  const uint32_t size = 400;
  std::string icc(size, '\0');
  auto put32 = [&](size_t at, uint32_t v) {
    icc[at] = char(v >> 24), icc[at + 1] = char(v >> 16), icc[at + 2] = char(v >> 8),
    icc[at + 3] = char(v);
  };
  put32(0, size);
  std::memcpy(&icc[4], "test", 4);
  put32(8, 0x02100000);  // version 2.1
  std::memcpy(&icc[12], "mntr", 4);
  std::memcpy(&icc[16], colour_space, 4);
  std::memcpy(&icc[20], "XYZ ", 4);
  std::memcpy(&icc[36], "acsp", 4);
  put32(68, 0x0000F6D6), put32(72, 0x00010000), put32(76, 0x0000D32D);  // D50
  put32(128, 2);                                                        // tag count
  std::memcpy(&icc[132], "wtpt", 4), put32(136, 156), put32(140, 20);
  std::memcpy(&icc[144], "zzzz", 4), put32(148, 176), put32(152, size - 176);
  std::memcpy(&icc[156], "XYZ ", 4);
  put32(164, 0x0000F351), put32(168, 0x00010000), put32(172, 0x000116CC);
  std::memcpy(&icc[176], "data", 4);
  uint32_t x = 12345;
  for (uint32_t i = 184; i < size; ++i) icc[i] = char((x = x * 1103515245 + 12345) >> 16);
  return icc;
}

// An APP1 Exif payload with IFD0 holding only the orientation.
inline std::string exif_with_orientation(int orientation, bool big_endian = false) {
  std::string e("Exif\0\0", 6);
  auto u16 = [&](uint16_t v) {
    if (big_endian)
      e += char(v >> 8), e += char(v & 0xFF);
    else
      e += char(v & 0xFF), e += char(v >> 8);
  };
  auto u32 = [&](uint32_t v) {
    if (big_endian)
      u16(uint16_t(v >> 16)), u16(uint16_t(v));
    else
      u16(uint16_t(v)), u16(uint16_t(v >> 16));
  };
  e += big_endian ? "MM" : "II";
  u16(42), u32(8);              // TIFF header, IFD0 at 8
  u16(1);                       // one entry
  u16(0x0112), u16(3), u32(1);  // Orientation, SHORT, count 1
  u16(uint16_t(orientation)), u16(0);
  u32(0);  // no next IFD
  return e;
}

struct JpegOptions {
  int quality = 95;
  bool progressive = false;
  bool grayscale = false;
  bool cmyk_adobe = false;  // pixels written as inverted CMYK with an Adobe marker
  std::string exif;         // APP1 payload
  std::string icc;
};

inline std::string write_jpeg(const Pixels& p, const JpegOptions& o = {}) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* mem = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &mem, &size);
  c.image_width = JDIMENSION(p.width);
  c.image_height = JDIMENSION(p.height);
  c.input_components = o.grayscale ? 1 : 4;
  c.in_color_space = o.grayscale ? JCS_GRAYSCALE : o.cmyk_adobe ? JCS_CMYK : JCS_EXT_RGBA;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, o.quality, TRUE);
  if (o.progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  if (!o.exif.empty()) {
    jpeg_write_marker(&c, JPEG_APP0 + 1, reinterpret_cast<const JOCTET*>(o.exif.data()),
                      unsigned(o.exif.size()));
  }
  if (!o.icc.empty()) {
    jpeg_write_icc_profile(&c, reinterpret_cast<const JOCTET*>(o.icc.data()),
                           unsigned(o.icc.size()));
  }
  std::vector<uint8_t> row(size_t(p.width) * 4);
  while (c.next_scanline < c.image_height) {
    const uint8_t* src = p.at(0, int(c.next_scanline));
    for (int x = 0; x < p.width; ++x) {
      const uint8_t* s = src + x * 4;
      if (o.grayscale) {
        row[size_t(x)] = s[1];
      } else if (o.cmyk_adobe) {  // inverted CMYK: 255 = no ink; K = 0 ink
        row[size_t(x) * 4 + 0] = s[0], row[size_t(x) * 4 + 1] = s[1];
        row[size_t(x) * 4 + 2] = s[2], row[size_t(x) * 4 + 3] = 255;
      } else {
        std::memcpy(&row[size_t(x) * 4], s, 4);
      }
    }
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<char*>(mem), size);
  jpeg_destroy_compress(&c);
  std::free(mem);
  return out;
}

struct PngOptions {
  int color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  int bit_depth = 8;  // 16: each 8-bit value v is written as v * 257
  bool interlaced = false;
  std::string icc;
  // For PNG_COLOR_TYPE_PALETTE: the palette is built from the pixels (<= 256
  // colours); alpha < 255 goes into tRNS.
};

inline void png_append(png_structp png, png_bytep data, png_size_t n) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), n);
}

inline std::string write_png(const Pixels& p, const PngOptions& o = {}) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) throw std::runtime_error("libpng write failed");
  png_set_write_fn(png, &out, png_append, nullptr);
  png_set_IHDR(png, info, png_uint_32(p.width), png_uint_32(p.height), o.bit_depth, o.color_type,
               o.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_color> palette;
  std::vector<png_byte> alphas;
  std::vector<uint32_t> keys;
  if (o.color_type == PNG_COLOR_TYPE_PALETTE) {
    for (size_t i = 0; i < p.rgba.size(); i += 4) {
      uint32_t k;
      std::memcpy(&k, &p.rgba[i], 4);
      bool seen = false;
      for (auto x : keys) seen |= x == k;
      if (!seen) keys.push_back(k);
    }
    for (auto k : keys) {
      auto b = reinterpret_cast<const uint8_t*>(&k);
      palette.push_back({b[0], b[1], b[2]});
      alphas.push_back(b[3]);
    }
    png_set_PLTE(png, info, palette.data(), int(palette.size()));
    png_set_tRNS(png, info, alphas.data(), int(alphas.size()), nullptr);
  }
  if (!o.icc.empty()) {
    png_set_iCCP(png, info, "test", PNG_COMPRESSION_TYPE_BASE,
                 reinterpret_cast<png_const_bytep>(o.icc.data()), png_uint_32(o.icc.size()));
  }
  png_write_info(png, info);
  if (o.bit_depth == 16) png_set_swap(png);  // rows below are little-endian uint16
  const bool gray = !(o.color_type & PNG_COLOR_MASK_COLOR);
  const bool alpha = o.color_type & PNG_COLOR_MASK_ALPHA;
  const int channels =
      o.color_type == PNG_COLOR_TYPE_PALETTE ? 1 : (gray ? 1 : 3) + (alpha ? 1 : 0);
  const int bytes = o.bit_depth == 16 ? 2 : 1;
  std::vector<std::vector<uint8_t>> rows(size_t(p.height),
                                         std::vector<uint8_t>(size_t(p.width) * 8));
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      const uint8_t* s = p.at(x, y);
      uint8_t values[4];
      int n = 0;
      if (o.color_type == PNG_COLOR_TYPE_PALETTE) {
        uint32_t k;
        std::memcpy(&k, s, 4);
        for (size_t i = 0; i < keys.size(); ++i)
          if (keys[i] == k) values[n] = uint8_t(i);
        n = 1;
      } else {
        if (gray)
          values[n++] = s[1];
        else
          values[n++] = s[0], values[n++] = s[1], values[n++] = s[2];
        if (alpha) values[n++] = s[3];
      }
      for (int c = 0; c < n; ++c) {
        uint8_t* d = &rows[size_t(y)][(size_t(x) * size_t(channels) + size_t(c)) * size_t(bytes)];
        if (bytes == 2)
          d[0] = values[c], d[1] = values[c];  // v * 257, either byte order
        else
          d[0] = values[c];
      }
    }
  }
  std::vector<png_bytep> ptrs;
  for (auto& r : rows) ptrs.push_back(r.data());
  png_write_image(png, ptrs.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

// A PNG whose IHDR claims width x height, followed by a tiny IDAT and IEND
// (valid CRCs): a decompression bomb's header.
inline std::string png_claiming(uint32_t width, uint32_t height) {
  std::string out("\x89PNG\r\n\x1a\n", 8);
  auto chunk = [&](const char* type, const std::string& data) {
    auto be32 = [&](uint32_t v) {
      out += char(v >> 24), out += char(v >> 16), out += char(v >> 8), out += char(v);
    };
    be32(uint32_t(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    be32(uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
  };
  std::string ihdr;
  for (uint32_t v : {width, height})
    ihdr += char(v >> 24), ihdr += char(v >> 16), ihdr += char(v >> 8), ihdr += char(v);
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // 8-bit RGBA
  chunk("IHDR", ihdr);
  chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
  chunk("IEND", "");
  return out;
}

struct Decoded {
  Pixels pixels;
  std::string icc;
  bool lossless = false;  // WebP: VP8L bitstream
  bool has_alpha = false;
  uint32_t transform_flags = 0;  // AVIF: irot/imir present
};

inline Decoded decode_webp(const std::string& bytes) {
  Decoded d;
  auto data = reinterpret_cast<const uint8_t*>(bytes.data());
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(data, bytes.size(), &features) != VP8_STATUS_OK)
    throw std::runtime_error("not a WebP");
  d.lossless = features.format == 2;
  d.has_alpha = features.has_alpha;
  uint8_t* px = WebPDecodeRGBA(data, bytes.size(), &d.pixels.width, &d.pixels.height);
  if (!px) throw std::runtime_error("WebP decode failed");
  d.pixels.rgba.assign(px, px + size_t(d.pixels.width) * size_t(d.pixels.height) * 4);
  WebPFree(px);
  WebPData wd{data, bytes.size()};
  if (WebPMux* mux = WebPMuxCreate(&wd, 0)) {
    WebPData chunk{};
    if (WebPMuxGetChunk(mux, "ICCP", &chunk) == WEBP_MUX_OK) {
      d.icc.assign(reinterpret_cast<const char*>(chunk.bytes), chunk.size);
    }
    WebPMuxDelete(mux);
  }
  return d;
}

inline Decoded decode_avif(const std::string& bytes) {
  Decoded d;
  avifImage* image = avifImageCreateEmpty();
  avifDecoder* decoder = avifDecoderCreate();
  avifResult r = avifDecoderReadMemory(
      decoder, image, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (r != AVIF_RESULT_OK) {
    avifDecoderDestroy(decoder);
    avifImageDestroy(image);
    throw std::runtime_error(std::string("AVIF decode failed: ") + avifResultToString(r));
  }
  avifRGBImage rgb;
  avifRGBImageSetDefaults(&rgb, image);
  rgb.format = AVIF_RGB_FORMAT_RGBA;
  rgb.depth = 8;
  avifRGBImageAllocatePixels(&rgb);
  avifImageYUVToRGB(image, &rgb);
  d.pixels.width = int(image->width);
  d.pixels.height = int(image->height);
  for (uint32_t y = 0; y < rgb.height; ++y) {
    d.pixels.rgba.insert(d.pixels.rgba.end(), rgb.pixels + size_t(y) * rgb.rowBytes,
                         rgb.pixels + size_t(y) * rgb.rowBytes + size_t(rgb.width) * 4);
  }
  d.icc.assign(reinterpret_cast<const char*>(image->icc.data), image->icc.size);
  d.has_alpha = image->alphaPlane != nullptr;
  d.transform_flags = image->transformFlags;
  avifRGBImageFreePixels(&rgb);
  avifDecoderDestroy(decoder);
  avifImageDestroy(image);
  return d;
}

// PSNR in dB over the RGB channels (or the alpha channel only).
inline double psnr(const Pixels& a, const Pixels& b, bool alpha_only = false) {
  if (a.width != b.width || a.height != b.height) return 0;
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < a.rgba.size(); ++i) {
    if ((i % 4 == 3) != alpha_only) continue;
    double d = double(a.rgba[i]) - double(b.rgba[i]);
    sum += d * d;
    ++n;
  }
  if (sum == 0) return 99;
  return 10 * std::log10(255.0 * 255.0 / (sum / double(n)));
}

// Mean colour of a w x h block.
inline std::vector<double> mean(const Pixels& p, int x0, int y0, int w, int h) {
  std::vector<double> m(4, 0);
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x)
      for (int c = 0; c < 4; ++c) m[size_t(c)] += p.at(x, y)[c];
  for (auto& v : m) v /= double(w * h);
  return m;
}

}  // namespace assetpipe::test::images
