// The tables the training mirror draws its fakes from (docs/training-mirror.md): French given
// names with their usual sex, surnames, street types and names, and a few dozen communes with
// their postcode and INSEE code. Plain constexpr data: no allocation, no initialisation order.
#ifndef SOCLE_SRC_EXPORT_FAKE_NAMES_H_
#define SOCLE_SRC_EXPORT_FAKE_NAMES_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace socle::mirror_internal {

enum class FakeSex { kMale, kFemale };

struct FakeGivenName {
  absl::string_view name;  // UTF-8, capitalised ("Hélène")
  FakeSex sex;
};

struct FakeCommune {
  absl::string_view postcode;  // 5 digits
  absl::string_view insee;     // the INSEE code (5 characters, 2A/2B in Corsica): NIR place
  absl::string_view name;      // UTF-8
};

absl::Span<const FakeGivenName> GivenNames();
absl::Span<const absl::string_view> Surnames();     // capitalised, ASCII or UTF-8
absl::Span<const absl::string_view> StreetTypes();  // "rue", "avenue"… (lower case)
absl::Span<const absl::string_view> StreetNames();  // "des Lilas", "Jean Jaurès"…
absl::Span<const FakeCommune> Communes();

}  // namespace socle::mirror_internal

#endif  // SOCLE_SRC_EXPORT_FAKE_NAMES_H_
