// The decision path: Decide (no allocation, dense ids), its batch forms, FilterView, ListPersons
// and Explain. The order of the checks is the order of docs/access-rules.md; a deny wins, so the
// first failing check gives the reason.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "access/person_facts.h"
#include "access/retention.h"
#include "access/state.h"
#include "core/calendar.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/error.hpp"

namespace socle {
namespace access_internal {
namespace {

// How the professional meets need-to-know for this person.
enum class Basis : uint8_t { kNone, kTeam, kReferent, kGrant, kBreakGlass, kArchive };

inline bool Archivist(const Tables& t, uint32_t role) {
  return (t.c->role_capabilities[role] & (1u << v1::Role::ARCHIVIST)) != 0;
}

// The retention phase of the request's category for the person, on the request's day (as the
// clock reads, never earlier: asking about the past does not reopen an archive). Only for a
// person with retention facts (RetentionMayApply).
RetentionStatus RetentionOf(const SnapshotData& s, const AccessRequest& r, const PersonRecord& x,
                            uint32_t* rule);

inline bool SharesTeam(const TeamList& a, const TeamList& b) {
  // Both lists are tiny (one to a few teams): a nested loop beats a merge.
  for (uint32_t x : a) {
    for (uint32_t y : b) {
      if (x == y) return true;
    }
  }
  return false;
}

inline bool Bound(SecrecyStatus s) {
  return s == SecrecyStatus::kByProfession || s == SecrecyStatus::kByMission;
}

inline int64_t NowNanos(const SnapshotData& s, const AccessRequest& r) {
  // The clock is read only here, when a session or a grant has to be checked. A caller's time
  // earlier than the clock counts as the clock's: it never reopens what has expired.
  const absl::Time now = s.clock->Now();
  return absl::ToUnixNanos(r.time > now ? r.time : now);
}

// Whether an active grant covers the request. A share covers a read for its purpose of one of
// its items, as of the category it was shared as (a whole-file share: of its categories); a
// plain grant covers its categories.
inline bool GrantCovers(const GrantRecord& g, const AccessRequest& r) {
  if (!g.is_share()) return g.Covers(r.category);
  if (r.action != Action::kRead || r.purpose != g.purpose) return false;
  if (g.items.empty()) return g.Covers(r.category);
  if (r.item.empty()) return false;
  const auto it = std::lower_bound(g.items.begin(), g.items.end(), r.item);
  return it != g.items.end() && *it == r.item &&
         g.item_categories[static_cast<size_t>(it - g.items.begin())] == r.category;
}

// Grants and break-the-glass sessions of the person for this professional. `not_shared`: the
// professional holds shares on the file, none of which covers the request.
Basis StateBasis(const PersonState& st, const SnapshotData& s, const AccessRequest& r,
                 bool* expired, bool* not_shared) {
  if (st.grants.empty() && st.sessions.empty()) return Basis::kNone;
  const int64_t now = NowNanos(s, r);
  for (const GrantRecord& g : st.grants) {
    if (g.professional != r.actor || now >= g.expires_at) continue;
    if (GrantCovers(g, r)) return Basis::kGrant;
    if (g.is_share()) *not_shared = true;
  }
  for (const Session& session : st.sessions) {
    if (session.professional != r.actor) continue;
    if (now < session.expires_at) return Basis::kBreakGlass;  // t >= expires_at: expired
    *expired = true;
  }
  return Basis::kNone;
}

// The person's consent and objections for the purpose (REQ-06, REQ-16): kAllowed when neither
// stands in the way. A person without consents has none valid and without objections none
// stands; the clock is read only when the person has consents (a consent-based purpose) or
// objections (an objectable one).
inline Reason ConsentAndObjection(const SnapshotData& s, const AccessRequest& r,
                                  const PersonRecord& x) {
  const Tables& t = *s.tables;
  if (t.NeedsConsent(r.purpose, r.category)) {
    if ((x.facts & kFactConsents) == 0 ||
        ValidConsent(s, r.person, r.purpose, ConsentScope::kProcessing, r.category, kNoId,
                     NowNanos(s, r)) == nullptr) {
      return Reason::kNoConsent;
    }
  }
  if (t.activity_objectable[r.purpose] && (x.facts & kFactObjections) != 0) {
    const std::optional<ObjectionOutcome> o =
        ObjectionAt(x.state.get(), ObjectionKind::kProcessing, r.purpose, NowNanos(s, r));
    if (o) {
      return *o == ObjectionOutcome::kPending ? Reason::kObjectionPending
                                              : Reason::kObjectionUpheld;
    }
  }
  return Reason::kAllowed;
}

inline bool MaskApplies(const Mask& m, const AccessRequest& r, uint32_t role) {
  if (m.category != kNoId) {
    if (m.category != r.category) return false;
  } else if (r.item.empty() || m.item != r.item) {
    return false;
  }
  switch (m.audience) {
    case MaskAudience::kEveryone:
      return true;
    case MaskAudience::kRole:
      return m.audience_id == role;
    case MaskAudience::kProfessional:
      return m.audience_id == r.actor;
    default:
      return true;  // an unknown audience hides from everyone: deny wins
  }
}

const Mask* FirstMask(const PersonState& st, const AccessRequest& r, uint32_t role) {
  for (const Mask& m : st.masks) {
    if (MaskApplies(m, r, role)) return &m;
  }
  return nullptr;
}

inline Decision& Deny(Decision& d, Reason reason, uint32_t rule) {
  d.effect = Effect::kDeny;
  d.reason = reason;
  d.rule = rule;
  return d;
}

inline Decision& Allow(Decision& d, Reason reason, uint32_t rule, Basis basis,
                       const PersonRecord& person) {
  d.effect = Effect::kAllow;
  d.reason = reason;
  d.rule = rule;
  if (basis == Basis::kBreakGlass) {
    d.obligations |=
        obligation::kBreakGlassFlag | obligation::kNotifyPerson | obligation::kOpenReview;
    if (person.referent != kNoId) d.obligations |= obligation::kNotifyReferent;
  }
  return d;
}

inline bool InRange(const SnapshotData& s, const AccessRequest& r) {
  const Tables& t = *s.tables;
  const auto action = static_cast<uint32_t>(r.action);
  const auto kind = static_cast<uint32_t>(r.kind);
  return r.actor < s.state.professionals.size() && r.person < s.state.persons.size() &&
         r.category < t.categories && r.purpose < t.activities &&
         action - 1u < static_cast<uint32_t>(kActionCount - 1) &&
         kind - 1u < static_cast<uint32_t>(kEntryKindCount - 1) &&
         static_cast<uint32_t>(r.restriction_justification) <
             static_cast<uint32_t>(kRestrictionJustificationCount);
}

RetentionStatus RetentionOf(const SnapshotData& s, const AccessRequest& r, const PersonRecord& x,
                            uint32_t* rule) {
  const int32_t day = core::LegalDayNumber(NowNanos(s, r));
  return CategoryRetention(*s.tables->c, RetentionInputOf(x, day), r.category, day, rule);
}

// Whether the request's category is past its active phase for the person (RetentionOf's phase is
// not kActive), read from the person's retention schedule when it applies; `rule` receives the
// deciding rule when it is. Only for a person with retention facts (RetentionMayApply).
bool Archived(const SnapshotData& s, const AccessRequest& r, const PersonRecord& x,
              uint32_t* rule) {
  const RetentionSchedule& schedule = x.state->retention_schedule;
  if (!schedule.Applies(x.birth_days, !x.teams.empty())) {
    return RetentionOf(s, r, x, rule).phase != RetentionPhase::kActive;
  }
  const RetentionStep& step = schedule.On(r.category, core::LegalDayNumber(NowNanos(s, r)));
  if (step.phase == static_cast<uint8_t>(RetentionPhase::kActive)) return false;
  *rule = step.rule;
  return true;
}

}  // namespace

namespace {

// Every check but the restriction's (DecideValid applies it last).
Decision DecideUnrestricted(const SnapshotData& s, const AccessRequest& r) {
  const Tables& t = *s.tables;
  Decision d;
  d.revision = s.state.revision;
  d.obligations = obligation::kLog;  // denials are logged too
  if (!InRange(s, r)) return Deny(d, Reason::kInvalidRequest, 0);
  const ProfessionalRecord& p = s.state.professionals[r.actor];
  const PersonRecord& x = s.state.persons[r.person];
  if (!p.known || !x.known) return Deny(d, Reason::kInvalidRequest, 0);

  if (p.left) return Deny(d, Reason::kProfessionalLeft, MakeRule(RuleKind::kDirectory, 0));
  // An erased person (art. 17): nothing of their file is shown to anyone.
  if ((x.facts & kFactErased) != 0)
    return Deny(d, Reason::kErased, MakeRule(RuleKind::kDirectory, 1));
  // The person's state is opened only for the facts it holds (x.facts, in the record).
  const PersonState* st = x.state.get();
  if ((x.facts & kFactBlocks) != 0 && st->Blocks(r.actor)) {
    return Deny(d, Reason::kBlocked, MakeRule(RuleKind::kBlock, 0));
  }
  if (r.kind == EntryKind::kWorkingNote && r.author != r.actor) {
    return Deny(d, Reason::kWorkingNote, MakeRule(RuleKind::kEntryKind, kRuleIndexNone));
  }

  // REQ-35: past its active phase, a category is the archive's: an archivist reads it, with a
  // reason; need-to-know of the active file does not apply there.
  // Others are denied once need-to-know has passed (an outsider is still not_assigned).
  uint32_t retention_rule = kRuleIndexNone;
  const bool archived = RetentionMayApply(x) && Archived(s, r, x, &retention_rule);
  const bool archive =
      archived && Archivist(t, p.role) && !r.archive_reason.empty() && r.action == Action::kRead;

  Basis basis = Basis::kNone;
  bool expired = false;
  bool not_shared = false;
  if (archive) {
    basis = Basis::kArchive;
  } else if (SharesTeam(p.teams, x.teams)) {
    basis = Basis::kTeam;
  } else if (x.referent == r.actor) {
    basis = Basis::kReferent;
  } else if ((x.facts & kFactAccess) != 0) {
    basis = StateBasis(*st, s, r, &expired, &not_shared);
  }
  if (basis == Basis::kNone) {
    if (not_shared) return Deny(d, Reason::kItemNotShared, MakeRule(RuleKind::kGrant, 0));
    return expired ? Deny(d, Reason::kBreakGlassExpired, MakeRule(RuleKind::kBreakGlass, 0))
                   : Deny(d, Reason::kNotAssigned, MakeRule(RuleKind::kNeedToKnow, kRuleIndexNone));
  }
  if (archived && !archive) {
    return Deny(d, Reason::kArchived, MakeRule(RuleKind::kRetention, retention_rule));
  }
  if (basis == Basis::kBreakGlass) d.obligations |= obligation::kBreakGlassFlag;

  const uint32_t row = t.HabilitationRow(p.role, r.action, r.category);
  if (row == kRuleIndexNone) {
    return Deny(d, Reason::kRoleDoesNotAllow, MakeRule(RuleKind::kHabilitation, kRuleIndexNone));
  }
  if (!t.c->ActivityDeclares(r.purpose, r.category)) {
    return Deny(d, Reason::kCategoryOutsidePurpose, MakeRule(RuleKind::kPurpose, r.purpose));
  }
  if (t.category_special[r.category] && !Bound(p.secrecy)) {
    return Deny(d, Reason::kNotBoundBySecrecy,
                MakeRule(RuleKind::kSecrecy, p.own_secrecy ? kRuleIndexNone : p.role));
  }
  if (r.author != r.actor) {
    const int32_t rule = t.c->entry_kind_rule[static_cast<uint32_t>(r.kind)];
    if (rule >= 0 && !t.c->EntryKindAllows(r.kind, p.role)) {
      return Deny(d, Reason::kEntryKindRestricted,
                  MakeRule(RuleKind::kEntryKind, static_cast<uint32_t>(rule)));
    }
  }
  if (const Reason why = ConsentAndObjection(s, r, x); why != Reason::kAllowed) {
    return Deny(
        d, why,
        MakeRule(why == Reason::kNoConsent ? RuleKind::kConsent : RuleKind::kObjection, r.purpose));
  }

  const bool masked =
      r.masked || ((x.facts & kFactMasks) != 0 && FirstMask(*st, r, p.role) != nullptr);
  if (masked) {
    const uint32_t masking = MakeRule(RuleKind::kMasking, 0);
    if (r.author == r.actor) return Allow(d, Reason::kAllowedAuthorOfMasked, masking, basis, x);
    if (x.referent == r.actor && t.referent_keeps_access && t.role_referent[p.role]) {
      return Allow(d, Reason::kAllowedReferentOfMasked, masking, basis, x);
    }
    if (basis == Basis::kBreakGlass && t.reveals_masked) {
      return Allow(d, Reason::kAllowedBreakGlass, MakeRule(RuleKind::kBreakGlass, 0), basis, x);
    }
    if (t.signalled) d.obligations |= obligation::kShowPlaceholder;
    return Deny(d, Reason::kMasked, masking);
  }
  switch (basis) {
    case Basis::kGrant:
      return Allow(d, Reason::kAllowedByGrant, MakeRule(RuleKind::kGrant, 0), basis, x);
    case Basis::kBreakGlass:
      return Allow(d, Reason::kAllowedBreakGlass, MakeRule(RuleKind::kBreakGlass, 0), basis, x);
    case Basis::kArchive:
      return Allow(d, Reason::kAllowedArchivist, MakeRule(RuleKind::kRetention, retention_rule),
                   basis, x);
    default:
      return Allow(d, Reason::kAllowed, MakeRule(RuleKind::kHabilitation, row), basis, x);
  }
}

}  // namespace

Decision DecideValid(const SnapshotData& s, const AccessRequest& r) {
  Decision d = DecideUnrestricted(s, r);
  // REQ-14, art. 18(2): a restricted file or item is stored only. The restriction comes last, so
  // that a request every other rule denies keeps its own reason; one they allow is denied unless
  // it carries a justification of art. 18(2).
  if (!d.allowed()) return d;
  const PersonRecord& x = s.state.persons[r.person];  // allowed: known, in range
  if ((x.facts & kFactRestricted) == 0) return d;
  const RestrictionRecord* restriction = x.state->RestrictionCovering(r.item);
  if (restriction == nullptr) return d;
  const uint32_t rule = MakeRule(RuleKind::kRestriction, restriction->ground);
  if (r.restriction_justification == RestrictionJustification::kNone) {
    d.obligations &= obligation::kLog | obligation::kBreakGlassFlag;
    return Deny(d, Reason::kRestricted, rule);
  }
  d.reason = Reason::kAllowedUnderRestriction;
  d.rule = rule;
  return d;
}

namespace {

absl::Status CheckActor(const SnapshotData& s, uint32_t actor) {
  if (s.professional(actor) != nullptr) return absl::OkStatus();
  return MakeError(ErrorCode::kNotFound, absl::StrCat("actor: no professional has dense id ", actor,
                                                      " at revision ", s.state.revision));
}

absl::Status CheckPolicyIds(const Tables& t, uint32_t category, uint32_t purpose, Action action) {
  if (category >= t.categories) {
    return MakeError(
        ErrorCode::kNotFound,
        absl::StrCat("category: ", category, " is not a data category of the policy (it has ",
                     t.categories, ")"));
  }
  if (purpose >= t.activities) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("purpose: ", purpose,
                                  " is not an activity of the policy (it has ", t.activities, ")"));
  }
  const auto a = static_cast<int32_t>(action);
  if (a <= 0 || a >= kActionCount) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("action: ", a, " is not an action (1 read to 6 share)"));
  }
  return absl::OkStatus();
}

