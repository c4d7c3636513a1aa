#include "transform/minify_comments.h"

#include "util/url.h"

namespace assetpipe::transform {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "# sourceMappingURL=x" or "@ sourceMappingURL=x" -> "x".
std::optional<std::string> url_of(std::string_view body) {
  if (body.size() < 2 || (body[0] != '#' && body[0] != '@')) return std::nullopt;
  body.remove_prefix(1);
  body = trim(body);
  constexpr std::string_view key = "sourceMappingURL=";
  if (!body.starts_with(key)) return std::nullopt;
  std::string_view url = trim(body.substr(key.size()));
  if (url.empty() || url.find_first_of(" \t\n\r") != url.npos) return std::nullopt;
  return std::string(url);
}

std::optional<std::string> base64_decode(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else if (c == '=' || is_space(c))
      continue;
    else
      return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

std::optional<MapComment> find_map_comment(std::string_view code, FileKind kind) {
  std::string_view body = code;
  while (!body.empty() && is_space(body.back())) body.remove_suffix(1);
  if (body.ends_with("*/")) {
    size_t open = body.rfind("/*", body.size() - 2);
    if (open == body.npos) return std::nullopt;
    auto url = url_of(body.substr(open + 2, body.size() - 2 - (open + 2)));
    if (!url) return std::nullopt;
    return MapComment{open, body.size() - open, *url};
  }
  if (kind != FileKind::Js) return std::nullopt;
  size_t line_start = body.rfind('\n');
  line_start = line_start == body.npos ? 0 : line_start + 1;
  std::string_view line = body.substr(line_start);
  size_t lead = 0;
  while (lead < line.size() && is_space(line[lead])) ++lead;
  if (line.substr(lead).substr(0, 2) != "//") return std::nullopt;
  auto url = url_of(line.substr(lead + 2));
  if (!url) return std::nullopt;
  return MapComment{line_start + lead, line.size() - lead, *url};
}

std::string_view strip_map_comment(std::string_view code, FileKind kind) {
  auto c = find_map_comment(code, kind);
  return c ? code.substr(0, c->offset) : code;
}

std::optional<std::string> resolve_map_url(std::string_view url, std::string_view logical,
                                           std::string_view base) {
  // The link step's resolver: a map URL resolves as any other reference does.
  if (util::classify_url(url, false) != util::UrlKind::Path) return std::nullopt;
  auto path = util::resolve_path(util::percent_decode(url.substr(0, util::path_end(url))),
                                 util::folder_of(logical), util::normalize_base(base));
  if (!path || path->empty()) return std::nullopt;
  return *path;
}

std::optional<std::string> decode_data_url(std::string_view url) {
  if (!url.starts_with("data:")) return std::nullopt;
  size_t comma = url.find(',');
  if (comma == url.npos) return std::nullopt;
  std::string_view params = url.substr(5, comma - 5);
  std::string_view payload = url.substr(comma + 1);
  if (!params.starts_with("application/json")) return std::nullopt;
  if (params.ends_with(";base64")) return base64_decode(payload);
  return util::percent_decode(payload);
}

}  // namespace assetpipe::transform
