// The fold of the rights requests (RightsRequestReceived, Extended, Closed, Withdrawn; REQ-09,
// REQ-10) and of the breach register (BreachRecorded, AuthorityNotified, PersonsNotified, Closed;
// REQ-20). The rules are listed in socle/rights.hpp and socle/breach.hpp. Messages name the field,
// never a person's id, a request's or a breach's id, or the free text.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "core/calendar.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

constexpr int64_t kNanosPer72Hours = int64_t{72} * 3600 * 1000 * 1000 * 1000;
constexpr size_t kMaxNatureWords = 16;
constexpr size_t kMaxNatureWordBytes = 64;

// Deadlines are counted in Europe/Paris: without the zone data they would silently be UTC days.
absl::Status RequireLegalZone(absl::string_view field) {
  const auto zone = core::LegalTimeZone();
  if (!zone.ok()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat(field,
                                  ": the Europe/Paris time zone data is missing (install tzdata); "
                                  "rights deadlines are counted in it"));
  }
  return absl::OkStatus();
}

// A required text: present and bounded.
absl::Status RequiredText(absl::string_view field, absl::string_view text, absl::string_view why) {
  if (text.empty()) return Invalid(absl::StrCat(field, " is empty: ", why));
  return CheckText(field, text);
}

// A time of the event's message: valid, and not after the event itself (what is recorded has
// happened).
absl::StatusOr<int64_t> PastTime(absl::string_view field, bool has,
                                 const google::protobuf::Timestamp& t, int64_t at) {
  if (!has) return Invalid(absl::StrCat(field, " is missing"));
  SOCLE_ASSIGN_OR_RETURN(const int64_t nanos, TimestampNanos(field, t));
  if (nanos > at) {
    return Invalid(absl::StrCat(field, " is after the event's time: record it once it happened"));
  }
  return nanos;
}

// A word of a breach's nature: lower-case letters, digits, '_' and '-', so that no name, address
// or free sentence fits in it.
bool NatureWord(absl::string_view word) {
  if (word.empty() || word.size() > kMaxNatureWordBytes) return false;
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Rights requests

absl::StatusOr<uint32_t> Builder::KnownRightsRequest(absl::string_view field,
                                                     absl::string_view id) const {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const auto found = ids_.rights_requests.Find(id);
  if (!found || *found >= s_.rights_requests.size() || !s_.rights_requests[*found].known) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat(field, ": no such rights request"));
  }
  return *found;
}

absl::Status Builder::ReceiveRightsRequest(const v1::RightsRequestReceived& e) {
  SOCLE_RETURN_IF_ERROR(RequireLegalZone("rights_request_received"));
  SOCLE_RETURN_IF_ERROR(CheckId("rights_request_received.request", e.request()));
  if (const auto id = ids_.rights_requests.Find(e.request());
      id && *id < s_.rights_requests.size() && s_.rights_requests[*id].known) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "rights_request_received.request: a rights request with this id exists");
  }
  if (e.kind() <= v1::RIGHTS_REQUEST_KIND_UNSPECIFIED || e.kind() > v1::RIGHT_OBJECTION) {
    return Invalid(absl::StrCat("rights_request_received.kind ", static_cast<int>(e.kind()),
                                " is not a kind of request (access, rectification, erasure, "
                                "restriction, portability, objection)"));
  }
  if (!v1::Channel_IsValid(e.channel())) {
    return Invalid(absl::StrCat("rights_request_received.channel ", static_cast<int>(e.channel()),
                                " is not a channel"));
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t person,
                         KnownPerson("rights_request_received.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(
      const int64_t received,
      PastTime("rights_request_received.received_at", e.has_received_at(), e.received_at(), at_));
  const int32_t day = core::LegalDayNumber(received);

  // REQ-09: the requester is the person, or a representative whose measure is in force on the
  // receipt day; the request is attributed to them.
  uint32_t requester = person;
  uint8_t requester_kind = 0;
  if (!e.requester().empty() && e.requester() != e.person()) {
    SOCLE_ASSIGN_OR_RETURN(requester,
                           KnownPerson("rights_request_received.requester", e.requester()));
    const PersonState* state = s_.persons[person].state.get();
    bool ended = false;
    if (state != nullptr) {
      for (const Representative& r : state->representatives) {
        if (r.person != requester) continue;
        if (r.ActiveOn(day)) {
          requester_kind = static_cast<uint8_t>(r.kind);
          break;
        }
        ended = true;
      }
    }
    if (requester_kind == 0) {
      return MakeError(ErrorCode::kPermissionDenied,
                       ended ? "rights_request_received.requester: this representative's measure "
                               "is not in force on the receipt day (ended, or not yet begun); "
                               "they no longer act for the person (REQ-09)"
                             : "rights_request_received.requester is neither the person nor one "
                               "of their representatives (representative_set)");
    }
  }

  RightsRequestRecord r;
  r.known = true;
  r.id = e.request();
  r.kind = static_cast<uint8_t>(e.kind());
  r.channel = static_cast<uint8_t>(e.channel());
  r.person = person;
  r.requester = requester;
  r.requester_kind = requester_kind;
  r.recorded_by = recorder_;
  r.received_at = received;
  r.received_day = day;
  r.first_deadline = core::AddMonthsToDay(day, 1);
  r.deadline = r.first_deadline;
  r.revision = s_.revision + 1;
  const uint32_t id = ids_.rights_requests.Intern(e.request());
  s_.rights_requests.Resize(id + 1, batch_);
  s_.rights_requests.Mutable(id, batch_) = std::move(r);
  return absl::OkStatus();
}

