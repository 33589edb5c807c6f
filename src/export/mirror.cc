// The training mirror (socle/training_mirror.hpp; docs/training-mirror.md).
//
// One run holds one random 32-byte seed, absorbed into a keyed BLAKE2b (crypto::KeyedHasher)
// and wiped with it. Every fake of a person is drawn from a per-person seed, the keyed hash of
// the person id, so one person keeps one set of fakes within the run and nothing links two runs.
// Identifiers the Redactor recognises in text but the file does not know (a caseworker's phone,
// another person's NIR) get a fake drawn from the keyed hash of their value: one fake per value
// across the whole mirror.
#include "export/mirror.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "crypto/crypto.h"
#include "export/fake_names.h"
#include "socle/error.hpp"
#include "socle/nir.hpp"
#include "socle/training_mirror.hpp"
#include "socle/v1/export.pb.h"
#include "text/redact_fold.h"

namespace socle {

using mirror_internal::FakeCommune;
using mirror_internal::FakeSex;

namespace {

constexpr absl::string_view kPersonal = "socle.mirror.v1";  // BLAKE2b personalisation
constexpr size_t kSeedBytes = 32;
constexpr int kMaxDrawAttempts = 64;
constexpr absl::string_view kPersonEmailDomain = "example.org";
constexpr absl::string_view kOtherEmailDomain = "example.net";

using Seed = std::array<uint8_t, kSeedBytes>;

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// A stream of 64-bit draws keyed by a seed: Next(label, i) is BLAKE2b(seed; label, i).
class Draws {
 public:
  explicit Draws(const Seed& seed) : seed_(seed) {}
  Draws(const Draws&) = delete;
  Draws& operator=(const Draws&) = delete;
  ~Draws() { sodium_memzero(seed_.data(), seed_.size()); }

  uint64_t Next(absl::string_view label, uint64_t index) const {
    std::string data(label);
    data.push_back('\0');
    for (int k = 0; k < 8; ++k) data.push_back(static_cast<char>((index >> (8 * k)) & 0xFF));
    std::array<uint8_t, crypto::kKeyedHashMinOutBytes> out{};
    // The key and output sizes are constants in range: the call cannot fail.
    (void)crypto::KeyedHashPersonal(seed_, kPersonal, Bytes(data), absl::Span<uint8_t>(out));
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<uint64_t>(out[k]) << (8 * k);
    sodium_memzero(out.data(), out.size());
    return v;
  }
  uint64_t Pick(absl::string_view label, uint64_t index, uint64_t n) const {
    return Next(label, index) % n;
  }

