// socle/rectification.hpp: rectification of an item and notification of its recipients (GDPR
// art. 16 and 19; REQ-12).
//
// socle holds no case data: the vendor stores the item's versions, and socle records the facts.
// A rectification names the item, the SHA-256 of the version it replaces and of the new one (the
// versions form a chain: the version replaced must be the new one of the item's last
// rectification), who recorded it and when, optionally the rights request it answers, and
// whether the person still contests the item's accuracy. On a contested item, the person's
// supplementary statement (art. 16: "including by means of providing a supplementary statement")
// is recorded too: the statement is personal data, so socle records only its SHA-256; the vendor
// keeps the text (sealed in the vault, socle/vault.hpp, when it keeps it with socle).
//
// Art. 19: each record queues one notice per professional the item was shared with before it
// (the history of shares, socle::ItemRecipients in socle/sharing.hpp); the vendor tells them and
// records each notice with RecordRectificationNotified. PendingRectificationNotices lists those
// still to be sent. Each step is a state event (socle.v1.RectificationRecorded,
// RectificationRecipientNotified); replaying the state ledger or reopening a snapshot gives the
// same history and queue.
//
// Thread safety: the functions are as thread-safe as the engine (writes serialised, reads on
// immutable snapshots).
#ifndef SOCLE_RECTIFICATION_HPP_
#define SOCLE_RECTIFICATION_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/export.hpp"

namespace socle {

enum class RectificationKind : int32_t {  // = socle.v1.RectificationRecorded.Kind
  kRectified = 1,                         // a new version replaces the previous one
  kStatement = 2,                         // the person's statement on a contested item
};

// "rectified", "statement"; "unspecified" for another value.
SOCLE_CXX_API const char* RectificationKindName(RectificationKind kind);

struct RectificationSpec {
  std::string person;
  std::string rectification;  // the vendor's id, unique among the person's rectifications
  std::string item;
  std::string category;          // optional: the item's data category (whole-file shares)
  std::string previous_sha256;   // 32 bytes: the version replaced
  std::string new_sha256;        // 32 bytes: the new version
  std::string rights_request;    // optional: the rectification request it answers
  bool contested = false;        // the person still contests the item's accuracy
  std::string statement_sha256;  // optional: 32 bytes of the person's statement
  std::string recorded_by;
};

// Records a new version of the item (event rectification_recorded, RECTIFIED) and queues a notice
// per prior recipient. FAILED_PRECONDITION when previous_sha256 is not the item's current
// version; ALREADY_EXISTS for an id the person already has. Returns the new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordRectification(AccessEngine& engine,
                                                           const RectificationSpec& spec);

struct PersonStatementSpec {
  std::string person;
  std::string rectification;  // the id of this record, unique among the person's rectifications
  std::string item;
  std::string category;          // optional, as in RectificationSpec
  std::string statement_sha256;  // 32 bytes; the text stays with the vendor
  std::string rights_request;    // optional
  std::string recorded_by;
};

// Attaches the person's statement to a contested item (event rectification_recorded, STATEMENT):
// the item's last rectification is contested, or a restriction for contested accuracy
// (socle/restriction.hpp) is in force on it; FAILED_PRECONDITION otherwise. Queues a notice per
// prior recipient, as a rectification does.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordPersonStatement(AccessEngine& engine,
                                                             const PersonStatementSpec& spec);

// Records that `recipient` was told of `rectification` at `notified_at` (event
// rectification_recipient_notified). FAILED_PRECONDITION when no notice to them is queued,
// ALREADY_EXISTS when already recorded.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordRectificationNotified(
    AccessEngine& engine, absl::string_view person, absl::string_view rectification,
    absl::string_view recipient, absl::Time notified_at, ConsentChannel channel,
    absl::string_view recorded_by);

struct RectificationNoticeInfo {
  std::string recipient;
  std::optional<absl::Time> notified_at;  // nullopt: pending
  ConsentChannel channel = ConsentChannel::kInPerson;
  std::string notified_by;
};

struct RectificationInfo {
  std::string rectification;
  std::string person;
  std::string item;
  std::string category;  // empty when not given
  RectificationKind kind = RectificationKind::kRectified;
  std::string previous_sha256;  // kRectified
  std::string new_sha256;       // kRectified
  std::string statement_sha256;
  bool contested = false;
  std::string rights_request;
  std::string recorded_by;
  absl::Time at;
  uint64_t revision = 0;
  std::vector<RectificationNoticeInfo> notices;
};

// The history of `item` (empty: of every item of the person), in the order recorded.
// NOT_FOUND for a person not in the directory.
SOCLE_CXX_API absl::StatusOr<std::vector<RectificationInfo>> RectificationHistory(
    const AccessSnapshot& snapshot, absl::string_view person, absl::string_view item);

// The SHA-256 of the item's current version: the new_sha256 of its last rectification, nullopt
// when it was never rectified.
SOCLE_CXX_API absl::StatusOr<std::optional<std::string>> CurrentItemVersion(
    const AccessSnapshot& snapshot, absl::string_view person, absl::string_view item);

struct PendingRectificationNotice {
  std::string rectification;
  std::string item;
  std::string recipient;
  absl::Time queued_at;  // when the rectification was recorded
};

// The notices still to send for the person's rectifications, oldest first.
SOCLE_CXX_API absl::StatusOr<std::vector<PendingRectificationNotice>> PendingRectificationNotices(
    const AccessSnapshot& snapshot, absl::string_view person);

}  // namespace socle

#endif  // SOCLE_RECTIFICATION_HPP_