absl::Status Builder::ExtendRightsRequest(const v1::RightsRequestExtended& e) {
  SOCLE_RETURN_IF_ERROR(RequireLegalZone("rights_request_extended"));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownRightsRequest("rights_request_extended.request", e.request()));
  const RightsRequestRecord& r = s_.rights_requests[id];
  if (r.state != RightsRequestState::kOpen) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rights_request_extended: the request is closed or withdrawn");
  }
  if (r.extension_months != 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rights_request_extended: the request was already extended; art. 12(3) "
                     "allows one extension only");
  }
  SOCLE_RETURN_IF_ERROR(
      RequiredText("rights_request_extended.justification", e.justification(),
                   "say why the request needs more time (complexity, number of requests)"));
  const uint32_t months = e.months() == 0 ? 2 : e.months();
  if (months > 2) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("rights_request_extended.months is ", e.months(),
                                  "; the deadline may be extended by at most two further months "
                                  "(art. 12(3))"));
  }
  SOCLE_ASSIGN_OR_RETURN(
      const int64_t notified,
      PastTime("rights_request_extended.notified_at", e.has_notified_at(), e.notified_at(), at_));
  if (notified < r.received_at) {
    return Invalid("rights_request_extended.notified_at is before the request was received");
  }
  // Art. 12(3): the person is told of the extension, with its reasons, within one month of
  // receipt; both the notification and its record must be on or before the first deadline.
  if (core::LegalDayNumber(notified) > r.first_deadline ||
      core::LegalDayNumber(at_) > r.first_deadline) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "extension_too_late: rights_request_extended: the person must be told of an "
                     "extension on or before the first deadline (art. 12(3)); this one was "
                     "notified or recorded after it");
  }
  RightsRequestRecord& m = s_.rights_requests.Mutable(id, batch_);
  m.extension_months = static_cast<uint8_t>(months);
  m.justification = e.justification();
  m.extension_notified_at = notified;
  m.extended_at = at_;
  m.deadline = core::AddMonthsToDay(m.first_deadline, months);
  return absl::OkStatus();
}

absl::Status Builder::CloseRightsRequest(const v1::RightsRequestClosed& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownRightsRequest("rights_request_closed.request", e.request()));
  if (s_.rights_requests[id].state != RightsRequestState::kOpen) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rights_request_closed: the request is already closed or withdrawn");
  }
  RightsRequestState state;
  switch (e.outcome()) {
    case v1::RightsRequestClosed::ANSWERED:
      state = RightsRequestState::kAnswered;
      break;
    case v1::RightsRequestClosed::NO_ACTION:
      // Art. 12(4): the reasons for not acting, and the possibility of lodging a complaint with
      // the CNIL and seeking a judicial remedy, are both told to the person.
      state = RightsRequestState::kNoAction;
      SOCLE_RETURN_IF_ERROR(RequiredText("rights_request_closed.reasons", e.reasons(),
                                         "closing with no action states the reasons "
                                         "(art. 12(4))"));
      SOCLE_RETURN_IF_ERROR(RequiredText(
          "rights_request_closed.complaint_information", e.complaint_information(),
          "closing with no action records that the person was told they may complain to the "
          "CNIL and seek a judicial remedy (art. 12(4))"));
      break;
    default:
      return Invalid(absl::StrCat("rights_request_closed.outcome ", static_cast<int>(e.outcome()),
                                  " is not an outcome (answered, no_action)"));
  }
  SOCLE_RETURN_IF_ERROR(CheckText("rights_request_closed.reasons", e.reasons()));
  SOCLE_RETURN_IF_ERROR(
      CheckText("rights_request_closed.complaint_information", e.complaint_information()));
  RightsRequestRecord& m = s_.rights_requests.Mutable(id, batch_);
  m.state = state;
  m.closed_at = at_;
  m.closed_by = recorder_;
  m.reasons = e.reasons();
  m.complaint_information = e.complaint_information();
  return absl::OkStatus();
}

