#include "link/html_enhance.h"

#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "link/html_scanner.h"
#include "link/markup_tokenizer.h"
#include "transform/image_probe.h"
#include "transform/image_resize.h"
#include "util/file.h"
#include "util/hash.h"

namespace assetpipe::link {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string lower_trimmed(const MarkupAttribute* a) {
  if (!a) return "";
  std::string s = a->value.trimmed().text;
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// <link rel> values whose fetch checks an integrity attribute: style sheets,
// module preloads, and preloads of scripts and style sheets (a preload's
// integrity must be the one of the tag that uses it, which --sri gives too;
// fonts and images are fetched from CSS and markup without one).
bool link_takes_integrity(const MarkupTag& tag) {
  const MarkupAttribute* rel = tag.find("rel");
  if (!rel) return false;
  const std::string& r = rel->value.text;
  if (contains_word(r, "stylesheet") || contains_word(r, "modulepreload")) return true;
  if (!contains_word(r, "preload")) return false;
  std::string as = lower_trimmed(tag.find("as"));
  return as == "script" || as == "style";
}

// `s` between quotes that it does not contain; nullopt when it holds both kinds.
std::optional<std::string> attribute_value(std::string_view s) {
  char q = s.find('"') == std::string_view::npos    ? '"'
           : s.find('\'') == std::string_view::npos ? '\''
                                                    : '\0';
  if (q == '\0') return std::nullopt;
  return fmt::format("{}{}{}", q, s, q);
}

// The bytes of an attribute's value as written (entities and all).
std::string_view raw_value(std::string_view doc, const MarkupAttribute& a) {
  return doc.substr(a.value.raw.front(), a.value.raw.back() - a.value.raw.front());
}

bool has_kept_variant(const Asset& a, std::string_view format) {
  for (const auto& v : a.variants) {
    if (v.format == format && v.skipped.empty()) return true;
  }
  return false;
}

// "2x" -> 2, "" -> 1; nullopt for a width descriptor or anything else.
std::optional<double> density(std::string_view descriptor) {
  if (descriptor.empty()) return 1.0;
  if (!descriptor.ends_with('x')) return std::nullopt;
  std::string number(descriptor.substr(0, descriptor.size() - 1));
  char* end = nullptr;
  double d = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !(d > 0) || !std::isfinite(d)) return std::nullopt;
  return d;
}

class Enhancer {
 public:
  Enhancer(std::string_view doc, const std::vector<EnhanceRef>& refs, const Options& options)
      : doc_(doc), options_(options) {
    for (const auto& r : refs) by_begin_.emplace(r.begin, &r);
  }

  Enhanced run() {
    MarkupHandler handler;
    handler.tag = [this](const MarkupTag& tag) { on_tag(tag); };
    tokenize_markup(doc_, false, handler);
    if (options_.preload) preload();
    for (auto& [offset, edit] : edits_) out_.edits.push_back(std::move(edit));
    return std::move(out_);
  }

 private:
  std::string_view doc_;
  const Options& options_;
  std::map<size_t, const EnhanceRef*> by_begin_;
  std::map<size_t, Edit> edits_;  // by offset: insertions at one offset are joined in order
  Enhanced out_;
  int picture_depth_ = 0;
  // --preload: what the page loads and already preloads, and where links go.
  std::vector<const EnhanceRef*> module_scripts_;
  std::vector<const EnhanceRef*> stylesheets_;
  std::set<const Asset*> preloaded_;  // targets of the page's own modulepreload/preload links
  std::optional<size_t> first_load_;  // the first <script> or <link rel=stylesheet>
  std::optional<size_t> head_end_;    // </head>
  // After the last <script type=importmap>: a module fetch (a modulepreload
  // too) before an import map makes the browser refuse the map.
  bool in_importmap_ = false;
  std::optional<size_t> importmap_end_;

