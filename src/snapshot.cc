#include "snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <xxhash.h>

#include "assetpipe/error.h"
#include "cache/entry.h"
#include "cache/key.h"
#include "cache/packed.h"
#include "emit/emit.h"
#include "transform/minify_lightningcss.h"
#include "transform/tools.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/output_siblings.h"

namespace fs = std::filesystem;

namespace assetpipe::snapshot {
namespace {

constexpr const char* kFolder = "snapshots";

// Every field of Options is either in the key (options_fields) or named
// there as not shaping the output. A new field changes the size: add it.
static_assert(sizeof(Options) == 912,
              "Options changed: add the new field to snapshot.cc's options_fields (or say there "
              "why it does not shape the output), then update this size");

void options_fields(cache::Key& k, const Options& o) {
  std::error_code ec;
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + '\n';
    return out;
  };
  k.add("input", fs::absolute(o.input, ec).lexically_normal().string());
  k.add("manifest-formats", list(o.manifest_formats));
  std::string paths;
  for (const auto& [format, path] : o.manifest_paths) paths += format + '=' + path + '\n';
  k.add("manifest-paths", paths);
  k.add("keep-name", list(o.keep_name_globs));
  k.add("verbosity", static_cast<int>(o.verbosity));
  k.add("strict", o.strict).add("keep-going", o.keep_going).add("originals", o.originals);
  k.add("keep-previous", int64_t{o.keep_previous});
  k.add("keep-age", static_cast<int64_t>(o.keep_age_seconds));
  k.add("source-date-epoch", o.source_date_epoch ? std::to_string(*o.source_date_epoch) : "");
  k.add("base", o.base).add("public-url", o.public_url);
  k.add("sri", o.sri).add("img-dimensions", o.img_dimensions).add("picture", o.picture);
  k.add("preload", o.preload);
  k.add("minify", o.minify).add("esbuild", o.esbuild).add("lightningcss", o.lightningcss);
  k.add("js-target", o.js_target).add("css-targets", transform::css_targets(o));
  k.add("no-minify", list(o.no_minify_globs)).add("min-minify-saving", o.min_minify_saving);
  k.add("sourcemap", static_cast<int>(o.sourcemap)).add("legal-comments", o.legal_comments);
  k.add("tool-timeout", int64_t{o.tool_timeout_seconds});
  k.add("images", o.images).add("webp", o.image_webp).add("avif", o.image_avif);
  k.add("webp-quality", o.webp_quality).add("webp-lossless", static_cast<int>(o.webp_lossless));
  k.add("avif-quality", o.avif_quality).add("avif-speed", o.avif_speed);
  k.add("avif-yuv444", o.avif_yuv444).add("min-image-saving", o.min_image_saving);
  k.add("max-pixels", static_cast<int64_t>(o.max_pixels));
  std::string widths;
  for (int w : o.image_widths) widths += std::to_string(w) + ',';
  k.add("image-widths", widths).add("image-sizes", o.image_sizes);
  k.add("br", o.compress_br).add("gz", o.compress_gz).add("brotli-quality", o.brotli_quality);
  k.add("map-brotli-quality", o.map_brotli_quality).add("gzip-level", o.gzip_level);
  k.add("compress-min-size", static_cast<int64_t>(o.compress_min_size));
  k.add("compress-max-ratio", o.compress_max_ratio);
  // Not in the key, as they do not shape the files written: output (the
  // files name nothing of where they are written), manifest_path (no
  // snapshot with it), jobs, no_wait, dry_run and shards (no snapshot),
  // timings, report, report_file, the cache's and remote's settings, snapshot.
}

// The minifiers that may run: each candidate's path, size, mtime and inode.
void tool_fields(cache::Key& k, const Options& o) {
  if (!o.minify) return;
  for (auto kind : {transform::ToolKind::Esbuild, transform::ToolKind::Lightningcss}) {
    std::string identity;
    for (const auto& [path, found_by] : transform::tool_candidates(kind, o)) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      identity += fmt::format("{} {} {}.{:09} {}\n", path.string(), st.st_size, st.st_mtim.tv_sec,
                              st.st_mtim.tv_nsec, st.st_ino);
    }
    k.add(transform::tool_name(kind), identity);
  }
}

