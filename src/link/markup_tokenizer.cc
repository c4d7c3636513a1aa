#include "link/markup_tokenizer.h"

#include <array>
#include <set>
#include <utility>

namespace assetpipe::link {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals_at(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (lower(s[at + k]) != word[k]) return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, uint32_t>, 12> kNamedReferences = {{
    {"amp", '&'},
    {"lt", '<'},
    {"gt", '>'},
    {"quot", '"'},
    {"apos", '\''},
    {"nbsp", 0xA0},
    {"sol", '/'},
    {"quest", '?'},
    {"num", '#'},
    {"colon", ':'},
    {"period", '.'},
    {"equals", '='},
}};

// At '&': decodes a reference into `out` and returns the offset after it, or
// returns `at` when there is none.
size_t character_reference(std::string_view doc, size_t at, size_t end, DecodedText& out) {
  size_t k = at + 1;
  if (k < end && doc[k] == '#') {
    ++k;
    bool hex = k < end && (doc[k] == 'x' || doc[k] == 'X');
    if (hex) ++k;
    size_t digits = k;
    uint64_t cp = 0;
    while (k < end) {
      char c = doc[k];
      int v = c >= '0' && c <= '9'          ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : -1;
      if (v < 0) break;
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16 : 10) + static_cast<uint64_t>(v);
      ++k;
    }
    if (k == digits) return at;
    if (k < end && doc[k] == ';') ++k;
    out.push_code_point(cp == 0 || cp > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(cp), at);
    return k;
  }
  size_t name_start = k;
  while (k < end && is_alnum(doc[k])) ++k;
  if (k >= end || doc[k] != ';') return at;
  std::string_view name = doc.substr(name_start, k - name_start);
  for (const auto& [n, cp] : kNamedReferences) {
    if (n == name) {
      out.push_code_point(cp, at);
      return k + 1;
    }
  }
  return at;
}

class MarkupTokenizer {
 public:
  MarkupTokenizer(std::string_view doc, bool xml, const MarkupHandler& h)
      : s_(doc), xml_(xml), h_(h) {}

  void run() {
    while (i_ < s_.size()) {
      size_t lt = s_.find('<', i_);
      if (lt == std::string_view::npos) break;
      i_ = lt;
      markup();
    }
  }

 private:
  std::string_view s_;
  bool xml_;
  const MarkupHandler& h_;
  size_t i_ = 0;

  void skip_past(std::string_view terminator) {
    size_t end = s_.find(terminator, i_);
    i_ = end == std::string_view::npos ? s_.size() : end + terminator.size();
  }

  void markup() {
    if (s_.substr(i_, 4) == "<!--") {
      i_ += 4;
      // "<!-->" and "<!--->" are (empty) comments in HTML.
      if (!xml_ && i_ < s_.size() && s_[i_] == '>') {
        ++i_;
        return;
      }
      if (!xml_ && s_.substr(i_, 2) == "->") {
        i_ += 2;
        return;
      }
      size_t end = s_.find("-->", i_);
      size_t bang = xml_ ? std::string_view::npos : s_.find("--!>", i_);
      if (bang != std::string_view::npos && (end == std::string_view::npos || bang < end)) {
        i_ = bang + 4;
      } else {
        i_ = end == std::string_view::npos ? s_.size() : end + 3;
      }
      return;
    }
    if (s_.substr(i_, 9) == "<![CDATA[") {
      i_ += 9;
      return skip_past("]]>");  // XML: text; HTML: a bogus comment. No references either way.
    }
    if (s_.substr(i_, 2) == "<!" || s_.substr(i_, 2) == "<?") {
      ++i_;
      return skip_past(">");
    }
    if (s_.substr(i_, 2) == "</" && i_ + 2 < s_.size() && is_alpha(s_[i_ + 2])) {
      MarkupTag tag;
      tag.begin = i_;
      i_ += 2;
      tag.closing = true;
      tag.name = name();
      skip_past(">");
      if (s_[i_ - 1] == '>') tag.end = i_;
      if (h_.tag) h_.tag(tag);
      return;
    }
    if (i_ + 1 < s_.size() && is_alpha(s_[i_ + 1])) {
      ++i_;
      return start_tag();
    }
    ++i_;  // a lone '<' is text
  }

