// A cache entry: named byte fields, sealed with the key it was stored under
// and a checksum, so a corrupt, truncated or foreign entry (another key's,
// another format's) is detected on every read and treated as a miss.
//
//   "assetpipe-cache\n" <format u32> <key: 64 hex> <count u32>
//   { <name length u32> <name> <value length u64> <value> }*
//   <XXH3-128 of everything before: 16 bytes>
//
// Integers little-endian.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "assetpipe/diagnostics.h"
#include "util/result.h"

namespace assetpipe::cache {

class Entry {
 public:
  void set(std::string name, std::string value);
  // The field's value; nullopt when the entry has no such field.
  std::optional<std::string_view> get(std::string_view name) const;
  // The field's value moved out ("" when absent): for large payloads.
  std::string take(std::string_view name);
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  size_t bytes() const;  // of the values

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

std::string encode(const std::string& key, const Entry& entry);
// The same bytes handed to `sink` piece by piece (a large entry is not
// copied whole once more).
void encode_to(const std::string& key, const Entry& entry,
               const std::function<void(std::string_view)>& sink);

// Fails (with a reason for the warning) when `bytes` is not an entry of
// this format stored under `key`.
util::Result<Entry> decode(const std::string& key, std::string_view bytes);

// Lists of strings in one field (notes, diagnostics): each length-prefixed.
std::string pack_list(const std::vector<std::string>& items);
util::Result<std::vector<std::string>> unpack_list(std::string_view packed);

// The diagnostics a result raised, replayed on every hit (a cached file warns
// as a built one does).
std::string pack_diagnostics(const std::vector<Diagnostic>& diags);
util::Result<std::vector<Diagnostic>> unpack_diagnostics(std::string_view packed);

}  // namespace assetpipe::cache