 private:
  Seed seed_;
};

bool IsParticle(absl::string_view w) {
  static constexpr absl::string_view kParticles[] = {"de",  "du",  "des", "la", "le", "d",
                                                     "l",   "van", "von", "da", "di", "del",
                                                     "dos", "ben", "el",  "al", "y"};
  return std::find(std::begin(kParticles), std::end(kParticles), w) != std::end(kParticles);
}

bool IsCivility(absl::string_view w) {
  static constexpr absl::string_view kWords[] = {
      "m",       "mr",   "mme",    "mlle", "madame", "monsieur", "mademoiselle", "dr",
      "docteur", "me",   "maitre", "nee",  "ne",     "epouse",   "veuve",        "ep",
      "vve",     "epse", "enfant", "pere", "mere",   "fils",     "fille"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

std::string Join(const std::vector<std::string>& words) { return absl::StrJoin(words, ""); }

// The usual sex of a given name (folded), when the table knows it.
std::optional<FakeSex> SexOfGivenName(absl::string_view folded) {
  static const auto* const table = [] {
    auto* t = new absl::flat_hash_map<std::string, FakeSex>;
    for (const auto& g : mirror_internal::GivenNames()) {
      (*t)[Join(mirror_internal::FoldWords(g.name))] = g.sex;
    }
    return t;
  }();
  auto it = table->find(folded);
  if (it == table->end()) return std::nullopt;
  return it->second;
}

// The letter case a word was written in.
enum class WordCase { kLower, kCapital, kUpper };

std::string UpperUtf8(absl::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'a' && c <= 'z') {
      out[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) out[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return out;
}

std::string LowerUtf8(absl::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

std::string InCase(absl::string_view fake, WordCase c) {
  switch (c) {
    case WordCase::kUpper:
      return UpperUtf8(fake);
    case WordCase::kLower:
      return LowerUtf8(fake);
    case WordCase::kCapital:
      return std::string(fake);
  }
  return std::string(fake);
}

// A word of a text: bytes [begin, end), folded, and its case.
struct Word {
  size_t begin = 0;
  size_t end = 0;
  std::string folded;
  WordCase letter_case = WordCase::kCapital;
};

// Splits `text` into words and the separators between them (invalid bytes are separators).
std::vector<Word> SplitWords(absl::string_view text) {
  std::vector<Word> words;
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const auto* p = base;
  const auto* end = base + text.size();
  Word cur;
  bool in_word = false;
  int uppers = 0, lowers = 0;
  auto finish = [&](size_t at) {
    if (!in_word) return;
    cur.end = at;
    if (uppers > 0 && lowers == 0 && uppers + lowers >= 2) {
      cur.letter_case = WordCase::kUpper;
    } else if (uppers == 0) {
      cur.letter_case = WordCase::kLower;
    } else {
      cur.letter_case = WordCase::kCapital;
    }
    if (!cur.folded.empty()) words.push_back(std::move(cur));
    cur = Word();
    in_word = false;
    uppers = lowers = 0;
  };
  while (p < end) {
    const redact_internal::FoldedChar f = redact_internal::FoldAt(p, end);
    const size_t at = static_cast<size_t>(p - base);
    if (f.cls == redact_internal::CharClass::kSeparator || f.invalid) {
      finish(at);
    } else {
      if (!in_word) {
        in_word = true;
        cur.begin = at;
      }
      if (f.cls == redact_internal::CharClass::kWord) {
        for (int k = 0; k < f.count; ++k)
          cur.folded.push_back(redact_internal::SymbolChar(f.sym[k]));
        if (f.count > 0 && f.sym[0] < 26) (f.upper ? uppers : lowers)++;
      }
    }
    p += f.len;
  }
  finish(text.size());
  return words;
}

// Copies `text` with invalid UTF-8 replaced by U+FFFD (ShiftDates with no date moves nothing).
void AppendClean(absl::string_view text, std::string* out) {
  (void)mirror_internal::ShiftDates(text, 0, 2000, out);
}

struct KnownAddress {
  absl::flat_hash_set<std::string> words;  // folded words of the real address
  std::string full;                        // "8 avenue Jean Jaurès, 69003 Lyon"
  std::string street;                      // "8 avenue Jean Jaurès"
  std::string street_without_number;       // "avenue Jean Jaurès"
  const FakeCommune* commune = nullptr;
};

// One run of the mirror: its options and its keyed hash.
struct MirrorRun {
  TrainingMirrorOptions options;
  crypto::KeyedHasher hasher;  // keyed with the run's seed; wiped when destroyed

  Seed Derive(absl::string_view label, absl::string_view value) const {
    Seed out{};
    // The labels hold no NUL: label || NUL is prefix-free, so no (label, value) pair can hash
    // like another.
    const std::string prefix = absl::StrCat(label, absl::string_view("\0", 1));
    hasher.Hash2(Bytes(prefix), Bytes(value), out.data());
    return out;
  }
  std::string Pseudonym(absl::string_view prefix, absl::string_view label,
                        absl::string_view value) const {
    Seed s = Derive(label, value);
    std::string hex =
        absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(s.data()), 6));
    sodium_memzero(s.data(), s.size());
    return absl::StrCat(prefix, hex);
  }
};

// Everything faked for one person during one Mirror() call.
class PersonFakes {
 public:
  PersonFakes(const Seed& seed, int max_shift) : draws_(seed) {
    const uint64_t r = draws_.Next("shift", 0);
    const int magnitude = 1 + static_cast<int>((r >> 1) % static_cast<uint64_t>(max_shift));
    shift_days_ = (r & 1) ? magnitude : -magnitude;
  }

  int shift_days() const { return shift_days_; }

  // Real name words (folded) that no fake may contain.
  void AddRealWords(absl::string_view value) {
    for (std::string& w : mirror_internal::FoldWords(value)) {
      if (w.size() >= 3 && !IsParticle(w)) real_words_.insert(std::move(w));
    }
  }

  void set_sex(FakeSex sex) { sex_ = sex; }
  FakeSex DrawSex() {
    return draws_.Next("sex", ++counter_) & 1 ? FakeSex::kFemale : FakeSex::kMale;
  }
  FakeSex sex() const { return sex_; }

  // Registers the fakes of a name's words: `given` for first names (of `sex`, or the table's
  // sex of each word, or a drawn one), surnames otherwise.
  void RegisterName(absl::string_view value, bool given, std::optional<FakeSex> sex) {
    std::vector<std::string> words = mirror_internal::FoldWords(value);
    std::vector<std::string> kept;
    for (const std::string& w : words) {
      if (IsParticle(w) && !given) continue;
      kept.push_back(w);
      if (names_.contains(w)) continue;
      std::optional<FakeSex> s = sex;
      if (given && !s) s = SexOfGivenName(w);
      if (given && !s) s = draws_.Next("sex", ++counter_) & 1 ? FakeSex::kFemale : FakeSex::kMale;
      names_[w] = given ? DrawGiven(*s) : DrawSurname();
    }
    // "LEGOFF" for "Le Goff", "JEANPIERRE" for "Jean-Pierre": the words run together.
    if (words.size() > 1) {
      const std::string joined = Join(words);
      if (!names_.contains(joined)) {
        std::string fake;
        for (const std::string& w : kept) fake += names_[w];
        names_[joined] = fake.empty() ? DrawSurname() : fake;
      }
    }
  }

  // The fake of one folded name word; a word the file did not declare gets a drawn surname.
  const std::string& NameFake(const std::string& folded) {
    auto it = names_.find(folded);
    if (it != names_.end()) return it->second;
    return names_[folded] = DrawSurname();
  }

  // Rewrites a name as written (a field or a span of text): each word by its fake in the
  // word's case; civilities and particles stay; separators are kept.
  void WriteName(absl::string_view text, std::string* out) {
    size_t pos = 0;
    for (const Word& w : SplitWords(text)) {
      AppendClean(text.substr(pos, w.begin - pos), out);
      if (IsCivility(w.folded) || IsParticle(w.folded)) {
        AppendClean(text.substr(w.begin, w.end - w.begin), out);
      } else {
        out->append(InCase(NameFake(w.folded), w.letter_case));
      }
      pos = w.end;
    }
    AppendClean(text.substr(pos), out);
  }

  // The first fake given name and surname (for the e-mail address).
  void SetPrimary(absl::string_view given_names, absl::string_view family_name) {
    auto g = mirror_internal::FoldWords(given_names);
    auto f = mirror_internal::FoldWords(family_name);
    primary_given_ = g.empty() ? DrawGiven(sex_) : NameFake(g[0]);
    for (const std::string& w : f) {
      if (!IsParticle(w)) {
        primary_surname_ = NameFake(w);
        break;
      }
    }
    if (primary_surname_.empty()) primary_surname_ = DrawSurname();
  }

  // ---- Addresses --------------------------------------------------------------------------
  KnownAddress& AddAddress(absl::string_view real) {
    for (KnownAddress& a : addresses_) {
      if (a.words == WordSet(real)) return a;
    }
    KnownAddress a;
    a.words = WordSet(real);
    const std::string real_joined = Join(mirror_internal::FoldWords(real));
    const auto types = mirror_internal::StreetTypes();
    const auto names = mirror_internal::StreetNames();
    const auto communes = mirror_internal::Communes();
    for (int attempt = 0; attempt < kMaxDrawAttempts; ++attempt) {
      const uint64_t n = ++counter_;
      const int number = 1 + static_cast<int>(draws_.Pick("number", n, 120));
      const absl::string_view type = types[draws_.Pick("street_type", n, types.size())];
      const absl::string_view name = names[draws_.Pick("street_name", n, names.size())];
      a.commune = &communes[draws_.Pick("commune", n, communes.size())];
      a.street_without_number = absl::StrCat(type, " ", name);
      a.street = absl::StrCat(number, " ", a.street_without_number);
      a.full = absl::StrCat(a.street, ", ", a.commune->postcode, " ", a.commune->name);
      const std::string name_joined = Join(mirror_internal::FoldWords(name));
      if (!Conflicts(a.full) && !absl::StrContains(real_joined, name_joined)) break;
    }
    addresses_.push_back(std::move(a));
    return addresses_.back();
  }

  // The fake of an address span: the known address sharing the most words with it, written
  // whole when the span has a postcode, as a street line otherwise.
  std::string AddressFake(absl::string_view span) {
    const absl::flat_hash_set<std::string> words = WordSet(span);
    KnownAddress* best = nullptr;
    size_t best_shared = 0;
    for (KnownAddress& a : addresses_) {
      size_t shared = 0;
      for (const std::string& w : words) shared += a.words.contains(w) ? 1 : 0;
      if (best == nullptr || shared > best_shared) {
        best = &a;
        best_shared = shared;
      }
    }
    if (best == nullptr) best = &AddAddress(span);
    bool postcode = false;
    for (const std::string& w : words) {
      postcode = postcode || (w.size() == 5 && std::all_of(w.begin(), w.end(), [](char c) {
                                return absl::ascii_isdigit(static_cast<unsigned char>(c));
                              }));
    }
    if (postcode) return best->full;
    const auto first = SplitWords(span);
    if (!first.empty() && absl::ascii_isdigit(static_cast<unsigned char>(first[0].folded[0]))) {
      return best->street;
    }
    return best->street_without_number;
  }

  // ---- Phones, e-mails, NIRs ----------------------------------------------------------------
  // The person's fake of a known phone (national digits), drawn on first use.
  std::string PhoneFake(const std::string& digits) {
    auto it = phones_.find(digits);
    if (it != phones_.end()) return it->second;
    return phones_[digits] = DrawPhone(draws_, digits, ++counter_);
  }
  bool KnowsPhone(const std::string& digits) const { return phones_.contains(digits); }

  // The fake of a known e-mail address: built from the person's fake name, or for a
  // relative's address (`relative`) from a fake name of its own.
  std::string EmailFake(const std::string& lower, bool relative = false) {
    auto it = emails_.find(lower);
    if (it != emails_.end()) return it->second;
    const std::string given = relative ? DrawGiven(DrawSex()) : primary_given_;
    const std::string surname = relative ? DrawSurname() : primary_surname_;
    std::string local = absl::StrCat(Join(mirror_internal::FoldWords(given)), ".",
                                     Join(mirror_internal::FoldWords(surname)));
    // A second address of the person, or one in two at random, gets a number.
    const uint64_t r = draws_.Next("email", ++counter_);
    if (!emails_.empty() || (r & 1)) absl::StrAppend(&local, 1 + (r >> 1) % 99);
    return emails_[lower] = absl::StrCat(local, "@", kPersonEmailDomain);
  }
  bool KnowsEmail(const std::string& lower) const { return emails_.contains(lower); }

  // NIRs: keyed by their 13-character body.
  std::string NirFake(const std::string& body13, const std::optional<Nir>& real) {
    auto it = nirs_.find(body13);
    if (it != nirs_.end()) return it->second;
    int sex_digit = real ? real->sex_digit : (sex_ == FakeSex::kFemale ? 2 : 1);
    int year2 = 0, month = 1;
    if (fake_birth_) {
      year2 = fake_birth_->year() % 100;
      month = fake_birth_->month();
    } else {
      const uint64_t r = draws_.Next("nir_birth", ++counter_);
      year2 = static_cast<int>(r % 100);
      month = 1 + static_cast<int>((r >> 8) % 12);
    }
    return nirs_[body13] =
               mirror_internal::MakeFakeNir(sex_digit, year2, month, BirthCommune().insee);
  }
  bool KnowsNir(const std::string& body13) const { return nirs_.contains(body13); }

  void set_fake_birth(absl::CivilDay d) { fake_birth_ = d; }
  const std::optional<absl::CivilDay>& fake_birth() const { return fake_birth_; }

  const FakeCommune& BirthCommune() {
    if (birth_commune_ == nullptr) {
      const auto communes = mirror_internal::Communes();
      for (int attempt = 0; attempt < kMaxDrawAttempts; ++attempt) {
        birth_commune_ = &communes[draws_.Pick("birth_commune", attempt, communes.size())];
        if (!Conflicts(birth_commune_->name)) break;  // "Saint-Étienne" for an Étienne
      }
    }
    return *birth_commune_;
  }

  // A fake phone of the same kind as `digits` (a mobile for a mobile, the same region for a
  // landline), from one of the fiction blocks.
  static std::string DrawPhone(const Draws& draws, const std::string& digits, uint64_t n) {
    const auto blocks = mirror_internal::FictionPhoneBlocks();
    size_t block = blocks.size() - 1;  // mobile
    if (digits.size() == 10 && digits[0] == '0' && digits[1] >= '1' && digits[1] <= '5') {
      block = static_cast<size_t>(digits[1] - '1');
    } else if (!(digits.size() == 10 && (digits[1] == '6' || digits[1] == '7'))) {
      block = draws.Pick("phone_block", n, blocks.size());
    }
    return absl::StrFormat("%s%04d", blocks[block], draws.Pick("phone", n, 10000));
  }

 private:
  static absl::flat_hash_set<std::string> WordSet(absl::string_view s) {
    absl::flat_hash_set<std::string> set;
    for (std::string& w : mirror_internal::FoldWords(s)) set.insert(std::move(w));
    return set;
  }

  bool Conflicts(absl::string_view fake) const {
    const std::string joined = Join(mirror_internal::FoldWords(fake));
    for (const std::string& r : real_words_) {
      if (absl::StrContains(joined, r)) return true;
    }
    return false;
  }

  std::string Draw(absl::Span<const absl::string_view> list, absl::string_view label) {
    std::string pick;
    for (int attempt = 0; attempt < kMaxDrawAttempts; ++attempt) {
      pick = std::string(list[draws_.Pick(label, ++counter_, list.size())]);
      if (!Conflicts(pick) && !used_.contains(pick)) break;
    }
    used_.insert(pick);
    return pick;
  }
  std::string DrawSurname() { return Draw(mirror_internal::Surnames(), "surname"); }
  std::string DrawGiven(FakeSex sex) {
    static const auto* const by_sex = [] {
      auto* v = new std::array<std::vector<absl::string_view>, 2>;
      for (const auto& g : mirror_internal::GivenNames()) {
        (*v)[g.sex == FakeSex::kFemale ? 1 : 0].push_back(g.name);
      }
      return v;
    }();
    return Draw((*by_sex)[sex == FakeSex::kFemale ? 1 : 0], "given");
  }

  Draws draws_;
  int shift_days_ = 0;
  uint64_t counter_ = 0;
  FakeSex sex_ = FakeSex::kMale;
  absl::flat_hash_set<std::string> real_words_;
  absl::flat_hash_set<std::string> used_;
  absl::flat_hash_map<std::string, std::string> names_;
  std::vector<KnownAddress> addresses_;
  absl::flat_hash_map<std::string, std::string> phones_;
  absl::flat_hash_map<std::string, std::string> emails_;
  absl::flat_hash_map<std::string, std::string> nirs_;
  std::optional<absl::CivilDay> fake_birth_;
  const FakeCommune* birth_commune_ = nullptr;
  std::string primary_given_;
  std::string primary_surname_;
};

// Writes `fake` (digits and letters) into the layout of `original`: each letter or digit of the
// original takes the next character of the fake, separators stay. When the counts differ, the
// fake as given.
std::string InLayout(absl::string_view original, absl::string_view fake) {
  size_t alnum = 0;
  for (char c : original) alnum += absl::ascii_isalnum(static_cast<unsigned char>(c)) ? 1 : 0;
  if (alnum != fake.size()) return std::string(fake);
  std::string out;
  size_t k = 0;
  for (char c : original) {
    out.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c)) ? fake[k++] : c);
  }
  return out;
}

// A phone's fake (10 national digits) written like the original: national or international.
std::string WritePhone(absl::string_view original, const std::string& fake10) {
  std::string digits;
  for (char c : original) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  std::string target = fake10;
  if (absl::StrContains(original, '+') && digits.size() == 11) {
    target = absl::StrCat("33", fake10.substr(1));
  } else if (absl::StrContains(original, '+') && digits.size() == 12) {
    target = absl::StrCat("33", fake10);  // "+33 (0)6 …"
  } else if (digits.size() == 13 && absl::StartsWith(digits, "0033")) {
    target = absl::StrCat("0033", fake10.substr(1));
  }
  if (target.size() != digits.size()) {
    return absl::StrCat(fake10.substr(0, 2), " ", fake10.substr(2, 2), " ", fake10.substr(4, 2),
                        " ", fake10.substr(6, 2), " ", fake10.substr(8, 2));
  }
  std::string out;
  size_t k = 0;
  for (char c : original) {
    out.push_back(absl::ascii_isdigit(static_cast<unsigned char>(c)) ? target[k++] : c);
  }
  return out;
}

// The 13-character body of a NIR written with separators (upper case), or "".
std::string NirBody(absl::string_view text) {
  std::string s;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      s.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
  }
  if (s.size() != kNirLength && s.size() != kNirBodyLength) return "";
  return s.substr(0, kNirBodyLength);
}

