#include "emit/emit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "assetpipe/error.h"
#include "emit/previous.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/output_siblings.h"

namespace fs = std::filesystem;

namespace assetpipe::emit {

using Kind = OutputPart::Kind;

std::vector<OutputPart> parts_of(const Asset& a) {
  std::vector<OutputPart> out;
  if (!a.map_of.empty()) return out;  // emitted as its owner's <output>.map
  out.push_back({Kind::Own, 0});
  if (a.source_map) {
    out.push_back({Kind::Map, 0});
    for (uint32_t k = 0; k < a.source_map_encodings.size(); ++k) out.push_back({Kind::MapEncoding, k});
  }
  for (uint32_t k = 0; k < a.variants.size(); ++k) {
    if (a.variants[k].skipped.empty()) out.push_back({Kind::Variant, k});
  }
  for (uint32_t k = 0; k < a.encodings.size(); ++k) out.push_back({Kind::Encoding, k});
  return out;
}

std::string path_of(const Asset& a, OutputPart p) {
  switch (p.kind) {
    case Kind::Own: return a.output;
    case Kind::Map: return a.output + ".map";
    case Kind::MapEncoding: return a.output + ".map" + a.source_map_encodings[p.index].suffix();
    case Kind::Variant: return a.output + "." + a.variants[p.index].format;
    case Kind::Encoding: return a.output + a.encodings[p.index].suffix();
    case Kind::Original: return a.logical;
    case Kind::OriginalEncoding: return a.logical + a.encodings[p.index].suffix();
  }
  return "";
}

uint64_t size_of(const Asset& a, OutputPart p) {
  switch (p.kind) {
    case Kind::Own:
    case Kind::Original: return a.digest.size;
    case Kind::Map: return map_digest_of(a).size;
    case Kind::MapEncoding: return a.source_map_encodings[p.index].size;
    case Kind::Variant: return a.variants[p.index].size;
    case Kind::Encoding:
    case Kind::OriginalEncoding: return a.encodings[p.index].size;
  }
  return 0;
}

namespace {

// The bytes of a part in memory (before the payload is freed). Not for the
// originals, which are second names of written files.
std::string_view bytes_of(const Asset& a, OutputPart p) {
  switch (p.kind) {
    case Kind::Own: return a.bytes;
    case Kind::Map: return *a.source_map;
    case Kind::MapEncoding: return a.source_map_encodings[p.index].bytes;
    case Kind::Variant: return a.variants[p.index].bytes;
    case Kind::Encoding: return a.encodings[p.index].bytes;
    case Kind::Original:
    case Kind::OriginalEncoding: break;
  }
  return {};
}

}  // namespace

std::vector<PlannedFile> plan(const std::vector<Asset>& assets, const Options& options) {
  std::vector<PlannedFile> files;
  for (const Asset& a : assets) {
    for (OutputPart p : parts_of(a)) files.push_back({path_of(a, p), size_of(a, p)});
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
    originals.push_back({a.logical, a.digest.size});
    for (uint32_t k = 0; k < a.encodings.size(); ++k) {
      OutputPart p{Kind::OriginalEncoding, k};
      std::string path = path_of(a, p);
      if (!seen.count(path)) originals.push_back({std::move(path), size_of(a, p)});
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

struct Staging::Impl {
  const Options& options;
  fs::path output;
  fs::path staging;  // empty on a dry run
  int staging_fd = -1;  // the staging folder, for names looked up from it (link_in)
  std::optional<util::StagingGuard> guard;
  mutable std::mutex mutex;
  // The claimed paths, by a hash of the path: each claim says which of its
  // file's paths it is, and the path is made again from the record (which
  // lives as long as the build) when it must be compared or listed. A map
  // of the path strings cost about 170 bytes a path.
  struct Claim {
    const Asset* asset;
    OutputPart part;
  };
  // By a 32-bit hash of the path, in one open-addressing table (linear
  // probing, at most 7/8 full): 16 bytes a slot (the record, the hash, the
  // part packed), where a node of an unordered_multimap and its bucket took
  // about 56 a claim (a 16x tree claims 289,000 paths). Equal hashes sit in
  // consecutive probes; a path is compared only where the hash is equal.
  class ClaimTable {
   public:
    // Calls f(claim) for each claim with this hash until f returns true.
    template <class F>
    std::optional<Claim> find_if(uint32_t hash, F&& f) const {
      if (slots_.empty()) return std::nullopt;
      for (size_t k = hash & mask(); slots_[k].asset; k = (k + 1) & mask()) {
        if (slots_[k].hash == hash && f(slots_[k].claim())) return slots_[k].claim();
      }
      return std::nullopt;
    }
    void insert(uint32_t hash, Claim c) {
      if ((size_ + 1) * 8 > slots_.size() * 7) grow();
      place(Slot::of(hash, c));
      ++size_;
    }
    size_t size() const { return size_; }
    template <class F>
    void for_each(F&& f) const {
      for (const Slot& s : slots_) {
        if (s.asset) f(s.claim());
      }
    }

   private:
    struct Slot {
      const Asset* asset = nullptr;  // nullptr: free
      uint32_t hash = 0;
      uint32_t part = 0;  // the kind in the top 8 bits, the index below
      static Slot of(uint32_t hash, Claim c) {
        // An index is into a file's encodings or variants: a handful.
        if (c.part.index >= (1u << 24)) {
          throw Error("internal error: an output part index too large (please report this)");
        }
        return {c.asset, hash, static_cast<uint32_t>(c.part.kind) << 24 | c.part.index};
      }
      Claim claim() const {
        return {asset, {static_cast<OutputPart::Kind>(part >> 24), part & ((1u << 24) - 1)}};
      }
    };
    static_assert(sizeof(Slot) == 16);
    size_t mask() const { return slots_.size() - 1; }
    void place(Slot slot) {
      size_t k = slot.hash & mask();
      while (slots_[k].asset) k = (k + 1) & mask();
      slots_[k] = slot;
    }
    void grow() {
      size_t n = std::max<size_t>(64, slots_.size() * 2);
      std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(n));
      for (const Slot& s : old) {
        if (s.asset) place(s);
      }
    }
    std::vector<Slot> slots_;  // a power of two long
    size_t size_ = 0;
  };
  ClaimTable claims;
  std::vector<std::string> linked_in;  // a snapshot's files (link_in), write_streamed's
  EmitStats stats;

  explicit Impl(const Options& o) : options(o) {}

  // The mtime of the build's own files (manifests, nginx snippets, previous.json).
  int64_t own_mtime() const { return options.source_date_epoch.value_or(0); }

  static std::string path_of(const Claim& c) { return emit::path_of(*c.asset, c.part); }

  static uint32_t hash_of(std::string_view path) {
    size_t h = std::hash<std::string_view>{}(path);
    return static_cast<uint32_t>(h ^ (static_cast<uint64_t>(h) >> 32));
  }

  // The claim of `path`, if any. Under the mutex.
  std::optional<Claim> find(const std::string& path, uint32_t hash) const {
    return claims.find_if(hash, [&](const Claim& c) { return path_of(c) == path; });
  }

  // Claims `path` unless it is claimed; whether it was free. Under the mutex.
  bool try_claim(const std::string& path, Claim c) {
    uint32_t h = hash_of(path);
    if (find(path, h)) return false;
    claims.insert(h, c);
    return true;
  }

  // The one collision rule: two files of the build at one path.
  void claim(const Asset& a, OutputPart part) {
    Claim c{&a, part};
    std::string path = path_of(c);
    std::lock_guard lock(mutex);
    uint32_t h = hash_of(path);
    std::optional<Claim> taken = find(path, h);
    if (!taken) {
      claims.insert(h, c);
      return;
    }
    if (part.kind == Kind::Own && taken->part.kind == Kind::Own) {
      // In path order, so the message is the same at any -j.
      auto [first, second] = std::minmax(taken->asset->logical, a.logical);
      throw Error(fmt::format("{} and {} would both be written as {}; rename one of them",
                              util::printable(first), util::printable(second),
                              util::printable(path)));
    }
    throw Error(fmt::format(
        "{}: two outputs would be written at this path (an input file has the name of a "
        "generated file: a precompressed .br/.gz, an image variant or a source map); remove "
        "the input copy or rename it",
        util::printable(path)));
  }

  void count(uint64_t bytes) {
    std::lock_guard lock(mutex);
    stats.files++;
    stats.bytes += bytes;
  }

  void put(const std::string& path, std::string_view bytes, int64_t mtime) {
    count(bytes.size());
    if (staging.empty()) return;
    util::throw_if_interrupted();
    if (auto r = util::write_file(staging / path, bytes, mtime); !r) {
      throw Error(r.error() + "; the previous output is untouched");
    }
  }

  void copy(const fs::path& from, const std::string& path, uint64_t size, int64_t mtime) {
    count(size);
    if (staging.empty()) return;
    util::throw_if_interrupted();
    if (auto r = util::copy_file_data(from, staging / path, size, mtime); !r) {
      throw Error(r.error() + "; the previous output is untouched");
    }
  }

  // A second name for a staged file: a hard link where the filesystem can
  // (never for an input file: the output never shares an inode with it).
  void second_name(const fs::path& staged, const std::string& path, uint64_t size,
                   int64_t mtime) {
    count(size);
    if (staging.empty()) return;
    util::throw_if_interrupted();
    if (auto r = util::link_or_copy(staged, staging / path, size, mtime); !r) {
      throw Error(r.error() + "; the previous output is untouched");
    }
  }
};

Staging::Staging(const Options& options) : impl_(std::make_unique<Impl>(options)) {
  if (options.dry_run) return;
  impl_->output = util::normal_output(options.output);
  std::error_code ec;
  fs::create_directories(impl_->output.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot create the output's parent folder {}: {}",
                            util::printable(impl_->output.parent_path().string()), ec.message()));
  }
  check_output_replaceable(impl_->output);
  impl_->staging = util::make_sibling_dir(impl_->output, "staging");
  impl_->guard.emplace(impl_->staging);  // removed on any exit but success (and on Ctrl-C)
  impl_->staging_fd = ::open(impl_->staging.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  // .assetpipe/ marks the folder as ours (check_output_replaceable), even
  // when the manifest goes elsewhere.
  fs::create_directories(impl_->staging / ".assetpipe", ec);
  if (ec) {
    throw Error(fmt::format("cannot create folder {}: {}",
                            util::printable(impl_->staging.string()), ec.message()));
  }
}

Staging::~Staging() {
  if (impl_->staging_fd >= 0) ::close(impl_->staging_fd);
}

void Staging::write(const Asset& a) {
  if (!a.map_of.empty()) return;  // emitted as its owner's <output>.map
  Impl& s = *impl_;
  // Claim every path first: a collision writes nothing.
  std::vector<OutputPart> parts = parts_of(a);
  for (OutputPart p : parts) s.claim(a, p);
  for (OutputPart p : parts) {
    if (p.kind == Kind::Own && a.streamed) {
      s.copy(source_file(a, s.options.input), a.output, a.input_size, a.mtime);
    } else {
      s.put(path_of(a, p), bytes_of(a, p), a.mtime);
    }
  }
}

void Staging::write_originals(const std::vector<Asset>& assets) {
  if (!impl_->options.originals) return;
  Impl& s = *impl_;
  // The safety net: the same bytes under the input name, where nothing else
  // is. Claimed serially, in asset order (the first claim of a path wins);
  // then linked in parallel.
  struct Copy {
    const Asset* asset;
    int encoding;  // index into its encodings, or -1: the file itself
  };
  std::vector<Copy> copies;
  {
    std::lock_guard lock(s.mutex);
    for (const Asset& a : assets) {
      if (!is_renamed_original(a) || !s.try_claim(a.logical, {&a, {Kind::Original, 0}})) {
        continue;
      }
      copies.push_back({&a, -1});
      for (uint32_t k = 0; k < a.encodings.size(); ++k) {
        OutputPart p{Kind::OriginalEncoding, k};
        if (s.try_claim(path_of(a, p), {&a, p})) {
          copies.push_back({&a, static_cast<int>(k)});
        }
      }
    }
  }
  tbb::parallel_for(size_t{0}, copies.size(), [&](size_t k) {
    const Asset& a = *copies[k].asset;
    if (copies[k].encoding < 0) {
      s.second_name(s.staging / a.output, a.logical, a.digest.size, a.mtime);
    } else {
      const Encoding& e = a.encodings[static_cast<size_t>(copies[k].encoding)];
      s.second_name(s.staging / (a.output + e.suffix()), a.logical + e.suffix(), e.size, a.mtime);
    }
  });
}

bool Staging::link_in(int from_fd, const fs::path& from, const std::string& path, uint64_t size,
                      int64_t mtime) {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mutex);
    s.linked_in.push_back(path);
  }
  s.count(size);
  if (s.staging.empty()) return true;
  util::throw_if_interrupted();
  // The caller checked the file: linked without a second look, both names
  // looked up from their folders.
  if (::linkat(from_fd, path.c_str(), s.staging_fd, path.c_str(), 0) == 0) return true;
  if (errno == ENOENT) {
    std::error_code ec;
    fs::create_directories((s.staging / path).parent_path(), ec);
    if (::linkat(from_fd, path.c_str(), s.staging_fd, path.c_str(), 0) == 0) return true;
  }
  return static_cast<bool>(util::copy_file_data(from / path, s.staging / path, size, mtime));
}

