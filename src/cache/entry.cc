#include "cache/entry.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <xxhash.h>

namespace assetpipe::cache {
namespace {

constexpr std::string_view kMagic = "assetpipe-cache\n";
constexpr uint32_t kFormat = 1;
constexpr size_t kKeySize = 64;

template <typename T>
void put(std::string& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads from the front of `in`, failing on truncation.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool get(T& v) {
    if (in_.size() < sizeof(T)) return false;
    v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<T>(static_cast<unsigned char>(in_[i])) << (8 * i);
    }
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool bytes(uint64_t n, std::string_view& out) {
    if (in_.size() < n) return false;
    out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

std::string checksum(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  std::string out;
  put(out, h.low64);
  put(out, h.high64);
  return out;
}

}  // namespace

void Entry::set(std::string name, std::string value) {
  for (auto& [n, v] : fields_) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  fields_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Entry::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string Entry::take(std::string_view name) {
  for (auto& [n, v] : fields_) {
    if (n == name) return std::move(v);
  }
  return "";
}

size_t Entry::bytes() const {
  size_t n = 0;
  for (const auto& f : fields_) n += f.second.size();
  return n;
}

void encode_to(const std::string& key, const Entry& entry,
               const std::function<void(std::string_view)>& sink) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                  &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  auto emit = [&](std::string_view piece) {
    XXH3_128bits_update(state.get(), piece.data(), piece.size());
    sink(piece);
  };
  std::string head;
  head.append(kMagic);
  put(head, kFormat);
  head.append(key);
  put(head, static_cast<uint32_t>(entry.fields().size()));
  emit(head);
  for (const auto& [name, value] : entry.fields()) {
    head.clear();
    put(head, static_cast<uint32_t>(name.size()));
    head.append(name);
    put(head, static_cast<uint64_t>(value.size()));
    emit(head);
    emit(value);
  }
  XXH128_hash_t h = XXH3_128bits_digest(state.get());
  std::string sum;
  put(sum, h.low64);
  put(sum, h.high64);
  sink(sum);
}

std::string encode(const std::string& key, const Entry& entry) {
  std::string out;
  out.reserve(entry.bytes() + 128 + 16 * entry.fields().size());
  encode_to(key, entry, [&](std::string_view piece) { out.append(piece); });
  return out;
}

util::Result<Entry> decode(const std::string& key, std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 4 + kKeySize + 4 + 16 || !bytes.starts_with(kMagic)) {
    return util::fail("not an assetpipe cache entry");
  }
  std::string_view body = bytes.substr(0, bytes.size() - 16);
  if (checksum(body) != bytes.substr(bytes.size() - 16)) {
    return util::fail("its checksum does not match (corrupt or truncated)");
  }
  Reader r(body.substr(kMagic.size()));
  uint32_t format = 0, count = 0;
  std::string_view stored_key;
  if (!r.get(format) || format != kFormat) {
    return util::fail(fmt::format("cache format {} (this assetpipe reads {})", format, kFormat));
  }
  if (!r.bytes(kKeySize, stored_key) || stored_key != key) {
    return util::fail("it was stored under another key");
  }
  if (!r.get(count)) return util::fail("truncated");
  Entry e;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t name_size = 0;
    uint64_t value_size = 0;
    std::string_view name, value;
    if (!r.get(name_size) || !r.bytes(name_size, name) || !r.get(value_size) ||
        !r.bytes(value_size, value)) {
      return util::fail("truncated");
    }
    e.set(std::string(name), std::string(value));
  }
  if (!r.done()) return util::fail("trailing bytes after its fields");
  return e;
}

std::string pack_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    put(out, static_cast<uint64_t>(s.size()));
    out.append(s);
  }
  return out;
}

util::Result<std::vector<std::string>> unpack_list(std::string_view packed) {
  Reader r(packed);
  std::vector<std::string> out;
  while (!r.done()) {
    uint64_t n = 0;
    std::string_view s;
    if (!r.get(n) || !r.bytes(n, s)) return util::fail("a truncated list");
    out.emplace_back(s);
  }
  return out;
}

std::string pack_diagnostics(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> items;
  for (const auto& d : diags) {
    items.push_back(pack_list({std::to_string(static_cast<int>(d.severity)), d.file,
                               std::to_string(d.line), std::to_string(d.column), d.message}));
  }
  return pack_list(items);
}

util::Result<std::vector<Diagnostic>> unpack_diagnostics(std::string_view packed) {
  auto items = unpack_list(packed);
  if (!items) return util::fail(items.error());
  std::vector<Diagnostic> out;
  for (const auto& item : *items) {
    auto f = unpack_list(item);
    if (!f || f->size() != 5) return util::fail("a bad diagnostic");
    int severity = std::atoi((*f)[0].c_str());
    if (severity < 0 || severity > static_cast<int>(Severity::Error)) {
      return util::fail("a bad diagnostic");
    }
    out.push_back({static_cast<Severity>(severity), (*f)[1], std::atoi((*f)[2].c_str()),
                   std::atoi((*f)[3].c_str()), (*f)[4]});
  }
  return out;
}

}  // namespace assetpipe::cache