struct Context {
  const MirrorRun& run;
  PersonFakes& fakes;
  const Redactor& redactor;
  RedactionReport* report;
  uint64_t* dates;
};

std::string OtherPhoneFake(const Context& ctx, const std::string& digits) {
  Seed s = ctx.run.Derive("other_phone", digits);
  const Draws d(s);
  sodium_memzero(s.data(), s.size());
  return PersonFakes::DrawPhone(d, digits, 0);
}

std::string OtherEmailFake(const Context& ctx, const std::string& lower) {
  Seed s = ctx.run.Derive("other_email", lower);
  const Draws d(s);
  sodium_memzero(s.data(), s.size());
  const auto given = mirror_internal::GivenNames();
  const auto surnames = mirror_internal::Surnames();
  return absl::StrCat(Join(mirror_internal::FoldWords(given[d.Pick("g", 0, given.size())].name)),
                      ".",
                      Join(mirror_internal::FoldWords(surnames[d.Pick("s", 0, surnames.size())])),
                      "@", kOtherEmailDomain);
}

std::string OtherNirFake(const Context& ctx, const std::string& body13, int sex_digit) {
  Seed s = ctx.run.Derive("other_nir", body13);
  const Draws d(s);
  sodium_memzero(s.data(), s.size());
  const auto communes = mirror_internal::Communes();
  return mirror_internal::MakeFakeNir(sex_digit, static_cast<int>(d.Pick("y", 0, 100)),
                                      1 + static_cast<int>(d.Pick("m", 0, 12)),
                                      communes[d.Pick("c", 0, communes.size())].insee);
}