  std::string name() {
    std::string n;
    while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '/' && s_[i_] != '>') {
      n.push_back(lower(s_[i_++]));
    }
    return n;
  }

  void start_tag() {
    MarkupTag tag;
    tag.begin = i_ - 1;
    tag.name = name();
    bool self_closing = false;
    std::set<std::string, std::less<>> seen;  // a repeated attribute is dropped (HTML spec)
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (is_space(c)) {
        ++i_;
        continue;
      }
      if (c == '>') {
        if (!self_closing) tag.insert_at = i_;
        tag.end = ++i_;
        break;
      }
      self_closing = false;
      if (c == '/') {
        tag.insert_at = i_;
        ++i_;
        self_closing = i_ < s_.size() && s_[i_] == '>';
        continue;
      }
      MarkupAttribute a = attribute();
      if (seen.insert(a.name).second) tag.attributes.push_back(std::move(a));
    }
    if (h_.tag) h_.tag(tag);
    if (self_closing) return;
    if (tag.name == "script" || tag.name == "style") return raw_text(tag);
    if (!xml_ && (tag.name == "textarea" || tag.name == "title" || tag.name == "xmp" ||
                  tag.name == "iframe" || tag.name == "noembed" || tag.name == "noframes")) {
      return skip_to_end_tag(tag.name);
    }
    if (!xml_ && tag.name == "plaintext") i_ = s_.size();
  }

  MarkupAttribute attribute() {
    MarkupAttribute a;
    // The first character may be '=' (an attribute called "=").
    do {
      a.name.push_back(lower(s_[i_++]));
    } while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '/' && s_[i_] != '>' &&
             s_[i_] != '=');
    size_t k = i_;
    while (k < s_.size() && is_space(s_[k])) ++k;
    if (k >= s_.size() || s_[k] != '=') {
      a.value.finish(i_);
      return a;
    }
    i_ = k + 1;
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
      char quote = s_[i_++];
      size_t end = s_.find(quote, i_);
      if (end == std::string_view::npos) end = s_.size();
      a.value = decode_character_references(s_, i_, end);
      i_ = end < s_.size() ? end + 1 : end;
      return a;
    }
    size_t begin = i_;
    while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '>') ++i_;
    a.value = decode_character_references(s_, begin, i_);
    return a;
  }

  // Finds "</name" followed by a space, '/' or '>'; returns its offset.
  size_t find_end_tag(std::string_view tag_name) const {
    size_t k = i_;
    while (true) {
      k = s_.find("</", k);
      if (k == std::string_view::npos) return s_.size();
      size_t after = k + 2 + tag_name.size();
      if (iequals_at(s_, k + 2, tag_name) &&
          (after >= s_.size() || is_space(s_[after]) || s_[after] == '/' || s_[after] == '>')) {
        return k;
      }
      k += 2;
    }
  }

  void raw_text(const MarkupTag& tag) {
    size_t end = find_end_tag(tag.name);
    if (h_.raw_text) h_.raw_text(tag, i_, end);
    i_ = end;  // the end tag is tokenized next
  }

  void skip_to_end_tag(const std::string& tag_name) { i_ = find_end_tag(tag_name); }
};

}  // namespace

const MarkupAttribute* MarkupTag::find(std::string_view attribute) const {
  for (const auto& a : attributes) {
    if (a.name == attribute) return &a;
  }
  return nullptr;
}

DecodedText decode_character_references(std::string_view doc, size_t begin, size_t end) {
  DecodedText out;
  size_t k = begin;
  while (k < end) {
    if (doc[k] == '&') {
      size_t next = character_reference(doc, k, end, out);
      if (next != k) {
        k = next;
        continue;
      }
    }
    out.push(doc[k], k);
    ++k;
  }
  out.finish(end);
  return out;
}

void tokenize_markup(std::string_view doc, bool xml, const MarkupHandler& handler) {
  MarkupTokenizer(doc, xml, handler).run();
}

}  // namespace assetpipe::link
