// Folding the retention sweep (socle/retention_sweep.hpp; REQ-36): sweeps started, purge batches,
// deletion certificates and elimination visas. Every check a sweep relies on is made here, so a
// replay of the state ledger folds exactly what was done: a purged (person, category) was DUE on
// the sweep's day (or AWAITING_VISA under a visa that covers it) under the rule the event names,
// and is purged once; a certificate covers purge batches no certificate covered, of its category,
// rule, end action and visa, and its count is theirs. Messages name fields, never a person.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/retention.h"
#include "core/calendar.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "socle/retention_sweep.hpp"
#include "socle/v1/retention.pb.h"

namespace socle::access_internal {
namespace {

absl::Status Precondition(std::string message) {
  return MakeError(ErrorCode::kFailedPrecondition, std::move(message));
}

}  // namespace

SweepRegister& Builder::MutableSweeps() {
  auto copy = s_.sweeps != nullptr ? std::make_shared<SweepRegister>(*s_.sweeps)
                                   : std::make_shared<SweepRegister>();
  SweepRegister* out = copy.get();
  s_.sweeps = std::move(copy);
  return *out;
}

absl::Status Builder::StartSweep(const v1::RetentionSweepStarted& e) {
  SOCLE_ASSIGN_OR_RETURN(const int32_t day,
                         PastDate("retention_sweep_started.date", e.date(), true));
  if (s_.sweeps != nullptr && !s_.sweeps->sweeps.empty() && day < s_.sweeps->sweeps.back().day) {
    return Precondition(absl::StrCat(
        "retention_sweep_started.date ", e.date(), " is before the previous sweep's day (",
        RetentionDayText(s_.sweeps->sweeps.back().day), "): sweeps go forward in time"));
  }
  SweepRegister& r = MutableSweeps();
  r.sweeps.push_back(SweepRecord{day, s_.revision + 1, recorder_});
  return absl::OkStatus();
}

absl::Status Builder::Purge(const v1::RetentionPurged& e) {
  if (s_.sweeps == nullptr || s_.sweeps->sweeps.empty()) {
    return Precondition("retention_purged: no sweep was started (retention_sweep_started first)");
  }
  SOCLE_ASSIGN_OR_RETURN(const int32_t day, ParseDate("retention_purged.date", e.date()));
  if (day != s_.sweeps->sweeps.back().day) {
    return Precondition(absl::StrCat("retention_purged.date ", e.date(),
                                     " is not the day of the sweep in course (",
                                     RetentionDayText(s_.sweeps->sweeps.back().day), ")"));
  }
  SOCLE_RETURN_IF_ERROR(CheckId("retention_purged.category", e.category()));
  const auto category = t_.c->data_categories.Find(e.category());
  if (!category) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("retention_purged.category: '", e.category(),
                                  "' is not a data category of the policy"));
  }
  uint32_t rule = kRuleIndexNone;
  for (uint32_t i = t_.c->retention_first[*category]; i < t_.c->retention_first[*category + 1];
       ++i) {
    const policy_internal::RetentionRuleTable& r = t_.c->retention_rules[i];
    if (r.activity == e.activity() && r.index == e.rule_index()) rule = i;
  }
  if (rule == kRuleIndexNone) {
    return Invalid(absl::StrCat("retention_purged: activities[", e.activity(), "].retention[",
                                e.rule_index(), "] is not a retention rule of category '",
                                e.category(), "'"));
  }
  const policy_internal::RetentionRuleTable& r = t_.c->retention_rules[rule];
  if (e.end_action() != r.end_action) {
    return Invalid(absl::StrCat("retention_purged.end_action is not the rule's (activities[",
                                r.activity, "].retention[", r.index, "])"));
  }
  if (e.persons_size() == 0 || static_cast<size_t>(e.persons_size()) > kMaxSweepBatchPersons) {
    return Invalid(absl::StrCat("retention_purged.persons: ", e.persons_size(),
                                " persons; a batch holds 1 to ", kMaxSweepBatchPersons));
  }
  const VisaRecord* visa = nullptr;
  if (!e.visa_reference().empty()) {
    for (const VisaRecord& v : s_.sweeps->visas) {
      if (v.reference == e.visa_reference()) visa = &v;
    }
    if (visa == nullptr || visa->category != *category) {
      return Precondition(
          "retention_purged.visa_reference names no elimination visa recorded for the category");
    }
  }
  auto persons = std::make_shared<std::vector<uint32_t>>();
  persons->reserve(static_cast<size_t>(e.persons_size()));
  absl::flat_hash_set<uint32_t> seen;
  for (int i = 0; i < e.persons_size(); ++i) {
    const std::string field = absl::StrCat("retention_purged.persons[", i, "]");
    SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson(field, e.persons(i)));
    if (!seen.insert(id).second) return Invalid(absl::StrCat(field, " is repeated in the batch"));
    const PersonRecord& x = s_.persons[id];
    if (x.state != nullptr && x.state->Purged(*category) != nullptr) {
      return Precondition(absl::StrCat(field, ": the category was already purged"));
    }
    uint32_t chosen = kRuleIndexNone;
    const RetentionStatus st =
        CategoryRetention(*t_.c, RetentionInputOf(x, day), *category, day, &chosen);
    if (chosen != rule) {
      return Precondition(absl::StrCat(field,
                                       ": the category's retention is decided by another "
                                       "rule on the sweep's day"));
    }
    if (visa == nullptr && st.phase != RetentionPhase::kDue) {
      return Precondition(absl::StrCat(field, ": the category is ", RetentionPhaseName(st.phase),
                                       ", not due, on the sweep's day"));
    }
    if (visa != nullptr &&
        (st.phase != RetentionPhase::kAwaitingVisa || st.since > visa->through)) {
      return Precondition(
          absl::StrCat(field, ": the category is ", RetentionPhaseName(st.phase),
                       " on the sweep's day; the visa covers items awaiting it since ",
                       RetentionDayText(visa->through), " at the latest"));
    }
    persons->push_back(id);
  }
  const uint64_t revision = s_.revision + 1;
  for (uint32_t id : *persons) {
    std::vector<RetentionPurge>& purged = MutableState(MutablePerson(id)).purged;
    const RetentionPurge p{*category, day, static_cast<uint8_t>(r.end_action), revision};
    purged.insert(std::upper_bound(purged.begin(), purged.end(), p,
                                   [](const RetentionPurge& a, const RetentionPurge& b) {
                                     return a.category < b.category;
                                   }),
                  p);
  }
  PurgeBatch batch;
  batch.revision = revision;
  batch.day = day;
  batch.category = *category;
  batch.rule = rule;
  batch.end_action = static_cast<uint8_t>(r.end_action);
  batch.persons = std::move(persons);
  batch.visa = e.visa_reference();
  MutableSweeps().open_batches.push_back(std::move(batch));
  return absl::OkStatus();
}

