#include "text/redact_recognise.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "text/nir_internal.h"
#include "text/redact_fold.h"

namespace socle::redact_internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiLetter(c); }

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Separators inside phone numbers and IBANs: those of the NIR (space, no-break spaces, dot,
// dash).
size_t Separator(absl::string_view text, size_t pos) {
  return nir_internal::SeparatorAt(text, pos);
}

// Separators inside phone numbers: those above, and the slash (06/12/34/56/78).
size_t PhoneSeparator(absl::string_view text, size_t pos) {
  if (pos < text.size() && text[pos] == '/') return 1;
  return Separator(text, pos);
}

// Skips up to two phone separators; returns the new position and the kind of separator seen:
// '.', '-', '/' or ' ' for spaces of any width (0 if none).
size_t SkipSeparators(absl::string_view text, size_t pos, char* kind) {
  *kind = 0;
  for (int i = 0; i < 2; ++i) {
    const size_t len = PhoneSeparator(text, pos);
    if (len == 0) break;
    if (*kind == 0 || *kind == ' ') *kind = len == 1 ? text[pos] : ' ';
    pos += len;
  }
  return pos;
}

// ---- Phones ---------------------------------------------------------------------------------

// Reads `want` digits starting at text[pos] with separators between them. Dotted, dashed and
// slashed numbers are written in pairs (06.12.34.56.78), which keeps dates such as 03.04.2024
// out; spaced numbers may be grouped freely (0 800 123 456). Returns the end, or 0.
size_t ReadPhoneDigits(absl::string_view text, size_t pos, int want, bool first_nonzero,
                       int first_group_max) {
  int digits = 0;
  int group = 0;
  int group_index = 0;
  char style = 0;  // the separator of the number: ' ', '.', '-' (0 while unknown)
  size_t i = pos;
  while (true) {
    if (i >= text.size() || !IsDigit(text[i])) return 0;
    if (digits == 0 && first_nonzero && text[i] == '0') return 0;
    ++digits;
    ++group;
    ++i;
    if (digits == want) break;
    char kind = 0;
    const size_t next = SkipSeparators(text, i, &kind);
    if (next != i) {
      if (style == 0) style = kind;
      if (kind != style && !(style == ' ' || kind == ' ')) return 0;
      if (style == '.' || style == '-' || style == '/') {
        const int max = group_index == 0 ? first_group_max : 2;
        if (group > max || (group_index > 0 && group != 2)) return 0;
      }
      ++group_index;
      group = 0;
      i = next;
    }
  }
  if ((style == '.' || style == '-' || style == '/') && group_index > 0 && group != 2) return 0;
  if (IsWordByteAt(text, i)) return 0;
  return i;
}

// Whether a group of digits ends right before `pos`, one separator away ("2 85 03 75 111 222"):
// then the digits at `pos` continue a longer number and are not a phone number of their own.
bool AfterDigitGroup(absl::string_view text, size_t pos) {
  for (size_t len = 1; len <= 3 && len < pos; ++len) {
    const size_t sep = pos - len;
    if (PhoneSeparator(text, sep) == len && IsDigit(text[sep - 1])) return true;
  }
  return false;
}

// The overseas country codes that use French numbering (9 digits after the code), and France.
constexpr const char* kPhoneCountryCodes[] = {"262", "269", "508", "590", "594", "596", "33"};

}  // namespace

bool IsWordByteAt(absl::string_view text, size_t pos) {
  if (pos >= text.size()) return false;
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return IsAsciiAlnum(static_cast<char>(c));
  const FoldedChar f = FoldAt(Bytes(text) + pos, Bytes(text) + text.size());
  return f.cls == CharClass::kWord || f.cls == CharClass::kOther || f.cls == CharClass::kMark;
}

bool IsWordCharBefore(absl::string_view text, size_t pos) {
  if (pos == 0) return false;
  const unsigned char c = static_cast<unsigned char>(text[pos - 1]);
  if (c < 0x80) return IsAsciiAlnum(static_cast<char>(c));
  size_t lead = pos - 1;
  while (lead > 0 && pos - lead < 4 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) {
    --lead;
  }
  const FoldedChar f = FoldAt(Bytes(text) + lead, Bytes(text) + text.size());
  if (f.invalid || lead + f.len != pos) return false;
  return f.cls == CharClass::kWord || f.cls == CharClass::kOther || f.cls == CharClass::kMark;
}

