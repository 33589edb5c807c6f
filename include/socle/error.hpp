// socle/error.hpp: socle's error codes and how they travel inside absl::Status.
//
// Every fallible call of the C++ API returns absl::Status or absl::StatusOr<T>. The status carries
// one of the ErrorCode values below (as a payload), so a caller can tell a malformed policy from a
// missing file without parsing messages. The numeric values are frozen: the C ABI returns the same
// numbers as its SOCLE_E_* status codes, one to one (a test checks it). New codes are only ever
// added at the end of their range.
//
// Messages never contain a secret, a key or a personal identifier.
#ifndef SOCLE_ERROR_HPP_
#define SOCLE_ERROR_HPP_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "socle/export.hpp"

namespace socle {

enum class ErrorCode : int32_t {
  kOk = 0,
  kInvalidArgument = 1,     // the caller passed something malformed (a null, a bad enum value)
  kNotFound = 2,            // an id, a file or a record that does not exist
  kAlreadyExists = 3,       // a duplicate id or record
  kPermissionDenied = 4,    // the caller is not allowed to do this
  kFailedPrecondition = 5,  // the state does not allow the call (e.g. a policy not loaded)
  kOutOfRange = 6,          // a number or a date outside its allowed range
  kResourceExhausted = 7,   // a rate limit or a size limit was hit
  kInternal = 8,            // a bug in socle: please report it
  kNoMemory = 9,            // allocation failed
  kIo = 10,                 // reading or writing a file failed
  kParse = 11,              // input bytes are not well-formed (syntax)
  kPolicyInvalid = 12,      // the policy parsed but does not validate (diagnostics attached)
  kVerificationFailed = 13, // a signature, MAC or authenticated decryption failed (no detail)
  kUnsupported = 14,        // a format version or feature this build does not support
  kDataLoss = 15,           // stored data is truncated or corrupted
  kLogTamperAttempt = 16,   // an update or delete of a ledger entry: refused and recorded
};

// The stable upper-case name of a code ("POLICY_INVALID"); "UNKNOWN" for values not listed.
SOCLE_CXX_API absl::string_view ErrorCodeName(ErrorCode code);

// Builds a non-OK status carrying `code`. `message` must not contain secrets or identifiers.
SOCLE_CXX_API absl::Status MakeError(ErrorCode code, absl::string_view message);

// The socle code carried by `status`; for a status that socle did not make, the closest code to
// its canonical absl code.
SOCLE_CXX_API ErrorCode ErrorCodeOf(const absl::Status& status);

}  // namespace socle

#endif  // SOCLE_ERROR_HPP_
