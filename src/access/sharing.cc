// Sharing decisions: the sharing checklist (REQUIREMENTS.md, "What a sharing decision checks")
// for the basis a share names, in the checklist's order; the first failing line refuses.
// docs/consent-and-sharing.md walks through each basis.
#include "socle/sharing.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "access/person_queries.h"
#include "access/sharing_internal.h"
#include "access/state.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle {

namespace access_internal {
thread_local std::function<void()> share_checked_hook;
}  // namespace access_internal

namespace {

using access_internal::Data;
using access_internal::PersonRecord;
using access_internal::PersonState;
using access_internal::ProfessionalRecord;
using access_internal::SnapshotData;
using access_internal::Tables;

bool Bound(SecrecyStatus s) {
  return s == SecrecyStatus::kByProfession || s == SecrecyStatus::kByMission;
}

bool IsL1110_4(SharingBasis b) {
  return b == SharingBasis::kCspL1110_4_II || b == SharingBasis::kCspL1110_4_IIITeam ||
         b == SharingBasis::kCspL1110_4_IIIConsent;
}

// Whether a share on this basis needs the person (or, for a minor, the parents) told first: every
// basis but a report to the authorities and another legal obligation (they follow their own path:
// telling the person may defeat them).
bool InformationRequired(SharingBasis b) {
  return b != SharingBasis::kCp226_14 && b != SharingBasis::kLegalObligation;
}

// Bases whose information of a minor goes to the holders of parental authority (REQ-28; CASF
// L.226-2-2 and L.226-2-1: "les titulaires de l'autorité parentale sont préalablement informés").
bool InformsParents(SharingBasis b) {
  return b == SharingBasis::kCasfL226_2_2 || b == SharingBasis::kCasfL226_2_1;
}

bool SharesTeam(const access_internal::TeamList& a, const access_internal::TeamList& b) {
  for (uint32_t x : a) {
    for (uint32_t y : b) {
      if (x == y) return true;
    }
  }
  return false;
}

// In charge of the person at the decision time: a team assigned to the person, or the referent.
// A grant or a break-the-glass session does not make a professional part of the case.
bool InCharge(const ProfessionalRecord& p, uint32_t pro, const PersonRecord& x) {
  return x.referent == pro || SharesTeam(p.teams, x.teams);
}

bool SameCareTeam(const ProfessionalRecord& a, const ProfessionalRecord& b, const PersonRecord& x) {
  for (uint32_t t : a.teams) {
    if (std::find(b.teams.begin(), b.teams.end(), t) != b.teams.end() &&
        std::find(x.teams.begin(), x.teams.end(), t) != x.teams.end()) {
      return true;
    }
  }
  return false;
}

bool Has(const std::vector<uint32_t>& sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

SharingOutcome& Refuse(SharingOutcome& o, SharingCheck check, std::string sentence) {
  o.granted = false;
  o.failed = check;
  o.sentence = std::move(sentence);
  return o;
}

std::string CategoryName(const Tables& t, uint32_t category) {
  return absl::StrCat("'", t.c->data_categories.Name(category), "'");
}

}  // namespace

absl::string_view Name(SharingCheck check) {
  switch (check) {
    case SharingCheck::kNone:
      return "none";
    case SharingCheck::kNoBasis:
      return "no_basis";
    case SharingCheck::kPartyNotIdentified:
      return "party_not_identified";
    case SharingCheck::kEmitterNotBoundBySecrecy:
      return "emitter_not_bound_by_secrecy";
    case SharingCheck::kRecipientNotBoundBySecrecy:
      return "recipient_not_bound_by_secrecy";
    case SharingCheck::kNotInCareOfSamePerson:
      return "not_in_care_of_same_person";
    case SharingCheck::kNotInSameCareTeam:
      return "not_in_same_care_team";
    case SharingCheck::kPurposeNotAllowed:
      return "purpose_not_allowed";
    case SharingCheck::kNoItemSelected:
      return "no_item_selected";
    case SharingCheck::kWholeFileNotAllowed:
      return "whole_file_not_allowed";
    case SharingCheck::kItemOutsideSharingRule:
      return "item_outside_sharing_rule";
    case SharingCheck::kItemOutsideRecipientHabilitations:
      return "item_outside_recipient_habilitations";
    case SharingCheck::kPersonNotInformed:
      return "person_not_informed";
    case SharingCheck::kNoSharingConsent:
      return "no_sharing_consent";
    case SharingCheck::kPersonObjectsToSharing:
      return "person_objects_to_sharing";
    case SharingCheck::kOnwardDisclosureForbidden:
      return "onward_disclosure_forbidden";
  }
  return "unspecified";
}

absl::StatusOr<SharingOutcome> CheckShare(const AccessSnapshot& snapshot,
                                          const SharingRequest& request) {
  const SnapshotData& s = Data(snapshot);
  const Tables& t = *s.tables;
  SOCLE_ASSIGN_OR_RETURN(const uint32_t emitter_id,
                         access_internal::FindProfessional(s, "emitter", request.emitter));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t recipient_id,
                         access_internal::FindProfessional(s, "recipient", request.recipient));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t person_id,
                         access_internal::FindPerson(s, "person", request.person));
  SOCLE_RETURN_IF_ERROR(access_internal::CheckId("share", request.share));
  const ProfessionalRecord& emitter = *s.professional(emitter_id);
  const ProfessionalRecord& recipient = *s.professional(recipient_id);
  const PersonRecord& x = *s.person(person_id);
  const PersonState* st = x.state.get();
  if (st != nullptr) {
    for (const access_internal::ShareRecord& share : st->shares) {
      if (share.share == request.share) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "share: this share id is already recorded for the person");
      }
    }
  }
  // The categories of the items, in request order, then the shared categories sorted.
  absl::InlinedVector<uint32_t, 8> item_categories;
  for (const SharedItem& item : request.items) {
    SOCLE_RETURN_IF_ERROR(access_internal::CheckId("items.item", item.item));
    const std::optional<uint32_t> category = t.c->data_categories.Find(item.category);
    if (!category) {
      return MakeError(ErrorCode::kNotFound, "items.category: not a data category of the policy");
    }
    item_categories.push_back(*category);
  }

  SharingOutcome o;
  o.emitter = request.emitter;
  o.recipient = request.recipient;
  o.person = request.person;
  o.recipient_role = std::string(t.c->roles.Name(recipient.role));
  if (recipient.structure != kNoId)
    o.recipient_structure = std::string(s.ids->labels.Name(recipient.structure));
  if (recipient.professional_category != kNoId) {
    o.recipient_category = std::string(s.ids->labels.Name(recipient.professional_category));
  }
  o.recipient_secrecy = recipient.secrecy;
  o.basis = request.basis;
  o.purpose = request.purpose;
  o.items = request.items;
  o.whole_file = request.whole_file;
  o.share = request.share;
  o.involvement = request.involvement;
  o.involvement_reason = request.involvement_reason;
  o.time = request.time == absl::InfinitePast() ? s.clock->Now() : request.time;
  o.checked_revision = s.state.revision;
  const int64_t at = absl::ToUnixNanos(o.time);
  const int32_t day = access_internal::DayOf(at);
  const SharingBasis basis = request.basis;
  const absl::string_view law = LegalReference(basis);

  // 1. One basis of the closed list.
  if (basis == SharingBasis::kUnspecified || Name(basis) == "unspecified") {
    return Refuse(o, SharingCheck::kNoBasis,
                  "no legal basis of the closed list is named: a share without a basis is "
                  "refused");
  }

  // 2. Both identified, active, with a known secrecy status; bound where the basis says so. A
  // professional not bound by secrecy never receives a share (REQ-21).
  if (emitter.left || recipient.left) {
    return Refuse(
        o, SharingCheck::kPartyNotIdentified,
        absl::StrCat("the ", emitter.left ? "emitter" : "recipient", " has left the service"));
  }
  if (emitter.secrecy == SecrecyStatus::kUnspecified ||
      recipient.secrecy == SecrecyStatus::kUnspecified) {
    return Refuse(
        o, SharingCheck::kPartyNotIdentified,
        absl::StrCat("the ",
                     emitter.secrecy == SecrecyStatus::kUnspecified ? "emitter" : "recipient",
                     " has no known secrecy status"));
  }
  if (!Bound(recipient.secrecy)) {
    return Refuse(o, SharingCheck::kRecipientNotBoundBySecrecy,
                  absl::StrCat("the recipient (role '", o.recipient_role,
                               "') is not bound by professional secrecy: never a share recipient"));
  }
  if (SharingRequiresSecrecyOfBoth(basis) && !Bound(emitter.secrecy)) {
    return Refuse(o, SharingCheck::kEmitterNotBoundBySecrecy,
                  absl::StrCat(law,
                               " needs the emitter bound by professional secrecy, and the "
                               "emitter is not"));
  }

  // 3. Both in charge of the person (same case); the same care team for L.1110-4 III team.
  if (basis == SharingBasis::kCspL1110_4_IIITeam) {
    if (!SameCareTeam(emitter, recipient, x)) {
      return Refuse(o, SharingCheck::kNotInSameCareTeam,
                    "CSP L.1110-4 III (care team): the emitter and the recipient have no team in "
                    "common that is assigned to the person");
    }
  } else if (SharingRequiresSameCase(basis)) {
    const bool emitter_in = InCharge(emitter, emitter_id, x);
    const bool recipient_in = InCharge(recipient, recipient_id, x);
    if (!emitter_in || !recipient_in) {
      return Refuse(o, SharingCheck::kNotInCareOfSamePerson,
                    absl::StrCat(law, " needs both professionals in charge of the person; the ",
                                 !emitter_in ? "emitter" : "recipient",
                                 " is in no team assigned to the person and is not the referent"));
    }
  }

  // 4. A purpose of the policy that declares what is shared.
  const std::optional<uint32_t> purpose = t.c->activities.Find(request.purpose);
  if (!purpose) {
    return Refuse(o, SharingCheck::kPurposeNotAllowed,
                  "the purpose is not an activity of the policy");
  }
  for (uint32_t category : item_categories) {
    if (!t.c->ActivityDeclares(*purpose, category)) {
      return Refuse(o, SharingCheck::kPurposeNotAllowed,
                    absl::StrCat("activity '", request.purpose, "' does not declare category ",
                                 CategoryName(t, category)));
    }
  }

  // 5. Items selected one by one, within a sharing rule of the basis for the recipient's role and
  // within the recipient's habilitations; the whole file only where a rule allows it.
  if (request.items.empty() && !request.whole_file) {
    return Refuse(o, SharingCheck::kNoItemSelected, "the share selects no item");
  }
  auto rule_covers = [&](uint32_t category, bool whole_file) {
    for (const Tables::SharingRuleTable& rule : t.sharing_rules) {
      if (rule.basis == basis && rule.role[recipient.role] && rule.category[category] &&
          (!whole_file || rule.allow_whole_file)) {
        return true;
      }
    }
    return false;
  };
  std::vector<uint32_t> categories(item_categories.begin(), item_categories.end());
  if (request.whole_file) {
    bool allowed = false;
    for (const Tables::SharingRuleTable& rule : t.sharing_rules) {
      if (rule.basis == basis && rule.allow_whole_file && rule.role[recipient.role]) {
        allowed = true;
        if (!request.items.empty()) continue;
        // The whole file: the rule's categories the recipient may read and the purpose declares.
        for (uint32_t c = 0; c < t.categories; ++c) {
          if (rule.category[c] &&
              t.HabilitationRow(recipient.role, Action::kRead, c) != kRuleIndexNone &&
              t.c->ActivityDeclares(*purpose, c)) {
            categories.push_back(c);
          }
        }
      }
    }
    if (!allowed) {
      return Refuse(o, SharingCheck::kWholeFileNotAllowed,
                    absl::StrCat("no sharing rule for ", law, " and role '", o.recipient_role,
                                 "' allows sharing the whole file (allow_whole_file): select the "
                                 "items strictly necessary"));
    }
    if (categories.empty()) {
      return Refuse(o, SharingCheck::kNoItemSelected,
                    "the whole file allowed holds no category the recipient may read for this "
                    "purpose");
    }
  }
  std::sort(categories.begin(), categories.end());
  categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
  for (uint32_t category : categories) {
    if (!rule_covers(category, request.whole_file)) {
      return Refuse(o, SharingCheck::kItemOutsideSharingRule,
                    absl::StrCat("no sharing rule for ", law, " lets role '", o.recipient_role,
                                 "' receive category ", CategoryName(t, category)));
    }
    if (t.HabilitationRow(recipient.role, Action::kRead, category) == kRuleIndexNone) {
      return Refuse(o, SharingCheck::kItemOutsideRecipientHabilitations,
                    absl::StrCat("role '", o.recipient_role, "' may not read category ",
                                 CategoryName(t, category), " (habilitation matrix)"));
    }
  }
  for (uint32_t category : categories) {
    o.categories.push_back(std::string(t.c->data_categories.Name(category)));
  }

  // 6. Prior information (REQ-27), of every holder of parental authority and the guardian of a
  // minor for L.226-2-2 and L.226-2-1 (REQ-28), or an exception recorded for this share.
  if (InformationRequired(basis)) {
    const bool minor = x.birth_days != access_internal::kUnknownDate &&
                       access_internal::AgeOn(x.birth_days, day) < 18;
    const auto representatives = access_internal::RepresentativesOn(st, day, ~0u);
    // Whether a record of this share and recipient tells `who` (or, for the person, one of their
    // representatives that day) of every shared category, at or before the decision.
    auto informed = [&](uint32_t who, bool person_or_representative) -> uint64_t {
      if (st == nullptr) return 0;
      for (const access_internal::InformationRecord& r : st->informed) {
        if (r.share != request.share || r.recipient != recipient_id || r.at > at) continue;
        const bool whom =
            r.informed == who ||
            (person_or_representative && std::find(representatives.begin(), representatives.end(),
                                                   r.informed) != representatives.end());
        if (!whom) continue;
        bool covers = true;
        for (uint32_t c : categories) covers = covers && Has(r.categories, c);
        if (covers) return r.revision;
      }
      return 0;
    };
    auto add = [&](uint32_t who, InformRelation relation, bool required) {
      PersonToInform p;
      p.person = std::string(s.ids->persons.Name(who));
      p.relation = relation;
      p.required = required;
      p.revision = informed(who, relation == InformRelation::kPerson);
      p.informed = p.revision != 0;
      o.persons_to_inform.push_back(std::move(p));
    };
    if (minor && InformsParents(basis)) {
      if (st != nullptr) {
        constexpr uint32_t kKinds =
            access_internal::KindBit(access_internal::RepresentativeKind::kParentalAuthority) |
            access_internal::KindBit(access_internal::RepresentativeKind::kGuardianship);
        for (uint32_t who : access_internal::RepresentativesOn(st, day, kKinds)) {
          bool parent = false;
          for (const access_internal::Representative& r : st->representatives) {
            parent = parent || (r.person == who && r.ActiveOn(day) &&
                                r.kind == access_internal::RepresentativeKind::kParentalAuthority);
          }
          add(who, parent ? InformRelation::kParentalAuthority : InformRelation::kGuardian, true);
        }
      }
      // The child is offered, with a maturity assessment; required only when nobody holds
      // parental authority on record.
      add(person_id, InformRelation::kChild, o.persons_to_inform.empty());
    } else {
      add(person_id, InformRelation::kPerson, true);
    }
    size_t missing = 0, required = 0;
    for (const PersonToInform& p : o.persons_to_inform) {
      if (p.informed) o.information_revisions.push_back(p.revision);
      if (!p.required) continue;
      ++required;
      if (!p.informed) ++missing;
    }
    if (missing > 0) {
      const access_internal::InformationExceptionRecord* exception = nullptr;
      if (st != nullptr) {
        for (const auto& e : st->information_exceptions) {
          if (e.share == request.share && e.at <= at) exception = &e;
        }
      }
      const bool usable =
          exception != nullptr &&
          (exception->kind != access_internal::InformationExceptionKind::kContraryToChildInterest ||
           minor);
      if (!usable) {
        return Refuse(
            o, SharingCheck::kPersonNotInformed,
            absl::StrCat(missing, " of the ", required, required == 1 ? " person" : " persons",
                         " to inform of this share (its nature and its recipient) ",
                         missing == 1 ? "was" : "were",
                         " not informed beforehand, and no exception (urgency, "
                         "impossibility, contrary to the child's interest) is recorded "
                         "for it"));
      }
      o.exception_revision = exception->revision;
      o.exception = static_cast<InformationExceptionKind>(exception->kind);
      if (exception->kind != access_internal::InformationExceptionKind::kContraryToChildInterest) {
        o.follow_up_open = true;
        for (const access_internal::InformationRecord& r : st->informed) {
          if (r.share == request.share && r.at >= exception->at) o.follow_up_open = false;
        }
      }
    }
  }

  // 7. L.1110-4 III outside the team: the person's consent to share each category with the
  // recipient, valid now (REQ-25).
  if (SharingRequiresConsent(basis)) {
    for (uint32_t category : categories) {
      const access_internal::ConsentRecord* consent = access_internal::ValidConsent(
          s, person_id, *purpose, access_internal::ConsentScope::kSharing, category, recipient_id,
          at);
      if (consent == nullptr) {
        return Refuse(o, SharingCheck::kNoSharingConsent,
                      absl::StrCat("no valid consent of the person to share category ",
                                   CategoryName(t, category),
                                   " with this recipient for this purpose (CSP L.1110-4 III)"));
      }
      o.consent_revision = std::max(o.consent_revision, consent->revision);
    }
  }

  // 8. An objection to sharing blocks every L.1110-4 share; mandatory reports go through, flagged.
  if (access_internal::ObjectionAt(st, access_internal::ObjectionKind::kSharing, kNoId, at)) {
    if (IsL1110_4(basis)) {
      return Refuse(o, SharingCheck::kPersonObjectsToSharing,
                    absl::StrCat("the person objects to the sharing of their data (CSP L.1110-4 "
                                 "IV), which blocks ",
                                 law));
    }
    if (SharingIsMandatoryReport(basis)) o.overrides_opposition = true;
  }

  // 9. No onward disclosure of what the emitter received under CASF L.121-6-2 (REQ-29).
  if (st != nullptr) {
    for (const access_internal::ShareRecord& received : st->shares) {
      if (received.basis != SharingBasis::kCasfL121_6_2 || received.recipient != emitter_id ||
          received.at > at) {
        continue;
      }
      bool again = false;
      if (request.items.empty()) {
        for (uint32_t c : categories) again = again || Has(received.categories, c);
      }
      for (size_t i = 0; i < request.items.size() && !again; ++i) {
        again = received.Includes(request.items[i].item, item_categories[i]);
      }
      if (again) {
        return Refuse(o, SharingCheck::kOnwardDisclosureForbidden,
                      "the emitter received some of these items under CASF L.121-6-2, which "
                      "forbids passing them on to third parties");
      }
    }
  }

  o.granted = true;
  o.sentence = absl::StrCat(
      "granted under ", law, ": ",
      request.whole_file
          ? absl::StrCat("the whole file (", categories.size(), " categories)")
          : absl::StrCat(request.items.size(), request.items.size() == 1 ? " item" : " items"),
      " to role '", o.recipient_role, "' for activity '", request.purpose, "'",
      o.follow_up_open ? "; the person is to be informed afterwards (follow-up open)" : "",
      o.exception_revision != 0 && !o.follow_up_open
          ? "; not informed: contrary to the child's interest"
          : "",
      o.overrides_opposition ? "; a mandatory report, made despite the person's objection" : "");
  return o;
}

