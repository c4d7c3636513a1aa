#include "link/js_scanner.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace assetpipe::link {
namespace {

enum class Tok { None, Ident, Punct, String, Template, TemplateOpen, Number, Regex };

struct Token {
  Tok type = Tok::None;
  std::string text;       // identifier name or punctuator
  bool property = false;  // an identifier right after '.' or '?.'
  size_t start = 0;
  DecodedText value;  // String and substitution-free Template
};

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_line_end(char c) { return c == '\n' || c == '\r'; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool regex_after_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 16> words = {
      "return", "typeof", "instanceof", "in",   "of",    "new",   "delete",  "void",
      "throw",  "case",   "do",         "else", "yield", "await", "extends", "export"};
  for (auto w : words) {
    if (w == word) return true;
  }
  return false;
}

class JsScanner {
 public:
  JsScanner(std::string_view js, size_t base) : s_(js), base_(base) {}

  ScanResult run() {
    if (s_.starts_with("#!")) skip_line_comment();
    while (i_ < s_.size()) step();
    flush_pending_dynamic(nullptr);
    return std::move(result_);
  }

 private:
  std::string_view s_;
  size_t base_;
  size_t i_ = 0;
  ScanResult result_;
  std::vector<bool> braces_;              // true: the '{' opened a template substitution
  std::array<Token, 10> window_{};        // the last significant tokens (a ring)
  size_t newest_ = 0;                     // index of the newest token in window_
  bool in_module_decl_ = false;           // inside import ... / export ... before its string
  std::optional<Token> pending_dynamic_;  // import("x" ... waiting for ')' or ','
  bool in_import_scripts_ = false;        // inside importScripts( ... ) of a worker
  size_t regex_fail_until_ = 0;           // see regex_literal()

  // The n-th token before the newest one (0: the newest).
  const Token& back(size_t n) const {
    return window_[(newest_ + window_.size() - n) % window_.size()];
  }
  bool is_punct(size_t n, std::string_view p) const {
    return back(n).type == Tok::Punct && back(n).text == p;
  }
  bool is_word(size_t n, std::string_view w) const {
    return back(n).type == Tok::Ident && !back(n).property && back(n).text == w;
  }