// --- the records, packed (cache/packed.h) ---

using cache::Reader;
using cache::Writer;

void put_digest(Writer& w, const Digest& d) {
  w.u64(d.size).raw(std::string_view(reinterpret_cast<const char*>(d.sha384.data()), d.sha384.size())).str(d.sha512);
}
Digest get_digest(Reader& r) {
  Digest d;
  d.size = r.u64();
  std::string_view raw = r.bytes(d.sha384.size());
  std::copy(raw.begin(), raw.end(), d.sha384.begin());  // all zero when the record is short
  d.sha512 = r.str();
  return d;
}
void put_encodings(Writer& w, const std::vector<Encoding>& es) {
  w.u64(es.size());
  for (const auto& e : es) w.u32(static_cast<uint32_t>(e.codec)).u64(e.size);
}
std::vector<Encoding> get_encodings(Reader& r) {
  std::vector<Encoding> es(r.count(12));
  for (auto& e : es) {
    e.codec = r.u32() == 0 ? Encoding::Codec::Brotli : Encoding::Codec::Gzip;
    e.size = r.u64();
  }
  return es;
}
void put_strings(Writer& w, const std::vector<std::string>& v) {
  w.u64(v.size());
  for (const auto& s : v) w.str(s);
}
std::vector<std::string> get_strings(Reader& r) {
  std::vector<std::string> v(r.count(8));
  for (auto& s : v) s = r.str();
  return v;
}

// One output file of a snapshot, as found when it was recorded.
struct File {
  std::string path;  // output-relative
  uint64_t size = 0;
  int64_t mtime = 0;
};

fs::path folder_of(const fs::path& cache_dir, const std::string& key) {
  return cache_dir / kFolder / key.substr(0, 2) / key;
}

}  // namespace

std::string pack_assets(const std::vector<Asset>& assets) {
  Writer w;
  w.u64(assets.size());
  for (const Asset& a : assets) {
    w.str(a.logical).str(a.source_path).u64(static_cast<uint64_t>(a.kind));
    w.u64(a.entry).u64(a.fingerprinted).u64(static_cast<uint64_t>(a.mtime)).u64(a.input_size);
    w.u64(a.streamed).str(a.streamed_hash).u64(a.source_map.has_value()).str(a.map_of);
    w.u64(a.variants.size());
    for (const auto& v : a.variants) {
      w.str(v.format).u64(static_cast<uint64_t>(v.width)).u64(static_cast<uint64_t>(v.height));
      w.str(v.skipped).u64(v.size);
    }
    put_encodings(w, a.encodings);
    put_encodings(w, a.source_map_encodings);
    put_strings(w, a.imports);
    w.u64(a.preloads.size());
    for (const auto& p : a.preloads) w.str(p.file).str(p.href).str(p.as).str(p.type).str(p.integrity);
    w.str(a.output);
    put_digest(w, a.digest);
    put_digest(w, map_digest_of(a));
    put_strings(w, a.notes);
  }
  return w.take();
}

