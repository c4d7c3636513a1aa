// The byte layout the cache's files share: little-endian integers and
// length-prefixed strings (cache entries, the key's tagged fields, a
// snapshot's record).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace assetpipe::cache {

class Writer {
 public:
  Writer& u32(uint32_t v) { return put(v); }
  Writer& u64(uint64_t v) { return put(v); }
  // `s` as it is, with no length before it.
  Writer& raw(std::string_view s) {
    out_.append(s);
    return *this;
  }
  // A u64 length, then `s`.
  Writer& str(std::string_view s) { return u64(s.size()).raw(s); }
  std::string take() { return std::move(out_); }

 private:
  template <typename T>
  Writer& put(T v) {
    for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return *this;
  }
  std::string out_;
};

// Reads from the front of `in`. The first read past the end fails the
// reader for good: ok() turns false and every read after gives 0 or "".
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint32_t u32() { return get<uint32_t>(); }
  uint64_t u64() { return get<uint64_t>(); }
  std::string_view bytes(uint64_t n) {
    if (n > in_.size()) return fail(), std::string_view();
    std::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  // A u64 length, then that many bytes.
  std::string str() { return std::string(bytes(u64())); }
  // A count of items of at least `min_bytes` each: more than what is left fails.
  uint64_t count(uint64_t min_bytes) {
    uint64_t n = u64();
    if (n > in_.size() / min_bytes) return fail(), 0;
    return n;
  }
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }

 private:
  template <typename T>
  T get() {
    if (in_.size() < sizeof(T)) return fail(), T{0};
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<T>(static_cast<unsigned char>(in_[i])) << (8 * i);
    }
    in_.remove_prefix(sizeof(T));
    return v;
  }
  void fail() {
    ok_ = false;
    in_ = {};
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace assetpipe::cache
