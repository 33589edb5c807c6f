// The register of rights requests as the vendor and the DPO read it (socle/rights.hpp), and the
// write path of its events. Deadlines are folded once (builder_rights.cc); the lists here are one
// scan of the register's records, which are small and contiguous.
#include "socle/rights.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "access/person_facts.h"
#include "access/state.h"
#include "core/calendar.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle {
namespace {

using access_internal::RightsRequestRecord;
using access_internal::RightsRequestState;

RightsRequestInfo Info(const access_internal::SnapshotData& s, const RightsRequestRecord& r,
                       int32_t day) {
  RightsRequestInfo info;
  info.request = r.id;
  info.kind = static_cast<RightsRequestKind>(r.kind);
  info.person = std::string(s.ids->persons.Name(r.person));
  info.requester = std::string(s.ids->persons.Name(r.requester));
  if (r.requester_kind != 0)
    info.requester_kind = static_cast<RepresentativeKind>(r.requester_kind);
  info.channel = static_cast<ConsentChannel>(r.channel);
  info.recorded_by = std::string(s.ids->professionals.Name(r.recorded_by));
  info.received_at = absl::FromUnixNanos(r.received_at);
  info.received_day = core::DayFromNumber(r.received_day);
  info.first_deadline = core::DayFromNumber(r.first_deadline);
  info.deadline = core::DayFromNumber(r.deadline);
  info.extension_months = r.extension_months;
  info.justification = r.justification;
  if (r.extension_months != 0) {
    info.extension_notified_at = absl::FromUnixNanos(r.extension_notified_at);
  }
  info.status = static_cast<RightsRequestStatus>(r.state);
  int32_t counted_on = day;
  if (r.state != RightsRequestState::kOpen) {
    info.closed_at = absl::FromUnixNanos(r.closed_at);
    counted_on = core::DayNumber(core::LegalDayOf(*info.closed_at));
  }
  info.days_left = int64_t{r.deadline} - counted_on;
  info.reasons = r.reasons;
  info.complaint_information = r.complaint_information;
  info.revision = r.revision;
  return info;
}

// Calls f(record) for every open request of the register.
template <typename F>
void ForEachOpen(const access_internal::SnapshotData& s, F f) {
  const auto& requests = s.state.rights_requests;
  for (size_t i = 0; i < requests.size(); ++i) {
    const RightsRequestRecord& r = requests[i];
    if (r.known && r.state == RightsRequestState::kOpen) f(r);
  }
}

void ByDeadline(std::vector<RightsRequestInfo>& list) {
  std::stable_sort(list.begin(), list.end(),
                   [](const RightsRequestInfo& a, const RightsRequestInfo& b) {
                     return a.deadline < b.deadline;
                   });
}

}  // namespace

const char* RightsRequestKindName(RightsRequestKind kind) {
  switch (kind) {
    case RightsRequestKind::kAccess:
      return "access";
    case RightsRequestKind::kRectification:
      return "rectification";
    case RightsRequestKind::kErasure:
      return "erasure";
    case RightsRequestKind::kRestriction:
      return "restriction";
    case RightsRequestKind::kPortability:
      return "portability";
    case RightsRequestKind::kObjection:
      return "objection";
  }
  return "unspecified";
}

std::optional<RightsRequestKind> RightsRequestKindFromName(absl::string_view name) {
  for (int k = 1; k <= 6; ++k) {
    const auto kind = static_cast<RightsRequestKind>(k);
    if (name == RightsRequestKindName(kind)) return kind;
  }
  return std::nullopt;
}

const char* RightsRequestStatusName(RightsRequestStatus status) {
  switch (status) {
    case RightsRequestStatus::kOpen:
      return "open";
    case RightsRequestStatus::kAnswered:
      return "answered";
    case RightsRequestStatus::kNoAction:
      return "no_action";
    case RightsRequestStatus::kWithdrawn:
      return "withdrawn";
  }
  return "unspecified";
}

absl::CivilDay RightsDayOf(absl::Time t) { return core::LegalDayOf(t); }

