#include "cli/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "util/file.h"

namespace fs = std::filesystem;

namespace assetpipe::cli {
namespace {

// 1-based line and column of a byte offset.
std::pair<size_t, size_t> line_col(const std::string& text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

std::optional<fs::path> nearest(const fs::path& start, const std::string& name) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(start, ec), ec);
  while (!dir.empty()) {
    if (fs::is_regular_file(dir / name, ec)) return dir / name;
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

std::string scalar_to_arg(const nlohmann::json& v, const std::string& key, const fs::path& file) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  throw UsageError(fmt::format("{}: \"{}\" must be a string or a number, not {}",
                               util::printable(file.string()), key, v.type_name()));
}

bool truthy(const std::string& s) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(l.empty() || l == "0" || l == "false" || l == "no" || l == "off");
}

}  // namespace

std::string env_name(const std::string& option) {
  std::string out = "ASSETPIPE_";
  for (char c : option) {
    out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::optional<ConfigFile> load_config_file(const fs::path& path, const std::string& key) {
  auto text = util::read_file(path);
  if (!text) throw UsageError(text.error());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, col] = line_col(*text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    auto pos = what.find("syntax error");
    throw UsageError(fmt::format("{}:{}:{}: invalid JSON: {}", util::printable(path.string()), line,
                                 col, pos == std::string::npos ? what : what.substr(pos)));
  }
  if (!key.empty()) {
    if (!j.is_object() || !j.contains(key)) return std::nullopt;
    j = j[key];
  }
  if (!j.is_object()) {
    throw UsageError(fmt::format("{}: the assetpipe configuration must be a JSON object{}",
                                 util::printable(path.string()),
                                 key.empty() ? "" : " (key \"" + key + "\")"));
  }
  return ConfigFile{path, std::move(j)};
}

std::optional<ConfigFile> find_config(const fs::path& input) {
  std::error_code ec;
  std::vector<fs::path> starts;
  if (!input.empty()) starts.push_back(input);
  starts.push_back(fs::current_path(ec));
  for (const auto& s : starts) {
    for (const fs::path& candidate :
         {s / "assetpipe.config.json", s.parent_path() / "assetpipe.config.json"}) {
      if (fs::is_regular_file(candidate, ec)) return load_config_file(candidate);
    }
  }
  for (const auto& s : starts) {
    if (auto pkg = nearest(s, "package.json")) {
      if (auto c = load_config_file(*pkg, "assetpipe")) return c;
    }
  }
  return std::nullopt;
}

std::vector<std::string> layered_arguments(const std::vector<OptionInfo>& options,
                                           const std::set<std::string>& given,
                                           const std::optional<ConfigFile>& config,
                                           const std::vector<std::string>& env) {
  auto lookup_env = [&](const std::string& name) -> std::optional<std::string> {
    std::string prefix = env_name(name) + "=";
    for (const auto& kv : env) {
      if (kv.starts_with(prefix)) return kv.substr(prefix.size());
    }
    return std::nullopt;
  };
  if (config) {
    for (const auto& [key, value] : config->values.items()) {
      bool known = std::any_of(options.begin(), options.end(),
                               [&](const OptionInfo& o) { return o.name == key; });
      if (!known) {
        throw UsageError(fmt::format(
            "{}: unknown option \"{}\" (keys are the long option names of `assetpipe build "
            "--help`, without dashes)",
            util::printable(config->path.string()), key));
      }
    }
  }
  std::vector<std::string> args;
  auto emit = [&](const OptionInfo& o, const std::string& value) {
    if (o.name == "input") {
      args.push_back(value);
    } else {
      args.push_back("--" + o.name + "=" + value);
    }
  };
  for (const auto& o : options) {
    if (given.count(o.name)) continue;
    if (auto e = lookup_env(o.name); e && o.name != "input" && o.name != "output") {
      if (o.is_flag) {
        if (truthy(*e)) args.push_back("--" + o.name);
      } else if (o.is_vector) {
        // Comma-separated in the environment.
        size_t start = 0;
        while (start <= e->size()) {
          size_t comma = e->find(',', start);
          std::string item =
              e->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          if (!item.empty()) emit(o, item);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      } else {
        emit(o, *e);
      }
      continue;
    }
    if (!config || !config->values.contains(o.name)) continue;
    const auto& v = config->values[o.name];
    if (o.is_flag) {
      if (!v.is_boolean()) {
        throw UsageError(fmt::format("{}: \"{}\" must be true or false",
                                     util::printable(config->path.string()), o.name));
      }
      if (v.get<bool>()) args.push_back("--" + o.name);
    } else if (v.is_array()) {
      if (!o.is_vector) {
        throw UsageError(fmt::format("{}: \"{}\" takes one value, not a list",
                                     util::printable(config->path.string()), o.name));
      }
      for (const auto& item : v) emit(o, scalar_to_arg(item, o.name, config->path));
    } else {
      std::string value = scalar_to_arg(v, o.name, config->path);
      if (o.name == "input" || o.name == "output" || o.name == "manifest" ||
          o.name == "report-file") {
        // Paths in a config file are relative to the file's folder.
        fs::path p(value);
        if (p.is_relative()) value = (config->path.parent_path() / p).lexically_normal().string();
      }
      emit(o, value);
    }
  }
  return args;
}

}  // namespace assetpipe::cli
