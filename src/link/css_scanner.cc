#include "link/css_scanner.h"

#include <string>
#include <vector>

#include "util/path.h"

namespace assetpipe::link {
namespace {

bool is_newline(char c) { return c == '\n' || c == '\r' || c == '\f'; }
bool is_space(char c) { return c == ' ' || c == '\t' || is_newline(c); }
using util::hex_value;
bool is_hex(char c) { return util::is_hex_digit(c); }
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

class CssScanner {
 public:
  CssScanner(std::string_view css, size_t base) : s_(css), base_(base) {}

  ScanResult run() {
    while (i_ < s_.size()) step();
    end_declaration();
    return std::move(result_);
  }

 private:
  std::string_view s_;
  size_t base_;
  size_t i_ = 0;
  ScanResult result_;
  std::vector<std::string> functions_;  // open function names (lowercase), "" for '('
  bool import_prelude_ = false;         // after @import, before its first url/string
  bool namespace_prelude_ = false;      // @namespace url(...) is not a resource
  bool font_face_prelude_ = false;      // after @font-face, before its '{'
  uint32_t font_faces_ = 0;             // @font-face rules seen
  uint32_t in_font_face_ = 0;           // the number of the @font-face rule we are in, else 0
  int font_face_depth_ = 0;             // blocks open inside it
  bool declaration_start_ = true;       // the next ident may be a property name
  std::string property_;                // the current declaration's property (lowercase)
  size_t declaration_begin_ = 0;        // where the current declaration (or prelude) starts
  bool declaration_comma_ = false;      // a ',' outside functions in it
  std::vector<size_t> declaration_urls_;  // refs of url()s outside other functions in it

  bool valid_escape(size_t at) const {
    return at + 1 < s_.size() && s_[at] == '\\' && !is_newline(s_[at + 1]);
  }
  bool starts_ident(size_t at) const {
    if (at >= s_.size()) return false;
    char c = s_[at];
    if (c == '-') {
      if (at + 1 >= s_.size()) return false;
      return is_name_start(s_[at + 1]) || s_[at + 1] == '-' || valid_escape(at + 1);
    }
    return is_name_start(c) || valid_escape(at);
  }

