// Folding legal holds and erasures (socle/erasure.hpp; GDPR art. 17, REQ-13). An erasure of the
// whole file takes the person out of every index the engine keeps (teams, referent, grants and
// sessions, mandates) and drops their privacy state, keeping only the fact that they were erased;
// the tombstone (State::tombstones) is what a restore from backup reads to skip them. Messages
// name the field, never the person.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {

absl::Status Builder::ErasedPerson(absl::string_view field) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   absl::StrCat(field,
                                ": the person's file was erased (a tombstone): nothing more is "
                                "recorded about them; a restore from backup skips them "
                                "(socle::Tombstones)"));
}

absl::Status Builder::SetLegalHold(const v1::LegalHoldSet& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("legal_hold_set.person", e.person()));
  if (e.reason().empty()) {
    return Invalid("legal_hold_set.reason is empty: say what claims the file is held for");
  }
  SOCLE_RETURN_IF_ERROR(CheckText("legal_hold_set.reason", e.reason()));
  if (!e.reference().empty()) {
    SOCLE_RETURN_IF_ERROR(CheckId("legal_hold_set.reference", e.reference()));
  }
  LegalHold hold;
  hold.reason = e.reason();
  hold.reference = e.reference();
  hold.since = at_;
  hold.recorded_by = recorder_;
  PersonState& st = MutableState(MutablePerson(id));
  // A new reason for a hold that stands keeps the day it began.
  if (st.legal_hold.has_value()) hold.since = st.legal_hold->since;
  st.legal_hold = std::move(hold);
  return absl::OkStatus();
}

absl::Status Builder::LiftLegalHold(const v1::LegalHoldLifted& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("legal_hold_lifted.person", e.person()));
  const PersonState* current = s_.persons[id].state.get();
  if (current == nullptr || !current->legal_hold.has_value()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "legal_hold_lifted: the person's file is not under a legal hold");
  }
  PersonRecord& person = MutablePerson(id);
  MutableState(person).legal_hold.reset();
  Settle(person);
  return absl::OkStatus();
}

absl::Status Builder::RecordErasure(const v1::ErasureRecorded& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("erasure_recorded.person", e.person()));
  const PersonState* current = s_.persons[id].state.get();
  if (current != nullptr && current->legal_hold.has_value()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "erasure_recorded: the person's file is under a legal hold (art. 17(3)(e)): "
                     "lift it (legal_hold_lifted) before erasing");
  }
  std::string request;
  if (!e.request().empty()) {
    SOCLE_ASSIGN_OR_RETURN(const uint32_t r,
                           KnownRightsRequest("erasure_recorded.request", e.request()));
    const RightsRequestRecord& record = s_.rights_requests[r];
    if (record.kind != static_cast<uint8_t>(v1::RIGHT_ERASURE) || record.person != id) {
      return Invalid(
          "erasure_recorded.request is not an erasure request (art. 17) about this person");
    }
    request = e.request();
  }
  std::vector<uint32_t> categories;
  for (int i = 0; i < e.categories_size(); ++i) {
    const std::string field = absl::StrCat("erasure_recorded.categories[", i, "]");
    const auto category = t_.c->data_categories.Find(e.categories(i));
    if (!category) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat(field, ": '", e.categories(i).substr(0, kMaxIdBytes),
                                    "' is not a data category of the policy"));
    }
    if (!InsertSorted(categories, *category)) {
      return Invalid(absl::StrCat(field, " repeats a category"));
    }
    if (current != nullptr && current->erasure.Erased(*category)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat(field, ": that category was already erased"));
    }
  }

  Tombstone tombstone;
  tombstone.person = id;
  tombstone.categories = categories;
  tombstone.day = LegalDay();
  tombstone.at = at_;
  tombstone.request = std::move(request);
  tombstone.recorded_by = recorder_;
  tombstone.revision = s_.revision + 1;
  const size_t n = s_.tombstones.size();
  s_.tombstones.Resize(n + 1, batch_);
  s_.tombstones.Mutable(n, batch_) = std::move(tombstone);

  PersonRecord& person = MutablePerson(id);
  if (!categories.empty()) {
    std::vector<uint32_t>& erased = MutableState(person).erasure.categories;
    for (uint32_t c : categories) InsertSorted(erased, c);
    return absl::OkStatus();
  }

  // The whole file: out of every index, and the privacy state dropped.
  for (uint32_t team : person.teams) TeamRemove(team, id);
  person.teams.clear();
  IndexReferent(person.referent, id, false);
  person.referent = kNoId;
  person.birth_days = kUnknownDate;
  if (current != nullptr) {
    for (const GrantRecord& g : current->grants) IndexGranted(g.professional, id, false);
    for (const Session& session : current->sessions) {
      IndexGranted(session.professional, id, false);
    }
    for (const MandateRecord& m : current->mandates) {
      if (const auto dense = ids_.mandates.Find(m.id); dense && *dense < s_.mandates.size()) {
        s_.mandates.Mutable(*dense, batch_).person = kNoId;
      }
    }
  }
  auto erased = std::make_shared<PersonState>();
  erased->erasure.whole = true;
  for (uint32_t c = 0; c < t_.categories; ++c) erased->erasure.categories.push_back(c);
  person.state = std::move(erased);
  if (std::find(touched_.begin(), touched_.end(), &person) == touched_.end()) {
    touched_.push_back(&person);
  }
  return absl::OkStatus();
}

}  // namespace socle::access_internal