absl::StatusOr<uint64_t> RecordRightsRequest(AccessEngine& engine, const RightsRequestSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::RightsRequestReceived* e = event.mutable_rights_request_received();
  e->set_request(spec.request);
  e->set_kind(static_cast<v1::RightsRequestKind>(spec.kind));
  e->set_person(spec.person);
  e->set_requester(spec.requester);
  e->set_channel(static_cast<v1::Channel>(spec.channel));
  core::SetTimestampIfFinite(spec.received_at, [&] { return e->mutable_received_at(); });
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> ExtendRightsRequest(AccessEngine& engine, absl::string_view request,
                                             absl::string_view justification,
                                             absl::Time notified_at, uint32_t months,
                                             absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RightsRequestExtended* e = event.mutable_rights_request_extended();
  e->set_request(std::string(request));
  e->set_justification(std::string(justification));
  e->set_months(months);
  core::SetTimestampIfFinite(notified_at, [&] { return e->mutable_notified_at(); });
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> CloseRightsRequest(AccessEngine& engine, absl::string_view request,
                                            bool no_action, absl::string_view reasons,
                                            absl::string_view complaint_information,
                                            absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RightsRequestClosed* e = event.mutable_rights_request_closed();
  e->set_request(std::string(request));
  e->set_outcome(no_action ? v1::RightsRequestClosed::NO_ACTION
                           : v1::RightsRequestClosed::ANSWERED);
  e->set_reasons(std::string(reasons));
  e->set_complaint_information(std::string(complaint_information));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> WithdrawRightsRequest(AccessEngine& engine, absl::string_view request,
                                               absl::string_view withdrawn_by,
                                               absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RightsRequestWithdrawn* e = event.mutable_rights_request_withdrawn();
  e->set_request(std::string(request));
  e->set_withdrawn_by(std::string(withdrawn_by));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<RightsRequestInfo> GetRightsRequest(const AccessSnapshot& snapshot,
                                                   absl::string_view request, absl::CivilDay day) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  const auto id = s.ids->rights_requests.Find(request);
  if (!id || *id >= s.state.rights_requests.size() || !s.state.rights_requests[*id].known) {
    return MakeError(ErrorCode::kNotFound, "request: no such rights request");
  }
  return Info(s, s.state.rights_requests[*id], core::DayNumber(day));
}

absl::StatusOr<std::vector<RightsRequestInfo>> OpenRightsRequests(const AccessSnapshot& snapshot,
                                                                  absl::string_view person,
                                                                  absl::CivilDay day) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  const int32_t d = core::DayNumber(day);
  std::vector<RightsRequestInfo> out;
  ForEachOpen(s, [&](const RightsRequestRecord& r) {
    if (r.person == id) out.push_back(Info(s, r, d));
  });
  ByDeadline(out);
  return out;
}

std::vector<RightsRequestInfo> RightsRegister(const AccessSnapshot& snapshot, absl::CivilDay day) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  const int32_t d = core::DayNumber(day);
  std::vector<RightsRequestInfo> out;
  const auto& requests = s.state.rights_requests;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].known) out.push_back(Info(s, requests[i], d));
  }
  return out;
}

std::vector<RightsRequestInfo> OverdueRightsRequests(const AccessSnapshot& snapshot,
                                                     absl::CivilDay day) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  const int32_t d = core::DayNumber(day);
  std::vector<RightsRequestInfo> out;
  ForEachOpen(s, [&](const RightsRequestRecord& r) {
    if (r.deadline < d) out.push_back(Info(s, r, d));
  });
  ByDeadline(out);
  return out;
}

std::vector<RightsRequestInfo> RightsRequestsDueWithin(const AccessSnapshot& snapshot,
                                                       absl::CivilDay day, int64_t days) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  const int64_t d = core::DayNumber(day);
  const int64_t last = d + std::max<int64_t>(days, 0);
  std::vector<RightsRequestInfo> out;
  ForEachOpen(s, [&](const RightsRequestRecord& r) {
    if (r.deadline >= d && r.deadline <= last) out.push_back(Info(s, r, static_cast<int32_t>(d)));
  });
  ByDeadline(out);
  return out;
}

}  // namespace socle