  void insert(size_t offset, const std::string& text) {
    if (text.empty()) return;
    auto [it, inserted] = edits_.emplace(offset, Edit{offset, 0, text});
    if (!inserted) it->second.replacement += text;
  }

  void note(size_t offset, std::string message, bool warning = false) {
    out_.notes.push_back({offset, std::move(message), warning});
  }

  const EnhanceRef* ref_at(const DecodedText& url) const {
    DecodedText t = url.trimmed();
    if (t.text.empty()) return nullptr;
    auto it = by_begin_.find(t.raw.front());
    return it == by_begin_.end() ? nullptr : it->second;
  }
  const EnhanceRef* ref_of(const MarkupAttribute* a) const { return a ? ref_at(a->value) : nullptr; }

  void on_tag(const MarkupTag& tag) {
    if (tag.name == "picture") {
      if (!tag.closing) {
        ++picture_depth_;
      } else if (picture_depth_ > 0) {
        --picture_depth_;
      }
      return;
    }
    if (tag.name == "head" && tag.closing && !head_end_) head_end_ = tag.begin;
    if (tag.name == "script" && tag.closing && in_importmap_) {
      in_importmap_ = false;
      importmap_end_ = tag.end != 0 ? tag.end : tag.begin;
    }
    if (tag.closing || tag.end == 0) return;  // an unterminated tag is left as it is
    if (tag.name == "script" || tag.name == "link") {
      const EnhanceRef* r = ref_of(tag.find(tag.name == "script" ? "src" : "href"));
      integrity(tag, r);
      if (options_.preload) note_load(tag, r);
    }
    if (tag.name == "img") {
      const EnhanceRef* src = ref_of(tag.find("src"));
      if (!src) return;
      if (options_.img_dimensions) dimensions(tag, *src);
      if (!tag.find("srcset")) widths(tag, *src);
      if (options_.picture && picture_depth_ == 0) picture(tag, *src);
    }
  }

  // --preload: what a <script> or <link> says of the page's loads.
  void note_load(const MarkupTag& tag, const EnhanceRef* r) {
    if (tag.name == "script") {
      if (lower_trimmed(tag.find("type")) == "importmap") {
        in_importmap_ = true;
        return;
      }
      if (!first_load_) first_load_ = tag.begin;
      if (r && lower_trimmed(tag.find("type")) == "module") module_scripts_.push_back(r);
      return;
    }
    const MarkupAttribute* rel = tag.find("rel");
    if (!rel) return;
    std::string rels = lower_trimmed(rel);
    if (contains_word(rels, "stylesheet") && !contains_word(rels, "alternate")) {
      if (!first_load_) first_load_ = tag.begin;
      if (r) stylesheets_.push_back(r);
    } else if (r && (contains_word(rels, "modulepreload") || contains_word(rels, "preload"))) {
      preloaded_.insert(r->target);
    }
  }

  // --preload: <link rel=modulepreload> for every module the page's module
  // scripts import statically (not the scripts themselves), then <link
  // rel=preload as=font> for the fonts of its style sheets, each once and
  // only when the page does not preload it already, in <head> before its
  // first script or style sheet (else at its end), and after any import map.
  void preload() {
    std::set<const Asset*> seen;
    for (const EnhanceRef* s : module_scripts_) seen.insert(s->target);
    std::vector<const PreloadCandidate*> list;
    for (const auto* loads : {&module_scripts_, &stylesheets_}) {
      for (const EnhanceRef* r : *loads) {
        for (const PreloadCandidate& c : r->preloads) {
          if (seen.insert(c.target).second) list.push_back(&c);
        }
      }
    }
    if (list.empty()) return;
    std::optional<size_t> at = first_load_;
    if (head_end_ && (!at || *head_end_ < *at)) at = head_end_;
    if (importmap_end_ && (!at || *at < *importmap_end_)) at = importmap_end_;
    if (!at) return;
    std::string links;
    for (const PreloadCandidate* c : list) {
      auto href = attribute_value(c->preload.href);
      if (!href) continue;
      Preload& p = out_.preloads.emplace_back(c->preload);
      // The header's preload must ask for what the <link> asks for (a
      // browser fetches it from the header first: with another integrity,
      // the <link> fetches the file again).
      if (c->preload.as != "font" && options_.sri && c->immutable && c->digests) {
        p.integrity = c->digests->sha384;
      }
      if (preloaded_.count(c->target)) continue;
      if (c->preload.as == "font") {
        links += "<link rel=\"preload\" href=" + *href + " as=\"font\"";
        if (!c->preload.type.empty()) links += fmt::format(" type=\"{}\"", c->preload.type);
        links += " crossorigin>";
      } else {
        links += "<link rel=\"modulepreload\" href=" + *href;
        if (!p.integrity.empty()) {
          links += fmt::format(" integrity=\"{}\" crossorigin=\"anonymous\"", p.integrity);
        }
        links += ">";
      }
    }
    insert(*at, links);
  }

