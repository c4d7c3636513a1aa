#include "link/link.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "assetpipe/error.h"
#include "assetpipe/progress.h"
#include "link/graph.h"
#include "link/html_enhance.h"
#include "link/naming.h"
#include "link/positions.h"
#include "link/resolve.h"
#include "link/source_maps.h"
#include "scan/classify.h"
#include "scan/logical_index.h"
#include "scan/payloads.h"
#include "transform/image_probe.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/sourcemap.h"
#include "util/url.h"

namespace assetpipe::link {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

// A reference resolved to an asset.
struct Link {
  Reference ref;  // url trimmed
  size_t target = kNone;
  size_t named = kNone;      // the asset the reference names (target before redirection)
  size_t path_end = 0;       // index into ref.url.text where ?query#fragment starts
  bool to_map = false;       // the target owns the map this reference names: <output>.map
  bool map_comment = false;  // this file's own sourceMappingURL: now <own output>.map
};

std::vector<Edit> sorted_disjoint(std::vector<Edit> edits) {
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  std::vector<Edit> out;
  for (auto& e : edits) {
    if (!out.empty() && e.offset < out.back().offset + out.back().old_length) continue;
    out.push_back(std::move(e));
  }
  return out;
}

std::string apply_edits(std::string_view text, const std::vector<Edit>& edits) {
  std::string out;
  size_t at = 0;
  for (const auto& e : edits) {
    out.append(text.substr(at, e.offset - at));
    out.append(e.replacement);
    at = e.offset + e.old_length;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace

class Linker::Impl {
 public:
  Impl(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
         bool report_progress, scan::Payloads* payloads = nullptr)
      : assets_(assets),
        options_(options),
        diags_(diags),
        payloads_(payloads ? *payloads : in_memory_),
        base_(util::normalize_base(options.base)),
        report_progress_(report_progress),
        by_logical_(assets) {
    public_url_ = options.public_url;
    while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
  }

  void prepare() {
    links_.resize(assets_.size());
    names_.resize(assets_.size());
    unresolved_root_.resize(assets_.size());
    tbb::parallel_for(size_t{0}, assets_.size(), [&](size_t i) {
      if (!util::interrupted()) links_[i] = resolve_all(i);
    });
    util::throw_if_interrupted();
    check_base();
    keep_string_named();
    // Needed no more: the memory goes back before the files are named.
    std::vector<std::vector<std::string>>().swap(unresolved_root_);
    std::vector<std::vector<DecodedText>>().swap(names_);
    take_over_maps();
    redirect_links_to_maps();
    set_imports();
    graph_ = graph();
    comps_ = strongly_connected_components(graph_);
    renamed_.assign(assets_.size(), 0);
    named_facts_ = std::vector<NamedFacts>(assets_.size());
    dependencies_ = Rows();
    std::vector<uint32_t> deps;
    for (size_t c = 0; c < comps_.members.size(); ++c) {
      deps.clear();
      for (size_t m : comps_.members[c]) {
        for (size_t t : graph_[m]) {
          if (comps_.component_of[t] != c) deps.push_back(comps_.component_of[t]);
        }
      }
      std::sort(deps.begin(), deps.end());
      deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
      dependencies_.add_row(deps);
    }
  }

  const Components& components() const { return comps_; }
  const Rows& dependencies() const { return dependencies_; }

  void name(size_t c) {
    std::span<const uint32_t> members = comps_.members[c];
    name_component(members, is_cycle(graph_, members));
    if (report_progress_) progress::done(members.size());
  }

  void name_in_dependency_order() {
    size_t levels = 0;
    for (size_t lv : comps_.level) levels = std::max(levels, lv + 1);
    std::vector<std::vector<size_t>> by_level(levels);
    for (size_t c = 0; c < comps_.members.size(); ++c) by_level[comps_.level[c]].push_back(c);
    for (const auto& level : by_level) {
      tbb::parallel_for(size_t{0}, level.size(), [&](size_t k) { name(level[k]); });
      util::throw_if_interrupted();
    }
  }

  void finish() {
    claim_same_named_maps();
    for (Asset& a : assets_) {
      if (!a.map_of.empty()) a.output = assets_[by_logical_.at(a.map_of)].output + ".map";
    }
  }

 private:
  Graph graph_;
  Components comps_;
  Rows dependencies_;

  std::vector<Asset>& assets_;
  const Options& options_;
  Diagnostics& diags_;
  scan::Payloads in_memory_;  // without a store: fetch and park do nothing
  scan::Payloads& payloads_;
  std::string base_;
  bool report_progress_;
  std::string public_url_;
  scan::LogicalIndex by_logical_;
  std::vector<RareVector<Link>> links_;  // per asset (most files have none)
  std::vector<std::vector<DecodedText>> names_;  // per asset: ScanResult::names
  std::vector<std::vector<std::string>> unresolved_root_;  // per asset: "/x/y" not in the input
  std::vector<char> renamed_;       // per asset (char: written from several threads)
  // Notes for a file's record, added when it is named (its image task may
  // still be filling in its notes while prepare() runs).
  std::vector<RareVector<std::string>> pending_notes_;
  std::vector<char> map_appended_;  // the map came from transform: append a comment
  // What pages need of a file's final bytes (html_enhance), taken when it is
  // named: afterwards its bytes may be written and freed by another task.
  struct NamedFacts {
    std::unique_ptr<const Digests> digests;  // JS and CSS (a pointer: 8 bytes for the others)
    transform::ImageSize size;       // JPEG and PNG, as displayed
  };
  std::vector<NamedFacts> named_facts_;

  void keep_named_facts(size_t m) {
    const Asset& a = assets_[m];
    if (a.streamed) return;
    if (a.kind == FileKind::Js || a.kind == FileKind::Css) named_facts_[m].digests = std::make_unique<const Digests>(digests_of(a.bytes));
    if (a.kind == FileKind::Jpeg || a.kind == FileKind::Png) {
      named_facts_[m].size = transform::probe_display_size(a.bytes);
    }
  }

  void warn(const Asset& a, SourcePositions& where, const DecodedText& at,
            const std::string& message) {
    size_t begin = at.raw.empty() ? 0 : at.raw.front();
    size_t end = at.raw.empty() ? 0 : at.raw.back();
    Position p = where.at(begin, std::string_view(a.bytes).substr(begin, end - begin));
    diags_.warning(a.logical, message + p.origin, p.line, p.column);
  }

  std::vector<Link> resolve_all(size_t i) {
    const Asset& a = assets_[i];
    // Images may still be encoding in other tasks: not touched.
    if (!may_reference(a.logical, a.kind)) return {};
    payloads_.fetch(i);
    std::vector<Link> out = resolve_fetched(i);
    payloads_.park(i);
    return out;
  }

  std::vector<Link> resolve_fetched(size_t i) {
    const Asset& a = assets_[i];
    ScanResult scan = scan_file(a.logical, a.kind, a.bytes);
    if (!scan.problem.empty()) diags_.warning(a.logical, scan.problem);
    names_[i] = std::move(scan.names);
    std::vector<Link> out;
    auto folder = reference_folder(a.logical, scan, base_);
    SourcePositions where(a);
    bool noted_dynamic = false;
    for (auto& ref : scan.refs) {
      if (ref.kind == RefKind::DynamicExpression) {
        if (!noted_dynamic && options_.verbosity == Verbosity::Verbose) {
          Position p = where.at(ref.url.raw[0]);
          diags_.add({Severity::Note, a.logical, p.line, p.column,
                      "import() of an expression: its target is not known before run time, so "
                      "it is not rewritten" +
                          p.origin});
        }
        noted_dynamic = true;
        continue;
      }
      Link l;
      l.ref = ref;
      l.ref.url = ref.url.trimmed();
      if (auto t = resolve_one(a, where, l, folder)) {
        l.target = l.named = *t;
        l.map_comment = ref.kind == RefKind::SourceMap && assets_[*t].kind == FileKind::SourceMap &&
                        (a.kind == FileKind::Js || a.kind == FileKind::Css);
        out.push_back(std::move(l));
      }
    }
    return out;
  }

  std::optional<size_t> resolve_one(const Asset& a, SourcePositions& where, Link& l,
                                    const std::optional<std::string>& folder) {
    const std::string& url = l.ref.url.text;
    Resolution r = resolve_reference(l.ref, folder, base_);
    l.path_end = r.path_end;
    if (r.status == Resolution::Status::Ignored) return std::nullopt;
    if (r.status == Resolution::Status::Invalid) {
      if (l.ref.kind != RefKind::Navigation) {
        warn(a, where, l.ref.url,
             fmt::format("reference {} {}; left as is", util::printable(url), r.error));
      }
      return std::nullopt;
    }
    auto found = by_logical_.find(r.path);
    if (!found) {
      if (url.starts_with('/') && !url.starts_with("//")) {
        unresolved_root_[size_t(&a - assets_.data())].push_back(
            util::percent_decode(url.substr(0, l.path_end)));
      }
      if (missing_is_reported(l.ref, r)) {
        warn(a, where, l.ref.url,
             fmt::format("reference {} points at {}, which is not in the input; left as is",
                         util::printable(url), util::printable(r.path)));
      }
      return std::nullopt;
    }
    return *found;
  }

  // A site built for a base path (vite build --base /app/, webpack's
  // publicPath) names its files /app/...: when every root-relative reference
  // that does not resolve would resolve without one common first folder, the
  // build needs --base; it stops and says so (the output would be broken).
  void check_base() {
    if (base_ != "/") return;
    std::string prefix;
    size_t count = 0;
    for (const auto& paths : unresolved_root_) {
      for (const std::string& p : paths) {
        auto slash = p.find('/', 1);
        if (slash == std::string::npos) return;
        std::string first = p.substr(0, slash + 1);
        std::string rest = p.substr(slash + 1);
        if (rest.empty() || rest.ends_with('/')) rest += "index.html";
        if (!by_logical_.contains(rest)) return;
        if (!prefix.empty() && first != prefix) return;
        prefix = first;
        ++count;
      }
    }
    if (count == 0) return;
    const std::string& base = prefix;
    throw Error(fmt::format(
        "{} root-relative reference{} point{} outside the input, and all of them resolve under "
        "{}: the site was built to be served there (vite build --base, webpack publicPath); "
        "build with --base {}",
        count, count == 1 ? "" : "s", count == 1 ? "s" : "", util::printable(base),
        util::printable(base)));
  }

  // Files that code names in a string literal keep their names: the code
  // builds a URL from the string at run time (Leaflet's 'marker-icon.png',
  // reveal.js's theme links, L.imageOverlay('img/kite.jpg')), which no
  // rewrite can follow. A string names a file when, without a leading "./",
  // "../", "/" or the --base prefix, it is the file's input path or a tail of
  // it at a '/' (so a bare file name counts). Such a file is served as an
  // entry: its name kept, revalidated. Serial and in asset order, so the
  // notes are the same at any -j.
  void keep_string_named() {
    pending_notes_.assign(assets_.size(), {});
    std::map<std::string_view, std::vector<size_t>, std::less<>> by_tail;
    for (size_t i = 0; i < assets_.size(); ++i) {
      std::string_view path = assets_[i].logical;
      by_tail[path].push_back(i);
      for (size_t k = path.find('/'); k != std::string_view::npos; k = path.find('/', k + 1)) {
        by_tail[path.substr(k + 1)].push_back(i);
      }
    }
    for (size_t i = 0; i < assets_.size(); ++i) {
      if (names_[i].empty()) continue;
      std::optional<SourcePositions> where;
      for (const DecodedText& n : names_[i]) {
        if (util::classify_url(n.text, false) != util::UrlKind::Path) continue;
        std::string path = util::percent_decode(std::string_view(n.text).substr(0, util::path_end(n.text)));
        std::string_view p = path;
        if (p.starts_with(base_)) {
          p.remove_prefix(base_.size());
        } else if (p.starts_with('/')) {
          p.remove_prefix(1);
        }
        while (p.starts_with("./") || p.starts_with("../")) p.remove_prefix(p.find('/') + 1);
        auto it = by_tail.find(p);
        if (it == by_tail.end()) continue;
        for (size_t t : it->second) {
          Asset& target = assets_[t];
          if (target.entry || target.kind == FileKind::SourceMap) continue;
          target.entry = true;
          if (!where) {
            payloads_.fetch(i);
            where.emplace(assets_[i]);
          }
          Position at = where->at(n.raw.front(), std::string_view(assets_[i].bytes)
                                                     .substr(n.raw.front(),
                                                             n.raw.back() - n.raw.front()));
          pending_notes_[t].push_back(fmt::format(
              "keeps its name: the string {} in {}:{}:{}{} names it (code builds a URL from it)",
              util::printable(n.text), util::printable(assets_[i].logical), at.line, at.column,
              at.origin));
          if (options_.verbosity == Verbosity::Verbose) {
            diags_.add({Severity::Note, assets_[i].logical, at.line, at.column,
                        fmt::format("this string names {}, which keeps its name (served "
                                    "revalidated){}",
                                    util::printable(target.logical), at.origin)});
          }
        }
      }
      if (where) payloads_.park(i);
    }
  }

  // An input .map named by a sourceMappingURL moves into its file's source_map.
  void take_over_maps() {
    map_appended_.assign(assets_.size(), 0);
    for (size_t i = 0; i < assets_.size(); ++i) {
      Asset& a = assets_[i];
      bool has_comment = false;
      for (auto& l : links_[i]) {
        if (!l.map_comment) continue;
        has_comment = true;
        if (a.source_map) continue;  // transform made the map; the comment just gets its name
        Asset& map = assets_[l.target];
        payloads_.fetch(l.target);
        auto rebased = rebase_sources(map.bytes, util::folder_of(map.logical), util::folder_of(a.logical));
        payloads_.park(l.target);
        payloads_.fetch(i);
        if (!rebased) {
          SourcePositions where(a);
          warn(a, where, l.ref.url,
               fmt::format("{} {}; it is kept as a file of its own", util::printable(map.logical),
                           rebased.error()));
          l.map_comment = false;
          payloads_.park(i);
          continue;
        }
        a.source_map = std::move(*rebased);
        payloads_.park(i);
        if (map.map_of.empty()) map.map_of = a.logical;
      }
      map_appended_[i] =
          a.source_map && !has_comment && (a.kind == FileKind::Js || a.kind == FileKind::Css);
    }
  }

  // Other references to a taken-over map point at its owner's <output>.map.
  void redirect_links_to_maps() {
    for (auto& links : links_) {
      for (auto& l : links) {
        if (l.map_comment) continue;
        const Asset& t = assets_[l.target];
        if (t.map_of.empty()) continue;
        l.target = by_logical_.at(t.map_of);
        l.to_map = true;
      }
    }
  }

  Graph graph() const {
    Graph g;
    for (size_t i = 0; i < assets_.size(); ++i) {
      for (const auto& l : links_[i]) {
        if (!l.map_comment) g.push(l.target);
      }
      g.end_row();
    }
    return g;
  }

  // Which members get a hashed name: all but entries and (while nothing in
  // them changes) bundler-fingerprinted files.
  void decide_renames(std::span<const uint32_t> members) {
    for (size_t m : members) {
      const Asset& a = assets_[m];
      renamed_[m] = !a.entry && !a.fingerprinted && a.map_of.empty();
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t m : members) {
        const Asset& a = assets_[m];
        if (renamed_[m] || a.entry || !a.map_of.empty()) continue;
        for (const auto& l : links_[m]) {
          if (!l.map_comment && renamed_[l.target]) {
            renamed_[m] = 1;
            changed = true;
            break;
          }
        }
      }
    }
  }

  // The edit of one reference to its target's current output name, or
  // nullopt when it stays as written.
  std::optional<Edit> edit_for(size_t self, const Link& l) {
    const Asset& a = assets_[self];
    const DecodedText& u = l.ref.url;
    std::string new_path;
    bool whole_path = false;
    if (l.map_comment) {
      const Asset& map = assets_[l.target];
      new_path = a.output + ".map";
      whole_path = util::folder_of(map.logical) != util::folder_of(a.logical);
    } else {
      if (!renamed_[l.target]) return std::nullopt;
      const Asset& t = assets_[l.target];
      new_path = l.to_map ? t.output + ".map" : t.output;
    }
    size_t begin_index;
    std::string replacement;
    if (!public_url_.empty() && !l.map_comment) {
      begin_index = 0;
      replacement = public_url_ + "/" + util::percent_encode_path(new_path);
    } else if (whole_path) {
      begin_index = 0;
      replacement = util::percent_encode_path(util::base_name(new_path));
    } else {
      std::string_view path = std::string_view(u.text).substr(0, l.path_end);
      auto slash = path.rfind('/');
      begin_index = slash == std::string_view::npos ? 0 : slash + 1;
      replacement = util::percent_encode_path(util::base_name(new_path));
    }
    Edit e{u.raw[begin_index], u.raw[l.path_end] - u.raw[begin_index], std::move(replacement)};
    if (std::string_view(a.bytes).substr(e.offset, e.old_length) == e.replacement) {
      return std::nullopt;
    }
    return e;
  }

  std::vector<Edit> edits_of(size_t m) {
    std::vector<Edit> edits;
    for (const auto& l : links_[m]) {
      if (auto e = edit_for(m, l)) edits.push_back(std::move(*e));
    }
    return sorted_disjoint(std::move(edits));
  }

  void name_component(std::span<const uint32_t> members, bool cycle) {
    for (size_t m : members) {
      if (!assets_[m].streamed) payloads_.fetch(m);
      auto& notes = assets_[m].notes;
      for (auto& n : pending_notes_[m]) notes.push_back(std::move(n));
      pending_notes_[m].clear();
    }
    decide_renames(members);
    std::vector<size_t> renamed;
    for (size_t m : members) {
      if (renamed_[m]) renamed.push_back(m);
    }
    if (!renamed.empty()) {
      // Rendered as served, with the placeholder for the hash being made.
      std::sort(renamed.begin(), renamed.end(),
                [&](size_t x, size_t y) { return assets_[x].logical < assets_[y].logical; });
      for (size_t m : renamed) {
        assets_[m].output = hashed_name(assets_[m].logical, kHashPlaceholder);
      }
      std::string hash;
      if (renamed.size() == 1 && assets_[renamed[0]].streamed) {
        // Never held: hashed while read (emit::hash_streamed), the same hash.
        hash = assets_[renamed[0]].streamed_hash;
      } else {
        util::NameHasher hasher;
        for (size_t m : renamed) {
          Rendered r = render(m);
          if (cycle) add_member(hasher, assets_[m].logical);
          add_content(hasher, NamedContent{r.bytes, &assets_[m].variants.vec(),
                                           r.source_map ? &*r.source_map : nullptr});
        }
        hash = hasher.hex(10);
      }
      for (size_t m : renamed) assets_[m].output = hashed_name(assets_[m].logical, hash);
    }
    for (size_t m : members) {
      if (!renamed_[m]) assets_[m].output = assets_[m].logical;
      if (!assets_[m].streamed && assets_[m].kind != FileKind::Html) rewrite(m);
      keep_named_facts(m);
    }
    // Pages last: --sri hashes the final bytes of what they reference.
    for (size_t m : members) {
      if (!assets_[m].streamed && assets_[m].kind == FileKind::Html) rewrite(m);
    }
  }

  // A file as served: references rewritten to the targets' current output
  // names, the map shifted and its `file` set, the map comment appended.
  struct Rendered {
    std::string bytes;
    std::optional<std::string> source_map;
    size_t edits = 0;
    std::string map_problem;
    std::vector<EnhanceNote> enhance_notes;
    std::vector<Preload> preloads;  // --preload, a page
  };

  // --preload: a file as a page names it (its output as it stands now, under
  // --base, or --public-url for a renamed file, like a rewritten reference).
  PreloadCandidate preload_candidate(size_t t, std::string as, std::string type) const {
    const Asset& a = assets_[t];
    std::string output = renamed_[t] ? a.output : a.logical;
    std::string path = util::percent_encode_path(output);
    std::string href = !public_url_.empty() && renamed_[t] ? public_url_ + "/" + path : base_ + path;
    const NamedFacts& facts = named_facts_[t];
    return {Preload{output, std::move(href), std::move(as), std::move(type)}, &a,
            output != a.logical || a.fingerprinted, facts.digests.get()};
  }

  // The JS modules `root` imports statically (import/export ... from, not
  // import()), transitively, each once: depth first, in source order, a
  // module before the modules it imports; `root` itself is not listed.
  std::vector<PreloadCandidate> module_preloads(size_t root) const {
    std::vector<PreloadCandidate> out;
    std::set<size_t> seen{root};
    std::vector<size_t> stack{root};
    while (!stack.empty()) {
      size_t m = stack.back();
      stack.pop_back();
      if (m != root) out.push_back(preload_candidate(m, "script", ""));
      std::vector<size_t> next;
      for (const auto& l : links_[m]) {
        if (l.map_comment || l.to_map || l.ref.kind != RefKind::Import || l.ref.dynamic) continue;
        if (assets_[l.target].kind != FileKind::Js) continue;
        if (seen.insert(l.target).second) next.push_back(l.target);
      }
      stack.insert(stack.end(), next.rbegin(), next.rend());
    }
    return out;
  }

  static std::string font_type(std::string_view logical) {
    std::string_view ext = logical.substr(logical.rfind('.') + 1);
    std::string e(ext);
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (e == "woff2" || e == "woff" || e == "ttf" || e == "otf") return "font/" + e;
    return "";
  }

  // The fonts `root`'s @font-face rules use, through its @imports (in order,
  // each style sheet once): per rule the first woff2 of its src, else its
  // first font; each file once.
  std::vector<PreloadCandidate> font_preloads(size_t root) const {
    std::vector<PreloadCandidate> out;
    std::set<size_t> sheets, fonts;
    auto visit = [&](auto& self, size_t css) -> void {
      if (!sheets.insert(css).second) return;
      std::vector<uint32_t> rules;                  // in order of appearance
      std::map<uint32_t, std::vector<size_t>> of;   // rule -> its font files, in order
      for (const auto& l : links_[css]) {
        if (l.map_comment || l.to_map) continue;
        const Asset& t = assets_[l.target];
        if (l.ref.kind == RefKind::Import && t.kind == FileKind::Css) {
          self(self, l.target);
        } else if (l.ref.font_face != 0 && t.kind == FileKind::Font) {
          auto& files = of[l.ref.font_face];
          if (files.empty()) rules.push_back(l.ref.font_face);
          files.push_back(l.target);
        }
      }
      for (uint32_t rule : rules) {
        const auto& files = of[rule];
        size_t pick = files.front();
        for (size_t f : files) {
          if (font_type(assets_[f].logical) == "font/woff2") {
            pick = f;
            break;
          }
        }
        if (fonts.insert(pick).second) {
          out.push_back(preload_candidate(pick, "font", font_type(assets_[pick].logical)));
        }
      }
    };
    visit(visit, root);
    return out;
  }

  // A page's references as html_enhance sees them: where each stands, what
  // it will say, and the file it names (whose bytes are final by now).
  std::vector<EnhanceRef> enhance_refs(size_t m) {
    std::string_view doc = assets_[m].bytes;
    std::vector<EnhanceRef> out;
    for (const auto& l : links_[m]) {
      const DecodedText& u = l.ref.url;
      if (l.map_comment || l.to_map || u.text.empty()) continue;
      const Asset& t = assets_[l.target];
      const NamedFacts& facts = named_facts_[l.target];
      EnhanceRef r{u.raw.front(), u.raw.back(), "", 0, &t,
                   t.output != t.logical || t.fingerprinted,
                   facts.digests.get(), facts.size};
      if (options_.preload && l.ref.kind != RefKind::Navigation) {
        if (t.kind == FileKind::Js) r.preloads = module_preloads(l.target);
        if (t.kind == FileKind::Css) r.preloads = font_preloads(l.target);
      }
      if (auto e = edit_for(m, l)) {
        r.written = std::string(doc.substr(r.begin, e->offset - r.begin)) + e->replacement;
        r.path_end = r.written.size();
        size_t after = e->offset + e->old_length;
        r.written += doc.substr(after, r.end - after);
      } else {
        r.written = doc.substr(r.begin, r.end - r.begin);
        r.path_end = u.raw[l.path_end] - r.begin;
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  // --picture in a style sheet: after a single-layer `background` or
  // `background-image` declaration whose image is a JPEG/PNG with kept
  // AVIF/WebP variants, `background-image: image-set(url(<avif>)
  // type("image/avif"), url(<webp>) type("image/webp"), url(<image>)
  // type("image/jpeg"))` (the formats kept), so browsers that know
  // image-set() with type() pick a format (whatever a CDN caches) and the
  // others keep the plain declaration before it. Not in a bundler-
  // fingerprinted file that keeps its name (its bytes must not change).
  std::vector<Edit> image_set_edits(size_t m) {
    std::vector<Edit> out;
    const Asset& a = assets_[m];
    if (!options_.picture || a.kind != FileKind::Css || (!renamed_[m] && !a.entry)) return out;
    std::string_view doc = a.bytes;
    for (const auto& l : links_[m]) {
      if (l.ref.background_end == 0 || l.map_comment || l.to_map || l.ref.url.raw.empty()) continue;
      const Asset& t = assets_[l.target];
      if (t.kind != FileKind::Jpeg && t.kind != FileKind::Png) continue;
      std::vector<std::string> formats;
      for (std::string_view f : {"avif", "webp"}) {
        for (const auto& v : t.variants) {
          if (v.format == f && v.skipped.empty()) formats.emplace_back(f);
        }
      }
      if (formats.empty()) continue;
      // The URL as it will be written (raw, as in the file), and its quotes.
      size_t begin = l.ref.url.raw.front(), end = l.ref.url.raw.back();
      std::string written;
      size_t path_end;
      if (auto e = edit_for(m, l)) {
        written = std::string(doc.substr(begin, e->offset - begin)) + e->replacement;
        path_end = written.size();
        size_t after = e->offset + e->old_length;
        written += doc.substr(after, end - after);
      } else {
        written = std::string(doc.substr(begin, end - begin));
        path_end = l.ref.url.raw[l.path_end] - begin;
      }
      char quote = begin > 0 && (doc[begin - 1] == '"' || doc[begin - 1] == '\'') ? doc[begin - 1] : 0;
      auto url = [&](const std::string& u) {
        return quote ? fmt::format("url({}{}{})", quote, u, quote) : fmt::format("url({})", u);
      };
      std::string set;
      for (const auto& f : formats) {
        set += fmt::format("{} type(\"image/{}\"), ",
                           url(written.substr(0, path_end) + "." + f + written.substr(path_end)), f);
      }
      set += fmt::format("{} type(\"{}\")", url(written),
                         t.kind == FileKind::Png ? "image/png" : "image/jpeg");
      out.push_back(Edit{l.ref.background_end, 0,
                         fmt::format(";background-image:image-set({}){}", set,
                                     l.ref.background_important ? "!important" : "")});
    }
    return out;
  }

  Rendered render(size_t m) {
    const Asset& a = assets_[m];
    Rendered r{a.bytes, a.source_map ? std::optional<std::string>(*a.source_map) : std::nullopt};
    std::vector<Edit> edits = edits_of(m);
    r.edits = edits.size();
    if (std::vector<Edit> more = image_set_edits(m); !more.empty()) {
      edits.insert(edits.end(), more.begin(), more.end());
      edits = sorted_disjoint(std::move(edits));
    }
    if (a.kind == FileKind::Html) {
      Enhanced more = enhance_html(a.bytes, enhance_refs(m), options_);
      edits.insert(edits.end(), more.edits.begin(), more.edits.end());
      edits = sorted_disjoint(std::move(edits));
      r.enhance_notes = std::move(more.notes);
      r.preloads = std::move(more.preloads);
    }
    if (r.source_map) {
      std::string_view file = util::base_name(a.output);
      auto adjusted = shift_map(*r.source_map, a.bytes, edits, file);
      if (adjusted) {
        r.source_map = std::move(*adjusted);
      } else if (!edits.empty()) {
        // Not shifted (a map without edits that cannot be read is kept as it
        // is): it still names its file where it can.
        r.map_problem = adjusted.error();
        auto named = util::sourcemap::set_file(*r.source_map, file);
        if (named) r.source_map = std::move(*named);
      }
    }
    if (!edits.empty()) r.bytes = apply_edits(a.bytes, edits);
    if (map_appended_[m]) {
      r.bytes += source_mapping_comment(a.kind, r.bytes,
                                        util::percent_encode_path(util::base_name(a.output)) + ".map");
    }
    return r;
  }

  void rewrite(size_t m) {
    Asset& a = assets_[m];
    Rendered r = render(m);
    if (!r.map_problem.empty()) {
      diags_.warning(a.logical, fmt::format("its source map was not adjusted to the rewritten "
                                            "references ({}); columns after them may be off",
                                            r.map_problem));
    }
    if (!r.enhance_notes.empty()) {
      SourcePositions where(a);
      for (const auto& n : r.enhance_notes) {
        Position p = where.at(n.offset);
        if (n.warning) {
          diags_.warning(a.logical, n.message + p.origin, p.line, p.column);
        } else if (options_.verbosity == Verbosity::Verbose) {
          diags_.add({Severity::Note, a.logical, p.line, p.column, n.message + p.origin});
        }
      }
    }
    a.bytes = std::move(r.bytes);
    a.source_map = std::move(r.source_map);
    a.preloads = std::move(r.preloads);
    if (r.edits > 0) {
      a.notes.push_back(
          fmt::format("{} reference{} rewritten", r.edits, r.edits == 1 ? "" : "s"));
    }
  }

  // A file that keeps its name and has a map (made by transform) serves it at
  // <name>.map; an unclaimed input map of that same name (a bundler's hidden
  // map, which the transform composed in) would be written at the same path:
  // it is the same map, so it is listed as the file's.
  void claim_same_named_maps() {
    for (Asset& a : assets_) {
      if (!a.source_map || a.output != a.logical) continue;
      auto found = by_logical_.find(a.logical + ".map");
      if (!found) continue;
      Asset& map = assets_[*found];
      if (map.kind == FileKind::SourceMap && map.map_of.empty() && map.output == map.logical) {
        map.map_of = a.logical;
      }
    }
  }

  void set_imports() {
    for (size_t i = 0; i < assets_.size(); ++i) {
      std::set<std::string> imports;
      for (const auto& l : links_[i]) {
        if (l.map_comment || l.ref.kind == RefKind::Navigation ||
            l.ref.kind == RefKind::SourceMap) {
          continue;
        }
        imports.insert(assets_[l.named].logical);
      }
      assets_[i].imports = std::vector<std::string>(imports.begin(), imports.end());
    }
  }
};

namespace {

void check_unique_outputs(const std::vector<Asset>& assets) {
  std::map<std::string, const Asset*> by_output;
  for (const Asset& a : assets) {
    if (!a.map_of.empty()) continue;
    auto [it, inserted] = by_output.emplace(a.output, &a);
    if (!inserted) {
      throw Error(fmt::format("{} and {} would both be written as {}; rename one of them",
                              util::printable(it->second->logical), util::printable(a.logical),
                              util::printable(a.output)));
    }
  }
}

}  // namespace

Linker::Linker(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
               bool report_progress, scan::Payloads* payloads)
    : impl_(std::make_unique<Impl>(assets, options, diags, report_progress, payloads)) {}
Linker::~Linker() = default;
void Linker::prepare() { impl_->prepare(); }
const Components& Linker::components() const { return impl_->components(); }
const Rows& Linker::dependencies() const {
  return impl_->dependencies();
}
void Linker::name(size_t component) { impl_->name(component); }
void Linker::finish() { impl_->finish(); }

void link(std::vector<Asset>& assets, const Options& options, Diagnostics& diags,
          bool report_progress) {
  Linker::Impl linker(assets, options, diags, report_progress);
  linker.prepare();
  linker.name_in_dependency_order();
  linker.finish();
  check_unique_outputs(assets);
}

}  // namespace assetpipe::link
