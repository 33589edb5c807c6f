// The right to erasure as a decision (socle/erasure.hpp): the art. 17(3) exceptions derived from
// the policy and the person's state, the write path (tombstone first, then the shred), the
// tombstone list and the restore from backup. The decision is pure: it reads one snapshot and a
// day, so Erase runs it again under the engine's writer lock on the very state the tombstone is
// folded into.
#include "socle/erasure.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "access/erasure.h"
#include "access/state.h"
#include "core/calendar.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle {
namespace {

using access_internal::Data;
using access_internal::kFactErased;
using access_internal::ObjectionKind;
using access_internal::ObjectionOutcome;
using access_internal::PersonRecord;
using access_internal::PersonState;
using access_internal::SnapshotData;

std::string ActivityRule(const v1::Policy& p, uint32_t a) {
  return absl::StrCat("activities[", a, "] (", p.activities(static_cast<int>(a)).id(), ")");
}

// The person's objection to `activity` (art. 21) was upheld and stands: art. 17(1)(c).
bool ObjectionUpheld(const PersonState* st, uint32_t activity) {
  if (st == nullptr) return false;
  for (const access_internal::Objection& o : st->objections) {
    if (o.kind == ObjectionKind::kProcessing && o.purpose == activity &&
        o.outcome == ObjectionOutcome::kUpheld && o.withdrawn_at == access_internal::kNever) {
      return true;
    }
  }
  return false;
}

// Decides one category (see the order in socle/erasure.hpp).
absl::StatusOr<CategoryErasure> DecideCategory(const SnapshotData& s, uint32_t person,
                                               uint32_t category, const ErasureFlags& asserted,
                                               absl::CivilDay day) {
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  const v1::Policy& p = c.source;
  const PersonState* st = s.state.persons[person].state.get();
  CategoryErasure out;
  out.category = category;
  out.category_id = std::string(c.data_categories.Name(category));
  auto refuse = [&](ErasureException e, std::string rule, std::string detail) {
    out.erase = false;
    out.exception = e;
    out.rule = std::move(rule);
    out.detail = std::move(detail);
    return out;
  };
  if (st != nullptr && st->erasure.Erased(category)) {
    return refuse(ErasureException::kAlreadyErased, "",
                  "already erased by an earlier erasure: nothing left to erase");
  }
  if (st != nullptr && st->legal_hold.has_value()) {
    return refuse(ErasureException::kLegalClaims, "legal_hold",
                  "the file is under a legal hold for legal claims (art. 17(3)(e)); lift the "
                  "hold once the claims are settled");
  }
  if (asserted.legal_claims) {
    return refuse(ErasureException::kLegalClaims, "request",
                  "the controller asserts the data are needed for legal claims (art. 17(3)(e))");
  }

  SOCLE_ASSIGN_OR_RETURN(const RetentionStatus retention, s.Retention(person, category, day));
  const bool running = retention.phase == RetentionPhase::kActive ||
                       retention.phase == RetentionPhase::kIntermediateArchive;
  const std::string phase = RetentionPhaseName(retention.phase);
  // The activities declaring the category, in policy order: the first of each kind is named.
  int legal_obligation = -1, public_task = -1, statistics = -1;
  for (uint32_t a = 0; a < s.tables->activities; ++a) {
    if (!c.ActivityDeclares(a, category)) continue;
    const v1::Activity& activity = p.activities(static_cast<int>(a));
    if (activity.legal_basis() == v1::LEGAL_OBLIGATION && legal_obligation < 0) {
      legal_obligation = static_cast<int>(a);
    }
    if ((activity.legal_basis() == v1::PUBLIC_TASK || activity.public_task()) && public_task < 0 &&
        !ObjectionUpheld(st, a)) {
      public_task = static_cast<int>(a);
    }
    if (activity.purpose_kind() == v1::Activity::STATISTICS && statistics < 0) {
      statistics = static_cast<int>(a);
    }
  }
  if (running && legal_obligation >= 0) {
    const auto a = static_cast<uint32_t>(legal_obligation);
    return refuse(ErasureException::kLegalObligation, ActivityRule(p, a),
                  absl::StrCat("the activity rests on a legal obligation (art. 6(1)(c), ",
                               p.activities(legal_obligation).legal_basis_reference(),
                               ") and the category's retention still runs (phase ", phase,
                               "): art. 17(3)(b)"));
  }
  if (asserted.legal_obligation) {
    return refuse(ErasureException::kLegalObligation, "request",
                  "the controller asserts a legal obligation to keep the data (art. 17(3)(b))");
  }
  if (running && public_task >= 0) {
    const auto a = static_cast<uint32_t>(public_task);
    return refuse(ErasureException::kPublicTask, ActivityRule(p, a),
                  absl::StrCat("the activity is a public task (art. 6(1)(e), ",
                               p.activities(public_task).legal_basis_reference(),
                               ") and the category's retention still runs (phase ", phase,
                               "): art. 17(3)(b); an upheld objection (art. 21) lifts it"));
  }
  if (asserted.public_task) {
    return refuse(ErasureException::kPublicTask, "request",
                  "the controller asserts the data are needed for a public task (art. 17(3)(b))");
  }
  const bool archive = retention.end_action == RetentionEndAction::kDefinitiveArchive ||
                       retention.phase == RetentionPhase::kAwaitingVisa;
  if (archive && retention.activity != kNoId) {
    return refuse(
        ErasureException::kArchivingPublicInterest,
        absl::StrCat("activities[", retention.activity, "].retention[", retention.rule_index, "]"),
        retention.phase == RetentionPhase::kAwaitingVisa
            ? "the category awaits the archives service's visa: public archives are "
              "not destroyed without it (Code du patrimoine L.212-2; art. 17(3)(d))"
            : "the category's retention ends in a definitive archive (public archives, "
              "Code du patrimoine L.212-3; art. 17(3)(d))");
  }
  if (asserted.archiving_public_interest) {
    return refuse(ErasureException::kArchivingPublicInterest, "request",
                  "the controller asserts archiving in the public interest (art. 17(3)(d))");
  }
  if (statistics >= 0) {
    return refuse(ErasureException::kStatistics89,
                  ActivityRule(p, static_cast<uint32_t>(statistics)),
                  "a statistics activity declares the category: erasure would seriously impair "
                  "it (art. 17(3)(d), art. 89)");
  }
  if (asserted.statistics_89) {
    return refuse(ErasureException::kStatistics89, "request",
                  "the controller asserts statistical purposes (art. 17(3)(d), art. 89)");
  }
  out.erase = true;
  out.detail = running ? absl::StrCat("no exception applies (retention phase ", phase,
                                      "): erase (art. 17(1))")
                       : absl::StrCat("the retention is over (phase ", phase,
                                      "): no longer necessary, erase (art. 17(1)(a))");
  return out;
}

}  // namespace

