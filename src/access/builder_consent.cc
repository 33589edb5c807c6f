// The fold of consents and objections (REQ-05 to REQ-09, REQ-16, REQ-25, REQ-26): ConsentGiven,
// ConsentWithdrawn, ObjectionRecorded, ObjectionDecided, ObjectionWithdrawn, and the end of
// SHARING consents when the person's case closes. Every check runs before anything changes;
// messages name the field, never a person's id, a justification or the vendor's free text.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "core/status_macros.h"
#include "socle/consent.hpp"
#include "socle/error.hpp"
#include "socle/vocabulary.hpp"

namespace socle::access_internal {
namespace {

constexpr size_t kSha256Bytes = 32;

absl::StatusOr<ConsentScope> ScopeOf(absl::string_view field, v1::ConsentGiven::Scope scope) {
  if (scope != v1::ConsentGiven::PROCESSING && scope != v1::ConsentGiven::SHARING) {
    return Invalid(absl::StrCat(field, " ", static_cast<int>(scope),
                                " is not a scope: choose PROCESSING (the activity rests on "
                                "consent) or SHARING (CSP L.1110-4 III)"));
  }
  return static_cast<ConsentScope>(scope);
}

absl::StatusOr<ConsentChannel> ChannelOf(absl::string_view field, v1::Channel channel) {
  if (channel < v1::IN_PERSON || channel > v1::PHONE) {
    return Invalid(absl::StrCat(field, " ", static_cast<int>(channel),
                                " is not a channel: say how the person expressed it (IN_PERSON, "
                                "PAPER, ONLINE or PHONE)"));
  }
  return static_cast<ConsentChannel>(channel);
}

absl::StatusOr<ObjectionKind> KindOf(absl::string_view field, v1::ObjectionRecorded::Kind kind) {
  if (kind != v1::ObjectionRecorded::PROCESSING && kind != v1::ObjectionRecorded::SHARING) {
    return Invalid(absl::StrCat(field, " ", static_cast<int>(kind),
                                " is not a kind of objection: choose PROCESSING (GDPR art. 21) "
                                "or SHARING (CSP L.1110-4 IV)"));
  }
  return static_cast<ObjectionKind>(kind);
}

// A well-formed BCP 47 language tag (RFC 5646 section 2.1, the `langtag` and `privateuse`
// productions; the irregular grandfathered tags such as "i-klingon" are not taken): a language
// (2 to 8 letters, extlangs after 2 or 3), then an optional script (4 letters), region (2 letters
// or 3 digits), variants, extensions and a private use part. Subtags are 1 to 8 letters or
// digits, case-insensitive. Whether the subtags are registered in IANA's registry is not checked.
bool IsLanguageTag(absl::string_view tag) {
  constexpr size_t kMaxTagBytes = 64;
  if (tag.empty() || tag.size() > kMaxTagBytes) return false;
  const std::vector<absl::string_view> parts = absl::StrSplit(tag, '-');
  auto all = [](absl::string_view s, bool (*pred)(unsigned char)) {
    return std::all_of(s.begin(), s.end(),
                       [pred](char c) { return pred(static_cast<unsigned char>(c)); });
  };
  for (absl::string_view part : parts) {
    if (part.empty() || part.size() > 8 || !all(part, absl::ascii_isalnum)) return false;
  }
  size_t i = 0;
  auto is = [&](size_t size_from, size_t size_to, bool (*kind)(unsigned char)) {
    return i < parts.size() && parts[i].size() >= size_from && parts[i].size() <= size_to &&
           all(parts[i], kind);
  };
  auto private_use = [&] {  // "x" 1*("-" 1*8alphanum), to the end
    if (i + 1 >= parts.size() || !absl::EqualsIgnoreCase(parts[i], "x")) return false;
    i = parts.size();
    return true;
  };
  if (absl::EqualsIgnoreCase(parts[0], "x")) return private_use();
  if (!is(2, 8, absl::ascii_isalpha)) return false;
  const size_t language = parts[i++].size();
  for (int extlang = 0; language <= 3 && extlang < 3 && is(3, 3, absl::ascii_isalpha); ++extlang) {
    ++i;
  }
  if (is(4, 4, absl::ascii_isalpha)) ++i;                                   // script
  if (is(2, 2, absl::ascii_isalpha) || is(3, 3, absl::ascii_isdigit)) ++i;  // region
  // Variants: 5 to 8 alphanumerics, or a digit and 3 alphanumerics.
  while (is(5, 8, absl::ascii_isalnum) ||
         (is(4, 4, absl::ascii_isalnum) && absl::ascii_isdigit(parts[i][0]))) {
    ++i;
  }
  // Extensions: a singleton other than x, then one or more subtags of 2 to 8.
  while (i < parts.size() && parts[i].size() == 1 && !absl::EqualsIgnoreCase(parts[i], "x")) {
    ++i;
    if (!is(2, 8, absl::ascii_isalnum)) return false;
    while (is(2, 8, absl::ascii_isalnum)) ++i;
  }
  if (i < parts.size() && !private_use()) return false;
  return i == parts.size();
}

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

absl::StatusOr<uint32_t> Builder::PersonOrRepresentative(absl::string_view field,
                                                         absl::string_view who, uint32_t id) const {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t acting, KnownPerson(field, who));
  if (acting == id) return acting;
  const PersonState* state = s_.persons[id].state.get();
  const auto active = RepresentativesOn(state, DayOf(at_), ~0u);
  if (std::find(active.begin(), active.end(), acting) != active.end()) return acting;
  bool ended = false;
  if (state != nullptr) {
    for (const Representative& r : state->representatives) ended |= r.person == acting;
  }
  return MakeError(ErrorCode::kPermissionDenied,
                   ended ? absl::StrCat(field,
                                        ": this representative's measure is not in force on "
                                        "the event's day (ended, or not yet begun); they no "
                                        "longer act for the person (REQ-09)")
                         : absl::StrCat(field,
                                        " is neither the person nor one of their "
                                        "representatives (representative_set)"));
}

// ----------------------------------------------------------------------------------------------
// Consents

absl::Status Builder::GiveConsent(const v1::ConsentGiven& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("consent_given.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const ConsentScope scope, ScopeOf("consent_given.scope", e.scope()));
  const auto purpose = t_.c->activities.Find(e.purpose());
  if (!purpose) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("consent_given.purpose: '", e.purpose().substr(0, kMaxIdBytes),
                                  "' is not an activity of the policy (one consent names one "
                                  "purpose: REQ-07)"));
  }
  if (scope == ConsentScope::kProcessing && !t_.activity_consent[*purpose]) {
    const v1::Activity& activity = t_.c->source.activities(static_cast<int>(*purpose));
    return MakeError(
        ErrorCode::kFailedPrecondition,
        absl::StrCat("consent_given.purpose: activity '", activity.id(),
                     "' is not consent-based (its legal basis is ",
                     Name(static_cast<LegalBasis>(activity.legal_basis())),
                     " and it does not rely on explicit consent, art. 9(2)(a)): a PROCESSING "
                     "consent for it would mislead the person; record a SHARING consent or an "
                     "objection instead"));
  }

