// Warnings and errors collected from every stage (thread-safe), printed as
// `file:line:col: warning: message` in a deterministic order.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace assetpipe {

enum class Severity { Note, Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Warning;
  std::string file;  // input-relative or as given by the user; may be empty
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string message;

  std::string format() const;             // file:line:col: warning: message
  std::string github_annotation() const;  // ::warning file=...,line=...::message
};

class Diagnostics {
 public:
  void add(Diagnostic d);
  void note(std::string file, std::string message);
  void warning(std::string file, std::string message, int line = 0, int column = 0);
  void error(std::string file, std::string message, int line = 0, int column = 0);

  // Sorted by (file, line, column, message) so output is the same at any -j.
  std::vector<Diagnostic> sorted() const;
  size_t error_count() const;
  size_t warning_count() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Diagnostic> items_;
};

}  // namespace assetpipe
