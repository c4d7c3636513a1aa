// The local cache folder: one file per entry at <dir>/v1/<first 2 hex>/<key>,
// written atomically (temporary file + rename), so any number of builds may
// share one folder at once. A read refreshes the entry's mtime: trim()
// removes the least recently used entries first.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cache/storage.h"

namespace assetpipe::cache {

class LocalStore : public Storage {
 public:
  explicit LocalStore(std::filesystem::path dir);
  util::Result<std::optional<std::string>> get(const std::string& key) override;
  util::Result<util::Ok> put(const std::string& key, std::string_view value) override;
  std::string describe() const override;

  // Removes entries, oldest use first, until at most `max_bytes` remain, and
  // temporary files a killed build left (older than an hour). Listing every
  // entry costs a stat each, so it is skipped (as ccache skips its cleanup)
  // while the usage the last listing found (the file "usage" in the folder)
  // plus what was put since stays under 90% of `max_bytes`, for at most 50
  // builds in a row; the figures are then that estimate.
  struct Usage {
    uint64_t entries = 0, bytes = 0, removed = 0;
  };
  Usage trim(uint64_t max_bytes);
  Usage usage() const;
  // Removes every entry (assetpipe cache clean).
  Usage clean();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path_of(const std::string& key) const;

 private:
  std::filesystem::path dir_;
  std::atomic<uint64_t> put_entries_{0}, put_bytes_{0};  // by this process
};

}  // namespace assetpipe::cache
