#include "text/redact_fold.h"

namespace socle::redact_internal {
namespace {

constexpr uint8_t Sym(char c) {
  return (c >= 'a' && c <= 'z')   ? static_cast<uint8_t>(c - 'a')
         : (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c - 'A')
         : (c >= '0' && c <= '9') ? static_cast<uint8_t>(26 + c - '0')
                                  : kNoSymbol;
}

// U+00C0-U+017F (Latin-1 letters and Latin Extended-A): the ASCII letters each folds to, and
// whether it is upper case. {0, 0, 0} marks × and ÷, which are separators. Generated from
// Unicode's canonical decompositions, with the letters that have none spelled out (æ, œ, ß, ð,
// ø, đ, ħ, ı, ĳ, ĸ, ŀ, ł, ŉ, ŋ, ŧ, ſ, þ).
struct LatinFold {
  char a;
  char b;
  uint8_t upper;
};
// clang-format off
constexpr LatinFold kLatin[0x180 - 0xC0] = {
    {'a', 0, 1}, {'a', 0, 1}, {'a', 0, 1}, {'a', 0, 1}, {'a', 0, 1}, {'a', 0, 1},  // U+00C0
    {'a', 'e', 1}, {'c', 0, 1}, {'e', 0, 1}, {'e', 0, 1}, {'e', 0, 1}, {'e', 0, 1},  // U+00C6
    {'i', 0, 1}, {'i', 0, 1}, {'i', 0, 1}, {'i', 0, 1}, {'d', 0, 1}, {'n', 0, 1},  // U+00CC
    {'o', 0, 1}, {'o', 0, 1}, {'o', 0, 1}, {'o', 0, 1}, {'o', 0, 1}, {0, 0, 0},  // U+00D2
    {'o', 0, 1}, {'u', 0, 1}, {'u', 0, 1}, {'u', 0, 1}, {'u', 0, 1}, {'y', 0, 1},  // U+00D8
    {'t', 'h', 1}, {'s', 's', 0}, {'a', 0, 0}, {'a', 0, 0}, {'a', 0, 0}, {'a', 0, 0},  // U+00DE
    {'a', 0, 0}, {'a', 0, 0}, {'a', 'e', 0}, {'c', 0, 0}, {'e', 0, 0}, {'e', 0, 0},  // U+00E4
    {'e', 0, 0}, {'e', 0, 0}, {'i', 0, 0}, {'i', 0, 0}, {'i', 0, 0}, {'i', 0, 0},  // U+00EA
    {'d', 0, 0}, {'n', 0, 0}, {'o', 0, 0}, {'o', 0, 0}, {'o', 0, 0}, {'o', 0, 0},  // U+00F0
    {'o', 0, 0}, {0, 0, 0}, {'o', 0, 0}, {'u', 0, 0}, {'u', 0, 0}, {'u', 0, 0},  // U+00F6
    {'u', 0, 0}, {'y', 0, 0}, {'t', 'h', 0}, {'y', 0, 0}, {'a', 0, 1}, {'a', 0, 0},  // U+00FC
    {'a', 0, 1}, {'a', 0, 0}, {'a', 0, 1}, {'a', 0, 0}, {'c', 0, 1}, {'c', 0, 0},  // U+0102
    {'c', 0, 1}, {'c', 0, 0}, {'c', 0, 1}, {'c', 0, 0}, {'c', 0, 1}, {'c', 0, 0},  // U+0108
    {'d', 0, 1}, {'d', 0, 0}, {'d', 0, 1}, {'d', 0, 0}, {'e', 0, 1}, {'e', 0, 0},  // U+010E
    {'e', 0, 1}, {'e', 0, 0}, {'e', 0, 1}, {'e', 0, 0}, {'e', 0, 1}, {'e', 0, 0},  // U+0114
    {'e', 0, 1}, {'e', 0, 0}, {'g', 0, 1}, {'g', 0, 0}, {'g', 0, 1}, {'g', 0, 0},  // U+011A
    {'g', 0, 1}, {'g', 0, 0}, {'g', 0, 1}, {'g', 0, 0}, {'h', 0, 1}, {'h', 0, 0},  // U+0120
    {'h', 0, 1}, {'h', 0, 0}, {'i', 0, 1}, {'i', 0, 0}, {'i', 0, 1}, {'i', 0, 0},  // U+0126
    {'i', 0, 1}, {'i', 0, 0}, {'i', 0, 1}, {'i', 0, 0}, {'i', 0, 1}, {'i', 0, 0},  // U+012C
    {'i', 'j', 1}, {'i', 'j', 0}, {'j', 0, 1}, {'j', 0, 0}, {'k', 0, 1}, {'k', 0, 0},  // U+0132
    {'k', 0, 0}, {'l', 0, 1}, {'l', 0, 0}, {'l', 0, 1}, {'l', 0, 0}, {'l', 0, 1},  // U+0138
    {'l', 0, 0}, {'l', 0, 1}, {'l', 0, 0}, {'l', 0, 1}, {'l', 0, 0}, {'n', 0, 1},  // U+013E
    {'n', 0, 0}, {'n', 0, 1}, {'n', 0, 0}, {'n', 0, 1}, {'n', 0, 0}, {'n', 0, 0},  // U+0144
    {'n', 0, 1}, {'n', 0, 0}, {'o', 0, 1}, {'o', 0, 0}, {'o', 0, 1}, {'o', 0, 0},  // U+014A
    {'o', 0, 1}, {'o', 0, 0}, {'o', 'e', 1}, {'o', 'e', 0}, {'r', 0, 1}, {'r', 0, 0},  // U+0150
    {'r', 0, 1}, {'r', 0, 0}, {'r', 0, 1}, {'r', 0, 0}, {'s', 0, 1}, {'s', 0, 0},  // U+0156
    {'s', 0, 1}, {'s', 0, 0}, {'s', 0, 1}, {'s', 0, 0}, {'s', 0, 1}, {'s', 0, 0},  // U+015C
    {'t', 0, 1}, {'t', 0, 0}, {'t', 0, 1}, {'t', 0, 0}, {'t', 0, 1}, {'t', 0, 0},  // U+0162
    {'u', 0, 1}, {'u', 0, 0}, {'u', 0, 1}, {'u', 0, 0}, {'u', 0, 1}, {'u', 0, 0},  // U+0168
    {'u', 0, 1}, {'u', 0, 0}, {'u', 0, 1}, {'u', 0, 0}, {'u', 0, 1}, {'u', 0, 0},  // U+016E
    {'w', 0, 1}, {'w', 0, 0}, {'y', 0, 1}, {'y', 0, 0}, {'y', 0, 1}, {'z', 0, 1},  // U+0174
    {'z', 0, 0}, {'z', 0, 1}, {'z', 0, 0}, {'z', 0, 1}, {'z', 0, 0}, {'s', 0, 0},  // U+017A
};
// clang-format on

FoldedChar FoldCodepoint(uint32_t cp) {
  FoldedChar f;
  if (IsDefaultIgnorable(cp)) {
    f.cls = CharClass::kIgnorable;
    return f;
  }
  if (cp >= 0xC0 && cp < 0x180) {
    const LatinFold& l = kLatin[cp - 0xC0];
    if (l.a == 0) return f;  // × ÷
    f.cls = CharClass::kWord;
    f.sym[0] = Sym(l.a);
    f.count = 1;
    if (l.b != 0) {
      f.sym[1] = Sym(l.b);
      f.count = 2;
    }
    f.upper = l.upper != 0;
    return f;
  }
  // Latin-1 punctuation and symbols (no-break space, «, », °, …), C1 controls.
  if (cp < 0xC0) return f;
  // Spacing modifier letters (ʼ U+02BC is an apostrophe).
  if (cp >= 0x2B0 && cp <= 0x2FF) return f;
  // Combining marks: decomposed accents, variation selectors, tags.
  if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
      (cp >= 0xE0000 && cp <= 0xE01EF)) {
    f.cls = CharClass::kMark;
    return f;
  }
  // General punctuation (spaces, dashes, quotes ’ “ ”, …), currency, letterlike symbols,
  // arrows, mathematical and technical symbols, boxes, dingbats; CJK punctuation; BOM and
  // specials; emoji and pictographs.
  if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF ||
      (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0x1F000 && cp <= 0x1FAFF)) {
    return f;
  }
  f.cls = CharClass::kOther;
  return f;
}

}  // namespace