std::optional<std::vector<Asset>> unpack_assets(std::string_view packed) {
  Reader r(packed);
  std::vector<Asset> assets(r.count(64));
  for (Asset& a : assets) {
    a.logical = r.str();
    a.source_path = r.str();
    uint64_t kind = r.u64();
    if (kind > static_cast<uint64_t>(FileKind::Other)) return std::nullopt;
    a.kind = static_cast<FileKind>(kind);
    a.entry = r.u64() != 0;
    a.fingerprinted = r.u64() != 0;
    a.mtime = static_cast<int64_t>(r.u64());
    a.input_size = r.u64();
    a.streamed = r.u64() != 0;
    a.streamed_hash = r.str();
    if (r.u64() != 0) a.source_map.emplace();  // the text was never kept
    a.map_of = r.str();
    a.variants.resize(r.count(40));
    for (auto& v : a.variants) {
      v.format = r.str();
      v.width = static_cast<int>(r.u64());
      v.height = static_cast<int>(r.u64());
      v.skipped = r.str();
      v.size = r.u64();
    }
    a.encodings = get_encodings(r);
    a.source_map_encodings = get_encodings(r);
    a.imports = get_strings(r);
    a.preloads.resize(r.count(40));
    for (auto& p : a.preloads) {
      p.file = r.str();
      p.href = r.str();
      p.as = r.str();
      p.type = r.str();
      p.integrity = r.str();
    }
    a.output = r.str();
    a.digest = get_digest(r);
    Digest map = get_digest(r);
    if (a.source_map) a.map_digest = std::move(map);
    a.notes = get_strings(r);
    if (!r.ok()) return std::nullopt;
  }
  if (!r.ok() || !r.done()) return std::nullopt;
  return assets;
}

bool eligible(const Options& o, bool has_local_cache, const Diagnostics& walk_diags) {
  return o.snapshot && o.cache && has_local_cache && !o.dry_run && o.shard_count == 0 &&
         !o.manifest_path && walk_diags.sorted().empty();
}

std::optional<std::string> key(const Options& options, const std::vector<Asset>& walked) {
  // Each input's content hash, read in blocks, files in parallel.
  std::vector<XXH128_hash_t> hashes(walked.size());
  std::vector<uint64_t> sizes(walked.size());
  std::atomic<bool> failed{false};
  tbb::parallel_for(size_t{0}, walked.size(), [&](size_t i) {
    if (failed.load()) return;
    // One buffer per thread: a fresh block per file would cost more in
    // page faults than the hashing.
    thread_local std::vector<char> buffer(256 << 10);
    thread_local std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> owned(
        XXH3_createState(), &XXH3_freeState);
    XXH3_state_t* state = owned.get();
    int fd = ::open(source_file(walked[i], options.input).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      failed = true;
      return;
    }
    XXH3_128bits_reset(state);
    uint64_t total = 0;
    for (;;) {
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failed = true;
      if (n <= 0) break;
      XXH3_128bits_update(state, buffer.data(), static_cast<size_t>(n));
      total += static_cast<uint64_t>(n);
    }
    ::close(fd);
    hashes[i] = XXH3_128bits_digest(state);
    sizes[i] = total;
  });
  if (failed || util::interrupted()) return std::nullopt;
  cache::Key k("snapshot");
  options_fields(k, options);
  tool_fields(k, options);
  for (size_t i = 0; i < walked.size(); ++i) {
    const Asset& a = walked[i];
    k.add("file", a.logical).add("source", a.source_path.str()).add("mtime", a.mtime);
    k.add("size", static_cast<int64_t>(sizes[i]));
    k.add("xxh3", std::string_view(reinterpret_cast<const char*>(&hashes[i]), sizeof hashes[i]));
  }
  return k.hex();
}