ByteSpan MatchPhone(absl::string_view text, size_t pos) {
  ByteSpan none;
  if (pos >= text.size() || !IsDigit(text[pos])) return none;
  size_t begin = pos;
  size_t p = pos;
  bool international = false;
  if (pos > 0 && text[pos - 1] == '+') {
    begin = pos - 1;
    if (IsWordCharBefore(text, begin)) return none;
    international = true;
  } else {
    if (IsWordCharBefore(text, pos)) return none;
    if (pos + 1 < text.size() && text[pos] == '0' && text[pos + 1] == '0') {
      international = true;
      p = pos + 2;
      char kind;
      p = SkipSeparators(text, p, &kind);
    }
  }
  if (AfterDigitGroup(text, begin)) return none;
  if (international) {
    size_t code_len = 0;
    for (const char* code : kPhoneCountryCodes) {
      const size_t len = std::strlen(code);
      if (text.substr(p, len) == code) {
        code_len = len;
        break;
      }
    }
    if (code_len == 0) return none;
    p += code_len;
    char kind;
    p = SkipSeparators(text, p, &kind);
    if (text.substr(p, 3) == "(0)") {
      p = SkipSeparators(text, p + 3, &kind);
    } else if (p < text.size() && text[p] == '0') {
      // "+33 06 12 34 56 78": a national 0 kept by mistake.
      p = SkipSeparators(text, p + 1, &kind);
    }
    const size_t end = ReadPhoneDigits(text, p, 9, /*first_nonzero=*/true, /*first_group_max=*/3);
    if (end == 0) return none;
    return {begin, end};
  }
  if (text[pos] != '0') return none;
  // 0 then a non-zero digit, ten digits in all.
  size_t q = pos + 1;
  char kind;
  q = SkipSeparators(text, q, &kind);
  if (q >= text.size() || !IsDigit(text[q]) || text[q] == '0') return none;
  if (q == pos + 1) {
    // "06 12 34 56 78": the first group includes the 0.
    const size_t end = ReadPhoneDigits(text, pos, 10, false, 2);
    if (end == 0) return none;
    return {pos, end};
  }
  // "0 800 123 456": the 0 stands alone; only spaces are used that way.
  if (kind != ' ') return none;
  const size_t end = ReadPhoneDigits(text, q, 9, true, 3);
  if (end == 0) return none;
  return {pos, end};
}

// ---- E-mail ---------------------------------------------------------------------------------

ByteSpan MatchEmail(absl::string_view text, size_t at) {
  ByteSpan none;
  if (at >= text.size() || text[at] != '@') return none;
  auto local_char = [](char c) {
    return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  };
  size_t begin = at;
  while (begin > 0 && local_char(text[begin - 1]) && at - begin < 128) --begin;
  while (begin < at && (text[begin] == '.' || text[begin] == '-')) ++begin;
  if (begin == at) return none;
  // The domain: labels of letters, digits and dashes separated by dots, two labels at least,
  // the last one all letters. A dot that ends a sentence is not part of it.
  size_t i = at + 1;
  size_t end = 0;
  int labels = 0;
  while (i < text.size() && i - at < 256) {
    const size_t label_start = i;
    while (i < text.size() && (IsAsciiAlnum(text[i]) || text[i] == '-')) ++i;
    if (i == label_start || text[label_start] == '-' || text[i - 1] == '-') break;
    ++labels;
    const absl::string_view label = text.substr(label_start, i - label_start);
    const bool alpha = std::all_of(label.begin(), label.end(), IsAsciiLetter);
    if (labels >= 2 && alpha && label.size() >= 2) end = i;
    if (i + 1 < text.size() && text[i] == '.' && IsAsciiAlnum(text[i + 1])) {
      ++i;
      continue;
    }
    break;
  }
  if (end == 0) return none;
  if (IsWordByteAt(text, end)) return none;
  return {begin, end};
}

// ---- IBAN -----------------------------------------------------------------------------------

namespace {

struct IbanCountry {
  char code[3];
  uint8_t length;
};

// IBAN lengths of the SWIFT registry, for the countries a French social service meets.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CI", 28}, {"CM", 27}, {"CY", 28},
    {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DZ", 26}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27},
    {"GB", 22}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27}, {"LI", 21},
    {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MA", 28}, {"MC", 27}, {"MG", 27}, {"MT", 31}, {"NL", 18},
    {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"SN", 28}, {"TN", 24}, {"TR", 26}, {"UA", 29},
};

int IbanLength(char a, char b) {
  a = static_cast<char>(a & ~0x20);
  b = static_cast<char>(b & ~0x20);
  for (const IbanCountry& c : kIbanCountries) {
    if (c.code[0] == a && c.code[1] == b) return c.length;
  }
  return 0;
}

}  // namespace

bool IbanChecks(absl::string_view compact) {
  if (compact.size() < 5) return false;
  // Move the first four characters to the end, letters count as 10-35, then mod 97 == 1.
  int rem = 0;
  auto feed = [&rem](char c) {
    if (IsDigit(c)) {
      rem = (rem * 10 + (c - '0')) % 97;
    } else {
      const int v = (c & ~0x20) - 'A' + 10;
      rem = (rem * 100 + v) % 97;
    }
  };
  for (size_t i = 4; i < compact.size(); ++i) feed(compact[i]);
  for (size_t i = 0; i < 4; ++i) feed(compact[i]);
  return rem == 1;
}

