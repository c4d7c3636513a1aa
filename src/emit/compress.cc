#include "emit/compress.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <brotli/encode.h>
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <tbb/task_arena.h>
#include <zlib.h>
#include "assetpipe/progress.h"

#include "assetpipe/error.h"
#include "cache/cache.h"
#include "cache/key.h"
#include "scan/classify.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/path.h"

namespace assetpipe::emit {
namespace {

using util::lower_extension;

bool starts_with_bytes(std::string_view bytes, std::string_view magic, size_t offset = 0) {
  return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

using namespace std::string_view_literals;

// The format of an already-compressed file recognized by its first bytes, or "".
std::string_view compressed_format(std::string_view b) {
  struct Magic {
    std::string_view format, bytes;
    size_t offset;
  };
  static const std::array<Magic, 20> kMagic = {{
      {"gzip", "\x1f\x8b"sv, 0},
      {"zip", "PK\x03\x04"sv, 0},
      {"zip", "PK\x05\x06"sv, 0},
      {"png", "\x89PNG\r\n\x1a\n"sv, 0},
      {"jpeg", "\xff\xd8\xff"sv, 0},
      {"gif", "GIF87a"sv, 0},
      {"gif", "GIF89a"sv, 0},
      {"webp", "WEBP"sv, 8},
      {"ISO media (avif, heic, mp4)", "ftyp"sv, 4},
      {"webm/matroska", "\x1a\x45\xdf\xa3"sv, 0},
      {"woff", "wOFF"sv, 0},
      {"woff2", "wOF2"sv, 0},
      {"bzip2", "BZh"sv, 0},
      {"xz",
       "\xfd"
       "7zXZ\x00"sv,
       0},
      {"zstd", "\x28\xb5\x2f\xfd"sv, 0},
      {"7z", "7z\xbc\xaf\x27\x1c"sv, 0},
      {"rar", "Rar!\x1a\x07"sv, 0},
      {"ogg", "OggS"sv, 0},
      {"lz4", "\x04\x22\x4d\x18"sv, 0},
      {"jpeg xl", "\x00\x00\x00\x0cJXL \r\n\x87\n"sv, 0},
  }};
  for (const auto& m : kMagic) {
    if (starts_with_bytes(b, m.bytes, m.offset)) {
      if (m.offset == 8 && !starts_with_bytes(b, "RIFF")) continue;
      return m.format;
    }
  }
  if (starts_with_bytes(b, "ID3")) return "mp3";
  if (starts_with_bytes(b, "\xff\x0a"sv)) return "jpeg xl";
  return "";
}

bool is_compressed_extension(const std::string& ext) {
  static const char* kExts[] = {".jpg",  ".jpeg", ".png",   ".gif",  ".webp", ".avif", ".heic",
                                ".jxl",  ".woff", ".woff2", ".zip",  ".gz",   ".tgz",  ".br",
                                ".zst",  ".xz",   ".bz2",   ".7z",   ".rar",  ".mp3",  ".mp4",
                                ".m4a",  ".m4v",  ".mov",   ".webm", ".ogg",  ".ogv",  ".opus",
                                ".flac", ".svgz", ".jar",   ".apk",  ".pdf"};
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

// Smallest standard window holding the whole input: same ratio as 24 bits,
// less memory for the decoder of a small file.
int window_bits_for(size_t size) {
  int bits = BROTLI_MIN_WINDOW_BITS;
  while (bits < BROTLI_MAX_WINDOW_BITS && ((size_t{1} << bits) - 16) < size) ++bits;
  return bits;
}

struct JobResult {
  std::optional<Encoding> kept;
  std::string note;  // why it was dropped, else empty
  bool hit = false;     // from the cache
  bool reused = false;  // from an EncodingMemo: identical bytes compressed earlier
};

Encoding::Codec codec_of(const CompressJob& job) {
  return job.brotli ? Encoding::Codec::Brotli : Encoding::Codec::Gzip;
}

const std::string& job_input(const Asset& a, const CompressJob& job) {
  return job.source_map ? *a.source_map : a.bytes;
}

std::string job_name(const Asset& a, const CompressJob& job) {
  return job.source_map ? a.output + ".map" : (a.output.empty() ? a.logical : a.output);
}

// One encoding made (the compressors are declared in compress.h).
JobResult compress_job(const std::string& input, const std::string& name, const CompressJob& job,
                       int level, BrotliMode mode, const Options& options) {
  auto packed = job.brotli ? brotli_compress(input, level, mode)
                           : gzip_compress(input, level);
  if (!packed) {
    throw Error(fmt::format("{}: cannot precompress: {}", util::printable(name), packed.error()));
  }
  std::string_view label = Encoding::name_of(codec_of(job));
  double limit = options.compress_max_ratio * static_cast<double>(input.size());
  if (static_cast<double>(packed->size()) > limit) {
    return {std::nullopt,
            fmt::format("{}{} not kept: {} -> {} bytes is above --compress-max-ratio {}",
                        job.source_map ? "source map " : "", label, input.size(), packed->size(),
                        options.compress_max_ratio)};
  }
  uint64_t size = packed->size();
  return {Encoding{codec_of(job), std::move(*packed), size}, ""};
}

// The cache key of one encoding: the compressor's version and settings and
// the digest of the bytes (computed once for both encodings of an input).
std::string compress_key(const CompressJob& job, int level, BrotliMode mode,
                         const Options& options, const std::string& digest) {
  cache::Key k("compress");
  k.add("codec", cache::compressor_versions())
      .add("brotli", job.brotli)
      .add("level", level)
      .add("mode", static_cast<int>(mode))
      .add("source-map", job.source_map)
      .add("max-ratio", options.compress_max_ratio)
      .add("bytes-sha256", digest);
  return k.hex();
}

}  // namespace

struct EncodingMemo::Impl {
  Impl(size_t input_limit, size_t bytes_limit) : max_input(input_limit), max_bytes(bytes_limit) {}
  const size_t max_input, max_bytes;

  // The result for `key` (compress_key()), as made the first time: `reused`,
  // not a cache hit (nothing was read from the cache).
  std::optional<JobResult> find(const std::string& key) {
    std::lock_guard lock(mutex);
    auto it = results.find(key);
    if (it == results.end()) return std::nullopt;
    ++hits;
    JobResult r = it->second;
    r.hit = false;
    r.reused = true;
    return r;
  }

  void add(const std::string& key, const JobResult& r) {
    size_t cost = cost_of(key, r);
    std::lock_guard lock(mutex);
    if (cost > max_bytes || !results.emplace(key, r).second) return;
    order.push_back(key);
    bytes += cost;
    while (bytes > max_bytes) {
      auto it = results.find(order.front());
      bytes -= cost_of(it->first, it->second);
      results.erase(it);
      order.pop_front();
    }
  }

  // What an entry counts against max_bytes: its key and what it keeps.
  static size_t cost_of(const std::string& key, const JobResult& r) {
    return key.size() + r.note.size() + (r.kept ? r.kept->bytes.size() : 0);
  }

  std::mutex mutex;  // guards what follows
  std::unordered_map<std::string, JobResult> results;
  std::deque<std::string> order;  // keys, oldest first
  size_t bytes = 0;
  size_t hits = 0;
};

// The memo that keeps `input`'s encodings: `memo` when the input is small
// enough for it, else none.
EncodingMemo::Impl* memo_for(EncodingMemo* memo, std::string_view input) {
  return memo && input.size() <= memo->impl_->max_input ? memo->impl_.get() : nullptr;
}

EncodingMemo::EncodingMemo(size_t max_input, size_t max_bytes)
    : impl_(std::make_unique<Impl>(max_input, max_bytes)) {}
EncodingMemo::~EncodingMemo() = default;

size_t EncodingMemo::hits() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->hits;
}

namespace {

JobResult run_job(const Asset& a, const CompressJob& job, const Options& options,
                  cache::Cache* cache = nullptr, const std::string& digest = "",
                  EncodingMemo* memo = nullptr) {
  const std::string& input = job_input(a, job);
  std::string name = job_name(a, job);
  // Source maps (a file's own or one of the input's) are fetched only by
  // developer tools: cheaper brotli (README "Precompression").
  int quality = job.source_map || name.ends_with(".map") ? options.map_brotli_quality
                                                          : options.brotli_quality;
  int level = job.brotli ? quality : options.gzip_level;
  BrotliMode mode = job.brotli ? brotli_mode_for(name) : BrotliMode::Generic;
  EncodingMemo::Impl* memo_of_size = memo_for(memo, input);
  std::string key;
  if (cache || memo_of_size) key = compress_key(job, level, mode, options, digest);
  if (memo_of_size) {
    if (auto r = memo_of_size->find(key)) return *r;
  }
  auto remember = [&](const JobResult& r) {
    if (memo_of_size && !util::interrupted()) memo_of_size->add(key, r);
  };
  if (cache) {
    if (auto e = cache->get(cache::Stage::Compress, key)) {
      std::optional<JobResult> r;
      if (e->has("bytes")) {
        std::string bytes = e->take("bytes");
        uint64_t size = bytes.size();
        r = JobResult{Encoding{codec_of(job), std::move(bytes), size}, "", true};
      } else if (auto note = e->get("note")) {
        r = JobResult{std::nullopt, std::string(*note), true};
      }
      if (r) {
        remember(*r);
        return *r;
      }
    }
  }
  JobResult r = compress_job(input, name, job, level, mode, options);
  if (cache && !util::interrupted()) {
    cache::Entry e;
    if (r.kept) e.set("bytes", r.kept->bytes);
    else e.set("note", r.note);
    cache->put(cache::Stage::Compress, key, e);
  }
  remember(r);
  return r;
}

}  // namespace

util::Result<std::string> brotli_compress(std::string_view bytes, int quality, BrotliMode mode) {
  BrotliEncoderState* s = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
  if (!s) return util::fail("brotli: out of memory");
  BrotliEncoderMode m = mode == BrotliMode::Text   ? BROTLI_MODE_TEXT
                        : mode == BrotliMode::Font ? BROTLI_MODE_FONT
                                                   : BROTLI_MODE_GENERIC;
  uint32_t size_hint = static_cast<uint32_t>(std::min<size_t>(bytes.size(), 1u << 30));
  BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, static_cast<uint32_t>(quality));
  BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN,
                            static_cast<uint32_t>(window_bits_for(bytes.size())));
  BrotliEncoderSetParameter(s, BROTLI_PARAM_MODE, m);
  BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT, size_hint);

  std::string out(BrotliEncoderMaxCompressedSize(bytes.size()) + 1024, '\0');
  size_t avail_in = bytes.size();
  auto* next_in = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t avail_out = out.size();
  auto* next_out = reinterpret_cast<uint8_t*>(out.data());
  bool ok = true;
  while (ok && !BrotliEncoderIsFinished(s)) {
    ok = BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in, &avail_out,
                                     &next_out, nullptr) == BROTLI_TRUE &&
         avail_out > 0;
  }
  BrotliEncoderDestroyInstance(s);
  if (!ok) return util::fail("brotli: compression failed");
  out.resize(out.size() - avail_out);
  return out;
}

