// Placeholder until the remote stores land (branch i15-remote).
#include "cache/remote.h"

namespace assetpipe::cache {

util::Result<std::unique_ptr<Storage>> open_remote(const RemoteSettings& settings) {
  return util::fail("--remote-cache " + redact_url(settings.url) + ": not built yet");
}

std::string redact_url(const std::string& url) { return url; }

}  // namespace assetpipe::cache