ByteSpan MatchIban(absl::string_view text, size_t pos) {
  ByteSpan none;
  if (pos + 4 > text.size() || !IsAsciiLetter(text[pos]) || !IsAsciiLetter(text[pos + 1]) ||
      !IsDigit(text[pos + 2]) || !IsDigit(text[pos + 3])) {
    return none;
  }
  if (IsWordCharBefore(text, pos)) return none;
  const int length = IbanLength(text[pos], text[pos + 1]);
  if (length == 0) return none;
  std::array<char, 34> compact{};
  int n = 0;
  size_t i = pos;
  while (n < length) {
    if (i >= text.size() || !IsAsciiAlnum(text[i])) return none;
    compact[n++] = text[i++];
    if (n == length) break;
    if (i < text.size() && !IsAsciiAlnum(text[i])) {
      const size_t len = Separator(text, i);
      if (len == 0 || text[i] == '.') return none;
      i += len;
    }
  }
  if (IsWordByteAt(text, i)) return none;
  if (!IbanChecks(absl::string_view(compact.data(), n))) return none;
  return {pos, i};
}

// ---- Dates ----------------------------------------------------------------------------------

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int year, int month, bool year_known) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) return (!year_known || IsLeap(year)) ? 29 : 28;
  return kDays[month - 1];
}

// Reads 1 to `max` digits at text[*i]; returns the number of digits read.
int ReadNumber(absl::string_view text, size_t* i, int max, int* value) {
  int n = 0;
  *value = 0;
  while (*i < text.size() && n < max && IsDigit(text[*i])) {
    *value = *value * 10 + (text[*i] - '0');
    ++*i;
    ++n;
  }
  return n;
}

// Folds the word at text[i] (letters only, accents removed, lower case) into buf; returns the
// bytes consumed (0 if no letter).
size_t FoldWord(absl::string_view text, size_t i, char* buf, size_t cap, size_t* len) {
  const unsigned char* b = Bytes(text);
  const unsigned char* end = b + text.size();
  size_t p = i;
  *len = 0;
  while (p < text.size()) {
    const FoldedChar f = FoldAt(b + p, end);
    if (f.cls == CharClass::kMark) {
      p += f.len;
      continue;
    }
    if (f.cls != CharClass::kWord || f.sym[0] >= 26) break;
    for (int k = 0; k < f.count; ++k) {
      if (*len < cap) buf[*len] = SymbolChar(f.sym[k]);
      ++*len;
    }
    p += f.len;
  }
  return p - i;
}

int MonthFromName(absl::string_view w) {
  struct Name {
    const char* name;
    int month;
  };
  static constexpr Name kNames[] = {
      {"janvier", 1},  {"janv", 1},  {"fevrier", 2},   {"fevr", 2},      {"fev", 2},
      {"mars", 3},     {"avril", 4}, {"avr", 4},       {"mai", 5},       {"juin", 6},
      {"juillet", 7},  {"juil", 7},  {"aout", 8},      {"septembre", 9}, {"sept", 9},
      {"octobre", 10}, {"oct", 10},  {"novembre", 11}, {"nov", 11},      {"decembre", 12},
      {"dec", 12},
  };
  for (const Name& n : kNames) {
    if (w == n.name) return n.month;
  }
  return 0;
}

size_t SkipSpaces(absl::string_view text, size_t i) {
  for (int k = 0; k < 3; ++k) {
    const size_t len = Separator(text, i);
    if (len == 0 || text[i] == '.' || text[i] == '-') break;
    i += len;
  }
  return i;
}

}  // namespace

