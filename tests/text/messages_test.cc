// No identifier in any error message: every failure path of the NIR, generalisation and
// redaction modules is taken with input that holds identifiers, and each message is searched for
// them (REQ-44, REQ-46: messages end up in logs).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "socle/generalise.hpp"
#include "socle/nir.hpp"
#include "socle/redact.hpp"

namespace socle {
namespace {

struct Failure {
  absl::Status status;
  std::vector<std::string> secrets;  // fragments of the input that must not be repeated
};

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& v) {
  return v.status();
}

absl::StatusOr<Redactor> CreateWith(IdentityKind kind, const std::string& value) {
  return Redactor::Create(
      {KnownIdentity{IdentityKind::kFirstName, "Lucas", 1}, KnownIdentity{kind, value, 2}});
}

BOOST_AUTO_TEST_SUITE(messages)

BOOST_AUTO_TEST_CASE(no_identifier_in_any_error_message) {
  const std::vector<Failure> failures = {
      {StatusOf(ParseNir("2 85 03 75 111 222 04")), {"850375", "85 03", "222", "04"}},
      {StatusOf(ParseNir("2 85 03 75 111 222")), {"850375", "85 03", "111"}},
      {StatusOf(ParseNir("5 85 03 75 111 222 03")), {"850375", "85 03", "111"}},
      {StatusOf(ParseNir("2 85 03 75 1x1 222 03")), {"850375", "85 03", "1x1"}},
      {StatusOf(NirKey("2 85 03 75 111")), {"850375", "85 03", "111"}},
      {StatusOf(ParseIsoDate("1985-02-30")), {"1985", "02-30"}},
      {StatusOf(ParseIsoDate("12/03/1985")), {"1985", "12/03"}},
      {StatusOf(AgeAt(absl::CivilDay(2030, 3, 12), absl::CivilDay(2024, 1, 1))), {"2030", "2024"}},
      {StatusOf(DepartementFromPostcode("20300")), {"20300", "203"}},
      {StatusOf(DepartementFromPostcode("98000")), {"98000"}},
      {StatusOf(DepartementFromPostcode("7501x")), {"7501"}},
      {StatusOf(DepartementFromInseeCode("99350")), {"99350", "350"}},
      {StatusOf(DepartementFromInseeCode("20004")), {"20004"}},
      {StatusOf(CreateWith(IdentityKind::kName, "X")), {"X"}},
      {StatusOf(CreateWith(IdentityKind::kFirstName, "Иван")), {"Иван"}},
      {StatusOf(CreateWith(IdentityKind::kNir, "2 85 03 75 111")), {"850375", "85 03", "111"}},
      {StatusOf(CreateWith(IdentityKind::kPhone, "06 12")), {"06", "12"}},
      {StatusOf(CreateWith(IdentityKind::kBirthDate, "12/03/1985")), {"1985", "12/03"}},
      {StatusOf(CreateWith(IdentityKind::kEmail, "@@")), {"@@"}},
      {StatusOf(CreateWith(IdentityKind::kAddress, std::string(300, 'a'))), {"aaaa"}},
      {StatusOf(ParseKnownIdentities("name Martin\nRose Martin\n")), {"Rose", "Martin"}},
      {StatusOf(ParseKnownIdentities("nir\n")), {"nir "}},
  };
  for (const Failure& f : failures) {
    BOOST_TEST_REQUIRE(!f.status.ok());
    const std::string message(f.status.message());
    BOOST_TEST(!message.empty());
    for (const std::string& secret : f.secrets) {
      BOOST_TEST(message.find(secret) == std::string::npos,
                 "'" << message << "' repeats part of its input");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
