#include "scan/payloads.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "assetpipe/error.h"
#include "util/file.h"

namespace fs = std::filesystem;

namespace assetpipe::scan {
namespace {

// A piece of the spill file.
struct Span {
  uint64_t offset = 0;
  uint64_t size = 0;
};

// A piece of the spill file, or none: 16 bytes where std::optional<Span> took
// 24 (a slot is kept for every file of the build).
class MaybeSpan {
 public:
  MaybeSpan() = default;
  MaybeSpan(Span s) : s_(s) {}  // NOLINT: as std::optional
  explicit operator bool() const { return s_.offset != kNone; }
  const Span& operator*() const { return s_; }
  void reset() { s_ = Span{kNone, 0}; }

 private:
  static constexpr uint64_t kNone = ~uint64_t{0};
  Span s_{kNone, 0};
};

// To tell on park() whether a piece changed since fetch(): its size and a
// hash of its bytes.
struct Fingerprint {
  uint64_t size = 0;
  size_t hash = 0;
  bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint_of(std::string_view s) { return {s.size(), std::hash<std::string_view>{}(s)}; }

template <class T>
void release_string(T& s) {
  T().swap(s);
}

// One file, appended to from any thread (each put() reserves its own range),
// read back with pread. Unlinked as soon as it is made.
class SpillFile {
 public:
  explicit SpillFile(const fs::path& folder) : folder_(folder) {}
  ~SpillFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  Span put(std::string_view bytes) {
    open_once();
    Span s{end_.fetch_add(bytes.size()), bytes.size()};
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                           static_cast<off_t>(s.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw Error(fmt::format(
            "cannot write to the build's spill file in {}: {}; the build needs room there for "
            "the transformed files while they wait to be written (free some disk space, or "
            "raise the file-size limit, ulimit -f)",
            util::printable(folder_.string()), n < 0 ? std::strerror(errno) : "no space"));
      }
      done += static_cast<size_t>(n);
    }
    return s;
  }

  std::string get(Span s) const {
    std::string out(s.size, '\0');
    size_t done = 0;
    while (done < s.size) {
      ssize_t n = ::pread(fd_, out.data() + done, s.size - done, static_cast<off_t>(s.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw Error(fmt::format("cannot read back the build's spill file in {}: {}",
                                util::printable(folder_.string()),
                                n < 0 ? std::strerror(errno) : "it is shorter than written"));
      }
      done += static_cast<size_t>(n);
    }
    return out;
  }

  uint64_t size() const { return end_.load(); }

 private:
  void open_once() {
    std::call_once(opened_, [&] {
      std::string tmpl = (folder_ / "spill-XXXXXX").string();
      fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
      if (fd_ < 0) {
        throw Error(fmt::format("cannot create the build's spill file in {}: {}",
                                util::printable(folder_.string()), std::strerror(errno)));
      }
      ::unlink(tmpl.c_str());  // gone with the last descriptor, even on a kill
    });
  }

  fs::path folder_;
  std::once_flag opened_;
  int fd_ = -1;
  std::atomic<uint64_t> end_{0};
};

}  // namespace

struct Payloads::Impl {
  enum class State : uint8_t { Unread, Parked, Fetched, Released };
  struct Slot {
    State state = State::Unread;
    MaybeSpan bytes;                 // none: the input file's bytes
    Fingerprint input;               // of the input file, as first read
    MaybeSpan map;                   // the map's text (none: none, or empty)
    RareVector<MaybeSpan> variants;  // none: no bytes
    // While Fetched: what fetch() gave, to tell on park() what changed. Held
    // only then (a slot is kept for every file of the build: issue 14).
    struct Fetched {
      Fingerprint bytes;
      std::optional<Fingerprint> map;
      std::vector<Fingerprint> variants;
    };
    std::unique_ptr<Fetched> fetched;
  };

  Impl(std::vector<Asset>& of, fs::path input_root, const fs::path& folder)
      : assets(of), input(std::move(input_root)), slots(of.size()), spill(folder) {}

