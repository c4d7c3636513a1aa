// Every option of a build. The CLI (src/cli/) and the config file fill this
// struct; the library reads it. Defaults here are the documented defaults.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace assetpipe {

enum class Verbosity { Quiet = 0, Normal = 1, Verbose = 2 };
enum class SourceMapMode { External, None };
enum class WebpLossless { Auto, On, Off };

struct Options {
  // --- foundation (scan, naming, emit) ---
  std::filesystem::path input;
  std::filesystem::path output;
  std::optional<std::filesystem::path> manifest_path;  // default <output>/.assetpipe/manifest.json
  // Framework manifest formats written too (vite, propshaft, django, phoenix;
  // "assetpipe" is always written) and their output-relative paths when not
  // the framework's default.
  std::vector<std::string> manifest_formats;
  std::map<std::string, std::string> manifest_paths;
  std::vector<std::string> keep_name_globs;            // added to the default entry globs
  unsigned jobs = 0;                                   // 0: all cores
  Verbosity verbosity = Verbosity::Normal;
  bool strict = false;      // every warning is an error
  bool keep_going = false;  // emit a file unoptimized instead of failing
  bool dry_run = false;
  bool no_wait = false;
  // Every renamed file is also written under its input name, served
  // revalidated: a reference no scanner saw still resolves (--no-originals).
  bool originals = true;
  // The hashed files of the builds before, carried into the output
  // (emit/previous.h): the last `keep_previous`, and any replaced less than
  // `keep_age_seconds` ago, whichever keeps more; 0 builds keeps nothing.
  unsigned keep_previous = 2;
  uint64_t keep_age_seconds = 3600;  // fail at once when another build holds the output's lock
  bool timings = false;
  std::optional<int64_t> source_date_epoch;  // from SOURCE_DATE_EPOCH

  // --- link (references) ---
  std::string base = "/";  // URL path the output root is served under
  std::string public_url;  // when set, rewritten references to hashed assets are absolute

  // --- link: HTML pages use what was built (link/html_enhance.h) ---
  bool sri = false;             // integrity + crossorigin on scripts/style sheets with hashed names
  bool img_dimensions = false;  // width/height on <img> that have neither
  bool picture = false;         // <img> of a JPEG/PNG with variants -> <picture> with <source>s
  bool preload = false;         // modulepreload/font preload links and Link headers per page

  // --- transform: minify ---
  bool minify = true;
  std::string esbuild;       // explicit path (flag or ASSETPIPE_ESBUILD)
  std::string lightningcss;  // explicit path (flag or ASSETPIPE_LIGHTNINGCSS)
  std::string js_target = "es2020";
  std::string css_targets;  // browserslist query; empty: nearest package.json, else "defaults"
  std::vector<std::string> no_minify_globs;
  // A minified result that saves less than this fraction of the input is not
  // used: the input's bytes and its own map are kept (already-minified bundles).
  double min_minify_saving = 0.01;
  SourceMapMode sourcemap = SourceMapMode::External;
  std::string legal_comments = "inline";
  unsigned tool_timeout_seconds = 120;

  // --- transform: images ---
  bool images = true;
  bool image_webp = true;
  bool image_avif = true;
  int webp_quality = 80;
  WebpLossless webp_lossless = WebpLossless::Auto;
  int avif_quality = 60;  // measured: docs/images.md
  int avif_speed = 8;     // measured: docs/images.md
  bool avif_yuv444 = false;
  double min_image_saving = 0.10;
  uint64_t max_pixels = 50'000'000;
  // --image-widths: resized copies of every JPEG/PNG wider than a width, in
  // the original format and every variant format (transform/image_resize.h).
  std::vector<int> image_widths;
  std::string image_sizes;  // --image-sizes: the `sizes` of the srcset assetpipe writes

  // --- emit: precompression ---
  bool compress_br = true;
  bool compress_gz = true;
  int brotli_quality = 11;
  int map_brotli_quality = 5;  // source maps: only developer tools fetch them
  int gzip_level = 9;
  uint64_t compress_min_size = 256;
  double compress_max_ratio = 0.95;

  // --- cache (src/cache/): results of minify, images, compression ---
  bool cache = true;                           // --no-cache: neither local nor remote
  // Whole-build snapshots (src/snapshot.h): a build whose input and options
  // are an earlier build's links that build's output from the local cache.
  bool snapshot = true;  // --no-snapshot: per-file cache entries only
  std::filesystem::path cache_dir;             // empty: cache::default_dir(input)
  uint64_t cache_max_size = uint64_t{2} << 30;  // trimmed to this after a build (LRU)
  std::string remote_cache;                    // http(s)://host/prefix or redis://host:port/db
  bool remote_cache_read_only = false;         // --remote-cache-mode read-only
  std::string remote_cache_header;             // from ASSETPIPE_REMOTE_CACHE_HEADER only
  unsigned remote_cache_timeout_ms = 10000;    // per request; connecting: a fifth of it
  // --shard I/N (#16): do the pure per-file work of slice I of N into the
  // cache and write nothing; 0/0 when not sharding.
  unsigned shard_index = 0, shard_count = 0;
  // --- reporting ---
  std::string report;  // "", "json"
  std::optional<std::filesystem::path> report_file;
};

}  // namespace assetpipe
