// What asset.h declares beyond the records themselves.
#include "assetpipe/asset.h"

#include "util/hash.h"

namespace assetpipe {

std::filesystem::path source_file(const Asset& a, const std::filesystem::path& input) {
  if (!a.source_path.empty()) return a.source_path.str();
  return input / a.logical;
}

const Digest& map_digest_of(const Asset& a) {
  static const Digest none;
  return a.map_digest ? *a.map_digest : none;
}

std::string Digest::integrity() const { return util::sri_of(sha384); }

}  // namespace assetpipe
