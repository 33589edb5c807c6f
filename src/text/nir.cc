#include "socle/nir.hpp"

#include "text/nir_internal.h"
#include "socle/error.hpp"

namespace socle {
namespace nir_internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int TwoDigits(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }
int ThreeDigits(const char* p) { return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'); }

bool ValidSexDigit(char c) {
  return c == '1' || c == '2' || c == '3' || c == '4' || c == '7' || c == '8';
}

// A NIR may be glued to letters ("NIR185…", "n°SS185…", "…36cle"), which is how hurried notes
// write it, but not to digits: "41850578006084 36" is part of a longer number.
bool DigitBefore(absl::string_view text, size_t pos) { return pos > 0 && IsDigit(text[pos - 1]); }
bool DigitAt(absl::string_view text, size_t pos) { return pos < text.size() && IsDigit(text[pos]); }

// The length of the line break at text[pos] ("\n" or "\r\n"), or 0.
size_t LineBreakAt(absl::string_view text, size_t pos) {
  if (pos < text.size() && text[pos] == '\n') return 1;
  if (pos + 1 < text.size() && text[pos] == '\r' && text[pos + 1] == '\n') return 2;
  return 0;
}

}  // namespace

size_t SeparatorAt(absl::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c == ' ' || c == '.' || c == '-') return 1;
  if (c == 0xC2 && pos + 1 < text.size() && static_cast<unsigned char>(text[pos + 1]) == 0xA0) {
    return 2;  // U+00A0 no-break space
  }
  if (c == 0xE2 && pos + 2 < text.size() && static_cast<unsigned char>(text[pos + 1]) == 0x80) {
    const unsigned char c2 = static_cast<unsigned char>(text[pos + 2]);
    if (c2 == 0xAF || c2 == 0x89) return 3;  // U+202F narrow no-break space, U+2009 thin space
  }
  return 0;
}

int64_t BodyNumber(const char* body) {
  int64_t n = 0;
  for (size_t i = 0; i < kNirBodyLength; ++i) {
    char c = body[i];
    if (i == 6 && body[5] == '2' && (c == 'A' || c == 'B')) {
      // 2A counts as 19 and 2B as 18: replace the two characters.
      n = (n / 10) * 100 + (c == 'A' ? 19 : 18);
      continue;
    }
    if (!IsDigit(c)) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

NirCheck CheckNormalised(const std::array<char, kNirLength>& chars, Nir* out) {
  NirCheck check;
  const char* p = chars.data();
  const bool corsica = p[5] == '2' && (p[6] == 'A' || p[6] == 'B');
  for (size_t i = 0; i < kNirLength; ++i) {
    if (i == 6 && corsica) continue;
    if (!IsDigit(p[i])) {
      check.problem = NirProblem::kCharacter;
      return check;
    }
  }
  if (!ValidSexDigit(p[0])) {
    check.problem = NirProblem::kSex;
    return check;
  }
  const int64_t number = BodyNumber(p);
  const int key = TwoDigits(p + 13);
  if (number < 0 || key != 97 - static_cast<int>(number % 97)) {
    check.problem = NirProblem::kKey;
    return check;
  }

  uint32_t w = 0;
  if (p[0] != '1' && p[0] != '2') w |= static_cast<uint32_t>(NirWarning::kProvisional);
  const int month = TwoDigits(p + 3);
  if ((month >= 20 && month <= 42) || month >= 50) {
    w |= static_cast<uint32_t>(NirWarning::kMonthUnknown);
  } else if (month < 1 || month > 12) {
    w |= static_cast<uint32_t>(NirWarning::kMonthImplausible);
  }

  std::array<char, 4> place{};
  int commune = 0;
  if (corsica) {
    place = {p[5], p[6], 0, 0};
    commune = ThreeDigits(p + 7);
  } else {
    const int dep = TwoDigits(p + 5);
    if (dep == 97 || dep == 98) {
      // Overseas: a 3-digit département or collectivity and a 2-digit commune.
      place = {p[5], p[6], p[7], 0};
      const int code = ThreeDigits(p + 5);
      const bool known = (code >= 971 && code <= 978) || (code >= 984 && code <= 988);
      if (!known) w |= static_cast<uint32_t>(NirWarning::kPlaceImplausible);
      commune = TwoDigits(p + 8);
    } else {
      place = {p[5], p[6], 0, 0};
      commune = ThreeDigits(p + 7);
      if (dep == 0) w |= static_cast<uint32_t>(NirWarning::kPlaceImplausible);
      if (dep == 99 && commune == 0) w |= static_cast<uint32_t>(NirWarning::kPlaceImplausible);
    }
  }
  if (commune == 0 && !(place[0] == '9' && place[1] == '9' && place[2] == 0)) {
    w |= static_cast<uint32_t>(NirWarning::kCommuneZero);
  }
  const int order = ThreeDigits(p + 10);
  if (order == 0) w |= static_cast<uint32_t>(NirWarning::kOrderZero);

  check.warnings = w;
  if (out != nullptr) {
    out->chars = chars;
    out->sex_digit = p[0] - '0';
    out->sex = (out->sex_digit % 2 == 1) ? NirSex::kMale : NirSex::kFemale;
    out->birth_year = TwoDigits(p + 1);
    out->birth_month = month;
    out->place = place;
    out->commune = commune;
    out->order = order;
    out->key = key;
    out->warnings = w;
  }
  return check;
}

size_t MatchAt(absl::string_view text, size_t pos) {
  if (pos >= text.size() || !ValidSexDigit(text[pos]) || DigitBefore(text, pos)) return 0;
  std::array<char, kNirLength> chars{};
  size_t i = pos;
  size_t n = 0;
  while (true) {
    const char c = text[i];
    const bool corsican_letter =
        n == 6 && chars[5] == '2' && (c == 'A' || c == 'B' || c == 'a' || c == 'b');
    if (!IsDigit(c) && !corsican_letter) return 0;
    chars[n++] = corsican_letter ? static_cast<char>(c & ~0x20) : c;
    ++i;
    if (n == kNirLength) break;
    // Up to two separators between characters ("1 85 05", "1. 85", "1 - 85"), and one line
    // break ("… 123\n045 17": a number split across two lines).
    int separators = 0;
    bool line_break = false;
    while (i < text.size()) {
      size_t len = SeparatorAt(text, i);
      if (len == 0 && text[i] == '\t') len = 1;
      if (len != 0 && separators < 2) {
        ++separators;
        i += len;
        continue;
      }
      const size_t br = LineBreakAt(text, i);
      if (br != 0 && !line_break) {
        line_break = true;
        i += br;
        continue;
      }
      break;
    }
    if (i >= text.size()) return 0;
  }
  if (DigitAt(text, i)) return 0;
  return CheckNormalised(chars, nullptr).ok() ? i : 0;
}

}  // namespace nir_internal

namespace {

// Strips separators and upper-cases 2a/2b into `chars`. kLength when the result is not `want`
// characters (15 for a NIR, 13 for a body), kCharacter for anything that is neither a separator
// nor a candidate character.
NirProblem Normalise(absl::string_view text, std::array<char, kNirLength>* chars,
                     size_t want = kNirLength) {
  size_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t sep = nir_internal::SeparatorAt(text, i);
    if (sep != 0) {
      i += sep;
      continue;
    }
    char c = text[i];
    if (c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == 'a' || c == 'b') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= '0' && c <= '9') || c == 'A' || c == 'B')) return NirProblem::kCharacter;
    if (n == want) return NirProblem::kLength;
    (*chars)[n++] = c;
    ++i;
  }
  return n == want ? NirProblem::kNone : NirProblem::kLength;
}

