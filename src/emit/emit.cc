#include "emit/emit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "assetpipe/error.h"
#include "emit/previous.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/output_siblings.h"

namespace fs = std::filesystem;

namespace assetpipe::emit {
std::vector<PlannedFile> plan(const std::vector<Asset>& assets, const Options& options) {
  std::vector<PlannedFile> files;
  for (const Asset& a : assets) {
    if (!a.map_of.empty()) continue;  // emitted as its owner's <output>.map
    files.push_back({a.output, a.bytes, a.mtime});
    if (a.source_map) files.push_back({a.output + ".map", *a.source_map, a.mtime});
    for (const auto& e : a.source_map_encodings) {
      files.push_back({a.output + ".map" + e.suffix, e.bytes, a.mtime});
    }
    for (const auto& v : a.variants) {
      if (v.skipped.empty()) files.push_back({a.output + "." + v.format, v.bytes, a.mtime});
    }
    for (const auto& e : a.encodings) files.push_back({a.output + e.suffix, e.bytes, a.mtime});
  }
  std::map<std::string_view, size_t> seen;
  for (size_t i = 0; i < files.size(); ++i) {
    auto [it, inserted] = seen.emplace(files[i].path, i);
    if (!inserted) {
      throw Error(fmt::format(
          "{}: two outputs would be written at this path (an input file has the name of a "
          "generated file: a precompressed .br/.gz, an image variant or a source map); remove "
          "the input copy or rename it",
          util::printable(files[i].path)));
    }
  }
  if (!options.originals) return files;
  // The safety net: the same bytes under the input name, where nothing else is.
  std::vector<PlannedFile> originals;
  for (const Asset& a : assets) {
    if (!is_renamed_original(a)) continue;
    if (seen.count(a.logical)) continue;
    originals.push_back({a.logical, a.bytes, a.mtime});
    for (const auto& e : a.encodings) {
      std::string path = a.logical + e.suffix;
      if (!seen.count(path)) originals.push_back({path, e.bytes, a.mtime});
    }
  }
  std::set<std::string> taken;
  for (auto& f : originals) {
    if (taken.insert(f.path).second) files.push_back(std::move(f));
  }
  return files;
}

void check_output_replaceable(const fs::path& output) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(output, ec))) return;
  if (fs::is_symlink(fs::symlink_status(output, ec))) {
    throw Error(fmt::format("the output {} is a symbolic link; give the real folder with -o",
                            util::printable(output.string())));
  }
  if (!fs::is_directory(output, ec)) {
    throw Error(
        fmt::format("the output {} exists and is not a folder; remove it or pick another -o",
                    util::printable(output.string())));
  }
  if (fs::is_directory(output / ".assetpipe", ec)) return;
  if (fs::is_empty(output, ec) && !ec) return;
  throw Error(fmt::format(
      "refusing to replace {}: it exists and was not written by assetpipe (no .assetpipe/ "
      "folder inside); remove it or pick another -o",
      util::printable(output.string())));
}

EmitStats write_output(const std::vector<Asset>& assets, const ExtraFiles& extra,
                       const Options& options, Diagnostics& /*diags*/) {
  fs::path output = util::normal_output(options.output);
  std::error_code ec;
  fs::create_directories(output.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot create the output's parent folder {}: {}",
                            util::printable(output.parent_path().string()), ec.message()));
  }
  check_output_replaceable(output);

  std::vector<PlannedFile> files = plan(assets, options);
  fs::path staging = util::make_sibling_dir(output, "staging");
  util::StagingGuard guard(staging);  // removed on any exit but success (and on Ctrl-C)

  // Folders first (serially), then files in parallel.
  // .assetpipe/ marks the folder as ours (check_output_replaceable), even
  // when the manifest goes elsewhere.
  std::set<fs::path> dirs = {staging / ".assetpipe"};
  for (const auto& f : files) dirs.insert((staging / f.path).parent_path());
  for (const auto& [rel, bytes] : extra) dirs.insert((staging / rel).parent_path());
  for (const auto& d : dirs) {
    fs::create_directories(d, ec);
    if (ec) {
      throw Error(
          fmt::format("cannot create folder {}: {}", util::printable(d.string()), ec.message()));
    }
  }
  std::mutex error_mutex;
  std::string first_error;
  tbb::parallel_for(size_t{0}, files.size(), [&](size_t i) {
    if (util::interrupted()) return;
    auto r = util::write_file(staging / files[i].path, files[i].bytes, files[i].mtime);
    if (!r) {
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = r.error();
    }
  });
  util::throw_if_interrupted();
  if (!first_error.empty()) throw Error(first_error + "; the previous output is untouched");
  int64_t extra_mtime = options.source_date_epoch.value_or(0);
  for (const auto& [rel, bytes] : extra) {
    if (auto r = util::write_file(staging / rel, bytes, extra_mtime); !r) {
      throw Error(r.error() + "; the previous output is untouched");
    }
  }

  EmitStats stats;
  for (const auto& f : files) stats.bytes += f.bytes.size();
  stats.files = files.size();

  // The previous builds' hashed files, linked (not copied) from the output
  // being replaced; previous.json says which build each came from.
  if (fs::exists(output / ".assetpipe", ec)) {
    std::set<std::string> planned;
    for (const auto& f : files) planned.insert(f.path);
    for (const auto& [rel, bytes] : extra) planned.insert(rel);
    Carry carry = plan_carry(output, planned, options, static_cast<int64_t>(std::time(nullptr)));
    for (const auto& rel : carry.files) {
      if (util::interrupted()) break;
      fs::path to = staging / rel;
      fs::create_directories(to.parent_path(), ec);
      if (::link((output / rel).c_str(), to.c_str()) != 0) {
        fs::copy_file(output / rel, to, ec);
        if (ec) {
          throw Error(fmt::format("cannot carry {} of a previous build: {}; the previous output "
                                  "is untouched (--keep-previous 0 carries nothing)",
                                  util::printable(rel), ec.message()));
        }
      }
    }
    util::throw_if_interrupted();
    if (!carry.builds.empty()) {
      if (auto r = util::write_file(staging / ".assetpipe/previous.json", previous_json(carry),
                                    extra_mtime);
          !r) {
        throw Error(r.error() + "; the previous output is untouched");
      }
    }
  }

  util::throw_if_interrupted();
  // The switch: one rename (an exchange when the output exists).
  if (fs::exists(fs::symlink_status(output, ec))) {
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, output.c_str(), RENAME_EXCHANGE) != 0) {
      throw Error(fmt::format("cannot replace {}: {}; the previous output is untouched",
                              util::printable(output.string()), std::strerror(errno)));
    }
    // `staging` now holds the previous output; the guard removes it.
  } else {
    if (::rename(staging.c_str(), output.c_str()) != 0) {
      throw Error(fmt::format("cannot create {}: {}", util::printable(output.string()),
                              std::strerror(errno)));
    }
    guard.release();
  }
  return stats;
}

}  // namespace assetpipe::emit
