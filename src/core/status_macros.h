// Status helpers for socle's own code (Debian's Abseil ships none).
#ifndef SOCLE_SRC_CORE_STATUS_MACROS_H_
#define SOCLE_SRC_CORE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SOCLE_STATUS_CONCAT_INNER_(a, b) a##b
#define SOCLE_STATUS_CONCAT_(a, b) SOCLE_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function if it is not OK.
#define SOCLE_RETURN_IF_ERROR(expr)                                         \
  do {                                                                      \
    ::absl::Status socle_status_ = (expr);                                  \
    if (!socle_status_.ok()) return socle_status_;                          \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status if not OK, otherwise moves the
// value into `lhs`, which may be a declaration (`auto x`) or an existing variable.
#define SOCLE_ASSIGN_OR_RETURN(lhs, rexpr) \
  SOCLE_ASSIGN_OR_RETURN_IMPL_(SOCLE_STATUS_CONCAT_(socle_statusor_, __LINE__), lhs, rexpr)

#define SOCLE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // SOCLE_SRC_CORE_STATUS_MACROS_H_