absl::Status ProblemStatus(NirProblem problem) {
  switch (problem) {
    case NirProblem::kLength:
      return MakeError(ErrorCode::kInvalidArgument,
                       "NIR: not 15 characters (13 and a 2-digit key) once separators are removed");
    case NirProblem::kCharacter:
      return MakeError(ErrorCode::kInvalidArgument,
                       "NIR: unexpected character (only digits, and 2A/2B at positions 6-7)");
    case NirProblem::kSex:
      return MakeError(ErrorCode::kInvalidArgument,
                       "NIR: the first digit is not a sex digit (1, 2, 3, 4, 7 or 8)");
    case NirProblem::kKey:
      return MakeError(ErrorCode::kInvalidArgument, "NIR: wrong key");
    case NirProblem::kNone:
      break;
  }
  return MakeError(ErrorCode::kInternal, "NIR: unexpected problem");
}

}  // namespace

absl::string_view NirProblemName(NirProblem problem) {
  switch (problem) {
    case NirProblem::kNone:
      return "none";
    case NirProblem::kLength:
      return "length";
    case NirProblem::kCharacter:
      return "character";
    case NirProblem::kSex:
      return "sex";
    case NirProblem::kKey:
      return "key";
  }
  return "unknown";
}

NirCheck CheckNir(absl::string_view text) {
  std::array<char, kNirLength> chars{};
  NirCheck check;
  check.problem = Normalise(text, &chars);
  if (!check.ok()) return check;
  return nir_internal::CheckNormalised(chars, nullptr);
}

absl::StatusOr<Nir> ParseNir(absl::string_view text) {
  std::array<char, kNirLength> chars{};
  const NirProblem problem = Normalise(text, &chars);
  if (problem != NirProblem::kNone) return ProblemStatus(problem);
  Nir nir;
  const NirCheck check = nir_internal::CheckNormalised(chars, &nir);
  if (!check.ok()) return ProblemStatus(check.problem);
  return nir;
}

absl::StatusOr<int> NirKey(absl::string_view body) {
  std::array<char, kNirLength> chars{};
  const NirProblem problem = Normalise(body, &chars, kNirBodyLength);
  if (problem != NirProblem::kNone) {
    if (problem == NirProblem::kLength) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "NIR body: not 13 characters once separators are removed");
    }
    return ProblemStatus(problem);
  }
  const int64_t number = nir_internal::BodyNumber(chars.data());
  if (number < 0) return ProblemStatus(NirProblem::kCharacter);
  return 97 - static_cast<int>(number % 97);
}

std::vector<NirSpan> FindNirs(absl::string_view text) {
  std::vector<NirSpan> spans;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c >= '1' && c <= '8') {
      const size_t end = nir_internal::MatchAt(text, i);
      if (end != 0) {
        spans.push_back({i, end});
        i = end;
        continue;
      }
    }
    ++i;
  }
  return spans;
}

}  // namespace socle