// The actor reaches the person through item-level shares only (Decide without an item said
// kItemNotShared): whether one item of an active share, shared as the request's category for its
// purpose, may be read, as Decide says for that item (its mask, the person's consent and
// objections, the actor's habilitations all count). `r` names no item; it is given back so.
bool SharedItemReadable(const SnapshotData& s, AccessRequest& r) {
  const PersonState* st = s.state.persons[r.person].state.get();
  if (st == nullptr || r.action != Action::kRead) return false;
  const int64_t now = NowNanos(s, r);
  bool readable = false;
  for (const GrantRecord& g : st->grants) {
    if (g.professional != r.actor || !g.is_share() || g.purpose != r.purpose ||
        now >= g.expires_at) {
      continue;
    }
    for (size_t i = 0; i < g.items.size() && !readable; ++i) {
      if (g.item_categories[i] != r.category) continue;
      r.item = g.items[i];
      readable = DecideValid(s, r).allowed();
    }
    if (readable) break;
  }
  r.item = absl::string_view();
  return readable;
}

}  // namespace

absl::Status CheckRequest(const SnapshotData& s, const AccessRequest& r) {
  if (absl::Status status = CheckActor(s, r.actor); !status.ok()) return status;
  if (s.person(r.person) == nullptr) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat("person: no person has dense id ", r.person,
                                                        " at revision ", s.state.revision));
  }
  if (absl::Status status = CheckPolicyIds(*s.tables, r.category, r.purpose, r.action);
      !status.ok()) {
    return status;
  }
  const auto kind = static_cast<int32_t>(r.kind);
  if (kind <= 0 || kind >= kEntryKindCount) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("kind: ", kind,
                                  " is not an entry kind (1 fact, 2 appreciation, 3 "
                                  "third_party_information, 4 working_note)"));
  }
  const auto justification = static_cast<int32_t>(r.restriction_justification);
  if (justification < 0 || justification >= kRestrictionJustificationCount) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("restriction_justification: ", justification,
                                  " is not a justification (0 none, 1 subject_consent, 2 "
                                  "legal_claims, 3 protection_of_others, 4 "
                                  "important_public_interest)"));
  }
  return absl::OkStatus();
}

