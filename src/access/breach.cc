// The breach register as the DPO reads it (socle/breach.hpp), and the write path of its events.
#include "socle/breach.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "access/apply.h"
#include "access/state.h"
#include "core/proto_time.h"
#include "socle/error.hpp"

namespace socle {
namespace {

using access_internal::BreachRecord;
using access_internal::kNever;

BreachInfo Info(const access_internal::SnapshotData& s, const BreachRecord& b) {
  BreachInfo info;
  info.breach = b.id;
  info.aware_at = absl::FromUnixNanos(b.aware_at);
  info.nature = b.nature;
  info.risk = static_cast<BreachRisk>(b.risk);
  info.assessment = b.assessment;
  info.unintelligible = b.unintelligible;
  info.unintelligible_reason = b.unintelligible_reason;
  info.persons_concerned = b.persons_concerned;
  info.records_concerned = b.records_concerned;
  info.recorded_by = std::string(s.ids->professionals.Name(b.recorded_by));
  info.authority_notification_required = b.AuthorityNotificationRequired();
  info.authority_deadline = info.aware_at + kBreachAuthorityDelay;
  if (b.authority_notified_at != kNever) {
    info.authority_notified_at = absl::FromUnixNanos(b.authority_notified_at);
    info.authority_notified_late = *info.authority_notified_at > info.authority_deadline;
  }
  info.delay_reason = b.delay_reason;
  info.authority_reference = b.authority_reference;
  info.person_notification_required = b.PersonNotificationRequired();
  if (b.persons_notified_at != kNever) {
    info.persons_notified_at = absl::FromUnixNanos(b.persons_notified_at);
  }
  info.persons_notification_means = b.persons_notification_means;
  if (b.closed_at != kNever) info.closed_at = absl::FromUnixNanos(b.closed_at);
  info.revision = b.revision;
  return info;
}

template <typename Field>
void SetTime(absl::Time t, Field field) {
  // An infinite time is left unset, and the engine refuses it as missing.
  core::SetTimestampIfFinite(t, field);
}

}  // namespace

const char* BreachRiskName(BreachRisk risk) {
  switch (risk) {
    case BreachRisk::kUnlikely:
      return "unlikely";
    case BreachRisk::kRisk:
      return "risk";
    case BreachRisk::kHigh:
      return "high_risk";
  }
  return "unspecified";
}

absl::StatusOr<uint64_t> RecordBreach(AccessEngine& engine, const BreachSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::BreachRecorded* e = event.mutable_breach_recorded();
  e->set_breach(spec.breach);
  SetTime(spec.aware_at, [&] { return e->mutable_aware_at(); });
  for (const std::string& word : spec.nature) e->add_nature(word);
  e->set_risk(static_cast<v1::BreachRecorded::Risk>(spec.risk));
  e->set_assessment(spec.assessment);
  e->set_unintelligible(spec.unintelligible);
  e->set_unintelligible_reason(spec.unintelligible_reason);
  e->set_persons_concerned(spec.persons_concerned);
  e->set_records_concerned(spec.records_concerned);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> NotifyBreachAuthority(AccessEngine& engine, absl::string_view breach,
                                               absl::Time notified_at,
                                               absl::string_view delay_reason,
                                               absl::string_view reference,
                                               absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::BreachAuthorityNotified* e = event.mutable_breach_authority_notified();
  e->set_breach(std::string(breach));
  SetTime(notified_at, [&] { return e->mutable_notified_at(); });
  e->set_delay_reason(std::string(delay_reason));
  e->set_reference(std::string(reference));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> NotifyBreachPersons(AccessEngine& engine, absl::string_view breach,
                                             absl::Time notified_at, absl::string_view means,
                                             absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::BreachPersonsNotified* e = event.mutable_breach_persons_notified();
  e->set_breach(std::string(breach));
  SetTime(notified_at, [&] { return e->mutable_notified_at(); });
  e->set_means(std::string(means));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> CloseBreach(AccessEngine& engine, absl::string_view breach,
                                     absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  event.mutable_breach_closed()->set_breach(std::string(breach));
  return access_internal::ApplyNow(engine, event);
}

std::vector<BreachInfo> BreachRegister(const AccessSnapshot& snapshot) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  std::vector<BreachInfo> out;
  for (size_t i = 0; i < s.state.breaches.size(); ++i) {
    if (s.state.breaches[i].known) out.push_back(Info(s, s.state.breaches[i]));
  }
  return out;
}

absl::StatusOr<BreachInfo> GetBreach(const AccessSnapshot& snapshot, absl::string_view breach) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  const auto id = s.ids->breaches.Find(breach);
  if (!id || *id >= s.state.breaches.size() || !s.state.breaches[*id].known) {
    return MakeError(ErrorCode::kNotFound, "breach: no such breach");
  }
  return Info(s, s.state.breaches[*id]);
}

std::vector<BreachInfo> OverdueBreachNotifications(const AccessSnapshot& snapshot, absl::Time at) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  std::vector<BreachInfo> out;
  for (size_t i = 0; i < s.state.breaches.size(); ++i) {
    const BreachRecord& b = s.state.breaches[i];
    if (!b.known || !b.AuthorityNotificationRequired() || b.authority_notified_at != kNever) {
      continue;
    }
    if (at > absl::FromUnixNanos(b.aware_at) + kBreachAuthorityDelay) out.push_back(Info(s, b));
  }
  std::stable_sort(out.begin(), out.end(), [](const BreachInfo& a, const BreachInfo& b) {
    return a.aware_at < b.aware_at;
  });
  return out;
}

}  // namespace socle
