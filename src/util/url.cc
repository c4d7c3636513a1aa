#include "util/url.h"

#include <fmt/format.h>

#include <vector>

namespace assetpipe::util {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool has_scheme(std::string_view url) {
  if (url.empty() || !is_alpha(url[0])) return false;
  for (size_t k = 1; k < url.size(); ++k) {
    char c = url[k];
    if (c == ':') return true;
    if (!(is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return false;
  }
  return false;
}

}  // namespace

UrlKind classify_url(std::string_view url, bool module_specifier) {
  size_t k = 0;
  while (k < url.size() && is_space(url[k])) ++k;
  url.remove_prefix(k);
  if (url.empty()) return UrlKind::Empty;
  if (url[0] == '#') return UrlKind::Fragment;
  if (url.starts_with("//") || url.starts_with("\\\\") || has_scheme(url)) return UrlKind::External;
  if (module_specifier && !url.starts_with("./") && !url.starts_with("../") &&
      !url.starts_with("/")) {
    return UrlKind::Bare;
  }
  if (url[0] == '?') return UrlKind::Fragment;  // "?x": the document itself, another query
  return UrlKind::Path;
}

bool is_relative_source(std::string_view source) {
  return classify_url(source, false) == UrlKind::Path && !source.starts_with('/');
}

size_t path_end(std::string_view url) {
  size_t e = url.find_first_of("?#");
  return e == std::string_view::npos ? url.size() : e;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == '%' && k + 2 < s.size() && hex_value(s[k + 1]) >= 0 && hex_value(s[k + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[k + 1]) * 16 + hex_value(s[k + 2])));
      k += 2;
    } else {
      out.push_back(s[k]);
    }
  }
  return out;
}

std::string percent_encode_path(std::string_view path) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '!' || c == '$' || c == '*' ||
                c == '+' || c == ';' || c == '=' || c == '@' || c == '/';
    if (safe) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(digits[u >> 4]);
      out.push_back(digits[u & 15]);
    }
  }
  return out;
}

std::string normalize_base(std::string_view base) {
  std::string b(base);
  if (b.empty() || b[0] != '/') b.insert(b.begin(), '/');
  if (b.back() != '/') b.push_back('/');
  return b;
}

Result<std::string> resolve_path(std::string_view decoded_path, std::string_view dir,
                                       std::string_view base) {
  std::string joined;
  if (decoded_path.starts_with('/')) {
    if (!decoded_path.starts_with(base)) {
      return fail(fmt::format("is outside --base {}", base));
    }
    joined = decoded_path.substr(base.size());
  } else {
    joined = std::string(dir) + std::string(decoded_path);
  }
  std::vector<std::string_view> out;
  auto segments = split_segments(joined);
  for (size_t k = 0; k < segments.size(); ++k) {
    auto seg = segments[k];
    bool last = k + 1 == segments.size();
    if (seg == "." || (seg.empty() && !last)) continue;
    if (seg == "..") {
      if (out.empty()) return fail("leaves the input folder");
      out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string logical;
  for (size_t k = 0; k < out.size(); ++k) {
    if (k) logical += '/';
    logical += out[k];
  }
  if (logical.find('\0') != std::string::npos) return fail("contains a NUL byte");
  return logical;
}

}  // namespace assetpipe::util
