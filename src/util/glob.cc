#include "util/glob.h"

namespace assetpipe::util {
namespace {

// Matches one character class starting at p[i] == '['; sets `next` past ']'.
bool match_class(std::string_view p, size_t i, char c, size_t& next) {
  size_t j = i + 1;
  bool negate = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    negate = true;
    ++j;
  }
  bool matched = false;
  bool first = true;
  while (j < p.size() && (p[j] != ']' || first)) {
    first = false;
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      if (p[j] <= c && c <= p[j + 2]) matched = true;
      j += 3;
    } else {
      if (p[j] == c) matched = true;
      ++j;
    }
  }
  if (j >= p.size()) {  // no closing bracket: treat '[' literally
    next = i + 1;
    return c == '[';
  }
  next = j + 1;
  return matched != negate && c != '/';
}

bool match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  while (pi < p.size()) {
    if (p[pi] == '*') {
      bool dstar = pi + 1 < p.size() && p[pi + 1] == '*';
      if (dstar) {
        size_t rest = pi + 2;
        // "**/" may match zero folders.
        if (rest < p.size() && p[rest] == '/') {
          if (match(p.substr(rest + 1), s.substr(si))) return true;
        }
        for (size_t k = si; k <= s.size(); ++k) {
          if (match(p.substr(rest), s.substr(k))) return true;
        }
        return false;
      }
      for (size_t k = si; k <= s.size(); ++k) {
        if (match(p.substr(pi + 1), s.substr(k))) return true;
        if (k < s.size() && s[k] == '/') break;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (p[pi] == '?') {
      if (s[si] == '/') return false;
      ++pi, ++si;
      continue;
    }
    if (p[pi] == '[') {
      size_t next = 0;
      if (!match_class(p, pi, s[si], next)) return false;
      pi = next, ++si;
      continue;
    }
    if (p[pi] == '\\' && pi + 1 < p.size()) ++pi;
    if (p[pi] != s[si]) return false;
    ++pi, ++si;
  }
  return si == s.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.starts_with("./")) pattern.remove_prefix(2);
  if (pattern.starts_with("/")) pattern.remove_prefix(1);
  if (pattern.find('/') == std::string_view::npos) {
    auto slash = path.rfind('/');
    std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return match(pattern, base);
  }
  return match(pattern, path);
}

}  // namespace assetpipe::util
