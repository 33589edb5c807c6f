#include "report/fixture.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace socle::report_test {

google::protobuf::Timestamp Utc(int year, int month, int day, int hour, int minute) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), absl::UTCTimeZone())));
  return t;
}

std::vector<std::string> Serialise(const std::vector<v1::AccessRequestRecord>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const v1::AccessRequestRecord& r : records) out.push_back(r.SerializeAsString());
  return out;
}

std::vector<v1::AccessRequestRecord> FixtureRecords(bool hostile) {
  const auto h = [hostile](std::string s) { return hostile ? s + kHostile : s; };
  std::vector<v1::AccessRequestRecord> records;

  {  // The context: controller, DPO, labels.
    v1::ReportContext& c = *records.emplace_back().mutable_context();
    c.mutable_controller()->set_name(h("CCAS de Villeneuve"));
    c.mutable_controller()->set_address(h("1 place de la Mairie, 33000 Villeneuve"));
    c.mutable_controller()->set_contact(h("accueil@ccas-villeneuve.example"));
    c.mutable_dpo()->set_name(h("Claire Martin"));
    c.mutable_dpo()->set_contact(h("dpo@ccas-villeneuve.example"));
    *c.mutable_issued_at() = Utc(2026, 12, 3, 13, 5);  // 14 h 05 in Paris
    const auto category = [&](const char* id, const char* label) {
      v1::DataCategory& d = *c.add_categories();
      d.set_id(id);
      d.set_label(h(label));
    };
    category("ressources", "Ressources et prestations");
    category("logement", "Logement");
    category("sante", "Santé");
    const auto label = [&](auto* list, const char* id, const char* text) {
      v1::ReportContext::Label& l = *list->Add();
      l.set_id(id);
      l.set_label(h(text));
    };
    label(c.mutable_roles(), "assistant_social", "Assistant(e) de service social");
    label(c.mutable_roles(), "medecin", "Médecin");
    label(c.mutable_names(), "pro-durand", "Sophie Durand");
    label(c.mutable_names(), "pro-caf", "Marc Bernard (CAF de la Gironde)");
    label(c.mutable_names(), "pro-lefebvre", "Paul Lefebvre");
    label(c.mutable_names(), "pro-urgence", "Nadia Haddad");
    label(c.mutable_names(), "P-2001", "Jeanne Moreau");
    c.set_time_zone("Europe/Paris");
  }
  {  // Identity.
    v1::Identity& i = *records.emplace_back().mutable_identity();
    i.set_person("P-1042");
    i.set_family_name(h("Lambert"));
    i.set_given_names(h("Camille Andrée"));
    i.set_birth_date("1984-03-01");
    i.set_birth_place(h("Bordeaux"));
    i.set_address(h("12 rue des Lilas"));
    i.set_postcode(h("33000"));
    i.set_commune(h("Villeneuve"));
    i.set_phone(h("01 99 00 12 34"));
    i.set_email(h("camille.lambert@example.org"));
  }
  {  // One activity.
    v1::ActivityNotice& a = *records.emplace_back().mutable_activity();
    a.set_activity("accompagnement_rsa");
    a.set_name(h("Accompagnement social des bénéficiaires du RSA"));
    a.set_purpose(h("Vous aider dans vos démarches d’insertion"));
    a.set_legal_basis(v1::PUBLIC_TASK);
    a.set_legal_basis_reference(h("CASF L.262-27"));
    v1::Recipient& r = *a.add_recipients();
    r.set_name(h("CAF de la Gironde"));
    r.set_kind(v1::Recipient::PARTNER);
    r.set_legal_basis(h("CASF L.262-40"));
    v1::RetentionRule& kept = *a.add_retention();
    kept.set_data_category("ressources");
    kept.set_start(v1::RetentionRule::LAST_CONTACT_FROM_PERSON);
    kept.set_active_months(24);
    kept.set_intermediate_months(60);
    kept.set_end_action(v1::RetentionRule::DELETE);
    kept.set_source(h("CNIL délib. 2023-095"));
    v1::RetentionRule& health = *a.add_retention();
    health.set_data_category("sante");
    health.set_start(v1::RetentionRule::CASE_CLOSURE);
    health.set_active_months(30);
    health.set_end_action(v1::RetentionRule::ANONYMISE);
  }
  {  // A fact, with a field.
    v1::Entry& e = *records.emplace_back().mutable_entry();
    e.set_id("E-1");
    e.set_person("P-1042");
    e.set_category("ressources");
    e.set_kind(v1::FACT);
    e.set_author("pro-durand");
    *e.mutable_created_at() = Utc(2026, 3, 15, 9, 0);
    e.set_purpose("accompagnement_rsa");
    e.set_provided_by_person(true);
    e.set_title(h("Ouverture du droit au RSA"));
    e.set_text(h("Droit ouvert en mars.\nPremier versement en avril."));
    v1::Entry::Field& f = *e.add_fields();
    f.set_name(h("Montant mensuel"));
    f.set_value(h("607,75 €"));
  }
  {  // An appreciation.
    v1::Entry& e = *records.emplace_back().mutable_entry();
    e.set_id("E-2");
    e.set_category("logement");
    e.set_kind(v1::PROFESSIONAL_APPRECIATION);
    e.set_author("pro-durand");
    *e.mutable_created_at() = Utc(2026, 7, 14, 10, 0);  // 12 h 00 in Paris (summer time)
    e.set_purpose("accompagnement_rsa");
    e.set_title(h("Bilan logement"));
    e.set_text(h("Situation stabilisée depuis le relogement."));
  }
  {  // A working note: never part of the file, never shown.
    v1::Entry& e = *records.emplace_back().mutable_entry();
    e.set_id("E-3");
    e.set_category("logement");
    e.set_kind(v1::WORKING_NOTE);
    e.set_author("pro-durand");
    e.set_title("NOTE-DE-TRAVAIL");
    e.set_text("Brouillon personnel de l'auteur.");
  }
  {  // A withheld entry.
    v1::WithheldEntry& w = *records.emplace_back().mutable_withheld();
    w.set_id("E-4");
    w.set_category("logement");
    *w.mutable_created_at() = Utc(2026, 6, 1, 8, 0);
    w.set_reason("third_party_information");
  }
  {  // The summary.
    v1::PersonSummary& s = *records.emplace_back().mutable_summary();
    s.set_format_version(1);
    s.set_person("P-1042");
    *s.mutable_at() = Utc(2026, 12, 3, 13, 5);
    s.set_referent("pro-durand");
    s.add_teams(h("equipe-rsa"));
    v1::PersonSummary::Consent& c = *s.add_consents();
    c.set_purpose("accompagnement_rsa");
    c.set_scope(v1::ConsentGiven::SHARING);
    c.add_given_by("P-1042");
    c.set_channel(v1::PAPER);
    *c.mutable_given_at() = Utc(2026, 2, 10, 9, 30);
    c.set_state(v1::PersonSummary::Consent::VALID);
    v1::PersonSummary::Consent& w = *s.add_consents();
    w.set_purpose(h("ateliers_collectifs"));
    w.set_scope(v1::ConsentGiven::PROCESSING);
    w.add_given_by("P-1042");
    *w.mutable_given_at() = Utc(2025, 9, 1, 8, 0);
    *w.mutable_ended_at() = Utc(2026, 1, 5, 15, 45);
    w.set_state(v1::PersonSummary::Consent::WITHDRAWN);
    w.set_withdrawn_by("P-1042");
    v1::PersonSummary::Objection& o = *s.add_objections();
    o.set_kind(v1::ObjectionRecorded::PROCESSING);
    o.set_purpose(h("statistiques"));
    o.set_objected_by("P-1042");
    *o.mutable_recorded_at() = Utc(2026, 4, 2, 12, 0);
    o.set_outcome(v1::PersonSummary::Objection::UPHELD);
    *o.mutable_decided_at() = Utc(2026, 4, 20, 12, 0);
    o.set_justification(h("Situation particulière reconnue"));
    v1::PersonSummary::Representative& r = *s.add_representatives();
    r.set_representative("P-2001");
    r.set_kind(v1::RepresentativeSet::CURATORSHIP);
    r.set_from_date("2025-01-15");
    r.set_in_force(true);
    v1::PersonSummary::Mandate& m = *s.add_mandates();
    m.set_mandate("M-1");
    m.set_structure(h("France Services Villeneuve"));
    m.set_aidant("pro-lefebvre");
    *m.mutable_created_at() = Utc(2026, 5, 2, 9, 0);
    *m.mutable_expires_at() = Utc(2027, 5, 2, 9, 0);
    m.set_state(v1::PersonSummary::Mandate::ACTIVE);
    v1::PersonSummary::Mandate::Procedure& p = *m.add_procedures();
    p.set_procedure(h("Logement"));
    p.set_state(v1::PersonSummary::Mandate::ACTIVE);
    p.set_uses(3);
    v1::PersonSummary::Share& sh = *s.add_shares();
    sh.set_share("S-1");
    sh.set_emitter("pro-durand");
    sh.set_recipient("pro-caf");
    sh.set_basis(v1::CSP_L1110_4_III_CONSENT);
    sh.set_purpose("accompagnement_rsa");
    sh.add_categories("ressources");
    *sh.mutable_at() = Utc(2026, 5, 4, 8, 30);
    sh.set_active(true);
    v1::PersonSummary::AccessHolder& a = *s.add_access();
    a.set_professional("pro-durand");
    a.set_role("assistant_social");
    a.set_structure(h("CCAS de Villeneuve"));
    a.set_basis(v1::PersonSummary::AccessHolder::REFERENT);
  }
  // The history, in the trail's order.
  const auto history = [&](int minute_of_april) -> v1::HistoryRecord& {
    v1::HistoryRecord& r = *records.emplace_back().mutable_history();
    r.set_index(static_cast<uint64_t>(records.size()));
    *r.mutable_time() = Utc(2026, 4, 1, 7, 30 + minute_of_april);  // 9 h 30 in Paris
    r.set_type(1);                                                 // ACCESS_DECISION
    r.set_readable(true);
    return r;
  };
  {
    v1::HistoryRecord& r = history(0);
    r.set_actor("pro-durand");
    r.set_role("assistant_social");
    r.set_structure(h("CCAS de Villeneuve"));
    r.set_action(1);
    r.set_category("ressources");
    r.set_purpose("accompagnement_rsa");
    r.set_allowed(true);
    r.set_reason("allowed");
  }
  {
    v1::HistoryRecord& r = history(1);
    r.set_actor(h("pro-inconnu"));
    r.set_role("medecin");
    r.set_structure(h("Centre médico-social"));
    r.set_action(1);
    r.set_category("sante");
    r.set_allowed(false);
    r.set_reason("not_assigned");
  }
  {
    v1::HistoryRecord& r = history(2);
    r.set_actor("pro-urgence");
    r.set_role("medecin");
    r.set_structure(h("SAMU social"));
    r.set_action(1);
    r.set_allowed(true);
    r.set_reason("allowed_break_glass");
    r.set_break_glass(true);
    r.set_justification(h("Personne retrouvée inconsciente"));
  }
  {
    v1::HistoryRecord& r = history(3);
    r.set_type(5);  // SHARING_DECISION
    r.set_actor("pro-durand");
    r.set_role("assistant_social");
    r.set_structure(h("CCAS de Villeneuve"));
    r.set_action(6);
    r.set_allowed(true);
    r.set_sharing_recipient("pro-caf");
    r.set_sharing_basis("CSP_L1110_4_III_CONSENT");
  }
  {
    v1::HistoryRecord& r = history(4);
    r.set_type(2);  // OPERATION
    r.set_actor("pro-durand");
    r.set_role("assistant_social");
    r.set_structure(h("CCAS de Villeneuve"));
    r.set_allowed(true);
    r.set_operation(h("export"));
    r.set_detail(h("Réponse à la demande d’accès"));
  }
  {
    v1::HistoryRecord& r = history(5);
    r.set_readable(false);
  }
  {
    v1::CheckpointRecord& c = *records.emplace_back().mutable_checkpoint();
    c.set_size(42);
    c.set_verifier_key(h("socle-trail+1a2b3c4d+AXyz"));
  }
  return records;
}

}  // namespace socle::report_test
