// Writing and reading the engine's state as a socle.v1.EngineSnapshot. The state is kept with its
// dense ids and the id tables that give them, so a restored engine numbers ids as the saving one
// did; the indexes derived from the records (team members, referents, grantees) are not stored
// but rebuilt, so a snapshot cannot hold an index that disagrees with its records.
#include "access/snapshot.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "access/governance.h"
#include "access/retention.h"
#include "core/calendar.h"
#include "core/privacy_budget.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "ledger/note.h"
#include "socle/consent.hpp"
#include "socle/error.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/snapshot.pb.h"

namespace socle::access_internal {
namespace {

constexpr uint32_t kSnapshotFormatVersion = 1;

crypto::Hash256 StateHash(absl::string_view state) {
  return crypto::Sha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(state.data()), state.size()));
}

absl::Status Damaged(absl::string_view what) {
  return MakeError(ErrorCode::kDataLoss, absl::StrCat("the engine snapshot is damaged: ", what));
}

void AddNames(const SharedInterner& interner,
              google::protobuf::RepeatedPtrField<std::string>* out) {
  const size_t n = interner.size();
  out->Reserve(static_cast<int>(n));
  for (size_t i = 0; i < n; ++i) out->Add(std::string(interner.Name(static_cast<uint32_t>(i))));
}

absl::Status LoadNames(const google::protobuf::RepeatedPtrField<std::string>& names,
                       SharedInterner& interner, absl::string_view what) {
  if (interner.size() != 0) {
    return MakeError(ErrorCode::kInternal, "a snapshot is restored into a fresh engine only");
  }
  for (int i = 0; i < names.size(); ++i) {
    if (interner.Intern(names[i]) != static_cast<uint32_t>(i)) {
      return Damaged(absl::StrCat(what, " has a duplicate at index ", i));
    }
  }
  return absl::OkStatus();
}

// An id of the snapshot, checked against the size of its table; kNoId passes when `none_ok`.
bool ValidBasis(int32_t basis) {
  return basis >= static_cast<int32_t>(SharingBasis::kCspL1110_4_II) &&
         basis <= static_cast<int32_t>(SharingBasis::kLegalObligation);
}

bool InRange(uint32_t id, size_t size, bool none_ok = false) {
  return id < size || (none_ok && id == kNoId);
}

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A mandate of the snapshot, checked: what the builder could not have folded is damage.
template <typename KnownProfessional>
absl::StatusOr<MandateRecord> LoadMandate(const v1::SnapshotMandate& in, const Tables& t,
                                          size_t labels, KnownProfessional known_professional) {
  constexpr int64_t kNanosPerDay = int64_t{86400} * 1000 * 1000 * 1000;
  bool duration = false;
  for (uint32_t d : kMandateDurationsDays) duration = duration || d == in.duration_days();
  if (in.id().empty() || !InRange(in.structure(), labels) || !known_professional(in.aidant()) ||
      !duration || in.attestation_sha256().size() != 32 ||
      in.created_at() >
          std::numeric_limits<int64_t>::max() - int64_t{in.duration_days()} * kNanosPerDay ||
      in.expires_at() != in.created_at() + int64_t{in.duration_days()} * kNanosPerDay ||
      in.authorisations().empty()) {
    return Damaged("a mandate holds an impossible record");
  }
  MandateRecord m;
  m.id = in.id();
  m.structure = in.structure();
  m.aidant = in.aidant();
  m.created_at = in.created_at();
  m.expires_at = in.expires_at();
  m.duration_days = in.duration_days();
  m.template_version = in.template_version();
  std::copy(in.attestation_sha256().begin(), in.attestation_sha256().end(), m.attestation.begin());
  for (const v1::SnapshotMandateAuthorisation& a : in.authorisations()) {
    if (!InRange(a.procedure(), t.c->mandate_procedures.size()) ||
        (!m.authorisations.empty() && m.authorisations.back().procedure >= a.procedure())) {
      return Damaged("a mandate's authorisations are out of range or out of order");
    }
    m.authorisations.push_back(MandateAuthorisation{
        a.procedure(), a.revoked_at(), a.revoked_by_person(), a.uses(), a.last_used_at()});
  }
  return m;
}

// --- Rights requests and breaches (issue 13) ---------------------------------------------------

void EncodeRightsAndBreaches(const State& s, v1::EngineState& state) {
  for (size_t i = 0; i < s.rights_requests.size(); ++i) {
    const RightsRequestRecord& r = s.rights_requests[i];
    if (!r.known) continue;
    v1::SnapshotRightsRequest* out = state.add_rights_requests();
    out->set_id(r.id);
    out->set_kind(r.kind);
    out->set_person(r.person);
    out->set_requester(r.requester);
    out->set_requester_kind(r.requester_kind);
    out->set_received_at(r.received_at);
    out->set_channel(r.channel);
    out->set_recorded_by(r.recorded_by);
    out->set_revision(r.revision);
    out->set_extension_months(r.extension_months);
    out->set_justification(r.justification);
    out->set_extension_notified_at(r.extension_notified_at);
    out->set_extended_at(r.extended_at);
    out->set_state(static_cast<int32_t>(r.state));
    out->set_closed_at(r.closed_at);
    out->set_reasons(r.reasons);
    out->set_complaint_information(r.complaint_information);
    out->set_closed_by(r.closed_by);
  }
  for (size_t i = 0; i < s.breaches.size(); ++i) {
    const BreachRecord& b = s.breaches[i];
    if (!b.known) continue;
    v1::SnapshotBreach* out = state.add_breaches();
    out->set_id(b.id);
    out->set_aware_at(b.aware_at);
    for (const std::string& word : b.nature) out->add_nature(word);
    out->set_risk(static_cast<int32_t>(b.risk));
    out->set_assessment(b.assessment);
    out->set_unintelligible(b.unintelligible);
    out->set_unintelligible_reason(b.unintelligible_reason);
    out->set_persons_concerned(b.persons_concerned);
    out->set_records_concerned(b.records_concerned);
    out->set_recorded_by(b.recorded_by);
    out->set_revision(b.revision);
    out->set_authority_notified_at(b.authority_notified_at);
    out->set_delay_reason(b.delay_reason);
    out->set_authority_reference(b.authority_reference);
    out->set_persons_notified_at(b.persons_notified_at);
    out->set_persons_notification_means(b.persons_notification_means);
    out->set_closed_at(b.closed_at);
  }
}

