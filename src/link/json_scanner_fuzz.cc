// libFuzzer target: the JSON scanners (web manifests, import maps) never crash
// and keep their invariants.
#include <cstdlib>

#include "link/json_scanner.h"
#include "link/scan_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace assetpipe::link;
  if (!scan_invariant_violation(input, scan_webmanifest(input)).empty()) std::abort();
  if (!scan_invariant_violation(input, scan_import_map(input)).empty()) std::abort();
  return 0;
}
