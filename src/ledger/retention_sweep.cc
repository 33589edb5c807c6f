// The retention sweep's run (socle/retention_sweep.hpp; REQ-36): the purge batches, each
// committed to the state ledger before its persons are crypto-shredded through the access trail,
// then one signed certificate per (day, category, rule, end action, visa) of the batches no
// certificate covers, recorded in the trail then in the state. Here, beside AccessTrail, because
// it shreds and records through it; the plan and the checks are src/access/retention_sweep.cc.
#include "access/retention_sweep.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "access/state.h"
#include "core/calendar.h"
#include "core/proto_bytes.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/retention_sweep.hpp"
#include "socle/trail.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/retention.pb.h"

namespace socle {

namespace ai = access_internal;

absl::StatusOr<SweepReport> Sweep(AccessEngine& engine, AccessTrail& trail,
                                  const ExportSigningKey& key, const SweepOptions& options) {
  if (options.batch_size == 0 || options.batch_size > kMaxSweepBatchPersons) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("Sweep: batch_size is ", options.batch_size, "; write 1 to ",
                                  kMaxSweepBatchPersons));
  }
  if (options.dry_run) return PlanSweep(engine, options.day);
  const int32_t day = core::DayNumber(options.day);
  const std::string& actor = options.recorded_by;

  std::shared_ptr<const AccessSnapshot> snap = engine.snapshot();
  const ai::SweepPlan plan = ai::MakeSweepPlan(ai::Data(*snap), day);
  SweepReport report = ai::SweepReportOf(plan, day);
  {
    const ai::SweepRegister* reg = ai::Data(*snap).state.sweeps.get();
    if (reg == nullptr || reg->sweeps.empty() || reg->sweeps.back().day != day) {
      v1::StateEvent event;
      event.set_recorded_by(actor);
      event.mutable_retention_sweep_started()->set_date(RetentionDayText(day));
      SOCLE_RETURN_IF_ERROR(ai::ApplyNow(engine, event).status());
    } else {
      report.resumed = true;
    }
  }

  // Shreds, in one batch, the persons whose whole file is purged (and not already in `done`).
  const auto shred = [&](const ai::SnapshotData& s, const std::vector<uint32_t>& persons,
                         std::vector<std::string>* done) -> absl::Status {
    std::vector<std::string> names;
    for (uint32_t id : persons) {
      if (!ai::SweepFinished(s, id)) continue;
      std::string name(s.ids->persons.Name(id));
      if (done != nullptr) {
        if (std::find(done->begin(), done->end(), name) != done->end()) continue;
        done->push_back(name);
      }
      names.push_back(std::move(name));
    }
    if (names.empty()) return absl::OkStatus();
    if (ai::SweepFault()) SOCLE_RETURN_IF_ERROR(ai::SweepFault()(report.shredded));
    SOCLE_ASSIGN_OR_RETURN(const std::vector<absl::Status> shredded,
                           trail.ShredPersons(actor, names));
    for (const absl::Status& st : shredded) {
      if (st.ok()) {
        ++report.shredded;
      } else if (ErrorCodeOf(st) != ErrorCode::kNotFound) {
        return st;  // run the sweep again to finish
      }
    }
    return absl::OkStatus();
  };

  // Batches an earlier run purged but did not certify: their shredding may be unfinished.
  {
    snap = engine.snapshot();
    const ai::SnapshotData& s = ai::Data(*snap);
    std::vector<std::string> done;  // a person may be in several open batches: once each
    if (s.state.sweeps != nullptr) {
      for (const ai::PurgeBatch& b : s.state.sweeps->open_batches) {
        SOCLE_RETURN_IF_ERROR(shred(s, *b.persons, &done));
      }
    }
  }

  // This run's purges, batch by batch: the event first, then the shredding.
  for (const auto& [group, persons] : plan.purges) {
    const policy_internal::CompiledPolicy& c = *ai::Data(*snap).tables->c;
    const policy_internal::RetentionRuleTable& rule = c.retention_rules[group.rule];
    for (size_t first = 0; first < persons.size(); first += options.batch_size) {
      const size_t last = std::min(persons.size(), first + options.batch_size);
      v1::StateEvent event;
      event.set_recorded_by(actor);
      v1::RetentionPurged* e = event.mutable_retention_purged();
      e->set_date(RetentionDayText(day));
      e->set_category(std::string(c.data_categories.Name(group.category)));
      e->set_activity(rule.activity);
      e->set_rule_index(rule.index);
      e->set_end_action(rule.end_action);
      e->set_visa_reference(group.visa);
      std::vector<uint32_t> batch(persons.begin() + static_cast<ptrdiff_t>(first),
                                  persons.begin() + static_cast<ptrdiff_t>(last));
      for (uint32_t id : batch) e->add_persons(std::string(ai::Data(*snap).ids->persons.Name(id)));
      SOCLE_RETURN_IF_ERROR(ai::ApplyNow(engine, event).status());
      report.purged += batch.size();
      snap = engine.snapshot();
      SOCLE_RETURN_IF_ERROR(shred(ai::Data(*snap), batch, nullptr));
    }
  }

  // Certificates: the open batches, grouped.
  snap = engine.snapshot();
  const ai::SnapshotData& s = ai::Data(*snap);
  if (s.state.sweeps == nullptr) return report;
  struct CertKey {
    int32_t day;
    ai::SweepGroupKey group;
    bool operator<(const CertKey& o) const { return day != o.day ? day < o.day : group < o.group; }
  };
  std::map<CertKey, std::vector<const ai::PurgeBatch*>> groups;
  for (const ai::PurgeBatch& b : s.state.sweeps->open_batches) {
    groups[CertKey{b.day, ai::SweepGroupKey{b.category, b.rule, b.end_action, b.visa}}].push_back(
        &b);
  }
  SOCLE_ASSIGN_OR_RETURN(crypto::SigningKeyPair pair, crypto::SigningKeyPairFromSeed(key.seed()));
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  const auto& digest = engine.policy().digest();
  for (const auto& [k, batches] : groups) {
    v1::DeletionCertificate cert;
    cert.set_format_version(1);
    cert.set_policy_digest(std::string(digest.begin(), digest.end()));
    cert.set_sweep_date(RetentionDayText(k.day));
    cert.set_category(std::string(c.data_categories.Name(k.group.category)));
    cert.set_rule(ai::RuleText(c, k.group.rule));
    cert.set_end_action(static_cast<v1::RetentionRule::EndAction>(k.group.end_action));
    uint64_t count = 0;
    v1::StateEvent event;
    event.set_recorded_by(actor);
    v1::DeletionCertificateIssued* e = event.mutable_deletion_certificate_issued();
    for (const ai::PurgeBatch* b : batches) {
      count += b->persons->size();
      e->add_purges(b->revision);
      ai::AddSweepTasks(s, *b, report.todo);
    }
    cert.set_count(count);
    cert.set_visa_reference(k.group.visa);
    cert.set_first_purge(batches.front()->revision);
    cert.set_last_purge(batches.back()->revision);
    cert.set_signer_public_key(std::string(pair.public_key.begin(), pair.public_key.end()));
    DeletionCertificate out;
    out.category = cert.category();
    out.count = count;
    out.sweep_day = k.day;
    out.rule = cert.rule();
    out.end_action = static_cast<RetentionEndAction>(k.group.end_action);
    out.visa_reference = k.group.visa;
    out.bytes = core::DeterministicBytes(cert);
    const std::string signed_bytes = absl::StrCat(ai::kDeletionCertificateContext, out.bytes);
    const auto signature = crypto::Sign(
        pair, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(signed_bytes.data()),
                                  signed_bytes.size()));
    out.signature.assign(signature.begin(), signature.end());
    out.sha256 = crypto::Sha256(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(out.bytes.data()), out.bytes.size()));
    // The trail first (durable), then the state: a certificate is never in the state without its
    // trail record. A kill between the two leaves the batches open; the next run issues the same
    // certificate again (same bytes, same digest) and records it once in the state.
    SOCLE_RETURN_IF_ERROR(
        trail.RecordOperation(TrailOperation::kRetentionSweep, actor, {},
                              absl::StrCat("deletion certificate ", crypto::ToHex(out.sha256), ", ",
                                           count, " items, category ", out.category)));
    e->set_certificate(out.bytes);
    e->set_signature(out.signature);
    SOCLE_ASSIGN_OR_RETURN(out.revision, ai::ApplyNow(engine, event));
    report.certificates.push_back(std::move(out));
  }
  return report;
}

}  // namespace socle
