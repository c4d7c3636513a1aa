// Out-of-line holders for the fields of a record (Asset) that most files
// leave empty: 8 bytes in the record instead of 24 (a vector) or 32 (a
// string), and no allocation while empty. A build keeps one record per file
// for its whole length, so these bytes count per file (issue 14: records of
// 1 KB a file made peak memory grow with the size of the site).
//
// Reading an empty holder gives a shared empty value; writing allocates.
// The interface is the subset of std::vector / std::string the stages use.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetpipe {

namespace detail {

// A value on the heap that copies as a value: the storage of the holders below.
template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

 protected:
  // Holds `v`, reusing the allocation when there is one.
  void assign(T v) {
    if (p_) {
      *p_ = std::move(v);
    } else {
      p_ = std::make_unique<T>(std::move(v));
    }
  }
  std::unique_ptr<T> p_;
};

}  // namespace detail

template <class T>
class Rare : public detail::Boxed<T> {
 protected:
  using detail::Boxed<T>::p_;

 public:
  Rare() = default;
  Rare(T v) { *this = std::move(v); }  // NOLINT: implicit, as the field it replaces
  Rare& operator=(T v) {
    if (v.empty()) {
      p_.reset();
    } else {
      this->assign(std::move(v));
    }
    return *this;
  }

  const T& get() const { return p_ ? *p_ : empty_value(); }
  // The value, allocated on first use.
  T& mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  operator const T&() const { return get(); }  // NOLINT: reads as the field it replaces

  bool empty() const { return !p_ || p_->empty(); }
  size_t size() const { return p_ ? p_->size() : 0; }
  void clear() { p_.reset(); }
  void swap(Rare& o) noexcept { p_.swap(o.p_); }

  friend bool operator==(const Rare& a, const Rare& b) { return a.get() == b.get(); }

 protected:
  static const T& empty_value() {
    static const T e{};
    return e;
  }
};

// A vector field most records leave empty.
template <class T>
class RareVector : public Rare<std::vector<T>> {
  using Base = Rare<std::vector<T>>;

 public:
  using Base::Base;
  using Base::operator=;
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  RareVector(std::initializer_list<T> l) : Base(std::vector<T>(l)) {}
  RareVector& operator=(std::initializer_list<T> l) {
    Base::operator=(std::vector<T>(l));
    return *this;
  }

  T* begin() { return this->p_ ? this->p_->data() : nullptr; }
  T* end() { return this->p_ ? this->p_->data() + this->p_->size() : nullptr; }
  const T* begin() const { return this->p_ ? this->p_->data() : nullptr; }
  const T* end() const { return this->p_ ? this->p_->data() + this->p_->size() : nullptr; }
  T& operator[](size_t i) { return (*this->p_)[i]; }
  const T& operator[](size_t i) const { return (*this->p_)[i]; }
  const T& at(size_t i) const { return this->get().at(i); }
  T& front() { return this->p_->front(); }
  T& back() { return this->p_->back(); }
  const T& front() const { return this->p_->front(); }
  const T& back() const { return this->p_->back(); }

  void push_back(T v) { this->mut().push_back(std::move(v)); }
  template <class... A>
  T& emplace_back(A&&... a) {
    return this->mut().emplace_back(std::forward<A>(a)...);
  }
  void reserve(size_t n) {
    if (n > 0) this->mut().reserve(n);
  }
  // As std::vector::resize; resize(0) frees the vector.
  void resize(size_t n) {
    if (n == 0) {
      this->clear();
    } else {
      this->mut().resize(n);
    }
  }
  // The vector, to pass where one is taken (an empty one while unset).
  const std::vector<T>& vec() const { return this->get(); }
};

// A string field most records leave empty.
class RareString : public Rare<std::string> {
 public:
  using Rare::Rare;
  using Rare::operator=;
  RareString(const char* s) : Rare(std::string(s)) {}       // NOLINT: implicit, as std::string
  RareString(std::string_view s) : Rare(std::string(s)) {}  // NOLINT
  RareString& operator=(const char* s) {
    Rare::operator=(std::string(s));
    return *this;
  }
  RareString& operator=(std::string_view s) {
    Rare::operator=(std::string(s));
    return *this;
  }

  operator std::string_view() const { return get(); }  // NOLINT
  const std::string& str() const { return get(); }
  const char* c_str() const { return get().c_str(); }

  // One exact overload for each kind of operand (conversions would be ambiguous).
  friend bool operator==(const RareString& a, const RareString& b) { return a.str() == b.str(); }
  friend bool operator==(const RareString& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const RareString& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const RareString& a, const char* b) { return a.str() == b; }
};

// An optional value held out of line: 8 bytes where std::optional<std::string>
// takes 40. Unlike Rare, an empty value is a value (has_value()).
template <class T>
class RareOptional : public detail::Boxed<T> {
  using detail::Boxed<T>::p_;

 public:
  RareOptional() = default;
  RareOptional(std::nullopt_t) {}                         // NOLINT: as std::optional
  RareOptional(T v) { *this = std::move(v); }             // NOLINT
  RareOptional(const std::optional<T>& v) { *this = v; }  // NOLINT
  RareOptional& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }
  RareOptional& operator=(T v) {
    this->assign(std::move(v));
    return *this;
  }
  RareOptional& operator=(const char* s) { return *this = T(s); }  // for T = std::string
  RareOptional& operator=(std::optional<T> v) {
    if (v) return *this = std::move(*v);
    return *this = std::nullopt;
  }

  bool has_value() const { return p_ != nullptr; }
  // The value, or nullptr when there is none.
  const T* get_if() const { return p_.get(); }
  explicit operator bool() const { return p_ != nullptr; }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  T& value() { return *p_; }
  const T& value() const { return *p_; }
  template <class... A>
  T& emplace(A&&... a) {
    p_ = std::make_unique<T>(std::forward<A>(a)...);
    return *p_;
  }
  void reset() { p_.reset(); }

  friend bool operator==(const RareOptional& a, const RareOptional& b) {
    return a.p_ ? (b.p_ && *a.p_ == *b.p_) : !b.p_;
  }
};

}  // namespace assetpipe
