// A reference found by a scanner: the URL as the browser sees it (escapes of
// its context decoded) and where each of its bytes came from in the file, so
// that a rewrite touches exactly the bytes it must and keeps the rest
// (entities, escapes, ?query#fragment) as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assetpipe::link {

enum class RefKind {
  Resource,           // url(), src, href of <link>, srcset, manifest icons...: fetched by the page
  Import,             // JS import/export from, import(), CSS @import
  Navigation,         // <a href>, <area href>, <iframe src>: a page; missing ones are not reported
  SourceMap,          // a sourceMappingURL comment
  DynamicExpression,  // import(<not a literal>): not a reference, a note under -v
};

// Text decoded from a context (a CSS string, an HTML attribute, a JS string
// literal), with the byte offset in the file of every decoded byte.
// raw.size() == text.size() + 1: raw[text.size()] is where the text ends.
struct DecodedText {
  std::string text;
  std::vector<uint32_t> raw;

  void push(char c, size_t raw_offset) {
    text.push_back(c);
    raw.push_back(static_cast<uint32_t>(raw_offset));
  }
  // Appends a code point as UTF-8; every byte maps to `raw_offset`.
  void push_code_point(uint32_t cp, size_t raw_offset);
  void finish(size_t raw_end) { raw.push_back(static_cast<uint32_t>(raw_end)); }
  // The same text, every offset mapped through `outer` (offsets here index
  // into the decoded text `outer` describes).
  DecodedText mapped_through(const DecodedText& outer) const;
  // Leading and trailing ASCII whitespace removed.
  DecodedText trimmed() const;
  // The identity: `text` found verbatim at `offset`.
  static DecodedText verbatim(std::string_view text, size_t offset);
};

struct Reference {
  DecodedText url;
  RefKind kind = RefKind::Resource;
  // A JS module specifier: bare names ("react") are package names, not paths.
  bool module_specifier = false;
  // JS: an import() call (kind Import), not a static import/export ... from.
  bool dynamic = false;
  // CSS: a url() of an @font-face rule's `src` declaration: the rule's number
  // in the file (1, 2, ...; the urls of one rule share it), else 0.
  uint32_t font_face = 0;
  // CSS: the url() is the one image of a single-layer `background` or
  // `background-image` declaration (not inside another function): the
  // offset of the declaration's end (its ';' or '}', or the end of the
  // file), else 0; and whether it is !important.
  uint32_t background_end = 0;
  bool background_important = false;
};

struct ScanResult {
  std::vector<Reference> refs;
  // HTML: the first <base href>, decoded.
  std::optional<std::string> base_href;
  // A problem worth a warning (the file is not what its extension says).
  std::string problem;
  // JS string literals (scripts, inline scripts and event handlers, JSON in
  // HTML) that look like a file's path or name and are not references: code
  // that builds URLs from them at run time. The files they name keep their
  // names (see link.cc).
  std::vector<DecodedText> names;
};

}  // namespace assetpipe::link