absl::StatusOr<SharingOutcome> Share(AccessEngine& engine, const SharingRequest& request) {
  // A first decision on the published snapshot: refusals and errors need no writer lock, and a
  // granted share gives the event to record (a whole file's categories).
  SOCLE_ASSIGN_OR_RETURN(SharingOutcome outcome, CheckShare(*engine.snapshot(), request));
  if (!outcome.granted) return outcome;
  if (access_internal::share_checked_hook) {
    std::exchange(access_internal::share_checked_hook, nullptr)();
  }
  v1::StateEvent event;
  event.set_recorded_by(request.emitter);
  event.mutable_involvement()->set_kind(
      static_cast<v1::PersonInvolvement::Kind>(request.involvement));
  event.mutable_involvement()->set_reason(request.involvement_reason);
  v1::AccessGranted* e = event.mutable_access_granted();
  e->set_person(request.person);
  e->set_professional(request.recipient);
  if (request.whole_file && request.items.empty()) {
    for (const std::string& category : outcome.categories) e->add_categories(category);
  } else {
    for (const SharedItem& item : request.items) {
      e->add_items(item.item);
      e->add_categories(item.category);
    }
  }
  e->set_basis(static_cast<v1::SharingBasis>(request.basis));
  e->set_share(request.share);
  e->set_purpose(request.purpose);
  e->set_reference(request.share);
  // The decision that counts: the checklist again, under the writer lock, on the state the grant
  // is applied to, as of the grant's time. Another writer may have recorded an objection,
  // withdrawn a consent, ended a representative or closed the case since the first decision.
  const std::vector<std::string> categories = outcome.categories;
  bool refused = false;
  absl::StatusOr<uint64_t> revision = access_internal::ApplyNow(
      engine, event, [&](const AccessSnapshot& current, absl::Time at) -> absl::Status {
        SharingRequest now = request;
        if (now.time == absl::InfinitePast()) now.time = at;
        SOCLE_ASSIGN_OR_RETURN(outcome, CheckShare(current, now));
        if (!outcome.granted) {
          refused = true;
          return MakeError(ErrorCode::kFailedPrecondition, "share: refused on the newest state");
        }
        // The grant records the categories of the first decision; they depend on the policy and
        // the request alone, never on the state.
        if (outcome.categories != categories) {
          return MakeError(ErrorCode::kInternal,
                           "share: the shared categories changed between two decisions");
        }
        return absl::OkStatus();
      });
  if (refused) return outcome;
  SOCLE_RETURN_IF_ERROR(revision.status());
  outcome.revision = *revision;
  return outcome;
}

