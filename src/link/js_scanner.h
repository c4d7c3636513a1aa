// References in JavaScript, found by a lexer that knows comments, strings,
// template literals and regular expression literals: static import/export
// ... from "x", import "x", import("x") with a literal, new URL("x",
// import.meta.url) (also inside new Worker(...)), and //# sourceMappingURL=.
// import(<expression>) is reported as a DynamicExpression (a note under -v).
#pragma once

#include <string_view>

#include "link/reference.h"

namespace assetpipe::link {

// Offsets in the result are `base_offset` + offsets into `js`.
ScanResult scan_js(std::string_view js, size_t base_offset = 0);

}  // namespace assetpipe::link
