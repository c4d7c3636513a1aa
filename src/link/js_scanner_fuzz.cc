// libFuzzer target: the JS scanner never crashes and keeps its invariants.
#include <cstdlib>

#include "link/js_scanner.h"
#include "link/scan_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!assetpipe::link::scan_invariant_violation(input, assetpipe::link::scan_js(input)).empty()) {
    std::abort();
  }
  return 0;
}
