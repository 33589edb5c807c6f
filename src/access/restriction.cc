// Restriction and rectification as the vendor writes and reads them (socle/restriction.hpp,
// socle/rectification.hpp): the events are built here and folded in builder_restriction.cc; the
// queries read the person's records, which are few.
#include "socle/restriction.hpp"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "access/state.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/rectification.hpp"

namespace socle {
namespace {

using access_internal::kNever;
using access_internal::PersonState;
using access_internal::SnapshotData;

std::string ProfessionalName(const SnapshotData& s, uint32_t id) {
  return id == kNoId ? std::string() : std::string(s.ids->professionals.Name(id));
}

// The person's state (null when they have none), or NOT_FOUND.
absl::StatusOr<const PersonState*> StateOf(const SnapshotData& s, absl::string_view person) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  return s.person(id)->state.get();
}

RectificationInfo Info(const SnapshotData& s, absl::string_view person,
                       const access_internal::RectificationRecord& r) {
  RectificationInfo info;
  info.rectification = r.id;
  info.person = std::string(person);
  info.item = r.item;
  if (r.category != kNoId)
    info.category = std::string(s.tables->c->data_categories.Name(r.category));
  info.kind = static_cast<RectificationKind>(r.kind);
  info.previous_sha256 = r.previous_sha256;
  info.new_sha256 = r.new_sha256;
  info.statement_sha256 = r.statement_sha256;
  info.contested = r.contested;
  info.rights_request = r.rights_request;
  info.recorded_by = ProfessionalName(s, r.recorded_by);
  info.at = absl::FromUnixNanos(r.at);
  info.revision = r.revision;
  for (const access_internal::RectificationNotice& n : r.notices) {
    RectificationNoticeInfo notice;
    notice.recipient = ProfessionalName(s, n.recipient);
    if (n.notified_at != kNever) notice.notified_at = absl::FromUnixNanos(n.notified_at);
    notice.channel = static_cast<ConsentChannel>(n.channel);
    notice.notified_by = ProfessionalName(s, n.notified_by);
    info.notices.push_back(std::move(notice));
  }
  return info;
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Restriction

const char* RestrictionGroundName(RestrictionGround ground) {
  switch (ground) {
    case RestrictionGround::kAccuracyContested:
      return "accuracy_contested";
    case RestrictionGround::kUnlawfulProcessing:
      return "unlawful_processing";
    case RestrictionGround::kLegalClaims:
      return "legal_claims";
    case RestrictionGround::kObjectionPending:
      return "objection_pending";
  }
  return "unspecified";
}

std::optional<RestrictionGround> RestrictionGroundFromName(absl::string_view name) {
  for (int g = 1; g <= 4; ++g) {
    const auto ground = static_cast<RestrictionGround>(g);
    if (name == RestrictionGroundName(ground)) return ground;
  }
  return std::nullopt;
}

std::optional<RestrictionJustification> RestrictionJustificationFromName(absl::string_view name) {
  for (int32_t j = 0; j < kRestrictionJustificationCount; ++j) {
    const auto justification = static_cast<RestrictionJustification>(j);
    if (name == Name(justification)) return justification;
  }
  return std::nullopt;
}

absl::StatusOr<uint64_t> RestrictProcessing(AccessEngine& engine, const RestrictionSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::RestrictionSet* e = event.mutable_restriction_set();
  e->set_person(spec.person);
  e->set_item(spec.item);
  e->set_ground(static_cast<v1::RestrictionGround>(spec.ground));
  e->set_rights_request(spec.rights_request);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordRestrictionLiftNotice(AccessEngine& engine, absl::string_view person,
                                                     absl::string_view item, absl::Time notified_at,
                                                     ConsentChannel channel,
                                                     absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RestrictionLiftNotified* e = event.mutable_restriction_lift_notified();
  e->set_person(std::string(person));
  e->set_item(std::string(item));
  e->set_channel(static_cast<v1::Channel>(channel));
  core::SetTimestampIfFinite(notified_at, [&] { return e->mutable_notified_at(); });
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> LiftRestriction(AccessEngine& engine, absl::string_view person,
                                         absl::string_view item, absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RestrictionLifted* e = event.mutable_restriction_lifted();
  e->set_person(std::string(person));
  e->set_item(std::string(item));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<std::vector<RestrictionInfo>> Restrictions(const AccessSnapshot& snapshot,
                                                          absl::string_view person,
                                                          bool include_lifted) {
  const SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const PersonState* st, StateOf(s, person));
  std::vector<RestrictionInfo> out;
  if (st == nullptr) return out;
  for (const access_internal::RestrictionRecord& r : st->restrictions) {
    if (!include_lifted && !r.InForce()) continue;
    RestrictionInfo info;
    info.person = std::string(person);
    info.item = r.item;
    info.ground = static_cast<RestrictionGround>(r.ground);
    info.rights_request = r.rights_request;
    info.set_by = ProfessionalName(s, r.set_by);
    info.set_at = absl::FromUnixNanos(r.set_at);
    info.revision = r.revision;
    info.in_force = r.InForce();
    if (r.notified_at != kNever) {
      info.notified_at = absl::FromUnixNanos(r.notified_at);
      info.notice_channel = static_cast<ConsentChannel>(r.notice_channel);
      info.notified_by = ProfessionalName(s, r.notified_by);
    }
    if (!r.InForce()) {
      info.lifted_at = absl::FromUnixNanos(r.lifted_at);
      info.lifted_by = ProfessionalName(s, r.lifted_by);
      info.lifted_revision = r.lifted_revision;
    }
    out.push_back(std::move(info));
  }
  return out;
}

// ----------------------------------------------------------------------------------------------
// Rectification

const char* RectificationKindName(RectificationKind kind) {
  switch (kind) {
    case RectificationKind::kRectified:
      return "rectified";
    case RectificationKind::kStatement:
      return "statement";
  }
  return "unspecified";
}

absl::StatusOr<uint64_t> RecordRectification(AccessEngine& engine, const RectificationSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::RectificationRecorded* e = event.mutable_rectification_recorded();
  e->set_person(spec.person);
  e->set_rectification(spec.rectification);
  e->set_item(spec.item);
  e->set_category(spec.category);
  e->set_kind(v1::RectificationRecorded::RECTIFIED);
  e->set_previous_sha256(spec.previous_sha256);
  e->set_new_sha256(spec.new_sha256);
  e->set_rights_request(spec.rights_request);
  e->set_contested(spec.contested);
  e->set_statement_sha256(spec.statement_sha256);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordPersonStatement(AccessEngine& engine,
                                               const PersonStatementSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::RectificationRecorded* e = event.mutable_rectification_recorded();
  e->set_person(spec.person);
  e->set_rectification(spec.rectification);
  e->set_item(spec.item);
  e->set_category(spec.category);
  e->set_kind(v1::RectificationRecorded::STATEMENT);
  e->set_rights_request(spec.rights_request);
  e->set_contested(true);
  e->set_statement_sha256(spec.statement_sha256);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordRectificationNotified(AccessEngine& engine, absl::string_view person,
                                                     absl::string_view rectification,
                                                     absl::string_view recipient,
                                                     absl::Time notified_at, ConsentChannel channel,
                                                     absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RectificationRecipientNotified* e = event.mutable_rectification_recipient_notified();
  e->set_person(std::string(person));
  e->set_rectification(std::string(rectification));
  e->set_recipient(std::string(recipient));
  e->set_channel(static_cast<v1::Channel>(channel));
  core::SetTimestampIfFinite(notified_at, [&] { return e->mutable_notified_at(); });
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<std::vector<RectificationInfo>> RectificationHistory(const AccessSnapshot& snapshot,
                                                                    absl::string_view person,
                                                                    absl::string_view item) {
  const SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const PersonState* st, StateOf(s, person));
  if (!item.empty()) SOCLE_RETURN_IF_ERROR(access_internal::CheckId("item", item));
  std::vector<RectificationInfo> out;
  if (st == nullptr) return out;
  for (const access_internal::RectificationRecord& r : st->rectifications) {
    if (item.empty() || r.item == item) out.push_back(Info(s, person, r));
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> CurrentItemVersion(const AccessSnapshot& snapshot,
                                                              absl::string_view person,
                                                              absl::string_view item) {
  const SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const PersonState* st, StateOf(s, person));
  SOCLE_RETURN_IF_ERROR(access_internal::CheckId("item", item));
  std::optional<std::string> current;
  if (st == nullptr) return current;
  for (const access_internal::RectificationRecord& r : st->rectifications) {
    if (r.item == item && r.kind == access_internal::RectificationKind::kRectified) {
      current = r.new_sha256;
    }
  }
  return current;
}

absl::StatusOr<std::vector<PendingRectificationNotice>> PendingRectificationNotices(
    const AccessSnapshot& snapshot, absl::string_view person) {
  const SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const PersonState* st, StateOf(s, person));
  std::vector<PendingRectificationNotice> out;
  if (st == nullptr) return out;
  for (const access_internal::RectificationRecord& r : st->rectifications) {
    for (const access_internal::RectificationNotice& n : r.notices) {
      if (n.notified_at != kNever) continue;
      PendingRectificationNotice notice;
      notice.rectification = r.id;
      notice.item = r.item;
      notice.recipient = ProfessionalName(s, n.recipient);
      notice.queued_at = absl::FromUnixNanos(r.at);
      out.push_back(std::move(notice));
    }
  }
  return out;
}

}  // namespace socle
