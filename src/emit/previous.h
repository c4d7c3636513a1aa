// Keeping previous deploys (--keep-previous N, --keep-age DURATION): a tab
// still open on an earlier build keeps loading its lazy chunks. The hashed
// files of the builds before (found through the replaced output's
// .assetpipe/manifest.json and .assetpipe/previous.json) are carried into the
// new output, as Propshaft's assets:clean and phx.digest.clean keep them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/options.h"

namespace assetpipe::emit {

// One earlier build: when it stopped being the current one, and the hashed
// files of it that the output still carries.
struct PreviousBuild {
  int64_t replaced_at = 0;  // seconds since the epoch
  std::vector<std::string> files;
};

struct Carry {
  std::vector<PreviousBuild> builds;  // newest first; what previous.json lists
  std::vector<std::string> files;     // every file to carry, sorted
};

// What to carry from `output` (the folder about to be replaced) into the new
// one, whose files are `planned`. Build k (0: the one being replaced; one with no file left over, as
// when the same input is built again, does not count) is kept
// while k < keep_previous or it was replaced less than keep_age ago,
// whichever keeps more; keep_previous 0 keeps nothing. Unreadable or foreign
// metadata carries nothing (never an error).
Carry plan_carry(const std::filesystem::path& output,
                 const std::function<bool(const std::string&)>& planned, const Options& options,
                 int64_t now);

// .assetpipe/previous.json: {"version": 1, "builds": [{"replaced_at", "files"}]}.
std::string previous_json(const Carry& carry);

// The hashed files a manifest (.assetpipe/manifest.json) lists: each
// immutable file, its map, its variants and their .br/.gz.
std::vector<std::string> hashed_files_of_manifest(const std::string& manifest_json);

// The files a previous.json lists.
std::vector<std::string> files_of_previous(const std::string& previous_json);

// "90", "90s", "30m", "1h", "2d" -> seconds; nullopt when malformed.
std::optional<uint64_t> parse_duration(std::string_view text);

}  // namespace assetpipe::emit