// The fake of one span the Redactor found.
void WriteSpan(const Context& ctx, absl::string_view span, RedactionType type, int context_year,
               std::string* out) {
  PersonFakes& f = ctx.fakes;
  switch (type) {
    case RedactionType::kPerson:
      f.WriteName(span, out);
      return;
    case RedactionType::kNir: {
      const std::string body = NirBody(span);
      absl::StatusOr<Nir> parsed = ParseNir(span);
      std::string fake;
      if (!body.empty() && f.KnowsNir(body)) {
        fake = f.NirFake(body, std::nullopt);
      } else {
        fake = OtherNirFake(ctx, body, parsed.ok() ? parsed->sex_digit : 1);
      }
      size_t alnum = 0;
      for (char c : span) alnum += absl::ascii_isalnum(static_cast<unsigned char>(c)) ? 1 : 0;
      // A NIR written without its key stays without one.
      out->append(InLayout(span, alnum == kNirBodyLength
                                     ? absl::string_view(fake).substr(0, kNirBodyLength)
                                     : absl::string_view(fake)));
      return;
    }
    case RedactionType::kPhone: {
      const std::string digits = mirror_internal::PhoneDigits(span);
      const std::string fake =
          f.KnowsPhone(digits) ? f.PhoneFake(digits) : OtherPhoneFake(ctx, digits);
      out->append(WritePhone(span, fake));
      return;
    }
    case RedactionType::kEmail: {
      const std::string lower = absl::AsciiStrToLower(span);
      out->append(f.KnowsEmail(lower) ? f.EmailFake(lower) : OtherEmailFake(ctx, lower));
      return;
    }
    case RedactionType::kIban:
      out->append("[IBAN]");
      return;
    case RedactionType::kAddress:
      out->append(f.AddressFake(span));
      return;
    case RedactionType::kBirthDate: {
      std::string moved_text;
      const size_t moved =
          mirror_internal::ShiftDates(span, f.shift_days(), context_year, &moved_text);
      if (moved > 0) {
        out->append(moved_text);
      } else {
        // A birth date the shifter cannot read: the person's fake birth date, or a marker.
        out->append(f.fake_birth() ? absl::FormatCivilTime(*f.fake_birth())
                                   : std::string("[DATE-NAISSANCE]"));
      }
      *ctx.dates += moved;
      return;
    }
  }
}

