// libFuzzer target: the web manifest scanner never crashes and keeps its invariants.
#include <cstdlib>

#include "link/json_scanner.h"
#include "link/scan_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace assetpipe::link;
  if (!scan_invariant_violation(input, scan_webmanifest(input)).empty()) std::abort();
  return 0;
}