bool RequestValid(const SnapshotData& s, const AccessRequest& r) {
  return InRange(s, r) && s.professional(r.actor) != nullptr && s.person(r.person) != nullptr;
}

absl::StatusOr<std::vector<uint32_t>> ListPersonsImpl(const SnapshotData& s, uint32_t actor,
                                                      uint32_t category, uint32_t purpose,
                                                      Action action, absl::Time time) {
  const Tables& t = *s.tables;
  AccessRequest r;
  r.actor = actor;
  r.action = action;
  r.category = category;
  r.purpose = purpose;
  r.kind = EntryKind::kFact;
  r.time = time;
  if (absl::Status status = CheckActor(s, actor); !status.ok()) return status;
  // Archived persons leave everyone's lists but an archivist's (REQ-35): listing is not reading.
  if (Archivist(t, s.state.professionals[actor].role)) r.archive_reason = "list";
  if (absl::Status status = CheckPolicyIds(t, category, purpose, action); !status.ok()) {
    return status;
  }
  std::vector<uint32_t> out;
  const ProfessionalRecord& p = s.state.professionals[actor];
  // The checks that do not depend on the person: if one fails, nobody is listed.
  if (p.left || t.HabilitationRow(p.role, action, category) == kRuleIndexNone ||
      !t.c->ActivityDeclares(purpose, category) ||
      (t.category_special[category] && !Bound(p.secrecy)) ||
      !t.c->EntryKindAllows(EntryKind::kFact, p.role)) {
    return out;
  }

  const bool needs_consent = t.NeedsConsent(purpose, category);

  // Every source list is sorted: append each and merge it into place (linear per list), so the
  // candidates come out sorted without sorting thousands of ids.
  std::vector<uint32_t> candidates;
  size_t sources = 0;
  auto append = [&](const std::vector<uint32_t>& list) {
    if (list.empty()) return;
    const size_t middle = candidates.size();
    candidates.insert(candidates.end(), list.begin(), list.end());
    if (middle > 0) {
      std::inplace_merge(candidates.begin(), candidates.begin() + middle, candidates.end());
    }
    ++sources;
  };
  for (uint32_t team : p.teams) {
    if (team >= s.state.teams.size()) continue;
    const auto& members = s.state.teams[team].members;
    if (members != nullptr) append(members->persons);
  }
  if (p.extra != nullptr) {
    append(p.extra->referent_of);
    append(p.extra->granted);
  }
  if (sources > 1) {
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }
  out.reserve(candidates.size());
  for (uint32_t id : candidates) {
    const PersonRecord& x = s.state.persons[id];
    if (!x.known) continue;
    // A person without privacy state who shares a team or has the actor as referent passes
    // every remaining check (nothing masked, nothing blocked, no objection) unless the purpose
    // needs a consent, which they do not have: skip the full decision.
    if (x.state == nullptr && (SharesTeam(p.teams, x.teams) || x.referent == actor)) {
      if (needs_consent) continue;
      out.push_back(id);
      continue;
    }
    r.person = id;
    const Decision d = DecideValid(s, r);
    if (d.allowed() || (d.reason == Reason::kItemNotShared && SharedItemReadable(s, r))) {
      out.push_back(id);
    }
  }
  return out;
}