absl::StatusOr<uint64_t> RevokeShare(AccessEngine& engine, absl::string_view person,
                                     absl::string_view recipient, absl::string_view share,
                                     absl::string_view recorded_by) {
  if (share.empty()) return MakeError(ErrorCode::kInvalidArgument, "share is empty");
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::AccessGrantRevoked* e = event.mutable_access_grant_revoked();
  e->set_person(std::string(person));
  e->set_professional(std::string(recipient));
  e->set_share(std::string(share));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordPersonInformed(AccessEngine& engine, const InformationSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::PersonInformed* e = event.mutable_person_informed();
  e->set_person(spec.person);
  e->set_informed(spec.informed);
  e->set_share(spec.share);
  e->set_recipient(spec.recipient);
  for (const std::string& c : spec.categories) e->add_categories(c);
  e->set_channel(static_cast<v1::Channel>(spec.channel));
  e->set_maturity_assessment(spec.maturity_assessment);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordInformationException(AccessEngine& engine,
                                                    const InformationExceptionSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::InformationException* e = event.mutable_information_exception();
  e->set_person(spec.person);
  e->set_share(spec.share);
  e->set_kind(static_cast<v1::InformationException::Kind>(spec.kind));
  e->set_justification(spec.justification);
  return access_internal::ApplyNow(engine, event);
}

std::vector<InformationFollowUp> access_internal::FollowUpsOpenAt(const PersonState* st,
                                                                  int64_t at) {
  std::vector<InformationFollowUp> out;
  if (st == nullptr) return out;
  for (const auto& e : st->information_exceptions) {
    if (e.kind == access_internal::InformationExceptionKind::kContraryToChildInterest) continue;
    if (e.at > at) continue;
    const bool done = std::any_of(st->informed.begin(), st->informed.end(), [&](const auto& r) {
      return r.share == e.share && r.at >= e.at && r.at <= at;
    });
    if (done) continue;
    InformationFollowUp f;
    f.share = e.share;
    f.kind = static_cast<socle::InformationExceptionKind>(e.kind);
    f.since = absl::FromUnixNanos(e.at);
    f.revision = e.revision;
    out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<std::vector<InformationFollowUp>> OpenInformationFollowUps(
    const AccessSnapshot& snapshot, absl::string_view person) {
  const SnapshotData& s = Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  return access_internal::FollowUpsOpenAt(s.person(id)->state.get(), access_internal::kNever);
}

absl::StatusOr<std::vector<ShareInfo>> Shares(const AccessSnapshot& snapshot,
                                              absl::string_view person) {
  const SnapshotData& s = Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  std::vector<ShareInfo> out;
  const PersonState* st = s.person(id)->state.get();
  if (st == nullptr) return out;
  const Tables& t = *s.tables;
  for (const access_internal::ShareRecord& r : st->shares) {
    ShareInfo info;
    info.share = r.share;
    info.emitter = std::string(s.ids->professionals.Name(r.emitter));
    info.recipient = std::string(s.ids->professionals.Name(r.recipient));
    info.basis = r.basis;
    info.purpose = std::string(t.c->activities.Name(r.purpose));
    info.items = r.items;
    for (uint32_t c : r.categories) {
      info.categories.push_back(std::string(t.c->data_categories.Name(c)));
    }
    info.at = absl::FromUnixNanos(r.at);
    info.revision = r.revision;
    info.active = std::any_of(st->grants.begin(), st->grants.end(), [&](const auto& g) {
      return g.professional == r.recipient && g.share == r.share;
    });
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ItemRecipients(const AccessSnapshot& snapshot,
                                                        absl::string_view person,
                                                        absl::string_view item,
                                                        absl::string_view category) {
  const SnapshotData& s = Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  SOCLE_RETURN_IF_ERROR(access_internal::CheckId("item", item));
  uint32_t category_id = kNoId;
  if (!category.empty()) {
    const std::optional<uint32_t> found = s.tables->c->data_categories.Find(category);
    if (!found) {
      return MakeError(ErrorCode::kNotFound, "category: not a data category of the policy");
    }
    category_id = *found;
  }
  std::vector<std::string> out;
  const PersonState* st = s.person(id)->state.get();
  if (st == nullptr) return out;
  for (uint32_t recipient : st->ItemRecipientIds(item, category_id)) {
    out.push_back(std::string(s.ids->professionals.Name(recipient)));
  }
  return out;
}

}  // namespace socle
