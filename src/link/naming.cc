#include "link/naming.h"

#include <algorithm>

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
    std::vector<const ImageVariant*> kept;
    for (const auto& v : *c.variants) {
      if (v.skipped.empty()) kept.push_back(&v);
    }
    std::sort(kept.begin(), kept.end(),
              [](const ImageVariant* a, const ImageVariant* b) { return a->format < b->format; });
    for (const ImageVariant* v : kept) {
      h.add("variant");
      h.add(v->format);
      h.add(v->bytes);
    }
  }
  if (c.source_map) {
    h.add("map");
    h.add(*c.source_map);
  }
}

void add_member(util::NameHasher& h, std::string_view logical) {
  h.add("member");
  h.add(logical);
}

std::string with_placeholder(std::string_view text, std::string_view hash) {
  std::string out;
  if (hash.empty()) return std::string(text);
  size_t at = 0;
  for (size_t hit; (hit = text.find(hash, at)) != std::string_view::npos; at = hit + hash.size()) {
    out.append(text.substr(at, hit - at));
    out.append(kHashPlaceholder);
  }
  out.append(text.substr(at));
  return out;
}

std::string content_hash(const NamedContent& content) {
  util::NameHasher h;
  add_content(h, content);
  return h.hex(10);
}

std::string content_hash(const Asset& asset) {
  return content_hash(NamedContent{asset.bytes, &asset.variants.vec(),
                                   asset.source_map.get_if()});
}

}  // namespace assetpipe::link