absl::Status Builder::IssueCertificate(const v1::DeletionCertificateIssued& e) {
  v1::DeletionCertificate c;
  if (!c.ParseFromString(e.certificate()) || c.format_version() != 1 ||
      c.signer_public_key().size() != crypto::kSignPublicKeyBytes) {
    return Invalid(
        "deletion_certificate_issued.certificate is not a socle.v1.DeletionCertificate of "
        "format 1 with a 32-byte signer key");
  }
  if (!VerifyDeletionCertificate(e.certificate(), e.signature()).ok()) {
    return MakeError(ErrorCode::kVerificationFailed,
                     "deletion_certificate_issued.signature does not verify with the "
                     "certificate's signer key");
  }
  const auto& digest = t_.policy.digest();
  if (c.policy_digest() != std::string(digest.begin(), digest.end())) {
    return Precondition(
        "deletion_certificate_issued.certificate.policy_digest is not the engine's policy");
  }
  if (e.purges_size() == 0 || s_.sweeps == nullptr) {
    return Invalid("deletion_certificate_issued.purges is empty: a certificate covers purges");
  }
  const SweepRegister& reg = *s_.sweeps;
  const PurgeBatch* first = nullptr;
  uint64_t count = 0;
  uint64_t low = ~uint64_t{0}, high = 0;
  std::vector<uint64_t> covered;
  for (int i = 0; i < e.purges_size(); ++i) {
    const uint64_t rev = e.purges(i);
    const std::string field = absl::StrCat("deletion_certificate_issued.purges[", i, "]");
    auto it = std::lower_bound(reg.open_batches.begin(), reg.open_batches.end(), rev,
                               [](const PurgeBatch& b, uint64_t r) { return b.revision < r; });
    if (it == reg.open_batches.end() || it->revision != rev) {
      return Precondition(absl::StrCat(field, " (revision ", rev,
                                       ") is not a purge that no certificate covers yet"));
    }
    if (std::find(covered.begin(), covered.end(), rev) != covered.end()) {
      return Invalid(absl::StrCat(field, " is repeated"));
    }
    if (first == nullptr) first = &*it;
    if (it->day != first->day || it->category != first->category || it->rule != first->rule ||
        it->end_action != first->end_action || it->visa != first->visa) {
      return Invalid(absl::StrCat(field,
                                  " is of another day, category, rule, end action or visa than "
                                  "the certificate's first purge"));
    }
    covered.push_back(rev);
    count += it->persons->size();
    low = std::min(low, rev);
    high = std::max(high, rev);
  }
  const policy_internal::RetentionRuleTable& rule = t_.c->retention_rules[first->rule];
  if (c.sweep_date() != RetentionDayText(first->day) ||
      c.category() != t_.c->data_categories.Name(first->category) ||
      c.rule() != absl::StrCat("activities[", rule.activity, "].retention[", rule.index, "]") ||
      static_cast<uint8_t>(c.end_action()) != first->end_action || c.count() != count ||
      c.visa_reference() != first->visa || c.first_purge() != low || c.last_purge() != high) {
    return Invalid(
        "deletion_certificate_issued.certificate does not state the purges it covers (sweep "
        "date, category, rule, end action, count, visa, first and last purge)");
  }
  CertificateRecord out;
  out.revision = s_.revision + 1;
  out.day = first->day;
  out.category = first->category;
  out.rule = first->rule;
  out.end_action = first->end_action;
  out.count = count;
  out.visa = first->visa;
  const auto hash = crypto::Sha256(absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(e.certificate().data()), e.certificate().size()));
  std::copy(hash.begin(), hash.end(), out.sha256.begin());
  SweepRegister& w = MutableSweeps();
  w.open_batches.erase(std::remove_if(w.open_batches.begin(), w.open_batches.end(),
                                      [&](const PurgeBatch& b) {
                                        return std::find(covered.begin(), covered.end(),
                                                         b.revision) != covered.end();
                                      }),
                       w.open_batches.end());
  w.certificates.push_back(std::move(out));
  return absl::OkStatus();
}