namespace access_internal {

// The person's dense id, or NOT_FOUND (the message never names them).
absl::StatusOr<uint32_t> PersonOf(const SnapshotData& s, absl::string_view person) {
  const auto id = s.ids->persons.Find(person);
  if (!id || s.person(*id) == nullptr) {
    return MakeError(ErrorCode::kNotFound, "erasure: no such person in the directory");
  }
  return *id;
}

// The categories of `d` that are erased, as ids of the policy.
std::vector<std::string> Erasable(const ErasureDecision& d) {
  std::vector<std::string> out;
  for (const CategoryErasure& c : d.categories) {
    if (c.erase) out.push_back(c.category_id);
  }
  return out;
}

}  // namespace access_internal

using access_internal::Erasable;
using access_internal::PersonOf;

const char* ErasureExceptionName(ErasureException exception) {
  switch (exception) {
    case ErasureException::kNone:
      return "none";
    case ErasureException::kLegalObligation:
      return "legal_obligation";
    case ErasureException::kPublicTask:
      return "public_task";
    case ErasureException::kArchivingPublicInterest:
      return "archiving_public_interest";
    case ErasureException::kStatistics89:
      return "statistics_89";
    case ErasureException::kLegalClaims:
      return "legal_claims";
    case ErasureException::kAlreadyErased:
      return "already_erased";
  }
  return "unspecified";
}

