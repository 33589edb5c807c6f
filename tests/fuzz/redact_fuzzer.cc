// libFuzzer target for the redactor. An input is either a note, redacted with a fixed case file
// (a family with names, an address, a phone, a NIR, a birth date), or, when it holds a 0x01
// byte, a known-identities text and a note: the identities build a second redactor (any bytes
// may be refused, never crash) used on the note.
//
// Contracts checked (abort on failure):
//   - spans are ordered, disjoint, non-empty, inside the text, and start and end on character
//     boundaries;
//   - [PERSONNE-n] numbers appear in order of first appearance: each new one is the next integer;
//   - the report counts exactly the spans, by type, and the distinct persons;
//   - the output is valid UTF-8 and, for a valid UTF-8 input, nothing was replaced in it and
//     its length is the input's minus the spans plus one placeholder per span;
//   - redacting is deterministic.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "socle/redact.hpp"

namespace {

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "redact_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(absl::string_view s, size_t i) {
  const unsigned char c = s[i];
  auto cont = [&](size_t k) { return i + k < s.size() && (s[i + k] & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const unsigned char c1 = s[i + 1];
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const unsigned char c1 = s[i + 1];
    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

bool ValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8Length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

const socle::Redactor& FixedRedactor() {
  static const socle::Redactor* const redactor = [] {
    const std::vector<socle::KnownIdentity> ids = {
        {socle::IdentityKind::kFirstName, "Rose", 1},
        {socle::IdentityKind::kName, "Martin", 1},
        {socle::IdentityKind::kName, "Le Goff", 1},
        {socle::IdentityKind::kFirstName, "Jean-Pierre", 2},
        {socle::IdentityKind::kName, "Martin", 2},
        {socle::IdentityKind::kFirstName, "Zoé", 3},
        {socle::IdentityKind::kAddress, "12 bis avenue du Faubourg Saint-Jean, 75011 Paris"},
        {socle::IdentityKind::kPhone, "+32 470 12 34 56"},
        {socle::IdentityKind::kEmail, "rose.martin@example.fr"},
        {socle::IdentityKind::kNir, "2 81 02 2A 247 003 65"},
        {socle::IdentityKind::kBirthDate, "1985-03-12"},
    };
    auto r = socle::Redactor::Create(ids);
    if (!r.ok()) Broken("the fixed redactor builds");
    return new socle::Redactor(*std::move(r));
  }();
  return *redactor;
}

void Exercise(const socle::Redactor& redactor, absl::string_view text) {
  const std::vector<socle::RedactionSpan> spans = redactor.Find(text);
  const bool valid = ValidUtf8(text);
  size_t last_end = 0;
  uint32_t max_person = 0;
  size_t removed = 0;
  size_t added = 0;
  std::array<uint64_t, socle::kRedactionTypeCount> counts{};
  for (const socle::RedactionSpan& s : spans) {
    Check(s.begin >= last_end && s.begin < s.end && s.end <= text.size(),
          "spans are ordered, disjoint, non-empty and inside the text");
    Check((static_cast<unsigned char>(text[s.begin]) & 0xC0) != 0x80,
          "a span starts on a character boundary");
    Check(
        s.end == text.size() || (static_cast<unsigned char>(text[s.end]) & 0xC0) != 0x80 || !valid,
        "a span ends on a character boundary");
    std::string placeholder = absl::StrCat("[", socle::RedactionTypeName(s.type));
    if (s.type == socle::RedactionType::kPerson) {
      Check(s.number >= 1 && s.number <= max_person + 1, "persons are numbered in order");
      if (s.number > max_person) max_person = s.number;
      absl::StrAppend(&placeholder, "-", s.number);
    } else {
      Check(s.number == 0, "only persons have numbers");
    }
    placeholder += "]";
    removed += s.end - s.begin;
    added += placeholder.size();
    ++counts[static_cast<size_t>(s.type)];
    last_end = s.end;
  }

  socle::RedactionReport report;
  const std::string out = redactor.Redact(text, &report);
  Check(report.counts == counts, "the report counts the spans by type");
  Check(report.persons == max_person, "the report counts the persons");
  Check(ValidUtf8(out), "the output is valid UTF-8");
  if (valid) {
    Check(report.invalid_utf8 == 0, "no replacement in valid input");
    Check(out.size() == text.size() - removed + added, "one placeholder per span");
  }
  Check(redactor.Redact(text) == out, "redaction is deterministic");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\x01');
  if (split == absl::string_view::npos) {
    Exercise(FixedRedactor(), input);
    return 0;
  }
  auto identities = socle::ParseKnownIdentities(input.substr(0, split));
  if (!identities.ok()) return 0;
  socle::RedactorOptions options;
  options.common_words_need_capital = (size & 1) != 0;
  auto redactor = socle::Redactor::Create(*identities, options);
  if (!redactor.ok()) return 0;
  Exercise(*redactor, input.substr(split + 1));
  return 0;
}