// The registers of the snapshot, checked: ids unique, persons and professionals known, values in
// range; deadlines are computed again from the receipt (the snapshot does not store them).
absl::Status DecodeRightsAndBreaches(const v1::EngineState& in, Ids& ids, BatchId batch,
                                     State& out) {
  if (ids.rights_requests.size() != 0 || ids.breaches.size() != 0) {
    return MakeError(ErrorCode::kInternal, "a snapshot is restored into a fresh engine only");
  }
  const auto known_person = [&](uint32_t id) {
    return id < out.persons.size() && out.persons[id].known;
  };
  const auto known_professional = [&](uint32_t id, bool none_ok) {
    return (none_ok && id == kNoId) ||
           (id < out.professionals.size() && out.professionals[id].known);
  };
  for (const v1::SnapshotRightsRequest& r : in.rights_requests()) {
    if (r.id().empty() || ids.rights_requests.Find(r.id())) {
      return Damaged("rights_requests holds an empty or repeated id");
    }
    const bool closed = r.state() != 0;
    if (r.kind() < 1 || r.kind() > 6 || !known_person(r.person()) || !known_person(r.requester()) ||
        r.requester_kind() < 0 || r.requester_kind() > 5 ||
        (r.requester_kind() == 0) != (r.requester() == r.person()) || r.channel() < 0 ||
        r.channel() > 4 || !known_professional(r.recorded_by(), false) ||
        r.extension_months() < 0 || r.extension_months() > 2 || r.state() < 0 || r.state() > 3 ||
        closed != (r.closed_at() != kNever) || !known_professional(r.closed_by(), !closed)) {
      return Damaged("a rights request holds an impossible record");
    }
    RightsRequestRecord m;
    m.known = true;
    m.id = r.id();
    m.kind = static_cast<uint8_t>(r.kind());
    m.channel = static_cast<uint8_t>(r.channel());
    m.requester_kind = static_cast<uint8_t>(r.requester_kind());
    m.state = static_cast<RightsRequestState>(r.state());
    m.extension_months = static_cast<uint8_t>(r.extension_months());
    m.person = r.person();
    m.requester = r.requester();
    m.recorded_by = r.recorded_by();
    m.closed_by = r.closed_by();
    m.received_at = r.received_at();
    m.received_day = core::LegalDayNumber(r.received_at());
    m.first_deadline = core::AddMonthsToDay(m.received_day, 1);
    m.deadline = core::AddMonthsToDay(m.first_deadline, m.extension_months);
    m.extension_notified_at = r.extension_notified_at();
    m.extended_at = r.extended_at();
    m.closed_at = r.closed_at();
    m.revision = r.revision();
    m.justification = r.justification();
    m.reasons = r.reasons();
    m.complaint_information = r.complaint_information();
    const uint32_t id = ids.rights_requests.Intern(m.id);
    out.rights_requests.Resize(id + 1, batch);
    out.rights_requests.Mutable(id, batch) = std::move(m);
  }
  for (const v1::SnapshotBreach& b : in.breaches()) {
    if (b.id().empty() || ids.breaches.Find(b.id())) {
      return Damaged("breaches holds an empty or repeated id");
    }
    if (b.risk() < 1 || b.risk() > 3 || b.nature().empty() ||
        !known_professional(b.recorded_by(), false) ||
        (b.authority_notified_at() != kNever && b.authority_notified_at() < b.aware_at()) ||
        (b.persons_notified_at() != kNever && b.persons_notified_at() < b.aware_at())) {
      return Damaged("a breach holds an impossible record");
    }
    BreachRecord m;
    m.known = true;
    m.id = b.id();
    m.aware_at = b.aware_at();
    m.nature.assign(b.nature().begin(), b.nature().end());
    m.risk = static_cast<BreachRisk>(b.risk());
    m.assessment = b.assessment();
    m.unintelligible = b.unintelligible();
    m.unintelligible_reason = b.unintelligible_reason();
    m.persons_concerned = b.persons_concerned();
    m.records_concerned = b.records_concerned();
    m.recorded_by = b.recorded_by();
    m.revision = b.revision();
    m.authority_notified_at = b.authority_notified_at();
    m.delay_reason = b.delay_reason();
    m.authority_reference = b.authority_reference();
    m.persons_notified_at = b.persons_notified_at();
    m.persons_notification_means = b.persons_notification_means();
    m.closed_at = b.closed_at();
    const uint32_t id = ids.breaches.Intern(m.id);
    out.breaches.Resize(id + 1, batch);
    out.breaches.Mutable(id, batch) = std::move(m);
  }
  return absl::OkStatus();
}

// --- Retention sweeps (REQ-36) -----------------------------------------------------------------

void EncodeSweeps(const State& s, v1::EngineState& state) {
  if (s.sweeps == nullptr) return;
  const SweepRegister& r = *s.sweeps;
  v1::SnapshotSweeps* out = state.mutable_sweeps();
  for (const SweepRecord& w : r.sweeps) {
    v1::SnapshotSweep* o = out->add_sweeps();
    o->set_day(w.day);
    o->set_revision(w.revision);
    o->set_recorded_by(w.recorded_by);
  }
  for (const PurgeBatch& b : r.open_batches) {
    v1::SnapshotPurgeBatch* o = out->add_open_batches();
    o->set_revision(b.revision);
    o->set_day(b.day);
    o->set_category(b.category);
    o->set_rule(b.rule);
    o->set_end_action(b.end_action);
    for (uint32_t id : *b.persons) o->add_persons(id);
    o->set_visa_reference(b.visa);
  }
  for (const CertificateRecord& c : r.certificates) {
    v1::SnapshotCertificate* o = out->add_certificates();
    o->set_revision(c.revision);
    o->set_day(c.day);
    o->set_category(c.category);
    o->set_rule(c.rule);
    o->set_end_action(c.end_action);
    o->set_count(c.count);
    o->set_visa_reference(c.visa);
    o->set_sha256(std::string(c.sha256.begin(), c.sha256.end()));
  }
  for (const VisaRecord& v : r.visas) {
    v1::SnapshotVisa* o = state.add_visas();
    o->set_reference(v.reference);
    o->set_category(v.category);
    o->set_through(v.through);
    o->set_recorded_by(v.recorded_by);
    o->set_recorded_at(v.recorded_at);
    o->set_revision(v.revision);
  }
}

// The sweep register, checked: categories, rules and persons in range, batches in revision order.
absl::Status DecodeSweeps(const v1::EngineState& in, const Tables& t, State& out) {
  if (!in.has_sweeps() && in.visas_size() == 0) return absl::OkStatus();
  auto r = std::make_shared<SweepRegister>();
  const size_t rules = t.c->retention_rules.size();
  const auto known_person = [&](uint32_t id) {
    return id < out.persons.size() && out.persons[id].known;
  };
  for (const v1::SnapshotSweep& w : in.sweeps().sweeps()) {
    if (!r->sweeps.empty() && r->sweeps.back().day > w.day()) {
      return Damaged("sweeps go back in time");
    }
    r->sweeps.push_back(SweepRecord{w.day(), w.revision(), w.recorded_by()});
  }
  for (const v1::SnapshotPurgeBatch& b : in.sweeps().open_batches()) {
    if (!InRange(b.category(), t.categories) || !InRange(b.rule(), rules) || b.end_action() < 1 ||
        b.end_action() > 3 || b.persons_size() == 0 ||
        (!r->open_batches.empty() && r->open_batches.back().revision >= b.revision())) {
      return Damaged("a purge batch holds an impossible record");
    }
    auto persons = std::make_shared<std::vector<uint32_t>>();
    for (uint32_t id : b.persons()) {
      if (!known_person(id)) return Damaged("a purge batch names a person out of range");
      persons->push_back(id);
    }
    r->open_batches.push_back(PurgeBatch{b.revision(), b.day(), b.category(), b.rule(),
                                         static_cast<uint8_t>(b.end_action()), std::move(persons),
                                         b.visa_reference()});
  }
  for (const v1::SnapshotCertificate& c : in.sweeps().certificates()) {
    if (!InRange(c.category(), t.categories) || !InRange(c.rule(), rules) || c.end_action() < 1 ||
        c.end_action() > 3 || c.sha256().size() != 32) {
      return Damaged("a deletion certificate holds an impossible record");
    }
    CertificateRecord m;
    m.revision = c.revision();
    m.day = c.day();
    m.category = c.category();
    m.rule = c.rule();
    m.end_action = static_cast<uint8_t>(c.end_action());
    m.count = c.count();
    m.visa = c.visa_reference();
    std::copy(c.sha256().begin(), c.sha256().end(), m.sha256.begin());
    r->certificates.push_back(std::move(m));
  }
  for (const v1::SnapshotVisa& v : in.visas()) {
    if (v.reference().empty() || !InRange(v.category(), t.categories)) {
      return Damaged("an elimination visa holds an impossible record");
    }
    r->visas.push_back(VisaRecord{v.reference(), v.category(), v.through(), v.recorded_by(),
                                  v.recorded_at(), v.revision()});
  }
  out.sweeps = std::move(r);
  return absl::OkStatus();
}

