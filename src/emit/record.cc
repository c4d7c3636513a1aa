#include "emit/record.h"

#include <algorithm>

#include <fmt/format.h>

#include "link/naming.h"
#include "scan/classify.h"
#include "util/file.h"
#include "util/hash.h"

namespace assetpipe::emit {
namespace {

bool wants_sha512(const Options& options) {
  return std::find(options.manifest_formats.begin(), options.manifest_formats.end(), "phoenix") !=
         options.manifest_formats.end();
}

Digest digest_of(std::string_view bytes, bool sha512) {
  Digest d;
  d.size = bytes.size();
  d.sha384 = util::sha384(bytes);
  if (sha512) d.sha512 = util::sha512_base64(bytes);
  return d;
}

template <class T>
void release(T& s) {
  T().swap(s);
}

}  // namespace

bool is_streamed(const Asset& a, const Options& options) {
  switch (a.kind) {
    case FileKind::Font:
    case FileKind::OtherImage:
    case FileKind::Other:
      break;
    case FileKind::Jpeg:
    case FileKind::Png:
      if (options.images && (options.image_webp || options.image_avif)) return false;
      break;
    default:
      return false;  // minified, scanned for references, or a map
  }
  if (scan::bundler_manifest(a.logical) != scan::BundlerManifest::None) return false;
  if (a.input_size > kStreamTextOver) return true;
  bool compressible = (options.compress_br || options.compress_gz) && scan::is_text_type(a.logical);
  return !compressible;
}

util::Result<util::Ok> hash_streamed(Asset& a, const Options& options) {
  util::NameHasher name;
  util::DigestStream digests(wants_sha512(options));
  // The fields of link::add_content for bytes alone: "bytes", then the bytes.
  name.add("bytes");
  name.begin_field(a.input_size);
  auto read = util::read_blocks(source_file(a, options.input), [&](std::string_view piece) {
    name.update(piece);
    digests.update(piece);
  });
  if (!read) return util::fail(read.error());
  if (*read != a.input_size) {
    return util::fail(fmt::format("{} changed during the build ({} bytes, then {})",
                                  util::printable(a.logical), a.input_size, *read));
  }
  a.streamed_hash = name.hex(10);
  a.digest.size = *read;
  a.digest.sha384 = digests.sha384();
  a.digest.sha512 = digests.sha512_base64();
  return util::Ok{};
}

void seal(Asset& a, const Options& options) {
  bool sha512 = wants_sha512(options);
  if (!a.streamed) a.digest = digest_of(a.bytes, sha512);
  if (a.source_map) a.map_digest = digest_of(*a.source_map, sha512);
  for (auto& v : a.variants) v.size = v.bytes.size();
}

void free_payload(Asset& a) {
  release(a.bytes);
  if (a.source_map) release(*a.source_map);
  for (auto& v : a.variants) release(v.bytes);
  for (auto& e : a.encodings) release(e.bytes);
  for (auto& e : a.source_map_encodings) release(e.bytes);
}

}  // namespace assetpipe::emit