  // An integrity the served file does not match (assetpipe minified it or
  // rewrote its references: the browser would refuse the file) is replaced,
  // with a warning, with or without --sri. --sri: a file whose name keeps its
  // bytes (hashed) gets integrity and crossorigin; what the author wrote is
  // kept.
  void integrity(const MarkupTag& tag, const EnhanceRef* r) {
    if (!r || !r->digests) return;
    const MarkupAttribute* given = tag.find("integrity");
    bool add_new =
        options_.sri && r->immutable && (tag.name == "script" || link_takes_integrity(tag));
    if (!given && !add_new) return;
    const std::string& expected = r->digests->sha384;
    std::string add;
    if (!given) {
      add += fmt::format(" integrity=\"{}\"", expected);
    } else if (!given->value.trimmed().text.empty() &&
               !integrity_matches(given->value.text, *r->digests)) {
      size_t b = given->value.raw.front(), e = given->value.raw.back();
      bool in_quotes = b > 0 && (doc_[b - 1] == '"' || doc_[b - 1] == '\'');
      edits_.emplace(b, Edit{b, e - b, in_quotes ? expected : "\"" + expected + "\""});
      note(b,
           fmt::format("integrity {} is not that of {} as served (assetpipe minified it or "
                       "rewrote its references; the browser would refuse it): replaced with {}",
                       util::printable(given->value.trimmed().text),
                       util::printable(r->target->logical), expected),
           true);
    }
    if (add_new && !tag.find("crossorigin")) add += " crossorigin=\"anonymous\"";
    insert(tag.insert_at, add);
  }

  // --img-dimensions: the displayed size of the src, where the author gave
  // neither width nor height. With a srcset of density descriptors the size
  // is the src's divided by its density; with width descriptors the layout
  // comes from `sizes`, so nothing is added.
  void dimensions(const MarkupTag& tag, const EnhanceRef& src) {
    if (tag.find("width") || tag.find("height")) return;
    const Asset& t = *src.target;
    if (t.kind != FileKind::Jpeg && t.kind != FileKind::Png) return;
    transform::ImageSize size = src.size;
    if (size.width == 0 || size.height == 0) return;
    double d = 1.0;
    if (const MarkupAttribute* srcset = tag.find("srcset")) {
      std::vector<std::string> descriptors;
      std::vector<DecodedText> urls = split_srcset(srcset->value, &descriptors);
      std::optional<double> src_density;
      bool all_density = true;
      for (size_t k = 0; k < urls.size(); ++k) {
        auto dk = density(descriptors[k]);
        if (!dk) all_density = false;
        if (dk && urls[k].text == tag.find("src")->value.trimmed().text) src_density = dk;
      }
      if (!all_density || (!src_density && !urls.empty())) {
        note(tag.begin, fmt::format("<img> of {}: no width/height added (its srcset{}); give them "
                                    "yourself",
                                    util::printable(t.logical),
                                    all_density ? " does not list its src" : " has width descriptors"));
        return;
      }
      if (src_density) d = *src_density;
    }
    long w = std::lround(size.width / d), h = std::lround(size.height / d);
    if (w <= 0 || h <= 0) return;
    insert(tag.insert_at, fmt::format(" width=\"{}\" height=\"{}\"", w, h));
  }

