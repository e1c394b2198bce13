// Errors as values across module boundaries.
//
// The code says what the caller should do about the error (after abseil's guidance):
//   kInvalidArgument    the input is wrong; fix it (HTTP 400, config error, parse error)
//   kNotFound           the thing asked for does not exist (HTTP 404)
//   kFailedPrecondition the system is not in a state to do it; fix that first (HTTP 409)
//   kResourceExhausted  a limit was hit; back off (HTTP 413/429)
//   kUnavailable        transient; retrying may succeed (HTTP 503, Loki 5xx, network)
//   kDataLoss           stored data is damaged
//   kInternal           a bug or an unexpected system error (HTTP 500)
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace remediator {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kDataLoss,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message".
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return Status(StatusCode::kInvalidArgument, std::move(m)); }
inline Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status FailedPrecondition(std::string m) { return Status(StatusCode::kFailedPrecondition, std::move(m)); }
inline Status ResourceExhausted(std::string m) { return Status(StatusCode::kResourceExhausted, std::move(m)); }
inline Status Unavailable(std::string m) { return Status(StatusCode::kUnavailable, std::move(m)); }
inline Status DataLoss(std::string m) { return Status(StatusCode::kDataLoss, std::move(m)); }
inline Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

// Result<T>: a T or a non-OK Status (g++ 12 has no std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // The error; OK when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace remediator

// Returns early with the error of a Status-returning expression.
#define REMEDIATOR_RETURN_IF_ERROR(expr)            \
  do {                                              \
    ::remediator::Status _st = (expr);              \
    if (!_st.ok()) return _st;                      \
  } while (0)

#define REMEDIATOR_CONCAT_INNER(a, b) a##b
#define REMEDIATOR_CONCAT(a, b) REMEDIATOR_CONCAT_INNER(a, b)
// Declares `lhs` from a Result-returning expression, or returns its error.
#define REMEDIATOR_ASSIGN_OR_RETURN(lhs, expr) \
  REMEDIATOR_ASSIGN_OR_RETURN_IMPL(REMEDIATOR_CONCAT(_res_, __LINE__), lhs, expr)
#define REMEDIATOR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return tmp.status();                    \
  lhs = std::move(tmp).value()