// --- Differential-privacy budgets (issue 14) ----------------------------------------------------

void EncodePrivacy(const State& s, v1::EngineState& state) {
  if (s.privacy == nullptr) return;
  for (const auto& [dataset, charges] : s.privacy->datasets) {
    v1::SnapshotPrivacyCharges* out = state.add_privacy_charges();
    out->set_dataset(dataset);
    for (const PrivacyChargeRecord& r : charges) {
      core::ChargeToProto(r.charge, out->add_charges());
      out->add_recorded_by(r.recorded_by);
      out->add_recorded_at(r.recorded_at);
      out->add_revision(r.revision);
    }
  }
}

// The charges as recorded (not charged again: the policy's budget may have been lowered since,
// which PrivacyBudgetOf reports); datasets sorted and unique, each charge whole.
absl::Status DecodePrivacy(const v1::EngineState& in, State& out) {
  if (in.privacy_charges_size() == 0) return absl::OkStatus();
  auto r = std::make_shared<PrivacyRegister>();
  for (const v1::SnapshotPrivacyCharges& d : in.privacy_charges()) {
    const int n = d.charges_size();
    if (d.dataset().empty() || n == 0 || d.recorded_by_size() != n || d.recorded_at_size() != n ||
        d.revision_size() != n ||
        (!r->datasets.empty() && r->datasets.rbegin()->first >= d.dataset())) {
      return Damaged("privacy_charges holds an impossible or unsorted dataset");
    }
    std::vector<PrivacyChargeRecord>& charges = r->datasets[d.dataset()];
    for (int i = 0; i < n; ++i) {
      auto charge = core::ChargeFromProto(d.charges(i));
      const uint32_t by = d.recorded_by(i);
      if (!charge.ok() || charge->release.empty() ||
          !(by < out.professionals.size() && out.professionals[by].known)) {
        return Damaged("a privacy charge holds an impossible record");
      }
      charges.push_back(
          PrivacyChargeRecord{*std::move(charge), by, d.recorded_at(i), d.revision(i)});
    }
  }
  out.privacy = std::move(r);
  return absl::OkStatus();
}

// --- Two-person activation of a policy (REQ-62) -------------------------------------------------

void EncodeGovernance(const State& s, v1::EngineState& state) {
  if (s.governance == nullptr) return;
  const PolicyGovernance& g = *s.governance;
  v1::SnapshotPolicyGovernance* out = state.mutable_governance();
  if (g.has_active) {
    out->set_active_sha256(std::string(g.active.begin(), g.active.end()));
    out->set_active_mode(g.active_mode);
    out->set_active_revision(g.active_revision);
  }
  for (const auto& [professional, key] : g.keys) {
    out->add_key_professionals(professional);
    out->add_verifier_keys(key);
  }
  for (const PolicyApprovalRecord& r : g.approvals) {
    v1::SnapshotPolicyApproval* a = out->add_approvals();
    a->set_professional(r.professional);
    a->set_policy_sha256(std::string(r.policy.begin(), r.policy.end()));
    a->set_changes_sha256(std::string(r.changes.begin(), r.changes.end()));
    for (const std::string& role : r.dpo_roles) a->add_dpo_roles(role);
    a->set_dpo(r.dpo);
    a->set_revision(r.revision);
    a->set_at(r.at);
  }
  for (const std::string& role : g.dpo_roles) out->add_dpo_roles(role);
}

absl::Status DecodeGovernance(const v1::EngineState& in, State& out) {
  if (!in.has_governance()) return absl::OkStatus();
  const v1::SnapshotPolicyGovernance& g = in.governance();
  auto r = std::make_shared<PolicyGovernance>();
  const auto known = [&](uint32_t p) {
    return p < out.professionals.size() && out.professionals[p].known;
  };
  if (!g.active_sha256().empty()) {
    auto active = DigestField("governance.active_sha256", g.active_sha256());
    if (!active.ok() || !v1::PolicyActivated::Mode_IsValid(g.active_mode()) ||
        g.active_mode() == v1::PolicyActivated::MODE_UNSPECIFIED) {
      return Damaged("governance holds an impossible policy in force");
    }
    r->has_active = true;
    r->active = *active;
    r->active_mode = g.active_mode();
    r->active_revision = g.active_revision();
  }
  if (g.key_professionals_size() != g.verifier_keys_size()) {
    return Damaged("governance holds keys without professionals");
  }
  for (int i = 0; i < g.key_professionals_size(); ++i) {
    const uint32_t p = g.key_professionals(i);
    if (!known(p) || (!r->keys.empty() && r->keys.rbegin()->first >= p) ||
        !ledger::NoteVerifier::Parse(g.verifier_keys(i)).ok()) {
      return Damaged("governance holds an impossible or unsorted approval key");
    }
    r->keys.emplace(p, g.verifier_keys(i));
  }
  for (const v1::SnapshotPolicyApproval& a : g.approvals()) {
    auto policy = DigestField("policy", a.policy_sha256());
    auto changes = DigestField("changes", a.changes_sha256());
    if (!known(a.professional()) || !policy.ok() || !changes.ok()) {
      return Damaged("governance holds an impossible approval");
    }
    r->approvals.push_back(PolicyApprovalRecord{a.professional(),
                                                *policy,
                                                *changes,
                                                {a.dpo_roles().begin(), a.dpo_roles().end()},
                                                a.dpo(),
                                                a.revision(),
                                                a.at()});
  }
  r->dpo_roles.assign(g.dpo_roles().begin(), g.dpo_roles().end());
  if (!std::is_sorted(r->dpo_roles.begin(), r->dpo_roles.end()) ||
      std::adjacent_find(r->dpo_roles.begin(), r->dpo_roles.end()) != r->dpo_roles.end()) {
    return Damaged("governance holds unsorted DPO roles");
  }
  out.governance = std::move(r);
  return absl::OkStatus();
}

}  // namespace

