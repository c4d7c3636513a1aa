// The remote stores behind --remote-cache URL (DESIGN.md "cache/").
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "cache/storage.h"
#include "util/result.h"

namespace assetpipe::cache {

struct RemoteSettings {
  std::string url;     // http(s)://host[:port]/prefix or redis://[user:password@]host[:port][/db]
  std::string header;  // an extra HTTP header line ("Authorization: Bearer ..."), never printed
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};
  // Told once per entry that does not match its digest ("a tampered or
  // corrupt remote entry; rebuilt"): such an entry is a miss, not a failure.
  // May be called from several threads at once; may be empty.
  std::function<void(const std::string&)> warn;
};

// The store for settings.url by its scheme; a usage message for a URL that
// is not one of the two forms. Connecting happens on first use.
util::Result<std::unique_ptr<Storage>> open_remote(const RemoteSettings& settings);

// The URL with any password replaced by "***" (for messages and reports).
std::string redact_url(const std::string& url);

}  // namespace assetpipe::cache
