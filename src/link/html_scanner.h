// References in HTML and SVG documents: src, href, xlink:href, srcset and
// imagesrcset (with descriptors), poster, <object data>, <meta content> of
// og:image / twitter:image / msapplication-TileImage, inline style="" and
// <style> (with the CSS scanner), inline scripts (with the JS scanner), the
// addresses of an import map, and the first <base href>. Character references are decoded for
// resolving; the offsets point into the document so a rewrite keeps them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "link/reference.h"

namespace assetpipe::link {

ScanResult scan_html(std::string_view html);
ScanResult scan_svg(std::string_view svg);

// The URLs of a srcset value ("a.png 1x, b.png 2x"), after the HTML
// "parse a srcset attribute" algorithm; offsets index into `value.text`
// mapped through `value.raw`. With `descriptors`, each URL's descriptors
// ("2x", "480w", "" when none) are appended to it, one per URL.
std::vector<DecodedText> split_srcset(const DecodedText& value,
                                      std::vector<std::string>* descriptors = nullptr);

// Whether the space-separated `list` (a rel value) holds `word` (lowercase),
// ASCII case-insensitively.
bool contains_word(std::string_view list, std::string_view word);

}  // namespace assetpipe::link
