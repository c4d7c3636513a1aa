#include "util/path.h"

namespace assetpipe::util {

std::string_view folder_of(std::string_view logical) {
  auto slash = logical.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : logical.substr(0, slash + 1);
}

std::string_view base_name(std::string_view logical) {
  auto slash = logical.rfind('/');
  return slash == std::string_view::npos ? logical : logical.substr(slash + 1);
}

std::string lower_extension(std::string_view path) {
  std::string_view base = base_name(path);
  auto dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  std::string ext(base.substr(dot));
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t k = 0;
  while (k <= path.size()) {
    size_t slash = path.find('/', k);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(k, slash - k));
    k = slash + 1;
  }
  return out;
}

namespace {

// The path from folder `from` to `to`, both as segments from the root (the
// folder's trailing empty segment removed): up to what they share, then down.
// The last segment of `to` is its name, never shared.
template <typename From, typename To>
std::string up_then_down(const From& from, const To& to) {
  size_t common = 0;
  while (common < from.size() && common + 1 < to.size() && from[common] == to[common]) ++common;
  std::string out;
  for (size_t k = common; k < from.size(); ++k) out += "../";
  for (size_t k = common; k < to.size(); ++k) {
    out += to[k];
    if (k + 1 < to.size()) out += '/';
  }
  return out;
}

}  // namespace

std::string relative_path(std::string_view from_dir, std::string_view to) {
  auto a = split_segments(from_dir);
  if (!a.empty() && a.back().empty()) a.pop_back();
  return up_then_down(a, split_segments(to));
}

namespace {

// Normalised segments of a path that may climb above the root.
std::vector<std::string> normal_segments(std::string_view path) {
  std::vector<std::string> out;
  for (std::string_view seg : split_segments(path)) {
    bool last = seg.end() == path.end();
    if (seg == "." || (seg.empty() && !last)) {
    } else if (seg == ".." && !out.empty() && out.back() != "..") {
      out.pop_back();
    } else {
      out.emplace_back(seg);
    }
  }
  return out;
}

}  // namespace

std::string rebase_path(std::string_view path, std::string_view old_folder,
                        std::string_view new_folder) {
  auto from = normal_segments(new_folder);
  if (!from.empty() && from.back().empty()) from.pop_back();
  return up_then_down(from, normal_segments(std::string(old_folder) + std::string(path)));
}

bool is_hex_digit(char c) { return hex_value(c) >= 0; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace assetpipe::util