  std::string read_input(const Asset& a) const {
    auto r = util::read_file(source_file(a, input));
    if (!r) {
      throw Error(fmt::format("{}: {} (did it vanish or change during the build?)",
                              util::printable(a.logical), r.error()));
    }
    return std::move(*r);
  }

  void fetch(size_t i) {
    Slot& s = slots[i];
    Asset& a = assets[i];
    switch (s.state) {
      case State::Fetched:
        return;
      case State::Released:
        throw Error(fmt::format("internal error: {} was read after it was written (please report this)",
                                util::printable(a.logical)));
      case State::Unread:
        a.bytes = read_input(a);
        a.input_size = a.bytes.size();
        s.input = fingerprint_of(a.bytes);
        break;
      case State::Parked:
        if (s.bytes) {
          a.bytes = spill.get(*s.bytes);
        } else {
          a.bytes = read_input(a);
          if (fingerprint_of(a.bytes) != s.input) {
            throw Error(fmt::format(
                "{} changed during the build (read twice, with different bytes); build again",
                util::printable(a.logical)));
          }
        }
        if (a.source_map && s.map) *a.source_map = spill.get(*s.map);
        for (size_t k = 0; k < a.variants.size() && k < s.variants.size(); ++k) {
          if (s.variants[k]) a.variants[k].bytes = spill.get(*s.variants[k]);
        }
        break;
    }
    s.state = State::Fetched;
    auto f = std::make_unique<Slot::Fetched>();
    f->bytes = fingerprint_of(a.bytes);
    if (a.source_map) f->map = fingerprint_of(*a.source_map);
    for (const auto& v : a.variants) f->variants.push_back(fingerprint_of(v.bytes));
    s.fetched = std::move(f);
  }

  void park(size_t i) {
    Slot& s = slots[i];
    Asset& a = assets[i];
    if (s.state != State::Fetched) return;  // nothing in memory
    std::unique_ptr<Slot::Fetched> fetched = std::move(s.fetched);
    Fingerprint bytes = fingerprint_of(a.bytes);
    if (bytes != fetched->bytes) {
      s.bytes = bytes == s.input ? MaybeSpan() : MaybeSpan(spill.put(a.bytes));
    }
    if (!a.source_map) {
      s.map.reset();
    } else if (!fetched->map || fingerprint_of(*a.source_map) != *fetched->map) {
      s.map = a.source_map->empty() ? MaybeSpan() : MaybeSpan(spill.put(*a.source_map));
    }
    s.variants.resize(a.variants.size());
    for (size_t k = 0; k < a.variants.size(); ++k) {
      const std::string& v = a.variants[k].bytes;
      bool same = k < fetched->variants.size() && fingerprint_of(v) == fetched->variants[k];
      if (!same) s.variants[k] = v.empty() ? MaybeSpan() : MaybeSpan(spill.put(v));
    }
    release_string(a.bytes);
    if (a.source_map) release_string(*a.source_map);
    for (auto& v : a.variants) release_string(v.bytes);
    s.state = State::Parked;
  }

  std::vector<Asset>& assets;
  fs::path input;  // the input root: where source_file() reads
  std::vector<Slot> slots;
  SpillFile spill;
};

Payloads::Payloads() = default;
Payloads::Payloads(std::vector<Asset>& assets, fs::path input, fs::path scratch_folder)
    : impl_(std::make_unique<Impl>(assets, std::move(input), std::move(scratch_folder))) {}
Payloads::~Payloads() = default;

void Payloads::fetch(size_t i) {
  if (impl_) impl_->fetch(i);
}

void Payloads::park(size_t i) {
  if (impl_) impl_->park(i);
}

void Payloads::release(size_t i) {
  if (!impl_) return;
  Impl::Slot& s = impl_->slots[i];
  s.state = Impl::State::Released;
  s.fetched.reset();
  s.variants.clear();
}

uint64_t Payloads::spilled_bytes() const { return impl_ ? impl_->spill.size() : 0; }

}  // namespace assetpipe::scan