  ConsentRecord c;
  c.purpose = *purpose;
  c.scope = scope;
  if (e.given_by().empty()) {
    return Invalid(
        "consent_given.given_by is empty: name who consents (the person and/or their "
        "representatives)");
  }
  for (const std::string& who : e.given_by()) {
    SOCLE_ASSIGN_OR_RETURN(const uint32_t acting,
                           PersonOrRepresentative("consent_given.given_by", who, id));
    c.given_by.push_back(acting);
  }
  SortUnique(c.given_by);
  if (e.information_version().empty()) {
    return Invalid(
        "consent_given.information_version is empty: name the version of the information text "
        "shown (REQ-05)");
  }
  SOCLE_RETURN_IF_ERROR(CheckId("consent_given.information_version", e.information_version()));
  if (e.information_sha256().size() != kSha256Bytes) {
    return Invalid(absl::StrCat("consent_given.information_sha256 has ",
                                e.information_sha256().size(),
                                " bytes; the SHA-256 of the information text shown has 32"));
  }
  if (!e.notice_language().empty() && !IsLanguageTag(e.notice_language())) {
    return Invalid(
        "consent_given.notice_language is not a BCP 47 language tag (RFC 5646), such as \"fr\", "
        "\"fr-FR\" or \"en\": name the language of the information text shown");
  }
  SOCLE_ASSIGN_OR_RETURN(c.channel, ChannelOf("consent_given.channel", e.channel()));
  SOCLE_RETURN_IF_ERROR(CheckText("consent_given.evidence_reference", e.evidence_reference()));
  SOCLE_RETURN_IF_ERROR(CheckText("consent_given.supports", e.supports()));
  SOCLE_RETURN_IF_ERROR(CheckText("consent_given.security_measures", e.security_measures()));
  if (e.has_expires_at()) {
    SOCLE_ASSIGN_OR_RETURN(c.expires_at,
                           TimestampNanos("consent_given.expires_at", e.expires_at()));
    if (c.expires_at <= at_) {
      return MakeError(ErrorCode::kOutOfRange,
                       "consent_given.expires_at is not after the event's time");
    }
  }
  for (const std::string& name : e.categories()) {
    const auto category = t_.c->data_categories.Find(name);
    if (!category) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("consent_given.categories: '", name.substr(0, kMaxIdBytes),
                                    "' is not a data category of the policy"));
    }
    if (scope == ConsentScope::kProcessing && !t_.c->ActivityDeclares(*purpose, *category)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("consent_given.categories: activity '", e.purpose(),
                                    "' does not declare category '", name, "'"));
    }
    c.categories.push_back(*category);
  }
  SortUnique(c.categories);
  for (const std::string& name : e.recipients()) {
    SOCLE_ASSIGN_OR_RETURN(const uint32_t pro,
                           KnownProfessional("consent_given.recipients", name, true));
    c.recipients.push_back(pro);
  }
  SortUnique(c.recipients);
  for (const std::string& name : e.recipient_roles()) {
    const auto role = t_.c->roles.Find(name);
    if (!role) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("consent_given.recipient_roles: '", name.substr(0, kMaxIdBytes),
                                    "' is not a role of the policy"));
    }
    c.recipient_roles.push_back(*role);
  }
  SortUnique(c.recipient_roles);
  if (scope == ConsentScope::kSharing) {
    if (c.recipients.empty() && c.recipient_roles.empty()) {
      return Invalid(
          "consent_given: a SHARING consent names who may receive (recipients or "
          "recipient_roles, REQ-25)");
    }
  } else if (!c.recipients.empty() || !c.recipient_roles.empty() || !e.supports().empty() ||
             !e.security_measures().empty()) {
    return Invalid(
        "consent_given: recipients, recipient_roles, supports and security_measures belong to a "
        "SHARING consent, not a PROCESSING one");
  }

  c.given_at = at_;
  c.revision = s_.revision + 1;
  c.information_version = e.information_version();
  c.information_sha256 = e.information_sha256();
  c.notice_language =
      e.notice_language().empty() ? std::string(kDefaultNoticeLanguage) : e.notice_language();
  c.evidence_reference = e.evidence_reference();
  c.supports = e.supports();
  c.security_measures = e.security_measures();
  c.recorded_by = recorder_;

  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  // A new grant ends the current one for the same (purpose, scope) from its own time on.
  for (ConsentRecord& old : state.consents) {
    if (old.purpose == c.purpose && old.scope == c.scope && old.ended_at == kNever &&
        at_ < old.expires_at) {
      old.ended_at = at_;
      old.ended_by = ConsentEnd::kReplaced;
      old.ended_revision = c.revision;
    }
  }
  state.consents.push_back(std::move(c));
  return absl::OkStatus();
}

