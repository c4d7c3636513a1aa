#include "link/html_scanner.h"

#include <array>

#include "link/css_scanner.h"
#include "link/js_scanner.h"
#include "link/json_scanner.h"
#include "link/markup_tokenizer.h"

namespace assetpipe::link {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// <link rel=...> values that fetch a resource the page uses.
bool is_resource_link(std::string_view rel) {
  static constexpr std::array<std::string_view, 10> rels = {
      "stylesheet", "icon",     "preload",          "modulepreload",
      "prefetch",   "manifest", "apple-touch-icon", "apple-touch-icon-precomposed",
      "mask-icon",  "image_src"};
  for (auto r : rels) {
    if (contains_word(rel, r)) return true;
  }
  return false;
}

bool is_image_meta(std::string_view key) {
  static constexpr std::array<std::string_view, 9> keys = {"og:image",
                                                           "og:image:url",
                                                           "og:image:secure_url",
                                                           "og:video",
                                                           "og:audio",
                                                           "twitter:image",
                                                           "twitter:image:src",
                                                           "msapplication-tileimage",
                                                           "msapplication-config"};
  std::string k = lowercase(key);
  for (auto x : keys) {
    if (k == x) return true;
  }
  return false;
}

bool is_script_type(const MarkupTag& tag) {
  const MarkupAttribute* type = tag.find("type");
  if (!type) return true;
  std::string t = lowercase(type->value.trimmed().text);
  return t.empty() || t == "module" || t == "text/javascript" || t == "application/javascript";
}

bool is_json_data(const MarkupTag& tag) {
  const MarkupAttribute* type = tag.find("type");
  if (!type) return false;
  std::string t = lowercase(type->value.trimmed().text);
  return t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"));
}

bool is_import_map(const MarkupTag& tag) {
  const MarkupAttribute* type = tag.find("type");
  return type && lowercase(type->value.trimmed().text) == "importmap";
}

class DocumentScanner {
 public:
  DocumentScanner(std::string_view doc, bool svg) : doc_(doc), svg_(svg) {}

  ScanResult run() {
    MarkupHandler handler;
    handler.tag = [this](const MarkupTag& tag) { on_tag(tag); };
    handler.raw_text = [this](const MarkupTag& tag, size_t b, size_t e) { on_raw(tag, b, e); };
    tokenize_markup(doc_, svg_, handler);
    return std::move(result_);
  }

 private:
  std::string_view doc_;
  bool svg_;
  ScanResult result_;

  void add(const DecodedText& url, RefKind kind) {
    result_.refs.push_back(Reference{url, kind, false});
  }
  void add_all(ScanResult inner) {
    for (auto& r : inner.refs) result_.refs.push_back(std::move(r));
    for (auto& n : inner.names) result_.names.push_back(std::move(n));
  }

  void on_tag(const MarkupTag& tag) {
    if (tag.closing) return;
    const std::string& n = tag.name;
    if (!svg_ && n == "base") {
      if (const auto* href = tag.find("href"); href && !result_.base_href) {
        result_.base_href = href->value.trimmed().text;
      }
      return;
    }
    for (const auto& a : tag.attributes) on_attribute(tag, a);
  }

  void on_attribute(const MarkupTag& tag, const MarkupAttribute& a) {
    const std::string& n = tag.name;
    if (a.name == "style") {
      return add_all_mapped(scan_css(a.value.text), a.value);
    }
    if (!svg_ && a.name.size() > 2 && a.name.starts_with("on")) {
      // An event handler is JavaScript: only the names it holds count.
      ScanResult handler = scan_js(a.value.text);
      handler.refs.clear();
      return add_all_mapped(std::move(handler), a.value);
    }
    if (a.name == "xlink:href") return add(a.value, RefKind::Resource);
    if (a.name == "href") {
      if (svg_) return add(a.value, RefKind::Resource);
      if (n == "a" || n == "area") return add(a.value, RefKind::Navigation);
      if (n == "link") {
        const auto* rel = tag.find("rel");
        return add(a.value, rel && is_resource_link(rel->value.text) ? RefKind::Resource
                                                                     : RefKind::Navigation);
      }
      return add(a.value, RefKind::Resource);  // <use href>, <image href> in inline SVG
    }
    if (svg_) return;
    if (a.name == "src") {
      if (n == "iframe" || n == "frame") return add(a.value, RefKind::Navigation);
      return add(a.value, n == "script" ? RefKind::Import : RefKind::Resource);
    }
    if (a.name == "srcset" || a.name == "imagesrcset") {
      for (const auto& url : split_srcset(a.value)) add(url, RefKind::Resource);
      return;
    }
    if (a.name == "poster" && n == "video") return add(a.value, RefKind::Resource);
    if (a.name == "data" && n == "object") return add(a.value, RefKind::Resource);
    if (a.name == "content" && n == "meta") {
      const auto* key = tag.find("property");
      if (!key) key = tag.find("name");
      if (key && is_image_meta(key->value.trimmed().text)) add(a.value, RefKind::Resource);
    }
  }

