#include "emit/previous.h"
#include "cli/options_cli.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "emit/framework_manifests.h"
#include "transform/tools.h"

namespace assetpipe::cli {

void add_build_options(CLI::App& cmd, Options& o, CliState& s) {
  cmd.add_option("input", o.input, "The build directory to process (e.g. dist)");
  cmd.add_option("-o,--output", o.output, "Where to write the result (replaced atomically)");
  cmd.add_option("-j,--jobs", o.jobs, "Parallel jobs (default: all cores)");
  cmd.add_option("--manifest", o.manifest_path,
                 "Write the manifest here instead of <output>/.assetpipe/manifest.json");
  cmd.add_option("--manifest-format", o.manifest_formats,
                 "Also write this framework's manifest (repeatable): vite, propshaft, django, "
                 "phoenix (assetpipe's own is always written)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember(emit::manifest_format_names()));
  cmd.add_option("--manifest-path", s.manifest_paths,
                 "NAME=PATH: write format NAME at PATH (relative to the output) instead of "
                 "where its framework looks by default (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--keep-name", o.keep_name_globs,
                 "Glob of files that keep their names (repeatable), added to the defaults")
      ->allow_extra_args(false);
  cmd.add_flag("-q,--quiet", s.quiet, "Print only errors");
  cmd.add_flag("-v,--verbose", s.verbose, "Print each file's fate");
  cmd.add_flag("--strict", o.strict, "Treat every warning as an error");
  cmd.add_flag("--keep-going", o.keep_going,
               "Emit files that fail to optimize unchanged, with a warning");
  cmd.add_flag("--dry-run", o.dry_run, "List what would be written; write nothing");
  cmd.add_flag("--no-wait", o.no_wait,
               "Fail at once when another build is writing the same output (default: wait)");
  cmd.add_flag("--timings", o.timings, "Print the time spent in each stage");

  cmd.add_option("--base", o.base, "URL path the output is served under (default /)");
  cmd.add_option("--public-url", o.public_url,
                 "Make rewritten references to hashed assets absolute (https://cdn.example.com/)");
  cmd.add_flag("--sri", o.sri,
               "HTML: integrity and crossorigin on <script src> and <link rel=stylesheet|"
               "modulepreload|preload> of hashed files");
  cmd.add_flag("--img-dimensions", o.img_dimensions,
               "HTML: width/height on <img> of a JPEG/PNG that has neither");
  cmd.add_flag("--picture", o.picture,
               "HTML: <img> of a JPEG/PNG with AVIF/WebP variants becomes <picture> with a "
               "<source> per variant");
  cmd.add_flag("--preload", o.preload,
               "HTML: <link rel=modulepreload> for the static imports of a page's module "
               "scripts and <link rel=preload as=font> for the fonts of its style sheets, and "
               "the same as Link headers in the nginx snippet");

  cmd.add_option("--keep-previous", o.keep_previous,
                 "Carry the hashed files of this many previous builds (default 2; 0: none)");
  cmd.add_option("--keep-age", s.keep_age,
                 "Also carry those of builds replaced less than this ago (default 1h; 90s, 30m, 2d)");
  cmd.add_flag("--no-originals", s.no_originals,
               "Do not also write renamed files under their input names");
  cmd.add_flag("--no-minify", s.no_minify, "Do not minify JS and CSS");
  cmd.add_option("--esbuild", o.esbuild, "Path of the esbuild binary");
  cmd.add_option("--lightningcss", o.lightningcss, "Path of the lightningcss binary");
  cmd.add_option("--js-target", o.js_target, "esbuild --target (default es2020)");
  cmd.add_option("--css-targets", o.css_targets,
                 "browserslist query for lightningcss (default: package.json, else defaults)");
  cmd.add_option("--min-minify-saving", o.min_minify_saving,
                 "Keep a minified result only when smaller by this fraction (default 0.01)")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--no-minify-glob", o.no_minify_globs, "Glob of files not to minify (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--sourcemap", s.sourcemap, "external|none (default external)")
      ->check(CLI::IsMember({"external", "none"}));
  cmd.add_option("--tool-timeout", o.tool_timeout_seconds,
                 "Seconds one esbuild/lightningcss call may take (default 120)")
      ->check(CLI::Range(1u, 86400u));
  cmd.add_option("--legal-comments", o.legal_comments, "esbuild --legal-comments (default inline)");

  cmd.add_flag("--no-images", s.no_images, "Do not make WebP/AVIF variants");
  cmd.add_option("--image-formats", s.image_formats, "Variants to make: webp,avif")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"webp", "avif"}));
  cmd.add_option("--webp-quality", o.webp_quality, "WebP quality 0-100 (default 80)")
      ->check(CLI::Range(0, 100));
  cmd.add_option("--webp-lossless", s.webp_lossless, "auto|on|off (default auto)")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  cmd.add_option("--avif-quality", o.avif_quality, "AVIF quality 0-100 (default 60)")
      ->check(CLI::Range(0, 100));
  cmd.add_option("--avif-speed", o.avif_speed, "AVIF encoder speed 0-10, slow to fast (default 8)")
      ->check(CLI::Range(0, 10));
  cmd.add_option("--avif-yuv", s.avif_yuv, "420|444 (default 420)")
      ->check(CLI::IsMember({"420", "444"}));
  cmd.add_option("--min-image-saving", o.min_image_saving,
                 "Keep a variant only when smaller by this fraction (default 0.10)")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--max-pixels", o.max_pixels, "Refuse images larger than this (default 50e6)");
  cmd.add_option("--image-widths", o.image_widths,
                 "Also write every JPEG/PNG wider than a width at these widths (e.g. "
                 "480,960,1600), in its format and each variant format; --picture and HTML "
                 "srcset use them")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::Range(16, 16383));
  cmd.add_option("--image-sizes", o.image_sizes,
                 "The sizes attribute written with those srcsets (default: the image's own "
                 "width, at most the viewport's)");

  cmd.add_flag("--no-compress", s.no_compress, "Do not write .br/.gz");
  cmd.add_option("--compress", s.compress, "Encodings to write: br,gz")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"br", "gz"}));
  cmd.add_option("--map-brotli-quality", o.map_brotli_quality,
                 "Brotli quality 0-11 for source maps (default 5)")
      ->check(CLI::Range(0, 11));
  cmd.add_option("--brotli-quality", o.brotli_quality, "Brotli quality 0-11 (default 11)")
      ->check(CLI::Range(0, 11));
  cmd.add_option("--gzip-level", o.gzip_level, "gzip level 1-9 (default 9)")
      ->check(CLI::Range(1, 9));
  cmd.add_option("--compress-min-size", o.compress_min_size,
                 "Skip files smaller than this many bytes (default 256)");
  cmd.add_option("--compress-max-ratio", o.compress_max_ratio,
                 "Keep an encoding only at most this fraction of the original (default 0.95)")
      ->check(CLI::Range(0.0, 1.0));

  cmd.add_flag("--no-cache", s.no_cache,
               "Use no cache: redo every minification, image variant and encoding");
  cmd.add_flag("--no-snapshot", s.no_snapshot,
               "Do not link the whole output from a snapshot of an earlier build with the same "
               "input and options (nor record one); per-file cache entries are still used");
  cmd.add_option("--cache-dir", o.cache_dir,
                 "The local cache (default: node_modules/.cache/assetpipe beside the nearest "
                 "package.json, else $XDG_CACHE_HOME/assetpipe)");
  cmd.add_option("--cache-max-size", s.cache_max_size,
                 "Trim the local cache to this after a build, least recently used first "
                 "(default 2G; K, M, G suffixes)");
  cmd.add_option("--remote-cache", o.remote_cache,
                 "Also share results through http(s)://host/prefix (Bazel remote cache layout: "
                 "bazel-remote, nginx WebDAV) or redis://[user:password@]host[:port][/db]; an "
                 "HTTP header from ASSETPIPE_REMOTE_CACHE_HEADER");
  cmd.add_option("--remote-cache-mode", s.remote_cache_mode, "read-write|read-only (default read-write)")
      ->check(CLI::IsMember({"read-write", "read-only"}));
  cmd.add_option("--remote-cache-timeout", o.remote_cache_timeout_ms,
                 "Milliseconds one remote cache request may take (default 10000)")
      ->check(CLI::Range(50u, 600000u));
  cmd.add_option("--shard", s.shard,
                 "I/N: do the per-file work of slice I of N (1-based) into the remote cache and "
                 "write no output; a later build without --shard joins them");

  cmd.add_option("--report", o.report, "Also print the size report as json")
      ->check(CLI::IsMember({"json"}));
  cmd.add_option("--report-file", o.report_file, "Write the JSON report to this file");
}

