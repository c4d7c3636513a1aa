// One place cache entries are kept: the local folder (local_store.h) or a
// remote server (remote_http.h, remote_redis.h). Keys are 64 lowercase hex
// digits (cache::Key); values are encoded entries (entry.h), checked by the
// caller on every read, so a store only moves bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace assetpipe::cache {

class Storage {
 public:
  virtual ~Storage() = default;
  // The value stored under `key`; nullopt when there is none (a miss). A
  // failure (the server refused, timed out, answered 5xx) is an error: the
  // caller stops using a remote store for the rest of the build.
  virtual util::Result<std::optional<std::string>> get(const std::string& key) = 0;
  virtual util::Result<util::Ok> put(const std::string& key, std::string_view value) = 0;
  // For messages: "local cache DIR", "remote cache http://host/prefix" (no password).
  virtual std::string describe() const = 0;
};

}  // namespace assetpipe::cache