std::optional<Recorded> replay(const fs::path& cache_dir, const std::string& key,
                               const Options& options, std::string& why) {
  fs::path folder = folder_of(cache_dir, key);
  auto bytes = util::read_file(folder / "record");
  if (!bytes) {
    why = "no snapshot of this input and options";
    return std::nullopt;
  }
  auto entry = cache::decode(key, *bytes);
  *bytes = std::string();  // the entry holds its fields: each is freed once read
  if (!entry) {
    why = "the snapshot's record is damaged (" + entry.error() + ")";
    return std::nullopt;
  }
  Recorded out;
  std::vector<File> files;
  {
    std::string packed = entry->take("files");
    Reader r(packed);
    files.resize(r.count(24));
    for (auto& f : files) {
      f.path = r.str();
      f.size = r.u64();
      f.mtime = static_cast<int64_t>(r.u64());
    }
    packed = entry->take("assets");
    auto assets = unpack_assets(packed);
    packed = {};
    Reader s(entry->get("sizes").value_or(""));
    out.sizes = {s.u64(), s.u64(), s.u64()};
    auto raised = cache::unpack_diagnostics(entry->get("diagnostics").value_or(""));
    if (!r.ok() || !r.done() || !s.ok() || !assets || !raised) {
      why = "the snapshot's record is not one this build reads";
      return std::nullopt;
    }
    out.assets = std::move(*assets);
    out.raised = std::move(*raised);
  }
  // Every file as recorded before anything is staged: one edited in place
  // (through an output sharing its inode) or removed is a miss.
  fs::path tree = folder / "files";
  std::atomic<bool> changed{false};
  // Names looked up from the snapshot's folder, not from the root.
  int tree_fd = ::open(tree.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (tree_fd < 0) {
    why = "the snapshot's files are gone";
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{tree_fd};
  tbb::parallel_for(size_t{0}, files.size(), [&](size_t i) {
    struct stat st {};
    if (::fstatat(tree_fd, files[i].path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode) ||
        static_cast<uint64_t>(st.st_size) != files[i].size || st.st_mtim.tv_sec != files[i].mtime) {
      changed = true;
    }
  });
  if (changed) {
    why = "a file of the snapshot was changed or removed";
    return std::nullopt;
  }
  ::utimensat(AT_FDCWD, (folder / "record").c_str(), nullptr, 0);  // used now (LRU)
  emit::Staging staging(options);
  std::atomic<bool> missing{false};
  tbb::parallel_for(size_t{0}, files.size(), [&](size_t i) {
    if (missing.load()) return;
    if (!staging.link_in(tree_fd, tree, files[i].path, files[i].size, files[i].mtime)) {
      missing = true;
    }
  });
  if (missing) {
    why = "a file of the snapshot was removed meanwhile (by another build's trim)";
    return std::nullopt;  // the staging folder goes with `staging`
  }
  staging.commit({});
  out.files = files.size();
  return out;
}

void record(const fs::path& cache_dir, const std::string& key, const Options& options,
            std::vector<std::string> list, const std::vector<Asset>& assets,
            const std::vector<Diagnostic>& raised, Sizes sizes,
            const std::function<void(const std::string&)>& warn) {
  fs::path folder = folder_of(cache_dir, key);
  std::error_code ec;
  if (fs::exists(folder / "record", ec)) return;  // another build recorded it
  // The cache's size limit holds: an output larger than the snapshots'
  // share of it (a media site) is not kept twice once it is deleted.
  if (sizes.bytes_out > options.cache_max_size / 4) return;
  fs::path output = util::normal_output(options.output);
  fs::path tmp = folder.string() + fmt::format(".tmp-{}", ::getpid());
  util::remove_tree(tmp);
  fs::create_directories(tmp / "files", ec);
  if (ec) {
    warn(fmt::format("cannot record a snapshot in {}: {}", util::printable(tmp.string()),
                     ec.message()));
    return;
  }
  std::vector<File> files(list.size());
  std::atomic<int> error{0};
  std::mutex mutex;
  std::string failure;
  tbb::parallel_for(size_t{0}, list.size(), [&](size_t i) {
    if (error.load()) return;
    fs::path from = output / list[i], to = tmp / "files" / list[i];
    struct stat st {};
    int r = ::link(from.c_str(), to.c_str());
    if (r != 0 && errno == ENOENT) {
      std::error_code e;
      fs::create_directories(to.parent_path(), e);
      r = ::link(from.c_str(), to.c_str());
    }
    if (r != 0 || ::lstat(to.c_str(), &st) != 0) {
      int e = errno;
      int expected = 0;
      if (error.compare_exchange_strong(expected, e)) {
        std::lock_guard lock(mutex);
        failure = fmt::format("{}: {}", util::printable(from.string()), std::strerror(e));
      }
      return;
    }
    files[i] = {std::move(list[i]), static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec};
  });
  if (error.load()) {
    util::remove_tree(tmp);
    // Across filesystems a snapshot would be a second copy of the output: none is kept.
    if (error.load() != EXDEV) warn("cannot record a snapshot of the build: " + failure);
    return;
  }
  Writer w;
  w.u64(files.size());
  uint64_t bytes = 0;
  for (const auto& f : files) {
    w.str(f.path).u64(f.size).u64(static_cast<uint64_t>(f.mtime));
    bytes += f.size;
  }
  cache::Entry e;
  e.set("files", w.take());
  files = {};  // freed before the records are packed
  list = {};
  e.set("sizes", Writer().u64(sizes.bytes_in).u64(sizes.bytes_out).u64(sizes.files_written).take());
  e.set("assets", pack_assets(assets));
  e.set("diagnostics", cache::pack_diagnostics(raised));
  util::Result<util::Ok> written = util::Ok{};
  if (auto f = util::AtomicFile::create(tmp / "record"); !f) {
    written = util::fail(f.error());
  } else {
    cache::encode_to(key, e, [&](std::string_view piece) {
      if (written) written = f->write(piece);
    });
    if (written) written = f->commit();
  }
  if (written) written = util::write_file_atomic(tmp / "bytes", std::to_string(bytes) + "\n");
  if (!written) {
    util::remove_tree(tmp);
    warn("cannot record a snapshot of the build: " + written.error());
    return;
  }
  if (::rename(tmp.c_str(), folder.c_str()) != 0) util::remove_tree(tmp);  // another build's won
  trim(cache_dir, options.cache_max_size);
}

namespace {

struct Kept {
  fs::path folder;
  fs::file_time_type used;
  uint64_t bytes = 0;
};

std::vector<Kept> list_snapshots(const fs::path& cache_dir) {
  std::vector<Kept> out;
  std::error_code ec;
  for (fs::directory_iterator shard(cache_dir / kFolder, ec), end; !ec && shard != end;
       shard.increment(ec)) {
    std::error_code e2;
    for (fs::directory_iterator it(shard->path(), e2); !e2 && it != end; it.increment(e2)) {
      Kept k{it->path(), {}, 0};
      std::error_code e3;
      if (k.folder.filename().string().find(".tmp-") != std::string::npos) {
        // A killed build's, when it is an hour old.
        auto age = fs::file_time_type::clock::now() - fs::last_write_time(k.folder, e3);
        if (!e3 && age > std::chrono::hours(1)) util::remove_tree(k.folder);
        continue;
      }
      k.used = fs::last_write_time(k.folder / "record", e3);
      if (e3) continue;  // being recorded, or a killed build's (removed below when old)
      if (auto text = util::read_file(k.folder / "bytes")) k.bytes = std::strtoull(text->c_str(), nullptr, 10);
      out.push_back(std::move(k));
    }
  }
  std::sort(out.begin(), out.end(), [](const Kept& a, const Kept& b) {
    return a.used != b.used ? a.used > b.used : a.folder < b.folder;
  });
  return out;
}

}  // namespace

size_t trim(const fs::path& cache_dir, uint64_t max_bytes) {
  size_t removed = 0;
  uint64_t total = 0;
  auto kept = list_snapshots(cache_dir);
  for (size_t i = 0; i < kept.size(); ++i) {
    total += kept[i].bytes;
    if (i >= kMaxSnapshots || (i > 0 && total > max_bytes / 4)) {
      util::remove_tree(kept[i].folder);
      ++removed;
    }
  }
  return removed;
}

Usage usage(const fs::path& cache_dir) {
  Usage u;
  for (const auto& k : list_snapshots(cache_dir)) {
    ++u.snapshots;
    u.bytes += k.bytes;
  }
  return u;
}

size_t clean(const fs::path& cache_dir) {
  size_t n = list_snapshots(cache_dir).size();
  util::remove_tree(cache_dir / kFolder);
  return n;
}

}  // namespace assetpipe::snapshot