absl::Status Builder::WithdrawRightsRequest(const v1::RightsRequestWithdrawn& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownRightsRequest("rights_request_withdrawn.request", e.request()));
  const RightsRequestRecord& r = s_.rights_requests[id];
  if (r.state != RightsRequestState::kOpen) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rights_request_withdrawn: the request is already closed or withdrawn");
  }
  if (!e.withdrawn_by().empty()) {
    SOCLE_RETURN_IF_ERROR(
        PersonOrRepresentative("rights_request_withdrawn.withdrawn_by", e.withdrawn_by(), r.person)
            .status());
  }
  RightsRequestRecord& m = s_.rights_requests.Mutable(id, batch_);
  m.state = RightsRequestState::kWithdrawn;
  m.closed_at = at_;
  m.closed_by = recorder_;
  return absl::OkStatus();
}

// ----------------------------------------------------------------------------------------------
// Breaches

absl::StatusOr<uint32_t> Builder::KnownBreach(absl::string_view field, absl::string_view id) const {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const auto found = ids_.breaches.Find(id);
  if (!found || *found >= s_.breaches.size() || !s_.breaches[*found].known) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat(field, ": no such breach"));
  }
  return *found;
}

absl::Status Builder::RecordBreach(const v1::BreachRecorded& e) {
  SOCLE_RETURN_IF_ERROR(CheckId("breach_recorded.breach", e.breach()));
  if (const auto id = ids_.breaches.Find(e.breach());
      id && *id < s_.breaches.size() && s_.breaches[*id].known) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "breach_recorded.breach: a breach with this id exists");
  }
  SOCLE_ASSIGN_OR_RETURN(const int64_t aware,
                         PastTime("breach_recorded.aware_at", e.has_aware_at(), e.aware_at(), at_));
  if (e.nature().empty()) {
    return Invalid("breach_recorded.nature is empty: describe the breach in category words");
  }
  if (static_cast<size_t>(e.nature_size()) > kMaxNatureWords) {
    return Invalid(absl::StrCat("breach_recorded.nature has ", e.nature_size(), " words; at most ",
                                kMaxNatureWords));
  }
  for (int i = 0; i < e.nature_size(); ++i) {
    if (!NatureWord(e.nature(i))) {
      return Invalid(absl::StrCat(
          "breach_recorded.nature[", i, "] is not a category word ([a-z0-9_-], at most ",
          kMaxNatureWordBytes, " bytes): the register holds no personal data or free text"));
    }
  }
  if (e.risk() <= v1::BreachRecorded::RISK_UNSPECIFIED ||
      e.risk() > v1::BreachRecorded::HIGH_RISK) {
    return Invalid(absl::StrCat("breach_recorded.risk ", static_cast<int>(e.risk()),
                                " is not a risk level (unlikely, risk, high_risk)"));
  }
  if (e.risk() == v1::BreachRecorded::UNLIKELY) {
    SOCLE_RETURN_IF_ERROR(
        RequiredText("breach_recorded.assessment", e.assessment(),
                     "a breach not notified to the authority states why it is unlikely to "
                     "result in a risk (art. 33(1), 33(5))"));
  }
  SOCLE_RETURN_IF_ERROR(CheckText("breach_recorded.assessment", e.assessment()));
  if (e.unintelligible()) {
    SOCLE_RETURN_IF_ERROR(RequiredText(
        "breach_recorded.unintelligible_reason", e.unintelligible_reason(),
        "say why the data were unintelligible (e.g. sealed by the vault, keys not exposed; "
        "art. 34(3)(a))"));
  } else if (!e.unintelligible_reason().empty()) {
    return Invalid(
        "breach_recorded.unintelligible_reason is set but unintelligible is not: assert the "
        "exception or leave the reason empty");
  }
  SOCLE_RETURN_IF_ERROR(
      CheckText("breach_recorded.unintelligible_reason", e.unintelligible_reason()));

  BreachRecord b;
  b.known = true;
  b.id = e.breach();
  b.aware_at = aware;
  b.nature.assign(e.nature().begin(), e.nature().end());
  b.risk = static_cast<BreachRisk>(e.risk());
  b.assessment = e.assessment();
  b.unintelligible = e.unintelligible();
  b.unintelligible_reason = e.unintelligible_reason();
  b.persons_concerned = e.persons_concerned();
  b.records_concerned = e.records_concerned();
  b.recorded_by = recorder_;
  b.revision = s_.revision + 1;
  const uint32_t id = ids_.breaches.Intern(e.breach());
  s_.breaches.Resize(id + 1, batch_);
  s_.breaches.Mutable(id, batch_) = std::move(b);
  return absl::OkStatus();
}