DateMatch MatchDate(absl::string_view text, size_t pos) {
  DateMatch m;
  if (pos >= text.size() || !IsDigit(text[pos]) || IsWordCharBefore(text, pos)) return m;
  size_t i = pos;
  int first = 0;
  const int first_digits = ReadNumber(text, &i, 4, &first);
  if (first_digits == 4) {
    // YYYY-MM-DD
    int month = 0;
    int day = 0;
    if (i < text.size() && text[i] == '-') {
      size_t j = i + 1;
      if (ReadNumber(text, &j, 2, &month) == 2 && j < text.size() && text[j] == '-') {
        ++j;
        if (ReadNumber(text, &j, 2, &day) == 2 && month >= 1 && month <= 12 && day >= 1 &&
            day <= DaysIn(first, month, true) && !IsWordByteAt(text, j)) {
          m.span = {pos, j};
          m.year = first;
          m.month = month;
          m.day = day;
        }
      }
    }
    return m;
  }
  if (first_digits > 2 || first < 1 || first > 31) return m;
  const int day = first;
  // D/M/Y with one separator used twice.
  if (i < text.size() && (text[i] == '/' || text[i] == '.' || text[i] == '-')) {
    const char sep = text[i];
    size_t j = i + 1;
    int month = 0;
    int year = 0;
    if (ReadNumber(text, &j, 2, &month) >= 1 && j < text.size() && text[j] == sep) {
      ++j;
      const int year_digits = ReadNumber(text, &j, 4, &year);
      const bool digit_follows = j < text.size() && IsDigit(text[j]);
      if ((year_digits == 4 || year_digits == 2) && !digit_follows && month >= 1 && month <= 12 &&
          day <= DaysIn(year, month, year_digits == 4) && !IsWordByteAt(text, j)) {
        m.span = {pos, j};
        m.year = year;
        m.month = month;
        m.day = day;
        m.two_digit_year = year_digits == 2;
      }
    }
    return m;
  }
  // "12 mars 1985", "1er janvier 1990".
  size_t j = i;
  if (day == 1 && j + 1 < text.size() && (text[j] | 0x20) == 'e' && (text[j + 1] | 0x20) == 'r') {
    j += 2;
  }
  const size_t after_day = SkipSpaces(text, j);
  if (after_day == j) return m;
  char word[16];
  size_t word_len = 0;
  const size_t consumed = FoldWord(text, after_day, word, sizeof word, &word_len);
  if (consumed == 0 || word_len > sizeof word) return m;
  const int month = MonthFromName(absl::string_view(word, word_len));
  if (month == 0) return m;
  j = after_day + consumed;
  if (j < text.size() && text[j] == '.') ++j;
  const size_t year_at = SkipSpaces(text, j);
  if (year_at == j) return m;
  size_t k = year_at;
  int year = 0;
  if (ReadNumber(text, &k, 4, &year) != 4 || (k < text.size() && IsDigit(text[k]))) return m;
  if (day > DaysIn(year, month, true) || IsWordByteAt(text, k)) return m;
  m.span = {pos, k};
  m.year = year;
  m.month = month;
  m.day = day;
  return m;
}

bool HasBirthContext(absl::string_view text, size_t pos) {
  // Tokenise a short window before the date, forwards, restarting at sentence ends and numbers.
  constexpr size_t kWindow = 96;
  constexpr int kMaxTokens = 6;
  size_t start = pos > kWindow ? pos - kWindow : 0;
  while (start < pos && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  struct Token {
    char folded[12];
    size_t len;
    bool accented;
  };
  std::array<Token, kMaxTokens> ring{};
  int count = 0;  // tokens kept (the last kMaxTokens)
  const unsigned char* b = Bytes(text);
  const unsigned char* end = b + pos;
  size_t i = start;
  bool restart_pending = false;
  while (i < pos) {
    const FoldedChar f = FoldAt(b + i, end);
    if (f.cls == CharClass::kSeparator) {
      const char c = text[i];
      if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n') restart_pending = true;
      i += f.len;
      continue;
    }
    // A word: fold it.
    if (restart_pending) {
      count = 0;
      restart_pending = false;
    }
    Token t{};
    bool digit = false;
    while (i < pos) {
      const FoldedChar w = FoldAt(b + i, end);
      if (w.cls == CharClass::kSeparator) break;
      if (w.cls == CharClass::kWord) {
        if (text[i] & 0x80) t.accented = true;
        for (int k = 0; k < w.count; ++k) {
          if (w.sym[k] >= 26) digit = true;
          if (t.len < sizeof t.folded) t.folded[t.len] = SymbolChar(w.sym[k]);
          ++t.len;
        }
      }
      i += w.len;
    }
    if (digit) {
      count = 0;  // a number (another date, an amount) breaks the context
      continue;
    }
    if (t.len > sizeof t.folded) t.len = sizeof t.folded + 1;  // too long to be a trigger
    if (count == kMaxTokens) {
      std::rotate(ring.begin(), ring.begin() + 1, ring.end());
      ring[kMaxTokens - 1] = t;
    } else {
      ring[count++] = t;
    }
  }
  auto word = [&](int k) {
    const Token& t = ring[k];
    return t.len <= sizeof t.folded ? absl::string_view(t.folded, t.len) : absl::string_view();
  };
  for (int k = 0; k < count; ++k) {
    const absl::string_view w = word(k);
    if (w == "naissance" || w == "naiss" || w == "ddn" || w == "dob" || w == "nee" || w == "nees") {
      return true;
    }
    if (w == "ne" || w == "nes") {
      if (ring[k].accented) return true;
      // Without its accent "ne" is also the negation: only "ne le", "ne(e) le" count.
      const int rest = count - k - 1;
      if (rest == 1 && word(k + 1) == "le") return true;
      if (rest == 2 && word(k + 1) == "e" && word(k + 2) == "le") return true;
    }
  }
  return false;
}

}  // namespace socle::redact_internal
