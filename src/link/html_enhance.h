// Making an HTML page use what the build made (issue #18), each opt-in:
// Subresource Integrity on scripts and style sheets with hashed names
// (--sri), width/height on images (--img-dimensions), <picture> with the
// AVIF/WebP variants (--picture), srcset and sizes of the resized copies
// (--image-widths), preload links for the modules its module scripts import
// and the fonts its style sheets use (--preload); and, always, an integrity attribute that the build made
// stale is replaced. It works on the page's bytes before the
// link stage rewrites its references and returns edits (insertions, and the
// replacement of a stale integrity value) that are applied together with
// the rewrites, so the page is hashed and written as served.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assetpipe/asset.h"
#include "assetpipe/options.h"
#include "link/source_maps.h"
#include "transform/image_probe.h"

namespace assetpipe::link {

// The Subresource Integrity digests of a file's final bytes ("sha384-...").
struct Digests {
  std::string sha256, sha384, sha512;
};
Digests digests_of(std::string_view bytes);

// --preload: a file that a page's script or style sheet needs, as link.cc
// knows it.
struct PreloadCandidate {
  Preload preload;                   // what the page and its Link header name
  const Asset* target = nullptr;
  bool immutable = false;            // served under a content-hashed name
  const Digests* digests = nullptr;  // of its final bytes (JS; else nullptr)
};

// A reference of the page resolved to a file of the build, as link.cc knows
// it. What it says of the target's bytes was taken when the target was named
// (by the time a page is named, the target's bytes may be written and freed).
struct EnhanceRef {
  size_t begin = 0;      // the URL (trimmed) is doc[begin, end) as written
  size_t end = 0;
  std::string written;   // what stands there once references are rewritten (raw, as in the page)
  size_t path_end = 0;   // index into `written` where ?query#fragment starts
  const Asset* target = nullptr;  // its kind, logical path and variants (formats, skipped)
  bool immutable = false;         // served under a content-hashed name
  const Digests* digests = nullptr;  // of its final bytes (JS and CSS; else nullptr)
  transform::ImageSize size;         // JPEG/PNG: as displayed; {0, 0} when unknown
  // --preload: for a JS target, the JS modules it imports statically,
  // transitively, each once, in a deterministic order (not itself); for a CSS
  // target, the fonts its @font-face rules use (one file per rule: the first
  // woff2, else the first font), through its @imports.
  std::vector<PreloadCandidate> preloads;
};

struct EnhanceNote {
  size_t offset = 0;  // in the page
  std::string message;
  bool warning = false;  // else a note (shown with -v)
};

struct Enhanced {
  std::vector<Edit> edits;  // sorted by offset, disjoint from each other and from the rewrites
  std::vector<EnhanceNote> notes;
  // --preload: what the page preloads (the links added and those it had),
  // in its order: the modules of its module scripts, then the fonts.
  std::vector<Preload> preloads;
};

// `refs` in any order; a reference inside a tag is found by its offset.
// Without any of the options, the one edit is the repair of an integrity
// attribute that the served file does not match (a warning says so).
Enhanced enhance_html(std::string_view doc, const std::vector<EnhanceRef>& refs,
                      const Options& options);

// Whether a browser accepts a file under an integrity attribute: among the
// values of the strongest algorithm it names (sha512 > sha384 > sha256, as
// browsers choose) one is the file's digest, or it names none of them
// (nothing is checked: "", "md5-...").
bool integrity_matches(std::string_view integrity, const Digests& digests);

}  // namespace assetpipe::link