namespace {

// --manifest-path NAME=PATH: a framework format and a path inside the output.
// Naming a path asks for the format too.
void finish_manifest_paths(Options& o, const CliState& s) {
  const auto& names = emit::manifest_format_names();
  for (const auto& arg : s.manifest_paths) {
    auto eq = arg.find('=');
    std::string name = arg.substr(0, eq), path = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (eq == std::string::npos || path.empty()) {
      throw UsageError(fmt::format(
          "--manifest-path {}: give NAME=PATH, e.g. --manifest-path django=staticfiles.json", arg));
    }
    if (name == "assetpipe") {
      throw UsageError(
          "--manifest-path assetpipe=...: assetpipe's own manifest always goes to "
          ".assetpipe/manifest.json; use --manifest PATH to write it elsewhere");
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw UsageError(fmt::format(
          "--manifest-path {}: unknown format {}; use one of vite, propshaft, django, phoenix",
          arg, name));
    }
    std::filesystem::path p(path);
    bool escapes = p.is_absolute() || path.back() == '/';
    for (const auto& part : p) escapes = escapes || part == ".." || part == ".";
    if (escapes) {
      throw UsageError(fmt::format(
          "--manifest-path {}: PATH is relative to the output and stays inside it (no leading "
          "/, no . or .. parts, not a folder); e.g. {}={}",
          arg, name, emit::default_manifest_path(name)));
    }
    o.manifest_paths[name] = p.lexically_normal().generic_string();
    if (std::find(o.manifest_formats.begin(), o.manifest_formats.end(), name) ==
        o.manifest_formats.end()) {
      o.manifest_formats.push_back(name);
    }
  }
  std::sort(o.manifest_formats.begin(), o.manifest_formats.end());
  o.manifest_formats.erase(std::unique(o.manifest_formats.begin(), o.manifest_formats.end()),
                           o.manifest_formats.end());
}

// --shard I/N, else ASSETPIPE_SHARD (layered in as the flag), else a
// Kubernetes Indexed Job's JOB_COMPLETION_INDEX (0-based) with
// ASSETPIPE_SHARD_COUNT.
void finish_shard(Options& o, const CliState& s) {
  std::string spec = s.shard;
  if (spec.empty()) {
    const char* index = std::getenv("JOB_COMPLETION_INDEX");
    const char* count = std::getenv("ASSETPIPE_SHARD_COUNT");
    if (index && *index && count && *count) {
      char* end = nullptr;
      long i = std::strtol(index, &end, 10);
      if (*end != '\0' || i < 0) {
        throw UsageError(fmt::format("JOB_COMPLETION_INDEX={} is not a number", index));
      }
      spec = fmt::format("{}/{}", i + 1, count);
    }
  }
  if (spec.empty()) return;
  unsigned i = 0, n = 0;
  char tail = 0;
  if (std::sscanf(spec.c_str(), "%u/%u%c", &i, &n, &tail) != 2 || n == 0 || i == 0 || i > n) {
    throw UsageError(fmt::format(
        "--shard {}: give I/N with 1 <= I <= N, e.g. --shard 2/4 (the second of four)", spec));
  }
  o.shard_index = i;
  o.shard_count = n;
}

void check_shard(const Options& o) {
  if (o.shard_count == 0) return;
  if (!o.cache || o.remote_cache.empty() || o.remote_cache_read_only) {
    throw UsageError(fmt::format(
        "--shard {}/{}: a shard writes no output, only results into the remote cache, for the "
        "build that joins the shards; give --remote-cache URL (read-write, without --no-cache)",
        o.shard_index, o.shard_count));
  }
}

}  // namespace

