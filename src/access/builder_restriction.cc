// The fold of restriction (RestrictionSet, RestrictionLiftNotified, RestrictionLifted; GDPR
// art. 18, REQ-14) and rectification (RectificationRecorded, RectificationRecipientNotified;
// art. 16 and 19, REQ-12). The rules are listed in socle/restriction.hpp and
// socle/rectification.hpp. Messages name the field, never a person's id, an item id or a hash.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

constexpr size_t kSha256Bytes = 32;

absl::Status CheckSha256(absl::string_view field, absl::string_view hash, bool required) {
  if (hash.empty() && !required) return absl::OkStatus();
  if (hash.size() != kSha256Bytes) {
    return Invalid(absl::StrCat(field, " is ", hash.size(),
                                " bytes; a SHA-256 is 32 bytes (the vendor hashes the content, "
                                "socle never holds it)"));
  }
  return absl::OkStatus();
}

// The index of the restriction in force on `item` (empty: the whole file), or -1.
int InForce(const PersonState* st, absl::string_view item) {
  if (st == nullptr) return -1;
  for (size_t i = 0; i < st->restrictions.size(); ++i) {
    const RestrictionRecord& r = st->restrictions[i];
    if (r.InForce() && r.item == item) return static_cast<int>(i);
  }
  return -1;
}

// The rights request `id` (optional), of `kind`, about `person`: OK, or what is wrong.
absl::Status CheckRightsRequest(const Ids& ids, const State& s, absl::string_view field,
                                absl::string_view id, uint32_t person, v1::RightsRequestKind kind) {
  if (id.empty()) return absl::OkStatus();
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const auto found = ids.rights_requests.Find(id);
  if (!found || *found >= s.rights_requests.size() || !s.rights_requests[*found].known) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat(field, ": no such rights request"));
  }
  const RightsRequestRecord& r = s.rights_requests[*found];
  if (r.person != person) {
    return Invalid(absl::StrCat(field, ": the rights request is about another person"));
  }
  if (r.kind != static_cast<uint8_t>(kind)) {
    return Invalid(absl::StrCat(field, ": the rights request is not a ",
                                kind == v1::RIGHT_RESTRICTION ? "restriction" : "rectification",
                                " request (rights_request_received.kind)"));
  }
  return absl::OkStatus();
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Restriction

absl::Status Builder::SetRestriction(const v1::RestrictionSet& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("restriction_set.person", e.person()));
  if (!e.item().empty()) SOCLE_RETURN_IF_ERROR(CheckId("restriction_set.item", e.item()));
  if (e.ground() <= v1::RESTRICTION_GROUND_UNSPECIFIED ||
      e.ground() > v1::RESTRICTION_OBJECTION_PENDING) {
    return Invalid(absl::StrCat("restriction_set.ground ", static_cast<int>(e.ground()),
                                " is not a ground of art. 18(1) (accuracy contested, unlawful "
                                "processing, legal claims, objection pending)"));
  }
  SOCLE_RETURN_IF_ERROR(CheckRightsRequest(ids_, s_, "restriction_set.rights_request",
                                           e.rights_request(), id, v1::RIGHT_RESTRICTION));
  if (InForce(s_.persons[id].state.get(), e.item()) >= 0) {
    return MakeError(ErrorCode::kAlreadyExists,
                     e.item().empty() ? "restriction_set: the whole file is already restricted"
                                      : "restriction_set: the item is already restricted");
  }
  RestrictionRecord r;
  r.item = e.item();
  r.ground = static_cast<uint8_t>(e.ground());
  r.set_by = recorder_;
  r.set_at = at_;
  r.revision = s_.revision + 1;
  r.rights_request = e.rights_request();
  MutableState(MutablePerson(id)).restrictions.push_back(std::move(r));
  return absl::OkStatus();
}

