// The text helpers of the training mirror: fiction phones, fake NIRs, folding and the date
// shifter (see mirror.h).
#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "export/mirror.h"
#include "socle/nir.hpp"
#include "text/redact_fold.h"

namespace socle::mirror_internal {
namespace {

constexpr absl::string_view kFictionBlocks[] = {"019900", "026191", "035301",
                                                "046571", "053649", "063998"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Appends text[pos, pos + n) with every invalid UTF-8 sequence replaced by U+FFFD.
void AppendSanitised(absl::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const auto* run = p;
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const size_t n = redact_internal::ValidUtf8Length(p, end);
    if (n == 0) {
      out->append(reinterpret_cast<const char*>(run), static_cast<size_t>(p - run));
      out->append("\xEF\xBF\xBD");
      ++p;
      run = p;
    } else {
      p += n;
    }
  }
  out->append(reinterpret_cast<const char*>(run), static_cast<size_t>(p - run));
}

struct MonthName {
  absl::string_view accented;
  absl::string_view plain;  // the same without accents
};
constexpr MonthName kMonths[12] = {
    {"janvier", "janvier"}, {"février", "fevrier"},   {"mars", "mars"},
    {"avril", "avril"},     {"mai", "mai"},           {"juin", "juin"},
    {"juillet", "juillet"}, {"août", "aout"},         {"septembre", "septembre"},
    {"octobre", "octobre"}, {"novembre", "novembre"}, {"décembre", "decembre"}};

enum class Case { kLower, kCapital, kUpper };

// UTF-8 upper case of the letters the month names and the fake names use (ASCII, Latin-1, œ).
std::string Upper(absl::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'a' && c <= 'z') {
      out[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) out[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    } else if (c == 0xC5 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) == 0x93) {
      out[i + 1] = static_cast<char>(0x92);
      ++i;
    }
  }
  return out;
}

std::string WithCase(absl::string_view lower, Case c) {
  switch (c) {
    case Case::kLower:
      return std::string(lower);
    case Case::kUpper:
      return Upper(lower);
    case Case::kCapital: {
      // The first character only (ASCII or a 2-byte Latin-1 letter).
      const size_t n = !lower.empty() && static_cast<unsigned char>(lower[0]) >= 0x80 ? 2 : 1;
      return absl::StrCat(Upper(lower.substr(0, n)), lower.substr(std::min(n, lower.size())));
    }
  }
  return std::string(lower);
}

// A month name at text[pos] on a word boundary: its index (0-11), its length in bytes, its case
// and whether it was written with its accents.
struct MonthMatch {
  int month = -1;
  size_t length = 0;
  Case letter_case = Case::kLower;
  bool accented = true;
};

bool StartsWithFolded(absl::string_view text, size_t pos, absl::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    const auto a = static_cast<unsigned char>(text[pos + i]);
    const auto b = static_cast<unsigned char>(word[i]);
    if (a == b) continue;
    if (b >= 'a' && b <= 'z' && a == b - 32) continue;
    // É/é, Û/û: the second byte of a Latin-1 letter, upper or lower.
    if (i > 0 && static_cast<unsigned char>(word[i - 1]) == 0xC3 && a + 0x20 == b) continue;
    return false;
  }
  return true;
}

MonthMatch MatchMonth(absl::string_view text, size_t pos) {
  MonthMatch m;
  // Every month name starts with one of these letters: most words stop here.
  switch (text[pos] | 0x20) {
    case 'j':
    case 'f':
    case 'm':
    case 'a':
    case 's':
    case 'o':
    case 'n':
    case 'd':
      break;
    default:
      return m;
  }
  for (int k = 0; k < 12; ++k) {
    for (const bool accented : {true, false}) {
      const absl::string_view w = accented ? kMonths[k].accented : kMonths[k].plain;
      if (!accented && w == kMonths[k].accented) continue;
      if (!StartsWithFolded(text, pos, w)) continue;
      const size_t end = pos + w.size();
      // A word boundary after: not a letter (ASCII or any non-ASCII byte).
      if (end < text.size() &&
          (IsAsciiLetter(text[end]) || static_cast<unsigned char>(text[end]) >= 0x80 ||
           IsDigit(text[end]))) {
        continue;
      }
      m.month = k;
      m.length = w.size();
      m.accented = accented;
      const bool first_upper = text[pos] >= 'A' && text[pos] <= 'Z';
      const bool second_upper = w.size() > 1 && text[pos + 1] >= 'A' && text[pos + 1] <= 'Z';
      m.letter_case = first_upper ? (second_upper ? Case::kUpper : Case::kCapital) : Case::kLower;
      return m;
    }
  }
  return m;
}