absl::StatusOr<std::vector<AccessHolder>> ListAccessHoldersImpl(const SnapshotData& s,
                                                                uint32_t person, absl::Time time) {
  const PersonRecord* x = s.person(person);
  if (x == nullptr) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat("person: no person has dense id ", person,
                                                        " at revision ", s.state.revision));
  }
  const PersonState* st = x->state.get();
  // Who may be listed: in the directory, not gone, not blocked by the person.
  auto eligible = [&](uint32_t pro) {
    const ProfessionalRecord* p = s.professional(pro);
    return p != nullptr && !p->left && (st == nullptr || !st->Blocks(pro));
  };
  std::vector<AccessHolder> out;
  // The person's teams are sorted: the first team that lists a professional is the lowest.
  for (uint32_t team : x->teams) {
    if (team >= s.state.teams.size()) continue;
    const auto& members = s.state.teams[team].professionals;
    if (members == nullptr) continue;
    for (uint32_t pro : members->persons) {
      if (!eligible(pro)) continue;
      AccessHolder h;
      h.professional = pro;
      h.basis = AccessBasis::kTeam;
      h.team = team;
      out.push_back(std::move(h));
    }
  }
  if (x->referent != kNoId && eligible(x->referent)) {
    AccessHolder h;
    h.professional = x->referent;
    h.basis = AccessBasis::kReferent;
    out.push_back(std::move(h));
  }
  if (st != nullptr && (!st->grants.empty() || !st->sessions.empty())) {
    AccessRequest r;
    r.time = time;
    const int64_t now = NowNanos(s, r);
    for (const GrantRecord& g : st->grants) {
      if (now >= g.expires_at || !eligible(g.professional)) continue;
      AccessHolder h;
      h.professional = g.professional;
      h.basis = AccessBasis::kGrant;
      if (g.expires_at != kNever) h.expires_at = absl::FromUnixNanos(g.expires_at);
      h.reference = g.reference;
      out.push_back(std::move(h));
    }
    for (const Session& session : st->sessions) {
      if (now >= session.expires_at || !eligible(session.professional)) continue;
      AccessHolder h;
      h.professional = session.professional;
      h.basis = AccessBasis::kBreakGlass;
      h.expires_at = absl::FromUnixNanos(session.expires_at);
      out.push_back(std::move(h));
    }
  }
  // Stable: of one professional's team entries (in ascending team order), the first is kept.
  std::stable_sort(out.begin(), out.end(), [](const AccessHolder& a, const AccessHolder& b) {
    return a.professional != b.professional ? a.professional < b.professional : a.basis < b.basis;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const AccessHolder& a, const AccessHolder& b) {
                          return a.professional == b.professional && a.basis == b.basis;
                        }),
            out.end());
  return out;
}

// ----------------------------------------------------------------------------------------------
// Explain: every check, evaluated on its own, with what it rests on.

namespace {

std::string Quote(absl::string_view s) { return absl::StrCat("'", s, "'"); }

std::string TimeText(int64_t nanos) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixNanos(nanos), absl::UTCTimeZone());
}