void Staging::write_streamed(
    const std::string& path,
    const std::function<void(const TextSink&)>& produce) {
  Impl& s = *impl_;
  if (s.staging.empty()) return;
  {
    std::lock_guard lock(s.mutex);
    s.linked_in.push_back(path);
  }
  auto file = util::AtomicFile::create(s.staging / path);
  if (!file) throw Error(file.error() + "; the previous output is untouched");
  util::Result<util::Ok> written = util::Ok{};
  produce([&](std::string_view piece) {
    if (written) written = file->write(piece);
  });
  if (written) written = file->commit();
  if (written) written = util::set_mtime(s.staging / path, s.own_mtime());
  if (!written) throw Error(written.error() + "; the previous output is untouched");
}

std::vector<std::string> Staging::claimed() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string> out(impl_->linked_in.begin(), impl_->linked_in.end());
  out.reserve(out.size() + impl_->claims.size());
  impl_->claims.for_each([&](const Impl::Claim& c) { out.push_back(Impl::path_of(c)); });
  std::sort(out.begin(), out.end());  // each path is claimed once
  return out;
}

EmitStats Staging::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

EmitStats Staging::commit(const ExtraFiles& extra) {
  Impl& s = *impl_;
  if (s.staging.empty()) return s.stats;
  const fs::path& output = s.output;
  const fs::path& staging = s.staging;
  std::error_code ec;
  int64_t extra_mtime = s.own_mtime();
  for (const auto& [rel, bytes] : extra) {
    if (auto r = util::write_file(staging / rel, bytes, extra_mtime); !r) {
      throw Error(r.error() + "; the previous output is untouched");
    }
  }

  // The previous builds' hashed files, linked (not copied) from the output
  // being replaced; previous.json says which build each came from.
  if (fs::exists(output / ".assetpipe", ec)) {
    // Asked of the claims (not a set of every path: about 130 bytes a file).
    std::unordered_set<std::string_view> linked(s.linked_in.begin(), s.linked_in.end());
    auto planned = [&](const std::string& path) {
      return s.find(path, Impl::hash_of(path)).has_value() || linked.count(path) > 0 ||
             extra.count(path) > 0;
    };
    Carry carry = plan_carry(output, planned, s.options, static_cast<int64_t>(std::time(nullptr)));
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
    s.guard->release();
  }
  return s.stats;
}

}  // namespace assetpipe::emit
