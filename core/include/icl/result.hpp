// A value or an error message. The core never throws: Emscripten builds ignore C++ exceptions, so
// every failure that can reach a user (a bad config, an invalid covariance) travels as a message.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace icl {

template <class T>
class Result {
 public:
  static Result success(T value) {
    Result result;
    result.value_ = std::move(value);
    return result;
  }
  static Result failure(std::string message) {
    Result result;
    result.error_ = std::move(message);
    return result;
  }

  bool ok() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  /** Empty when ok(). */
  const std::string& error() const { return error_; }

 private:
  Result() = default;
  std::optional<T> value_;
  std::string error_;
};

}  // namespace icl
