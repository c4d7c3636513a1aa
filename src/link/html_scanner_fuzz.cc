// libFuzzer target: the HTML and SVG scanners (with the CSS and JS scanners
// they call for inline styles and scripts) never crash and keep their invariants.
#include <cstdlib>

#include "link/html_scanner.h"
#include "link/scan_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace assetpipe::link;
  if (!scan_invariant_violation(input, scan_html(input)).empty()) std::abort();
  if (!scan_invariant_violation(input, scan_svg(input)).empty()) std::abort();
  return 0;
}