  // At a backslash that starts a valid escape: decodes it into `out`.
  void consume_escape(DecodedText& out) {
    size_t start = i_;
    ++i_;  // backslash
    if (i_ >= s_.size()) {
      out.push_code_point(0xFFFD, base_ + start);
      return;
    }
    if (is_hex(s_[i_])) {
      uint32_t cp = 0;
      int n = 0;
      while (i_ < s_.size() && n < 6 && is_hex(s_[i_])) {
        cp = cp * 16 + static_cast<uint32_t>(hex_value(s_[i_]));
        ++i_;
        ++n;
      }
      if (i_ < s_.size() && is_space(s_[i_])) {
        if (s_[i_] == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') ++i_;
        ++i_;
      }
      out.push_code_point(cp == 0 ? 0xFFFD : cp, base_ + start);
      return;
    }
    out.push(s_[i_], base_ + start);
    ++i_;
  }

  DecodedText consume_name() {
    DecodedText name;
    while (i_ < s_.size()) {
      if (is_name_char(s_[i_])) {
        name.push(s_[i_], base_ + i_);
        ++i_;
      } else if (valid_escape(i_)) {
        consume_escape(name);
      } else {
        break;
      }
    }
    name.finish(base_ + i_);
    return name;
  }

  // At a quote. Returns false for a bad string (a newline before the end).
  bool consume_string(DecodedText& out) {
    char quote = s_[i_++];
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == quote) {
        out.finish(base_ + i_);
        ++i_;
        return true;
      }
      if (is_newline(c)) return false;  // bad string; the newline starts the next token
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) {
          ++i_;
          continue;
        }
        if (is_newline(s_[i_ + 1])) {  // line continuation
          i_ += 2;
          if (s_[i_ - 1] == '\r' && i_ < s_.size() && s_[i_] == '\n') ++i_;
          continue;
        }
        consume_escape(out);
        continue;
      }
      out.push(c, base_ + i_);
      ++i_;
    }
    out.finish(base_ + i_);  // EOF ends a string without error
    return true;
  }

  // After "url(" when the argument is not quoted. Returns false for a bad url.
  bool consume_unquoted_url(DecodedText& out) {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ')') {
        out.finish(base_ + i_);
        ++i_;
        return true;
      }
      if (is_space(c)) {
        size_t end = i_;
        while (i_ < s_.size() && is_space(s_[i_])) ++i_;
        if (i_ >= s_.size() || s_[i_] == ')') {
          out.finish(base_ + end);
          if (i_ < s_.size()) ++i_;
          return true;
        }
        skip_bad_url();
        return false;
      }
      if (c == '"' || c == '\'' || c == '(' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        skip_bad_url();
        return false;
      }
      if (c == '\\') {
        if (!valid_escape(i_)) {
          skip_bad_url();
          return false;
        }
        consume_escape(out);
        continue;
      }
      out.push(c, base_ + i_);
      ++i_;
    }
    out.finish(base_ + i_);
    return true;
  }

  void skip_bad_url() {
    while (i_ < s_.size() && s_[i_] != ')') {
      if (valid_escape(i_)) ++i_;
      ++i_;
    }
    if (i_ < s_.size()) ++i_;
  }

  void add(DecodedText url, RefKind kind) {
    Reference r{std::move(url), kind, false};
    if (in_font_face_ != 0 && font_face_depth_ == 0 && property_ == "src" && kind == RefKind::Resource) {
      r.font_face = in_font_face_;
    }
    bool top_level = functions_.empty() || (functions_.size() == 1 && functions_[0] == "url");
    if (kind == RefKind::Resource && top_level) declaration_urls_.push_back(result_.refs.size());
    result_.refs.push_back(std::move(r));
  }

  void comment() {
    size_t body = i_ + 2;
    size_t end = s_.find("*/", body);
    size_t body_end = end == std::string_view::npos ? s_.size() : end;
    i_ = end == std::string_view::npos ? s_.size() : end + 2;
    std::string_view text = s_.substr(body, body_end - body);
    constexpr std::string_view key = "sourceMappingURL=";
    if (text.size() < 2 || (text[0] != '#' && text[0] != '@')) return;
    size_t k = 1;
    while (k < text.size() && is_space(text[k])) ++k;
    if (text.substr(k, key.size()) != key) return;
    size_t v = k + key.size();
    size_t ve = v;
    while (ve < text.size() && !is_space(text[ve])) ++ve;
    if (ve > v)
      add(DecodedText::verbatim(text.substr(v, ve - v), base_ + body + v), RefKind::SourceMap);
  }

  std::string_view current_function() const {
    return functions_.empty() ? std::string_view() : std::string_view(functions_.back());
  }

  void string_token() {
    DecodedText str;
    bool ok = consume_string(str);
    if (!ok) return;
    std::string_view fn = current_function();
    if (import_prelude_ && functions_.empty()) {
      import_prelude_ = false;
      add(std::move(str), RefKind::Import);
    } else if (fn == "url" && !namespace_prelude_) {
      add(std::move(str), import_prelude_ ? RefKind::Import : RefKind::Resource);
      import_prelude_ = false;
    } else if (fn == "image-set" || fn == "-webkit-image-set") {
      add(std::move(str), RefKind::Resource);
    }
  }

  void ident_like() {
    bool property = declaration_start_ && functions_.empty();
    declaration_start_ = false;
    DecodedText name = consume_name();
    if (property) {
      size_t k = i_;
      while (k < s_.size() && is_space(s_[k])) ++k;
      if (k < s_.size() && s_[k] == ':') {
        property_.clear();
        for (char c : name.text) property_.push_back(lower(c));
      }
    }
    if (i_ >= s_.size() || s_[i_] != '(') return;
    ++i_;
    std::string fn;
    for (char c : name.text) fn.push_back(lower(c));
    if (fn == "url") {
      size_t k = i_;
      while (k < s_.size() && is_space(s_[k])) ++k;
      if (k >= s_.size() || (s_[k] != '"' && s_[k] != '\'')) {
        DecodedText url;
        if (consume_unquoted_url(url) && !namespace_prelude_) {
          add(std::move(url), import_prelude_ ? RefKind::Import : RefKind::Resource);
          import_prelude_ = false;
        }
        return;
      }
    }
    functions_.push_back(std::move(fn));
  }

  void at_keyword() {
    ++i_;
    if (!starts_ident(i_)) return;
    DecodedText name = consume_name();
    std::string kw;
    for (char c : name.text) kw.push_back(lower(c));
    import_prelude_ = kw == "import";
    namespace_prelude_ = kw == "namespace";
    font_face_prelude_ = kw == "font-face" && in_font_face_ == 0;
    declaration_start_ = false;
  }

  // At the end of a declaration (or of a prelude, or of the file): the
  // url() of a single-layer background declaration is marked.
  void end_declaration() {
    if (declaration_urls_.size() == 1 && !declaration_comma_ &&
        (property_ == "background" || property_ == "background-image")) {
      Reference& r = result_.refs[declaration_urls_[0]];
      r.background_end = static_cast<uint32_t>(base_ + i_);
      std::string text;
      for (char c : s_.substr(declaration_begin_, i_ - declaration_begin_)) {
        if (!is_space(c)) text.push_back(lower(c));
      }
      r.background_important = text.find("!important") != std::string::npos;
    }
    declaration_urls_.clear();
    declaration_comma_ = false;
    declaration_begin_ = i_ + 1;
  }

  // At ';', '{' or '}'.
  void end_of_statement(char c) {
    end_declaration();
    functions_.clear();
    import_prelude_ = false;
    namespace_prelude_ = false;
    declaration_start_ = true;
    property_.clear();
    if (c == '{') {
      if (font_face_prelude_) {
        in_font_face_ = ++font_faces_;
        font_face_depth_ = 0;
      } else if (in_font_face_ != 0) {
        ++font_face_depth_;
      }
    } else if (c == '}' && in_font_face_ != 0) {
      if (font_face_depth_ == 0) {
        in_font_face_ = 0;
      } else {
        --font_face_depth_;
      }
    }
    font_face_prelude_ = false;
  }

  void step() {
    char c = s_[i_];
    if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') return comment();
    if (c == '"' || c == '\'') return string_token();
    if (c == '@') return at_keyword();
    if (c == '\\') {
      if (valid_escape(i_)) return ident_like();
      ++i_;
      return;
    }
    if (c == '#') {  // hash token: its name is not an ident-like token
      ++i_;
      consume_name();
      return;
    }
    if ((c >= '0' && c <= '9') ||
        (c == '.' && i_ + 1 < s_.size() && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9')) {
      ++i_;
      while (i_ < s_.size() && (is_name_char(s_[i_]) || s_[i_] == '.')) ++i_;
      return;
    }
    if (starts_ident(i_)) return ident_like();
    if (c == '(') functions_.emplace_back();
    if (c == ')' && !functions_.empty()) functions_.pop_back();
    if (c == ',' && functions_.empty()) declaration_comma_ = true;
    if (c == ';' || c == '{' || c == '}') {
      end_of_statement(c);
    } else if (!is_space(c)) {
      declaration_start_ = false;
    }
    ++i_;
  }
};

}  // namespace

ScanResult scan_css(std::string_view css, size_t base_offset) {
  return CssScanner(css, base_offset).run();
}

}  // namespace assetpipe::link
