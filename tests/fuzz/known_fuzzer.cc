// libFuzzer target for the known-identities parser (socle::ParseKnownIdentities, the format of
// `socle redact --known FILE` and socle_redactor_new_from_text): any bytes are parsed, and
// whatever parses builds a redactor that redacts a short note.
//
// Contracts checked (abort on failure):
//   - a refusal is PARSE and its message is one of the two fixed messages with a line number
//     (so it can never hold a value of the input);
//   - an accepted text gives identities with a known kind, a non-empty value without a line
//     break or surrounding ASCII spaces, and person numbers that start at 1 and grow by at most
//     one;
//   - writing the identities back in the format and parsing them again gives the same
//     identities;
//   - building a redactor from them either succeeds or fails cleanly, and a built one redacts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "socle/error.hpp"
#include "socle/redact.hpp"

namespace {

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "known_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

bool IsFixedMessage(absl::string_view message) {
  constexpr absl::string_view kPrefix = "known identities, line ";
  if (!absl::ConsumePrefix(&message, kPrefix)) return false;
  size_t digits = 0;
  while (digits < message.size() && absl::ascii_isdigit(message[digits])) ++digits;
  if (digits == 0) return false;
  message.remove_prefix(digits);
  return message ==
             ": unknown keyword (expected name, birth_name, usage_name, first_name, address, "
             "phone, email, nir, birth_date or person)" ||
         message == ": the keyword has no value";
}

const char* Keyword(socle::IdentityKind kind) {
  switch (kind) {
    case socle::IdentityKind::kName:
      return "name";
    case socle::IdentityKind::kFirstName:
      return "first_name";
    case socle::IdentityKind::kAddress:
      return "address";
    case socle::IdentityKind::kPhone:
      return "phone";
    case socle::IdentityKind::kEmail:
      return "email";
    case socle::IdentityKind::kNir:
      return "nir";
    case socle::IdentityKind::kBirthDate:
      return "birth_date";
  }
  Broken("identities have a known kind");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = socle::ParseKnownIdentities(input);
  if (!parsed.ok()) {
    Check(socle::ErrorCodeOf(parsed.status()) == socle::ErrorCode::kParse, "a refusal is PARSE");
    Check(IsFixedMessage(parsed.status().message()), "a refusal message is fixed text");
    return 0;
  }
  const std::vector<socle::KnownIdentity>& ids = *parsed;
  uint32_t person = 1;
  std::string written;
  for (const socle::KnownIdentity& id : ids) {
    Check(!id.value.empty(), "values are not empty");
    Check(id.value.find('\n') == std::string::npos, "values hold no line break");
    Check(!absl::ascii_isspace(static_cast<unsigned char>(id.value.front())) &&
              !absl::ascii_isspace(static_cast<unsigned char>(id.value.back())),
          "values are stripped");
    Check(id.person == person || id.person == person + 1, "persons grow by at most one");
    if (id.person != person) written += "person\n";
    person = id.person;
    written += Keyword(id.kind);
    written += ' ';
    written += id.value;
    written += '\n';
  }
  if (!ids.empty()) Check(ids.front().person == 1, "the first person is 1");

  auto again = socle::ParseKnownIdentities(written);
  Check(again.ok(), "written identities parse");
  Check(again->size() == ids.size(), "written identities parse to as many");
  for (size_t i = 0; i < ids.size(); ++i) {
    const socle::KnownIdentity& a = ids[i];
    const socle::KnownIdentity& b = (*again)[i];
    Check(a.kind == b.kind && a.value == b.value && a.person == b.person,
          "written identities parse to the same");
  }

  auto redactor = socle::Redactor::Create(ids);
  if (redactor.ok()) {
    const std::string out = redactor->Redact(input.substr(0, 256));
    Check(redactor->Redact(input.substr(0, 256)) == out, "redaction is deterministic");
  }
  return 0;
}
