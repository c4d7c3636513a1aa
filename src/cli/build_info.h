// What this binary was built with: each library's version as the loaded code
// reports it, and where that code is (linked into the binary, or the shared
// object it was loaded from). `assetpipe --version -v` prints it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace assetpipe::cli {

struct Component {
  std::string name;     // "libwebp"
  std::string version;  // "1.2.4"
  std::string where;    // "linked in", or the path of the shared object it was loaded from
};

std::vector<Component> built_with();

// "built with:" followed by one indented line per component.
void print_build_info(std::ostream& out);

}  // namespace assetpipe::cli
