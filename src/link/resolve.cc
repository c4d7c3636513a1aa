#include "link/resolve.h"

#include "link/css_scanner.h"
#include "link/html_scanner.h"
#include "link/js_scanner.h"
#include "link/json_scanner.h"
#include "scan/classify.h"
#include "util/url.h"

namespace assetpipe::link {

bool may_reference(std::string_view path, FileKind kind) {
  if (scan::bundler_manifest(path) != scan::BundlerManifest::None) return true;
  switch (kind) {
    case FileKind::Css:
    case FileKind::Js:
    case FileKind::Html:
    case FileKind::Svg:
    case FileKind::WebManifest:
      return true;
    default:
      return false;
  }
}

ScanResult scan_file(std::string_view path, FileKind kind, std::string_view bytes) {
  switch (scan::bundler_manifest(path)) {
    case scan::BundlerManifest::Vite:
      return path.ends_with("ssr-manifest.json") ? scan_vite_ssr_manifest(bytes)
                                                 : scan_vite_manifest(bytes);
    case scan::BundlerManifest::AssetManifest:
      return scan_asset_manifest(bytes);
    case scan::BundlerManifest::None:
      break;
  }
  switch (kind) {
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

std::optional<std::string> reference_folder(std::string_view path, const ScanResult& scan,
                                            std::string_view base) {
  // A bundler manifest's paths are relative to the output root.
  if (scan::bundler_manifest(path) != scan::BundlerManifest::None) return "";
  std::string folder(util::folder_of(path));
  if (!scan.base_href) return folder;
  const std::string& href = *scan.base_href;
  util::UrlKind kind = util::classify_url(href, false);
  if (kind == util::UrlKind::External) return std::nullopt;
  if (kind != util::UrlKind::Path) return folder;
  auto r = util::resolve_path(util::percent_decode(href.substr(0, util::path_end(href))), folder, base);
  if (!r) return folder;
  return std::string(util::folder_of(*r + (href.ends_with('/') && !r->empty() ? "/" : "")));
}

Resolution resolve_reference(const Reference& ref, const std::optional<std::string>& folder,
                             std::string_view base) {
  Resolution out;
  const std::string& url = ref.url.text;
  if (util::classify_url(url, ref.module_specifier) != util::UrlKind::Path) return out;
  if (!folder) return out;  // <base href> on another host
  out.path_end = util::path_end(url);
  auto r = util::resolve_path(util::percent_decode(url.substr(0, out.path_end)), *folder, base);
  if (!r) {
    out.status = Resolution::Status::Invalid;
    out.error = r.error();
    return out;
  }
  out.status = Resolution::Status::Resolved;
  out.path = *r;
  out.folder_url = out.path.empty() || out.path.ends_with('/');
  if (out.folder_url) out.path += "index.html";
  return out;
}

namespace {

bool has_extension(std::string_view path) {
  auto name = util::base_name(path);
  auto dot = name.rfind('.');
  return dot != std::string_view::npos && dot > 0;
}

}  // namespace

bool missing_is_reported(const Reference& ref, const Resolution& r) {
  if (ref.kind != RefKind::Navigation) return true;
  return r.status == Resolution::Status::Resolved && !r.folder_url && has_extension(r.path);
}

}  // namespace assetpipe::link
