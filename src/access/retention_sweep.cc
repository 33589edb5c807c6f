// The retention sweep (socle/retention_sweep.hpp; REQ-36): the plan, integer work on one
// snapshot; then purge batches, each committed before its persons are shredded; then one signed
// certificate per (day, category, rule, end action, visa) of the batches no certificate covers.
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
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/trail.hpp"
#include "socle/v1/retention.pb.h"

namespace socle {
namespace access_internal {
namespace {

std::function<absl::Status(uint64_t)>& FaultHook() {
  static auto* hook = new std::function<absl::Status(uint64_t)>();
  return *hook;
}

constexpr absl::string_view kCertificateContext = "socle.v1.DeletionCertificate\n";

std::string RuleText(const policy_internal::CompiledPolicy& c, uint32_t rule) {
  const policy_internal::RetentionRuleTable& r = c.retention_rules[rule];
  return absl::StrCat("activities[", r.activity, "].retention[", r.index, "]");
}

// One group of purges: a category under one rule, with one end action and visa.
struct GroupKey {
  uint32_t category;
  uint32_t rule;
  uint8_t end_action;
  std::string visa;
  bool operator<(const GroupKey& o) const {
    return std::tie(category, rule, end_action, visa) <
           std::tie(o.category, o.rule, o.end_action, o.visa);
  }
};

struct Plan {
  int32_t previous = kNoRetentionDay;  // the previous sweep's day
  bool resumed = false;
  std::vector<RetentionChange> changes;
  std::map<GroupKey, std::vector<uint32_t>> purges;
  uint64_t awaiting_visa = 0;
};

// The plan of a sweep at `day` on `s`.
Plan MakePlan(const SnapshotData& s, int32_t day) {
  Plan plan;
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
        plan.purges[GroupKey{k, rule, end_action, {}}].push_back(id);
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
          plan.purges[GroupKey{k, rule, end_action, visa->reference}].push_back(id);
        }
      }
    }
  }
  return plan;
}

// Every category of the person with a rule is purged, none to be transferred to the archives:
// nothing of the file is kept, socle destroys the person's keys.
bool Finished(const SnapshotData& s, uint32_t id) {
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

void AddTasks(const SnapshotData& s, const PurgeBatch& b, std::vector<VendorTask>& todo) {
  const std::string category(s.tables->c->data_categories.Name(b.category));
  const std::string rule = RuleText(*s.tables->c, b.rule);
  for (uint32_t id : *b.persons) {
    todo.push_back(VendorTask{std::string(s.ids->persons.Name(id)), category,
                              static_cast<RetentionEndAction>(b.end_action), rule, b.visa});
  }
}

std::string Deterministic(const google::protobuf::MessageLite& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}

SweepReport ReportOf(const Plan& plan, const SnapshotData& s, int32_t day) {
  SweepReport r;
  r.day = day;
  r.resumed = plan.resumed;
  r.changes = plan.changes;
  r.awaiting_visa = plan.awaiting_visa;
  return r;
}

}  // namespace

void SetSweepFaultForTesting(std::function<absl::Status(uint64_t shredded)> hook) {
  FaultHook() = std::move(hook);
}

}  // namespace access_internal

namespace ai = access_internal;

absl::StatusOr<SweepReport> PlanSweep(const AccessEngine& engine, absl::CivilDay day) {
  const std::shared_ptr<const AccessSnapshot> snap = engine.snapshot();
  const ai::SnapshotData& s = ai::Data(*snap);
  const int32_t d = core::DayNumber(day);
  ai::Plan plan = ai::MakePlan(s, d);
  SweepReport report = ai::ReportOf(plan, s, d);
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
  ai::Plan plan = ai::MakePlan(ai::Data(*snap), day);
  SweepReport report = ai::ReportOf(plan, ai::Data(*snap), day);
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

  const auto shred = [&](const ai::SnapshotData& s, const std::vector<uint32_t>& persons,
                         std::vector<std::string>* done) -> absl::Status {
    for (uint32_t id : persons) {
      if (!ai::Finished(s, id)) continue;
      const std::string name(s.ids->persons.Name(id));
      if (done != nullptr && std::find(done->begin(), done->end(), name) != done->end()) {
        continue;
      }
      if (ai::FaultHook()) SOCLE_RETURN_IF_ERROR(ai::FaultHook()(report.shredded));
      const absl::Status st = trail.ShredPerson(actor, name);
      if (st.ok()) {
        ++report.shredded;
      } else if (ErrorCodeOf(st) != ErrorCode::kNotFound) {
        return st;  // run the sweep again to finish
      }
      if (done != nullptr) done->push_back(name);
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
    ai::GroupKey group;
    bool operator<(const CertKey& o) const { return day != o.day ? day < o.day : group < o.group; }
  };
  std::map<CertKey, std::vector<const ai::PurgeBatch*>> groups;
  for (const ai::PurgeBatch& b : s.state.sweeps->open_batches) {
    groups[CertKey{b.day, ai::GroupKey{b.category, b.rule, b.end_action, b.visa}}].push_back(&b);
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
      ai::AddTasks(s, *b, report.todo);
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
    out.bytes = ai::Deterministic(cert);
    const std::string signed_bytes = absl::StrCat(ai::kCertificateContext, out.bytes);
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
  const std::string signed_bytes = absl::StrCat(ai::kCertificateContext, certificate);
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
