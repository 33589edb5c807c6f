// The text format of known identities (socle redact --known FILE); see socle/redact.hpp.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "socle/error.hpp"
#include "socle/redact.hpp"

namespace socle {
namespace {

struct Keyword {
  absl::string_view word;
  IdentityKind kind;
};

constexpr Keyword kKeywords[] = {
    {"name", IdentityKind::kName},
    {"birth_name", IdentityKind::kName},
    {"usage_name", IdentityKind::kName},
    {"first_name", IdentityKind::kFirstName},
    {"address", IdentityKind::kAddress},
    {"phone", IdentityKind::kPhone},
    {"email", IdentityKind::kEmail},
    {"nir", IdentityKind::kNir},
    {"birth_date", IdentityKind::kBirthDate},
};

}  // namespace

absl::StatusOr<std::vector<KnownIdentity>> ParseKnownIdentities(absl::string_view text) {
  std::vector<KnownIdentity> identities;
  uint32_t person = 1;
  bool person_used = false;
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find_first_of(" \t");
    absl::string_view keyword = line.substr(0, space);
    const absl::string_view value = space == absl::string_view::npos
                                        ? absl::string_view()
                                        : absl::StripAsciiWhitespace(line.substr(space + 1));
    if (!keyword.empty() && keyword.back() == ':') keyword.remove_suffix(1);
    if (keyword == "person") {
      if (person_used) ++person;
      person_used = false;
      continue;
    }
    const Keyword* found = nullptr;
    for (const Keyword& k : kKeywords) {
      if (k.word == keyword) found = &k;
    }
    // The messages give the line number only: a line with a typo may well be an identity.
    if (found == nullptr) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("known identities, line ", line_number,
                                    ": unknown keyword (expected name, birth_name, usage_name, "
                                    "first_name, address, phone, email, nir, birth_date or "
                                    "person)"));
    }
    if (value.empty()) {
      return MakeError(ErrorCode::kParse, absl::StrCat("known identities, line ", line_number,
                                                       ": the keyword has no value"));
    }
    KnownIdentity id;
    id.kind = found->kind;
    id.value = std::string(value);
    id.person = person;
    identities.push_back(std::move(id));
    person_used = true;
  }
  return identities;
}

}  // namespace socle
