// Shared helpers of the minify tests (header-only; not a test file itself).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "assetpipe/asset.h"
#include "assetpipe/build.h"
#include "assetpipe/diagnostics.h"
#include "assetpipe/options.h"
#include "scan/walk.h"
#include "support/test_support.h"
#include "util/file.h"
#include "util/sourcemap.h"

namespace assetpipe::test {

inline std::string node_bin(const std::string& tool) {
  return std::string(ASSETPIPE_NODE_BIN) + "/" + tool;
}

// Options that use the pinned tools from the source tree.
inline Options minify_options(const std::filesystem::path& input) {
  Options o;
  o.input = input;
  o.output = input.string() + "-out";
  o.esbuild = node_bin("esbuild");
  o.lightningcss = node_bin("lightningcss");
  o.css_targets = "defaults";
  return o;
}

// The tree under options.input, scanned and read as the build does.
inline std::vector<Asset> load_tree(const Options& options) {
  Diagnostics diags;
  auto assets = scan::walk(options, diags);
  for (auto& a : assets) {
    auto bytes = util::read_file(source_file(a, options.input));
    if (!bytes) throw std::runtime_error(bytes.error());
    a.bytes = std::move(*bytes);
    a.input_size = a.bytes.size();
  }
  return assets;
}

inline const Asset& asset(const std::vector<Asset>& assets, const std::string& logical) {
  for (const auto& a : assets) {
    if (a.logical == logical) return a;
  }
  throw std::runtime_error("no asset " + logical);
}

inline std::string all_messages(const Diagnostics& diags) {
  std::string s;
  for (const auto& d : diags.sorted()) s += d.format() + "\n";
  return s;
}

// 0-based line and UTF-16 column of the first `token` in `text`.
inline std::pair<int, int> position_of(std::string_view text, std::string_view token) {
  size_t at = text.find(token);
  EXPECT_NE(at, std::string_view::npos) << "no " << token;
  return util::sourcemap::line_column(text, at == text.npos ? 0 : at);
}

}  // namespace assetpipe::test