// A title, text or field value: the Redactor's spans replaced by their fakes, every date in
// between moved.
std::string MirrorText(const Context& ctx, absl::string_view text, int context_year) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  const std::vector<RedactionSpan> spans = ctx.redactor.Find(text);
  size_t pos = 0;
  for (const RedactionSpan& s : spans) {
    *ctx.dates += mirror_internal::ShiftDates(text.substr(pos, s.begin - pos),
                                              ctx.fakes.shift_days(), context_year, &out);
    WriteSpan(ctx, text.substr(s.begin, s.end - s.begin), s.type, context_year, &out);
    ctx.report->counts[static_cast<size_t>(s.type)]++;
    pos = s.end;
  }
  *ctx.dates +=
      mirror_internal::ShiftDates(text.substr(pos), ctx.fakes.shift_days(), context_year, &out);
  return out;
}

std::vector<std::string> SplitGivenNames(absl::string_view given) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(given, absl::ByAnyChar(" ,"), absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

}  // namespace

struct TrainingMirror::Impl {
  MirrorRun run;
};

// ---- TrainingMirror ----------------------------------------------------------------------------

TrainingMirror::TrainingMirror(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrainingMirror::TrainingMirror(TrainingMirror&&) noexcept = default;
TrainingMirror& TrainingMirror::operator=(TrainingMirror&&) noexcept = default;
TrainingMirror::~TrainingMirror() = default;

const TrainingMirrorOptions& TrainingMirror::options() const { return impl_->run.options; }

absl::StatusOr<TrainingMirror> TrainingMirror::Create(const TrainingMirrorOptions& options) {
  if (options.max_shift_days < 1 || options.max_shift_days > 3650) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "training mirror: max_shift_days must be between 1 and 3650");
  }
  absl::Status init = crypto::Init();
  if (!init.ok()) return init;
  SecretBytes seed = SecretBytes::Random(kSeedBytes);
  absl::StatusOr<crypto::KeyedHasher> hasher =
      crypto::KeyedHasher::Create(seed.span(), kPersonal, kSeedBytes);
  if (!hasher.ok()) return hasher.status();
  auto impl = std::make_unique<Impl>(Impl{MirrorRun{options, *std::move(hasher)}});
  return TrainingMirror(std::move(impl));
}

