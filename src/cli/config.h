// Options from a config file and the environment, below the command line:
// flags beat ASSETPIPE_* environment variables beat the config file beat the
// defaults. The config file is assetpipe.config.json beside the input (or
// --config PATH), else the "assetpipe" key of the nearest package.json. Its
// keys are the long option names ("webp-quality", "keep-name", "input", ...).
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace assetpipe::cli {

struct ConfigFile {
  std::filesystem::path path;  // what to name in messages
  nlohmann::json values;       // an object
};

// Parses a JSON config file. Throws UsageError naming the file, with line and
// column of a syntax error. `key` picks a sub-object ("assetpipe" of package.json).
std::optional<ConfigFile> load_config_file(const std::filesystem::path& path,
                                           const std::string& key = "");

// Finds the config for `input` (may be empty): assetpipe.config.json beside
// the input or in the current folder, else the "assetpipe" key of the nearest
// package.json above the input or the current folder.
std::optional<ConfigFile> find_config(const std::filesystem::path& input);

// One option of `assetpipe build`, as the config/env layer sees it.
struct OptionInfo {
  std::string name;  // long name without dashes; "input" for the positional
  bool is_flag = false;
  bool is_vector = false;
};

// Command-line arguments that apply config values and ASSETPIPE_* variables
// for every option not given on the command line (`given`). Throws
// UsageError for an unknown key or a value of the wrong type.
std::vector<std::string> layered_arguments(const std::vector<OptionInfo>& options,
                                           const std::set<std::string>& given,
                                           const std::optional<ConfigFile>& config,
                                           const std::vector<std::string>& env);

// "webp-quality" -> "ASSETPIPE_WEBP_QUALITY"
std::string env_name(const std::string& option);

}  // namespace assetpipe::cli