absl::Status Builder::WithdrawConsent(const v1::ConsentWithdrawn& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("consent_withdrawn.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const ConsentScope scope, ScopeOf("consent_withdrawn.scope", e.scope()));
  const auto purpose = t_.c->activities.Find(e.purpose());
  if (!purpose) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat("consent_withdrawn.purpose: '",
                                                        e.purpose().substr(0, kMaxIdBytes),
                                                        "' is not an activity of the policy"));
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t by, PersonOrRepresentative("consent_withdrawn.withdrawn_by",
                                                                   e.withdrawn_by(), id));
  SOCLE_ASSIGN_OR_RETURN(const ConsentChannel channel,
                         ChannelOf("consent_withdrawn.channel", e.channel()));
  const PersonState* current = s_.persons[id].state.get();
  const bool exists =
      current != nullptr &&
      std::any_of(current->consents.begin(), current->consents.end(), [&](const ConsentRecord& c) {
        return c.purpose == *purpose && c.scope == scope && c.ValidAt(at_);
      });
  if (!exists) {
    return MakeError(
        ErrorCode::kNotFound,
        absl::StrCat("consent_withdrawn: the person has no consent in force for '", e.purpose(),
                     "' (", scope == ConsentScope::kSharing ? "SHARING" : "PROCESSING",
                     ") to withdraw"));
  }
  PersonRecord& r = MutablePerson(id);
  for (ConsentRecord& c : MutableState(r).consents) {
    if (c.purpose == *purpose && c.scope == scope && c.ValidAt(at_)) {
      c.ended_at = at_;
      c.ended_by = ConsentEnd::kWithdrawn;
      c.withdrawn_by = by;
      c.withdrawal_channel = channel;
      c.withdrawal_recorded_by = recorder_;
      c.ended_revision = s_.revision + 1;
    }
  }
  return absl::OkStatus();
}

