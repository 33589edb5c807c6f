// The compiled form of a Redactor: an Aho-Corasick automaton over folded symbols (see
// redact_fold.h) of every pattern the known identities produce, plus the recognisers' switches.
#ifndef SOCLE_SRC_TEXT_REDACT_MATCHER_H_
#define SOCLE_SRC_TEXT_REDACT_MATCHER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/redact.hpp"

namespace socle::redact_internal {

// Patterns are at most this many symbols long (the scanner keeps a ring of the last symbols).
inline constexpr size_t kMaxPatternSymbols = 200;
inline constexpr size_t kRing = 256;
inline constexpr size_t kMaxPersons = 64;

struct Pattern {
  RedactionType type = RedactionType::kPerson;
  uint64_t persons = 0;  // kPerson: one bit per individual (dense index)
  uint16_t length = 0;   // in symbols
  // Identifiers (phones, NIRs): the text may split or glue their characters anywhere.
  bool split_free = false;
  bool common_word = false;
  // boundaries[j] is 1 when a word of the pattern starts at symbol j.
  std::vector<uint8_t> boundaries;
};

// A finding before overlaps are resolved.
struct Candidate {
  size_t begin = 0;
  size_t end = 0;
  RedactionType type = RedactionType::kPerson;
  uint8_t priority = 0;
  uint64_t persons = 0;
  // A person matched by an everyday word alone ("rose"), kept only when it joins a mention of
  // the same person that is not weak (options.common_words_need_capital).
  bool weak = false;
};

using Candidates = absl::InlinedVector<Candidate, 32>;
using Spans = absl::InlinedVector<RedactionSpan, 32>;

struct Matcher {
  RedactorOptions options;
  std::vector<Pattern> patterns;
  // The automaton: delta[state * kSymbolCount + symbol]; out[state] is the longest pattern that
  // ends in `state` (-1 if none); dict[state] is the nearest state on the suffix chain with an
  // output (0, the root, if none).
  std::vector<uint32_t> delta;
  std::vector<int32_t> out;
  std::vector<uint32_t> dict;
  // Known birth dates as YYYYMMDD.
  std::vector<int32_t> birth_dates;
  size_t person_count = 0;

  // The final spans of `text` (disjoint, sorted, persons merged and numbered), in bytes of
  // `text`. Sets *invalid_utf8 when the text has invalid bytes.
  void FindSpans(absl::string_view text, Spans* spans, bool* invalid_utf8) const;
  // Every finding in `text`, overlapping. `soft`: offsets where invisible characters were
  // removed. False (findings incomplete) when `text` holds an invisible character or an
  // invalid byte.
  bool Collect(absl::string_view text, absl::Span<const size_t> soft,
               Candidates* candidates) const;
  // The final spans: disjoint, sorted, persons merged and numbered.
  void Resolve(absl::string_view text, Candidates* candidates, Spans* spans) const;
};

}  // namespace socle::redact_internal

#endif  // SOCLE_SRC_TEXT_REDACT_MATCHER_H_
