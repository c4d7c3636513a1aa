// The HTTP(S) remote store (--remote-cache http(s)://host[:port]/prefix), in
// the Bazel remote cache layout that bazel-remote, nginx with WebDAV PUT and
// object stores behind a proxy all serve:
//   <prefix>/cas/<sha256 of the bytes>  the entry's bytes
//   <prefix>/ac/<key>                   "<sha256-hex> <size>\n", pointing at them
// The bytes are checked against that digest on every read, so a tampered or
// corrupt entry is a miss (with a warning), never a wrong output.
#pragma once

#include <memory>

#include "cache/remote.h"
#include "cache/storage.h"
#include "util/result.h"

namespace assetpipe::cache {

// settings.url starts with http:// or https://; a URL with no host is refused.
util::Result<std::unique_ptr<Storage>> open_http_remote(const RemoteSettings& settings);

}  // namespace assetpipe::cache