absl::Status Builder::NotifyRestrictionLift(const v1::RestrictionLiftNotified& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownPerson("restriction_lift_notified.person", e.person()));
  if (!e.item().empty()) SOCLE_RETURN_IF_ERROR(CheckId("restriction_lift_notified.item", e.item()));
  const int index = InForce(s_.persons[id].state.get(), e.item());
  if (index < 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "restriction_lift_notified: no restriction is in force on this item (or "
                     "the whole file, when item is empty)");
  }
  if (!e.has_notified_at()) return Invalid("restriction_lift_notified.notified_at is missing");
  SOCLE_ASSIGN_OR_RETURN(const int64_t notified,
                         TimestampNanos("restriction_lift_notified.notified_at", e.notified_at()));
  if (notified > at_) {
    return Invalid(
        "restriction_lift_notified.notified_at is after the event's time: record it once the "
        "person was told");
  }
  const RestrictionRecord& current = s_.persons[id].state->restrictions[index];
  if (notified < current.set_at) {
    return Invalid(
        "restriction_lift_notified.notified_at is before the restriction was set: tell the "
        "person of this restriction's lift");
  }
  if (e.channel() <= v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(e.channel())) {
    return Invalid(
        "restriction_lift_notified.channel: say how the person was told (IN_PERSON, PAPER, "
        "ONLINE, PHONE)");
  }
  RestrictionRecord& r = MutableState(MutablePerson(id)).restrictions[index];
  r.notified_at = notified;
  r.notice_channel = static_cast<uint8_t>(e.channel());
  r.notified_by = recorder_;
  return absl::OkStatus();
}

absl::Status Builder::LiftRestriction(const v1::RestrictionLifted& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("restriction_lifted.person", e.person()));
  if (!e.item().empty()) SOCLE_RETURN_IF_ERROR(CheckId("restriction_lifted.item", e.item()));
  const int index = InForce(s_.persons[id].state.get(), e.item());
  if (index < 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "restriction_lifted: no restriction is in force on this item (or the whole "
                     "file, when item is empty)");
  }
  // Art. 18(3): the person who obtained the restriction is told before it is lifted.
  if (s_.persons[id].state->restrictions[index].notified_at == kNever) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "restriction_lifted: the prior notice to the person is missing; record "
                     "restriction_lift_notified first (GDPR art. 18(3))");
  }
  RestrictionRecord& r = MutableState(MutablePerson(id)).restrictions[index];
  r.lifted_at = at_;
  r.lifted_by = recorder_;
  r.lifted_revision = s_.revision + 1;
  return absl::OkStatus();
}

// ----------------------------------------------------------------------------------------------
// Rectification

absl::Status Builder::RecordRectification(const v1::RectificationRecorded& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownPerson("rectification_recorded.person", e.person()));
  SOCLE_RETURN_IF_ERROR(CheckId("rectification_recorded.rectification", e.rectification()));
  SOCLE_RETURN_IF_ERROR(CheckId("rectification_recorded.item", e.item()));
  uint32_t category = kNoId;
  if (!e.category().empty()) {
    const auto found = t_.c->data_categories.Find(e.category());
    if (!found) {
      return MakeError(
          ErrorCode::kNotFound,
          absl::StrCat("rectification_recorded.category: '", e.category().substr(0, kMaxIdBytes),
                       "' is not a data category of the policy"));
    }
    category = *found;
  }
  SOCLE_RETURN_IF_ERROR(CheckRightsRequest(ids_, s_, "rectification_recorded.rights_request",
                                           e.rights_request(), id, v1::RIGHT_RECTIFICATION));
  const PersonState* st = s_.persons[id].state.get();
  const RectificationRecord* last = nullptr;          // the item's last record
  const RectificationRecord* last_version = nullptr;  // its last RECTIFIED record
  if (st != nullptr) {
    for (const RectificationRecord& r : st->rectifications) {
      if (r.id == e.rectification()) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "rectification_recorded.rectification: the person has a rectification "
                         "with this id");
      }
      if (r.item != e.item()) continue;
      last = &r;
      if (r.kind == RectificationKind::kRectified) last_version = &r;
    }
  }
  RectificationRecord r;
  switch (e.kind()) {
    case v1::RectificationRecorded::RECTIFIED:
      r.kind = RectificationKind::kRectified;
      SOCLE_RETURN_IF_ERROR(
          CheckSha256("rectification_recorded.previous_sha256", e.previous_sha256(), true));
      SOCLE_RETURN_IF_ERROR(CheckSha256("rectification_recorded.new_sha256", e.new_sha256(), true));
      if (e.previous_sha256() == e.new_sha256()) {
        return Invalid(
            "rectification_recorded: new_sha256 equals previous_sha256; a rectification changes "
            "the content (a statement without change is kind STATEMENT)");
      }
      // The versions form a chain: the version replaced is the current one.
      if (last_version != nullptr && last_version->new_sha256 != e.previous_sha256()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "rectification_recorded.previous_sha256 is not the item's current "
                         "version (the new_sha256 of its last rectification)");
      }
      SOCLE_RETURN_IF_ERROR(
          CheckSha256("rectification_recorded.statement_sha256", e.statement_sha256(), false));
      break;
    case v1::RectificationRecorded::STATEMENT: {
      r.kind = RectificationKind::kStatement;
      if (!e.previous_sha256().empty() || !e.new_sha256().empty()) {
        return Invalid(
            "rectification_recorded: a STATEMENT changes no version; previous_sha256 and "
            "new_sha256 must be empty");
      }
      SOCLE_RETURN_IF_ERROR(
          CheckSha256("rectification_recorded.statement_sha256", e.statement_sha256(), true));
      // Art. 16: the statement completes an item whose accuracy the person contests: the last
      // record of the item says so, or a restriction on the ground of contested accuracy is in
      // force on it.
      bool contested = last != nullptr && last->contested;
      if (!contested && st != nullptr) {
        const RestrictionRecord* restriction = st->RestrictionCovering(e.item());
        contested =
            restriction != nullptr && restriction->ground == v1::RESTRICTION_ACCURACY_CONTESTED;
      }
      if (!contested) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "rectification_recorded: a STATEMENT is attached to a contested item; "
                         "the item's last rectification is not contested and no restriction "
                         "for contested accuracy is in force on it");
      }
      break;
    }
    default:
      return Invalid(absl::StrCat("rectification_recorded.kind ", static_cast<int>(e.kind()),
                                  " is not a kind (RECTIFIED, STATEMENT)"));
  }
  r.id = e.rectification();
  r.item = e.item();
  r.category = category;
  // A statement leaves the item contested; a rectification says whether it still is.
  r.contested = r.kind == RectificationKind::kStatement || e.contested();
  r.recorded_by = recorder_;
  r.at = at_;
  r.revision = s_.revision + 1;
  r.previous_sha256 = e.previous_sha256();
  r.new_sha256 = e.new_sha256();
  r.statement_sha256 = e.statement_sha256();
  r.rights_request = e.rights_request();
  // Art. 19: every recipient the item was disclosed to before now is told.
  if (st != nullptr) {
    for (uint32_t recipient : st->ItemRecipientIds(e.item(), category)) {
      RectificationNotice notice;
      notice.recipient = recipient;
      r.notices.push_back(notice);
    }
  }
  MutableState(MutablePerson(id)).rectifications.push_back(std::move(r));
  return absl::OkStatus();
}

