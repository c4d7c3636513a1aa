// Flags of `assetpipe build`, mapped onto Options.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "assetpipe/options.h"

namespace assetpipe::cli {

// Values that need post-processing after parsing (lists, enums, env).
struct CliState {
  std::vector<std::string> image_formats;
  std::vector<std::string> compress;
  std::vector<std::string> manifest_paths;  // NAME=PATH
  std::string webp_lossless = "auto";
  std::string avif_yuv = "420";
  std::string sourcemap = "external";
  bool no_minify = false, no_images = false, no_compress = false, no_originals = false;
  std::string keep_age;
  int quiet = 0, verbose = 0;
  bool no_cache = false;
  bool no_snapshot = false;
  std::string cache_max_size;             // "2G", "500M", bytes
  std::string remote_cache_mode = "read-write";
  std::string shard;                      // "I/N"
};

// "2G", "500M", "64K", "1048576": bytes; nullopt when not a size.
std::optional<uint64_t> parse_size(const std::string& text);

void add_build_options(CLI::App& cmd, Options& options, CliState& state);

// Applies CliState and SOURCE_DATE_EPOCH to options (ASSETPIPE_* variables
// were already layered in as arguments, see cli/config.h). Throws UsageError on a bad value.
void finish_options(Options& options, const CliState& state);

void print_tool_versions(std::ostream& out);

}  // namespace assetpipe::cli
