// A value or an error message: the return type of low-level operations that
// can fail on bad input (ccache style). The top level turns errors into
// Diagnostics or an Error exception.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace assetpipe::util {

struct Failure {
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Failure f) : v_(std::move(f)) {}    // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, Failure> v_;
};

struct Ok {};

inline Failure fail(std::string message) { return Failure{std::move(message)}; }

}  // namespace assetpipe::util
