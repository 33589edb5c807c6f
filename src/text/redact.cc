#include "socle/redact.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/status_macros.h"
#include "text/nir_internal.h"
#include "text/redact_fold.h"
#include "text/redact_matcher.h"
#include "text/redact_recognise.h"
#include "socle/error.hpp"
#include "socle/generalise.hpp"

namespace socle {
namespace redact_internal {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

uint8_t Priority(RedactionType type) {
  switch (type) {
    case RedactionType::kNir:
      return 7;
    case RedactionType::kIban:
      return 6;
    case RedactionType::kEmail:
      return 5;
    case RedactionType::kPhone:
      return 4;
    case RedactionType::kBirthDate:
      return 3;
    case RedactionType::kAddress:
      return 2;
    case RedactionType::kPerson:
      return 1;
  }
  return 0;
}

// ---- Folding identities into patterns -------------------------------------------------------

using Tokens = std::vector<std::string>;

// Splits `value` into folded words ("Jean-Pierre LE GOFF" -> jean, pierre, le, goff). False when
// it holds a letter of another script, which the scanner could never match.
bool FoldTokens(absl::string_view value, Tokens* tokens) {
  tokens->clear();
  const auto* b = reinterpret_cast<const unsigned char*>(value.data());
  const auto* end = b + value.size();
  bool in_word = false;
  size_t i = 0;
  while (i < value.size()) {
    const FoldedChar f = FoldAt(b + i, end);
    switch (f.cls) {
      case CharClass::kSeparator:
        in_word = false;
        break;
      case CharClass::kMark:
      case CharClass::kIgnorable:
        break;
      case CharClass::kOther:
        return false;
      case CharClass::kWord:
        if (!in_word) tokens->emplace_back();
        in_word = true;
        for (int k = 0; k < f.count; ++k) tokens->back().push_back(SymbolChar(f.sym[k]));
        break;
    }
    i += f.len;
  }
  return true;
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsIn(absl::string_view word, std::initializer_list<absl::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Particles of French (and neighbouring) surnames: "de La Fontaine" is also written
// "La Fontaine", but a lone particle is never a name.
bool IsParticle(absl::string_view w) {
  return IsIn(w, {"de",  "d",   "du",  "des", "le",  "la",    "les",   "l",      "van", "von",
                  "der", "den", "di",  "da",  "del", "della", "dos",   "el",     "al",  "ben",
                  "bin", "ibn", "mac", "mc",  "y",   "e",     "saint", "sainte", "st",  "ste"});
}

// Names that are also everyday French words (options.common_words_need_capital). Folded.
bool IsCommonWord(absl::string_view w) {
  // clang-format off
  return IsIn(w, {"rose",     "blanc",   "blanche",  "petit",    "petite",   "grand",
                  "grande",   "brun",    "brune",    "noir",     "roux",     "rousse",
                  "gros",     "bon",     "bonne",    "leger",    "doux",     "fort",
                  "court",    "long",    "vert",     "olive",    "violette", "marguerite",
                  "capucine", "pervenche", "jasmin", "iris",     "lys",      "fleur",
                  "perle",    "ange",    "aurore",   "celeste",  "constance", "patience",
                  "prudence", "clemence", "victoire", "esperance", "grace",  "joie",
                  "pierre",   "colombe", "merle",    "pinson",   "loup",     "lion",
                  "renard",   "lapin",   "chevalier", "boucher", "berger",   "marchand",
                  "meunier",  "mercier", "charpentier", "masson", "barbier", "roi",
                  "prince",   "comte",   "baron",    "page",     "sage",     "noel",
                  "avril",    "france",  "bois",     "fontaine", "riviere",  "moulin",
                  "vigne",    "roche",   "rocher",   "gentil",   "joli",     "jolie",
                  "beau",     "belle",   "blond",    "blonde",   "marin",    "salle",
                  "lac",      "pont",    "mai",      "carre",    "bonheur",  "faucon"});
  // clang-format on
}

// Street types and their usual abbreviations (folded); the first spelling is the full word.
const std::vector<std::vector<std::string>>& StreetTypes() {
  static const auto* const kTypes = new std::vector<std::vector<std::string>>{
      {"rue", "r"},
      {"avenue", "av", "ave"},
      {"boulevard", "bd", "bld", "boul"},
      {"place", "pl"},
      {"allee", "all"},
      {"impasse", "imp"},
      {"chemin", "ch", "chem"},
      {"route", "rte"},
      {"faubourg", "fbg"},
      {"square", "sq"},
      {"cours", "crs"},
      {"residence", "res"},
      {"lotissement", "lot"},
      {"hameau", "ham"},
      {"batiment", "bat"},
      {"passage", "pass"},
      {"promenade", "prom"},
      {"quai"},
      // Not street types, but abbreviated the same way in street names.
      {"saint", "st"},
      {"sainte", "ste"},
  };
  return *kTypes;
}

const std::vector<std::string>* StreetTypeOf(absl::string_view w) {
  for (const auto& synonyms : StreetTypes()) {
    if (std::find(synonyms.begin(), synonyms.end(), w) != synonyms.end()) return &synonyms;
  }
  return nullptr;
}

// A street number: "12", "12bis", "3ter", "7b".
bool IsStreetNumber(absl::string_view w) {
  size_t i = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
  if (i == 0) return false;
  const absl::string_view suffix = w.substr(i);
  return suffix.empty() || IsIn(suffix, {"bis", "ter", "quater", "b", "t", "q"});
}

class Builder {
 public:
  explicit Builder(Matcher* m) : m_(m) {}

  absl::Status Add(const KnownIdentity& id, size_t index) {
    const std::string where = absl::StrCat("identity ", index, " (", KindName(id.kind), ")");
    switch (id.kind) {
      case IdentityKind::kName:
      case IdentityKind::kFirstName:
        return AddName(id, where);
      case IdentityKind::kAddress:
        return AddAddress(id, where);
      case IdentityKind::kPhone:
        return AddPhone(id, where);
      case IdentityKind::kEmail:
        return AddEmail(id, where);
      case IdentityKind::kNir:
        return AddNir(id, where);
      case IdentityKind::kBirthDate:
        return AddBirthDate(id, where);
    }
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("identity ", index, ": unknown kind ", static_cast<int32_t>(id.kind)));
  }

  absl::Status Build() {
    if (total_symbols_ > 65536) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "known identities: more than 65,536 characters of patterns");
    }
    BuildAutomaton();
    return absl::OkStatus();
  }

