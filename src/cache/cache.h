// The build's cache: a local folder (on by default) and an optional remote
// store, in front of every pure per-file result (DESIGN.md "transform",
// "emit"). Lookups go local, then remote (a remote hit is stored locally
// too); a store writes both. A remote failure turns the remote off for the
// rest of the build with one warning and the build goes on (ccache's rule);
// a bad entry is a miss with one warning, never an output.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "assetpipe/cache_stats.h"
#include "assetpipe/options.h"
#include "cache/entry.h"
#include "cache/local_store.h"
#include "cache/storage.h"

namespace assetpipe::cache {

enum class Stage { Minify, Image, Compress };

using Warn = std::function<void(const std::string&)>;

class Cache {
 public:
  Cache(std::unique_ptr<LocalStore> local, std::unique_ptr<Storage> remote, bool write_remote,
        Warn warn);
  // The entry stored under `key`, checked; nullopt on a miss. Thread-safe.
  std::optional<Entry> get(Stage stage, const std::string& key);
  // Stores `entry` locally and (read-write) remotely. Failures to store are
  // warnings: a build never fails for its cache. Thread-safe.
  void put(Stage stage, const std::string& key, const Entry& entry);
  // How the last get() of this thread was answered, for -v notes: "local", "remote" or "".
  static const char* last_source();

  // The build was a snapshot's (src/snapshot.h): its `files` were linked.
  void note_snapshot(uint64_t files) {
    std::lock_guard lock(mutex_);
    snapshot_files_ = files;
  }
  CacheStats stats() const;
  LocalStore* local() { return local_.get(); }
  bool remote_usable() const { return remote_ && !remote_off_.load(); }

 private:
  std::optional<Entry> checked(const std::string& key, std::optional<std::string> bytes,
                               const std::string& where);
  void remote_failed(const std::string& error);
  // One warning per build for a bad or unstorable local entry.
  void warn_once(const std::string& message);
  CacheCounts& counts(Stage stage);

  std::unique_ptr<LocalStore> local_;
  std::unique_ptr<Storage> remote_;
  bool write_remote_;
  Warn warn_;
  std::atomic<bool> remote_off_{false};
  mutable std::mutex mutex_;  // guards what follows
  CacheCounts minify_, image_, compress_;
  std::string remote_error_;
  uint64_t snapshot_files_ = 0;
  bool warned_ = false;
};

// Where the local cache lives when --cache-dir is not given:
// node_modules/.cache/assetpipe beside the nearest package.json above the
// input (babel-loader's and eslint's convention), else
// $XDG_CACHE_HOME/assetpipe, else ~/.cache/assetpipe.
std::filesystem::path default_dir(const std::filesystem::path& input);

// The build's cache from the options; nullptr with --no-cache. Throws
// UsageError for a remote URL that is not one of the supported forms.
std::unique_ptr<Cache> open(const Options& options, Warn warn);

// After the build: trims the local folder to --cache-max-size, records the
// counts for `assetpipe cache stats`, and returns them.
CacheStats finish(Cache* cache, const Options& options);

// `assetpipe cache stats|clean`: a report for the terminal.
std::string stats_text(const std::filesystem::path& dir);
std::string clean(const std::filesystem::path& dir);

// A -v note for a result that came from the cache ("" when it did not).
std::string hit_note(const char* what);

}  // namespace assetpipe::cache
