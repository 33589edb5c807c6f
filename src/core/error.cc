#include "socle/error.hpp"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace socle {
namespace {

// The payload key under which socle stores its own code in an absl::Status.
constexpr absl::string_view kCodePayload = "type.socle/socle.v1.ErrorCode";

absl::StatusCode CanonicalOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return absl::StatusCode::kOk;
    case ErrorCode::kInvalidArgument: return absl::StatusCode::kInvalidArgument;
    case ErrorCode::kNotFound: return absl::StatusCode::kNotFound;
    case ErrorCode::kAlreadyExists: return absl::StatusCode::kAlreadyExists;
    case ErrorCode::kPermissionDenied: return absl::StatusCode::kPermissionDenied;
    case ErrorCode::kFailedPrecondition: return absl::StatusCode::kFailedPrecondition;
    case ErrorCode::kOutOfRange: return absl::StatusCode::kOutOfRange;
    case ErrorCode::kResourceExhausted: return absl::StatusCode::kResourceExhausted;
    case ErrorCode::kInternal: return absl::StatusCode::kInternal;
    case ErrorCode::kNoMemory: return absl::StatusCode::kResourceExhausted;
    case ErrorCode::kIo: return absl::StatusCode::kUnavailable;
    case ErrorCode::kParse: return absl::StatusCode::kInvalidArgument;
    case ErrorCode::kPolicyInvalid: return absl::StatusCode::kInvalidArgument;
    case ErrorCode::kVerificationFailed: return absl::StatusCode::kUnauthenticated;
    case ErrorCode::kUnsupported: return absl::StatusCode::kUnimplemented;
    case ErrorCode::kDataLoss: return absl::StatusCode::kDataLoss;
    case ErrorCode::kLogTamperAttempt: return absl::StatusCode::kPermissionDenied;
  }
  return absl::StatusCode::kUnknown;
}

ErrorCode FromCanonical(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return ErrorCode::kOk;
    case absl::StatusCode::kInvalidArgument: return ErrorCode::kInvalidArgument;
    case absl::StatusCode::kNotFound: return ErrorCode::kNotFound;
    case absl::StatusCode::kAlreadyExists: return ErrorCode::kAlreadyExists;
    case absl::StatusCode::kPermissionDenied: return ErrorCode::kPermissionDenied;
    case absl::StatusCode::kFailedPrecondition: return ErrorCode::kFailedPrecondition;
    case absl::StatusCode::kOutOfRange: return ErrorCode::kOutOfRange;
    case absl::StatusCode::kResourceExhausted: return ErrorCode::kResourceExhausted;
    case absl::StatusCode::kUnauthenticated: return ErrorCode::kVerificationFailed;
    case absl::StatusCode::kUnimplemented: return ErrorCode::kUnsupported;
    case absl::StatusCode::kDataLoss: return ErrorCode::kDataLoss;
    case absl::StatusCode::kUnavailable: return ErrorCode::kIo;
    default: return ErrorCode::kInternal;
  }
}

}  // namespace

absl::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kOutOfRange: return "OUT_OF_RANGE";
    case ErrorCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::kInternal: return "INTERNAL";
    case ErrorCode::kNoMemory: return "NO_MEMORY";
    case ErrorCode::kIo: return "IO";
    case ErrorCode::kParse: return "PARSE";
    case ErrorCode::kPolicyInvalid: return "POLICY_INVALID";
    case ErrorCode::kVerificationFailed: return "VERIFICATION_FAILED";
    case ErrorCode::kUnsupported: return "UNSUPPORTED";
    case ErrorCode::kDataLoss: return "DATA_LOSS";
    case ErrorCode::kLogTamperAttempt: return "LOG_TAMPER_ATTEMPT";
  }
  return "UNKNOWN";
}

absl::Status MakeError(ErrorCode code, absl::string_view message) {
  if (code == ErrorCode::kOk) return absl::OkStatus();
  absl::Status status(CanonicalOf(code), message);
  status.SetPayload(kCodePayload, absl::Cord(absl::StrCat(static_cast<int32_t>(code))));
  return status;
}

ErrorCode ErrorCodeOf(const absl::Status& status) {
  if (status.ok()) return ErrorCode::kOk;
  if (auto payload = status.GetPayload(kCodePayload)) {
    int32_t value = 0;
    if (absl::SimpleAtoi(std::string(*payload), &value) &&
        ErrorCodeName(static_cast<ErrorCode>(value)) != "UNKNOWN") {
      return static_cast<ErrorCode>(value);
    }
  }
  return FromCanonical(status.code());
}

}  // namespace socle