absl::StatusOr<MirroredPerson> TrainingMirror::Mirror(absl::string_view identity_bytes,
                                                      absl::Span<const std::string> entries,
                                                      absl::string_view known_text) const {
  v1::Identity id;
  if (!id.ParseFromArray(identity_bytes.data(), static_cast<int>(identity_bytes.size())) ||
      identity_bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return MakeError(ErrorCode::kParse,
                     "training mirror: the identity is not a socle.v1.Identity (or holds invalid "
                     "UTF-8)");
  }
  if (id.person().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "training mirror: the identity has no person id");
  }
  std::vector<v1::Entry> parsed(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!parsed[i].ParseFromString(entries[i])) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("training mirror: entry ", i,
                                    " is not a socle.v1.Entry (or holds invalid UTF-8)"));
    }
    if (!parsed[i].person().empty() && parsed[i].person() != id.person()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("training mirror: entry ", i, " belongs to another person"));
    }
  }
  std::vector<KnownIdentity> known;
  if (!known_text.empty()) {
    absl::StatusOr<std::vector<KnownIdentity>> k = ParseKnownIdentities(known_text);
    if (!k.ok()) return k.status();
    known = *std::move(k);
  }
  // Only the known identities' own errors are the caller's: an identity field the Redactor
  // cannot match (a 1-letter name, a malformed NIR) is left out of the matcher, not an error.
  if (!known.empty()) {
    absl::StatusOr<Redactor> check = Redactor::Create(known);
    if (!check.ok()) return check.status();
  }

  // The identity's own values, as known identities of individual 1.
  std::vector<KnownIdentity> own;
  auto add = [&own](IdentityKind kind, absl::string_view value) {
    if (!value.empty()) own.push_back({kind, std::string(value), 1});
  };
  add(IdentityKind::kName, id.family_name());
  for (const std::string& g : SplitGivenNames(id.given_names())) add(IdentityKind::kFirstName, g);
  std::string full_address = id.address();
  if (!id.postcode().empty() || !id.commune().empty()) {
    absl::StrAppend(&full_address, full_address.empty() ? "" : ", ", id.postcode(),
                    id.postcode().empty() ? "" : " ", id.commune());
  }
  add(IdentityKind::kAddress, full_address);
  add(IdentityKind::kPhone, id.phone());
  add(IdentityKind::kEmail, id.email());
  add(IdentityKind::kNir, id.nir());
  add(IdentityKind::kBirthDate, id.birth_date());

  std::vector<KnownIdentity> all = own;
  all.insert(all.end(), known.begin(), known.end());
  absl::StatusOr<Redactor> redactor = Redactor::Create(all);
  if (!redactor.ok()) {
    all.clear();
    for (const KnownIdentity& k : own) {
      if (Redactor::Create(absl::MakeConstSpan(&k, 1)).ok()) all.push_back(k);
    }
    all.insert(all.end(), known.begin(), known.end());
    redactor = Redactor::Create(all);
    if (!redactor.ok()) return redactor.status();
  }

  // The person's fakes.
  Seed seed = impl_->run.Derive("person", id.person());
  PersonFakes fakes(seed, impl_->run.options.max_shift_days);
  sodium_memzero(seed.data(), seed.size());
  for (const KnownIdentity& k : all) {
    if (k.kind == IdentityKind::kName || k.kind == IdentityKind::kFirstName) {
      fakes.AddRealWords(k.value);
    }
  }
  const absl::StatusOr<Nir> real_nir =
      id.nir().empty() ? absl::StatusOr<Nir>(absl::NotFoundError("")) : ParseNir(id.nir());
  std::optional<FakeSex> sex;
  if (real_nir.ok()) sex = real_nir->sex == NirSex::kFemale ? FakeSex::kFemale : FakeSex::kMale;
  const std::vector<std::string> given = SplitGivenNames(id.given_names());
  if (!sex && !given.empty()) {
    const auto words = mirror_internal::FoldWords(given[0]);
    if (!words.empty()) sex = SexOfGivenName(words[0]);
  }
  if (!sex) sex = fakes.DrawSex();
  fakes.set_sex(*sex);
  const std::optional<absl::CivilDay> birth = mirror_internal::ParseIsoDay(id.birth_date());
  if (birth) fakes.set_fake_birth(*birth + fakes.shift_days());

  // Names first (the person's, then the known individuals'), so that every later draw avoids
  // them; then the other identities in the order the file gives them.
  fakes.RegisterName(id.family_name(), false, std::nullopt);
  for (const std::string& g : given) fakes.RegisterName(g, true, *sex);
  for (const KnownIdentity& k : known) {
    if (k.kind == IdentityKind::kName) fakes.RegisterName(k.value, false, std::nullopt);
    if (k.kind == IdentityKind::kFirstName) {
      fakes.RegisterName(k.value, true,
                         k.person == 1 ? std::optional<FakeSex>(*sex) : std::nullopt);
    }
  }
  fakes.SetPrimary(id.given_names(), id.family_name());
  for (const KnownIdentity& k : all) {
    switch (k.kind) {
      case IdentityKind::kAddress:
        fakes.AddAddress(k.value);
        break;
      case IdentityKind::kPhone:
        fakes.PhoneFake(mirror_internal::PhoneDigits(k.value));
        break;
      case IdentityKind::kEmail:
        fakes.EmailFake(absl::AsciiStrToLower(k.value), k.person != 1);
        break;
      case IdentityKind::kNir: {
        const std::string body = NirBody(k.value);
        if (!body.empty()) {
          absl::StatusOr<Nir> n = ParseNir(k.value);
          fakes.NirFake(body, n.ok() ? std::optional<Nir>(*n) : std::nullopt);
        }
        break;
      }
      default:
        break;
    }
  }

  MirroredPerson result;
  const Context ctx{impl_->run, fakes, *redactor, &result.report, &result.dates_shifted};
  const std::string fake_person = impl_->run.Pseudonym("m-", "person_id", id.person());

  // The identity.
  v1::Identity out_id;
  out_id.set_person(fake_person);
  if (!id.family_name().empty()) {
    std::string s;
    fakes.WriteName(id.family_name(), &s);
    out_id.set_family_name(s);
  }
  if (!id.given_names().empty()) {
    std::string s;
    fakes.WriteName(id.given_names(), &s);
    out_id.set_given_names(s);
  }
  if (!id.birth_date().empty() && fakes.fake_birth()) {
    out_id.set_birth_date(absl::FormatCivilTime(*fakes.fake_birth()));
    ++result.dates_shifted;
  }
  if (!id.birth_place().empty()) out_id.set_birth_place(std::string(fakes.BirthCommune().name));
  if (!id.address().empty() || !id.postcode().empty() || !id.commune().empty()) {
    const KnownAddress& a = fakes.AddAddress(full_address);
    if (!id.address().empty()) out_id.set_address(a.street);
    if (!id.postcode().empty()) out_id.set_postcode(std::string(a.commune->postcode));
    if (!id.commune().empty()) out_id.set_commune(std::string(a.commune->name));
  }
  if (!id.phone().empty()) {
    out_id.set_phone(
        WritePhone(id.phone(), fakes.PhoneFake(mirror_internal::PhoneDigits(id.phone()))));
  }
  if (!id.email().empty()) out_id.set_email(fakes.EmailFake(absl::AsciiStrToLower(id.email())));
  if (!id.nir().empty()) {
    const std::string body = NirBody(id.nir());
    // A NIR field that is not a NIR is still somebody's number: replaced by a fake all the same.
    const std::string fake =
        fakes.NirFake(body.empty() ? id.nir() : body,
                      real_nir.ok() ? std::optional<Nir>(*real_nir) : std::nullopt);
    out_id.set_nir(InLayout(id.nir(), fake));
  }
  result.identity = out_id.SerializeAsString();

  // The entries.
  const int now_year = static_cast<int>(absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year());
  const int64_t shift_seconds = int64_t{fakes.shift_days()} * 86400;
  result.entries.reserve(parsed.size());
  for (v1::Entry& e : parsed) {
    int context_year = now_year;
    if (e.has_created_at()) {
      context_year = static_cast<int>(
          absl::ToCivilYear(absl::FromUnixSeconds(e.created_at().seconds()), absl::UTCTimeZone())
              .year());
      e.mutable_created_at()->set_seconds(e.created_at().seconds() + shift_seconds);
      ++result.dates_shifted;
    }
    e.set_person(fake_person);
    if (!e.id().empty()) {
      e.set_id(impl_->run.Pseudonym("e-", "entry_id",
                                    absl::StrCat(id.person().size(), ":", id.person(), e.id())));
    }
    if (impl_->run.options.pseudonymise_authors && !e.author().empty()) {
      e.set_author(impl_->run.Pseudonym("pro-", "author", e.author()));
    }
    if (!e.title().empty()) e.set_title(MirrorText(ctx, e.title(), context_year));
    if (!e.text().empty()) e.set_text(MirrorText(ctx, e.text(), context_year));
    for (v1::Entry::Field& field : *e.mutable_fields()) {
      if (!field.value().empty()) field.set_value(MirrorText(ctx, field.value(), context_year));
    }
    // Fields a newer schema added are not known to be safe: they do not travel.
    e.DiscardUnknownFields();
    result.entries.push_back(e.SerializeAsString());
  }
  return result;
}

}  // namespace socle