void Builder::CloseCase(PersonRecord& person) {
  const PersonState* current = person.state.get();
  if (current == nullptr) return;
  const bool any =
      std::any_of(current->consents.begin(), current->consents.end(), [&](const ConsentRecord& c) {
        return c.scope == ConsentScope::kSharing && c.ended_at == kNever && at_ < c.expires_at;
      });
  if (!any) return;
  for (ConsentRecord& c : MutableState(person).consents) {
    if (c.scope == ConsentScope::kSharing && c.ended_at == kNever && at_ < c.expires_at) {
      c.ended_at = at_;
      c.ended_by = ConsentEnd::kCaseClosed;
      c.ended_revision = s_.revision + 1;
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Objections

absl::Status Builder::RecordObjection(const v1::ObjectionRecorded& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("objection_recorded.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const ObjectionKind kind, KindOf("objection_recorded.kind", e.kind()));
  Objection o;
  o.kind = kind;
  if (kind == ObjectionKind::kProcessing) {
    const auto purpose = t_.c->activities.Find(e.purpose());
    if (!purpose) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("objection_recorded.purpose: '",
                                                          e.purpose().substr(0, kMaxIdBytes),
                                                          "' is not an activity of the policy"));
    }
    if (!t_.activity_objectable[*purpose]) {
      const v1::Activity& activity = t_.c->source.activities(static_cast<int>(*purpose));
      const bool consent = activity.legal_basis() == v1::CONSENT;
      return MakeError(
          ErrorCode::kFailedPrecondition,
          absl::StrCat("objection_recorded.purpose: activity '", activity.id(), "' rests on ",
                       Name(static_cast<LegalBasis>(activity.legal_basis())),
                       consent
                           ? ": the person withdraws their consent instead (consent_withdrawn)"
                           : ": GDPR art. 21(1) gives a right to object to a public task or "
                             "legitimate interests only; there is none against a legal obligation, "
                             "a contract or vital interests"));
    }
    o.purpose = *purpose;
  } else {
    if (!e.purpose().empty()) {
      return Invalid(
          "objection_recorded.purpose must be empty for a SHARING objection: it covers every "
          "share under CSP L.1110-4");
    }
    if (e.informed_evidence().empty()) {
      return Invalid(
          "objection_recorded.informed_evidence is empty: record how the person was told of "
          "their right to object to sharing (REQ-26)");
    }
  }
  SOCLE_RETURN_IF_ERROR(CheckText("objection_recorded.informed_evidence", e.informed_evidence()));
  SOCLE_ASSIGN_OR_RETURN(
      o.objected_by, PersonOrRepresentative("objection_recorded.objected_by", e.objected_by(), id));
  const PersonState* current = s_.persons[id].state.get();
  if (current != nullptr) {
    for (const Objection& old : current->objections) {
      if (old.kind == o.kind && old.purpose == o.purpose && old.Stands()) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "objection_recorded: the person's objection of this kind and purpose "
                         "still stands");
      }
    }
  }
  o.recorded_at = at_;
  o.recorded_by = recorder_;
  o.revision = s_.revision + 1;
  o.informed_evidence = e.informed_evidence();
  PersonRecord& r = MutablePerson(id);
  MutableState(r).objections.push_back(std::move(o));
  return absl::OkStatus();
}

