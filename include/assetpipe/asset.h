// The unit of work: one file of the input tree, carried through the stages.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/rare.h"

namespace assetpipe {

enum class FileKind {
  Js,           // .js .mjs .cjs
  Css,          // .css
  Html,         // .html .htm
  Svg,          // .svg
  Jpeg,         // .jpg .jpeg
  Png,          // .png
  OtherImage,   // .gif .webp .avif .ico .bmp
  Font,         // .woff .woff2 .ttf .otf .eot
  Json,         // .json
  WebManifest,  // .webmanifest, manifest.json
  SourceMap,    // .map
  Other,
};

const char* to_string(FileKind kind);

// An image variant (WebP/AVIF) written beside the image: <final name>.<format>.
struct ImageVariant {
  std::string format;  // "webp" or "avif"
  std::string bytes;   // encoded bytes; empty when skipped (and once written: see Asset)
  int width = 0;
  int height = 0;
  std::string skipped;  // reason when not kept ("larger than original"), else empty
  uint64_t size = 0;    // bytes.size(), kept after the bytes are freed
};

// A precompressed encoding written beside the file: <final name>.br / .gz.
struct Encoding {
  enum class Codec : uint8_t { Brotli, Gzip };
  Codec codec = Codec::Brotli;
  RareString bytes;  // freed once written (see Asset)
  uint64_t size = 0;  // bytes.size(), kept after the bytes are freed

  // The one place for a codec's names: the manifest's and Content-Encoding's
  // "br"/"gzip", and the file suffix ".br"/".gz".
  static std::string_view name_of(Codec c) { return c == Codec::Brotli ? "br" : "gzip"; }
  static const char* suffix_of(Codec c) { return c == Codec::Brotli ? ".br" : ".gz"; }
  std::string_view name() const { return name_of(codec); }
  const char* suffix() const { return suffix_of(codec); }
};

// --preload: a file an HTML page preloads (a <link> in its <head>, and a Link
// header of its nginx location, usable for 103 Early Hints).
struct Preload {
  std::string file;  // output-relative path of the preloaded file
  std::string href;  // the URL the page and the header give for it
  std::string as;    // "script" (rel=modulepreload) or "font" (rel=preload as=font)
  std::string type;  // a font's MIME type ("font/woff2"), else ""
  std::string integrity;  // --sri, a module: its "sha384-...", else ""
};

// What the manifests, the report and the nginx snippets need of a file's
// final bytes, kept in the record after the bytes are freed.
struct Digest {
  uint64_t size = 0;
  // Raw SHA-384 (48 bytes in the record, where the SRI text took 32 + 80).
  std::array<unsigned char, 48> sha384{};
  RareString sha512;  // base64 SHA-512, only when a manifest format needs it (phoenix)
  // "sha384-<base64>" (Subresource Integrity), as the manifests write it.
  std::string integrity() const;
};

// One file: a small *record* kept for the whole build (path, kind, flags,
// final name, digests, variant and encoding sizes) and a *payload* (`bytes`,
// `source_map`'s text, the variants' and encodings' bytes) that lives only
// until the file is written into the staging folder. After that the payload
// strings are empty (a map keeps has_value()) and the record fields below
// (`digest`, `map_digest`, the sizes) say what was written.
struct Asset;
// The file to read `a` from: its `source_path`, else <input>/<logical>.
std::filesystem::path source_file(const Asset& a, const std::filesystem::path& input);

// `a.map_digest`, or an empty digest when it has none.
const Digest& map_digest_of(const Asset& a);

struct Asset {
  // Input-relative path with '/' separators: the manifest key.
  std::string logical;
  // Path to read from when it is not <input>/<logical>: a symbolic link's
  // resolved target (inside the input root). Empty for every other file,
  // which saves a copy of the path per file; read through source_file().
  RareString source_path;
  FileKind kind = FileKind::Other;
  bool entry = false;          // keeps its name (HTML, robots.txt, ...)
  bool fingerprinted = false;  // a bundler already put a content hash in its name
  // No stage reads or changes this file (video, fonts, archives, big files):
  // its bytes are never held; it is hashed while read in blocks and copied
  // (copy_file_range) into the output. See build.cc and emit/stream.h.
  bool streamed = false;
  int64_t mtime = 0;           // seconds since the epoch, written to every output file
  uint64_t input_size = 0;     // bytes as read from the input (set when they are read)
  RareString streamed_hash;  // of a streamed file: its name's content hash

  // Current bytes: original after scan, transformed after transform, final after link.
  std::string bytes;

  // The source map of `bytes` (JSON), if any: produced by the transform
  // stage (composed with the input's own map) or taken over by the link stage
  // from a standalone input .map. Emitted as `<output>.map`; the link stage
  // adds the sourceMappingURL comment to `bytes` and sets the map's `file`.
  RareOptional<std::string> source_map;
  // For an input .map whose content now lives in another asset's
  // `source_map`: that asset's logical path. Such a map is not emitted on its
  // own; the manifest lists it at its owner's `<output>.map`.
  RareString map_of;

  // The fields most files leave empty are held out of line (rare.h): 8 bytes
  // each in the record.
  RareVector<ImageVariant> variants;          // image stage
  RareVector<Encoding> encodings;             // emit stage (precompression)
  RareVector<Encoding> source_map_encodings;  // of `source_map`: <output>.map.br / .gz
  RareVector<std::string> imports;            // logical paths this asset references (link stage)
  RareVector<Preload> preloads;               // --preload, an HTML page (link stage)

  // Output-relative path with '/' separators, set by the link stage.
  std::string output;
  Digest digest;      // of the final bytes (emit::seal)
  // Of the final source map, when there is one (a pointer: most files have
  // none, and a Digest is 64 bytes). Read through map_digest_of().
  RareOptional<Digest> map_digest;
  // Transform notes shown with -v ("minified 1234 -> 567").
  RareVector<std::string> notes;
};

}  // namespace assetpipe