// Reads 1 to `max` digits at text[*pos]; false if none.
bool ReadNumber(absl::string_view text, size_t* pos, size_t max, int* value, size_t* width) {
  size_t i = *pos;
  int v = 0;
  while (i < text.size() && i - *pos < max && IsDigit(text[i])) v = v * 10 + (text[i++] - '0');
  if (i == *pos) return false;
  *width = i - *pos;
  *value = v;
  *pos = i;
  return true;
}

bool ValidDay(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1 || y > 9999) return false;
  const absl::CivilDay day(y, m, d);
  return day.year() == y && day.month() == m && day.day() == d;
}

int ExpandYear(int yy, int context_year) {
  const int century = context_year - context_year % 100;
  return yy <= context_year % 100 ? century + yy : century - 100 + yy;
}

std::string Pad(int v, size_t width) {
  return width >= 2 ? absl::StrFormat("%02d", v) : absl::StrCat(v);
}

size_t SkipSpaces(absl::string_view text, size_t pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return pos;
}

// Tries a date at text[pos] (pos starts a number or a word). On success appends it, moved, to
// `out` and returns the byte after it; otherwise returns pos.
size_t TryDate(absl::string_view text, size_t pos, int days, int context_year, std::string* out) {
  if (IsDigit(text[pos])) {
    // ISO: YYYY-MM-DD.
    if (pos + 10 <= text.size() && text[pos + 4] == '-' && text[pos + 7] == '-' &&
        (pos + 10 == text.size() || !IsDigit(text[pos + 10]))) {
      const absl::string_view s = text.substr(pos, 10);
      if (auto d = ParseIsoDay(s)) {
        const absl::CivilDay moved = *d + days;
        absl::StrAppendFormat(out, "%04d-%02d-%02d", moved.year(), moved.month(), moved.day());
        return pos + 10;
      }
    }
    size_t i = pos;
    int day = 0;
    size_t day_width = 0;
    if (!ReadNumber(text, &i, 2, &day, &day_width) || (i < text.size() && IsDigit(text[i]))) {
      return pos;
    }
    // Numeric: D/M/Y with one separator repeated.
    if (i < text.size() && (text[i] == '/' || text[i] == '.' || text[i] == '-')) {
      const char sep = text[i];
      size_t j = i + 1;
      int month = 0, year = 0;
      size_t month_width = 0, year_width = 0;
      if (!ReadNumber(text, &j, 2, &month, &month_width) || j >= text.size() || text[j] != sep) {
        return pos;
      }
      ++j;
      if (!ReadNumber(text, &j, 4, &year, &year_width) || (j < text.size() && IsDigit(text[j]))) {
        return pos;
      }
      if (year_width == 2 && sep == '/') {
        year = ExpandYear(year, context_year);
      } else if (year_width != 4) {
        return pos;
      }
      if (!ValidDay(year, month, day)) return pos;
      const absl::CivilDay moved = absl::CivilDay(year, month, day) + days;
      absl::StrAppend(out, Pad(moved.day(), day_width), std::string(1, sep),
                      Pad(moved.month(), month_width), std::string(1, sep),
                      year_width == 2 ? absl::StrFormat("%02d", moved.year() % 100)
                                      : absl::StrFormat("%04d", moved.year()));
      return j;
    }
    // Textual: "12 mars 2024", "1er mars", "12 MARS".
    size_t j = i;
    if (day == 1 && j + 1 < text.size() && (text[j] == 'e' || text[j] == 'E') &&
        (text[j + 1] == 'r' || text[j + 1] == 'R')) {
      j += 2;
    }
    const size_t month_pos = SkipSpaces(text, j);
    if (month_pos == j || month_pos >= text.size() || month_pos - j > 2) return pos;
    const MonthMatch m = MatchMonth(text, month_pos);
    if (m.month < 0) return pos;
    size_t end = month_pos + m.length;
    int year = context_year;
    bool has_year = false;
    const size_t year_pos = SkipSpaces(text, end);
    if (year_pos > end && year_pos - end <= 2) {
      size_t k = year_pos;
      int y = 0;
      size_t width = 0;
      if (ReadNumber(text, &k, 4, &y, &width) && width == 4 &&
          (k == text.size() || !IsDigit(text[k]))) {
        year = y;
        has_year = true;
        end = k;
      }
    }
    if (!ValidDay(year, m.month + 1, day)) return pos;
    const absl::CivilDay moved = absl::CivilDay(year, m.month + 1, day) + days;
    const MonthName& name = kMonths[moved.month() - 1];
    absl::StrAppend(out, moved.day() == 1 ? "1er" : absl::StrCat(moved.day()), " ",
                    WithCase(m.accented ? name.accented : name.plain, m.letter_case));
    if (has_year) absl::StrAppend(out, " ", moved.year());
    return end;
  }
  // "mars 2024": a month and a year, moved by the 15th of the month.
  const MonthMatch m = MatchMonth(text, pos);
  if (m.month < 0) return pos;
  const size_t year_pos = SkipSpaces(text, pos + m.length);
  if (year_pos == pos + m.length || year_pos - (pos + m.length) > 2) return pos;
  size_t k = year_pos;
  int y = 0;
  size_t width = 0;
  if (!ReadNumber(text, &k, 4, &y, &width) || width != 4 || (k < text.size() && IsDigit(text[k]))) {
    return pos;
  }
  if (!ValidDay(y, m.month + 1, 15)) return pos;
  const absl::CivilDay moved = absl::CivilDay(y, m.month + 1, 15) + days;
  const MonthName& name = kMonths[moved.month() - 1];
  absl::StrAppend(out, WithCase(m.accented ? name.accented : name.plain, m.letter_case), " ",
                  moved.year());
  return k;
}

}  // namespace

