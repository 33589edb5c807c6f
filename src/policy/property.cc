#include "policy/property.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/vocabulary.hpp"

namespace socle::policy_internal {
namespace {

struct Token {
  enum class Kind : uint8_t { kWord, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  absl::string_view text;
  size_t offset = 0;
};

bool WordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<PropertyStatement> Statement() {
    SOCLE_RETURN_IF_ERROR(Tokenise());
    PropertyStatement s;
    if (Accept("forall")) {
      s.forall = true;
    } else if (Accept("exists")) {
      s.forall = false;
    } else {
      return Expected("'forall' or 'exists'");
    }
    if (!AcceptSymbol(":")) {
      while (true) {
        SOCLE_ASSIGN_OR_RETURN(PropertyCondition c, Condition());
        s.conditions.push_back(std::move(c));
        if (AcceptSymbol(":")) break;
        if (!Accept("and")) return Expected("'and' or ':'");
      }
    }
    if (Accept("allow")) {
      s.expect_allow = true;
    } else if (Accept("deny")) {
      s.expect_allow = false;
    } else {
      return Expected("'allow' or 'deny'");
    }
    if (Accept("because")) {
      s.reasons_offset = Peek().offset;
      SOCLE_ASSIGN_OR_RETURN(s.reasons, Names());
    }
    if (Peek().kind != Token::Kind::kEnd) return Expected("the end of the statement");
    return s;
  }

 private:
  absl::Status Tokenise() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (WordChar(c)) {
        const size_t start = i;
        while (i < text_.size() && WordChar(text_[i])) ++i;
        tokens_.push_back({Token::Kind::kWord, text_.substr(start, i - start), start});
      } else if (c == '!' && i + 1 < text_.size() && text_[i + 1] == '=') {
        tokens_.push_back({Token::Kind::kSymbol, text_.substr(i, 2), i});
        i += 2;
      } else if (c == ':' || c == ',' || c == '{' || c == '}' || c == '=') {
        tokens_.push_back({Token::Kind::kSymbol, text_.substr(i, 1), i});
        ++i;
      } else {
        return MakeError(ErrorCode::kInvalidArgument,
                         absl::StrCat("at character ", i + 1,
                                      ": unexpected character; a statement is made of words, "
                                      "'=', '!=', ':', ',', '{' and '}'"));
      }
    }
    tokens_.push_back({Token::Kind::kEnd, absl::string_view(), text_.size()});
    return absl::OkStatus();
  }

  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() {
    const Token& t = tokens_[next_];
    if (t.kind != Token::Kind::kEnd) ++next_;
    return t;
  }
  bool Accept(absl::string_view word) {
    if (Peek().kind != Token::Kind::kWord || Peek().text != word) return false;
    Take();
    return true;
  }
  bool AcceptSymbol(absl::string_view symbol) {
    if (Peek().kind != Token::Kind::kSymbol || Peek().text != symbol) return false;
    Take();
    return true;
  }
  absl::Status Expected(absl::string_view what) const {
    const Token& t = Peek();
    const std::string found =
        t.kind == Token::Kind::kEnd ? std::string("the end") : absl::StrCat("'", t.text, "'");
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("at character ", t.offset + 1, ": expected ", what, ", found ", found));
  }

  absl::StatusOr<std::string> Name() {
    if (Peek().kind != Token::Kind::kWord) return Expected("a name");
    return std::string(Take().text);
  }
  // NAME | "{" NAME {"," NAME} "}"
  absl::StatusOr<std::vector<std::string>> Names() {
    std::vector<std::string> out;
    if (!AcceptSymbol("{")) {
      SOCLE_ASSIGN_OR_RETURN(std::string name, Name());
      out.push_back(std::move(name));
      return out;
    }
    do {
      SOCLE_ASSIGN_OR_RETURN(std::string name, Name());
      out.push_back(std::move(name));
    } while (AcceptSymbol(","));
    if (!AcceptSymbol("}")) return Expected("',' or '}'");
    return out;
  }

  absl::StatusOr<PropertyCondition> Condition() {
    PropertyCondition c;
    c.offset = Peek().offset;
    if (Accept("not")) c.negated = true;
    if (Peek().kind != Token::Kind::kWord) return Expected("a condition");
    const absl::string_view word = Peek().text;
    static constexpr std::pair<absl::string_view, PropertyDimension> kDimensions[] = {
        {"role", PropertyDimension::kRole},         {"action", PropertyDimension::kAction},
        {"category", PropertyDimension::kCategory}, {"purpose", PropertyDimension::kPurpose},
        {"kind", PropertyDimension::kKind},         {"relation", PropertyDimension::kRelation}};
    for (const auto& [name, dimension] : kDimensions) {
      if (word != name) continue;
      Take();
      c.dimension = dimension;
      return Atom(std::move(c));
    }
    for (absl::string_view flag : kPropertyFlags) {
      if (word != flag) continue;
      Take();
      c.kind = PropertyCondition::Kind::kFlag;
      c.names.emplace_back(flag);
      return c;
    }
    return Expected("a condition (role, action, category, purpose, kind, relation or a flag)");
  }

  absl::StatusOr<PropertyCondition> Atom(PropertyCondition c) {
    if (c.dimension == PropertyDimension::kRole && Accept("has")) {
      c.kind = PropertyCondition::Kind::kRoleHas;
      SOCLE_ASSIGN_OR_RETURN(std::string capability, Name());
      c.names.push_back(std::move(capability));
      return c;
    }
    if ((c.dimension == PropertyDimension::kRole || c.dimension == PropertyDimension::kCategory) &&
        Accept("is")) {
      SOCLE_ASSIGN_OR_RETURN(std::string what, Name());
      if (c.dimension == PropertyDimension::kRole) {
        if (what == "bound") {
          c.kind = PropertyCondition::Kind::kRoleBound;
        } else if (what == "referent") {
          c.kind = PropertyCondition::Kind::kRoleReferent;
        } else {
          --next_;
          return Expected("'bound' or 'referent' after 'role is'");
        }
      } else if (what == "special") {
        c.kind = PropertyCondition::Kind::kCategorySpecial;
      } else {
        c.kind = PropertyCondition::Kind::kCategoryIs;
        c.names.push_back(std::move(what));
      }
      return c;
    }
    c.kind = PropertyCondition::Kind::kIn;
    if (AcceptSymbol("=")) {
      SOCLE_ASSIGN_OR_RETURN(std::string name, Name());
      c.names.push_back(std::move(name));
      return c;
    }
    if (AcceptSymbol("!=")) {
      c.negated = !c.negated;
      SOCLE_ASSIGN_OR_RETURN(std::string name, Name());
      c.names.push_back(std::move(name));
      return c;
    }
    if (Accept("not")) {
      c.negated = !c.negated;
      if (!Accept("in")) return Expected("'in' after 'not'");
    } else if (!Accept("in")) {
      return Expected("'=', '!=', 'in' or 'not in'");
    }
    if (Peek().kind != Token::Kind::kSymbol || Peek().text != "{") return Expected("'{'");
    SOCLE_ASSIGN_OR_RETURN(c.names, Names());
    return c;
  }

  absl::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

