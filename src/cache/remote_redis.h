// The Redis remote store (--remote-cache redis://[user:password@]host[:port][/db]),
// with hiredis: each entry is one string value under "assetpipe:<key>", so
// one Redis may hold other data too, and its own eviction (maxmemory with an
// LRU policy) bounds the cache.
#pragma once

#include <memory>

#include "cache/remote.h"
#include "cache/storage.h"
#include "util/result.h"

namespace assetpipe::cache {

// settings.url starts with redis://; a URL that does not parse (no host, a
// bad port or db number) is refused with a usage message.
util::Result<std::unique_ptr<Storage>> open_redis_remote(const RemoteSettings& settings);

}  // namespace assetpipe::cache
