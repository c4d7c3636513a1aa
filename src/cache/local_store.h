// The local cache folder: one file per entry at <dir>/v1/<first 2 hex>/<key>,
// written atomically (temporary file + rename), so any number of builds may
// share one folder at once. A read refreshes the entry's mtime: trim()
// removes the least recently used entries first.
#pragma once

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
  // temporary files a killed build left (older than an hour).
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
};

}  // namespace assetpipe::cache