std::string ErasureDecision::ToString() const {
  size_t erased = 0;
  for (const CategoryErasure& c : categories) erased += c.erase ? 1 : 0;
  std::string out = absl::StrCat(whole ? "whole file" : "categories", ": ", erased, " of ",
                                 categories.size(), " categories to erase",
                                 all_erased && whole ? " (the key is shredded)" : "", "\n");
  for (const CategoryErasure& c : categories) {
    absl::StrAppend(&out, "  ", c.category_id, ": ",
                    c.erase ? "erase" : ErasureExceptionName(c.exception),
                    c.rule.empty() ? "" : absl::StrCat(" (", c.rule, ")"), " - ", c.detail, "\n");
  }
  return out;
}

absl::StatusOr<ErasureDecision> DecideErasure(const AccessSnapshot& snapshot,
                                              const ErasureRequest& request, absl::CivilDay day) {
  const SnapshotData& s = Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t person, PersonOf(s, request.person));
  if ((s.state.persons[person].facts & kFactErased) != 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "erasure: the person's whole file was erased already (a tombstone)");
  }
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  std::vector<uint32_t> categories;
  for (size_t i = 0; i < request.categories.size(); ++i) {
    const auto category = c.data_categories.Find(request.categories[i]);
    if (!category) {
      return MakeError(
          ErrorCode::kNotFound,
          absl::StrCat("erasure: categories[", i, "] is not a data category of the policy"));
    }
    if (std::find(categories.begin(), categories.end(), *category) != categories.end()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("erasure: categories[", i, "] repeats a category"));
    }
    categories.push_back(*category);
  }
  ErasureDecision d;
  d.whole = categories.empty();
  if (d.whole) {
    for (uint32_t i = 0; i < s.tables->categories; ++i) categories.push_back(i);
  }
  std::sort(categories.begin(), categories.end());
  d.all_erased = true;
  for (uint32_t category : categories) {
    SOCLE_ASSIGN_OR_RETURN(CategoryErasure one,
                           DecideCategory(s, person, category, request.asserted, day));
    d.all_erased = d.all_erased && (one.erase || one.exception == ErasureException::kAlreadyErased);
    d.categories.push_back(std::move(one));
  }
  return d;
}

std::vector<TombstoneInfo> Tombstones(const AccessSnapshot& snapshot, uint64_t since_revision) {
  const SnapshotData& s = Data(snapshot);
  std::vector<TombstoneInfo> out;
  const auto& tombstones = s.state.tombstones;
  for (size_t i = 0; i < tombstones.size(); ++i) {
    const access_internal::Tombstone& t = tombstones[i];
    if (t.revision <= since_revision) continue;
    TombstoneInfo info;
    info.person = std::string(s.ids->persons.Name(t.person));
    for (uint32_t c : t.categories) {
      info.categories.emplace_back(s.tables->c->data_categories.Name(c));
    }
    info.day = core::DayFromNumber(t.day);
    info.at = absl::FromUnixNanos(t.at);
    info.request = t.request;
    info.recorded_by = std::string(s.ids->professionals.Name(t.recorded_by));
    info.revision = t.revision;
    out.push_back(std::move(info));
  }
  return out;
}

bool ErasedRow(const AccessSnapshot& snapshot, absl::string_view person,
               absl::string_view category) {
  const SnapshotData& s = Data(snapshot);
  const auto id = s.ids->persons.Find(person);
  if (!id) return false;
  const PersonRecord* record = s.person(*id);
  if (record == nullptr || record->state == nullptr) return false;
  const access_internal::Erasure& erasure = record->state->erasure;
  if (erasure.whole) return true;
  if (category.empty()) return false;
  const auto c = s.tables->c->data_categories.Find(category);
  return c.has_value() && erasure.Erased(*c);
}

absl::StatusOr<uint64_t> SetLegalHold(AccessEngine& engine, absl::string_view person,
                                      absl::string_view reason, absl::string_view reference,
                                      absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::LegalHoldSet* e = event.mutable_legal_hold_set();
  e->set_person(std::string(person));
  e->set_reason(std::string(reason));
  e->set_reference(std::string(reference));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> LiftLegalHold(AccessEngine& engine, absl::string_view person,
                                       absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  event.mutable_legal_hold_lifted()->set_person(std::string(person));
  return access_internal::ApplyNow(engine, event);
}

}  // namespace socle