bool IsDefaultIgnorable(uint32_t cp) {
  if (cp < 0xAD) return false;
  return cp == 0xAD ||                         // soft hyphen
         cp == 0x34F ||                        // combining grapheme joiner
         cp == 0x61C ||                        // Arabic letter mark
         cp == 0x115F || cp == 0x1160 ||       // Hangul fillers
         cp == 0x17B4 || cp == 0x17B5 ||       // Khmer inherent vowels
         (cp >= 0x180B && cp <= 0x180F) ||     // Mongolian variation selectors, vowel separator
         (cp >= 0x200B && cp <= 0x200F) ||     // zero-width space, ZWNJ, ZWJ, LRM, RLM
         (cp >= 0x202A && cp <= 0x202E) ||     // bidi embeddings and overrides
         (cp >= 0x2060 && cp <= 0x206F) ||     // word joiner, invisible operators, bidi isolates
         cp == 0x3164 ||                       // Hangul filler
         (cp >= 0xFE00 && cp <= 0xFE0F) ||     // variation selectors
         cp == 0xFEFF ||                       // BOM, zero-width no-break space
         cp == 0xFFA0 ||                       // halfwidth Hangul filler
         (cp >= 0xFFF0 && cp <= 0xFFF8) ||     // unassigned specials
         (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||   // shorthand format controls
         (cp >= 0x1D173 && cp <= 0x1D17A) ||   // musical formatting
         (cp >= 0xE0000 && cp <= 0xE0FFF);     // tags, variation selectors supplement
}

// clang-format off
const uint8_t kAsciiSymbol[128] = {
#define S(c) Sym(c)
#define N kNoSymbol
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,  // 0x00
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,  // 0x10
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,  // 0x20 space and punctuation
    S('0'), S('1'), S('2'), S('3'), S('4'), S('5'), S('6'), S('7'),
    S('8'), S('9'), N, N, N, N, N, N,                 // 0x30
    N, S('a'), S('b'), S('c'), S('d'), S('e'), S('f'), S('g'),
    S('h'), S('i'), S('j'), S('k'), S('l'), S('m'), S('n'), S('o'),  // 0x40
    S('p'), S('q'), S('r'), S('s'), S('t'), S('u'), S('v'), S('w'),
    S('x'), S('y'), S('z'), N, N, N, N, N,            // 0x50
    N, S('a'), S('b'), S('c'), S('d'), S('e'), S('f'), S('g'),
    S('h'), S('i'), S('j'), S('k'), S('l'), S('m'), S('n'), S('o'),  // 0x60
    S('p'), S('q'), S('r'), S('s'), S('t'), S('u'), S('v'), S('w'),
    S('x'), S('y'), S('z'), N, N, N, N, N,            // 0x70
#undef S
#undef N
};
// clang-format on

size_t ValidUtf8Length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  const size_t avail = static_cast<size_t>(end - p);
  auto cont = [&](size_t i) { return i < avail && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

FoldedChar FoldAt(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) {
    FoldedChar f;
    const uint8_t s = kAsciiSymbol[c];
    if (s != kNoSymbol) {
      f.cls = CharClass::kWord;
      f.count = 1;
      f.sym[0] = s;
      f.upper = IsAsciiUpper(c);
    }
    return f;
  }
  const size_t len = ValidUtf8Length(p, end);
  if (len == 0) {
    FoldedChar f;
    f.cls = CharClass::kIgnorable;
    f.invalid = true;
    return f;
  }
  uint32_t cp;
  if (len == 2) {
    cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
  } else if (len == 3) {
    cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
  } else {
    cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
  }
  FoldedChar f = FoldCodepoint(cp);
  f.len = static_cast<uint8_t>(len);
  return f;
}

}  // namespace socle::redact_internal