util::Result<std::string> gzip_compress(std::string_view bytes, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper. memLevel 6 (smaller deflate blocks,
  // whose Huffman tables follow the content more closely): on the bench
  // corpora it gives 0.4% less than zlib's default 8 and than `gzip -9`
  // (docs/compress.md has the numbers).
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 6, Z_DEFAULT_STRATEGY) != Z_OK) {
    return util::fail("zlib: cannot initialize deflate");
  }
  gz_header header{};
  header.time = 0;  // no timestamp: reproducible
  header.os = 3;    // Unix, whatever the build machine
  header.name = Z_NULL;
  header.comment = Z_NULL;
  header.extra = Z_NULL;
  deflateSetHeader(&z, &header);
  std::string out(deflateBound(&z, bytes.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  // deflate takes uInt counts: feed in slices so files over 4 GiB work too.
  size_t in_left = bytes.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    uInt chunk = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
    z.avail_in = chunk;
    size_t out_used = static_cast<size_t>(reinterpret_cast<char*>(z.next_out) - out.data());
    z.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - out_used, 1u << 30));
    in_left -= chunk;
    rc = deflate(&z, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    in_left += z.avail_in;
  }
  size_t produced = static_cast<size_t>(reinterpret_cast<char*>(z.next_out) - out.data());
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return util::fail(fmt::format("zlib: deflate failed ({})", rc));
  out.resize(produced);
  return out;
}