  // The URL of one reference's `format` variant as it will be written:
  // <final name>.<format>, the ?query#fragment kept. "" when the image has
  // no such variant (not made, or not kept).
  std::string variant_url(const EnhanceRef& r, std::string_view format) const {
    if (!has_kept_variant(*r.target, format)) return "";
    return variant_path(r) + "." + std::string(format) + r.written.substr(r.path_end);
  }

  // The reference's path as it will be written, safe in a srcset.
  std::string variant_path(const EnhanceRef& r) const {
    std::string url;
    for (char c : std::string_view(r.written).substr(0, r.path_end)) {
      // A srcset URL ends at a space, and a trailing comma is not its own.
      if (is_space(c)) {
        url += fmt::format("%{:02X}", static_cast<unsigned char>(c));
      } else if (c == ',') {
        url += "%2C";
      } else {
        url += c;
      }
    }
    return url;
  }

  // --image-widths: "<url> 480w, ..., <url> <full width>w" of the image in
  // `format` ("" for its own), from the widths made and kept in that format;
  // "" when there are none (or the full size has no such variant).
  std::string width_srcset(const EnhanceRef& src, std::string_view format) const {
    const Asset& t = *src.target;
    std::string own = t.kind == FileKind::Png ? "png" : "jpg";
    transform::ImageSize size = src.size;
    if (size.width == 0) return "";
    std::string out;
    for (const auto& v : t.variants) {
      int w = transform::width_of_format(v.format);
      if (w == 0 || transform::base_format(v.format) != (format.empty() ? own : format)) continue;
      std::string url = variant_url(src, v.format);
      if (url.empty()) continue;
      out += fmt::format("{} {}w, ", url, w);
    }
    if (out.empty()) return "";
    std::string full = format.empty() ? variant_path(src) + src.written.substr(src.path_end)
                                      : variant_url(src, format);
    if (full.empty()) return "";
    return out + fmt::format("{} {}w", full, size.width);
  }

  // The sizes written with a width srcset: --image-sizes; else the img's
  // own width attribute; else its natural width, at most the viewport's
  // (the layout it has without a srcset).
  std::string width_sizes(const MarkupTag& tag, const EnhanceRef& src) const {
    if (!options_.image_sizes.empty()) return options_.image_sizes;
    if (const MarkupAttribute* w = tag.find("width")) {
      const std::string& v = w->value.trimmed().text;
      if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return v + "px";
    }
    transform::ImageSize size = src.size;
    return fmt::format("(max-width: {}px) 100vw, {}px", size.width, size.width);
  }

  // --image-widths on an img without a srcset of its own: srcset and sizes.
  void widths(const MarkupTag& tag, const EnhanceRef& src) {
    if (options_.image_widths.empty()) return;
    std::string set = width_srcset(src, "");
    if (set.empty()) return;
    auto set_value = attribute_value(set);
    if (!set_value) return;
    std::string add = " srcset=" + *set_value;
    if (!tag.find("sizes")) add += " sizes=" + *attribute_value(width_sizes(tag, src));
    insert(tag.insert_at, add);
  }

  // The img's srcset with every candidate's URL written as its `format`
  // variant; "" unless every candidate has one.
  std::string variant_srcset(const MarkupAttribute& srcset, std::string_view format) const {
    std::vector<DecodedText> urls = split_srcset(srcset.value);
    if (urls.empty()) return "";
    std::string out;
    size_t at = srcset.value.raw.front();
    for (const DecodedText& u : urls) {
      const EnhanceRef* r = ref_at(u);
      if (!r) return "";
      std::string v = variant_url(*r, format);
      if (v.empty()) return "";
      out += doc_.substr(at, r->begin - at);
      out += v;
      at = r->end;
    }
    out += doc_.substr(at, srcset.value.raw.back() - at);
    return out;
  }