absl::Status Unknown(absl::string_view what, absl::string_view name, size_t offset,
                     absl::string_view expected) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("at character ", offset + 1, ": '", name, "' is not ", what,
                                expected.empty() ? "" : absl::StrCat(" (", expected, ")")));
}

// Marks in `out` (by id) the entries of `list` whose id is one of `names`.
template <typename List>
absl::Status MarkIds(const List& list, const PropertyCondition& c, absl::string_view what,
                     std::vector<uint8_t>* out) {
  std::vector<uint8_t> named(static_cast<size_t>(list.size()), 0);
  for (const std::string& name : c.names) {
    bool found = false;
    for (int i = 0; i < list.size(); ++i) {
      if (list[i].id() == name) {
        named[static_cast<size_t>(i)] = 1;
        found = true;
      }
    }
    if (!found) return Unknown(what, name, c.offset, "");
  }
  for (size_t i = 0; i < out->size(); ++i) {
    if (named[i] == (c.negated ? 1 : 0)) (*out)[i] = 0;
  }
  return absl::OkStatus();
}

// The bits (1 << value) of the named enum values, `name_of(value)` for value in [first, end).
template <typename NameOf>
absl::StatusOr<uint32_t> MarkValues(const PropertyCondition& c, absl::string_view what, int first,
                                    int end, NameOf name_of, absl::string_view expected) {
  uint32_t bits = 0;
  for (const std::string& name : c.names) {
    bool found = false;
    for (int v = first; v < end; ++v) {
      if (name_of(v) == name) {
        bits |= 1u << v;
        found = true;
      }
    }
    if (!found) return Unknown(what, name, c.offset, expected);
  }
  return bits;
}

uint32_t Restrict(uint32_t domain, uint32_t bits, bool negated) {
  return negated ? (domain & ~bits) : (domain & bits);
}

bool RoleBound(const v1::Role& role) {
  return role.secrecy() == v1::BY_PROFESSION || role.secrecy() == v1::BY_MISSION;
}

}  // namespace