 private:
  static absl::string_view KindName(IdentityKind kind) {
    switch (kind) {
      case IdentityKind::kName:
        return "name";
      case IdentityKind::kFirstName:
        return "first_name";
      case IdentityKind::kAddress:
        return "address";
      case IdentityKind::kPhone:
        return "phone";
      case IdentityKind::kEmail:
        return "email";
      case IdentityKind::kNir:
        return "nir";
      case IdentityKind::kBirthDate:
        return "birth_date";
    }
    return "unknown";
  }

  absl::StatusOr<uint64_t> PersonBit(uint32_t person) {
    auto it = persons_.find(person);
    if (it == persons_.end()) {
      if (persons_.size() >= kMaxPersons) {
        return MakeError(ErrorCode::kResourceExhausted,
                         "known identities: more than 64 persons in one redactor");
      }
      it = persons_.emplace(person, persons_.size()).first;
      m_->person_count = persons_.size();
    }
    return uint64_t{1} << it->second;
  }

  absl::Status Fold(const KnownIdentity& id, const std::string& where, Tokens* tokens) {
    if (!FoldTokens(id.value, tokens)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat(where,
                                    ": letters outside the Latin alphabet cannot be "
                                    "matched; give a transliteration"));
    }
    if (tokens->empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat(where, ": nothing to match once folded"));
    }
    return absl::OkStatus();
  }

  absl::Status AddName(const KnownIdentity& id, const std::string& where) {
    Tokens tokens;
    SOCLE_RETURN_IF_ERROR(Fold(id, where, &tokens));
    size_t symbols = 0;
    for (const auto& t : tokens) symbols += t.size();
    if (symbols < 2) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat(where, ": shorter than 2 letters, too short to match safely"));
    }
    absl::StatusOr<uint64_t> bit = PersonBit(id.person);
    if (!bit.ok()) return bit.status();
    SOCLE_RETURN_IF_ERROR(AddPattern(tokens, RedactionType::kPerson, *bit, false));
    if (id.kind == IdentityKind::kName && tokens.size() > 1) {
      // "de La Fontaine" is also "La Fontaine"; "Martin-Durand" is also "Martin" and "Durand".
      if (IsIn(tokens[0], {"de", "d", "du", "des"})) {
        SOCLE_RETURN_IF_ERROR(AddPattern(Tokens(tokens.begin() + 1, tokens.end()),
                                         RedactionType::kPerson, *bit, false));
      }
      for (const auto& t : tokens) {
        if (t.size() >= 3 && !IsParticle(t)) {
          SOCLE_RETURN_IF_ERROR(AddPattern(Tokens{t}, RedactionType::kPerson, *bit, false));
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status AddAddress(const KnownIdentity& id, const std::string& where) {
    Tokens all;
    SOCLE_RETURN_IF_ERROR(Fold(id, where, &all));
    // An address is rarely written whole in a note: match its street line too, with and
    // without the number, and with the usual abbreviations of street types. The comma-separated
    // parts of the value are its lines ("Résidence les Tilleuls, 4 allée des Acacias, 38100
    // Grenoble"); folding the whole value gives the parts' words one after the other.
    std::vector<Tokens> streets;
    streets.push_back(all);
    size_t postcode = all.size();
    for (size_t i = 1; i < all.size(); ++i) {
      if (all[i].size() == 5 && AllDigits(all[i])) {
        postcode = i;
        break;
      }
    }
    if (postcode >= 2 && postcode < all.size()) {
      streets.emplace_back(all.begin(), all.begin() + postcode);
    }
    // Each street-like line, alone and followed by the postcode and city: "4 allée des
    // Acacias", "4 allée des Acacias 38100 Grenoble". A line too short to identify anything
    // ("Bât. B") is left out.
    size_t first_word = 0;
    for (absl::string_view part : absl::StrSplit(id.value, ',')) {
      Tokens words;
      if (!FoldTokens(part, &words)) continue;
      const size_t begin = first_word;
      first_word += words.size();
      if (words.size() < 2 || begin >= postcode) continue;
      size_t symbols = 0;
      for (const auto& w : words) symbols += w.size();
      if (words.size() < 3 && symbols < 10) continue;
      bool street_like = IsStreetNumber(words[0]);
      for (const auto& w : words) street_like = street_like || StreetTypeOf(w) != nullptr;
      if (!street_like) continue;
      const size_t end = std::min(first_word, postcode);
      streets.emplace_back(all.begin() + begin, all.begin() + end);
      if (postcode < all.size()) {
        Tokens with_city(all.begin() + begin, all.begin() + end);
        with_city.insert(with_city.end(), all.begin() + postcode, all.end());
        streets.push_back(std::move(with_city));
      }
    }
    std::vector<Tokens> variants;
    for (const Tokens& street : streets) {
      variants.push_back(street);
      // Without the number: "rue des Lilas".
      size_t k = 0;
      if (!street.empty() && IsStreetNumber(street[0])) {
        k = 1;
        if (k < street.size() && IsIn(street[k], {"bis", "ter", "quater", "b", "t", "q"})) ++k;
        if (street.size() - k >= 2 && StreetTypeOf(street[k]) != nullptr) {
          variants.emplace_back(street.begin() + k, street.end());
        }
      }
    }
    // Street types also in their abbreviations ("avenue" = "av." = "ave", "faubourg" = "fbg",
    // "saint" = "st"): every combination for the first three such words of each variant.
    std::vector<Tokens> expanded;
    for (const Tokens& base : variants) {
      std::vector<Tokens> combos{base};
      int typed = 0;
      for (size_t k = 0; k < base.size() && typed < 3; ++k) {
        const std::vector<std::string>* synonyms = StreetTypeOf(base[k]);
        if (synonyms == nullptr) continue;
        ++typed;
        std::vector<Tokens> next;
        for (const Tokens& c : combos) {
          for (const std::string& syn : *synonyms) {
            next.push_back(c);
            next.back()[k] = syn;
          }
        }
        combos = std::move(next);
      }
      for (Tokens& c : combos) expanded.push_back(std::move(c));
    }
    for (const Tokens& v : expanded) {
      SOCLE_RETURN_IF_ERROR(AddPattern(v, RedactionType::kAddress, 0, false));
    }
    return absl::OkStatus();
  }

  absl::Status AddPhone(const KnownIdentity& id, const std::string& where) {
    std::string digits;
    for (char c : id.value) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    const bool plus = id.value.find('+') != std::string::npos;
    if (digits.size() < 6) {
      return MakeError(ErrorCode::kInvalidArgument, absl::StrCat(where, ": fewer than 6 digits"));
    }
    std::string national;  // 9 digits after the French 0
    if (digits.size() == 10 && digits[0] == '0' && digits[1] != '0') {
      national = digits.substr(1);
    } else if (plus && digits.size() == 11 && digits.compare(0, 2, "33") == 0) {
      national = digits.substr(2);
    } else if (digits.size() == 13 && digits.compare(0, 4, "0033") == 0) {
      national = digits.substr(4);
    }
    if (!national.empty()) {
      for (const std::string& form : {"0" + national, "33" + national, "330" + national}) {
        SOCLE_RETURN_IF_ERROR(AddPattern(Tokens{form}, RedactionType::kPhone, 0, true));
      }
      return absl::OkStatus();
    }
    SOCLE_RETURN_IF_ERROR(AddPattern(Tokens{digits}, RedactionType::kPhone, 0, true));
    if (plus)
      SOCLE_RETURN_IF_ERROR(AddPattern(Tokens{"00" + digits}, RedactionType::kPhone, 0, true));
    return absl::OkStatus();
  }

  absl::Status AddEmail(const KnownIdentity& id, const std::string& where) {
    Tokens tokens;
    SOCLE_RETURN_IF_ERROR(Fold(id, where, &tokens));
    return AddPattern(tokens, RedactionType::kEmail, 0, false);
  }

  absl::Status AddNir(const KnownIdentity& id, const std::string& where) {
    std::string chars;
    for (size_t i = 0; i < id.value.size();) {
      const size_t sep = nir_internal::SeparatorAt(id.value, i);
      if (sep != 0) {
        i += sep;
        continue;
      }
      const char c = id.value[i++];
      if (c == '\t' || c == '\n' || c == '\r') continue;
      if (c >= '0' && c <= '9') {
        chars.push_back(c);
      } else if ((c | 0x20) == 'a' || (c | 0x20) == 'b') {
        chars.push_back(static_cast<char>(c | 0x20));
      } else {
        chars.clear();
        break;
      }
    }
    const bool corsican_ok =
        chars.size() >= 7 &&
        std::count_if(chars.begin(), chars.end(), [](char c) { return c == 'a' || c == 'b'; }) ==
            ((chars[6] == 'a' || chars[6] == 'b') && chars[5] == '2' ? 1 : 0);
    if ((chars.size() != kNirLength && chars.size() != kNirBodyLength) || !corsican_ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat(where, ": not 13 or 15 NIR characters"));
    }
    SOCLE_RETURN_IF_ERROR(AddPattern(Tokens{chars}, RedactionType::kNir, 0, true));
    if (chars.size() == kNirLength) {
      SOCLE_RETURN_IF_ERROR(
          AddPattern(Tokens{chars.substr(0, kNirBodyLength)}, RedactionType::kNir, 0, true));
    }
    return absl::OkStatus();
  }

  absl::Status AddBirthDate(const KnownIdentity& id, const std::string& where) {
    absl::StatusOr<absl::CivilDay> day = ParseIsoDate(id.value);
    if (!day.ok()) {
      return MakeError(ErrorCode::kInvalidArgument, absl::StrCat(where, ": expected YYYY-MM-DD"));
    }
    m_->birth_dates.push_back(
        static_cast<int32_t>(day->year() * 10000 + day->month() * 100 + day->day()));
    return absl::OkStatus();
  }

  absl::Status AddPattern(const Tokens& tokens, RedactionType type, uint64_t persons,
                          bool split_free) {
    std::string symbols;
    std::vector<uint8_t> boundaries;
    for (const auto& t : tokens) {
      for (size_t k = 0; k < t.size(); ++k) boundaries.push_back(k == 0 ? 1 : 0);
      symbols += t;
    }
    if (symbols.empty()) return absl::OkStatus();
    if (symbols.size() > kMaxPatternSymbols) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("a known identity is longer than ", kMaxPatternSymbols,
                                    " letters and digits"));
    }
    auto [it, inserted] = index_.try_emplace(symbols, static_cast<int32_t>(m_->patterns.size()));
    if (!inserted) {
      Pattern& p = m_->patterns[it->second];
      p.persons |= persons;
      for (size_t j = 0; j < boundaries.size(); ++j) p.boundaries[j] |= boundaries[j];
      p.split_free = p.split_free || split_free;
      return absl::OkStatus();
    }
    Pattern p;
    p.type = type;
    p.persons = persons;
    p.length = static_cast<uint16_t>(symbols.size());
    p.split_free = split_free;
    // "Rose", "Petit", and "la Fontaine" (particles and everyday words only).
    if (type == RedactionType::kPerson) {
      bool common = false;
      bool other = false;
      for (const auto& t : tokens) {
        if (IsCommonWord(t)) {
          common = true;
        } else if (tokens.size() == 1 || !IsParticle(t)) {
          other = true;
        }
      }
      p.common_word = common && !other;
    }
    p.boundaries = std::move(boundaries);
    m_->patterns.push_back(std::move(p));
    total_symbols_ += symbols.size();
    return absl::OkStatus();
  }

  void BuildAutomaton() {
    // The trie.
    std::vector<uint32_t> go(kSymbolCount, kNone);
    std::vector<int32_t> out(1, -1);
    for (const auto& [symbols, index] : index_) {
      uint32_t s = 0;
      for (char c : symbols) {
        const uint8_t sym = kAsciiSymbol[static_cast<unsigned char>(c)];
        uint32_t& next = go[s * kSymbolCount + sym];
        if (next == kNone) {
          next = static_cast<uint32_t>(out.size());
          out.push_back(-1);
          go.resize(go.size() + kSymbolCount, kNone);
        }
        s = go[s * kSymbolCount + sym];
      }
      out[s] = index;
    }
    // Breadth-first: failure links, the full transition table, the output chain.
    const size_t states = out.size();
    std::vector<uint32_t> delta(states * kSymbolCount, 0);
    std::vector<uint32_t> fail(states, 0);
    std::vector<uint32_t> dict(states, 0);
    std::deque<uint32_t> queue;
    for (int a = 0; a < kSymbolCount; ++a) {
      const uint32_t t = go[a];
      if (t != kNone) {
        delta[a] = t;
        queue.push_back(t);
      }
    }
    while (!queue.empty()) {
      const uint32_t s = queue.front();
      queue.pop_front();
      dict[s] = out[fail[s]] >= 0 ? fail[s] : dict[fail[s]];
      for (int a = 0; a < kSymbolCount; ++a) {
        const uint32_t t = go[s * kSymbolCount + a];
        if (t != kNone) {
          fail[t] = delta[fail[s] * kSymbolCount + a];
          delta[s * kSymbolCount + a] = t;
          queue.push_back(t);
        } else {
          delta[s * kSymbolCount + a] = delta[fail[s] * kSymbolCount + a];
        }
      }
    }
    m_->delta = std::move(delta);
    m_->out = std::move(out);
    m_->dict = std::move(dict);
  }

  Matcher* m_;
  absl::flat_hash_map<uint32_t, size_t> persons_;
  absl::flat_hash_map<std::string, int32_t> index_;
  size_t total_symbols_ = 0;
};

