// Content hashes: XXH3-128 for names, SHA-384 for Subresource Integrity.
#pragma once

#include <array>
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
  // A field fed in pieces: its length first (as add() writes it), then
  // update() with pieces adding up to exactly `size` bytes. Same hash as
  // add() of the whole field.
  void begin_field(uint64_t size);
  void update(std::string_view piece);
  // Lowercase hex, `hex_chars` long (at least 10 = 40 bits, at most 32).
  std::string hex(size_t hex_chars = 10) const;

 private:
  XXH3_state_t* state_;
};

std::string name_hash(std::string_view bytes, size_t hex_chars = 10);

using Sha384 = std::array<unsigned char, 48>;
Sha384 sha384(std::string_view bytes);
// "sha384-<base64>"
std::string sri_sha384(std::string_view bytes);
std::string sri_of(const Sha384& digest);

// "<algorithm>-<base64>" for the Subresource Integrity algorithms sha256,
// sha384 and sha512; "" for any other name.
std::string sri_digest(std::string_view bytes, std::string_view algorithm);

std::string base64(std::string_view bytes);

// SHA-384 (and SHA-512 when asked) over bytes fed in pieces.
class DigestStream {
 public:
  explicit DigestStream(bool sha512);
  ~DigestStream();
  DigestStream(const DigestStream&) = delete;
  DigestStream& operator=(const DigestStream&) = delete;
  void update(std::string_view piece);
  Sha384 sha384();              // as util::sha384 of the whole; call once
  std::string sha512_base64();  // as util::sha512_base64; "" when not asked for

 private:
  struct Impl;
  Impl* impl_;
};

// Base64 of the SHA-512 digest (Phoenix's cache_manifest.json "sha512").
std::string sha512_base64(std::string_view bytes);

// Lowercase hex MD5 (Django's manifest "hash"; not for security).
std::string md5_hex(std::string_view bytes);

}  // namespace assetpipe::util