std::string EncodeSnapshot(const SnapshotData& s) {
  v1::EngineState state;
  state.set_revision(s.state.revision);
  AddNames(s.ids->professionals, state.mutable_professional_ids());
  AddNames(s.ids->persons, state.mutable_person_ids());
  AddNames(s.ids->teams, state.mutable_team_ids());
  AddNames(s.ids->labels, state.mutable_labels());
  for (size_t i = 0; i < s.state.professionals.size(); ++i) {
    const ProfessionalRecord& r = s.state.professionals[i];
    if (!r.known) continue;
    v1::SnapshotProfessional* p = state.add_professionals();
    p->set_id(static_cast<uint32_t>(i));
    p->set_role(r.role);
    p->set_secrecy(static_cast<v1::SecrecyStatus>(r.secrecy));
    p->set_own_secrecy(r.own_secrecy);
    p->set_left(r.left);
    p->set_structure(r.structure);
    p->set_professional_category(r.professional_category);
    for (uint32_t team : r.teams) p->add_teams(team);
  }
  for (size_t i = 0; i < s.state.persons.size(); ++i) {
    const PersonRecord& r = s.state.persons[i];
    if (!r.known) continue;
    v1::SnapshotPerson* p = state.add_persons();
    p->set_id(static_cast<uint32_t>(i));
    p->set_referent(r.referent);
    p->set_birth_days(r.birth_days);
    for (uint32_t team : r.teams) p->add_teams(team);
    if (r.state == nullptr) continue;
    const PersonState& st = *r.state;
    for (uint32_t pro : st.blocked) p->add_blocked(pro);
    for (const Mask& m : st.masks) {
      v1::SnapshotMask* out = p->add_masks();
      out->set_category(m.category);
      out->set_item(m.item);
      out->set_audience(static_cast<int32_t>(m.audience));
      out->set_audience_id(m.audience_id);
    }
    for (const Session& session : st.sessions) {
      v1::SnapshotSession* out = p->add_sessions();
      out->set_professional(session.professional);
      out->set_reason_code(session.reason_code);
      out->set_opened_at(session.opened_at);
      out->set_expires_at(session.expires_at);
    }
    for (const GrantRecord& g : st.grants) {
      v1::SnapshotGrant* out = p->add_grants();
      out->set_professional(g.professional);
      for (uint32_t c : g.categories) out->add_categories(c);
      out->set_expires_at(g.expires_at);
      out->set_reference(g.reference);
      if (g.is_share()) {
        out->set_share(g.share);
        for (const std::string& item : g.items) out->add_items(item);
        for (uint32_t c : g.item_categories) out->add_item_categories(c);
        out->set_basis(static_cast<int32_t>(g.basis));
        out->set_purpose(g.purpose);
      }
    }
    if (!st.informed.empty() || !st.information_exceptions.empty()) {
      v1::SnapshotPriorInformation* info = p->mutable_prior_information();
      for (const InformationRecord& r : st.informed) {
        v1::SnapshotInformed* out = info->add_informed();
        out->set_share(r.share);
        out->set_informed(r.informed);
        out->set_recipient(r.recipient);
        for (uint32_t c : r.categories) out->add_categories(c);
        out->set_channel(r.channel);
        out->set_maturity_assessment(r.maturity_assessment);
        out->set_recorded_by(r.recorded_by);
        out->set_at(r.at);
        out->set_revision(r.revision);
      }
      for (const InformationExceptionRecord& r : st.information_exceptions) {
        v1::SnapshotInformationException* out = info->add_exceptions();
        out->set_share(r.share);
        out->set_kind(static_cast<int32_t>(r.kind));
        out->set_justification(r.justification);
        out->set_decided_by(r.decided_by);
        out->set_at(r.at);
        out->set_revision(r.revision);
      }
    }
    for (const ShareRecord& r : st.shares) {
      v1::SnapshotShare* out = p->add_shares();
      out->set_share(r.share);
      out->set_emitter(r.emitter);
      out->set_recipient(r.recipient);
      out->set_basis(static_cast<int32_t>(r.basis));
      out->set_purpose(r.purpose);
      for (const std::string& item : r.items) out->add_items(item);
      for (uint32_t c : r.categories) out->add_categories(c);
      out->set_at(r.at);
      out->set_revision(r.revision);
    }
    p->set_objects_to_emergency_access(st.objects_to_emergency_access);
    for (const Representative& rep : st.representatives) {
      v1::SnapshotRepresentative* out = p->add_representatives();
      out->set_person(rep.person);
      out->set_kind(static_cast<int32_t>(rep.kind));
      out->set_from_day(rep.from_day);
      out->set_to_day(rep.to_day);
    }
    for (const ConsentRecord& c : st.consents) {
      v1::SnapshotConsent* out = p->add_consents();
      out->set_purpose(c.purpose);
      out->set_scope(static_cast<int32_t>(c.scope));
      for (uint32_t v : c.categories) out->add_categories(v);
      for (uint32_t v : c.recipients) out->add_recipients(v);
      for (uint32_t v : c.recipient_roles) out->add_recipient_roles(v);
      for (uint32_t v : c.given_by) out->add_given_by(v);
      out->set_given_at(c.given_at);
      out->set_expires_at(c.expires_at);
      out->set_ended_at(c.ended_at);
      out->set_revision(c.revision);
      out->set_information_version(c.information_version);
      out->set_information_sha256(c.information_sha256);
      out->set_notice_language(c.notice_language);
      out->set_channel(static_cast<int32_t>(c.channel));
      out->set_evidence_reference(c.evidence_reference);
      out->set_supports(c.supports);
      out->set_security_measures(c.security_measures);
      out->set_recorded_by(c.recorded_by);
      out->set_ended_by(static_cast<int32_t>(c.ended_by));
      out->set_withdrawn_by(c.withdrawn_by);
      out->set_withdrawal_channel(static_cast<int32_t>(c.withdrawal_channel));
      out->set_withdrawal_recorded_by(c.withdrawal_recorded_by);
      out->set_ended_revision(c.ended_revision);
    }
    for (const Objection& o : st.objections) {
      v1::SnapshotObjection* out = p->add_objections();
      out->set_kind(static_cast<int32_t>(o.kind));
      out->set_purpose(o.purpose);
      out->set_outcome(static_cast<int32_t>(o.outcome));
      out->set_recorded_at(o.recorded_at);
      out->set_decided_at(o.decided_at);
      out->set_withdrawn_at(o.withdrawn_at);
      out->set_objected_by(o.objected_by);
      out->set_recorded_by(o.recorded_by);
      out->set_decided_by(o.decided_by);
      out->set_revision(o.revision);
      out->set_decided_revision(o.decided_revision);
      out->set_informed_evidence(o.informed_evidence);
      out->set_justification(o.justification);
    }
    for (const MandateRecord& m : st.mandates) {
      v1::SnapshotMandate* out = p->add_mandates();
      out->set_id(m.id);
      out->set_structure(m.structure);
      out->set_aidant(m.aidant);
      out->set_created_at(m.created_at);
      out->set_expires_at(m.expires_at);
      out->set_duration_days(m.duration_days);
      out->set_template_version(m.template_version);
      out->set_attestation_sha256(std::string(m.attestation.begin(), m.attestation.end()));
      for (const MandateAuthorisation& a : m.authorisations) {
        v1::SnapshotMandateAuthorisation* auth = out->add_authorisations();
        auth->set_procedure(a.procedure);
        auth->set_revoked_at(a.revoked_at);
        auth->set_revoked_by_person(a.revoked_by_person);
        auth->set_uses(a.uses);
        auth->set_last_used_at(a.last_used_at);
      }
    }
    if (st.legal_hold.has_value()) {
      v1::SnapshotLegalHold* out = p->mutable_legal_hold();
      out->set_reason(st.legal_hold->reason);
      out->set_reference(st.legal_hold->reference);
      out->set_since(st.legal_hold->since);
      out->set_recorded_by(st.legal_hold->recorded_by);
    }
    if (!st.erasure.empty()) {
      v1::SnapshotErasure* out = p->mutable_erasure();
      out->set_whole(st.erasure.whole);
      for (uint32_t c : st.erasure.categories) out->add_categories(c);
    }
    if (!st.retention.empty()) {
      const RetentionFacts& f = st.retention;
      v1::SnapshotRetention* out = p->mutable_retention();
      out->set_last_contact_from_person(f.last_contact_from_person);
      out->set_last_contact_other(f.last_contact_other);
      out->set_first_contact(f.first_contact);
      out->set_case_closed(f.case_closed);
      out->set_death(f.death);
      out->set_contacts(f.contacts);
      for (const RetentionEnd& e : f.ends) {
        v1::SnapshotRetentionEnd* end = out->add_ends();
        end->set_activity(e.activity);
        end->set_kind(static_cast<int32_t>(e.kind));
        end->set_end_day(e.end_day);
      }
    }
    for (const RestrictionRecord& r : st.restrictions) {
      v1::SnapshotRestriction* out = p->add_restrictions();
      out->set_item(r.item);
      out->set_ground(r.ground);
      out->set_rights_request(r.rights_request);
      out->set_set_by(r.set_by);
      out->set_set_at(r.set_at);
      out->set_revision(r.revision);
      out->set_notified_at(r.notified_at);
      out->set_notice_channel(r.notice_channel);
      out->set_notified_by(r.notified_by);
      out->set_lifted_at(r.lifted_at);
      out->set_lifted_by(r.lifted_by);
      out->set_lifted_revision(r.lifted_revision);
    }
    for (const RectificationRecord& r : st.rectifications) {
      v1::SnapshotRectification* out = p->add_rectifications();
      out->set_id(r.id);
      out->set_item(r.item);
      out->set_category(r.category);
      out->set_kind(static_cast<int32_t>(r.kind));
      out->set_previous_sha256(r.previous_sha256);
      out->set_new_sha256(r.new_sha256);
      out->set_rights_request(r.rights_request);
      out->set_contested(r.contested);
      out->set_statement_sha256(r.statement_sha256);
      out->set_recorded_by(r.recorded_by);
      out->set_at(r.at);
      out->set_revision(r.revision);
      for (const RectificationNotice& n : r.notices) {
        v1::SnapshotRectificationNotice* notice = out->add_notices();
        notice->set_recipient(n.recipient);
        notice->set_notified_at(n.notified_at);
        notice->set_channel(n.channel);
        notice->set_notified_by(n.notified_by);
        notice->set_revision(n.revision);
      }
    }
    for (const RetentionPurge& g : st.purged) {
      v1::SnapshotPurge* out = p->add_purged();
      out->set_category(g.category);
      out->set_day(g.day);
      out->set_end_action(g.end_action);
      out->set_revision(g.revision);
    }
  }

  EncodeRightsAndBreaches(s.state, state);
  for (size_t i = 0; i < s.state.tombstones.size(); ++i) {
    const Tombstone& tomb = s.state.tombstones[i];
    v1::SnapshotTombstone* out = state.add_tombstones();
    out->set_person(tomb.person);
    for (uint32_t c : tomb.categories) out->add_categories(c);
    out->set_day(tomb.day);
    out->set_at(tomb.at);
    out->set_request(tomb.request);
    out->set_recorded_by(tomb.recorded_by);
    out->set_revision(tomb.revision);
  }
  EncodeSweeps(s.state, state);
  EncodePrivacy(s.state, state);
  EncodeGovernance(s.state, state);

  v1::EngineSnapshot snapshot;
  snapshot.set_format_version(kSnapshotFormatVersion);
  snapshot.set_revision(s.state.revision);
  const auto& digest = s.tables->policy.digest();
  snapshot.set_policy_digest(std::string(digest.begin(), digest.end()));
  state.SerializeToString(snapshot.mutable_state());
  const crypto::Hash256 hash = StateHash(snapshot.state());
  snapshot.set_state_sha256(std::string(hash.begin(), hash.end()));
  return snapshot.SerializeAsString();
}

