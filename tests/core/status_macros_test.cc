// SOCLE_RETURN_IF_ERROR and SOCLE_ASSIGN_OR_RETURN: early returns, single evaluation, moves.
#include "core/status_macros.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "socle/error.hpp"

namespace socle::core {
namespace {

// The name of the socle code carried by `status`, so failures print readably.
absl::string_view CodeName(const absl::Status& status) {
  return ErrorCodeName(ErrorCodeOf(status));
}

// Counts how a value travels: copies must never happen, moves may.
struct Tracked {
  explicit Tracked(int v) : value(v) {}
  Tracked(const Tracked& other) : value(other.value) { ++copies; }
  Tracked& operator=(const Tracked& other) {
    value = other.value;
    ++copies;
    return *this;
  }
  Tracked(Tracked&& other) noexcept : value(other.value) {
    other.value = -1;
    ++moves;
  }
  Tracked& operator=(Tracked&& other) noexcept {
    value = other.value;
    other.value = -1;
    ++moves;
    return *this;
  }
  int value;
  static inline int copies = 0;
  static inline int moves = 0;
  static void Reset() { copies = moves = 0; }
};

int g_calls = 0;

absl::Status Succeed() {
  ++g_calls;
  return absl::OkStatus();
}
absl::Status Fail(ErrorCode code) {
  ++g_calls;
  return MakeError(code, "failed on purpose");
}
absl::StatusOr<Tracked> MakeTracked(int v) {
  ++g_calls;
  return Tracked(v);
}
absl::StatusOr<Tracked> FailTracked() {
  ++g_calls;
  return MakeError(ErrorCode::kNotFound, "no such thing");
}
absl::StatusOr<std::unique_ptr<int>> MakeUnique(int v) { return std::make_unique<int>(v); }

// --- functions under test ---------------------------------------------------------------------

absl::Status ReturnIfErrorInStatus(bool fail, int* reached) {
  SOCLE_RETURN_IF_ERROR(Succeed());
  SOCLE_RETURN_IF_ERROR(fail ? Fail(ErrorCode::kIo) : Succeed());
  *reached = 1;
  return absl::OkStatus();
}

absl::StatusOr<int> ReturnIfErrorInStatusOr(bool fail) {
  SOCLE_RETURN_IF_ERROR(fail ? Fail(ErrorCode::kDataLoss) : Succeed());
  return 7;
}

absl::StatusOr<int> AssignDeclaration(bool fail) {
  SOCLE_ASSIGN_OR_RETURN(auto t, fail ? FailTracked() : MakeTracked(41));
  return t.value + 1;
}

absl::Status AssignExistingVariable(bool fail, Tracked* out) {
  Tracked local(0);
  SOCLE_ASSIGN_OR_RETURN(local, fail ? FailTracked() : MakeTracked(5));
  *out = std::move(local);
  return absl::OkStatus();
}

absl::Status AssignThroughPointer(Tracked* out) {
  SOCLE_ASSIGN_OR_RETURN(*out, MakeTracked(9));
  return absl::OkStatus();
}

// Two uses in one function must not clash (each expansion names its temporary by line).
absl::StatusOr<int> AssignTwice() {
  SOCLE_ASSIGN_OR_RETURN(auto a, MakeTracked(1));
  SOCLE_ASSIGN_OR_RETURN(auto b, MakeTracked(2));
  return a.value + b.value;
}

absl::StatusOr<int> AssignMoveOnly() {
  SOCLE_ASSIGN_OR_RETURN(std::unique_ptr<int> p, MakeUnique(3));
  return *p;
}

absl::StatusOr<std::string> AssignOrReturnFromStatusOrOfOtherType(bool fail) {
  SOCLE_ASSIGN_OR_RETURN(const Tracked t, fail ? FailTracked() : MakeTracked(12));
  return std::to_string(t.value);
}

BOOST_AUTO_TEST_SUITE(status_macros)

BOOST_AUTO_TEST_CASE(return_if_error_passes_ok_through) {
  g_calls = 0;
  int reached = 0;
  BOOST_TEST(ReturnIfErrorInStatus(false, &reached).ok());
  BOOST_TEST(reached == 1);
  BOOST_TEST(g_calls == 2);  // each expression evaluated exactly once
}

BOOST_AUTO_TEST_CASE(return_if_error_returns_the_error_unchanged) {
  g_calls = 0;
  int reached = 0;
  const absl::Status status = ReturnIfErrorInStatus(true, &reached);
  BOOST_TEST(CodeName(status) == "IO");
  BOOST_TEST(status.message() == "failed on purpose");
  BOOST_TEST(reached == 0);
  BOOST_TEST(g_calls == 2);
}

BOOST_AUTO_TEST_CASE(return_if_error_in_a_function_returning_statusor) {
  BOOST_TEST(*ReturnIfErrorInStatusOr(false) == 7);
  const absl::StatusOr<int> failed = ReturnIfErrorInStatusOr(true);
  BOOST_TEST(!failed.ok());
  BOOST_TEST(CodeName(failed.status()) == "DATA_LOSS");
}

BOOST_AUTO_TEST_CASE(assign_or_return_into_a_declaration_moves_the_value) {
  Tracked::Reset();
  g_calls = 0;
  const absl::StatusOr<int> result = AssignDeclaration(false);
  BOOST_TEST(result.ok());
  BOOST_TEST(*result == 42);
  BOOST_TEST(Tracked::copies == 0);
  BOOST_TEST(g_calls == 1);
}

BOOST_AUTO_TEST_CASE(assign_or_return_returns_the_error_of_a_declaration) {
  g_calls = 0;
  const absl::StatusOr<int> result = AssignDeclaration(true);
  BOOST_TEST(CodeName(result.status()) == "NOT_FOUND");
  BOOST_TEST(result.status().message() == "no such thing");
  BOOST_TEST(g_calls == 1);
}

BOOST_AUTO_TEST_CASE(assign_or_return_into_an_existing_variable) {
  Tracked::Reset();
  Tracked out(0);
  BOOST_TEST(AssignExistingVariable(false, &out).ok());
  BOOST_TEST(out.value == 5);
  BOOST_TEST(Tracked::copies == 0);

  Tracked untouched(99);
  const absl::Status status = AssignExistingVariable(true, &untouched);
  BOOST_TEST(CodeName(status) == "NOT_FOUND");
  BOOST_TEST(untouched.value == 99);  // nothing assigned on failure
}

BOOST_AUTO_TEST_CASE(assign_or_return_through_a_pointer) {
  Tracked::Reset();
  Tracked out(0);
  BOOST_TEST(AssignThroughPointer(&out).ok());
  BOOST_TEST(out.value == 9);
  BOOST_TEST(Tracked::copies == 0);
}

BOOST_AUTO_TEST_CASE(assign_or_return_twice_in_one_function) { BOOST_TEST(*AssignTwice() == 3); }

BOOST_AUTO_TEST_CASE(assign_or_return_with_a_move_only_type) { BOOST_TEST(*AssignMoveOnly() == 3); }

BOOST_AUTO_TEST_CASE(assign_or_return_converts_the_error_to_another_statusor) {
  BOOST_TEST(*AssignOrReturnFromStatusOrOfOtherType(false) == "12");
  const auto failed = AssignOrReturnFromStatusOrOfOtherType(true);
  BOOST_TEST(CodeName(failed.status()) == "NOT_FOUND");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::core
