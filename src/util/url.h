// URLs in references: what kind they are, how they resolve to a file of the
// input tree, and how a new file name is written back.
#pragma once

#include <string>
#include <string_view>

#include "util/path.h"
#include "util/result.h"

namespace assetpipe::util {

enum class UrlKind {
  Empty,     // "" or only whitespace
  Fragment,  // "#id": the document itself
  External,  // "data:", "blob:", "https:", any scheme, "//host"
  Bare,      // a module specifier that is a package name ("react")
  Path,      // relative or root-relative: resolved against the input tree
};

UrlKind classify_url(std::string_view url, bool module_specifier);

// A source map's `sources` entry or `sourceRoot` that is relative to the
// map's folder (so it changes when the map moves): a relative path, not an
// absolute one, a URL with a scheme ("webpack://"), a fragment or empty.
bool is_relative_source(std::string_view source);

// Where the path ends: the first '?' or '#', or the size.
size_t path_end(std::string_view url);

// %XX decoded (a malformed escape is kept as written).
std::string percent_decode(std::string_view s);

// Every byte outside A-Z a-z 0-9 - . _ ~ ! $ * + ; = @ and '/' written as %XX:
// safe unquoted in CSS url(), in srcset, in HTML attributes and JS strings.
std::string percent_encode_path(std::string_view path);

// --base normalised: starts and ends with '/'.
std::string normalize_base(std::string_view base);

// Resolves the decoded path of a reference to a logical path of the input
// tree. `dir` is the logical folder the reference is relative to ("" for the
// root, else "css/"); `base` is the normalised --base. Fails with a message
// when the path leaves the root or lies outside --base.
Result<std::string> resolve_path(std::string_view decoded_path, std::string_view dir,
                                       std::string_view base);

}  // namespace assetpipe::util
