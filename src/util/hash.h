// Content hashes: XXH3-128 for names, SHA-384 for Subresource Integrity.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <xxhash.h>

namespace assetpipe::util {

// Incremental XXH3-128 over several byte strings (each length-prefixed so
// ("ab","c") and ("a","bc") differ).
class NameHasher {
 public:
  NameHasher();
  ~NameHasher();
  NameHasher(const NameHasher&) = delete;
  NameHasher& operator=(const NameHasher&) = delete;
  void add(std::string_view field);
  // Lowercase hex, `hex_chars` long (at least 10 = 40 bits, at most 32).
  std::string hex(size_t hex_chars = 10) const;

 private:
  XXH3_state_t* state_;
};

std::string name_hash(std::string_view bytes, size_t hex_chars = 10);

// "sha384-<base64>"
std::string sri_sha384(std::string_view bytes);

std::string base64(std::string_view bytes);

}  // namespace assetpipe::util
