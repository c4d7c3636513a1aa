// Glob patterns over '/'-separated relative paths.
//   *   any run of characters except '/'
//   **  any run of characters including '/' ("**/" also matches nothing)
//   ?   one character except '/'
//   [abc] [a-z] [!a]  character classes
// A pattern without '/' matches the base name at any depth ("*.html").
#pragma once

#include <string_view>

namespace assetpipe::util {

bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace assetpipe::util