std::string TeamsText(const SnapshotData& s, const TeamList& teams) {
  if (teams.empty()) return "none";
  std::vector<std::string> names;
  for (uint32_t team : teams) names.push_back(std::string(s.ids->teams.Name(team)));
  return absl::StrJoin(names, ", ");
}

// Which check carries a reason.
absl::string_view CheckOf(Reason reason, bool masked) {
  switch (reason) {
    case Reason::kAllowed:
      return "habilitation";
    case Reason::kAllowedAuthorOfMasked:
    case Reason::kAllowedReferentOfMasked:
    case Reason::kMasked:
      return "masking";
    case Reason::kAllowedBreakGlass:
      return masked ? "masking" : "need_to_know";
    case Reason::kAllowedByGrant:
    case Reason::kItemNotShared:
    case Reason::kNotAssigned:
    case Reason::kBreakGlassExpired:
      return "need_to_know";
    case Reason::kProfessionalLeft:
      return "professional_active";
    case Reason::kBlocked:
      return "not_blocked";
    case Reason::kWorkingNote:
      return "working_note";
    case Reason::kRoleDoesNotAllow:
      return "habilitation";
    case Reason::kCategoryOutsidePurpose:
      return "purpose";
    case Reason::kNotBoundBySecrecy:
      return "special_category";
    case Reason::kEntryKindRestricted:
      return "entry_kind";
    case Reason::kNoConsent:
      return "consent";
    case Reason::kObjectionPending:
    case Reason::kObjectionUpheld:
      return "objection";
    case Reason::kArchived:
    case Reason::kAllowedArchivist:
      return "retention";
    case Reason::kErased:
      return "erasure";
    case Reason::kRestricted:
    case Reason::kAllowedUnderRestriction:
      return "restriction";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<Explanation> ExplainImpl(const SnapshotData& s, const AccessRequest& r) {
  if (!RequestValid(s, r)) {
    absl::Status status = CheckRequest(s, r);
    if (status.ok()) status = MakeError(ErrorCode::kInternal, "request rejected without a reason");
    return status;
  }
  const Tables& t = *s.tables;
  const policy_internal::CompiledPolicy& c = *t.c;
  const ProfessionalRecord& p = s.state.professionals[r.actor];
  const PersonRecord& x = s.state.persons[r.person];
  const PersonState* st = x.state.get();
  const std::string actor = Quote(s.ids->professionals.Name(r.actor));
  const std::string person = Quote(s.ids->persons.Name(r.person));
  const std::string role = Quote(c.roles.Name(p.role));
  const std::string category = Quote(c.data_categories.Name(r.category));
  const std::string activity = Quote(c.activities.Name(r.purpose));
  const absl::string_view action = Name(r.action);
  const absl::string_view kind = Name(r.kind);
  auto rule_name = [&](RuleKind k, uint32_t index) { return RuleNameOf(t, MakeRule(k, index)); };

  Explanation e;
  e.decision = DecideValid(s, r);
  auto add = [&](absl::string_view check, bool passed, std::string rule, std::string detail) {
    ExplanationStep step;
    step.check = std::string(check);
    step.passed = passed;
    step.rule = std::move(rule);
    step.detail = std::move(detail);
    e.steps.push_back(std::move(step));
  };

  add("professional_active", !p.left, rule_name(RuleKind::kDirectory, 0),
      p.left ? absl::StrCat("professional ", actor, " has left the service")
             : absl::StrCat("professional ", actor, " (role ", role, ", secrecy ", Name(p.secrecy),
                            p.own_secrecy ? " of their own" : " of the role", ") is active"));

  // Only for an erased person, so that the trace of every other file keeps its steps.
  if ((x.facts & kFactErased) != 0) {
    add("erasure", false, rule_name(RuleKind::kDirectory, 1),
        absl::StrCat("the file of person ", person,
                     " was erased (GDPR art. 17): every decision about them is denied"));
  }

  const bool blocked = st != nullptr && st->Blocks(r.actor);
  add("not_blocked", !blocked, rule_name(RuleKind::kBlock, 0),
      blocked ? absl::StrCat("person ", person, " has blocked ", actor)
              : absl::StrCat("person ", person, " has not blocked ", actor));

  if (r.kind != EntryKind::kWorkingNote) {
    add("working_note", true, rule_name(RuleKind::kEntryKind, kRuleIndexNone),
        absl::StrCat("the entry is of kind ", kind, ", not a working note"));
  } else {
    const bool own = r.author == r.actor;
    add("working_note", own, rule_name(RuleKind::kEntryKind, kRuleIndexNone),
        own ? std::string("a working note, read by its author")
            : absl::StrCat("a working note is its author's alone; ", actor, " did not write it"));
  }

  bool archive = false;
  uint32_t retention_rule = kRuleIndexNone;
  if (RetentionMayApply(x)) {
    const RetentionStatus rs = RetentionOf(s, r, x, &retention_rule);
    const bool active = rs.phase == RetentionPhase::kActive;
    const bool archivist = Archivist(t, p.role);
    archive = !active && archivist && !r.archive_reason.empty() && r.action == Action::kRead;
    std::string detail;
    if (active) {
      detail = absl::StrCat(category, " is in its active phase for person ", person,
                            rs.next_change != kNoRetentionDay
                                ? absl::StrCat(" until ", RetentionDayText(rs.next_change))
                                : std::string());
    } else {
      detail = absl::StrCat(
          category, " is in phase ", RetentionPhaseName(rs.phase), " since ",
          RetentionDayText(rs.since), " for person ", person,
          archive      ? absl::StrCat("; ", actor,
                                      " is an archivist and gave a reason: a reasoned read of the "
                                           "archive, to be recorded with its reason")
          : !archivist ? std::string("; only an ARCHIVIST reads it, with a reason (REQ-35)")
          : r.action != Action::kRead ? std::string("; the archive is read only")
                                      : std::string("; an archivist reads it only with a reason "
                                                    "(AccessRequest::archive_reason)"));
    }
    add("retention", active || archive, rule_name(RuleKind::kRetention, retention_rule),
        std::move(detail));
  } else {
    add("retention", true, "retention",
        absl::StrCat("no retention fact is recorded for person ", person, ": the file is active"));
  }

  {
    bool expired = false;
    bool not_shared = false;
    Basis basis = Basis::kNone;
    uint32_t shared_team = kNoId;
    for (uint32_t a : p.teams) {
      for (uint32_t b : x.teams) {
        if (a == b && shared_team == kNoId) shared_team = a;
      }
    }
    if (archive) {
      basis = Basis::kArchive;
    } else if (shared_team != kNoId) {
      basis = Basis::kTeam;
    } else if (x.referent == r.actor) {
      basis = Basis::kReferent;
    } else if (st != nullptr) {
      basis = StateBasis(*st, s, r, &expired, &not_shared);
    }
    std::string detail;
    std::string rule;
    switch (basis) {
      case Basis::kTeam:
        rule = rule_name(RuleKind::kNeedToKnow, 0);
        detail = absl::StrCat(actor, " shares team ", Quote(s.ids->teams.Name(shared_team)),
                              " with person ", person);
        break;
      case Basis::kReferent:
        rule = rule_name(RuleKind::kNeedToKnow, 1);
        detail = absl::StrCat(actor, " is the referent of person ", person);
        break;
      case Basis::kArchive:
        rule = rule_name(RuleKind::kRetention, retention_rule);
        detail =
            "the intermediate archive: need-to-know of the active file does not apply to "
            "an archivist's reasoned read";
        break;
      case Basis::kGrant: {
        rule = rule_name(RuleKind::kGrant, 0);
        const int64_t now = NowNanos(s, r);
        for (const GrantRecord& g : st->grants) {
          if (g.professional != r.actor || now >= g.expires_at || !GrantCovers(g, r)) continue;
          if (g.is_share()) {
            detail = absl::StrCat(
                actor, " received share ", Quote(g.share), " of person ", person, "'s file under ",
                LegalReference(g.basis), " for activity ", Quote(t.c->activities.Name(g.purpose)),
                g.items.empty()
                    ? absl::StrCat(" (whole file: ", g.categories.size(), " categories)")
                    : absl::StrCat(" (", g.items.size(), " items, this one among them)"),
                g.expires_at == kNever ? std::string(", until revoked")
                                       : absl::StrCat(", until ", TimeText(g.expires_at)));
            break;
          }
          {
            detail = absl::StrCat(
                actor, " holds a grant on person ", person, "'s file",
                g.reference.empty() ? "" : " (sharing decision ",
                g.reference.empty() ? "" : Quote(g.reference), g.reference.empty() ? "" : ")",
                g.expires_at == kNever ? std::string(", until revoked")
                                       : absl::StrCat(", until ", TimeText(g.expires_at)));
            break;
          }
        }
        break;
      }
      case Basis::kBreakGlass: {
        rule = rule_name(RuleKind::kBreakGlass, 0);
        const int64_t now = NowNanos(s, r);
        for (const Session& ss : st->sessions) {
          if (ss.professional == r.actor && now < ss.expires_at) {
            detail = absl::StrCat(actor, " holds a break-the-glass session (reason ",
                                  Quote(t.reason_codes.Name(ss.reason_code)), ") until ",
                                  TimeText(ss.expires_at),
                                  ": logged with the break-the-glass flag, the person and the "
                                  "referent are told, a review is opened");
          }
        }
        break;
      }
      case Basis::kNone:
        if (not_shared) {
          rule = rule_name(RuleKind::kGrant, 0);
          size_t shares = 0;
          for (const GrantRecord& g : st->grants) {
            if (g.professional == r.actor && g.is_share()) ++shares;
          }
          detail =
              absl::StrCat(actor, " reaches person ", person, "'s file only through ", shares,
                           shares == 1 ? " share" : " shares",
                           ", none of which shares this item with them to be read for activity ",
                           activity, r.item.empty() ? " (the request names no item)" : "");
        } else if (expired) {
          rule = rule_name(RuleKind::kBreakGlass, 0);
          for (const Session& ss : st->sessions) {
            if (ss.professional == r.actor) {
              detail = absl::StrCat(actor, "'s break-the-glass session on person ", person,
                                    " ended at ", TimeText(ss.expires_at),
                                    "; no team, referent or grant gives access");
            }
          }
        } else {
          rule = rule_name(RuleKind::kNeedToKnow, kRuleIndexNone);
          detail = absl::StrCat(actor, " shares no team with person ", person, " (",
                                TeamsText(s, p.teams), " against ", TeamsText(s, x.teams),
                                "), is not their referent and holds no grant or "
                                "break-the-glass session");
        }
        break;
    }
    add("need_to_know", basis != Basis::kNone, std::move(rule), std::move(detail));
  }

  {
    const uint32_t row = t.HabilitationRow(p.role, r.action, r.category);
    add("habilitation", row != kRuleIndexNone, rule_name(RuleKind::kHabilitation, row),
        row != kRuleIndexNone
            ? absl::StrCat("role ", role, " may ", action, " ", category)
            : absl::StrCat("no habilitation row lets role ", role, " ", action, " ", category));
  }

  {
    const bool declared = c.ActivityDeclares(r.purpose, r.category);
    add("purpose", declared, rule_name(RuleKind::kPurpose, r.purpose),
        absl::StrCat("activity ", activity, declared ? " declares " : " does not declare ",
                     category));
  }

  {
    const uint32_t rule_index = p.own_secrecy ? kRuleIndexNone : p.role;
    if (!t.category_special[r.category]) {
      add("special_category", true, rule_name(RuleKind::kSecrecy, rule_index),
          absl::StrCat(category, " is not a special category (",
                       Name(c.category_sensitivity[r.category]), ")"));
    } else {
      std::vector<std::string> conditions;
      for (int cond :
           c.source.activities(static_cast<int>(r.purpose)).special_category_conditions()) {
        conditions.push_back(std::string(Name(static_cast<SpecialCategoryCondition>(cond))));
      }
      const bool bound = Bound(p.secrecy);
      const bool offence = c.category_sensitivity[r.category] == DataSensitivity::kOffence;
      add("special_category", bound, rule_name(RuleKind::kSecrecy, rule_index),
          absl::StrCat(
              category, " is ", offence ? "offence data (art. 10)" : "a special category (art. 9)",
              bound ? "; " : " and ", actor,
              bound ? " is bound by secrecy (" : " is not bound by secrecy (", Name(p.secrecy), ")",
              conditions.empty() ? std::string()
                                 : absl::StrCat("; the activity relies on art. 9(2) ",
                                                absl::StrJoin(conditions, ", "))));
    }
  }

  {
    const int32_t rule = c.entry_kind_rule[static_cast<uint32_t>(r.kind)];
    if (r.kind == EntryKind::kWorkingNote) {
      add("entry_kind", r.author == r.actor, rule_name(RuleKind::kEntryKind, kRuleIndexNone),
          "working notes: see above");
    } else if (rule < 0) {
      add("entry_kind", true, "entry_kinds (none for this kind)",
          absl::StrCat("the policy sets no rule for ", kind, " entries"));
    } else if (r.author == r.actor) {
      add("entry_kind", true, rule_name(RuleKind::kEntryKind, static_cast<uint32_t>(rule)),
          absl::StrCat(actor, " wrote this ", kind, " entry"));
    } else {
      const bool allows = c.EntryKindAllows(r.kind, p.role);
      const auto& readers = c.source.entry_kinds(rule).reader_roles();
      add("entry_kind", allows, rule_name(RuleKind::kEntryKind, static_cast<uint32_t>(rule)),
          allows ? absl::StrCat("role ", role, " may access ", kind, " entries of others")
                 : absl::StrCat(kind, " entries are for their author",
                                readers.empty()
                                    ? std::string()
                                    : absl::StrCat(" and roles ", absl::StrJoin(readers, ", ")),
                                "; not for role ", role));
    }
  }

  {
    const v1::Activity& act = c.source.activities(static_cast<int>(r.purpose));
    const std::string rule = rule_name(RuleKind::kConsent, r.purpose);
    if (!t.NeedsConsent(r.purpose, r.category)) {
      add("consent", true, rule,
          t.activity_consent[r.purpose] == Tables::kConsentSpecial
              ? absl::StrCat("activity ", activity,
                             " relies on explicit consent for special categories only; ", category,
                             " is not one")
              : absl::StrCat("activity ", activity, " does not rest on consent (legal basis ",
                             Name(static_cast<LegalBasis>(act.legal_basis())), ")"));
    } else {
      const ConsentRecord* record = nullptr;
      const ConsentVerdict verdict =
          ConsentVerdictAt(s, r.person, r.purpose, ConsentScope::kProcessing, r.category, kNoId,
                           NowNanos(s, r), &record);
      if (verdict == ConsentVerdict::kValid) {
        add("consent", true, rule,
            absl::StrCat("person ", person, " consented to ", activity, " on ",
                         TimeText(record->given_at), " (revision ", record->revision,
                         ", information text version ", Quote(record->information_version), ")"));
      } else {
        add("consent", false, rule,
            absl::StrCat("activity ", activity, " rests on consent and person ", person,
                         " has no valid consent for ", category, ": ",
                         Name(static_cast<socle::ConsentState>(verdict)),
                         record != nullptr
                             ? absl::StrCat(" (the consent of revision ", record->revision, ")")
                             : std::string()));
      }
    }
  }

  {
    const v1::Activity& act = c.source.activities(static_cast<int>(r.purpose));
    const std::string rule = rule_name(RuleKind::kObjection, r.purpose);
    if (!t.activity_objectable[r.purpose]) {
      add("objection", true, rule,
          absl::StrCat("activity ", activity, " rests on ",
                       Name(static_cast<LegalBasis>(act.legal_basis())),
                       ": no objection under art. 21 applies to it"));
    } else {
      const std::optional<ObjectionOutcome> o =
          st == nullptr || st->objections.empty()
              ? std::nullopt
              : ObjectionAt(st, ObjectionKind::kProcessing, r.purpose, NowNanos(s, r));
      if (!o) {
        add("objection", true, rule,
            absl::StrCat("person ", person, " has no standing objection to ", activity));
      } else if (*o == ObjectionOutcome::kPending) {
        add("objection", false, rule,
            absl::StrCat("person ", person, " objected to ", activity,
                         " (art. 21); the processing is suspended until the controller "
                         "decides"));
      } else {
        add("objection", false, rule,
            absl::StrCat("the controller upheld person ", person, "'s objection to ", activity,
                         " (art. 21)"));
      }
    }
  }

  bool masked = false;
  {
    const Mask* mask = st != nullptr ? FirstMask(*st, r, p.role) : nullptr;
    masked = r.masked || mask != nullptr;
    const std::string rule = rule_name(RuleKind::kMasking, 0);
    if (!masked) {
      add("masking", true, rule, "the item is not masked");
    } else {
      std::string what;
      if (mask == nullptr) {
        what = "the item is masked (flag of the request)";
      } else {
        what = absl::StrCat(
            mask->category != kNoId
                ? absl::StrCat("category ", Quote(c.data_categories.Name(mask->category)))
                : std::string("the item"),
            " is masked by the person from ",
            mask->audience == MaskAudience::kRole
                ? absl::StrCat("role ", Quote(c.roles.Name(mask->audience_id)))
            : mask->audience == MaskAudience::kProfessional ? actor
                                                            : std::string("everyone"));
      }
      const Reason reason = e.decision.reason;
      if (reason == Reason::kAllowedAuthorOfMasked) {
        add("masking", true, rule, absl::StrCat(what, "; ", actor, " wrote it and keeps access"));
      } else if (reason == Reason::kAllowedReferentOfMasked) {
        add("masking", true, rule,
            absl::StrCat(what, "; ", actor,
                         " is the person's referent and keeps access "
                         "(masking.referent_keeps_access)"));
      } else if (reason == Reason::kAllowedBreakGlass) {
        add("masking", true, rule_name(RuleKind::kBreakGlass, 0),
            absl::StrCat(what, "; break_glass.reveals_masked_items lets the session see it"));
      } else {
        add("masking", false, rule,
            absl::StrCat(what, t.signalled
                                   ? "; signalled mode: a placeholder without content is shown"
                                   : "; silent mode: the item is absent"));
      }
    }
  }

  {
    const RestrictionRecord* restriction =
        st != nullptr ? st->RestrictionCovering(r.item) : nullptr;
    if (restriction == nullptr) {
      add("restriction", true, rule_name(RuleKind::kRestriction, kRuleIndexNone),
          r.item.empty()
              ? absl::StrCat("person ", person, "'s file is not restricted")
              : absl::StrCat("neither the item nor person ", person, "'s file is restricted"));
    } else {
      const std::string what =
          absl::StrCat(restriction->item.empty() ? absl::StrCat("person ", person, "'s whole file")
                                                 : std::string("the item"),
                       " is restricted since ", TimeText(restriction->set_at), " (revision ",
                       restriction->revision, "): stored only (art. 18(2))");
      const bool justified = r.restriction_justification != RestrictionJustification::kNone;
      add("restriction", justified, rule_name(RuleKind::kRestriction, restriction->ground),
          justified ? absl::StrCat(what, "; the request is justified by ",
                                   Name(r.restriction_justification),
                                   ": to be recorded with the decision")
                    : absl::StrCat(what,
                                   "; any other processing needs a justification (subject "
                                   "consent, legal claims, protection of others, important "
                                   "public interest)"));
    }
  }

  const absl::string_view decisive = CheckOf(e.decision.reason, masked);
  for (ExplanationStep& step : e.steps) {
    if (step.check == decisive) {
      step.decisive = true;
      break;
    }
  }
  return e;
}

}  // namespace access_internal

using access_internal::Data;

std::string Explanation::ToString() const {
  std::vector<std::string> obligations;
  const std::pair<uint32_t, absl::string_view> names[] = {
      {obligation::kLog, "log"},
      {obligation::kBreakGlassFlag, "break_glass_flag"},
      {obligation::kNotifyPerson, "notify_person"},
      {obligation::kNotifyReferent, "notify_referent"},
      {obligation::kOpenReview, "open_review"},
      {obligation::kShowPlaceholder, "show_placeholder"}};
  for (const auto& [bit, name] : names) {
    if (decision.obligations & bit) obligations.push_back(std::string(name));
  }
  std::string out = absl::StrCat(decision.allowed() ? "ALLOW" : "DENY", " (", Name(decision.reason),
                                 ") at revision ", decision.revision,
                                 "; obligations: ", absl::StrJoin(obligations, ", "), "\n");
  for (const ExplanationStep& step : steps) {
    absl::StrAppend(&out, "  ", step.passed ? "[pass] " : "[FAIL] ", step.check, ": ", step.detail,
                    " (", step.rule, ")", step.decisive ? "  <= decides" : "", "\n");
  }
  return out;
}

uint64_t AccessSnapshot::revision() const { return Data(*this).state.revision; }

absl::StatusOr<Decision> AccessSnapshot::Decide(const AccessRequest& request) const {
  const auto& s = Data(*this);
  const Decision d = access_internal::DecideValid(s, request);
  if (d.reason == Reason::kInvalidRequest) {
    absl::Status status = access_internal::CheckRequest(s, request);
    if (status.ok()) status = MakeError(ErrorCode::kInternal, "request rejected without a reason");
    return status;
  }
  return d;
}

absl::Status AccessSnapshot::DecideMany(absl::Span<const AccessRequest> requests,
                                        absl::Span<Decision> out) const {
  if (out.size() != requests.size()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("out has ", out.size(), " decisions for ", requests.size(), " requests"));
  }
  const auto& s = Data(*this);
  size_t first_invalid = requests.size();
  for (size_t i = 0; i < requests.size(); ++i) {
    out[i] = access_internal::DecideValid(s, requests[i]);
    if (out[i].reason == Reason::kInvalidRequest && first_invalid == requests.size()) {
      first_invalid = i;
    }
  }
  if (first_invalid == requests.size()) return absl::OkStatus();
  const absl::Status status = access_internal::CheckRequest(s, requests[first_invalid]);
  return MakeError(status.ok() ? ErrorCode::kInternal : ErrorCodeOf(status),
                   absl::StrCat("request ", first_invalid, ": ", status.message(),
                                " (denied with invalid_request; the others are decided)"));
}

