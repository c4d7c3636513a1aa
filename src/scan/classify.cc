#include "scan/classify.h"

#include <algorithm>
#include <cctype>

#include "util/glob.h"
#include "util/path.h"

namespace assetpipe {

const char* to_string(FileKind kind) {
  switch (kind) {
    case FileKind::Js:
      return "js";
    case FileKind::Css:
      return "css";
    case FileKind::Html:
      return "html";
    case FileKind::Svg:
      return "svg";
    case FileKind::Jpeg:
      return "jpeg";
    case FileKind::Png:
      return "png";
    case FileKind::OtherImage:
      return "image";
    case FileKind::Font:
      return "font";
    case FileKind::Json:
      return "json";
    case FileKind::WebManifest:
      return "webmanifest";
    case FileKind::SourceMap:
      return "map";
    case FileKind::Other:
      return "other";
  }
  return "other";
}

}  // namespace assetpipe

namespace assetpipe::scan {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

using util::base_name;
std::string extension(std::string_view path) { return util::lower_extension(path); }

}  // namespace

FileKind classify(std::string_view logical_path) {
  std::string ext = extension(logical_path);
  if (ext == ".js" || ext == ".mjs" || ext == ".cjs") return FileKind::Js;
  if (ext == ".css") return FileKind::Css;
  if (ext == ".html" || ext == ".htm") return FileKind::Html;
  if (ext == ".svg") return FileKind::Svg;
  if (ext == ".jpg" || ext == ".jpeg") return FileKind::Jpeg;
  if (ext == ".png") return FileKind::Png;
  if (ext == ".gif" || ext == ".webp" || ext == ".avif" || ext == ".ico" || ext == ".bmp") {
    return FileKind::OtherImage;
  }
  if (ext == ".woff" || ext == ".woff2" || ext == ".ttf" || ext == ".otf" || ext == ".eot") {
    return FileKind::Font;
  }
  if (bundler_manifest(logical_path) != BundlerManifest::None) return FileKind::Json;
  if (ext == ".webmanifest" || lower(base_name(logical_path)) == "manifest.json") {
    return FileKind::WebManifest;
  }
  if (ext == ".json") return FileKind::Json;
  if (ext == ".map") return FileKind::SourceMap;
  return FileKind::Other;
}

BundlerManifest bundler_manifest(std::string_view logical_path) {
  if (logical_path == ".vite/manifest.json" || logical_path == ".vite/ssr-manifest.json") {
    return BundlerManifest::Vite;
  }
  if (logical_path == "asset-manifest.json") return BundlerManifest::AssetManifest;
  return BundlerManifest::None;
}

bool is_build_metadata(std::string_view logical_path) {
  return logical_path.starts_with(".vite/") ||
         bundler_manifest(logical_path) != BundlerManifest::None;
}

const std::vector<std::string>& default_entry_globs() {
  static const std::vector<std::string> globs = {
      "**/*.html",
      "**/*.htm",
      "robots.txt",
      "favicon.ico",
      "sw.js",
      "service-worker.js",
      ".well-known/**",
      "*.webmanifest",
      "manifest.json",
      ".vite/**",             // bundler metadata: read by the backend, rewritten, never served
      "asset-manifest.json",  // (see bundler_manifest)
      "browserconfig.xml",
      "apple-touch-icon*.png",
      "sitemap*.xml",
      "_headers",
      "_redirects",
  };
  return globs;
}

bool is_entry(std::string_view logical_path, const std::vector<std::string>& extra_globs) {
  for (const auto& g : default_entry_globs()) {
    if (util::glob_match(g, logical_path)) return true;
  }
  for (const auto& g : extra_globs) {
    if (util::glob_match(g, logical_path)) return true;
  }
  return false;
}

std::pair<std::string, std::string> split_extension(std::string_view logical_path) {
  auto slash = logical_path.rfind('/');
  size_t base_start = slash == std::string_view::npos ? 0 : slash + 1;
  std::string_view base = logical_path.substr(base_start);
  auto dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {std::string(logical_path), ""};
  // Keep "x.js.map" together: the map is named after the file it maps.
  if (lower(base.substr(dot)) == ".map") {
    auto inner = base.substr(0, dot).rfind('.');
    if (inner != std::string_view::npos && inner != 0) dot = inner;
  }
  return {std::string(logical_path.substr(0, base_start + dot)),
          std::string(logical_path.substr(base_start + dot))};
}

namespace {

// No more than 5 letters of one case in a row (words have long runs, hashes
// do not); `digit`/`upper`/`lower` say which classes the token holds. False
// on a character outside [A-Za-z0-9_-].
bool hash_like(std::string_view token, bool& digit, bool& upper, bool& lower) {
  digit = upper = lower = false;
  size_t run = 0;
  bool run_upper = false;
  for (char c : token) {
    auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) {
      digit = true;
      run = 0;
    } else if (std::isalpha(u)) {
      bool up = std::isupper(u) != 0;
      (up ? upper : lower) = true;
      run = (run > 0 && up == run_upper) ? run + 1 : 1;
      run_upper = up;
      if (run > 5) return false;
    } else if (c == '_' || c == '-') {
      run = 0;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_fingerprinted(std::string_view logical_path) {
  auto [stem_path, ext] = split_extension(logical_path);
  std::string_view stem = base_name(stem_path);
  bool digit = false, upper = false, lower = false;
  // Rollup/Vite: "-" and 8 base64url characters ("hero-CLDdwZDr", "chunk-D7LyRg-G").
  if (stem.size() >= 10 && stem[stem.size() - 9] == '-') {
    std::string_view token = stem.substr(stem.size() - 8);
    if (hash_like(token, digit, upper, lower) && upper && (lower || digit)) return true;
  }
  // webpack, Parcel, esbuild and the rest: [-.] and 8 or more of [A-Za-z0-9_].
  auto sep = stem.find_last_of("-.");
  if (sep == std::string_view::npos || sep == 0) return false;
  std::string_view token = stem.substr(sep + 1);
  if (token.size() < 8 || token.find('-') != std::string_view::npos) return false;
  return hash_like(token, digit, upper, lower) && digit && (upper || lower);
}

bool is_text_type(std::string_view logical_path) {
  static const char* text_exts[] = {
      ".js",  ".mjs", ".cjs",  ".css", ".html", ".htm",  ".svg", ".json", ".webmanifest", ".map",
      ".xml", ".txt", ".wasm", ".ico", ".ttf",  ".otf",  ".eot", ".md",   ".csv",         ".ts",
      ".tsx", ".jsx", ".vtt",  ".ics", ".rss",  ".atom", ".yml", ".yaml", ".toml"};
  std::string ext = extension(logical_path);
  for (const char* t : text_exts) {
    if (ext == t) return true;
  }
  return false;
}

}  // namespace assetpipe::scan