absl::Status Builder::NotifyRectificationRecipient(const v1::RectificationRecipientNotified& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownPerson("rectification_recipient_notified.person", e.person()));
  SOCLE_RETURN_IF_ERROR(
      CheckId("rectification_recipient_notified.rectification", e.rectification()));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t recipient,
                         KnownProfessional("rectification_recipient_notified.recipient",
                                           e.recipient(), /*must_be_active=*/false));
  const PersonState* st = s_.persons[id].state.get();
  int index = -1;
  if (st != nullptr) {
    for (size_t i = 0; i < st->rectifications.size(); ++i) {
      if (st->rectifications[i].id == e.rectification()) index = static_cast<int>(i);
    }
  }
  if (index < 0) {
    return MakeError(ErrorCode::kNotFound,
                     "rectification_recipient_notified.rectification: the person has no "
                     "rectification with this id");
  }
  int notice = -1;
  const auto& notices = st->rectifications[index].notices;
  for (size_t i = 0; i < notices.size(); ++i) {
    if (notices[i].recipient == recipient) notice = static_cast<int>(i);
  }
  if (notice < 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rectification_recipient_notified.recipient: the item was not shared with "
                     "this professional before the rectification; no notice is due to them");
  }
  if (notices[notice].notified_at != kNever) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "rectification_recipient_notified: this recipient was already notified");
  }
  if (!e.has_notified_at()) {
    return Invalid("rectification_recipient_notified.notified_at is missing");
  }
  SOCLE_ASSIGN_OR_RETURN(
      const int64_t notified,
      TimestampNanos("rectification_recipient_notified.notified_at", e.notified_at()));
  if (notified > at_) {
    return Invalid(
        "rectification_recipient_notified.notified_at is after the event's time: record it once "
        "the recipient was told");
  }
  if (notified < st->rectifications[index].at) {
    return Invalid(
        "rectification_recipient_notified.notified_at is before the rectification was recorded");
  }
  if (!v1::Channel_IsValid(e.channel())) {
    return Invalid(absl::StrCat("rectification_recipient_notified.channel ",
                                static_cast<int>(e.channel()), " is not a channel"));
  }
  RectificationNotice& n = MutableState(MutablePerson(id)).rectifications[index].notices[notice];
  n.notified_at = notified;
  n.channel = static_cast<uint8_t>(e.channel());
  n.notified_by = recorder_;
  n.revision = s_.revision + 1;
  return absl::OkStatus();
}

}  // namespace socle::access_internal
