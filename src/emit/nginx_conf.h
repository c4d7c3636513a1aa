// The nginx snippets: .assetpipe/nginx/http.conf (inside http {}) and
// .assetpipe/nginx/server.conf (inside the server {} that serves the output).
// See docs/nginx.md for what they do and why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/options.h"
#include "emit/emit.h"
#include "util/result.h"

namespace assetpipe::emit {

// `s` as one nginx string token: double-quoted, `\` and `"` escaped, so that
// nginx reads back exactly `s`. Fails for control characters (nginx would
// read `\n` in a name as a line break) and for tokens too long for nginx's
// configuration reader.
util::Result<std::string> nginx_quote(std::string_view s);

// A PCRE pattern matching `s` literally (every ASCII punctuation escaped).
std::string regex_escape(std::string_view s);

// The URL path prefix the output is served under: "/" or "/x/y/".
std::string url_prefix(const std::string& base);

inline constexpr const char* kNginxHttpConf = ".assetpipe/nginx/http.conf";
inline constexpr const char* kNginxServerConf = ".assetpipe/nginx/server.conf";

// The text of http.conf (the same for every build).
std::string nginx_http_conf();
// server.conf, handed to `sink` in pieces as it is made: a site's snippet
// has a location for most of its files and is never held whole (issue 14).
// Throws Error naming a file whose name cannot be represented safely.
void write_nginx_server_conf(const std::vector<Asset>& assets, const Options& options,
                             const TextSink& sink);
// Both snippets by path, whole ({kNginxHttpConf: ..., kNginxServerConf: ...}):
// for `assetpipe verify` and the tests.
ExtraFiles nginx_conf(const std::vector<Asset>& assets, const Options& options);

}  // namespace assetpipe::emit
