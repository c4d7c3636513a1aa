#include "link/json_scanner.h"

#include <fmt/format.h>

#include <cctype>
#include <functional>
#include <string>
#include <vector>

namespace assetpipe::link {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One level of nesting: an object (with the key being read) or an array.
struct Level {
  bool object = false;
  std::string key;
};

using Path = std::vector<Level>;
// Is the string value at this path a reference?
using Wanted = std::function<bool(const Path&)>;

class JsonScanner {
 public:
  JsonScanner(std::string_view s, size_t base, Wanted wanted)
      : s_(s), base_(base), wanted_(std::move(wanted)) {}

  ScanResult run() {
    skip_space();
    if (!value(0)) {
      ScanResult bad;
      bad.problem = fmt::format("not valid JSON at byte {} ({}); its references are not rewritten",
                                base_ + i_, error_.empty() ? "unexpected character" : error_);
      return bad;
    }
    return std::move(result_);
  }

 private:
  std::string_view s_;
  size_t base_;
  Wanted wanted_;
  size_t i_ = 0;
  Path path_;
  ScanResult result_;
  std::string error_;

  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  bool expect(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  bool string(DecodedText& out) {
    ++i_;  // opening quote
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"') {
        out.finish(base_ + i_);
        ++i_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        error_ = "control character in a string";
        return false;
      }
      if (c != '\\') {
        out.push(c, base_ + i_++);
        continue;
      }
      size_t start = base_ + i_++;
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push(e, start);
          break;
        case 'b':
          out.push('\b', start);
          break;
        case 'f':
          out.push('\f', start);
          break;
        case 'n':
          out.push('\n', start);
          break;
        case 'r':
          out.push('\r', start);
          break;
        case 't':
          out.push('\t', start);
          break;
        case 'u': {
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            if (i_ >= s_.size() || hex_value(s_[i_]) < 0) {
              error_ = "bad \\u escape";
              return false;
            }
            cp = cp * 16 + static_cast<uint32_t>(hex_value(s_[i_++]));
          }
          // A surrogate pair: \uD83D\uDE00.
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(i_, 2) == "\\u" && i_ + 6 <= s_.size()) {
            uint32_t lo = 0;
            bool ok = true;
            for (size_t k = i_ + 2; k < i_ + 6; ++k) {
              if (hex_value(s_[k]) < 0)
                ok = false;
              else
                lo = lo * 16 + static_cast<uint32_t>(hex_value(s_[k]));
            }
            if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i_ += 6;
            }
          }
          out.push_code_point(cp, start);
          break;
        }
        default:
          error_ = "bad escape";
          return false;
      }
    }
    error_ = "unterminated string";
    return false;
  }

  bool value(int depth) {
    if (depth > 512) {
      error_ = "nested too deeply";
      return false;
    }
    skip_space();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      DecodedText str;
      if (!string(str)) return false;
      if (wanted_(path_))
        result_.refs.push_back(Reference{std::move(str), RefKind::Resource, false});
      return true;
    }
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '+' || s_[i_] == '.')) {
      ++i_;
    }
    return i_ > start;  // a number, true, false or null (not checked further)
  }

  bool object(int depth) {
    ++i_;
    path_.push_back({true, ""});
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      path_.pop_back();
      return true;
    }
    while (true) {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') return false;
      DecodedText key;
      if (!string(key)) return false;
      path_.back().key = key.text;
      if (!expect(':')) return false;
      if (!value(depth + 1)) return false;
      if (expect(',')) continue;
      if (expect('}')) break;
      return false;
    }
    path_.pop_back();
    return true;
  }

  bool array(int depth) {
    ++i_;
    path_.push_back({false, ""});
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      path_.pop_back();
      return true;
    }
    while (true) {
      if (!value(depth + 1)) return false;
      if (expect(',')) continue;
      if (expect(']')) break;
      return false;
    }
    path_.pop_back();
    return true;
  }
};

bool is(const Level& l, bool object, std::string_view key = {}) {
  return l.object == object && (!object || l.key == key);
}

// icons[].src, screenshots[].src, shortcuts[].icons[].src
bool manifest_icon_src(const Path& p) {
  if (p.size() == 3) {
    return (is(p[0], true, "icons") || is(p[0], true, "screenshots")) && is(p[1], false) &&
           is(p[2], true, "src");
  }
  return p.size() == 5 && is(p[0], true, "shortcuts") && is(p[1], false) &&
         is(p[2], true, "icons") && is(p[3], false) && is(p[4], true, "src");
}

// imports.<specifier>, scopes.<prefix>.<specifier>
bool import_map_address(const Path& p) {
  if (p.size() == 2) return is(p[0], true, "imports") && p[1].object;
  return p.size() == 3 && is(p[0], true, "scopes") && p[1].object && p[2].object;
}

// <chunk>.file, <chunk>.css[], <chunk>.assets[]
bool vite_manifest_file(const Path& p) {
  if (p.size() == 2) return p[0].object && is(p[1], true, "file");
  return p.size() == 3 && p[0].object && (is(p[1], true, "css") || is(p[1], true, "assets")) &&
         is(p[2], false);
}

// <module id>[]
bool vite_ssr_manifest_file(const Path& p) {
  return p.size() == 2 && p[0].object && is(p[1], false);
}

// files.<name>, entrypoints[]
bool asset_manifest_file(const Path& p) {
  return p.size() == 2 &&
         ((is(p[0], true, "files") && p[1].object) || (is(p[0], true, "entrypoints") && !p[1].object));
}

}  // namespace

ScanResult scan_vite_manifest(std::string_view json) {
  return JsonScanner(json, 0, vite_manifest_file).run();
}

ScanResult scan_vite_ssr_manifest(std::string_view json) {
  return JsonScanner(json, 0, vite_ssr_manifest_file).run();
}

ScanResult scan_asset_manifest(std::string_view json) {
  return JsonScanner(json, 0, asset_manifest_file).run();
}

ScanResult scan_webmanifest(std::string_view json, size_t base_offset) {
  return JsonScanner(json, base_offset, manifest_icon_src).run();
}

ScanResult scan_import_map(std::string_view json, size_t base_offset) {
  ScanResult r = JsonScanner(json, base_offset, import_map_address).run();
  std::erase_if(r.refs, [](const Reference& ref) { return ref.url.text.ends_with('/'); });
  for (auto& ref : r.refs) ref.kind = RefKind::Import;
  return r;
}

}  // namespace assetpipe::link
