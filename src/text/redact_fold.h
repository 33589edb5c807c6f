// Folding of UTF-8 text for the redactor: every character becomes 0, 1 or 2 symbols of a
// 36-letter alphabet (a-z, 0-9) with case and accents removed ("É" -> e, "œ" -> oe, "ß" -> ss),
// or a separator (spaces, punctuation, apostrophes, dashes), or a word character that matches
// nothing (other scripts), or a combining mark (ignored, so NFD text folds like NFC text), or a
// default-ignorable code point (soft hyphen, zero-width spaces and joiners, word joiner, BOM,
// bidi controls, variation selectors, tags…: invisible, so the scanner removes them before
// matching; see Matcher::FindSpans).
#ifndef SOCLE_SRC_TEXT_REDACT_FOLD_H_
#define SOCLE_SRC_TEXT_REDACT_FOLD_H_

#include <cstddef>
#include <cstdint>

namespace socle::redact_internal {

inline constexpr int kSymbolCount = 36;  // 0-25: a-z, 26-35: 0-9
inline constexpr uint8_t kNoSymbol = 0xFF;

enum class CharClass : uint8_t {
  kSeparator = 0,  // ends a word
  kWord = 1,       // folds to `count` symbols
  kOther = 2,      // a letter of another script: part of a word, matches nothing
  kMark = 3,       // a combining mark: part of the current word, no symbol
  kIgnorable = 4,  // a default-ignorable code point (Unicode's Default_Ignorable_Code_Point)
};

struct FoldedChar {
  CharClass cls = CharClass::kSeparator;
  uint8_t len = 1;    // bytes consumed
  uint8_t count = 0;  // symbols produced (kWord only)
  uint8_t sym[2] = {kNoSymbol, kNoSymbol};
  bool upper = false;    // an upper-case letter
  bool invalid = false;  // an invalid UTF-8 sequence (one byte consumed, class kIgnorable)
};

// Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, Unicode 15):
// characters a renderer shows as nothing.
bool IsDefaultIgnorable(uint32_t cp);

// ASCII: the symbol of each byte below 0x80, or kNoSymbol for separators.
extern const uint8_t kAsciiSymbol[128];

inline bool IsAsciiUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

// Decodes and folds the character at p (p < end). Handles ASCII too, but the hot loops look
// ASCII up in kAsciiSymbol themselves.
FoldedChar FoldAt(const unsigned char* p, const unsigned char* end);

// The length of the valid UTF-8 sequence at p, or 0 if it is invalid (p < end).
size_t ValidUtf8Length(const unsigned char* p, const unsigned char* end);

// Symbol <-> ASCII character.
inline char SymbolChar(uint8_t s) {
  return s < 26 ? static_cast<char>('a' + s) : static_cast<char>('0' + s - 26);
}

}  // namespace socle::redact_internal

#endif  // SOCLE_SRC_TEXT_REDACT_FOLD_H_
