// References in CSS, found by a tokenizer after CSS Syntax Level 3: url()
// quoted and unquoted, @import "x" / @import url(x), the strings of
// image-set() and -webkit-image-set(), and /*# sourceMappingURL=x */.
// Nothing inside a comment or another string is a reference.
#pragma once

#include <string_view>

#include "link/reference.h"

namespace assetpipe::link {

// Offsets in the result are `base_offset` + offsets into `css`.
ScanResult scan_css(std::string_view css, size_t base_offset = 0);

}  // namespace assetpipe::link