BrotliMode brotli_mode_for(std::string_view name) {
  std::string ext = lower_extension(name);
  if (ext == ".ttf" || ext == ".otf" || ext == ".eot") return BrotliMode::Font;
  if (ext == ".wasm" || ext == ".ico") return BrotliMode::Generic;
  return BrotliMode::Text;
}

std::string precompress_skip_reason(std::string_view name, std::string_view bytes,
                                    const Options& options) {
  std::string ext = lower_extension(name);
  if (is_compressed_extension(ext)) return fmt::format("{} is a compressed format", ext);
  if (!scan::is_text_type(name)) return "not a text type";
  if (auto format = compressed_format(bytes); !format.empty()) {
    return fmt::format("the content is {} data (already compressed) despite the {} name", format,
                       ext);
  }
  if (bytes.size() < options.compress_min_size) {
    return fmt::format("{} bytes is under --compress-min-size {}", bytes.size(),
                       options.compress_min_size);
  }
  return "";
}

namespace {

// The jobs of one asset (index `i`), unsorted.
void add_jobs(std::vector<CompressJob>& jobs, const Asset& a, size_t i, const Options& options) {
  auto add = [&](bool source_map, size_t size) {
    if (options.compress_br) jobs.push_back({i, source_map, true, size});
    if (options.compress_gz) jobs.push_back({i, source_map, false, size});
  };
  if (!a.map_of.empty()) return;  // emitted inside its owner's map
  if (a.streamed) return;         // not read: not a candidate (emit/record.h)
  std::string name = a.output.empty() ? a.logical : a.output;
  if (precompress_skip_reason(name, a.bytes, options).empty()) add(false, a.bytes.size());
  if (a.source_map && precompress_skip_reason(name + ".map", *a.source_map, options).empty()) {
    add(true, a.source_map->size());
  }
}

// Brotli at high quality is ~50x slower per byte than gzip -9: weigh it so.
void most_expensive_first(std::vector<CompressJob>& jobs) {
  auto cost = [](const CompressJob& j) { return j.size * (j.brotli ? 50 : 1); };
  std::stable_sort(jobs.begin(), jobs.end(),
                   [&](const CompressJob& x, const CompressJob& y) { return cost(x) > cost(y); });
}

void note_content_skip(Asset& a, const Options& options) {
  if (a.streamed) return;
  std::string reason =
      precompress_skip_reason(a.output.empty() ? a.logical : a.output, a.bytes, options);
  if (reason.starts_with("the content")) a.notes.push_back("not precompressed: " + reason);
}

// Moves the results into their assets in a fixed order (br before gzip),
// whatever order the jobs ran in.
void assemble(std::vector<Asset*> assets, const std::vector<CompressJob>& jobs,
              std::vector<JobResult>& results) {
  std::vector<size_t> order(jobs.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const auto &a = jobs[x], &b = jobs[y];
    return std::tie(a.asset, a.source_map, b.brotli) < std::tie(b.asset, b.source_map, a.brotli);
  });
  for (size_t k : order) {
    Asset& a = *assets[jobs[k].asset];
    if (!results[k].note.empty()) a.notes.push_back(std::move(results[k].note));
    if (!results[k].kept) continue;
    auto& list = jobs[k].source_map ? a.source_map_encodings : a.encodings;
    list.push_back(std::move(*results[k].kept));
  }
}

}  // namespace