  void add_all_mapped(ScanResult inner, const DecodedText& outer) {
    for (auto& r : inner.refs) {
      r.url = r.url.mapped_through(outer);
      result_.refs.push_back(std::move(r));
    }
    for (auto& n : inner.names) result_.names.push_back(n.mapped_through(outer));
  }

  void on_raw(const MarkupTag& tag, size_t begin, size_t end) {
    std::string_view text = doc_.substr(begin, end - begin);
    if (tag.name == "style") return add_all(scan_css(text, begin));
    if (tag.name != "script" || svg_ || tag.find("src")) return;
    if (is_script_type(tag)) return add_all(scan_js(text, begin));
    if (is_json_data(tag)) {
      // JSON in HTML (application/json, ld+json): its strings are JS strings; names only.
      ScanResult data = scan_js(text, begin);
      data.refs.clear();
      return add_all(std::move(data));
    }
    if (is_import_map(tag)) {
      ScanResult map = scan_import_map(text, begin);
      if (!map.problem.empty()) result_.problem = "<script type=importmap>: " + map.problem;
      add_all(std::move(map));
    }
  }
};

}  // namespace

bool contains_word(std::string_view list, std::string_view word) {
  std::string l = lowercase(list);
  size_t k = 0;
  while (k < l.size()) {
    while (k < l.size() && is_space(l[k])) ++k;
    size_t e = k;
    while (e < l.size() && !is_space(l[e])) ++e;
    if (l.substr(k, e - k) == word) return true;
    k = e;
  }
  return false;
}

std::vector<DecodedText> split_srcset(const DecodedText& value,
                                      std::vector<std::string>* descriptors) {
  std::vector<DecodedText> urls;
  const std::string& s = value.text;
  size_t k = 0;
  auto slice = [&](size_t b, size_t e) {
    DecodedText d;
    d.text = s.substr(b, e - b);
    d.raw.assign(value.raw.begin() + static_cast<long>(b),
                 value.raw.begin() + static_cast<long>(e) + 1);
    return d;
  };
  while (k < s.size()) {
    while (k < s.size() && (is_space(s[k]) || s[k] == ',')) ++k;
    if (k >= s.size()) break;
    size_t b = k;
    while (k < s.size() && !is_space(s[k])) ++k;
    size_t e = k;
    bool ended = false;
    while (e > b && s[e - 1] == ',') {  // "a.png," ends the candidate
      --e;
      ended = true;
    }
    if (e > b) urls.push_back(slice(b, e));
    if (ended) {
      if (e > b && descriptors) descriptors->emplace_back();
      continue;
    }
    // Descriptors up to the next comma outside parentheses.
    int depth = 0;
    size_t d = k;
    while (k < s.size()) {
      char c = s[k];
      if (c == '(') ++depth;
      if (c == ')' && depth > 0) --depth;
      if (c == ',' && depth == 0) break;
      ++k;
    }
    if (e > b && descriptors) {
      size_t de = k;
      while (d < de && is_space(s[d])) ++d;
      while (de > d && is_space(s[de - 1])) --de;
      descriptors->push_back(s.substr(d, de - d));
    }
  }
  return urls;
}

ScanResult scan_html(std::string_view html) { return DocumentScanner(html, false).run(); }

ScanResult scan_svg(std::string_view svg) { return DocumentScanner(svg, true).run(); }

}  // namespace assetpipe::link
