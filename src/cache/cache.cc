#include "cache/cache.h"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assetpipe/error.h"
#include "cache/remote.h"
#include "util/file.h"

namespace fs = std::filesystem;

namespace assetpipe::cache {
namespace {

thread_local const char* t_last_source = "";

constexpr const char* kLastBuild = "last-build.json";

nlohmann::json to_json(const CacheCounts& c) {
  return {{"local_hits", c.local_hits}, {"remote_hits", c.remote_hits}, {"misses", c.misses}};
}

}  // namespace

Cache::Cache(std::unique_ptr<LocalStore> local, std::unique_ptr<Storage> remote, bool write_remote,
             Warn warn)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      write_remote_(write_remote),
      warn_(std::move(warn)) {}

const char* Cache::last_source() { return t_last_source; }

CacheCounts& Cache::counts(Stage stage) {
  switch (stage) {
    case Stage::Minify:
      return minify_;
    case Stage::Image:
      return image_;
    case Stage::Compress:
      break;
  }
  return compress_;
}

void Cache::remote_failed(const std::string& error) {
  if (remote_off_.exchange(true)) return;  // one warning per build
  {
    std::lock_guard lock(mutex_);
    remote_error_ = error;
  }
  warn_(fmt::format("{}; the remote cache is off for the rest of this build (it goes on with "
                    "the local cache)",
                    error));
}

void Cache::warn_once(const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    if (warned_) return;
    warned_ = true;
  }
  warn_(message);
}

std::optional<Entry> Cache::checked(const std::string& key, std::optional<std::string> bytes,
                                    const std::string& where) {
  if (!bytes) return std::nullopt;
  auto entry = decode(key, *bytes);
  if (entry) return std::move(*entry);
  warn_once(fmt::format("{}: ignored a bad cache entry {} ({}); its result is made again "
                        "(further bad entries are not reported)",
                        where, key.substr(0, 16), entry.error()));
  return std::nullopt;
}

std::optional<Entry> Cache::get(Stage stage, const std::string& key) {
  t_last_source = "";
  if (local_) {
    auto bytes = local_->get(key);
    if (bytes) {
      if (auto e = checked(key, std::move(*bytes), local_->describe())) {
        t_last_source = "local";
        std::lock_guard lock(mutex_);
        ++counts(stage).local_hits;
        return e;
      }
    }
  }
  if (remote_usable()) {
    auto bytes = remote_->get(key);
    if (!bytes) {
      remote_failed(bytes.error());
    } else if (*bytes) {
      std::string raw = std::move(**bytes);
      if (auto e = checked(key, raw, remote_->describe())) {
        if (local_) (void)local_->put(key, raw);  // found remotely: kept locally too
        t_last_source = "remote";
        std::lock_guard lock(mutex_);
        ++counts(stage).remote_hits;
        return e;
      }
    }
  }
  std::lock_guard lock(mutex_);
  ++counts(stage).misses;
  return std::nullopt;
}

void Cache::put(Stage, const std::string& key, const Entry& entry) {
  std::string bytes = encode(key, entry);
  if (local_) {
    if (auto r = local_->put(key, bytes); !r) {
      warn_once(fmt::format("cannot store a cache entry: {}", r.error()));
    }
  }
  if (write_remote_ && remote_usable()) {
    if (auto r = remote_->put(key, bytes); !r) remote_failed(r.error());
  }
}

CacheStats Cache::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats s;
  s.enabled = true;
  if (local_) s.dir = local_->dir().string();
  if (remote_) s.remote = remote_->describe();
  s.remote_error = remote_error_;
  s.minify = minify_;
  s.image = image_;
  s.compress = compress_;
  s.snapshot = snapshot_files_ > 0;
  s.snapshot_files = snapshot_files_;
  return s;
}

fs::path default_dir(const fs::path& input) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(input, ec), ec);
  while (!dir.empty()) {
    if (fs::is_regular_file(dir / "package.json", ec)) {
      return dir / "node_modules" / ".cache" / "assetpipe";
    }
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    return fs::path(xdg) / "assetpipe";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "assetpipe";
  }
  return fs::temp_directory_path(ec) / "assetpipe-cache";
}

std::unique_ptr<Cache> open(const Options& options, Warn warn) {
  if (!options.cache) return nullptr;
  fs::path dir = options.cache_dir.empty() ? default_dir(options.input) : options.cache_dir;
  auto local = std::make_unique<LocalStore>(dir);
  std::unique_ptr<Storage> remote;
  if (!options.remote_cache.empty()) {
    RemoteSettings settings;
    settings.url = options.remote_cache;
    settings.header = options.remote_cache_header;
    settings.warn = warn;
    settings.request_timeout = std::chrono::milliseconds(options.remote_cache_timeout_ms);
    settings.connect_timeout =
        std::chrono::milliseconds(std::max(100u, options.remote_cache_timeout_ms / 5));
    auto r = open_remote(settings);
    if (!r) throw UsageError(r.error());
    remote = std::move(*r);
  }
  return std::make_unique<Cache>(std::move(local), std::move(remote),
                                 !options.remote_cache_read_only, std::move(warn));
}

CacheStats finish(Cache* cache, const Options& options) {
  if (!cache) return {};
  CacheStats s = cache->stats();
  if (LocalStore* local = cache->local()) {
    auto usage = local->trim(options.cache_max_size);
    s.entries = usage.entries;
    s.bytes = usage.bytes;
    s.trimmed = usage.removed;
    nlohmann::json j = {{"minify", to_json(s.minify)},
                        {"image", to_json(s.image)},
                        {"compress", to_json(s.compress)},
                        {"remote", s.remote},
                        {"remote_error", s.remote_error},
                        {"snapshot", s.snapshot}};
    if (fs::exists(local->dir())) (void)util::write_file_atomic(local->dir() / kLastBuild, j.dump(2) + "\n");
  }
  return s;
}

std::string stats_text(const fs::path& dir) {
  LocalStore store(dir);
  auto u = store.usage();
  std::string out = fmt::format("cache {}: {} entries, {:.1f} MiB\n", util::printable(dir.string()),
                                u.entries, static_cast<double>(u.bytes) / (1 << 20));
  auto last = util::read_file(dir / kLastBuild);
  if (!last) return out + "last build: none recorded\n";
  try {
    auto j = nlohmann::json::parse(*last);
    for (const char* stage : {"minify", "image", "compress"}) {
      const auto& c = j.at(stage);
      out += fmt::format("last build, {}: {} local hits, {} remote hits, {} misses\n", stage,
                         c.at("local_hits").get<uint64_t>(), c.at("remote_hits").get<uint64_t>(),
                         c.at("misses").get<uint64_t>());
    }
  } catch (const std::exception&) {
    out += "last build: its record is unreadable\n";
  }
  return out;
}

std::string clean(const fs::path& dir) {
  LocalStore store(dir);
  auto u = store.clean();
  std::error_code ec;
  fs::remove(dir / kLastBuild, ec);
  return fmt::format("cache {}: removed {} entries\n", util::printable(dir.string()), u.removed);
}

std::string hit_note(const char* what) {
  const char* source = Cache::last_source();
  if (!*source) return "";
  return fmt::format("{} from the {} cache", what, source);
}

}  // namespace assetpipe::cache
