// Helpers for the scanner tests: the URLs a scan found, and the bytes of the
// source each URL came from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "link/reference.h"

namespace assetpipe::link::testing {

inline std::vector<std::string> urls(const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& ref : r.refs) {
    if (ref.kind != RefKind::DynamicExpression) out.push_back(ref.url.text);
  }
  return out;
}

// The source bytes a reference's URL spans (escapes and entities as written).
inline std::string raw_text(std::string_view source, const Reference& ref) {
  return std::string(source.substr(ref.url.raw.front(), ref.url.raw.back() - ref.url.raw.front()));
}

inline std::vector<std::string> raw_texts(std::string_view source, const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& ref : r.refs) {
    if (ref.kind != RefKind::DynamicExpression) out.push_back(raw_text(source, ref));
  }
  return out;
}

}  // namespace assetpipe::link::testing