absl::StatusOr<std::optional<State>> DecodeSnapshot(absl::string_view bytes, const Tables& t,
                                                    Ids& ids, BatchId batch) {
  v1::EngineSnapshot snapshot;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !snapshot.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Damaged("the bytes are not a serialized socle.v1.EngineSnapshot");
  }
  if (snapshot.format_version() != kSnapshotFormatVersion) {
    return MakeError(ErrorCode::kUnsupported,
                     absl::StrCat("engine snapshot format_version is ", snapshot.format_version(),
                                  "; this version of socle reads format_version 1"));
  }
  const auto& digest = t.policy.digest();
  if (snapshot.policy_digest() !=
      absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())) {
    return std::nullopt;
  }
  const crypto::Hash256 hash = StateHash(snapshot.state());
  if (snapshot.state_sha256() !=
      absl::string_view(reinterpret_cast<const char*>(hash.data()), hash.size())) {
    return Damaged("its state does not match its SHA-256");
  }
  v1::EngineState in;
  if (!in.ParseFromString(snapshot.state())) return Damaged("its state does not parse");
  if (in.revision() != snapshot.revision()) {
    return Damaged("its state's revision is not the envelope's");
  }

  SOCLE_RETURN_IF_ERROR(LoadNames(in.professional_ids(), ids.professionals, "professional_ids"));
  SOCLE_RETURN_IF_ERROR(LoadNames(in.person_ids(), ids.persons, "person_ids"));
  SOCLE_RETURN_IF_ERROR(LoadNames(in.team_ids(), ids.teams, "team_ids"));
  SOCLE_RETURN_IF_ERROR(LoadNames(in.labels(), ids.labels, "labels"));
  if (ids.mandates.size() != 0) {
    return MakeError(ErrorCode::kInternal, "a snapshot is restored into a fresh engine only");
  }
  const size_t professionals = in.professional_ids_size();
  const size_t persons = in.person_ids_size();
  const size_t teams = in.team_ids_size();
  const size_t labels = in.labels_size();

  State out;
  out.revision = in.revision();
  out.professionals.Resize(professionals, batch);
  out.persons.Resize(persons, batch);
  out.teams.Resize(teams, batch);
  std::vector<std::vector<uint32_t>> team_persons(teams), team_professionals(teams);
  std::vector<std::vector<uint32_t>> referent_of(professionals), granted(professionals);

  for (int i = 0; i < in.professionals_size(); ++i) {
    const v1::SnapshotProfessional& p = in.professionals(i);
    // Built only for a message: one allocation per record would cost more than the record.
    auto where = [i] { return absl::StrCat("professionals[", i, "]"); };
    if (!InRange(p.id(), professionals) || out.professionals[p.id()].known) {
      return Damaged(absl::StrCat(where(), ".id is out of range or repeated"));
    }
    if (!InRange(p.role(), t.roles)) return Damaged(absl::StrCat(where(), ".role is out of range"));
    if (!v1::SecrecyStatus_IsValid(p.secrecy())) {
      return Damaged(absl::StrCat(where(), ".secrecy is not a secrecy status"));
    }
    if (!InRange(p.structure(), labels, true) ||
        !InRange(p.professional_category(), labels, true)) {
      return Damaged(absl::StrCat(where(), " names a label out of range"));
    }
    ProfessionalRecord& r = out.professionals.Mutable(p.id(), batch);
    r.known = true;
    r.role = p.role();
    r.secrecy = static_cast<SecrecyStatus>(p.secrecy());
    r.own_secrecy = p.own_secrecy();
    r.left = p.left();
    r.structure = p.structure();
    r.professional_category = p.professional_category();
    for (uint32_t team : p.teams()) {
      if (!InRange(team, teams))
        return Damaged(absl::StrCat(where(), " names a team out of range"));
      r.teams.push_back(team);
    }
    std::sort(r.teams.begin(), r.teams.end());
    r.teams.erase(std::unique(r.teams.begin(), r.teams.end()), r.teams.end());
    for (uint32_t team : r.teams) team_professionals[team].push_back(p.id());
  }

  auto known_professional = [&](uint32_t id) {
    return id < professionals && out.professionals[id].known;
  };
  for (int i = 0; i < in.persons_size(); ++i) {
    const v1::SnapshotPerson& p = in.persons(i);
    auto where = [i] { return absl::StrCat("persons[", i, "]"); };
    if (!InRange(p.id(), persons) || out.persons[p.id()].known) {
      return Damaged(absl::StrCat(where(), ".id is out of range or repeated"));
    }
    if (p.referent() != kNoId && !known_professional(p.referent())) {
      return Damaged(absl::StrCat(where(), ".referent is not a professional"));
    }
    PersonRecord& r = out.persons.Mutable(p.id(), batch);
    r.known = true;
    r.referent = p.referent();
    r.birth_days = p.birth_days();
    for (uint32_t team : p.teams()) {
      if (!InRange(team, teams))
        return Damaged(absl::StrCat(where(), " names a team out of range"));
      r.teams.push_back(team);
    }
    std::sort(r.teams.begin(), r.teams.end());
    r.teams.erase(std::unique(r.teams.begin(), r.teams.end()), r.teams.end());
    for (uint32_t team : r.teams) team_persons[team].push_back(p.id());
    if (r.referent != kNoId) referent_of[r.referent].push_back(p.id());

    const bool has_state = p.blocked_size() > 0 || p.masks_size() > 0 || p.sessions_size() > 0 ||
                           p.grants_size() > 0 || p.objects_to_emergency_access() ||
                           p.representatives_size() > 0 || p.consents_size() > 0 ||
                           p.objections_size() > 0 || p.mandates_size() > 0 ||
                           p.has_prior_information() || p.shares_size() > 0 || p.has_retention() ||
                           p.restrictions_size() > 0 || p.rectifications_size() > 0 ||
                           p.has_legal_hold() || p.has_erasure() || p.purged_size() > 0;
    if (!has_state) continue;  // most persons: no privacy state, a null pointer
    auto st = std::make_shared<PersonState>();
    for (uint32_t pro : p.blocked()) {
      if (!known_professional(pro))
        return Damaged(absl::StrCat(where(), ".blocked is out of range"));
      st->blocked.push_back(pro);
    }
    SortUnique(st->blocked);
    for (const v1::SnapshotMask& m : p.masks()) {
      Mask mask;
      const bool item = m.category() == kNoId;
      if (item ? m.item().empty() : (!m.item().empty() || !InRange(m.category(), t.categories))) {
        return Damaged(absl::StrCat(where(), ".masks names neither one item nor one category"));
      }
      mask.category = m.category();
      mask.item = m.item();
      switch (static_cast<MaskAudience>(m.audience())) {
        case MaskAudience::kEveryone:
          if (m.audience_id() != kNoId) return Damaged(absl::StrCat(where(), ".masks audience"));
          break;
        case MaskAudience::kRole:
          if (!InRange(m.audience_id(), t.roles)) {
            return Damaged(absl::StrCat(where(), ".masks audience"));
          }
          break;
        case MaskAudience::kProfessional:
          if (!known_professional(m.audience_id())) {
            return Damaged(absl::StrCat(where(), ".masks audience"));
          }
          break;
        default:
          return Damaged(absl::StrCat(where(), ".masks audience"));
      }
      mask.audience = static_cast<MaskAudience>(m.audience());
      mask.audience_id = m.audience_id();
      st->masks.push_back(std::move(mask));
    }
    for (const v1::SnapshotSession& s : p.sessions()) {
      if (!known_professional(s.professional()) ||
          !InRange(s.reason_code(), t.reason_codes.size())) {
        return Damaged(absl::StrCat(where(), ".sessions names an id out of range"));
      }
      st->sessions.push_back(
          Session{s.professional(), s.reason_code(), s.opened_at(), s.expires_at()});
      granted[s.professional()].push_back(p.id());
    }
    for (const v1::SnapshotGrant& g : p.grants()) {
      if (!known_professional(g.professional())) {
        return Damaged(absl::StrCat(where(), ".grants names a professional out of range"));
      }
      GrantRecord grant;
      grant.professional = g.professional();
      for (uint32_t c : g.categories()) {
        if (!InRange(c, t.categories)) {
          return Damaged(absl::StrCat(where(), ".grants names a category out of range"));
        }
        grant.categories.push_back(c);
      }
      SortUnique(grant.categories);
      grant.expires_at = g.expires_at();
      grant.reference = g.reference();
      if (!g.share().empty()) {
        if (g.items_size() != g.item_categories_size() || !ValidBasis(g.basis()) ||
            !InRange(g.purpose(), t.activities) ||
            !std::is_sorted(g.items().begin(), g.items().end())) {
          return Damaged(absl::StrCat(where(), ".grants holds an impossible share"));
        }
        for (uint32_t c : g.item_categories()) {
          if (!InRange(c, t.categories)) {
            return Damaged(absl::StrCat(where(), ".grants names a category out of range"));
          }
        }
        grant.share = g.share();
        grant.items.assign(g.items().begin(), g.items().end());
        grant.item_categories.assign(g.item_categories().begin(), g.item_categories().end());
        grant.basis = static_cast<SharingBasis>(g.basis());
        grant.purpose = g.purpose();
      }
      st->grants.push_back(std::move(grant));
      granted[g.professional()].push_back(p.id());
    }
    st->objects_to_emergency_access = p.objects_to_emergency_access();
    for (const v1::SnapshotRepresentative& rep : p.representatives()) {
      // Representatives are persons; a person's id is below persons' count (checked by InRange).
      if (!InRange(rep.person(), persons) || rep.person() == p.id() ||
          rep.kind() < static_cast<int32_t>(RepresentativeKind::kParentalAuthority) ||
          rep.kind() > static_cast<int32_t>(RepresentativeKind::kProxy) ||
          rep.from_day() > rep.to_day()) {
        return Damaged(absl::StrCat(where(), ".representatives holds an impossible record"));
      }
      st->representatives.push_back(Representative{
          rep.person(), static_cast<RepresentativeKind>(rep.kind()), rep.from_day(), rep.to_day()});
    }
    auto channel_ok = [](int32_t channel, bool none_ok) {
      return (none_ok && channel == 0) ||
             (channel >= static_cast<int32_t>(ConsentChannel::kInPerson) &&
              channel <= static_cast<int32_t>(ConsentChannel::kPhone));
    };
    for (const v1::SnapshotConsent& in_c : p.consents()) {
      const bool ended = in_c.ended_by() != 0;
      if (!InRange(in_c.purpose(), t.activities) ||
          (in_c.scope() != static_cast<int32_t>(ConsentScope::kProcessing) &&
           in_c.scope() != static_cast<int32_t>(ConsentScope::kSharing)) ||
          in_c.given_by().empty() || !channel_ok(in_c.channel(), false) ||
          !channel_ok(in_c.withdrawal_channel(), true) || in_c.ended_by() < 0 ||
          in_c.ended_by() > static_cast<int32_t>(ConsentEnd::kCaseClosed) ||
          ended == (in_c.ended_at() == kNever) || !known_professional(in_c.recorded_by()) ||
          !InRange(in_c.withdrawn_by(), persons, true) ||
          (in_c.withdrawal_recorded_by() != kNoId &&
           !known_professional(in_c.withdrawal_recorded_by()))) {
        return Damaged(absl::StrCat(where(), ".consents holds an impossible record"));
      }
      ConsentRecord c;
      c.purpose = in_c.purpose();
      c.scope = static_cast<ConsentScope>(in_c.scope());
      for (uint32_t v : in_c.categories()) {
        if (!InRange(v, t.categories)) return Damaged(absl::StrCat(where(), ".consents category"));
        c.categories.push_back(v);
      }
      for (uint32_t v : in_c.recipients()) {
        if (!known_professional(v)) return Damaged(absl::StrCat(where(), ".consents recipient"));
        c.recipients.push_back(v);
      }
      for (uint32_t v : in_c.recipient_roles()) {
        if (!InRange(v, t.roles)) return Damaged(absl::StrCat(where(), ".consents role"));
        c.recipient_roles.push_back(v);
      }
      for (uint32_t v : in_c.given_by()) {
        if (!InRange(v, persons)) return Damaged(absl::StrCat(where(), ".consents given_by"));
        c.given_by.push_back(v);
      }
      SortUnique(c.categories);
      SortUnique(c.recipients);
      SortUnique(c.recipient_roles);
      SortUnique(c.given_by);
      c.given_at = in_c.given_at();
      c.expires_at = in_c.expires_at();
      c.ended_at = in_c.ended_at();
      c.revision = in_c.revision();
      c.information_version = in_c.information_version();
      c.information_sha256 = in_c.information_sha256();
      c.notice_language = in_c.notice_language().empty() ? std::string(kDefaultNoticeLanguage)
                                                         : in_c.notice_language();
      c.channel = static_cast<ConsentChannel>(in_c.channel());
      c.evidence_reference = in_c.evidence_reference();
      c.supports = in_c.supports();
      c.security_measures = in_c.security_measures();
      c.recorded_by = in_c.recorded_by();
      c.ended_by = static_cast<ConsentEnd>(in_c.ended_by());
      c.withdrawn_by = in_c.withdrawn_by();
      c.withdrawal_channel = static_cast<ConsentChannel>(in_c.withdrawal_channel());
      c.withdrawal_recorded_by = in_c.withdrawal_recorded_by();
      c.ended_revision = in_c.ended_revision();
      st->consents.push_back(std::move(c));
    }
    for (const v1::SnapshotObjection& in_o : p.objections()) {
      const bool processing = in_o.kind() == static_cast<int32_t>(ObjectionKind::kProcessing);
      if ((!processing && in_o.kind() != static_cast<int32_t>(ObjectionKind::kSharing)) ||
          (processing ? !InRange(in_o.purpose(), t.activities) : in_o.purpose() != kNoId) ||
          in_o.outcome() < 0 ||
          in_o.outcome() > static_cast<int32_t>(ObjectionOutcome::kLegalClaims) ||
          !InRange(in_o.objected_by(), persons) || !known_professional(in_o.recorded_by()) ||
          (in_o.decided_by() != kNoId && !known_professional(in_o.decided_by()))) {
        return Damaged(absl::StrCat(where(), ".objections holds an impossible record"));
      }
      Objection o;
      o.kind = static_cast<ObjectionKind>(in_o.kind());
      o.purpose = in_o.purpose();
      o.outcome = static_cast<ObjectionOutcome>(in_o.outcome());
      o.recorded_at = in_o.recorded_at();
      o.decided_at = in_o.decided_at();
      o.withdrawn_at = in_o.withdrawn_at();
      o.objected_by = in_o.objected_by();
      o.recorded_by = in_o.recorded_by();
      o.decided_by = in_o.decided_by();
      o.revision = in_o.revision();
      o.decided_revision = in_o.decided_revision();
      o.informed_evidence = in_o.informed_evidence();
      o.justification = in_o.justification();
      st->objections.push_back(std::move(o));
    }
    for (const v1::SnapshotMandate& in_m : p.mandates()) {
      SOCLE_ASSIGN_OR_RETURN(MandateRecord m, LoadMandate(in_m, t, labels, known_professional));
      if (ids.mandates.Find(m.id)) {
        return Damaged(absl::StrCat(where(), ".mandates repeats a mandate id"));
      }
      const uint32_t id = ids.mandates.Intern(m.id);
      out.mandates.Resize(id + 1, batch);
      out.mandates.Mutable(id, batch) =
          MandateOwner{p.id(), static_cast<uint32_t>(st->mandates.size())};
      st->mandates.push_back(std::move(m));
    }
    for (const v1::SnapshotInformed& in : p.prior_information().informed()) {
      InformationRecord r;
      if (in.share().empty() || !InRange(in.informed(), persons) ||
          !known_professional(in.recipient()) || !known_professional(in.recorded_by())) {
        return Damaged(absl::StrCat(where(), ".prior_information holds an impossible record"));
      }
      for (uint32_t c : in.categories()) {
        if (!InRange(c, t.categories)) {
          return Damaged(absl::StrCat(where(), ".prior_information names a category out of range"));
        }
        r.categories.push_back(c);
      }
      SortUnique(r.categories);
      r.share = in.share();
      r.informed = in.informed();
      r.recipient = in.recipient();
      r.channel = in.channel();
      r.maturity_assessment = in.maturity_assessment();
      r.recorded_by = in.recorded_by();
      r.at = in.at();
      r.revision = in.revision();
      st->informed.push_back(std::move(r));
    }
    for (const v1::SnapshotInformationException& in : p.prior_information().exceptions()) {
      if (in.share().empty() || in.kind() < 1 || in.kind() > 3 ||
          !known_professional(in.decided_by())) {
        return Damaged(absl::StrCat(where(), ".prior_information holds an impossible exception"));
      }
      InformationExceptionRecord r;
      r.share = in.share();
      r.kind = static_cast<InformationExceptionKind>(in.kind());
      r.justification = in.justification();
      r.decided_by = in.decided_by();
      r.at = in.at();
      r.revision = in.revision();
      st->information_exceptions.push_back(std::move(r));
    }
    for (const v1::SnapshotShare& in : p.shares()) {
      if (in.share().empty() || !known_professional(in.emitter()) ||
          !known_professional(in.recipient()) || !ValidBasis(in.basis()) ||
          !InRange(in.purpose(), t.activities) ||
          !std::is_sorted(in.items().begin(), in.items().end())) {
        return Damaged(absl::StrCat(where(), ".shares holds an impossible share"));
      }
      ShareRecord r;
      for (uint32_t c : in.categories()) {
        if (!InRange(c, t.categories)) {
          return Damaged(absl::StrCat(where(), ".shares names a category out of range"));
        }
        r.categories.push_back(c);
      }
      SortUnique(r.categories);
      r.share = in.share();
      r.emitter = in.emitter();
      r.recipient = in.recipient();
      r.basis = static_cast<SharingBasis>(in.basis());
      r.purpose = in.purpose();
      r.items.assign(in.items().begin(), in.items().end());
      r.at = in.at();
      r.revision = in.revision();
      st->shares.push_back(std::move(r));
    }
    if (p.has_retention()) {
      const v1::SnapshotRetention& in_f = p.retention();
      RetentionFacts& f = st->retention;
      f.last_contact_from_person = in_f.last_contact_from_person();
      f.last_contact_other = in_f.last_contact_other();
      f.first_contact = in_f.first_contact();
      f.case_closed = in_f.case_closed();
      f.death = in_f.death();
      f.contacts = in_f.contacts();
      for (const v1::SnapshotRetentionEnd& in_e : in_f.ends()) {
        const RetentionEnd e{in_e.activity(), static_cast<RetentionEndKind>(in_e.kind()),
                             in_e.end_day()};
        const bool sorted = f.ends.empty() || f.ends.back().activity < e.activity ||
                            (f.ends.back().activity == e.activity && f.ends.back().kind < e.kind);
        if (!InRange(in_e.activity(), t.activities) || in_e.kind() < 1 || in_e.kind() > 2 ||
            !sorted) {
          return Damaged(absl::StrCat(where(), ".retention holds an impossible end"));
        }
        f.ends.push_back(e);
      }
    }
    if (p.has_legal_hold()) {
      const v1::SnapshotLegalHold& in_h = p.legal_hold();
      if (in_h.reason().empty() || !known_professional(in_h.recorded_by())) {
        return Damaged(absl::StrCat(where(), ".legal_hold has no reason or recorder"));
      }
      st->legal_hold = LegalHold{in_h.reason(), in_h.reference(), in_h.since(), in_h.recorded_by()};
    }
    if (p.has_erasure()) {
      for (uint32_t c : p.erasure().categories()) {
        if (!InRange(c, t.categories) ||
            (!st->erasure.categories.empty() && st->erasure.categories.back() >= c)) {
          return Damaged(absl::StrCat(where(), ".erasure holds an impossible category"));
        }
        st->erasure.categories.push_back(c);
      }
      st->erasure.whole = p.erasure().whole();
      if (st->erasure.whole && st->erasure.categories.size() != t.categories) {
        return Damaged(absl::StrCat(where(), ".erasure is whole but lacks categories"));
      }
    }
    for (const v1::SnapshotRestriction& in : p.restrictions()) {
      const bool lifted = in.lifted_at() != kNever;
      if (in.ground() < 1 || in.ground() > 4 || !known_professional(in.set_by()) ||
          (in.notified_at() != kNever && !known_professional(in.notified_by())) ||
          (lifted && (in.notified_at() == kNever || !known_professional(in.lifted_by())))) {
        return Damaged(absl::StrCat(where(), ".restrictions holds an impossible restriction"));
      }
      if (!lifted && std::any_of(st->restrictions.begin(), st->restrictions.end(),
                                 [&](const RestrictionRecord& other) {
                                   return other.InForce() && other.item == in.item();
                                 })) {
        return Damaged(absl::StrCat(where(), ".restrictions holds two in force on one item"));
      }
      RestrictionRecord r;
      r.item = in.item();
      r.ground = static_cast<uint8_t>(in.ground());
      r.rights_request = in.rights_request();
      r.set_by = in.set_by();
      r.set_at = in.set_at();
      r.revision = in.revision();
      r.notified_at = in.notified_at();
      r.notice_channel = static_cast<uint8_t>(in.notice_channel());
      r.notified_by = in.notified_by();
      r.lifted_at = in.lifted_at();
      r.lifted_by = in.lifted_by();
      r.lifted_revision = in.lifted_revision();
      st->restrictions.push_back(std::move(r));
    }
    for (const v1::SnapshotRectification& in : p.rectifications()) {
      const bool rectified = in.kind() == static_cast<int32_t>(RectificationKind::kRectified);
      if (in.id().empty() || in.item().empty() ||
          (!rectified && in.kind() != static_cast<int32_t>(RectificationKind::kStatement)) ||
          (in.category() != kNoId && !InRange(in.category(), t.categories)) ||
          !known_professional(in.recorded_by()) ||
          (rectified && (in.previous_sha256().size() != 32 || in.new_sha256().size() != 32))) {
        return Damaged(absl::StrCat(where(), ".rectifications holds an impossible record"));
      }
      RectificationRecord r;
      r.id = in.id();
      r.item = in.item();
      r.category = in.category();
      r.kind = static_cast<RectificationKind>(in.kind());
      r.previous_sha256 = in.previous_sha256();
      r.new_sha256 = in.new_sha256();
      r.rights_request = in.rights_request();
      r.contested = in.contested();
      r.statement_sha256 = in.statement_sha256();
      r.recorded_by = in.recorded_by();
      r.at = in.at();
      r.revision = in.revision();
      for (const v1::SnapshotRectificationNotice& in_n : in.notices()) {
        if (!known_professional(in_n.recipient()) ||
            (in_n.notified_at() != kNever && !known_professional(in_n.notified_by()))) {
          return Damaged(absl::StrCat(where(), ".rectifications holds an impossible notice"));
        }
        RectificationNotice n;
        n.recipient = in_n.recipient();
        n.notified_at = in_n.notified_at();
        n.channel = static_cast<uint8_t>(in_n.channel());
        n.notified_by = in_n.notified_by();
        n.revision = in_n.revision();
        r.notices.push_back(n);
      }
      st->rectifications.push_back(std::move(r));
    }
    for (const v1::SnapshotPurge& g : p.purged()) {
      if (!InRange(g.category(), t.categories) || g.end_action() < 1 || g.end_action() > 3 ||
          (!st->purged.empty() && st->purged.back().category >= g.category())) {
        return Damaged(absl::StrCat(where(), ".purged holds an impossible purge"));
      }
      st->purged.push_back(RetentionPurge{g.category(), g.day(),
                                          static_cast<uint8_t>(g.end_action()), g.revision()});
    }
    // The retention schedule is derived, never stored: rebuilt as the builder builds it.
    if ((FactsOf(st.get()) & kFactRetention) != 0) {
      BuildRetentionSchedule(*t.c, r.birth_days, !r.teams.empty(), *st, &st->retention_schedule);
    }
    // Persons without privacy state keep a null pointer, as the builder leaves them.
    if (!st->empty()) r.state = std::move(st);
    r.facts = FactsOf(r.state.get());
  }

  for (size_t team = 0; team < teams; ++team) {
    if (team_persons[team].empty() && team_professionals[team].empty()) continue;
    TeamRecord& r = out.teams.Mutable(team, batch);
    if (!team_persons[team].empty()) {
      r.members = std::make_shared<TeamMembers>();
      r.members->persons = std::move(team_persons[team]);  // ascending: persons come in id order
      SortUnique(r.members->persons);
    }
    if (!team_professionals[team].empty()) {
      r.professionals = std::make_shared<TeamMembers>();
      r.professionals->persons = std::move(team_professionals[team]);
      SortUnique(r.professionals->persons);
    }
  }
  SOCLE_RETURN_IF_ERROR(DecodeRightsAndBreaches(in, ids, batch, out));
  for (const v1::SnapshotTombstone& in_t : in.tombstones()) {
    Tombstone tomb;
    tomb.person = in_t.person();
    if (!InRange(tomb.person, out.persons.size()) || !out.persons[tomb.person].known ||
        !InRange(in_t.recorded_by(), professionals)) {
      return Damaged("tombstones names a person or a professional out of range");
    }
    for (uint32_t c : in_t.categories()) {
      if (!InRange(c, t.categories) || (!tomb.categories.empty() && tomb.categories.back() >= c)) {
        return Damaged("tombstones holds an impossible category");
      }
      tomb.categories.push_back(c);
    }
    tomb.day = in_t.day();
    tomb.at = in_t.at();
    tomb.request = in_t.request();
    tomb.recorded_by = in_t.recorded_by();
    tomb.revision = in_t.revision();
    const size_t n = out.tombstones.size();
    out.tombstones.Resize(n + 1, batch);
    out.tombstones.Mutable(n, batch) = std::move(tomb);
  }
  SOCLE_RETURN_IF_ERROR(DecodeSweeps(in, t, out));
  SOCLE_RETURN_IF_ERROR(DecodePrivacy(in, out));
  SOCLE_RETURN_IF_ERROR(DecodeGovernance(in, out));
  for (size_t pro = 0; pro < professionals; ++pro) {
    if (referent_of[pro].empty() && granted[pro].empty()) continue;
    auto extra = std::make_shared<ProfessionalExtra>();
    extra->referent_of = std::move(referent_of[pro]);
    extra->granted = std::move(granted[pro]);
    SortUnique(extra->referent_of);
    SortUnique(extra->granted);
    out.professionals.Mutable(pro, batch).extra = std::move(extra);
  }
  return std::optional<State>(std::move(out));
}

}  // namespace socle::access_internal
