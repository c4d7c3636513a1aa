#include "link/naming.h"

#include "scan/classify.h"
#include "util/hash.h"

namespace assetpipe::link {

std::string hashed_name(std::string_view logical, std::string_view hash) {
  auto [stem, ext] = scan::split_extension(logical);
  std::string out = stem;
  out += '.';
  out += hash;
  out += ext;
  return out;
}

std::string content_hash(const Asset& asset) {
  util::NameHasher h;
  h.add("bytes");
  h.add(asset.bytes);
  for (const auto& v : asset.variants) {
    if (!v.skipped.empty()) continue;
    h.add("variant");
    h.add(v.format);
    h.add(v.bytes);
  }
  return h.hex(10);
}

}  // namespace assetpipe::link