// ---- Scanning -------------------------------------------------------------------------------

struct RingEntry {
  size_t offset;
  bool word_start;
  bool upper;
  bool soft;  // right after an invisible character removed from inside a word
  // A digit right after a letter ("tel0612…", "NIR1850…"): identifiers may start here.
  bool glued_digit;
};

bool IsAsciiAlpha(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// Words that announce a person's name: civilities and the words of civil status. Folded.
bool IsNameCue(absl::string_view w) {
  return IsIn(w, {"m",       "mr",    "mme",    "mmes",   "mlle",   "mlles",        "madame",
                  "monsieur", "mademoiselle", "messieurs", "mesdames", "dr", "docteur", "pr",
                  "professeur", "me", "maitre", "famille", "nee", "epouse", "epoux", "veuve",
                  "veuf"});
}

class Scanner {
 public:
  // `soft`: sorted offsets of `text` where invisible characters were removed (see FindSpans).
  Scanner(const Matcher& m, absl::string_view text, absl::Span<const size_t> soft,
          Candidates* out)
      : m_(m), text_(text), soft_(soft), out_(out) {}

  // False, and stops at once, when the text holds a default-ignorable code point or an
  // invalid byte: the caller then scans a copy without them.
  bool Run() { return soft_.empty() ? RunImpl<false>() : RunImpl<true>(); }

 private:
  // kSoft: the text is a copy with invisible characters removed at the offsets soft_.
  template <bool kSoft>
  bool RunImpl() {
    const auto* b = reinterpret_cast<const unsigned char*>(text_.data());
    const size_t n = text_.size();
    const uint32_t* delta = m_.delta.data();
    const bool want_email = m_.options.email;
    size_t soft_index = 0;
    size_t next_soft = soft_.empty() ? SIZE_MAX : soft_[0];
    size_t i = 0;
    while (i < n) {
      if constexpr (kSoft) {
        if (i == next_soft) {
          // An invisible character stood here: a word may end, and another start, at it
          // ("Rose<ZWSP>MARTIN"), while the word also goes on ("Mar<SHY>tin").
          if (in_word_) {
            Report(i);
            soft_pending_ = true;
          }
          next_soft = ++soft_index < soft_.size() ? soft_[soft_index] : SIZE_MAX;
        }
      }
      const unsigned char c = b[i];
      if (c < 0x80) {
        const uint8_t s = kAsciiSymbol[c];
        if (s != kNoSymbol) {
          if (!in_word_) {
            if (i >= structured_until_) Structured(i, s);
            ring_[count_ % kRing] = {i, true, IsAsciiUpper(c), false, false};
          } else {
            // A NIR glued to letters ("NIR185…"): the recogniser also tries the first digit
            // after a letter.
            const bool glued_digit = s >= 26 && last_letter_;
            if (glued_digit && i >= structured_until_ && m_.options.nir && c >= '1' &&
                c <= '8') {
              const size_t end = nir_internal::MatchAt(text_, i);
              if (end != 0) Add(i, end, RedactionType::kNir);
            }
            ring_[count_ % kRing] = {i, false, soft_pending_ && IsAsciiUpper(c), soft_pending_,
                                     glued_digit};
          }
          soft_pending_ = false;
          last_letter_ = s < 26;
          ++count_;
          state_ = delta[state_ * kSymbolCount + s];
          in_word_ = true;
          ++i;
          continue;
        }
        if (in_word_) WordEnd(i);
        if (c == '@' && want_email) Email(i);
        ++i;
        continue;
      }
      const FoldedChar f = FoldAt(b + i, b + n);
      switch (f.cls) {
        case CharClass::kIgnorable:
          return false;
        case CharClass::kSeparator:
          if (in_word_) WordEnd(i);
          break;
        case CharClass::kMark:
          break;
        case CharClass::kOther:
          state_ = 0;
          in_word_ = true;
          last_letter_ = false;
          soft_pending_ = false;
          break;
        case CharClass::kWord:
          for (int k = 0; k < f.count; ++k) {
            const bool soft = in_word_ && k == 0 && soft_pending_;
            ring_[count_ % kRing] = {i, !in_word_ && k == 0, f.upper, soft, false};
            ++count_;
            state_ = delta[state_ * kSymbolCount + f.sym[k]];
          }
          soft_pending_ = false;
          last_letter_ = true;
          in_word_ = true;
          break;
      }
      i += f.len;
    }
    if (in_word_) WordEnd(n);
    return true;
  }

  // A word ended at byte `end`.
  void WordEnd(size_t end) {
    in_word_ = false;
    soft_pending_ = false;
    last_letter_ = false;
    Report(end);
  }

  // Reports the longest pattern that ends at byte `end` and starts a word.
  void Report(size_t end) {
    uint32_t s = m_.out[state_] >= 0 ? state_ : m_.dict[state_];
    while (s != 0) {
      const Pattern& p = m_.patterns[m_.out[s]];
      if (p.length <= count_ && Accept(p)) {
        const RingEntry& first = ring_[(count_ - p.length) % kRing];
        size_t begin = first.offset;
        bool weak = false;
        if (p.type == RedactionType::kPerson && m_.options.common_words_need_capital) {
          // Precise names: "Saint-Martin-d'Hères" and "la Saint-Martin" are not Mr Martin.
          if (InPlaceName(begin, end)) {
            s = m_.dict[s];
            continue;
          }
          // An everyday word in lower case ("une rose"), or glued by a hyphen to another word
          // ("Le Blanc-Mesnil", "Jean-Pierre"), and any name in lower case glued to another
          // word ("un martin-pêcheur"), is a name only after a civility ("mme rose") or beside
          // another name of the person ("julien petit", "marguerite leger": joined in Resolve).
          const bool glued = HyphenGlued(begin, end);
          weak = ((p.common_word && (!AnyWordUpper(p) || glued)) || (!first.upper && glued)) &&
                 !NameCueBefore(begin);
        }
        // The + of an international number belongs to it.
        if (p.type == RedactionType::kPhone && begin > 0 && text_[begin - 1] == '+') --begin;
        Candidate c{begin, end, p.type, Priority(p.type), p.persons};
        c.weak = weak;
        out_->push_back(c);
        return;
      }
      s = m_.dict[s];
    }
  }

  // Whether one of the words of the match that ends at the current symbol starts with a capital
  // ("de La Fontaine": the particle may be in lower case).
  bool AnyWordUpper(const Pattern& p) const {
    for (uint16_t j = 0; j < p.length; ++j) {
      const RingEntry& e = ring_[(count_ - p.length + j) % kRing];
      if ((e.word_start || e.soft || j == 0) && e.upper) return true;
    }
    return false;
  }

  // The word that ends right before byte `pos`, folded into *word (letters only, at most
  // kWordMax symbols), skipping spaces (if allowed) and one dot, hyphen (if allowed) or
  // apostrophe; empty if none. Does not allocate.
  static constexpr size_t kWordMax = 16;
  struct ShortWord {
    std::array<char, kWordMax> chars;
    size_t size = 0;
    absl::string_view view() const { return absl::string_view(chars.data(), size); }
  };
  ShortWord WordBefore(size_t pos, bool allow_dot, bool allow_hyphen, bool allow_space) const {
    ShortWord word;
    size_t i = pos;
    bool skipped = false;
    while (i > 0) {
      const char c = text_[i - 1];
      if ((c == ' ' && allow_space) || (c == '.' && allow_dot && !skipped) ||
          (c == '-' && allow_hyphen && !skipped) || (c == '\'' && !skipped)) {
        skipped = skipped || c != ' ';
        --i;
        continue;
      }
      break;
    }
    if (i == pos && pos > 0) return word;
    size_t start = i;
    while (start > 0 && i - start < 2 * kWordMax &&
           (IsAsciiAlpha(static_cast<unsigned char>(text_[start - 1])) ||
            (static_cast<unsigned char>(text_[start - 1]) & 0x80) != 0)) {
      --start;
    }
    // Fold forward; a separator inside (a no-break space) starts the word again.
    const auto* b = reinterpret_cast<const unsigned char*>(text_.data());
    for (size_t k = start; k < i;) {
      const FoldedChar f = FoldAt(b + k, b + i);
      if (f.cls == CharClass::kSeparator || f.cls == CharClass::kOther) {
        word.size = 0;
      } else if (f.cls == CharClass::kWord) {
        for (int m = 0; m < f.count; ++m) {
          if (word.size == kWordMax) return ShortWord{};  // too long to be a cue
          word.chars[word.size++] = SymbolChar(f.sym[m]);
        }
      }
      k += f.len;
    }
    return word;
  }

  bool NameCueBefore(size_t begin) const {
    return IsNameCue(WordBefore(begin, /*allow_dot=*/true, /*allow_hyphen=*/false,
                                /*allow_space=*/true)
                         .view());
  }

  // Saint-X / Sainte-X / St-X, or X-d'…, X-de-…, X-sur-… (a commune, a holiday, a street).
  bool InPlaceName(size_t begin, size_t end) const {
    // Cheap filter first: saint, sainte, st and ste end with t or e.
    if (begin >= 3 && (text_[begin - 1] == '-' || text_[begin - 1] == ' ') &&
        ((text_[begin - 2] | 0x20) == 't' || (text_[begin - 2] | 0x20) == 'e')) {
      const ShortWord w = WordBefore(begin, /*allow_dot=*/false, /*allow_hyphen=*/true,
                                     /*allow_space=*/true);
      if (IsIn(w.view(), {"saint", "sainte", "st", "ste"})) return true;
    }
    if (end < text_.size() && text_[end] == '-') {
      size_t j = end + 1;
      size_t k = j;
      while (k < text_.size() && k - j < 8 &&
             (IsAsciiAlpha(static_cast<unsigned char>(text_[k])) ||
              (static_cast<unsigned char>(text_[k]) & 0x80) != 0)) {
        ++k;
      }
      const bool apostrophe = k < text_.size() && (text_[k] == '\'' ||
                              (static_cast<unsigned char>(text_[k]) == 0xE2 &&
                               text_.substr(k, 3) == "\xE2\x80\x99"));
      const bool hyphen = k < text_.size() && text_[k] == '-';
      Tokens w;
      if (k > j && FoldTokens(text_.substr(j, k - j), &w) && w.size() == 1) {
        if (apostrophe && IsIn(w[0], {"d", "l"})) return true;
        if (hyphen && IsIn(w[0], {"de", "du", "des", "la", "le", "les", "sur", "sous", "en",
                                  "lez", "aux", "au", "et"})) {
          return true;
        }
      }
    }
    return false;
  }

  // Whether a hyphen glues the match to a word before or after it.
  bool HyphenGlued(size_t begin, size_t end) const {
    return (begin >= 2 && text_[begin - 1] == '-' && IsWordCharBefore(text_, begin - 1)) ||
           (end + 1 < text_.size() && text_[end] == '-' && IsWordByteAt(text_, end + 1));
  }

  bool Accept(const Pattern& p) const {
    const uint64_t start = count_ - p.length;
    const RingEntry& first = ring_[start % kRing];
    // Known phones and NIRs may also start right after letters ("tel0612345678").
    if (!first.word_start && !first.soft && !(p.split_free && first.glued_digit)) return false;
    if (p.split_free) return true;
    // Where the text splits a word the pattern writes as one ("Le Goff" for LEGOFF), ask for
    // capitals, so "le bon moment" is not the name Lebon.
    for (uint16_t j = 1; j < p.length; ++j) {
      const RingEntry& e = ring_[(start + j) % kRing];
      if (e.word_start && p.boundaries[j] == 0 && !(e.upper && first.upper)) return false;
    }
    return true;
  }

  void Add(size_t begin, size_t end, RedactionType type) {
    out_->push_back({begin, end, type, Priority(type), 0});
    structured_until_ = end;
  }

  // A word starts at `pos` with symbol `s`: try the recognisers that start there.
  void Structured(size_t pos, uint8_t s) {
    const RedactorOptions& o = m_.options;
    if (s >= 26) {
      const char c = text_[pos];
      if (o.nir && c >= '1' && c <= '8') {
        const size_t end = nir_internal::MatchAt(text_, pos);
        if (end != 0) return Add(pos, end, RedactionType::kNir);
      }
      if (o.phone && (c == '0' || (pos > 0 && text_[pos - 1] == '+'))) {
        const ByteSpan phone = MatchPhone(text_, pos);
        if (phone.ok()) return Add(phone.begin, phone.end, RedactionType::kPhone);
      }
      if (o.birth_date || !m_.birth_dates.empty()) {
        const DateMatch d = MatchDate(text_, pos);
        if (d.span.ok() && (KnownBirthDate(d) || (o.birth_date && HasBirthContext(text_, pos)))) {
          return Add(d.span.begin, d.span.end, RedactionType::kBirthDate);
        }
      }
      return;
    }
    if (o.iban && pos + 4 <= text_.size()) {
      const ByteSpan iban = MatchIban(text_, pos);
      if (iban.ok()) return Add(iban.begin, iban.end, RedactionType::kIban);
    }
  }

  bool KnownBirthDate(const DateMatch& d) const {
    for (int32_t known : m_.birth_dates) {
      const int year = known / 10000;
      const int month = known / 100 % 100;
      const int day = known % 100;
      if (d.month != month || d.day != day) continue;
      if (d.two_digit_year ? d.year == year % 100 : d.year == year) return true;
    }
    return false;
  }

  void Email(size_t at) {
    const ByteSpan email = MatchEmail(text_, at);
    if (email.ok())
      out_->push_back(
          {email.begin, email.end, RedactionType::kEmail, Priority(RedactionType::kEmail), 0});
  }

  const Matcher& m_;
  absl::string_view text_;
  absl::Span<const size_t> soft_;
  Candidates* out_;
  uint32_t state_ = 0;
  uint64_t count_ = 0;  // symbols seen
  bool in_word_ = false;
  bool soft_pending_ = false;  // the next symbol follows a removed invisible character
  bool last_letter_ = false;   // the last symbol was a letter
  size_t structured_until_ = 0;
  std::array<RingEntry, kRing> ring_;
};

// Person spans separated by nothing but spaces and hyphens ("Rose MARTIN", "MARTIN-DURAND")
// are one mention.
bool JoinableGap(absl::string_view gap) {
  if (gap.size() > 4) return false;
  for (size_t i = 0; i < gap.size();) {
    const size_t sep = nir_internal::SeparatorAt(gap, i);
    if (sep == 0 || gap[i] == '.') return false;
    i += sep;
  }
  return true;
}

int LowestBit(uint64_t v) { return __builtin_ctzll(v); }

}  // namespace

