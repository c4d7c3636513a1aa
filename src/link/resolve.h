// The one resolver: which file of a tree a reference found by a scanner
// names. The link stage resolves against the input tree (logical paths);
// `assetpipe verify` against the output tree, with the same rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "assetpipe/asset.h"
#include "link/reference.h"

namespace assetpipe::link {

// Whether scan_file can find references in a file of this path and kind
// (the others are never read by the link stage).
bool may_reference(std::string_view path, FileKind kind);

// The references of the file at `path` (a bundler's manifest by its path;
// else by kind: CSS, JS, HTML, SVG, web manifest; other kinds have none).
ScanResult scan_file(std::string_view path, FileKind kind, std::string_view bytes);

// The folder ("" or "css/") the relative references of the file at `path`
// resolve against: its own, or its <base href>'s; nullopt when the
// <base href> points at another host. `base` is the normalised --base.
std::optional<std::string> reference_folder(std::string_view path, const ScanResult& scan,
                                            std::string_view base);

struct Resolution {
  enum class Status {
    Ignored,   // not a path (external, data:, #fragment, a package name) or <base> elsewhere
    Invalid,   // leaves the root or lies outside --base: `error` says how
    Resolved,  // `path` in the tree (a folder URL names its index.html)
  };
  Status status = Status::Ignored;
  std::string path;
  size_t path_end = 0;  // index into the URL where ?query#fragment starts
  bool folder_url = false;
  std::string error;
};

// `ref.url` already trimmed.
Resolution resolve_reference(const Reference& ref, const std::optional<std::string>& folder,
                             std::string_view base);

// Whether a reference that does not resolve to a file of the tree is a
// problem: a navigation link (<a href>) to a missing page without an
// extension may be a route of the application, so it is not.
bool missing_is_reported(const Reference& ref, const Resolution& r);

}  // namespace assetpipe::link