absl::StatusOr<PropertyDomain> ResolveProperty(const PropertyStatement& statement,
                                               const v1::Policy& policy) {
  PropertyDomain d;
  d.forall = statement.forall;
  d.expect_allow = statement.expect_allow;
  d.roles.assign(static_cast<size_t>(policy.roles_size()), 1);
  d.categories.assign(static_cast<size_t>(policy.data_categories_size()), 1);
  d.purposes.assign(static_cast<size_t>(policy.activities_size()), 1);
  d.actions = ((1u << kActionCount) - 1) & ~1u;
  d.kinds = ((1u << kEntryKindCount) - 1) & ~1u;
  d.relations = (1u << std::size(kPropertyRelations)) - 1;
  constexpr int kRelationCount = static_cast<int>(std::size(kPropertyRelations));
  constexpr int kFlagCount = static_cast<int>(std::size(kPropertyFlags));
  for (const PropertyCondition& c : statement.conditions) {
    using Kind = PropertyCondition::Kind;
    switch (c.kind) {
      case Kind::kIn:
        switch (c.dimension) {
          case PropertyDimension::kRole:
            SOCLE_RETURN_IF_ERROR(MarkIds(policy.roles(), c, "a role of the policy", &d.roles));
            break;
          case PropertyDimension::kCategory:
            SOCLE_RETURN_IF_ERROR(MarkIds(policy.data_categories(), c,
                                          "a data category of the policy", &d.categories));
            break;
          case PropertyDimension::kPurpose:
            SOCLE_RETURN_IF_ERROR(
                MarkIds(policy.activities(), c, "an activity of the policy", &d.purposes));
            break;
          case PropertyDimension::kAction: {
            SOCLE_ASSIGN_OR_RETURN(const uint32_t bits,
                                   MarkValues(
                                       c, "an action", 1, kActionCount,
                                       [](int v) { return Name(static_cast<Action>(v)); },
                                       "read, write, delete, export, print, share"));
            d.actions = Restrict(d.actions, bits, c.negated);
            break;
          }
          case PropertyDimension::kKind: {
            SOCLE_ASSIGN_OR_RETURN(
                const uint32_t bits,
                MarkValues(
                    c, "an entry kind", 1, kEntryKindCount,
                    [](int v) { return Name(static_cast<EntryKind>(v)); },
                    "fact, appreciation, third_party_information, working_note"));
            d.kinds = Restrict(d.kinds, bits, c.negated);
            break;
          }
          case PropertyDimension::kRelation: {
            SOCLE_ASSIGN_OR_RETURN(
                const uint32_t bits,
                MarkValues(
                    c, "a relation", 0, kRelationCount, [](int v) { return kPropertyRelations[v]; },
                    "team, referent, grant, break_glass, none"));
            d.relations = Restrict(d.relations, bits, c.negated);
            break;
          }
        }
        break;
      case Kind::kRoleHas: {
        const std::string& name = c.names[0];
        int capability = 0;
        for (int v = 1; v <= v1::Role::Capability_MAX; ++v) {
          if (!v1::Role::Capability_IsValid(v)) continue;
          if (absl::AsciiStrToLower(v1::Role::Capability_Name(v)) == name) capability = v;
        }
        if (capability == 0) {
          return Unknown("a capability", name, c.offset,
                         "security_auditor, archivist, reviewer, dpo_role, pseudonym_reversal");
        }
        for (int i = 0; i < policy.roles_size(); ++i) {
          bool has = false;
          for (int cap : policy.roles(i).capabilities()) has = has || cap == capability;
          if (has == c.negated) d.roles[static_cast<size_t>(i)] = 0;
        }
        break;
      }
      case Kind::kRoleBound:
      case Kind::kRoleReferent:
        for (int i = 0; i < policy.roles_size(); ++i) {
          const v1::Role& role = policy.roles(i);
          const bool yes = c.kind == Kind::kRoleBound ? RoleBound(role) : role.referent();
          if (yes == c.negated) d.roles[static_cast<size_t>(i)] = 0;
        }
        break;
      case Kind::kCategorySpecial:
      case Kind::kCategoryIs: {
        int sensitivity = 0;
        if (c.kind == Kind::kCategoryIs) {
          for (int v = 1; v <= v1::DataSensitivity_MAX; ++v) {
            if (Name(static_cast<DataSensitivity>(v)) == c.names[0]) sensitivity = v;
          }
          if (sensitivity == 0) {
            return Unknown("a sensitivity", c.names[0], c.offset,
                           "special, ordinary, special_category, offence, nir");
          }
        }
        for (int i = 0; i < policy.data_categories_size(); ++i) {
          const int s = policy.data_categories(i).sensitivity();
          const bool yes = c.kind == Kind::kCategoryIs
                               ? s == sensitivity
                               : (s == v1::SPECIAL_CATEGORY || s == v1::OFFENCE);
          if (yes == c.negated) d.categories[static_cast<size_t>(i)] = 0;
        }
        break;
      }
      case Kind::kFlag: {
        for (int v = 0; v < kFlagCount; ++v) {
          if (kPropertyFlags[v] != c.names[0]) continue;
          (c.negated ? d.flags_clear : d.flags_set) |= 1u << v;
        }
        break;
      }
    }
  }
  for (const std::string& name : statement.reasons) {
    bool found = false;
    for (int v = 1; v < 64; ++v) {
      const absl::string_view reason_name = Name(static_cast<Reason>(v));
      if (reason_name != "unspecified" && reason_name == name) {
        d.reasons |= uint64_t{1} << v;
        found = true;
      }
    }
    if (!found) {
      return Unknown("a reason", name, statement.reasons_offset,
                     "a reason of docs/access-rules.md, e.g. masked, role_does_not_allow");
    }
  }
  return d;
}

absl::StatusOr<PropertyStatement> ParsePropertyStatement(absl::string_view text) {
  return Parser(text).Statement();
}

}  // namespace socle::policy_internal
