#include "emit/nginx_conf.h"

#include "scan/classify.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "emit/emit.h"
#include "emit/framework_manifests.h"
#include "scan/classify.h"
#include "transform/image_resize.h"
#include "util/file.h"
#include "util/path.h"

namespace assetpipe::emit {
namespace {

constexpr size_t kMaxToken = 3500;  // nginx reads a configuration token into 4 KiB
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";

// Types nginx's stock mime.types lacks or gets wrong, and the image types
// that share a location with them (a location's `types {}` replaces the table).
const std::map<std::string, std::string>& mime_types() {
  static const std::map<std::string, std::string> types = {
      {"mjs", "text/javascript"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"avif", "image/avif"},
      {"webp", "image/webp"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"bmp", "image/bmp"},
      {"ico", "image/x-icon"},
      {"svg", "image/svg+xml"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
  };
  return types;
}

// Extensions whose type the location must set itself (stock gets them wrong).
bool needs_own_type(const std::string& ext) {
  return ext == "mjs" || ext == "map" || ext == "webmanifest" || ext == "avif";
}

// "js" for "a/b.JS": the extension as nginx's types name it.
std::string extension_of(std::string_view path) {
  std::string ext = util::lower_extension(path);
  return ext.empty() ? ext : ext.substr(1);
}

// One `location = <url>`: what it serves and how.
// One per exact location, and a site can have one for most of its files (the
// original names): kept small (issue 14).
struct Location {
  std::string_view file;  // the input file it serves (or a variant of), for messages: its Asset's logical
  bool immutable = false;
  bool negotiate_image = false;  // try the .avif/.webp beside it by Accept
  // A .br without a .gz: gzip_vary marks only the brotli response, so the
  // location sends Vary itself on every response.
  bool brotli_only = false;
  std::vector<std::string> extensions;  // every extension the location can serve: sorted, unique
  std::vector<std::string> links;       // --preload, a page: Link header values

  void add_extension(std::string ext) {
    auto at = std::lower_bound(extensions.begin(), extensions.end(), ext);
    if (at == extensions.end() || *at != ext) extensions.insert(at, std::move(ext));
  }
};

// --preload: the Link header value of one preload (the page's <link>).
std::string link_header(const Preload& p) {
  if (p.as == "font") {
    std::string out = fmt::format("<{}>; rel=preload; as=font", p.href);
    if (!p.type.empty()) out += fmt::format("; type=\"{}\"", p.type);
    return out + "; crossorigin";
  }
  // With the <link>'s integrity (--sri): a browser that preloads from the
  // header would otherwise fetch the module again for the <link>.
  if (!p.integrity.empty()) {
    return fmt::format("<{}>; rel=modulepreload; crossorigin=anonymous; integrity=\"{}\"", p.href,
                       p.integrity);
  }
  return fmt::format("<{}>; rel=modulepreload", p.href);
}

std::string quoted_or_throw(std::string_view s, std::string_view file) {
  auto q = nginx_quote(s);
  if (!q) {
    throw Error(fmt::format(
        "{}: the name cannot be written safely into the nginx configuration ({}); rename it",
        util::printable(file), q.error()));
  }
  return *q;
}

std::string types_block(const Location& loc) {
  if (std::none_of(loc.extensions.begin(), loc.extensions.end(), needs_own_type)) return "";
  std::string out = "    types {";
  for (const auto& ext : loc.extensions) {
    auto it = mime_types().find(ext);
    if (it == mime_types().end()) return "";  // unknown companion: keep the stock table
    out += fmt::format(" {} {};", it->second, ext);
  }
  return out + " }\n";
}

std::string render_location(const std::string& url, const Location& loc) {
  std::string out = fmt::format("location = {} {{\n", quoted_or_throw(url, loc.file));
  out += types_block(loc);
  out += fmt::format("    add_header Cache-Control \"{}\";\n",
                     loc.immutable ? kImmutable : kRevalidate);
  std::string vary;
  if (loc.negotiate_image) vary = "Accept";
  if (loc.brotli_only) {
    out += "    gzip_vary off;\n";
    vary += vary.empty() ? "Accept-Encoding" : ", Accept-Encoding";
  }
  if (!vary.empty()) out += fmt::format("    add_header Vary \"{}\";\n", vary);
  // --preload: what the page preloads, also as headers (a proxy or CDN can
  // send them as 103 Early Hints); `always`, so a 304 carries them too.
  for (const auto& link : loc.links) {
    out += fmt::format("    add_header Link {} always;\n", quoted_or_throw(link, loc.file));
  }
  if (loc.negotiate_image) {
    out += "    try_files $uri$assetpipe_image_best $uri$assetpipe_image_webp $uri =404;\n";
  } else if (loc.immutable) {
    out += "    try_files $uri =404;\n";
  }
  return out + "}\n";
}

// `logical`: the input file the location serves (or serves a variant of), for messages.
void add_location(std::map<std::string, Location>& locations, const std::string& prefix,
                  const std::string& file, const std::string& logical, Location loc) {
  if (file.starts_with(".assetpipe/")) {
    throw Error(
        fmt::format("{}: .assetpipe/ is the folder of assetpipe's own files, which nginx "
                    "never serves; rename the input folder",
                    util::printable(logical)));
  }
  loc.file = logical;
  loc.add_extension(extension_of(file));
  if (!locations.emplace(prefix + file, std::move(loc)).second) {
    throw Error(fmt::format("{}: two files would be served at the URL {}; rename one of them",
                            util::printable(logical), util::printable(prefix + file)));
  }
}

bool brotli_only(const std::vector<Encoding>& encodings) {
  auto has = [&](std::string_view name) {
    return std::any_of(encodings.begin(), encodings.end(),
                       [&](const Encoding& e) { return e.name() == name; });
  };
  return has("br") && !has("gzip");
}

// A hashed name (assetpipe's ".<10 hex>", a bundler's "[-.]<8+ word chars
// with a digit and a letter>", or Rollup/Vite's "-<8 base64url chars with an
// upper-case letter and a lower-case letter or digit>") followed by
// extensions: such a URL names one version of a file. The base name's
// pattern (no '/'); scan::is_fingerprinted is a subset of it.
constexpr const char* kHashedName =
    "[^/]*?(?:\\.[0-9a-f]{10}|[-.](?=[A-Za-z0-9_]*[0-9])(?=[A-Za-z0-9_]*[A-Za-z])"
    "[A-Za-z0-9_]{8,}|-(?=[A-Za-z0-9_-]{0,7}[A-Z])(?=[A-Za-z0-9_-]{0,7}[a-z0-9])"
    "[A-Za-z0-9_-]{8})(?:\\.[^/]*)?$";

bool has_hashed_name(const std::string& file) {
  static const std::regex pattern(std::string("^") + kHashedName);
  auto slash = file.rfind('/');
  return std::regex_match(slash == std::string::npos ? file : file.substr(slash + 1), pattern);
}

std::string folder_of(const std::string& file) { return std::string(util::folder_of(file)); }

// How the server serves the build's files: hashed files whose name has the
// hashed pattern go through a few regex locations per folder group (one per
// MIME class); everything else gets its own exact location.
struct ServingPlan {
  std::map<std::string, Location> exact;   // by URL
  std::set<std::string> hashed_folders;    // folders of the regex-served files ("" = root)
  std::set<std::string> hashed_own_types;  // extensions among them that need their own type
};

// One served file: `loc` says how; plain hashed files go to the regex locations.
void plan_file(ServingPlan& plan, const std::string& prefix, const std::string& file,
               const std::string& logical, Location loc) {
  bool plain = loc.immutable && !loc.negotiate_image && !loc.brotli_only && loc.links.empty();
  if (plain && has_hashed_name(file) && !file.starts_with(".assetpipe/")) {
    plan.hashed_folders.insert(folder_of(file));
    if (std::string ext = extension_of(file); needs_own_type(ext)) {
      plan.hashed_own_types.insert(ext);
    }
    return;
  }
  add_location(plan.exact, prefix, file, logical, std::move(loc));
}

ServingPlan plan_serving(const std::vector<Asset>& assets, const std::string& prefix,
                         bool originals) {
  ServingPlan plan;
  std::vector<std::string_view> outputs;  // what emit::plan writes before the originals: sorted
  outputs.reserve(assets.size());
  for (const Asset& a : assets) outputs.push_back(a.output);
  std::sort(outputs.begin(), outputs.end());
  for (const Asset& a : assets) {
    if (!a.map_of.empty()) continue;  // served as its owner's <output>.map
    if (scan::is_build_metadata(a.logical)) continue;  // denied above
    bool immutable = a.output != a.logical || a.fingerprinted;
    Location loc{.immutable = immutable, .brotli_only = brotli_only(a.encodings)};
    for (const Preload& p : a.preloads) loc.links.push_back(link_header(p));
    for (const auto& v : a.variants) {
      if (!v.skipped.empty()) continue;
      // A --image-widths copy (hero.<hash>.jpg.480w.webp) is a file of its
      // own, named by the page's srcset; only full-size variants are negotiated.
      if (transform::width_of_format(v.format) == 0) {
        loc.negotiate_image = true;
        loc.add_extension(v.format);
      }
      plan_file(plan, prefix, a.output + "." + v.format, a.logical, {.immutable = immutable});
    }
    plan_file(plan, prefix, a.output, a.logical, loc);
    if (a.source_map) {
      plan_file(plan, prefix, a.output + ".map", a.logical,
                {.immutable = immutable, .brotli_only = brotli_only(a.source_map_encodings)});
    }
    // The original name of a renamed file (emit::plan): revalidated, as an
    // entry, without image negotiation.
    // (A name that cannot be written into the configuration is left to the
    // server's own rules: the safety net must not stop the build.)
    if (originals && emit::is_renamed_original(a) && !std::binary_search(outputs.begin(), outputs.end(), std::string_view(a.logical)) &&
        !plan.exact.count(prefix + a.logical) && nginx_quote(prefix + a.logical)) {
      add_location(plan.exact, prefix, a.logical, a.logical,
                   {.immutable = false, .brotli_only = brotli_only(a.encodings)});
    }
  }
  return plan;
}

// The regex locations of hashed files, for a group of folders: first one per
// extension that needs its own MIME type, then one for every other hashed
// name. A hashed name that is not (or no longer) in the build is a 404 there,
// never the application's fallback page; other URLs are not matched.
std::string render_hashed_group(const std::vector<std::string>& group, const ServingPlan& plan,
                                const std::string& prefix) {
  std::string folders;
  for (size_t i = 0; i < group.size(); ++i) {
    folders += (i == 0 ? "" : "|") + regex_escape(group[i]);  // "" is the root folder
  }
  std::string head = fmt::format("^{}(?:{})", regex_escape(prefix), folders);
  std::string body = fmt::format(
      "    add_header Cache-Control \"{}\";\n    try_files $uri =404;\n}}\n", kImmutable);
  std::string out;
  for (const auto& ext : plan.hashed_own_types) {
    std::string regex = fmt::format("{}(?={})[^/]*\\.(?i:{})$", head, kHashedName, ext);
    out += fmt::format("location ~ {} {{\n    types {{ {} {}; }}\n{}",
                       quoted_or_throw(regex, "folder " + group.front()), mime_types().at(ext), ext,
                       body);
  }
  std::string regex = head + kHashedName;
  return out + fmt::format("location ~ {} {{\n{}",
                           quoted_or_throw(regex, "folder " + group.front()), body);
}

std::string render_hashed(const ServingPlan& plan, const std::string& prefix) {
  std::string out;
  std::vector<std::string> group;
  size_t length = 0;
  for (const auto& d : plan.hashed_folders) {
    size_t cost = regex_escape(d).size() * 2 + 1;  // nginx doubles each backslash
    if (!group.empty() && length + cost > kMaxToken / 2) {
      out += render_hashed_group(group, plan, prefix);
      group.clear();
      length = 0;
    }
    group.push_back(d);
    length += cost;
  }
  if (!group.empty()) out += render_hashed_group(group, plan, prefix);
  return out;
}

// Accept lists a type unless it is refused with q=0.
std::string accepts(std::string_view type) {
  return fmt::format("~*{}(?![^,]*;\\s*q\\s*=\\s*0(?:\\.0{{0,3}})?\\s*(?:[,;]|$))",
                     regex_escape(type));
}

}  // namespace

std::string nginx_http_conf() {
  std::string out =
      "# Generated by assetpipe: include inside http {} (after mime.types).\n"
      "# See docs/nginx.md. MIME types that stock mime.types lacks (.mjs, .map,\n"
      "# .webmanifest, .avif) are set in server.conf on the locations that serve\n"
      "# them, so the stock table is neither replaced nor redefined.\n\n"
      "# The best image format the browser accepts: AVIF, else WebP, else \"\"\n"
      "# (the original). A type refused with q=0 does not count.\n";
  out += "map $http_accept $assetpipe_image_best {\n    default \"\";\n";
  out += fmt::format("    {} \".avif\";\n", *nginx_quote(accepts("image/avif")));
  out += fmt::format("    {} \".webp\";\n}}\n\n", *nginx_quote(accepts("image/webp")));
  out += "# The second choice, for an image whose AVIF variant was not written.\n";
  out += "map $http_accept $assetpipe_image_webp {\n    default \"\";\n";
  out += fmt::format("    {} \".webp\";\n}}\n", *nginx_quote(accepts("image/webp")));
  return out;
}

namespace {

// Asset extensions: a URL of a hashed shape ending in one of these names a
// build's file, never an application route.
constexpr const char* kAssetExtensions =
    "js|mjs|cjs|css|map|json|wasm|png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?|woff2?|ttf|otf|"
    "eot|br|gz";

// Any other URL of a hashed shape with an asset extension, in any folder (one
// that holds no hashed file today included): a version that is not in this
// build, so a plain 404 and never the application's fallback page. A file
// someone put in the output by hand is still served.
std::string stale_hashed_location(const std::string& prefix) {
  std::string regex = fmt::format("^{}(?:[^/]*/)*(?={})[^/]*\\.(?i:{})$", regex_escape(prefix),
                                  kHashedName, kAssetExtensions);
  return fmt::format(
      "# Any other hashed-looking asset URL, in any folder: not in this build, a 404.\n"
      "location ~ {} {{\n    try_files $uri =404;\n}}\n",
      quoted_or_throw(regex, "--base"));
}

}  // namespace

void write_nginx_server_conf(const std::vector<Asset>& assets, const Options& options,
                             const TextSink& out) {
  std::string prefix = url_prefix(options.base);
  out(fmt::format(
      "# Generated by assetpipe: include inside the server {{}} whose root is the output\n"
      "# folder (served under {}), before your own regex locations. See docs/nginx.md.\n"
      "# Each location sets its whole header set (an add_header in a location drops\n"
      "# the server's).\n\n"
      "# .br/.gz written beside each text file; gzip_vary adds Vary: Accept-Encoding\n"
      "# (brotli_static alone does not).\n"
      "brotli_static on;\ngzip_static on;\ngzip_vary on;\n\n"
      "# assetpipe's own files (manifest, these snippets) are never served.\n",
      prefix));
  std::string own = prefix + ".assetpipe";
  out(fmt::format("location ^~ {} {{\n    return 404;\n}}\n",
                  quoted_or_throw(own + "/", "--base")));
  out(fmt::format("location = {} {{\n    return 404;\n}}\n", quoted_or_throw(own, "--base")));
  out("# A bundler's metadata (Vite's .vite/, asset-manifest.json): for the backend only.\n");
  out(fmt::format("location ^~ {} {{\n    return 404;\n}}\n",
                  quoted_or_throw(prefix + ".vite/", "--base")));
  out(fmt::format("location = {} {{\n    return 404;\n}}\n",
                  quoted_or_throw(prefix + "asset-manifest.json", "--base")));
  auto frameworks = framework_manifest_paths(options);
  if (!frameworks.empty()) {
    out("# The framework manifests (--manifest-format) are read by the application on\n"
        "# the server, never by browsers: not served either.\n");
  }
  for (const auto& [format, path] : frameworks) {
    out(fmt::format("location = {} {{\n    return 404;\n}}\n",
                    quoted_or_throw(prefix + path, "--manifest-path " + format)));
  }
  out("\n");
  ServingPlan plan = plan_serving(assets, prefix, options.originals);
  std::string hashed = render_hashed(plan, prefix);
  if (!hashed.empty()) {
    out("# Hashed names: immutable for a year; a hashed name not in the build is a 404.\n");
    out(hashed);
    out("\n");
  }
  out(stale_hashed_location(prefix));
  out("\n");
  out("# Entries (they revalidate), images served by Accept, files with only a .br.\n");
  for (const auto& [url, loc] : plan.exact) out(render_location(url, loc));
}

util::Result<std::string> nginx_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return util::fail(fmt::format("it holds the control character 0x{:02x}", u));
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
  if (out.size() > kMaxToken) {
    return util::fail(fmt::format("{} bytes is longer than nginx reads in one token", s.size()));
  }
  return out;
}

std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u) && c != '/' && c != '_') out += '\\';
    out += c;
  }
  return out;
}

std::string url_prefix(const std::string& base) {
  std::string prefix = base.empty() || base.front() != '/' ? "/" + base : base;
  if (prefix.back() != '/') prefix += '/';
  return prefix;
}

ExtraFiles nginx_conf(const std::vector<Asset>& assets, const Options& options) {
  std::string server;
  write_nginx_server_conf(assets, options, [&](std::string_view piece) { server += piece; });
  return {{kNginxHttpConf, nginx_http_conf()}, {kNginxServerConf, std::move(server)}};
}

}  // namespace assetpipe::emit