absl::Status Builder::DecideObjection(const v1::ObjectionDecided& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("objection_decided.person", e.person()));
  const auto purpose = t_.c->activities.Find(e.purpose());
  if (!purpose) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat("objection_decided.purpose: '",
                                                        e.purpose().substr(0, kMaxIdBytes),
                                                        "' is not an activity of the policy"));
  }
  if (e.outcome() < v1::ObjectionDecided::UPHELD ||
      e.outcome() > v1::ObjectionDecided::LEGAL_CLAIMS) {
    return Invalid(absl::StrCat("objection_decided.outcome ", static_cast<int>(e.outcome()),
                                " is not an outcome: UPHELD, COMPELLING_LEGITIMATE_GROUNDS or "
                                "LEGAL_CLAIMS"));
  }
  if (e.justification().find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid(
        "objection_decided.justification is empty: the controller states the grounds of its "
        "decision (REQ-16)");
  }
  SOCLE_RETURN_IF_ERROR(CheckText("objection_decided.justification", e.justification()));
  const PersonState* current = s_.persons[id].state.get();
  int found = -1;
  if (current != nullptr) {
    for (size_t i = 0; i < current->objections.size(); ++i) {
      const Objection& o = current->objections[i];
      if (o.kind == ObjectionKind::kProcessing && o.purpose == *purpose &&
          o.outcome == ObjectionOutcome::kPending && o.withdrawn_at == kNever) {
        found = static_cast<int>(i);
      }
    }
  }
  if (found < 0) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("objection_decided: the person has no pending objection to '",
                                  e.purpose(), "'"));
  }
  PersonRecord& r = MutablePerson(id);
  Objection& o = MutableState(r).objections[static_cast<size_t>(found)];
  o.outcome = static_cast<ObjectionOutcome>(e.outcome());
  o.decided_at = at_;
  o.decided_by = recorder_;
  o.decided_revision = s_.revision + 1;
  o.justification = e.justification();
  return absl::OkStatus();
}

absl::Status Builder::WithdrawObjection(const v1::ObjectionWithdrawn& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("objection_withdrawn.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const ObjectionKind kind, KindOf("objection_withdrawn.kind", e.kind()));
  uint32_t purpose = kNoId;
  if (kind == ObjectionKind::kProcessing) {
    const auto found = t_.c->activities.Find(e.purpose());
    if (!found) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("objection_withdrawn.purpose: '",
                                                          e.purpose().substr(0, kMaxIdBytes),
                                                          "' is not an activity of the policy"));
    }
    purpose = *found;
  } else if (!e.purpose().empty()) {
    return Invalid("objection_withdrawn.purpose must be empty for a SHARING objection");
  }
  const PersonState* current = s_.persons[id].state.get();
  int found = -1;
  if (current != nullptr) {
    for (size_t i = 0; i < current->objections.size(); ++i) {
      const Objection& o = current->objections[i];
      if (o.kind == kind && o.purpose == purpose && o.Stands()) found = static_cast<int>(i);
    }
  }
  if (found < 0) {
    return MakeError(ErrorCode::kNotFound,
                     "objection_withdrawn: no objection of this kind and purpose stands");
  }
  PersonRecord& r = MutablePerson(id);
  MutableState(r).objections[static_cast<size_t>(found)].withdrawn_at = at_;
  return absl::OkStatus();
}

}  // namespace socle::access_internal
