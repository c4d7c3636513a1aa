// The small helpers on logical paths ("css/main.css": '/'-separated, relative
// to the input root) and their characters, in one place for every step.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace assetpipe::util {

// "css/main.css" -> "css/"; "a.js" -> "".
std::string_view folder_of(std::string_view logical);
// "css/main.css" -> "main.css".
std::string_view base_name(std::string_view logical);
// The extension of the base name, lower-cased, with its dot: "A/B.JS" -> ".js";
// "" for none and for a dot file (".htaccess").
std::string lower_extension(std::string_view path);
// The '/'-separated segments, empty ones included: "a//b/" -> {"a", "", "b", ""}.
std::vector<std::string_view> split_segments(std::string_view path);
// A relative path from folder `from_dir` ("" or ending in '/') to `to` (a logical path).
std::string relative_path(std::string_view from_dir, std::string_view to);

// `path`, relative to folder `old_folder`, made relative to `new_folder`
// (folders "" or ending in '/'); it may climb above the root ("../src/a.ts").
std::string rebase_path(std::string_view path, std::string_view old_folder,
                        std::string_view new_folder);

bool is_hex_digit(char c);
// The value of a hex digit, or -1.
int hex_value(char c);

}  // namespace assetpipe::util