absl::Status Builder::RecordVisa(const v1::EliminationVisaRecorded& e) {
  if (e.reference().empty()) {
    return Invalid("elimination_visa_recorded.reference is empty: write the visa's number");
  }
  SOCLE_RETURN_IF_ERROR(CheckId("elimination_visa_recorded.reference", e.reference()));
  if (s_.sweeps != nullptr) {
    for (const VisaRecord& v : s_.sweeps->visas) {
      if (v.reference == e.reference()) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "elimination_visa_recorded.reference: a visa with this reference is "
                         "already recorded");
      }
    }
  }
  SOCLE_RETURN_IF_ERROR(CheckId("elimination_visa_recorded.category", e.category()));
  const auto category = t_.c->data_categories.Find(e.category());
  if (!category) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("elimination_visa_recorded.category: '", e.category(),
                                  "' is not a data category of the policy"));
  }
  SOCLE_ASSIGN_OR_RETURN(const int32_t through,
                         PastDate("elimination_visa_recorded.through", e.through(), true));
  VisaRecord v;
  v.reference = e.reference();
  v.category = *category;
  v.through = through;
  v.recorded_by = recorder_;
  v.recorded_at = at_;
  v.revision = s_.revision + 1;
  MutableSweeps().visas.push_back(std::move(v));
  return absl::OkStatus();
}

}  // namespace socle::access_internal