  // A literal that may name a file: no spaces or markup, an extension after
  // the last '/' (1 to 8 letters or digits), at most 512 bytes.
  static bool looks_like_file_name(std::string_view s) {
    if (s.empty() || s.size() > 512) return false;
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == '{' ||
          c == '}' || c == '\\' || c == '(' || c == ')' || c == ',' || c == ';') {
        return false;
      }
    }
    size_t end = s.find_first_of("?#");
    std::string_view path = s.substr(0, end);
    auto slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
    std::string_view ext = name.substr(dot + 1);
    if (ext.size() > 8) return false;
    for (char c : ext) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }

  void add_ref(const Token& t, RefKind kind, bool specifier, bool dynamic = false) {
    result_.refs.push_back(Reference{t.value, kind, specifier, dynamic});
  }

  void note_dynamic(size_t at) {
    Reference r;
    r.url.finish(base_ + at);
    r.kind = RefKind::DynamicExpression;
    result_.refs.push_back(std::move(r));
  }

  // Called with the token after import(<string>: a literal only when it is
  // followed by ')' or ','.
  void flush_pending_dynamic(const Token* next) {
    if (!pending_dynamic_) return;
    if (next && next->type == Tok::Punct && (next->text == ")" || next->text == ",")) {
      add_ref(*pending_dynamic_, RefKind::Import, true, true);
    } else {
      note_dynamic(pending_dynamic_->start);
    }
    pending_dynamic_.reset();
  }

  void push(Token t) {
    flush_pending_dynamic(&t);
    bool import_call = is_punct(0, "(") && is_word(1, "import");
    if (t.type == Tok::Punct && t.text == "(" && back(0).type == Tok::Ident &&
        back(0).text == "importScripts") {
      in_import_scripts_ = true;
    } else if (in_import_scripts_ &&
               !(t.type == Tok::String || (t.type == Tok::Punct && t.text == ","))) {
      in_import_scripts_ = false;
    }
    if (t.type == Tok::String || t.type == Tok::Template) {
      if (in_import_scripts_) {
        add_ref(t, RefKind::Resource, false);
      } else if (import_call) {
        pending_dynamic_ = t;
      } else if (is_import_meta_resolve()) {
        add_ref(t, RefKind::Resource, true);
      } else if (is_word(0, "import") || (in_module_decl_ && is_word(0, "from"))) {
        add_ref(t, RefKind::Import, true);
        in_module_decl_ = false;
      } else if (!new_url_string_ahead() && looks_like_file_name(t.value.text)) {
        result_.names.push_back(t.value);
      }
    } else if (import_call) {
      note_dynamic(t.start);
    }
    if (t.type == Tok::Ident && !t.property) {
      if ((t.text == "import" || t.text == "export") && !is_punct(0, ".") &&
          !next_is_call_or_member()) {
        in_module_decl_ = true;
      }
    }
    if (t.type == Tok::Punct &&
        (t.text == ";" || t.text == "=" || t.text == "(" || t.text == "=>")) {
      in_module_decl_ = false;
    }
    newest_ = (newest_ + 1) % window_.size();
    window_[newest_] = std::move(t);
    match_new_url();
  }

  // import.meta.resolve( — the string that follows is a module specifier.
  bool is_import_meta_resolve() const {
    return is_punct(0, "(") && back(1).type == Tok::Ident && back(1).property &&
           back(1).text == "resolve" && is_punct(2, ".") && back(3).text == "meta" &&
           is_punct(4, ".") && is_word(5, "import");
  }

  // new URL("x", import.meta.url): matched when `url` arrives.
  void match_new_url() {
    if (!(back(0).type == Tok::Ident && back(0).text == "url" && back(0).property)) return;
    if (is_punct(1, ".") && back(2).text == "meta" && is_punct(3, ".") && is_word(4, "import") &&
        is_punct(5, ",") && back(6).type == Tok::String && is_punct(7, "(") &&
        back(8).type == Tok::Ident && back(8).text == "URL" && is_word(9, "new")) {
      add_ref(back(6), RefKind::Resource, false);
    }
  }

  // new URL("x", import.meta.url) is matched when its `url` arrives, after
  // the string: a string right after `new URL(` is left to that match.
  bool new_url_string_ahead() const {
    return is_punct(0, "(") && back(1).type == Tok::Ident && back(1).text == "URL" &&
           is_word(2, "new");
  }

  // After an identifier: is the next character '(' or '.' (import(), import.meta)?
  bool next_is_call_or_member() const {
    size_t k = i_;
    while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t' || is_line_end(s_[k]))) ++k;
    return k < s_.size() && (s_[k] == '(' || s_[k] == '.');
  }

  bool regex_allowed() const {
    const Token& t = back(0);
    switch (t.type) {
      case Tok::None:
        return true;
      case Tok::Ident:
        return !t.property && regex_after_keyword(t.text);
      case Tok::Punct:
        return !(t.text == ")" || t.text == "]" || t.text == "}" || t.text == "++" ||
                 t.text == "--");
      default:
        return false;
    }
  }

  void skip_line_comment() {
    size_t start = i_ + 2;
    while (i_ < s_.size() && !is_line_end(s_[i_])) ++i_;
    std::string_view body = s_.substr(start, i_ - start);
    constexpr std::string_view key = "sourceMappingURL=";
    if (body.size() < 2 || (body[0] != '#' && body[0] != '@')) return;
    size_t k = 1;
    while (k < body.size() && (body[k] == ' ' || body[k] == '\t')) ++k;
    if (body.substr(k, key.size()) != key) return;
    size_t v = k + key.size(), ve = v;
    while (ve < body.size() && body[ve] != ' ' && body[ve] != '\t') ++ve;
    if (ve > v) {
      result_.refs.push_back(
          Reference{DecodedText::verbatim(body.substr(v, ve - v), base_ + start + v),
                    RefKind::SourceMap, false});
    }
  }

  // At a backslash inside a string or template: decodes one escape.
  void escape(DecodedText& out) {
    size_t start = i_++;
    if (i_ >= s_.size()) return;
    char c = s_[i_++];
    auto hex_run = [&](size_t n) -> int64_t {
      int64_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        if (i_ >= s_.size() || hex_value(s_[i_]) < 0) return -1;
        v = v * 16 + hex_value(s_[i_++]);
      }
      return v;
    };
    switch (c) {
      case 'n':
        out.push('\n', base_ + start);
        return;
      case 't':
        out.push('\t', base_ + start);
        return;
      case 'r':
        out.push('\r', base_ + start);
        return;
      case 'b':
        out.push('\b', base_ + start);
        return;
      case 'f':
        out.push('\f', base_ + start);
        return;
      case 'v':
        out.push('\v', base_ + start);
        return;
      case '0':
        out.push('\0', base_ + start);
        return;
      case '\r':
        if (i_ < s_.size() && s_[i_] == '\n') ++i_;
        return;  // line continuation
      case '\n':
        return;
      case 'x': {
        int64_t v = hex_run(2);
        if (v >= 0) out.push_code_point(static_cast<uint32_t>(v), base_ + start);
        return;
      }
      case 'u': {
        if (i_ < s_.size() && s_[i_] == '{') {
          ++i_;
          int64_t v = 0;
          while (i_ < s_.size() && hex_value(s_[i_]) >= 0 && v <= 0x10FFFF) {
            v = v * 16 + hex_value(s_[i_++]);
          }
          if (i_ < s_.size() && s_[i_] == '}') ++i_;
          out.push_code_point(static_cast<uint32_t>(v), base_ + start);
          return;
        }
        int64_t v = hex_run(4);
        if (v >= 0) out.push_code_point(static_cast<uint32_t>(v), base_ + start);
        return;
      }
      default:
        out.push(c, base_ + start);
        return;
    }
  }

  void string_literal() {
    Token t;
    t.type = Tok::String;
    t.start = i_;
    char quote = s_[i_++];
    while (i_ < s_.size() && s_[i_] != quote) {
      if (is_line_end(s_[i_])) {  // unterminated: not a string we trust
        push(Token{Tok::Punct, "?", false, t.start, {}});
        return;
      }
      if (s_[i_] == '\\') {
        escape(t.value);
      } else {
        t.value.push(s_[i_], base_ + i_);
        ++i_;
      }
    }
    t.value.finish(base_ + i_);
    if (i_ < s_.size()) ++i_;
    push(std::move(t));
  }

  // At '`' (start) or just after the '}' that ends a substitution.
  void template_part(bool head) {
    Token t;
    t.type = Tok::Template;
    t.start = i_;
    if (head) ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '`') {
        ++i_;
        t.value.finish(base_ + i_ - 1);
        if (head) push(std::move(t));  // a whole template without substitutions
        return;
      }
      if (c == '$' && i_ + 1 < s_.size() && s_[i_ + 1] == '{') {
        i_ += 2;
        braces_.push_back(true);
        if (head) push(Token{Tok::TemplateOpen, "`", false, t.start, {}});
        return;
      }
      if (c == '\\') {
        escape(t.value);
      } else {
        t.value.push(c, base_ + i_);
        ++i_;
      }
    }
    t.value.finish(base_ + i_);
    if (head) push(std::move(t));
  }

  // A '/' where a regular expression may start. An attempt that runs into the
  // end of the line fails; later attempts before that point are not made, so a
  // line full of unclosed "/[" stays linear.
  bool regex_literal() {
    if (i_ < regex_fail_until_) return false;
    size_t j = i_ + 1;
    bool in_class = false;
    while (j < s_.size()) {
      char c = s_[j];
      if (is_line_end(c)) {
        regex_fail_until_ = j;
        return false;
      }
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '[') in_class = true;
      if (c == ']') in_class = false;
      if (c == '/' && !in_class) break;
      ++j;
    }
    if (j >= s_.size()) {
      regex_fail_until_ = s_.size();
      return false;
    }
    ++j;
    while (j < s_.size() && is_ident_char(s_[j])) ++j;
    push(Token{Tok::Regex, "", false, i_, {}});
    i_ = j;
    return true;
  }

  void punctuator() {
    static constexpr std::array<std::string_view, 14> multi = {
        "?.", "=>", "++", "--", "...", "===", "!==", "==", "!=", "&&", "||", "??", "<=", ">="};
    Token t;
    t.type = Tok::Punct;
    t.start = i_;
    for (auto m : multi) {
      if (s_.substr(i_, m.size()) == m &&
          !(m == "?." && i_ + 2 < s_.size() && is_digit(s_[i_ + 2]))) {
        t.text = std::string(m);
        break;
      }
    }
    if (t.text.empty()) t.text = std::string(1, s_[i_]);
    i_ += t.text.size();
    if (t.text == "{") braces_.push_back(false);
    push(std::move(t));
  }

  void step() {
    char c = s_[i_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i_;
      return;
    }
    if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') return skip_line_comment();
    if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
      size_t end = s_.find("*/", i_ + 2);
      i_ = end == std::string_view::npos ? s_.size() : end + 2;
      return;
    }
    if (c == '"' || c == '\'') return string_literal();
    if (c == '`') return template_part(true);
    if (c == '}') {
      bool template_close = !braces_.empty() && braces_.back();
      if (!braces_.empty()) braces_.pop_back();
      if (template_close) {
        ++i_;
        template_part(false);
        push(Token{Tok::TemplateOpen, "`", false, i_, {}});
        return;
      }
      return punctuator();
    }
    if (c == '/' && regex_allowed() && regex_literal()) return;
    if (is_digit(c) || (c == '.' && i_ + 1 < s_.size() && is_digit(s_[i_ + 1]))) {
      size_t start = i_;
      while (i_ < s_.size() &&
             (is_ident_char(s_[i_]) || s_[i_] == '.' ||
              ((s_[i_] == '+' || s_[i_] == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E')))) {
        ++i_;
      }
      push(Token{Tok::Number, "", false, start, {}});
      return;
    }
    if (is_ident_char(c) || c == '#' || c == '\\') {
      size_t start = i_;
      ++i_;
      while (i_ < s_.size() && (is_ident_char(s_[i_]) || s_[i_] == '\\')) ++i_;
      bool property = is_punct(0, ".") || is_punct(0, "?.");
      push(Token{Tok::Ident, std::string(s_.substr(start, i_ - start)), property, start, {}});
      return;
    }
    punctuator();
  }
};

}  // namespace

ScanResult scan_js(std::string_view js, size_t base_offset) {
  return JsScanner(js, base_offset).run();
}

}  // namespace assetpipe::link
