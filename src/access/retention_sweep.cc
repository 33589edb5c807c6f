// The retention sweep (socle/retention_sweep.hpp; REQ-36): the plan, integer work on one
// snapshot; then purge batches, each committed before its persons are shredded; then one signed
// certificate per (day, category, rule, end action, visa) of the batches no certificate covers.
// This file: the plan, the visa, the certificates' check; the run itself, which shreds through
// the access trail, is src/ledger/retention_sweep.cc.
#include "socle/retention_sweep.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "access/retention.h"
#include "access/retention_sweep.h"
#include "access/state.h"
#include "core/calendar.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/v1/retention.pb.h"

namespace socle {
namespace access_internal {

std::function<absl::Status(uint64_t)>& SweepFault() {
  static auto* hook = new std::function<absl::Status(uint64_t)>();
  return *hook;
}

std::string RuleText(const policy_internal::CompiledPolicy& c, uint32_t rule) {
  const policy_internal::RetentionRuleTable& r = c.retention_rules[rule];
  return absl::StrCat("activities[", r.activity, "].retention[", r.index, "]");
}

// The plan of a sweep at `day` on `s`.
SweepPlan MakeSweepPlan(const SnapshotData& s, int32_t day) {
  SweepPlan plan;
  const SweepRegister* reg = s.state.sweeps.get();
  if (reg != nullptr) {
    for (const SweepRecord& r : reg->sweeps) {
      if (r.day < day) plan.previous = r.day;
      if (r.day == day) plan.resumed = true;
    }
  }
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  const uint32_t categories = s.tables->categories;
  std::vector<uint32_t> ruled;  // the categories with a rule
  for (uint32_t k = 0; k < categories; ++k) {
    if (c.retention_first[k] != c.retention_first[k + 1]) ruled.push_back(k);
  }
  if (ruled.empty()) return plan;
  const uint32_t persons = static_cast<uint32_t>(s.state.persons.size());
  for (uint32_t id = 0; id < persons; ++id) {
    const PersonRecord& x = s.state.persons[id];
    if (!x.known || !RetentionMayApply(x)) continue;  // no rule votes: ACTIVE, nothing to do
    const PersonState* st = x.state.get();
    const RetentionInput in = RetentionInputOf(x, day);
    RetentionInput before;
    if (plan.previous != kNoRetentionDay) before = RetentionInputOf(x, plan.previous);
    for (uint32_t k : ruled) {
      if (st != nullptr && st->Purged(k) != nullptr) continue;
      uint32_t rule = kRuleIndexNone;
      const RetentionStatus now = CategoryRetention(c, in, k, day, &rule);
      const RetentionPhase from = plan.previous == kNoRetentionDay
                                      ? RetentionPhase::kActive
                                      : CategoryRetention(c, before, k, plan.previous).phase;
      if (now.phase != from) {
        plan.changes.push_back(RetentionChange{std::string(s.ids->persons.Name(id)),
                                               std::string(c.data_categories.Name(k)), from,
                                               now.phase, now.since});
      }
      const auto end_action = static_cast<uint8_t>(c.retention_rules[rule].end_action);
      if (now.phase == RetentionPhase::kDue) {
        plan.purges[SweepGroupKey{k, rule, end_action, {}}].push_back(id);
      } else if (now.phase == RetentionPhase::kAwaitingVisa) {
        const VisaRecord* visa = nullptr;
        if (reg != nullptr) {
          for (const VisaRecord& v : reg->visas) {
            if (v.category == k && v.through >= now.since) {
              visa = &v;
              break;
            }
          }
        }
        if (visa == nullptr) {
          ++plan.awaiting_visa;
        } else {
          plan.purges[SweepGroupKey{k, rule, end_action, visa->reference}].push_back(id);
        }
      }
    }
  }
  return plan;
}

// Every category of the person with a rule is purged, none to be transferred to the archives:
// nothing of the file is kept, socle destroys the person's keys.
bool SweepFinished(const SnapshotData& s, uint32_t id) {
  const PersonRecord* x = s.person(id);
  if (x == nullptr || x->state == nullptr || x->state->purged.empty()) return false;
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  for (uint32_t k = 0; k < s.tables->categories; ++k) {
    if (c.retention_first[k] == c.retention_first[k + 1]) continue;
    const RetentionPurge* p = x->state->Purged(k);
    if (p == nullptr || p->end_action == v1::RetentionRule::DEFINITIVE_ARCHIVE) return false;
  }
  return true;
}

void AddSweepTasks(const SnapshotData& s, const PurgeBatch& b, std::vector<VendorTask>& todo) {
  const std::string category(s.tables->c->data_categories.Name(b.category));
  const std::string rule = RuleText(*s.tables->c, b.rule);
  for (uint32_t id : *b.persons) {
    todo.push_back(VendorTask{std::string(s.ids->persons.Name(id)), category,
                              static_cast<RetentionEndAction>(b.end_action), rule, b.visa});
  }
}

SweepReport SweepReportOf(const SweepPlan& plan, int32_t day) {
  SweepReport r;
  r.day = day;
  r.resumed = plan.resumed;
  r.changes = plan.changes;
  r.awaiting_visa = plan.awaiting_visa;
  return r;
}

void SetSweepFaultForTesting(std::function<absl::Status(uint64_t shredded)> hook) {
  SweepFault() = std::move(hook);
}

}  // namespace access_internal

namespace ai = access_internal;

absl::StatusOr<SweepReport> PlanSweep(const AccessEngine& engine, absl::CivilDay day) {
  const std::shared_ptr<const AccessSnapshot> snap = engine.snapshot();
  const ai::SnapshotData& s = ai::Data(*snap);
  const int32_t d = core::DayNumber(day);
  const ai::SweepPlan plan = ai::MakeSweepPlan(s, d);
  SweepReport report = ai::SweepReportOf(plan, d);
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  for (const auto& [key, persons] : plan.purges) {
    const std::string category(c.data_categories.Name(key.category));
    const std::string rule = ai::RuleText(c, key.rule);
    for (uint32_t id : persons) {
      report.todo.push_back(VendorTask{std::string(s.ids->persons.Name(id)), category,
                                       static_cast<RetentionEndAction>(key.end_action), rule,
                                       key.visa});
    }
    report.purged += persons.size();
  }
  return report;
}

absl::StatusOr<uint64_t> RecordEliminationVisa(AccessEngine& engine, const EliminationVisa& visa) {
  v1::StateEvent event;
  event.set_recorded_by(visa.recorded_by);
  v1::EliminationVisaRecorded* e = event.mutable_elimination_visa_recorded();
  e->set_reference(visa.reference);
  e->set_category(visa.category);
  e->set_through(RetentionDayText(core::DayNumber(visa.through)));
  return ai::ApplyNow(engine, event);
}

absl::Status VerifyDeletionCertificate(absl::string_view certificate, absl::string_view signature) {
  v1::DeletionCertificate c;
  if (!c.ParseFromString(std::string(certificate)) ||
      c.signer_public_key().size() != crypto::kSignPublicKeyBytes) {
    return MakeError(ErrorCode::kVerificationFailed, "deletion certificate: does not verify");
  }
  const std::string signed_bytes = absl::StrCat(ai::kDeletionCertificateContext, certificate);
  const absl::Status st = crypto::Verify(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(c.signer_public_key().data()),
                          c.signer_public_key().size()),
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(signed_bytes.data()),
                          signed_bytes.size()),
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(signature.data()), signature.size()));
  if (!st.ok()) {
    return MakeError(ErrorCode::kVerificationFailed, "deletion certificate: does not verify");
  }
  return absl::OkStatus();
}

std::vector<DeletionCertificate> IssuedCertificates(const AccessEngine& engine) {
  const std::shared_ptr<const AccessSnapshot> snap = engine.snapshot();
  const ai::SnapshotData& s = ai::Data(*snap);
  std::vector<DeletionCertificate> out;
  if (s.state.sweeps == nullptr) return out;
  for (const ai::CertificateRecord& r : s.state.sweeps->certificates) {
    DeletionCertificate d;
    d.category = std::string(s.tables->c->data_categories.Name(r.category));
    d.count = r.count;
    d.sweep_day = r.day;
    d.rule = ai::RuleText(*s.tables->c, r.rule);
    d.end_action = static_cast<RetentionEndAction>(r.end_action);
    d.visa_reference = r.visa;
    d.sha256 = r.sha256;
    d.revision = r.revision;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace socle