std::vector<CompressJob> plan_precompression(const std::vector<Asset>& assets,
                                             const Options& options) {
  std::vector<CompressJob> jobs;
  for (size_t i = 0; i < assets.size(); ++i) add_jobs(jobs, assets[i], i, options);
  most_expensive_first(jobs);
  return jobs;
}

void precompress_one(Asset& a, const Options& options, cache::Cache* cache, EncodingMemo* memo) {
  if (!options.compress_br && !options.compress_gz) return;
  a.encodings.clear();
  a.source_map_encodings.clear();
  note_content_skip(a, options);
  std::vector<CompressJob> jobs;
  add_jobs(jobs, a, 0, options);
  most_expensive_first(jobs);
  // The digests of the bytes and the map, for the cache and memo keys.
  std::string digest[2];
  for (const auto& job : jobs) {
    const std::string& input = job_input(a, job);
    bool keyed = cache || memo_for(memo, input);
    if (keyed && digest[job.source_map].empty()) digest[job.source_map] = cache::sha256_hex(input);
  }
  std::vector<JobResult> results(jobs.size());
  tbb::parallel_for(size_t{0}, jobs.size(), [&](size_t k) {
    util::throw_if_interrupted();
    results[k] = run_job(a, jobs[k], options, cache, digest[jobs[k].source_map], memo);
  });
  size_t hits = 0, reused = 0;
  for (const auto& r : results) {
    hits += r.hit ? 1 : 0;
    reused += r.reused ? 1 : 0;
  }
  assemble({&a}, jobs, results);
  if (hits > 0) {
    a.notes.push_back(fmt::format("{} of {} encodings from the cache", hits, jobs.size()));
  }
  if (reused > 0) {
    a.notes.push_back(fmt::format("{} of {} encodings taken from identical bytes compressed "
                                  "earlier in the build",
                                  reused, jobs.size()));
  }
}

void precompress(std::vector<Asset>& assets, const Options& options, bool report_progress) {
  if (!options.compress_br && !options.compress_gz) return;
  for (Asset& a : assets) {
    a.encodings.clear();
    a.source_map_encodings.clear();
  }
  for (Asset& a : assets) note_content_skip(a, options);
  std::vector<CompressJob> jobs = plan_precompression(assets, options);
  std::vector<JobResult> results(jobs.size());
  // Each worker takes the next job in order: the biggest start first.
  std::atomic<size_t> next{0};
  if (report_progress) progress::stage("compressing", jobs.size());
  int workers = std::max(1, tbb::this_task_arena::max_concurrency());
  tbb::parallel_for(
      0, workers,
      [&](int) {
        for (size_t k = next++; k < jobs.size(); k = next++) {
          if (util::interrupted()) return;
          results[k] = run_job(assets[jobs[k].asset], jobs[k], options);
          if (report_progress) progress::done();
        }
      },
      tbb::simple_partitioner());
  util::throw_if_interrupted();
  std::vector<Asset*> pointers;
  for (Asset& a : assets) pointers.push_back(&a);
  assemble(std::move(pointers), jobs, results);
}

}  // namespace assetpipe::emit