bool Matcher::Collect(absl::string_view text, absl::Span<const size_t> soft,
                      Candidates* candidates) const {
  Scanner scanner(*this, text, soft, candidates);
  return scanner.Run();
}

void Matcher::FindSpans(absl::string_view text, Spans* spans, bool* invalid_utf8) const {
  Candidates candidates;
  *invalid_utf8 = false;
  if (Collect(text, {}, &candidates)) {
    Resolve(text, &candidates, spans);
    return;
  }
  // The text holds invisible characters (soft hyphen, zero-width space, BOM…) or invalid bytes,
  // which would split a name or a number in two: match on a copy without them, where each
  // removed character leaves a soft boundary, then map the spans back to the original bytes.
  // A span then covers every invisible character inside it.
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = b + text.size();
  std::string clean;
  std::vector<size_t> origin;  // origin[j]: the offset in `text` of clean[j]
  std::vector<size_t> soft;
  clean.reserve(text.size());
  origin.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    if (b[i] >= 0x80) {
      const FoldedChar f = FoldAt(b + i, end);
      if (f.cls == CharClass::kIgnorable) {
        if (f.invalid) *invalid_utf8 = true;
        if (soft.empty() || soft.back() != clean.size()) soft.push_back(clean.size());
        i += f.len;
        continue;
      }
      len = f.len;
    }
    for (size_t k = 0; k < len; ++k) {
      clean.push_back(text[i + k]);
      origin.push_back(i + k);
    }
    i += len;
  }
  candidates.clear();
  Collect(clean, soft, &candidates);
  Resolve(clean, &candidates, spans);
  for (RedactionSpan& s : *spans) {
    s.begin = origin[s.begin];
    s.end = origin[s.end - 1] + 1;
  }
}

