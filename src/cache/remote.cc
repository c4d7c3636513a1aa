#include "cache/remote.h"

#include <cctype>

#include <fmt/format.h>

#include "cache/remote_http.h"
#include "cache/remote_redis.h"

namespace assetpipe::cache {
namespace {

bool starts_with_nocase(const std::string& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

util::Result<std::unique_ptr<Storage>> open_remote(const RemoteSettings& settings) {
  if (starts_with_nocase(settings.url, "http://") || starts_with_nocase(settings.url, "https://")) {
    return open_http_remote(settings);
  }
  if (starts_with_nocase(settings.url, "redis://")) return open_redis_remote(settings);
  return util::fail(fmt::format(
      "--remote-cache URL: \"{}\" is not a remote cache URL; give http(s)://host/prefix or "
      "redis://host:port/db",
      redact_url(settings.url)));
}

std::string redact_url(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  size_t begin = scheme_end + 3;
  size_t end = url.find_first_of("/?#", begin);
  if (end == std::string::npos) end = url.size();
  // The last '@' ends the user info: a password may hold an unescaped '@'.
  auto at = url.rfind('@', end - 1);
  if (at == std::string::npos || at < begin) return url;
  auto colon = url.find(':', begin);
  if (colon == std::string::npos || colon > at) return url;  // a user name alone
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace assetpipe::cache