  // --picture: <picture><source type=image/avif srcset><source
  // type=image/webp srcset><img ...></picture>, a source for each format kept
  // for the image (for every candidate of its srcset); the img keeps all its
  // attributes, the sources get its sizes too.
  void picture(const MarkupTag& tag, const EnhanceRef& src) {
    const Asset& t = *src.target;
    if (t.kind != FileKind::Jpeg && t.kind != FileKind::Png) return;
    for (const auto& a : tag.attributes) {
      if (a.name == "data-src" || a.name == "data-srcset") {
        // A lazy loader sets src/srcset later; a <source> would win over it.
        note(tag.begin, fmt::format("<img> of {} has {} (a lazy loader): left without <picture>",
                                    util::printable(t.logical), a.name));
        return;
      }
    }
    const MarkupAttribute* srcset = tag.find("srcset");
    const MarkupAttribute* sizes = tag.find("sizes");
    std::optional<std::string> sizes_value;
    if (sizes) sizes_value = attribute_value(raw_value(doc_, *sizes));
    // Without a srcset of its own, the img got the --image-widths one (widths()).
    bool by_width = !srcset && !width_srcset(src, "").empty();
    if (by_width && !sizes) sizes_value = attribute_value(width_sizes(tag, src));
    std::string sources;
    for (std::string_view format : {"avif", "webp"}) {
      std::string set = srcset     ? variant_srcset(*srcset, format)
                        : by_width ? width_srcset(src, format)
                                   : variant_url(src, format);
      if (set.empty()) continue;
      auto set_value = attribute_value(set);
      if (!set_value || ((sizes || by_width) && !sizes_value)) continue;
      sources += fmt::format("<source type=\"image/{}\" srcset={}", format, *set_value);
      if (sizes || by_width) sources += " sizes=" + *sizes_value;
      sources += ">";
    }
    if (sources.empty()) return;
    insert(tag.begin, "<picture>" + sources);
    insert(tag.end, "</picture>");
  }
};

}  // namespace

Enhanced enhance_html(std::string_view doc, const std::vector<EnhanceRef>& refs,
                      const Options& options) {
  return Enhancer(doc, refs, options).run();
}

Digests digests_of(std::string_view bytes) {
  return {util::sri_digest(bytes, "sha256"), util::sri_digest(bytes, "sha384"),
          util::sri_digest(bytes, "sha512")};
}

bool integrity_matches(std::string_view integrity, const Digests& digests) {
  static constexpr std::array<std::string_view, 3> kStrongestFirst = {"sha512", "sha384",
                                                                      "sha256"};
  std::vector<std::string_view> tokens;
  for (size_t k = 0; k < integrity.size();) {
    while (k < integrity.size() && is_space(integrity[k])) ++k;
    size_t e = k;
    while (e < integrity.size() && !is_space(integrity[e])) ++e;
    if (e > k) tokens.push_back(integrity.substr(k, e - k));
    k = e;
  }
  for (std::string_view algorithm : kStrongestFirst) {
    bool named = false;
    const std::string& expected = algorithm == "sha512"   ? digests.sha512
                                  : algorithm == "sha384" ? digests.sha384
                                                          : digests.sha256;
    for (std::string_view t : tokens) {
      auto dash = t.find('-');
      if (dash == std::string_view::npos || t.substr(0, dash) != algorithm) continue;
      named = true;
      std::string_view value = t.substr(0, t.find('?'));  // "?options" are ignored
      if (value == expected) return true;
    }
    if (named) return false;
  }
  return true;  // no algorithm a browser checks: nothing to refuse
}

}  // namespace assetpipe::link
