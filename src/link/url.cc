#include "link/url.h"

#include <fmt/format.h>

#include <vector>

namespace assetpipe::link {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_scheme(std::string_view url) {
  if (url.empty() || !is_alpha(url[0])) return false;
  for (size_t k = 1; k < url.size(); ++k) {
    char c = url[k];
    if (c == ':') return true;
    if (!(is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return false;
  }
  return false;
}

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t k = 0;
  while (k <= path.size()) {
    size_t slash = path.find('/', k);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(k, slash - k));
    k = slash + 1;
  }
  return out;
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

util::Result<std::string> resolve_path(std::string_view decoded_path, std::string_view dir,
                                       std::string_view base) {
  std::string joined;
  if (decoded_path.starts_with('/')) {
    if (!decoded_path.starts_with(base)) {
      return util::fail(fmt::format("is outside --base {}", base));
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
      if (out.empty()) return util::fail("leaves the input folder");
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
  if (logical.find('\0') != std::string::npos) return util::fail("contains a NUL byte");
  return logical;
}

std::string_view folder_of(std::string_view logical) {
  auto slash = logical.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : logical.substr(0, slash + 1);
}

std::string_view base_name(std::string_view logical) {
  auto slash = logical.rfind('/');
  return slash == std::string_view::npos ? logical : logical.substr(slash + 1);
}

std::string relative_path(std::string_view from_dir, std::string_view to) {
  auto a = split_segments(from_dir);
  auto b = split_segments(to);
  if (!a.empty() && a.back().empty()) a.pop_back();
  size_t common = 0;
  while (common < a.size() && common + 1 < b.size() && a[common] == b[common]) ++common;
  std::string out;
  for (size_t k = common; k < a.size(); ++k) out += "../";
  for (size_t k = common; k < b.size(); ++k) {
    out += b[k];
    if (k + 1 < b.size()) out += '/';
  }
  return out;
}

}  // namespace assetpipe::link