absl::Status Builder::NotifyBreachAuthority(const v1::BreachAuthorityNotified& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownBreach("breach_authority_notified.breach", e.breach()));
  const BreachRecord& b = s_.breaches[id];
  if (b.authority_notified_at != kNever) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "breach_authority_notified: the authority was already notified of this "
                     "breach");
  }
  SOCLE_ASSIGN_OR_RETURN(
      const int64_t notified,
      PastTime("breach_authority_notified.notified_at", e.has_notified_at(), e.notified_at(), at_));
  if (notified < b.aware_at) {
    return Invalid("breach_authority_notified.notified_at is before aware_at");
  }
  // Art. 33(1): within 72 hours of becoming aware (hours, not calendar days: a daylight-saving
  // change does not move it); later, the notification gives the reasons for the delay.
  if (notified > SaturatingAdd(b.aware_at, kNanosPer72Hours)) {
    SOCLE_RETURN_IF_ERROR(
        RequiredText("breach_authority_notified.delay_reason", e.delay_reason(),
                     "notified more than 72 hours after aware_at: give the reasons for the delay "
                     "(art. 33(1))"));
  }
  SOCLE_RETURN_IF_ERROR(CheckText("breach_authority_notified.delay_reason", e.delay_reason()));
  SOCLE_RETURN_IF_ERROR(CheckText("breach_authority_notified.reference", e.reference()));
  BreachRecord& m = s_.breaches.Mutable(id, batch_);
  m.authority_notified_at = notified;
  m.delay_reason = e.delay_reason();
  m.authority_reference = e.reference();
  return absl::OkStatus();
}

absl::Status Builder::NotifyBreachPersons(const v1::BreachPersonsNotified& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownBreach("breach_persons_notified.breach", e.breach()));
  const BreachRecord& b = s_.breaches[id];
  if (b.persons_notified_at != kNever) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "breach_persons_notified: the persons were already notified of this breach");
  }
  SOCLE_ASSIGN_OR_RETURN(
      const int64_t notified,
      PastTime("breach_persons_notified.notified_at", e.has_notified_at(), e.notified_at(), at_));
  if (notified < b.aware_at) {
    return Invalid("breach_persons_notified.notified_at is before aware_at");
  }
  SOCLE_RETURN_IF_ERROR(RequiredText("breach_persons_notified.means", e.means(),
                                     "say how the persons were told (letter, e-mail, public "
                                     "communication)"));
  BreachRecord& m = s_.breaches.Mutable(id, batch_);
  m.persons_notified_at = notified;
  m.persons_notification_means = e.means();
  return absl::OkStatus();
}

absl::Status Builder::CloseBreach(const v1::BreachClosed& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownBreach("breach_closed.breach", e.breach()));
  const BreachRecord& b = s_.breaches[id];
  if (b.closed_at != kNever) {
    return MakeError(ErrorCode::kFailedPrecondition, "breach_closed: the breach is already closed");
  }
  if (b.AuthorityNotificationRequired() && b.authority_notified_at == kNever) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "breach_closed: the authority has not been notified (art. 33(1)); record "
                     "breach_authority_notified first");
  }
  if (b.PersonNotificationRequired() && b.persons_notified_at == kNever) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "breach_closed: the persons have not been notified of this high-risk breach "
                     "(art. 34(1)); record breach_persons_notified first");
  }
  // Closing deletes nothing: the register keeps every breach (art. 33(5)).
  s_.breaches.Mutable(id, batch_).closed_at = at_;
  return absl::OkStatus();
}

}  // namespace socle::access_internal
