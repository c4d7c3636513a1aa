#include "scan/walk.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "scan/classify.h"
#include "util/file.h"

namespace fs = std::filesystem;

namespace assetpipe::scan {
namespace {

struct Walker {
  const Options& options;
  Diagnostics& diags;
  fs::path root;  // canonical
  std::vector<Asset> assets;
  std::set<std::string> visited_dirs;  // canonical folders, against symlink loops
  // Files with more than one hard link: (device, inode) -> the names seen in
  // the input and the link count. A link count above the names seen means a
  // name outside the input (a hard link cannot be told from its twin).
  struct Links {
    std::vector<std::string> names;
    nlink_t count = 0;
  };
  std::map<std::pair<dev_t, ino_t>, Links> hard_links;

  // `link`: the file is a symbolic link, resolved to `real`. Any other file
  // is read at <input>/<logical> (the kernel follows linked folders on the
  // way), so its path is not kept (source_file()).
  void add_file(const std::string& logical, const fs::path& real, const struct stat& st, bool link) {
    if (!util::is_valid_utf8(logical)) {
      throw Error(
          fmt::format("{}: the file name is not valid UTF-8; rename it (assetpipe writes "
                      "names into URLs, JSON and nginx configuration)",
                      util::printable(logical)));
    }
    Asset a;
    a.logical = logical;
    if (link) a.source_path = real.string();
    a.kind = classify(logical);
    a.entry = is_entry(logical, options.keep_name_globs);
    a.fingerprinted = !a.entry && is_fingerprinted(logical);
    if (st.st_nlink > 1) {
      Links& l = hard_links[{st.st_dev, st.st_ino}];
      l.names.push_back(logical);
      l.count = st.st_nlink;
    }
    a.mtime = options.source_date_epoch ? *options.source_date_epoch
                                        : static_cast<int64_t>(st.st_mtim.tv_sec);
    a.input_size = static_cast<uint64_t>(st.st_size);  // as found; checked when read
    assets.push_back(std::move(a));
  }

  void walk_dir(const fs::path& dir, const std::string& prefix) {
    std::error_code ec;
    fs::path canon = fs::canonical(dir, ec);
    if (ec)
      throw Error(
          fmt::format("cannot read folder {}: {}", util::printable(dir.string()), ec.message()));
    if (!visited_dirs.insert(canon.string()).second) {
      diags.warning(prefix.empty() ? "." : prefix, "symbolic link loop; folder visited once");
      return;
    }
    std::vector<std::string> names;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      throw Error(
          fmt::format("cannot read folder {}: {}", util::printable(dir.string()), ec.message()));
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      names.push_back(it->path().filename().string());
    }
    if (ec) {
      throw Error(
          fmt::format("cannot read folder {}: {}", util::printable(dir.string()), ec.message()));
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      fs::path p = dir / name;
      std::string logical = prefix.empty() ? name : prefix + "/" + name;
      struct stat lst {};
      if (::lstat(p.c_str(), &lst) != 0) {
        throw Error(fmt::format("cannot read {}: {} (did it vanish during the build?)",
                                util::printable(logical), std::strerror(errno)));
      }
      fs::path real = p;
      struct stat st = lst;
      if (S_ISLNK(lst.st_mode)) {
        fs::path target = fs::canonical(p, ec);
        if (ec) {
          diags.warning(logical, "skipped: broken symbolic link");
          continue;
        }
        if (!util::path_within(target, root)) {
          diags.warning(logical, fmt::format("skipped: symbolic link leaves the input root "
                                             "(points to {})",
                                             util::printable(target.string())));
          continue;
        }
        if (::stat(target.c_str(), &st) != 0) {
          diags.warning(logical, "skipped: cannot read the symbolic link's target");
          continue;
        }
        real = target;
      }
      if (S_ISDIR(st.st_mode)) {
        walk_dir(real, logical);
      } else if (S_ISREG(st.st_mode)) {
        add_file(logical, real, st, S_ISLNK(lst.st_mode));
      } else {
        diags.warning(logical, "skipped: not a regular file (device, socket or pipe)");
      }
    }
  }
};

}  // namespace

std::vector<Asset> walk(const Options& options, Diagnostics& diags) {
  std::error_code ec;
  fs::path root = fs::canonical(options.input, ec);
  if (ec) {
    throw Error(fmt::format("cannot read the input {}: {}", util::printable(options.input.string()),
                            ec.message()));
  }
  if (!fs::is_directory(root, ec)) {
    throw UsageError(
        fmt::format("the input {} is not a folder", util::printable(options.input.string())));
  }
  Walker w{options, diags, root, {}, {}};
  w.walk_dir(root, "");
  for (const auto& [id, l] : w.hard_links) {
    // Symlinks inside the root may name one file twice: count distinct names only.
    std::set<std::string> names(l.names.begin(), l.names.end());
    if (l.count <= names.size()) continue;
    for (const auto& name : names) {
      diags.warning(name,
                    fmt::format("this file has {} hard links and only {} of them are in the "
                                "input: its content is read as is, though it may be a file from "
                                "outside the input; copy it in if that is not intended",
                                l.count, names.size()));
    }
  }
  std::sort(w.assets.begin(), w.assets.end(),
            [](const Asset& a, const Asset& b) { return a.logical < b.logical; });
  w.assets.shrink_to_fit();  // the records live for the whole build
  return std::move(w.assets);
}

}  // namespace assetpipe::scan
