#include "cache/entry.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <xxhash.h>

#include "cache/packed.h"

namespace assetpipe::cache {
namespace {

constexpr std::string_view kMagic = "assetpipe-cache\n";
constexpr uint32_t kFormat = 1;
constexpr size_t kKeySize = 64;

// The 16 bytes that end an entry.
std::string checksum_bytes(XXH128_hash_t h) { return Writer().u64(h.low64).u64(h.high64).take(); }

std::string checksum(std::string_view bytes) {
  return checksum_bytes(XXH3_128bits(bytes.data(), bytes.size()));
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
  emit(Writer()
           .raw(kMagic)
           .u32(kFormat)
           .raw(key)
           .u32(static_cast<uint32_t>(entry.fields().size()))
           .take());
  for (const auto& [name, value] : entry.fields()) {
    emit(Writer().u32(static_cast<uint32_t>(name.size())).raw(name).u64(value.size()).take());
    emit(value);
  }
  sink(checksum_bytes(XXH3_128bits_digest(state.get())));
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
  uint32_t format = r.u32();
  if (!r.ok() || format != kFormat) {
    return util::fail(fmt::format("cache format {} (this assetpipe reads {})", format, kFormat));
  }
  std::string_view stored_key = r.bytes(kKeySize);
  if (!r.ok() || stored_key != key) return util::fail("it was stored under another key");
  uint32_t count = r.u32();
  if (!r.ok()) return util::fail("truncated");
  Entry e;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view name = r.bytes(r.u32());
    std::string_view value = r.bytes(r.u64());
    if (!r.ok()) return util::fail("truncated");
    e.set(std::string(name), std::string(value));
  }
  if (!r.done()) return util::fail("trailing bytes after its fields");
  return e;
}

std::string pack_list(const std::vector<std::string>& items) {
  Writer w;
  for (const auto& s : items) w.str(s);
  return w.take();
}

util::Result<std::vector<std::string>> unpack_list(std::string_view packed) {
  Reader r(packed);
  std::vector<std::string> out;
  while (!r.done()) {
    std::string s = r.str();
    if (!r.ok()) return util::fail("a truncated list");
    out.push_back(std::move(s));
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
