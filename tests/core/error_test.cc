// socle's error codes: frozen values shared with the C ABI, stable names, and the way a code
// travels inside an absl::Status.
#include "socle/error.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "socle/socle.h"

namespace socle {
namespace {

// The C ABI returns the same numbers as ErrorCode; this is frozen, so it is also checked at
// compile time.
static_assert(static_cast<int32_t>(ErrorCode::kOk) == SOCLE_OK);
static_assert(static_cast<int32_t>(ErrorCode::kInvalidArgument) == SOCLE_E_INVALID_ARGUMENT);
static_assert(static_cast<int32_t>(ErrorCode::kNotFound) == SOCLE_E_NOT_FOUND);
static_assert(static_cast<int32_t>(ErrorCode::kAlreadyExists) == SOCLE_E_ALREADY_EXISTS);
static_assert(static_cast<int32_t>(ErrorCode::kPermissionDenied) == SOCLE_E_PERMISSION_DENIED);
static_assert(static_cast<int32_t>(ErrorCode::kFailedPrecondition) == SOCLE_E_FAILED_PRECONDITION);
static_assert(static_cast<int32_t>(ErrorCode::kOutOfRange) == SOCLE_E_OUT_OF_RANGE);
static_assert(static_cast<int32_t>(ErrorCode::kResourceExhausted) == SOCLE_E_RESOURCE_EXHAUSTED);
static_assert(static_cast<int32_t>(ErrorCode::kInternal) == SOCLE_E_INTERNAL);
static_assert(static_cast<int32_t>(ErrorCode::kNoMemory) == SOCLE_E_NO_MEMORY);
static_assert(static_cast<int32_t>(ErrorCode::kIo) == SOCLE_E_IO);
static_assert(static_cast<int32_t>(ErrorCode::kParse) == SOCLE_E_PARSE);
static_assert(static_cast<int32_t>(ErrorCode::kPolicyInvalid) == SOCLE_E_POLICY_INVALID);
static_assert(static_cast<int32_t>(ErrorCode::kVerificationFailed) == SOCLE_E_VERIFICATION_FAILED);
static_assert(static_cast<int32_t>(ErrorCode::kUnsupported) == SOCLE_E_UNSUPPORTED);
static_assert(static_cast<int32_t>(ErrorCode::kDataLoss) == SOCLE_E_DATA_LOSS);
static_assert(static_cast<int32_t>(ErrorCode::kLogTamperAttempt) == SOCLE_E_LOG_TAMPER_ATTEMPT);

// The name of the socle code carried by `status`, so failures print readably.
absl::string_view CodeName(const absl::Status& status) {
  return ErrorCodeName(ErrorCodeOf(status));
}

struct CodeRow {
  ErrorCode code;
  int32_t c_value;  // the SOCLE_E_* constant of socle.h
  const char* name;
};

// Every code, in order. Adding a code means adding it here, in socle.h and in error.cc; the
// "one past the last code is UNKNOWN" check below fails until this table is updated.
constexpr CodeRow kCodes[] = {
    {ErrorCode::kOk, SOCLE_OK, "OK"},
    {ErrorCode::kInvalidArgument, SOCLE_E_INVALID_ARGUMENT, "INVALID_ARGUMENT"},
    {ErrorCode::kNotFound, SOCLE_E_NOT_FOUND, "NOT_FOUND"},
    {ErrorCode::kAlreadyExists, SOCLE_E_ALREADY_EXISTS, "ALREADY_EXISTS"},
    {ErrorCode::kPermissionDenied, SOCLE_E_PERMISSION_DENIED, "PERMISSION_DENIED"},
    {ErrorCode::kFailedPrecondition, SOCLE_E_FAILED_PRECONDITION, "FAILED_PRECONDITION"},
    {ErrorCode::kOutOfRange, SOCLE_E_OUT_OF_RANGE, "OUT_OF_RANGE"},
    {ErrorCode::kResourceExhausted, SOCLE_E_RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"},
    {ErrorCode::kInternal, SOCLE_E_INTERNAL, "INTERNAL"},
    {ErrorCode::kNoMemory, SOCLE_E_NO_MEMORY, "NO_MEMORY"},
    {ErrorCode::kIo, SOCLE_E_IO, "IO"},
    {ErrorCode::kParse, SOCLE_E_PARSE, "PARSE"},
    {ErrorCode::kPolicyInvalid, SOCLE_E_POLICY_INVALID, "POLICY_INVALID"},
    {ErrorCode::kVerificationFailed, SOCLE_E_VERIFICATION_FAILED, "VERIFICATION_FAILED"},
    {ErrorCode::kUnsupported, SOCLE_E_UNSUPPORTED, "UNSUPPORTED"},
    {ErrorCode::kDataLoss, SOCLE_E_DATA_LOSS, "DATA_LOSS"},
    {ErrorCode::kLogTamperAttempt, SOCLE_E_LOG_TAMPER_ATTEMPT, "LOG_TAMPER_ATTEMPT"},
};

BOOST_AUTO_TEST_SUITE(error_codes)

BOOST_AUTO_TEST_CASE(values_are_dense_and_equal_to_the_c_abi_constants) {
  int32_t expected = 0;
  for (const CodeRow& row : kCodes) {
    BOOST_TEST_CONTEXT("code " << row.name) {
      BOOST_TEST(static_cast<int32_t>(row.code) == expected);
      BOOST_TEST(static_cast<int32_t>(row.code) == row.c_value);
    }
    ++expected;
  }
}

BOOST_AUTO_TEST_CASE(names_are_stable_and_unique) {
  std::set<std::string> seen;
  for (const CodeRow& row : kCodes) {
    BOOST_TEST(ErrorCodeName(row.code) == row.name);
    BOOST_TEST(seen.insert(std::string(ErrorCodeName(row.code))).second);
  }
  constexpr int32_t kOnePastLast = static_cast<int32_t>(std::size(kCodes));
  BOOST_TEST(ErrorCodeName(static_cast<ErrorCode>(kOnePastLast)) == "UNKNOWN");
  BOOST_TEST(ErrorCodeName(static_cast<ErrorCode>(-1)) == "UNKNOWN");
  BOOST_TEST(ErrorCodeName(static_cast<ErrorCode>(INT32_MAX)) == "UNKNOWN");
}

BOOST_AUTO_TEST_CASE(every_code_round_trips_through_a_status) {
  for (const CodeRow& row : kCodes) {
    BOOST_TEST_CONTEXT("code " << row.name) {
      const absl::Status status = MakeError(row.code, "something precise went wrong");
      BOOST_TEST(static_cast<int32_t>(ErrorCodeOf(status)) == static_cast<int32_t>(row.code));
      if (row.code == ErrorCode::kOk) {
        BOOST_TEST(status.ok());
        continue;
      }
      BOOST_TEST(!status.ok());
      BOOST_TEST(status.message() == "something precise went wrong");
      // A copy, and a status passed through StatusOr, keep the code.
      const absl::Status copy = status;
      BOOST_TEST(CodeName(copy) == ErrorCodeName(row.code));
      const absl::StatusOr<int> or_status = status;
      BOOST_TEST(CodeName(or_status.status()) == ErrorCodeName(row.code));
    }
  }
}

BOOST_AUTO_TEST_CASE(codes_sharing_a_canonical_code_stay_distinct) {
  // NO_MEMORY and RESOURCE_EXHAUSTED share absl's kResourceExhausted; PARSE, POLICY_INVALID and
  // INVALID_ARGUMENT share kInvalidArgument. The socle code tells them apart.
  BOOST_TEST(MakeError(ErrorCode::kNoMemory, "m").code() ==
             MakeError(ErrorCode::kResourceExhausted, "m").code());
  BOOST_TEST(CodeName(MakeError(ErrorCode::kNoMemory, "m")) == "NO_MEMORY");
  BOOST_TEST(CodeName(MakeError(ErrorCode::kParse, "m")) == "PARSE");
  BOOST_TEST(CodeName(MakeError(ErrorCode::kPolicyInvalid, "m")) == "POLICY_INVALID");
  BOOST_TEST(CodeName(MakeError(ErrorCode::kInvalidArgument, "m")) == "INVALID_ARGUMENT");
}

BOOST_AUTO_TEST_CASE(socle_errors_carry_a_sensible_canonical_code) {
  // Callers that only know Abseil still get a meaningful code.
  BOOST_TEST(absl::IsNotFound(MakeError(ErrorCode::kNotFound, "m")));
  BOOST_TEST(absl::IsInvalidArgument(MakeError(ErrorCode::kPolicyInvalid, "m")));
  BOOST_TEST(absl::IsInvalidArgument(MakeError(ErrorCode::kParse, "m")));
  BOOST_TEST(absl::IsUnauthenticated(MakeError(ErrorCode::kVerificationFailed, "m")));
  BOOST_TEST(absl::IsUnimplemented(MakeError(ErrorCode::kUnsupported, "m")));
  BOOST_TEST(absl::IsDataLoss(MakeError(ErrorCode::kDataLoss, "m")));
  BOOST_TEST(absl::IsUnavailable(MakeError(ErrorCode::kIo, "m")));
  BOOST_TEST(absl::IsResourceExhausted(MakeError(ErrorCode::kNoMemory, "m")));
  BOOST_TEST(absl::IsInternal(MakeError(ErrorCode::kInternal, "m")));
}

BOOST_AUTO_TEST_CASE(make_error_with_ok_is_ok) {
  BOOST_TEST(MakeError(ErrorCode::kOk, "ignored").ok());
  BOOST_TEST(CodeName(absl::OkStatus()) == "OK");
}

BOOST_AUTO_TEST_CASE(plain_absl_statuses_map_to_the_closest_code) {
  BOOST_TEST(CodeName(absl::InvalidArgumentError("x")) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(absl::NotFoundError("x")) == "NOT_FOUND");
  BOOST_TEST(CodeName(absl::AlreadyExistsError("x")) == "ALREADY_EXISTS");
  BOOST_TEST(CodeName(absl::PermissionDeniedError("x")) == "PERMISSION_DENIED");
  BOOST_TEST(CodeName(absl::FailedPreconditionError("x")) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeName(absl::OutOfRangeError("x")) == "OUT_OF_RANGE");
  BOOST_TEST(CodeName(absl::ResourceExhaustedError("x")) == "RESOURCE_EXHAUSTED");
  BOOST_TEST(CodeName(absl::InternalError("x")) == "INTERNAL");
  BOOST_TEST(CodeName(absl::UnavailableError("x")) == "IO");
  BOOST_TEST(CodeName(absl::UnauthenticatedError("x")) == "VERIFICATION_FAILED");
  BOOST_TEST(CodeName(absl::UnimplementedError("x")) == "UNSUPPORTED");
  BOOST_TEST(CodeName(absl::DataLossError("x")) == "DATA_LOSS");
  // Codes with no socle counterpart are reported as INTERNAL, never as OK.
  BOOST_TEST(CodeName(absl::UnknownError("x")) == "INTERNAL");
  BOOST_TEST(CodeName(absl::CancelledError("x")) == "INTERNAL");
  BOOST_TEST(CodeName(absl::AbortedError("x")) == "INTERNAL");
  BOOST_TEST(CodeName(absl::DeadlineExceededError("x")) == "INTERNAL");
}

BOOST_AUTO_TEST_CASE(a_foreign_payload_does_not_confuse_the_code) {
  // A status from another library that carries unrelated payloads maps by its canonical code.
  absl::Status status = absl::NotFoundError("x");
  status.SetPayload("type.example.com/other", absl::Cord("12"));
  BOOST_TEST(CodeName(status) == "NOT_FOUND");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
