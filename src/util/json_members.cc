#include "util/json_members.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/path.h"

namespace assetpipe::util::json {
namespace {

// Deeper nesting than this is refused (no source map comes near it).
constexpr size_t kMaxDepth = 512;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A strict checker of JSON text. Strings are checked for escapes and control
// characters here; UTF-8 is checked once over the whole text by the caller.
class Checker {
 public:
  explicit Checker(std::string_view s) : s_(s) {}
  size_t pos() const { return p_; }
  bool at(char c) const { return p_ < s_.size() && s_[p_] == c; }
  bool eat(char c) {
    if (!at(c)) return false;
    ++p_;
    return true;
  }
  void ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) {
      ++p_;
    }
  }

  bool string() {
    if (!eat('"')) return false;
    while (p_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[p_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (p_ >= s_.size()) return false;
      char e = s_[p_++];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k) {
          if (p_ >= s_.size() || !util::is_hex_digit(s_[p_++])) return false;
        }
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return false;
      }
    }
    return false;
  }

  // One complete value of any kind, nested containers included (iteratively:
  // a hostile depth cannot overflow the stack).
  bool value() {
    std::vector<char> open;  // '{' or '['
    while (true) {
      ws();
      if (p_ >= s_.size()) return false;
      char c = s_[p_];
      bool complete = true;
      if (c == '{' || c == '[') {
        if (open.size() >= kMaxDepth) return false;
        ++p_;
        ws();
        if (eat(c == '{' ? '}' : ']')) {
          complete = true;
        } else {
          open.push_back(c);
          if (c == '{' && !key()) return false;
          complete = false;
        }
      } else if (c == '"') {
        if (!string()) return false;
      } else if (c == '-' || is_digit(c)) {
        if (!number()) return false;
      } else if (!literal("true") && !literal("false") && !literal("null")) {
        return false;
      }
      if (!complete) continue;
      // After a complete value: close what ends here, or go on after a comma.
      while (true) {
        if (open.empty()) return true;
        ws();
        if (eat(',')) {
          if (open.back() == '{' && !key()) return false;
          break;
        }
        if (!eat(open.back() == '{' ? '}' : ']')) return false;
        open.pop_back();
      }
    }
  }

  // A member's key and its colon.
  bool key() {
    ws();
    if (!string()) return false;
    ws();
    return eat(':');
  }

 private:
  std::string_view s_;
  size_t p_ = 0;

  bool literal(std::string_view word) {
    if (s_.substr(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  bool digits() {
    size_t start = p_;
    while (p_ < s_.size() && is_digit(s_[p_])) ++p_;
    return p_ > start;
  }

  bool number() {
    eat('-');
    if (eat('0')) {
    } else if (!digits()) {
      return false;
    }
    if (eat('.') && !digits()) return false;
    if (at('e') || at('E')) {
      ++p_;
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return true;
  }
};

std::string decode_key(std::string_view quoted) {
  std::string_view inner = quoted.substr(1, quoted.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  auto j = nlohmann::json::parse(quoted, nullptr, false);
  return j.is_string() ? j.get<std::string>() : std::string(inner);
}

}  // namespace

Result<Members> Members::of(std::string_view text) {
  if (!util::is_valid_utf8(text)) return fail("is not valid UTF-8");
  Members out;
  out.text_ = text;
  Checker c(text);
  c.ws();
  out.open_ = c.pos();
  if (!c.eat('{')) return fail("is not a JSON object");
  c.ws();
  if (!c.eat('}')) {
    while (true) {
      c.ws();
      size_t key_begin = c.pos();
      if (!c.string()) return fail("is not valid JSON");
      std::string key = decode_key(text.substr(key_begin, c.pos() - key_begin));
      c.ws();
      if (!c.eat(':')) return fail("is not valid JSON");
      c.ws();
      size_t begin = c.pos();
      if (!c.value()) return fail("is not valid JSON");
      out.members_.push_back(Member{std::move(key), begin, c.pos()});
      c.ws();
      if (c.eat(',')) continue;
      if (c.eat('}')) break;
      return fail("is not valid JSON");
    }
  }
  c.ws();
  if (c.pos() != text.size()) return fail("is not valid JSON (text after the object)");
  return out;
}

std::optional<std::string_view> Members::raw(std::string_view key) const {
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->key == key) return text_.substr(it->value_begin, it->value_end - it->value_begin);
  }
  return std::nullopt;
}

std::string Members::with(const std::map<std::string, std::string>& values) const {
  // Which member takes each value: the last one of its key.
  std::vector<std::pair<const Member*, const std::string*>> edits;
  std::string added;
  for (const auto& [key, value] : values) {
    auto it = std::find_if(members_.rbegin(), members_.rend(),
                           [&](const Member& m) { return m.key == key; });
    if (it != members_.rend()) {
      edits.emplace_back(&*it, &value);
    } else {
      added += nlohmann::json(key).dump() + ":" + value + ",";
    }
  }
  if (!added.empty() && members_.empty()) added.pop_back();  // no member follows
  std::sort(edits.begin(), edits.end(),
            [](const auto& a, const auto& b) { return a.first->value_begin < b.first->value_begin; });
  std::string out;
  out.reserve(text_.size() + added.size());
  out.append(text_.substr(0, open_ + 1));
  out += added;
  size_t at = open_ + 1;
  for (const auto& [member, value] : edits) {
    out.append(text_.substr(at, member->value_begin - at));
    out += *value;
    at = member->value_end;
  }
  out.append(text_.substr(at));
  return out;
}

}  // namespace assetpipe::util::json