absl::StatusOr<Explanation> AccessSnapshot::Explain(const AccessRequest& request) const {
  return access_internal::ExplainImpl(Data(*this), request);
}

absl::Status AccessSnapshot::FilterView(absl::Span<const AccessRequest> items,
                                        absl::Span<Visibility> out) const {
  if (out.size() != items.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("out has ", out.size(), " places for ", items.size(), " items"));
  }
  const auto& s = Data(*this);
  size_t first_invalid = items.size();
  for (size_t i = 0; i < items.size(); ++i) {
    const Decision d = access_internal::DecideValid(s, items[i]);
    if (d.allowed()) {
      out[i] = Visibility::kVisible;
    } else if (d.reason == Reason::kMasked && (d.obligations & obligation::kShowPlaceholder)) {
      out[i] = Visibility::kPlaceholder;
    } else {
      out[i] = Visibility::kAbsent;
      if (d.reason == Reason::kInvalidRequest && first_invalid == items.size()) first_invalid = i;
    }
  }
  if (first_invalid == items.size()) return absl::OkStatus();
  const absl::Status status = access_internal::CheckRequest(s, items[first_invalid]);
  return MakeError(status.ok() ? ErrorCode::kInternal : ErrorCodeOf(status),
                   absl::StrCat("item ", first_invalid, ": ", status.message(),
                                " (shown as absent; the others are filtered)"));
}

absl::StatusOr<std::vector<uint32_t>> AccessSnapshot::ListPersons(uint32_t actor, uint32_t category,
                                                                  uint32_t purpose, Action action,
                                                                  absl::Time time) const {
  return access_internal::ListPersonsImpl(Data(*this), actor, category, purpose, action, time);
}

absl::StatusOr<std::vector<AccessHolder>> AccessSnapshot::ListAccessHolders(uint32_t person,
                                                                            absl::Time time) const {
  return access_internal::ListAccessHoldersImpl(Data(*this), person, time);
}

}  // namespace socle
