#include "verify/verify.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assetpipe/error.h"
#include "emit/emit.h"
#include "emit/framework_manifests.h"
#include "emit/manifest.h"
#include "emit/nginx_conf.h"
#include "emit/previous.h"
#include "link/html_enhance.h"
#include "link/markup_tokenizer.h"
#include "link/naming.h"
#include "link/positions.h"
#include "link/resolve.h"
#include "scan/classify.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/url.h"
#include "verify/decode.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace assetpipe::verify {
namespace {

constexpr const char* kOwnManifest = ".assetpipe/manifest.json";

struct LineCol {
  int line = 0, column = 0;
};

LineCol line_col(std::string_view text, size_t offset) {
  LineCol p{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// Where a key of a JSON object is written ("key": at the start of a line, as
// assetpipe writes it), for a message; the file's start when not found.
LineCol key_position(std::string_view text, const std::string& key) {
  std::string needle = json(key).dump() + ":";
  size_t at = 0;
  while ((at = text.find(needle, at)) != std::string_view::npos) {
    size_t line_start = text.rfind('\n', at);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    if (text.substr(line_start, at - line_start).find_first_not_of(' ') == std::string_view::npos) {
      LineCol p = line_col(text, at);
      return p;
    }
    at += needle.size();
  }
  return {1, 1};
}

class Verifier {
 public:
  Verifier(const VerifyOptions& options, Diagnostics& problems)
      : options_(options), problems_(problems) {}

  VerifyStats run() {
    std::error_code ec;
    if (!fs::is_directory(options_.output, ec)) {
      throw Error(fmt::format("{} is not a folder; give the output of assetpipe build",
                              util::printable(options_.output.string())));
    }
    list_tree();
    if (!load_manifest()) return stats_;
    base_ = options_.base.empty() ? base_from_snippet() : options_.base;
    check_manifest_entries();
    check_unlisted();
    check_encodings();
    check_names();
    check_references();
    check_framework_manifests();
    check_nginx();
    return stats_;
  }

 private:
  const VerifyOptions& options_;
  Diagnostics& problems_;
  VerifyStats stats_;
  std::string base_ = "/";
  std::map<std::string, fs::path> tree_;  // output-relative path -> file
  std::map<std::string, std::string> bytes_cache_;
  std::string manifest_name_;  // for messages
  std::string manifest_text_;
  json assets_;
  std::map<std::string, std::string> frameworks_;  // format -> output-relative path
  std::set<std::string> merged_maps_;              // logical paths of input maps now a file's map

  std::string shown(const std::string& rel) const {
    return util::printable((options_.output / rel).generic_string());
  }

  void problem(const std::string& file, const std::string& message, LineCol at = {}) {
    problems_.error(file, message, at.line, at.column);
  }

  bool in_tree(const std::string& rel) const { return tree_.contains(rel); }

  const std::string& bytes(const std::string& rel) {
    auto it = bytes_cache_.find(rel);
    if (it != bytes_cache_.end()) return it->second;
    auto r = util::read_file(options_.output / rel);
    if (!r) problem(shown(rel), r.error());
    return bytes_cache_.emplace(rel, r ? std::move(*r) : std::string()).first->second;
  }

  void list_tree() {
    std::error_code ec;
    fs::recursive_directory_iterator it(options_.output, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      auto status = it->symlink_status(ec);
      if (!fs::is_regular_file(status)) continue;
      tree_.emplace(fs::relative(it->path(), options_.output, ec).generic_string(), it->path());
    }
    if (ec) {
      problem(util::printable(options_.output.string()),
              fmt::format("cannot list the output: {}", ec.message()));
    }
    stats_.files = tree_.size();
  }

  bool load_manifest() {
    fs::path path = options_.manifest ? *options_.manifest : options_.output / kOwnManifest;
    manifest_name_ = util::printable(path.string());
    auto text = util::read_file(path);
    if (!text) {
      problem(manifest_name_,
              fmt::format("cannot read the manifest ({}); is this the output of assetpipe "
                          "build? (give --manifest PATH if it was written elsewhere)",
                          text.error()));
      return false;
    }
    manifest_text_ = std::move(*text);
    json root;
    try {
      root = json::parse(manifest_text_);
    } catch (const json::parse_error& e) {
      problem(manifest_name_, fmt::format("not valid JSON: {}", e.what()),
              line_col(manifest_text_, e.byte > 0 ? e.byte - 1 : 0));
      return false;
    }
    if (!root.is_object() || root.value("version", 0) != 1 || !root.contains("assets") ||
        !root["assets"].is_object()) {
      problem(manifest_name_, "not an assetpipe manifest (version 1 with \"assets\")", {1, 1});
      return false;
    }
    assets_ = root["assets"];
    if (root.contains("frameworks") && root["frameworks"].is_object()) {
      for (auto& [format, p] : root["frameworks"].items()) {
        if (p.is_string()) frameworks_[format] = p.get<std::string>();
      }
    }
    std::set<std::string> maps;
    for (auto& [logical, e] : assets_.items()) {
      if (e.contains("map") && e["map"].is_string()) maps.insert(e["map"].get<std::string>());
    }
    for (auto& [logical, e] : assets_.items()) {
      if (e.value("type", "") == "map" && maps.contains(e.value("file", ""))) {
        merged_maps_.insert(logical);
      }
    }
    stats_.manifests++;
    return true;
  }

  std::string base_from_snippet() {
    auto it = tree_.find(".assetpipe/nginx/server.conf");
    if (it == tree_.end()) return "/";
    static const std::regex served_under(R"(\(served under ([^)\n]*)\))");
    std::smatch m;
    const std::string& conf = bytes(it->first);
    if (std::regex_search(conf, m, served_under)) return m[1].str();
    return "/";
  }

  LineCol at_key(const std::string& logical) { return key_position(manifest_text_, logical); }

  static std::string str(const json& e, const char* key) {
    return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
  }

  // The manifest's claims about each file: it exists, with this size and integrity.
  void check_manifest_entries() {
    for (auto& [logical, e] : assets_.items()) {
      std::string file = str(e, "file");
      if (file.empty() || !in_tree(file)) {
        problem(manifest_name_,
                fmt::format("{} is listed at {}, which is not in the output",
                            util::printable(logical), util::printable(file)),
                at_key(logical));
        continue;
      }
      const std::string& b = bytes(file);
      if (e.value("size", uint64_t{0}) != b.size()) {
        problem(manifest_name_,
                fmt::format("{}: the manifest says {} bytes, {} has {}", util::printable(logical),
                            e.value("size", uint64_t{0}), shown(file), b.size()),
                at_key(logical));
      }
      if (str(e, "integrity") != util::sri_sha384(b)) {
        problem(manifest_name_,
                fmt::format("{}: the manifest's integrity is not that of {}",
                            util::printable(logical), shown(file)),
                at_key(logical));
      }
      if (e.contains("map") && !in_tree(str(e, "map"))) {
        problem(manifest_name_,
                fmt::format("{}: its map {} is not in the output", util::printable(logical),
                            util::printable(str(e, "map"))),
                at_key(logical));
      }
      if (e.contains("variants") && e["variants"].is_object()) {
        for (auto& [format, v] : e["variants"].items()) {
          if (!v.contains("file")) continue;
          std::string vf = str(v, "file");
          if (vf != file + "." + format || !in_tree(vf) ||
              bytes(vf).size() != v.value("size", uint64_t{0})) {
            problem(manifest_name_,
                    fmt::format("{}: its {} variant {} is missing or not the size listed",
                                util::printable(logical), format, util::printable(vf)),
                    at_key(logical));
          }
        }
      }
      // --preload: what a page preloads is in the output, with the integrity listed.
      if (e.contains("preload") && e["preload"].is_array()) {
        for (auto& p : e["preload"]) {
          std::string pf = p.is_object() ? str(p, "file") : "";
          bool ok = !pf.empty() && in_tree(pf) &&
                    (str(p, "integrity").empty() || str(p, "integrity") == util::sri_sha384(bytes(pf)));
          if (!ok) {
            problem(manifest_name_,
                    fmt::format("{}: it preloads {}, which is not in the output or not the "
                                "integrity listed",
                                util::printable(logical), util::printable(pf)),
                    at_key(logical));
          }
        }
      }
      if (e.contains("encodings") && e["encodings"].is_object()) {
        for (auto& [name, enc] : e["encodings"].items()) {
          std::string ef = file + emit::encoding_suffix(name);
          if (!in_tree(ef) || bytes(ef).size() != enc.value("size", uint64_t{0})) {
            problem(manifest_name_,
                    fmt::format("{}: its {} encoding {} is missing or not the size listed",
                                util::printable(logical), name, util::printable(ef)),
                    at_key(logical));
          }
        }
      }
    }
  }

  // A served file the manifest does not know: added after the build.
  void check_unlisted() {
    // What the build made beside the files (encodings, maps, variants): an
    // input name can be one of those (index.html.br), and then no copy is
    // kept under it.
    std::set<std::string> generated;
    for (auto& [logical, e] : assets_.items()) {
      std::string file = str(e, "file");
      if (e.contains("encodings") && e["encodings"].is_object()) {
        for (auto& [name, enc] : e["encodings"].items()) {
          generated.insert(file + emit::encoding_suffix(name));
        }
      }
      if (e.contains("map")) generated.insert(str(e, "map"));
      if (e.contains("variants") && e["variants"].is_object()) {
        for (auto& [format, v] : e["variants"].items()) {
          if (v.contains("file")) generated.insert(str(v, "file"));
        }
      }
    }
    std::set<std::string> known = generated;
    for (auto& [logical, e] : assets_.items()) {
      std::string file = str(e, "file");
      known.insert(file);
      // A renamed file's copy under its input name (the default; --no-originals):
      // the same bytes.
      if (logical != file && !merged_maps_.contains(logical) && !generated.count(logical) &&
          in_tree(logical) && in_tree(file)) {
        known.insert(logical);
        if (bytes(logical) != bytes(file)) {
          problem(shown(logical), fmt::format("the copy under the input name differs from {}; "
                                              "build again",
                                              util::printable(file)));
        }
      }
    }
    for (const auto& [format, p] : frameworks_) known.insert(p);
    // Files carried from previous builds (--keep-previous) are listed there.
    if (in_tree(".assetpipe/previous.json")) {
      for (auto& f : emit::files_of_previous(bytes(".assetpipe/previous.json"))) known.insert(f);
    }
    for (const auto& [rel, path] : tree_) {
      if (rel.starts_with(".assetpipe/") || known.contains(rel)) continue;
      if ((rel.ends_with(".br") || rel.ends_with(".gz")) &&
          known.contains(rel.substr(0, rel.size() - 3))) {
        continue;
      }
      problem(shown(rel),
              "in the output but not in the manifest (added after the build?); build again or "
              "remove it");
    }
  }

  void check_encodings() {
    for (const auto& [rel, path] : tree_) {
      bool br = rel.ends_with(".br"), gz = rel.ends_with(".gz");
      if ((!br && !gz) || rel.starts_with(".assetpipe/")) continue;
      std::string plain = rel.substr(0, rel.size() - 3);
      if (!in_tree(plain)) continue;  // a file of its own (an input .gz), listed as such
      const std::string& original = bytes(plain);
      auto decoded = br ? brotli_decode(bytes(rel), original.size())
                        : gzip_decode(bytes(rel), original.size());
      stats_.encodings++;
      if (!decoded) {
        problem(shown(rel), fmt::format("does not decode: {}; build again", decoded.error()));
      } else if (*decoded != original) {
        problem(shown(rel), fmt::format("decodes to other bytes than {}; nginx would serve "
                                        "the wrong content; build again",
                                        shown(plain)));
      }
    }
  }

  // The hash in a hashed name: `file` == hashed_name(logical, hash).
  static std::optional<std::string> hash_in_name(const std::string& logical,
                                                 const std::string& file) {
    auto [stem, ext] = scan::split_extension(logical);
    if (file.size() != logical.size() + 11 || !file.starts_with(stem + ".") ||
        !file.ends_with(ext)) {
      return std::nullopt;
    }
    std::string hash = file.substr(stem.size() + 1, 10);
    if (hash.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
    if (link::hashed_name(logical, hash) != file) return std::nullopt;
    return hash;
  }

  struct Named {
    std::string logical, file, bytes;
    std::vector<ImageVariant> variants;
    std::optional<std::string> map;
  };

  Named named_content(const std::string& logical, const json& e, const std::string& hash) {
    Named n{logical, str(e, "file"), link::with_placeholder(bytes(str(e, "file")), hash), {}, {}};
    if (e.contains("variants") && e["variants"].is_object()) {
      for (auto& [format, v] : e["variants"].items()) {
        if (!v.contains("file") || !in_tree(str(v, "file"))) continue;
        ImageVariant iv;
        iv.format = format;
        iv.bytes = bytes(str(v, "file"));
        n.variants.push_back(std::move(iv));
      }
    }
    if (e.contains("map") && in_tree(str(e, "map"))) {
      n.map = link::with_placeholder(bytes(str(e, "map")), hash);
    }
    return n;
  }

  void check_names() {
    std::map<std::string, std::vector<Named>> by_hash;
    std::map<std::string, std::vector<Named>> failed;
    for (auto& [logical, e] : assets_.items()) {
      std::string file = str(e, "file");
      if (merged_maps_.contains(logical) || file == logical || !in_tree(file)) continue;
      auto hash = hash_in_name(logical, file);
      if (!hash) {
        if (e.value("immutable", false)) {
          problem(manifest_name_,
                  fmt::format("{} is listed at {}, which is not its name with a hash "
                              "(<stem>.<10 hex digits><extension>)",
                              util::printable(logical), util::printable(file)),
                  at_key(logical));
        }
        continue;
      }
      Named n = named_content(logical, e, *hash);
      stats_.names++;
      std::string got = link::content_hash(
          link::NamedContent{n.bytes, &n.variants, n.map ? &*n.map : nullptr});
      if (got != *hash) failed[*hash].push_back(n);
      by_hash[*hash].push_back(std::move(n));
    }
    for (auto& [hash, members] : failed) {
      // A cycle: one hash over every member, tagged, in path order (by_hash
      // is in path order: the manifest's keys are sorted).
      util::NameHasher h;
      for (const Named& n : by_hash[hash]) {
        link::add_member(h, n.logical);
        link::add_content(h, link::NamedContent{n.bytes, &n.variants, n.map ? &*n.map : nullptr});
      }
      if (h.hex(10) == hash) continue;
      for (const Named& n : members) {
        problem(shown(n.file),
                fmt::format("its content does not match the hash {} in its name (changed after "
                            "the build? a hashed URL must never serve other bytes); build again "
                            "and deploy the whole output",
                            hash));
      }
    }
  }

  bool served_text(const std::string& rel) const {
    if (rel.starts_with(".assetpipe/")) return false;
    for (const auto& [format, p] : frameworks_) {
      if (p == rel) return false;
    }
    return true;
  }

  void check_references() {
    std::string base = util::normalize_base(base_);
    for (const auto& [rel, path] : tree_) {
      if (!served_text(rel)) continue;
      FileKind kind = scan::classify(rel);
      if (kind != FileKind::Css && kind != FileKind::Js && kind != FileKind::Html &&
          kind != FileKind::Svg && kind != FileKind::WebManifest &&
          scan::bundler_manifest(rel) == scan::BundlerManifest::None) {
        continue;
      }
      Asset a;
      a.logical = rel;
      a.kind = kind;
      a.bytes = bytes(rel);
      link::ScanResult scan = link::scan_file(rel, kind, a.bytes);
      auto folder = link::reference_folder(rel, scan, base);
      link::SourcePositions where(a);
      for (const auto& found : scan.refs) {
        if (found.kind == link::RefKind::DynamicExpression) continue;
        link::Reference ref{found.url.trimmed(), found.kind, found.module_specifier};
        link::Resolution r = link::resolve_reference(ref, folder, base);
        if (r.status == link::Resolution::Status::Ignored) continue;
        stats_.references++;
        auto position = [&] {
          size_t begin = ref.url.raw.empty() ? 0 : ref.url.raw.front();
          link::Position p = where.at(begin);
          return LineCol{p.line, p.column};
        };
        if (r.status == link::Resolution::Status::Invalid) {
          if (ref.kind != link::RefKind::Navigation) {
            problem(shown(rel),
                    fmt::format("reference {} {}", util::printable(ref.url.text), r.error),
                    position());
          }
          continue;
        }
        if (in_tree(r.path) && !r.path.starts_with(".assetpipe/")) continue;
        if (!link::missing_is_reported(ref, r)) continue;
        problem(shown(rel),
                fmt::format("reference {} points at {}, which is not in the output",
                            util::printable(ref.url.text), util::printable(r.path)),
                position());
      }
      if (kind == FileKind::Html) check_integrity(rel, a, folder, base, where);
    }
  }

  // Every integrity attribute (the build's --sri, or the author's) holds for
  // the file of the output its tag loads: a file changed after the build (a
  // deploy step that rewrote it) is refused by the browser.
  void check_integrity(const std::string& rel, const Asset& page,
                       const std::optional<std::string>& folder, const std::string& base,
                       link::SourcePositions& where) {
    link::MarkupHandler handler;
    handler.tag = [&](const link::MarkupTag& tag) {
      if (tag.closing || (tag.name != "script" && tag.name != "link")) return;
      const link::MarkupAttribute* integrity = tag.find("integrity");
      const link::MarkupAttribute* url = tag.find(tag.name == "script" ? "src" : "href");
      if (!integrity || !url || integrity->value.trimmed().text.empty()) return;
      link::Reference ref{url->value.trimmed(), link::RefKind::Resource, false};
      if (ref.url.text.empty()) return;
      link::Resolution r = link::resolve_reference(ref, folder, base);
      if (r.status != link::Resolution::Status::Resolved || !in_tree(r.path)) return;
      link::Digests digests = link::digests_of(bytes(r.path));
      if (link::integrity_matches(integrity->value.text, digests)) return;
      link::Position p = where.at(integrity->value.raw.front());
      problem(shown(rel),
              fmt::format("integrity of {} does not match {} ({}): the browser refuses it; "
                          "build again, or deploy the file as built",
                          util::printable(ref.url.text), util::printable(r.path),
                          digests.sha384),
              LineCol{p.line, p.column});
    };
    link::tokenize_markup(page.bytes, false, handler);
  }

  std::optional<json> load_json(const std::string& rel) {
    if (!in_tree(rel)) {
      problem(shown(rel), "listed in the manifest's \"frameworks\" but not in the output");
      return std::nullopt;
    }
    try {
      return json::parse(bytes(rel));
    } catch (const json::parse_error& e) {
      problem(shown(rel), fmt::format("not valid JSON: {}", e.what()));
      return std::nullopt;
    }
  }

  // What a framework manifest maps `logical` to must be the manifest's file.
  void expect_file(const std::string& rel, const std::string& logical, const json& got,
                   const char* what) {
    if (!assets_.contains(logical)) {
      problem(shown(rel),
              fmt::format("lists {}, which assetpipe's manifest does not have",
                          util::printable(logical)),
              key_position(bytes(rel), logical));
      return;
    }
    std::string want = str(assets_[logical], "file");
    if (!got.is_string() || got.get<std::string>() != want || !in_tree(want)) {
      problem(shown(rel),
              fmt::format("{}: {} is {}, but the file is {}", util::printable(logical), what,
                          got.dump(), util::printable(want)),
              key_position(bytes(rel), logical));
    }
  }

  void check_framework_manifests() {
    for (const auto& [format, rel] : frameworks_) {
      auto m = load_json(rel);
      if (!m) continue;
      stats_.manifests++;
      if (format == "django") {
        if (!m->is_object() || (*m)["version"] != "1.0" || !(*m)["paths"].is_object()) {
          problem(shown(rel), "not a Django staticfiles.json of version \"1.0\" with \"paths\"");
          continue;
        }
        for (auto& [logical, file] : (*m)["paths"].items()) {
          expect_file(rel, logical, file, "its path");
        }
      } else if (format == "propshaft") {
        for (auto& [logical, e] : m->items()) {
          expect_file(rel, logical, e.is_object() ? e["digested_path"] : e, "digested_path");
          if (assets_.contains(logical) && e.is_object() &&
              e.value("integrity", "") != str(assets_[logical], "integrity")) {
            problem(shown(rel),
                    fmt::format("{}: integrity is not the file's", util::printable(logical)),
                    key_position(bytes(rel), logical));
          }
        }
      } else if (format == "phoenix") {
        if (!m->is_object() || !(*m)["latest"].is_object() || !(*m)["digests"].is_object()) {
          problem(shown(rel), "not a Phoenix cache_manifest.json with \"latest\" and \"digests\"");
          continue;
        }
        for (auto& [logical, file] : (*m)["latest"].items()) {
          expect_file(rel, logical, file, "latest");
          std::string f = file.is_string() ? file.get<std::string>() : "";
          const json& d = (*m)["digests"].contains(f) ? (*m)["digests"][f] : json();
          if (in_tree(f) &&
              (!d.is_object() || d.value("sha512", "") != util::sha512_base64(bytes(f)) ||
               d.value("size", uint64_t{0}) != bytes(f).size())) {
            problem(shown(rel),
                    fmt::format("{}: digests[{}] does not have the file's size and sha512",
                                util::printable(logical), util::printable(f)),
                    key_position(bytes(rel), logical));
          }
        }
      } else if (format == "vite") {
        for (auto& [logical, chunk] : m->items()) {
          if (!chunk.is_object()) continue;
          expect_file(rel, logical, chunk["file"], "file");
          for (const char* field : {"css", "assets"}) {
            for (auto& f : chunk.value(field, json::array())) {
              if (!f.is_string() || !in_tree(f.get<std::string>())) {
                problem(shown(rel),
                        fmt::format("{}: {} lists {}, which is not in the output",
                                    util::printable(logical), field, f.dump()),
                        key_position(bytes(rel), logical));
              }
            }
          }
          for (auto& k : chunk.value("imports", json::array())) {
            if (!k.is_string() || !m->contains(k.get<std::string>())) {
              problem(shown(rel),
                      fmt::format("{}: imports {}, which is not a key of the manifest",
                                  util::printable(logical), k.dump()),
                      key_position(bytes(rel), logical));
            }
          }
        }
      }
    }
  }

  // The snippets are a function of the tree: made again from it, they must
  // be what is there.
  void check_nginx() {
    std::vector<Asset> assets;
    for (auto& [logical, e] : assets_.items()) {
      Asset a;
      a.logical = logical;
      a.output = str(e, "file");
      a.kind = scan::classify(logical);
      if (merged_maps_.contains(logical)) a.map_of = "(merged)";
      a.fingerprinted = e.value("immutable", false) && a.output == a.logical;
      if (e.contains("variants") && e["variants"].is_object()) {
        for (auto& [format, v] : e["variants"].items()) {
          ImageVariant iv;
          iv.format = format;
          if (!v.contains("file"))
            iv.skipped = str(v, "skipped").empty() ? "skipped" : str(v, "skipped");
          a.variants.push_back(std::move(iv));
        }
      }
      // --preload: the page's Link headers.
      if (e.contains("preload") && e["preload"].is_array()) {
        for (auto& p : e["preload"]) {
          if (!p.is_object()) continue;
          a.preloads.push_back(
              {str(p, "file"), str(p, "href"), str(p, "as"), str(p, "type"), str(p, "integrity")});
        }
      }
      auto encodings = [&](const std::string& file) {
        std::vector<Encoding> out;
        for (auto c : {Encoding::Codec::Brotli, Encoding::Codec::Gzip}) {
          if (in_tree(file + Encoding::suffix_of(c))) out.push_back({c, "", 0});
        }
        return out;
      };
      a.encodings = encodings(a.output);
      if (e.contains("map")) {
        a.source_map = std::string();
        a.source_map_encodings = encodings(str(e, "map"));
      }
      assets.push_back(std::move(a));
    }
    Options o;
    o.base = base_;
    // Built with originals (the default) when a renamed file is there under its input name.
    o.originals = std::any_of(assets.begin(), assets.end(), [&](const Asset& a) {
      return emit::is_renamed_original(a) && in_tree(a.logical);
    });
    for (const auto& [format, p] : frameworks_) {
      o.manifest_formats.push_back(format);
      o.manifest_paths[format] = p;
    }
    emit::ExtraFiles want;
    try {
      want = emit::nginx_conf(assets, o);
    } catch (const Error& e) {
      problem(shown(".assetpipe/nginx/server.conf"), e.what());
      return;
    }
    for (const auto& [rel, text] : want) {
      stats_.snippets++;
      if (!in_tree(rel)) {
        problem(shown(rel), "missing; build again");
        continue;
      }
      const std::string& have = bytes(rel);
      if (have == text) continue;
      size_t i = 0;
      while (i < have.size() && i < text.size() && have[i] == text[i]) ++i;
      size_t line_start = text.rfind('\n', i == 0 ? 0 : i - 1);
      line_start = line_start == std::string::npos || i == 0 ? 0 : line_start + 1;
      size_t line_end = text.find('\n', line_start);
      std::string expected = text.substr(
          line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
      problem(shown(rel),
              fmt::format("does not match this output's files (expected `{}`{}); was it edited, "
                          "or built with another --base than {}? build again",
                          util::printable(expected), line_end == std::string::npos ? "" : " here",
                          util::printable(base_)),
              line_col(have, line_start));
    }
  }
};

}  // namespace

VerifyStats verify_output(const VerifyOptions& options, Diagnostics& problems) {
  return Verifier(options, problems).run();
}

}  // namespace assetpipe::verify