std::optional<uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t used = 0;
  uint64_t n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = text.substr(used);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  if (!unit.empty() && (unit.back() == 'i')) unit.pop_back();
  int shift = unit.empty() ? 0
              : unit == "K" || unit == "k" ? 10
              : unit == "M" || unit == "m" ? 20
              : unit == "G" || unit == "g" ? 30
              : unit == "T" || unit == "t" ? 40
                                           : -1;
  if (shift < 0 || (shift > 0 && n > (~uint64_t{0} >> shift))) return std::nullopt;
  return n << shift;
}

void finish_options(Options& o, const CliState& s) {
  if (s.quiet > 0 && s.verbose > 0) throw UsageError("-q and -v contradict each other");
  o.verbosity = s.quiet > 0     ? Verbosity::Quiet
                : s.verbose > 0 ? Verbosity::Verbose
                                : Verbosity::Normal;
  if (s.no_minify) o.minify = false;
  if (s.no_originals) o.originals = false;
  if (!s.keep_age.empty()) {
    auto age = emit::parse_duration(s.keep_age);
    if (!age) {
      throw UsageError(fmt::format(
          "--keep-age {}: not a duration; give seconds or a number with s, m, h or d (1h)",
          s.keep_age));
    }
    o.keep_age_seconds = *age;
  }
  if (s.no_images) o.images = false;
  if (!s.image_formats.empty()) {
    o.image_webp = o.image_avif = false;
    for (const auto& f : s.image_formats) (f == "webp" ? o.image_webp : o.image_avif) = true;
  }
  if (s.no_compress) o.compress_br = o.compress_gz = false;
  if (!s.compress.empty()) {
    o.compress_br = o.compress_gz = false;
    for (const auto& f : s.compress) (f == "br" ? o.compress_br : o.compress_gz) = true;
  }
  o.webp_lossless = s.webp_lossless == "on"    ? WebpLossless::On
                    : s.webp_lossless == "off" ? WebpLossless::Off
                                               : WebpLossless::Auto;
  o.avif_yuv444 = s.avif_yuv == "444";
  finish_manifest_paths(o, s);
  o.sourcemap = s.sourcemap == "none" ? SourceMapMode::None : SourceMapMode::External;
  if (s.no_cache) o.cache = false;
  if (s.no_snapshot) o.snapshot = false;
  if (!s.cache_max_size.empty()) {
    auto size = parse_size(s.cache_max_size);
    if (!size) {
      throw UsageError(fmt::format(
          "--cache-max-size {}: not a size; give bytes or a number with K, M or G (2G)",
          s.cache_max_size));
    }
    o.cache_max_size = *size;
  }
  o.remote_cache_read_only = s.remote_cache_mode == "read-only";
  // Secret: from the environment only, never a flag (flags show in `ps`).
  if (const char* h = std::getenv("ASSETPIPE_REMOTE_CACHE_HEADER"); h && *h) {
    o.remote_cache_header = h;
  }
  finish_shard(o, s);
  check_shard(o);

  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde && *sde) {
    char* end = nullptr;
    long long v = std::strtoll(sde, &end, 10);
    if (*end != '\0' || v < 0) {
      throw UsageError(fmt::format("SOURCE_DATE_EPOCH={} is not a number of seconds", sde));
    }
    o.source_date_epoch = v;
  }
}

void print_tool_versions(std::ostream& out) {
  Options o;
  if (const char* e = std::getenv("ASSETPIPE_ESBUILD")) o.esbuild = e;
  if (const char* e = std::getenv("ASSETPIPE_LIGHTNINGCSS")) o.lightningcss = e;
  for (auto kind : {transform::ToolKind::Esbuild, transform::ToolKind::Lightningcss}) {
    auto tool = transform::find_tool(kind, o);
    if (tool) {
      out << fmt::format("{} {} ({}, {})\n", transform::tool_name(kind), tool->version,
                         tool->path.string(), tool->found_by);
    } else {
      out << fmt::format("{}: not found: {}\n", transform::tool_name(kind), tool.error());
    }
  }
}

}  // namespace assetpipe::cli
