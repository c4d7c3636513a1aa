// What every scanner promises about its result, whatever the input: checked
// by the fuzz targets (src/link/*_fuzz.cc) and by the test that replays
// their kept corpus (tests/link_fuzz_corpus_test.cc).
#pragma once

#include <string>
#include <string_view>

#include "link/reference.h"

namespace assetpipe::link {

// "" when `r` is sound for `input`, else what is wrong: every reference's
// offsets lie inside the input, never decrease, and there is one per decoded
// byte plus the end.
inline std::string scan_invariant_violation(std::string_view input, const ScanResult& r) {
  for (const auto& ref : r.refs) {
    const auto& u = ref.url;
    if (u.raw.size() != u.text.size() + 1) return "offset count differs from decoded size + 1";
    for (size_t k = 0; k < u.raw.size(); ++k) {
      if (u.raw[k] > input.size()) return "offset beyond the input";
      if (k > 0 && u.raw[k] < u.raw[k - 1]) return "offsets decrease";
    }
  }
  return "";
}

}  // namespace assetpipe::link