void Matcher::Resolve(absl::string_view text, Candidates* candidates, Spans* spans) const {
  spans->clear();
  // Findings that overlap become one span, typed after the longest of them (then the
  // higher-priority type): a name inside an e-mail address is the address, and no byte a
  // recogniser claimed is ever given back, even where two findings only partly overlap.
  std::sort(candidates->begin(), candidates->end(), [](const Candidate& a, const Candidate& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end > b.end;
  });
  auto beats = [](const Candidate& a, const Candidate& b) {
    const size_t la = a.end - a.begin;
    const size_t lb = b.end - b.begin;
    if (la != lb) return la > lb;
    return a.priority > b.priority;
  };
  Candidates merged;
  for (size_t i = 0; i < candidates->size();) {
    Candidate best = (*candidates)[i];
    size_t end = best.end;
    bool weak = best.weak;
    size_t j = i + 1;
    for (; j < candidates->size() && (*candidates)[j].begin < end; ++j) {
      const Candidate& c = (*candidates)[j];
      if (beats(c, best)) best = c;
      end = std::max(end, c.end);
      weak = weak && c.weak;
    }
    best.begin = (*candidates)[i].begin;
    best.end = end;
    best.weak = weak;
    merged.push_back(best);
    i = j;
  }
  // Join adjacent mentions of one person, then number persons by first appearance.
  std::array<uint32_t, kMaxPersons> numbers{};
  uint32_t next = 1;
  for (size_t k = 0; k < merged.size(); ++k) {
    Candidate c = merged[k];
    if (c.type == RedactionType::kPerson) {
      while (k + 1 < merged.size() && merged[k + 1].type == RedactionType::kPerson &&
             (merged[k + 1].persons & c.persons) != 0 &&
             JoinableGap(text.substr(c.end, merged[k + 1].begin - c.end))) {
        c.persons &= merged[k + 1].persons;
        c.end = merged[k + 1].end;
        c.weak = false;  // two names of one person side by side are a name
        ++k;
      }
      // Everyday words that no civility or other name of the person confirms stay.
      if (c.weak) continue;
      const int person = LowestBit(c.persons);
      if (numbers[person] == 0) numbers[person] = next++;
      spans->push_back({c.begin, c.end, c.type, numbers[person]});
    } else {
      spans->push_back({c.begin, c.end, c.type, 0});
    }
  }
}

