// Checks a built output tree: every reference in every served text file
// resolves to a file of the tree. Header-only (tests/ compiles *_test.cc only).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "link/css_scanner.h"
#include "link/html_scanner.h"
#include "link/js_scanner.h"
#include "link/json_scanner.h"
#include "scan/classify.h"
#include "util/url.h"

namespace assetpipe::link::testing {
namespace detail {

inline ScanResult scan_file(const std::string& path, const std::string& bytes) {
  switch (scan::classify(path)) {
    case FileKind::Css:
      return scan_css(bytes);
    case FileKind::Js:
      return scan_js(bytes);
    case FileKind::Html:
      return scan_html(bytes);
    case FileKind::Svg:
      return scan_svg(bytes);
    case FileKind::WebManifest:
      return scan_webmanifest(bytes);
    default:
      return {};
  }
}

inline bool served(const std::string& path) {
  if (path.starts_with(".assetpipe/")) return false;
  for (const char* ext : {".br", ".gz"}) {
    if (path.ends_with(ext)) return false;
  }
  return true;
}

}  // namespace detail

struct OutputCheck {
  size_t checked = 0;               // references that had to resolve
  std::vector<std::string> broken;  // "file: url" of those that did not
};

// `tree`: relative path -> bytes (test::snapshot). `base`: --base.
inline OutputCheck check_references(const std::map<std::string, std::string>& tree,
                                    const std::string& base = "/") {
  OutputCheck out;
  std::string nbase = util::normalize_base(base);
  for (const auto& [path, bytes] : tree) {
    if (!detail::served(path)) continue;
    ScanResult scan = detail::scan_file(path, bytes);
    std::string folder(util::folder_of(path));
    if (scan.base_href && scan.base_href->starts_with('/')) {
      auto r = util::resolve_path(*scan.base_href, "", nbase);
      if (r) folder = std::string(util::folder_of(*r + "/"));
    }
    for (const auto& ref : scan.refs) {
      if (ref.kind == RefKind::DynamicExpression) continue;
      std::string url = ref.url.trimmed().text;
      if (util::classify_url(url, ref.module_specifier) != util::UrlKind::Path) continue;
      auto r = util::resolve_path(util::percent_decode(url.substr(0, util::path_end(url))), folder, nbase);
      std::string target = r ? *r : "";
      if (target.empty() || target.ends_with('/')) target += "index.html";
      if (ref.kind == RefKind::Navigation && !tree.count(target)) continue;  // server routes
      ++out.checked;
      if (!r || !tree.count(target)) out.broken.push_back(path + ": " + url);
    }
  }
  return out;
}

}  // namespace assetpipe::link::testing
