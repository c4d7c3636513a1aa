#include "assetpipe/diagnostics.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace assetpipe {
namespace {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Note:
      return "note";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "error";
}

// GitHub workflow commands: properties escape % \r \n : , ; messages % \r \n.
std::string gh_escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string Diagnostic::format() const {
  std::string where;
  if (!file.empty()) {
    where = file;
    if (line > 0) {
      where += fmt::format(":{}", line);
      if (column > 0) where += fmt::format(":{}", column);
    }
    where += ": ";
  }
  return fmt::format("{}{}: {}", where, severity_name(severity), message);
}

std::string Diagnostic::github_annotation() const {
  std::string props;
  if (!file.empty()) {
    props = " file=" + gh_escape(file, true);
    if (line > 0) props += fmt::format(",line={}", line);
    if (column > 0) props += fmt::format(",col={}", column);
  }
  const char* kind = severity == Severity::Error     ? "error"
                     : severity == Severity::Warning ? "warning"
                                                     : "notice";
  return fmt::format("::{}{}::{}", kind, props, gh_escape(message, false));
}

void Diagnostics::add(Diagnostic d) {
  std::lock_guard lock(mutex_);
  items_.push_back(std::move(d));
}

void Diagnostics::note(std::string file, std::string message) {
  add({Severity::Note, std::move(file), 0, 0, std::move(message)});
}

void Diagnostics::warning(std::string file, std::string message, int line, int column) {
  add({Severity::Warning, std::move(file), line, column, std::move(message)});
}

void Diagnostics::error(std::string file, std::string message, int line, int column) {
  add({Severity::Error, std::move(file), line, column, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out;
  {
    std::lock_guard lock(mutex_);
    out = items_;
  }
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column, a.message) <
           std::tie(b.file, b.line, b.column, b.message);
  });
  return out;
}

size_t Diagnostics::error_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                           [](auto& d) { return d.severity == Severity::Error; }));
}

size_t Diagnostics::warning_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(
      items_.begin(), items_.end(), [](auto& d) { return d.severity == Severity::Warning; }));
}

}  // namespace assetpipe