namespace {

void AppendSanitised(absl::string_view part, std::string* out, uint64_t* invalid) {
  const auto* b = reinterpret_cast<const unsigned char*>(part.data());
  const auto* end = b + part.size();
  size_t i = 0;
  size_t run = 0;  // start of the current run of valid bytes
  while (i < part.size()) {
    if (b[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t len = ValidUtf8Length(b + i, end);
    if (len != 0) {
      i += len;
      continue;
    }
    out->append(part.data() + run, i - run);
    out->append("\xEF\xBF\xBD");
    ++*invalid;
    ++i;
    run = i;
  }
  out->append(part.data() + run, part.size() - run);
}

}  // namespace
}  // namespace redact_internal

using redact_internal::Candidates;
using redact_internal::Spans;

absl::string_view RedactionTypeName(RedactionType type) {
  switch (type) {
    case RedactionType::kPerson:
      return "PERSONNE";
    case RedactionType::kNir:
      return "NIR";
    case RedactionType::kPhone:
      return "T\xC3\x89L\xC3\x89PHONE";
    case RedactionType::kEmail:
      return "EMAIL";
    case RedactionType::kIban:
      return "IBAN";
    case RedactionType::kAddress:
      return "ADRESSE";
    case RedactionType::kBirthDate:
      return "DATE-NAISSANCE";
  }
  return "INCONNU";
}

uint64_t RedactionReport::total() const {
  uint64_t t = 0;
  for (uint64_t c : counts) t += c;
  return t;
}

void RedactionReport::Add(const RedactionReport& other) {
  for (size_t i = 0; i < kRedactionTypeCount; ++i) counts[i] += other.counts[i];
  persons += other.persons;
  invalid_utf8 += other.invalid_utf8;
}

std::string RedactionReport::ToString() const {
  std::string s;
  for (size_t i = 0; i < kRedactionTypeCount; ++i) {
    if (i > 0) s += ", ";
    absl::StrAppend(&s, RedactionTypeName(static_cast<RedactionType>(i)), " ", counts[i]);
  }
  absl::StrAppend(&s, "; ", persons, persons == 1 ? " person" : " persons");
  if (invalid_utf8 > 0) absl::StrAppend(&s, "; ", invalid_utf8, " invalid UTF-8 sequence(s)");
  return s;
}

absl::StatusOr<Redactor> Redactor::Create(absl::Span<const KnownIdentity> identities,
                                          const RedactorOptions& options) {
  auto matcher = std::make_shared<redact_internal::Matcher>();
  matcher->options = options;
  redact_internal::Builder builder(matcher.get());
  for (size_t i = 0; i < identities.size(); ++i) {
    absl::Status s = builder.Add(identities[i], i);
    if (!s.ok()) return s;
  }
  absl::Status s = builder.Build();
  if (!s.ok()) return s;
  return Redactor(std::move(matcher));
}

size_t Redactor::pattern_count() const { return matcher_->patterns.size(); }

const RedactorOptions& Redactor::options() const { return matcher_->options; }

std::vector<RedactionSpan> Redactor::Find(absl::string_view text) const {
  bool invalid = false;
  Spans spans;
  matcher_->FindSpans(text, &spans, &invalid);
  return std::vector<RedactionSpan>(spans.begin(), spans.end());
}

std::string Redactor::Redact(absl::string_view text, RedactionReport* report) const {
  std::string out;
  RedactTo(text, &out, report);
  return out;
}

void Redactor::RedactTo(absl::string_view text, std::string* out, RedactionReport* report) const {
  bool invalid = false;
  Spans spans;
  matcher_->FindSpans(text, &spans, &invalid);

  RedactionReport r;
  out->clear();
  out->reserve(text.size() + 16 * spans.size());
  size_t at = 0;
  auto copy = [&](absl::string_view part) {
    if (invalid) {
      redact_internal::AppendSanitised(part, out, &r.invalid_utf8);
    } else {
      out->append(part.data(), part.size());
    }
  };
  uint32_t max_person = 0;
  for (const RedactionSpan& s : spans) {
    copy(text.substr(at, s.begin - at));
    out->push_back('[');
    out->append(RedactionTypeName(s.type).data(), RedactionTypeName(s.type).size());
    if (s.type == RedactionType::kPerson) {
      out->push_back('-');
      absl::StrAppend(out, s.number);
      max_person = std::max(max_person, s.number);
    }
    out->push_back(']');
    ++r.counts[static_cast<size_t>(s.type)];
    at = s.end;
  }
  copy(text.substr(at));
  r.persons = max_person;
  if (report != nullptr) *report = r;
}

}  // namespace socle