absl::Span<const absl::string_view> FictionPhoneBlocks() { return kFictionBlocks; }

std::string PhoneDigits(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (IsDigit(c)) digits.push_back(c);
  }
  const bool plus = absl::StrContains(text, '+');
  if (plus && digits.size() == 11 && absl::StartsWith(digits, "33")) {
    return absl::StrCat("0", digits.substr(2));
  }
  if (digits.size() == 13 && absl::StartsWith(digits, "0033")) {
    return absl::StrCat("0", digits.substr(4));
  }
  // "+33 (0)6 …": the trunk zero written in brackets.
  if (plus && digits.size() == 12 && absl::StartsWith(digits, "330")) return digits.substr(2);
  return digits;
}

bool IsFictionPhone(absl::string_view text) {
  const std::string d = PhoneDigits(text);
  if (d.size() != 10) return false;
  for (absl::string_view block : kFictionBlocks) {
    if (absl::StartsWith(d, block)) return true;
  }
  return false;
}

std::string MakeFakeNir(int sex_digit, int year2, int month, absl::string_view insee) {
  std::string body = absl::StrFormat("%d%02d%02d", sex_digit, year2 % 100, month % 100);
  body += std::string(insee.substr(0, 5));
  body += "000";
  const absl::StatusOr<int> key = NirKey(body);
  // The callers give a sex digit, a year, a month and a table's INSEE code: the body is always
  // 13 valid characters; a key of 0 would only come from a broken table.
  return absl::StrFormat("%s%02d", body, key.ok() ? *key : 0);
}

std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (size_t i = 0; i < lengths[f]; ++i) {
      const char c = text[starts[f] + i];
      if (!IsDigit(c)) return std::nullopt;
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  if (!ValidDay(v[0], v[1], v[2])) return std::nullopt;
  return absl::CivilDay(v[0], v[1], v[2]);
}

size_t ShiftDates(absl::string_view text, int days, int context_year, std::string* out) {
  size_t count = 0;
  size_t copied = 0;  // text[copied, i) is still to be appended
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts_word = i == 0 || !(IsDigit(text[i - 1]) || IsAsciiLetter(text[i - 1]) ||
                                         static_cast<unsigned char>(text[i - 1]) >= 0x80);
    if (starts_word && (IsDigit(c) || IsAsciiLetter(c))) {
      std::string moved;
      const size_t end = TryDate(text, i, days, context_year, &moved);
      if (end > i) {
        AppendSanitised(text.substr(copied, i - copied), out);
        out->append(moved);
        ++count;
        i = end;
        copied = end;
        continue;
      }
    }
    ++i;
  }
  AppendSanitised(text.substr(copied), out);
  return count;
}

std::vector<std::string> FoldWords(absl::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const redact_internal::FoldedChar f = redact_internal::FoldAt(p, end);
    p += f.len;
    switch (f.cls) {
      case redact_internal::CharClass::kWord:
        for (int k = 0; k < f.count; ++k) word.push_back(redact_internal::SymbolChar(f.sym[k]));
        break;
      case redact_internal::CharClass::kSeparator:
        if (!word.empty()) words.push_back(std::move(word));
        word.clear();
        break;
      default:
        break;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace socle::mirror_internal
