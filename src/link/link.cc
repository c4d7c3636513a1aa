#include "link/link.h"

#include <map>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "assetpipe/build.h"
#include "link/naming.h"
#include "util/file.h"

namespace assetpipe::link {

void link(std::vector<Asset>& assets, const Options& /*options*/, Diagnostics& /*diags*/) {
  tbb::parallel_for(size_t{0}, assets.size(), [&](size_t i) {
    Asset& a = assets[i];
    if (a.entry || a.fingerprinted) {
      a.output = a.logical;
    } else {
      a.output = hashed_name(a.logical, content_hash(a));
    }
  });
  std::map<std::string, const Asset*> by_output;
  for (const Asset& a : assets) {
    auto [it, inserted] = by_output.emplace(a.output, &a);
    if (!inserted) {
      throw Error(fmt::format("{} and {} would both be written as {}; rename one of them",
                              util::printable(it->second->logical), util::printable(a.logical),
                              util::printable(a.output)));
    }
  }
}

}  // namespace assetpipe::link
