#include "export/html.h"

#include <array>
#include <cstdint>

namespace socle::html {
namespace {

// What each byte asks of the escaper.
enum ByteClass : uint8_t {
  kCopy = 0,     // printable ASCII that means nothing to HTML
  kEntity = 1,   // & < > " '
  kControl = 2,  // C0 controls but tab, LF, CR; DEL
  kLead = 3,     // the first byte of a multi-byte UTF-8 sequence, or a stray byte >= 0x80
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> classes{};
  for (int b = 0; b < 256; ++b) {
    uint8_t c = kCopy;
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') c = kControl;
    if (b == 0x7f) c = kControl;
    if (b >= 0x80) c = kLead;
    if (b == '&' || b == '<' || b == '>' || b == '"' || b == '\'') c = kEntity;
    classes[b] = c;
  }
  return classes;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629, table 3-7 of Unicode), or 0
// when it is not one. C1 controls (U+0080 to U+009F) count as not well-formed: they have no
// business in a report and HTML treats them as errors.
size_t SequenceLength(absl::string_view text, size_t i) {
  const auto at = [&](size_t k) -> int {
    return i + k < text.size() ? static_cast<uint8_t>(text[i + k]) : -1;
  };
  const int b0 = at(0);
  const int b1 = at(1);
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (b1 < 0 || !IsContinuation(b1)) return 0;
    if (b0 == 0xC2 && b1 <= 0x9F) return 0;  // C1 control
    return 2;
  }
  int lo = 0x80;
  int hi = 0xBF;
  size_t length = 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // at most U+10FFFF
  } else {
    return 0;
  }
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < length; ++k) {
    const int b = at(k);
    if (b < 0 || !IsContinuation(b)) return 0;
  }
  return length;
}

}  // namespace

// One table lookup per byte. An 8-bytes-at-a-time (SWAR) scan for plain ASCII was tried and
// measured slower on French text, whose accented letters leave few runs of 8 plain bytes.
void AppendEscaped(std::string& out, absl::string_view text) {
  size_t run = 0;  // start of the bytes copied as they are
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t b = static_cast<uint8_t>(text[i]);
    const uint8_t c = kClasses[b];
    if (c == kCopy) {
      ++i;
      continue;
    }
    if (c == kLead) {
      const size_t length = SequenceLength(text, i);
      if (length != 0) {
        i += length;
        continue;
      }
    }
    out.append(text.data() + run, i - run);
    if (c == kEntity) {
      switch (b) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '"':
          out.append("&quot;");
          break;
        default:
          out.append("&#39;");
          break;
      }
    } else {
      out.append(kReplacement.data(), kReplacement.size());
    }
    ++i;
    run = i;
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace socle::html
