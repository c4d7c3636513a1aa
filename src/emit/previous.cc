#include "emit/previous.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "emit/manifest.h"
#include "util/file.h"
#include "util/json_members.h"

namespace fs = std::filesystem;

namespace assetpipe::emit {

// Entry by entry: the replaced output's manifest (about 250 bytes a file)
// is never made into one document (about 2 KB a file).
std::vector<std::string> hashed_files_of_manifest(const std::string& manifest_json) {
  std::vector<std::string> files;
  auto top = util::json::Members::of(manifest_json);
  if (!top) return files;
  auto assets_text = top->raw("assets");
  if (!assets_text) return files;
  auto assets = util::json::Members::of(*assets_text);
  if (!assets) return files;
  for (const auto& member : assets->all()) {
    std::string_view text = assets_text->substr(member.value_begin, member.value_end - member.value_begin);
    // A key given twice: the last wins, as in a parsed document.
    if (assets->raw(member.key)->data() != text.data()) continue;
    auto e = nlohmann::json::parse(text, nullptr, false);
    if (!e.is_object() || !e.value("immutable", false) || !e.contains("file")) continue;
    if (!e["file"].is_string()) continue;
    std::string file = e["file"];
    files.push_back(file);
    if (e.contains("encodings") && e["encodings"].is_object()) {
      for (auto& [name, enc] : e["encodings"].items()) {
        files.push_back(file + encoding_suffix(name));
      }
    }
    if (e.contains("map") && e["map"].is_string()) files.push_back(e["map"]);
    if (e.contains("variants") && e["variants"].is_object()) {
      for (auto& [format, v] : e["variants"].items()) {
        if (v.is_object() && v.contains("file") && v["file"].is_string()) files.push_back(v["file"]);
      }
    }
  }
  return files;
}

namespace {

std::vector<PreviousBuild> read_previous(const std::string& text) {
  std::vector<PreviousBuild> builds;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("builds") || !j["builds"].is_array()) return builds;
  for (auto& b : j["builds"]) {
    if (!b.is_object() || !b.contains("files") || !b["files"].is_array()) continue;
    PreviousBuild p;
    p.replaced_at = b.value("replaced_at", int64_t{0});
    for (auto& f : b["files"]) {
      if (f.is_string()) p.files.push_back(f);
    }
    builds.push_back(std::move(p));
  }
  return builds;
}

// A relative path inside the output, not into assetpipe's own folder.
bool safe_relative(const std::string& f) {
  if (f.empty() || f.front() == '/' || f.starts_with(".assetpipe/")) return false;
  for (const auto& part : fs::path(f)) {
    if (part == ".." || part == ".") return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> files_of_previous(const std::string& previous_json) {
  std::vector<std::string> files;
  for (auto& b : read_previous(previous_json)) {
    files.insert(files.end(), b.files.begin(), b.files.end());
  }
  return files;
}

Carry plan_carry(const fs::path& output, const std::function<bool(const std::string&)>& planned,
                 const Options& options, int64_t now) {
  Carry carry;
  if (options.keep_previous == 0) return carry;
  std::error_code ec;
  auto manifest = util::read_file(output / ".assetpipe/manifest.json");
  if (!manifest) return carry;  // not an output of assetpipe's (or --manifest elsewhere)
  std::vector<PreviousBuild> builds;
  builds.push_back({now, hashed_files_of_manifest(*manifest)});
  if (auto prev = util::read_file(output / ".assetpipe/previous.json")) {
    for (auto& b : read_previous(*prev)) builds.push_back(std::move(b));
  }
  std::set<std::string> taken;  // carried so far (not a copy of the planned paths)
  // A build none of whose files is left over (the same input built again)
  // does not count.
  for (size_t k = 0; k < builds.size(); ++k) {
    bool young = now - builds[k].replaced_at < static_cast<int64_t>(options.keep_age_seconds);
    if (carry.builds.size() >= options.keep_previous && !young) break;
    PreviousBuild kept{builds[k].replaced_at, {}};
    for (const auto& f : builds[k].files) {
      if (!safe_relative(f) || taken.count(f) || planned(f)) continue;
      auto st = fs::symlink_status(output / f, ec);
      if (ec || !fs::is_regular_file(st)) continue;
      taken.insert(f);
      kept.files.push_back(f);
    }
    std::sort(kept.files.begin(), kept.files.end());
    if (kept.files.empty()) continue;
    carry.files.insert(carry.files.end(), kept.files.begin(), kept.files.end());
    carry.builds.push_back(std::move(kept));
  }
  std::sort(carry.files.begin(), carry.files.end());
  return carry;
}

std::string previous_json(const Carry& carry) {
  nlohmann::json builds = nlohmann::json::array();
  for (const auto& b : carry.builds) {
    builds.push_back({{"replaced_at", b.replaced_at}, {"files", b.files}});
  }
  return nlohmann::json{{"version", 1}, {"builds", builds}}.dump(2) + "\n";
}

std::optional<uint64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t unit = 1;
  char last = text.back();
  if (last == 's' || last == 'm' || last == 'h' || last == 'd') {
    unit = last == 's' ? 1 : last == 'm' ? 60 : last == 'h' ? 3600 : 86400;
    text.remove_suffix(1);
  }
  uint64_t n = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (err != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (n > UINT64_MAX / unit) return std::nullopt;
  return n * unit;
}

}  // namespace assetpipe::emit
