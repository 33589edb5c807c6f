// libFuzzer target for the NIR parser and the generalisation parsers: any bytes go through
// CheckNir, ParseNir, NirKey, FindNirs, ParseIsoDate and the département lookups, which must
// never crash and must agree with each other.
//
// Contracts checked (abort on failure):
//   - CheckNir and ParseNir accept the same inputs and report the same problem;
//   - a parsed NIR is 15 normalised characters that parse again to the same fields, and its key
//     is NirKey of its first 13 characters;
//   - every span FindNirs reports is a valid NIR, and spans are ordered and disjoint;
//   - a date ParseIsoDate accepts prints back as itself; départements are 2 or 3 characters;
//   - no error message repeats a digit run of the input (messages never hold identifiers).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "socle/generalise.hpp"
#include "socle/nir.hpp"

namespace {

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "nir_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

// The longest run of digits in `text` (at least 4 long), or "".
std::string LongestDigitRun(absl::string_view text) {
  std::string best;
  std::string run;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      run.push_back(c);
      if (run.size() > best.size()) best = run;
    } else {
      run.clear();
    }
  }
  return best.size() >= 4 ? best : std::string();
}

void CheckMessage(const absl::Status& status, absl::string_view input) {
  const std::string digits = LongestDigitRun(input);
  if (digits.empty()) return;
  Check(std::string(status.message()).find(digits) == std::string::npos,
        "an error message repeats digits of its input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  const socle::NirCheck check = socle::CheckNir(text);
  const absl::StatusOr<socle::Nir> parsed = socle::ParseNir(text);
  Check(check.ok() == parsed.ok(), "CheckNir and ParseNir agree");
  if (parsed.ok()) {
    const socle::Nir& nir = *parsed;
    Check(nir.view().size() == socle::kNirLength, "a NIR is 15 characters");
    Check(check.warnings == nir.warnings, "CheckNir and ParseNir warn alike");
    const absl::StatusOr<socle::Nir> again = socle::ParseNir(nir.view());
    Check(again.ok() && again->view() == nir.view() && again->key == nir.key &&
              again->warnings == nir.warnings && again->place_code() == nir.place_code(),
          "a normalised NIR parses to itself");
    const absl::StatusOr<int> key = socle::NirKey(nir.view().substr(0, socle::kNirBodyLength));
    Check(key.ok() && *key == nir.key, "the key is NirKey of the body");
    Check(nir.key >= 1 && nir.key <= 97, "keys are 1-97");
    Check(nir.sex_digit == 1 || nir.sex_digit == 2 || nir.sex_digit == 3 || nir.sex_digit == 4 ||
              nir.sex_digit == 7 || nir.sex_digit == 8,
          "the sex digit is valid");
  } else {
    Check(check.problem != socle::NirProblem::kNone, "a refused NIR has a problem");
    CheckMessage(parsed.status(), text);
  }
  const absl::StatusOr<int> body_key = socle::NirKey(text);
  if (!body_key.ok()) CheckMessage(body_key.status(), text);

  size_t last_end = 0;
  for (const socle::NirSpan& span : socle::FindNirs(text)) {
    Check(span.begin >= last_end && span.begin < span.end && span.end <= text.size(),
          "NIR spans are ordered, disjoint and inside the text");
    Check(socle::CheckNir(text.substr(span.begin, span.end - span.begin)).ok(),
          "a NIR found in text is valid");
    last_end = span.end;
  }

  const absl::StatusOr<absl::CivilDay> day = socle::ParseIsoDate(text);
  if (day.ok()) {
    const std::string printed =
        absl::StrFormat("%04d-%02d-%02d", day->year(), day->month(), day->day());
    Check(printed == absl::StripAsciiWhitespace(text), "a parsed date prints back as itself");
    Check(socle::GeneraliseDate(*day, socle::DateGranularity::kMonth) == printed.substr(0, 7),
          "a date generalises to its month");
  } else {
    CheckMessage(day.status(), text);
  }
  for (const auto& dep :
       {socle::DepartementFromPostcode(text), socle::DepartementFromInseeCode(text)}) {
    if (dep.ok()) {
      Check(dep->size() == 2 || dep->size() == 3, "a département is 2 or 3 characters");
    } else {
      CheckMessage(dep.status(), text);
    }
  }
  return 0;
}
