#include "link/naming.h"

#include "scan/classify.h"

namespace assetpipe::link {

std::string hashed_name(std::string_view logical, std::string_view hash) {
  auto [stem, ext] = scan::split_extension(logical);
  std::string out = stem;
  out += '.';
  out += hash;
  out += ext;
  return out;
}

void add_content(util::NameHasher& h, const NamedContent& c) {
  h.add("bytes");
  h.add(c.bytes);
  if (c.variants) {
    for (const auto& v : *c.variants) {
      if (!v.skipped.empty()) continue;
      h.add("variant");
      h.add(v.format);
      h.add(v.bytes);
    }
  }
  if (c.source_map && c.source_map->has_value()) {
    h.add("map");
    h.add(**c.source_map);
    if (!c.map_generated.empty()) {
      h.add("map-generated");
      h.add(c.map_generated);
    }
  }
}

std::string content_hash(const NamedContent& content) {
  util::NameHasher h;
  add_content(h, content);
  return h.hex(10);
}

std::string content_hash(const Asset& asset) {
  return content_hash(NamedContent{asset.bytes, &asset.variants, &asset.source_map, {}});
}

}  // namespace assetpipe::link
