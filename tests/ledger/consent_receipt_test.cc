// Consent receipts and consent proofs (socle/consent_receipt.hpp; REQ-05): consent events written
// straight into a state ledger (StateLedger::AppendEvents, which does not fold), receipts issued
// from them (ISO/IEC TS 27560 in DPV JSON-LD, signed as a C2SP note with the receipts key,
// carrying the inclusion proof and the checkpoint), verified, parsed back by another system,
// refused after any changed byte; the history and proof of one (person, purpose); and a stored
// consent that cannot be updated unnoticed.
#include <boost/test/unit_test.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "crypto/crypto.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/note.h"
#include "ledger_fixture.h"
#include "socle/consent_receipt.hpp"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/v1/events.pb.h"

namespace socle::ledger_testing {
namespace {

// The example CCAS policy and one activity that rests on consent (art. 6(1)(a), with health data:
// art. 9(2)(a)).
constexpr absl::string_view kConsentActivity = R"pb(
activities {
  id: "atelier_numerique"
  name: "Ateliers d'inclusion numérique"
  purpose: "Accompagner la personne dans ses démarches en ligne lors d'ateliers, à sa demande"
  purpose_kind: ADMINISTRATION
  legal_basis: CONSENT
  special_category_conditions: EXPLICIT_CONSENT
  data_categories: ["administrative", "health"]
  person_categories: ["personne_accompagnee"]
  recipients { name: "Animateurs numériques du CCAS" kind: INTERNAL }
  retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "Consentement (RGPD art. 6(1)(a))" }
  retention { data_category: "health" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "Consentement explicite (RGPD art. 9(2)(a))" }
  security_measures: "Habilitations par profil"
}
)pb";

constexpr absl::string_view kInformationText =
    "Ateliers numériques : vos données servent à vous aider dans vos démarches en ligne.";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Policy ConsentPolicy() {
  const std::string text =
      ReadFile(SOCLE_ACCESS_TEST_DIR "/../../examples/policies/ccas.textproto");
  BOOST_REQUIRE(!text.empty());
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::Load(absl::StrCat(text, kConsentActivity), &diagnostics);
  std::string problems;
  for (const Diagnostic& d : diagnostics) problems += "\n" + d.ToString("policy");
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().message() << problems);
  return *std::move(policy);
}

void SetAt(v1::StateEvent& event, int64_t seconds) {
  event.set_format_version(1);
  event.mutable_at()->set_seconds(seconds);
}

constexpr int64_t kT0 = 1780000000;  // 2026-05-28T20:26:40Z

std::string Sha256Of(absl::string_view text) {
  const crypto::Hash256 h = crypto::Sha256(absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return std::string(h.begin(), h.end());
}

v1::StateEvent PersonUpserted(absl::string_view id, int64_t at) {
  v1::StateEvent e;
  SetAt(e, at);
  e.mutable_person_upserted()->set_id(std::string(id));
  e.mutable_person_upserted()->add_teams("t1");
  return e;
}

v1::StateEvent Given(absl::string_view person, absl::string_view purpose,
                     v1::ConsentGiven::Scope scope, int64_t at) {
  v1::StateEvent e;
  SetAt(e, at);
  e.set_recorded_by("ass-dupont");
  v1::ConsentGiven* g = e.mutable_consent_given();
  g->set_person(std::string(person));
  g->set_purpose(std::string(purpose));
  g->set_scope(scope);
  g->add_given_by(std::string(person));
  g->set_information_version("atelier-2026-05");
  g->set_information_sha256(Sha256Of(kInformationText));
  g->set_channel(v1::PAPER);
  g->set_evidence_reference("FORM-2026-0042");
  return e;
}

v1::StateEvent Withdrawn(absl::string_view person, absl::string_view purpose,
                         v1::ConsentGiven::Scope scope, int64_t at) {
  v1::StateEvent e;
  SetAt(e, at);
  e.set_recorded_by("ass-dupont");
  v1::ConsentWithdrawn* w = e.mutable_consent_withdrawn();
  w->set_person(std::string(person));
  w->set_purpose(std::string(purpose));
  w->set_scope(scope);
  w->set_withdrawn_by(std::string(person));
  w->set_channel(v1::PAPER);
  return e;
}

// Entry indexes of the fixture's state ledger.
constexpr uint64_t kGrant = 1;          // x1 consents to atelier_numerique (PROCESSING)
constexpr uint64_t kOtherGrant = 2;     // x2 consents to the same purpose
constexpr uint64_t kShareGrant = 3;     // x1 consents to sharing (accompagnement_social)
constexpr uint64_t kWithdrawal = 4;     // x1 withdraws the grant of entry 1
constexpr uint64_t kNotConsent = 5;     // a directory event

struct ReceiptFixture : LedgerFixture {
  Policy policy = ConsentPolicy();
  std::shared_ptr<StateLedger> state;

  ReceiptFixture() {
    auto ledger = TryOpen(Options(), "state");
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    state = std::make_shared<StateLedger>(std::shared_ptr<Ledger>(std::move(*ledger)));
    std::vector<v1::StateEvent> events;
    events.push_back(PersonUpserted("x1", kT0));
    events.push_back(Given("x1", "atelier_numerique", v1::ConsentGiven::PROCESSING, kT0 + 60));
    events.push_back(Given("x2", "atelier_numerique", v1::ConsentGiven::PROCESSING, kT0 + 120));
    v1::StateEvent share = Given("x1", "accompagnement_social", v1::ConsentGiven::SHARING,
                                 kT0 + 180);
    share.mutable_consent_given()->add_recipients("inf-martin");
    share.mutable_consent_given()->add_recipient_roles("ass");
    share.mutable_consent_given()->set_supports("Dossier social partagé");
    share.mutable_consent_given()->set_security_measures("Accès nominatif, tracé");
    share.mutable_consent_given()->set_notice_language("en-GB");
    share.mutable_consent_given()->mutable_expires_at()->set_seconds(kT0 + 86400 * 365);
    events.push_back(share);
    events.push_back(
        Withdrawn("x1", "atelier_numerique", v1::ConsentGiven::PROCESSING, kT0 + 86400));
    events.push_back(PersonUpserted("x2", kT0 + 86400 + 60));
    Append(events);
  }

  void Append(const std::vector<v1::StateEvent>& events) {
    std::vector<std::string> bytes;
    for (const auto& e : events) bytes.push_back(e.SerializeAsString());
    auto count = state->EventCount();
    BOOST_REQUIRE(count.ok());
    const absl::Status appended = state->AppendEvents(*count + 1, bytes);
    BOOST_REQUIRE_MESSAGE(appended.ok(), appended.ToString());
  }

  std::string Issue(uint64_t index) {
    auto receipt = IssueConsentReceipt(*state, policy, index);
    BOOST_REQUIRE_MESSAGE(receipt.ok(), receipt.status().ToString());
    return *std::move(receipt);
  }
  std::string ReceiptsKey() {
    auto key = ConsentReceiptVerifierKey(state->ledger());
    BOOST_REQUIRE_MESSAGE(key.ok(), key.status().ToString());
    return *key;
  }
  absl::StatusOr<ConsentReceipt> Verify(absl::string_view receipt) {
    return VerifyConsentReceipt(receipt, ReceiptsKey(), state->ledger().verifier_key());
  }
  ConsentReceipt MustVerify(absl::string_view receipt) {
    auto verified = Verify(receipt);
    BOOST_REQUIRE_MESSAGE(verified.ok(), verified.status().ToString());
    return *std::move(verified);
  }
};

// The text of a signed note (up to its blank line).
std::string NoteText(absl::string_view note) {
  const size_t blank = note.find("\n\n");
  BOOST_REQUIRE(blank != absl::string_view::npos);
  return std::string(note.substr(0, blank + 1));
}

BOOST_AUTO_TEST_SUITE(consent_receipt)

BOOST_FIXTURE_TEST_CASE(a_grant_yields_a_signed_json_ld_receipt_with_its_proof, ReceiptFixture) {
  const std::string receipt = Issue(kGrant);
  // The same event and checkpoint give the same bytes.
  BOOST_TEST(Issue(kGrant) == receipt);
  if (const char* path = std::getenv("SOCLE_CONSENT_RECEIPT_EXAMPLE"); path != nullptr) {
    std::ofstream(path, std::ios::binary) << receipt;
  }

  // Valid JSON, a DPV consent receipt holding a 27560 consent record.
  const std::string text = NoteText(receipt);
  google::protobuf::Struct doc;
  BOOST_REQUIRE(google::protobuf::util::JsonStringToMessage(text, &doc).ok());
  BOOST_TEST(doc.fields().at("@type").string_value() == "dpv:ConsentReceipt");
  BOOST_TEST(doc.fields().at("dct:conformsTo").struct_value().fields().at("@id").string_value() ==
             "https://w3id.org/dpv/schema/dpv-27560#receipt-record");
  const auto& record = doc.fields().at("dpv:hasRecordOfActivity").struct_value().fields();
  BOOST_TEST(record.at("@type").string_value() == "dpv:ConsentRecord");
  BOOST_TEST(record.at("dpv:hasDataSubject").struct_value().fields().at("dct:identifier")
                 .string_value() == "x1");
  BOOST_TEST(record.at("dpv:hasConsentStatus").struct_value().fields().at("@type")
                 .string_value() == "dpv:ConsentGiven");
  BOOST_TEST(absl::StrContains(text, "\"dpv:isIndicatedAtTime\": \"2026-05-28T20:27:40Z\""));

  // Signed with the receipts key, which is not the checkpoint key.
  const std::string receipts_key = ReceiptsKey();
  BOOST_TEST(receipts_key != state->ledger().verifier_key());
  BOOST_TEST(absl::StartsWith(receipts_key, state->ledger().origin() + "/consent-receipts+"));
  BOOST_TEST(absl::StrContains(receipt, "\n\n\u2014 " + state->ledger().origin() +
                                            "/consent-receipts "));

  const ConsentReceipt r = MustVerify(receipt);
  BOOST_TEST(r.verified);
  BOOST_TEST(r.json == text);
  BOOST_TEST(r.controller_name == "CCAS de Villeneuve-sur-Garance");
  BOOST_TEST(r.controller_siren == "264702184");
  BOOST_TEST(r.controller_contact == "ccas@villeneuve-sur-garance.example");
  BOOST_TEST(r.purpose_name == "Ateliers d'inclusion numérique");
  BOOST_TEST((r.legal_bases == std::vector<std::string>{"eu-gdpr:A6-1-a", "eu-gdpr:A9-2-a"}));
  BOOST_TEST(r.event.index == kGrant);
  BOOST_TEST((r.event.status == ConsentStatus::kGiven));
  BOOST_TEST((r.event.scope == ConsentScope::kProcessing));
  BOOST_TEST(r.event.person == "x1");
  BOOST_TEST(r.event.purpose == "atelier_numerique");
  BOOST_TEST(r.event.time == absl::FromUnixSeconds(kT0 + 60));
  BOOST_TEST((r.event.given_by == std::vector<std::string>{"x1"}));
  BOOST_TEST(r.event.information_version == "atelier-2026-05");
  BOOST_TEST(r.event.information_sha256 == Sha256Of(kInformationText));
  // ISO/IEC TS 27560's notice language: the event names none, so French.
  BOOST_TEST(r.event.notice_language == "fr");
  const auto& notice = record.at("dpv:hasNotice").struct_value().fields();
  BOOST_TEST(notice.at("dct:language").string_value() == "fr");
  BOOST_TEST(r.event.channel == "PAPER");
  BOOST_TEST(r.event.evidence_reference == "FORM-2026-0042");
  BOOST_TEST(r.event.recorded_by == "ass-dupont");
  BOOST_TEST(!r.event.expires_at.has_value());
  BOOST_TEST(r.proof.index == kGrant);
  BOOST_TEST(r.proof.tree_size == 6u);
  BOOST_TEST(r.origin == state->ledger().origin());
  // The entry it carries is the state ledger's, byte for byte.
  auto stored = state->ledger().ReadEntries(kGrant, 1);
  BOOST_REQUIRE(stored.ok() && stored->size() == 1u);
  BOOST_TEST(r.entry == (*stored)[0].bytes);
  BOOST_TEST((r.proof.leaf_hash == (*stored)[0].leaf_hash));
}

BOOST_FIXTURE_TEST_CASE(the_document_is_json_for_python_too, ReceiptFixture) {
  // An independent JSON parser (Python's) reads the document as written.
  const std::string path = dir.File("receipt.json");
  std::ofstream(path, std::ios::binary) << NoteText(Issue(kShareGrant));
  const std::string command = absl::StrCat(
      "/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding=\"utf-8\")); "
      "r=d[\"dpv:hasRecordOfActivity\"]; "
      "assert r[\"dpv:hasConsentStatus\"][\"socle:scope\"] == \"SHARING\"; "
      "assert d[\"socle:proof\"][\"socle:index\"] == 3' ",
      path);
  if (std::system("/usr/bin/python3 -c 'pass' 2>/dev/null") != 0) {
    BOOST_TEST_MESSAGE("no python3: skipped the second parser");
    return;
  }
  BOOST_TEST(std::system(command.c_str()) == 0);
}

// A third party checks receipts without socle: tests/ledger/verify_consent_receipt.py (hashlib,
// json and PyNaCl, from the published formats) accepts socle's and refuses altered ones.
BOOST_FIXTURE_TEST_CASE(an_independent_verifier_accepts_the_receipts, ReceiptFixture) {
  const std::string script = SOCLE_ACCESS_TEST_DIR "/../ledger/verify_consent_receipt.py";
  const auto run = [&](const std::string& receipt, const std::string& receipts_key) {
    const std::string path = dir.File("receipt.txt");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << receipt;
    const std::string command =
        absl::StrCat("/usr/bin/python3 ", script, " '", receipts_key, "' '",
                     state->ledger().verifier_key(), "' ", path, " >/dev/null");
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const std::string receipts_key = ReceiptsKey();
  const int first = run(Issue(kGrant), receipts_key);
  if (first == 77) {
    BOOST_TEST_MESSAGE("no python3-nacl: skipped the independent verifier");
    return;
  }
  BOOST_TEST(first == 0);
  BOOST_TEST(run(Issue(kShareGrant), receipts_key) == 0);
  BOOST_TEST(run(Issue(kWithdrawal), receipts_key) == 0);
  // Refused: a changed byte; another key; and, signed by a key of the right name, a document
  // whose path does not lead to the checkpoint or that misstates its entry's person.
  std::string changed = Issue(kGrant);
  changed[changed.find("FORM-2026-0042") + 5] = '3';
  BOOST_TEST(run(changed, receipts_key) == 1);
  BOOST_TEST(run(Issue(kGrant), state->ledger().verifier_key()) == 1);
  auto impostor = ledger::NoteSigner::Generate(ConsentReceiptKeyName(state->ledger().origin()));
  BOOST_REQUIRE(impostor.ok());
  const std::string text = NoteText(Issue(kGrant));
  auto honest = ledger::SignNote(text, *impostor);
  BOOST_REQUIRE(honest.ok());
  BOOST_TEST(run(*honest, impostor->VerifierKey()) == 0);  // the check is not vacuous
  auto parsed = ParseConsentReceipt(*honest);
  BOOST_REQUIRE(parsed.ok() && !parsed->proof.hashes.empty());
  const std::string first_hash = crypto::Base64Encode(parsed->proof.hashes[0]);
  std::string other_hash = first_hash;
  other_hash[0] = other_hash[0] == 'A' ? 'B' : 'A';
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {first_hash, other_hash},
           {"\"dct:identifier\": \"x1\"", "\"dct:identifier\": \"x9\""},
           {"\"dct:language\": \"fr\"", "\"dct:language\": \"de\""}}) {
    auto forged = ledger::SignNote(absl::StrReplaceAll(text, {{from, to}}), *impostor);
    BOOST_REQUIRE(forged.ok());
    BOOST_TEST(run(*forged, impostor->VerifierKey()) == 1, from);
  }
}

BOOST_FIXTURE_TEST_CASE(a_sharing_consent_names_its_basis_and_recipients, ReceiptFixture) {
  const std::string receipt = Issue(kShareGrant);
  const ConsentReceipt r = MustVerify(receipt);
  BOOST_TEST((r.event.scope == ConsentScope::kSharing));
  BOOST_TEST((r.legal_bases == std::vector<std::string>{"CSP L.1110-4 III"}));
  BOOST_TEST((r.event.recipients == std::vector<std::string>{"inf-martin"}));
  BOOST_TEST((r.event.recipient_roles == std::vector<std::string>{"ass"}));
  BOOST_TEST(r.event.notice_language == "en-GB");
  BOOST_TEST(absl::StrContains(r.json, "\"dct:language\": \"en-GB\""));
  BOOST_TEST((r.event.expires_at == absl::FromUnixSeconds(kT0 + 86400 * 365)));
  const std::string text = r.json;
  BOOST_TEST(absl::StrContains(text, "\"dpv:hasRecipient\""));
  BOOST_TEST(absl::StrContains(text, "\"Assistant(e) de service social\""));
  BOOST_TEST(absl::StrContains(text, "\"dpv:UntilTimeDuration\""));
  BOOST_TEST(absl::StrContains(text, "\"rdf:value\": \"2027-05-28T20:26:40Z\""));
}

BOOST_FIXTURE_TEST_CASE(a_withdrawal_names_the_grant_it_ends, ReceiptFixture) {
  const ConsentReceipt given = MustVerify(Issue(kGrant));
  const ConsentReceipt r = MustVerify(Issue(kWithdrawal));
  BOOST_TEST((r.event.status == ConsentStatus::kWithdrawn));
  BOOST_TEST((r.event.withdraws_index == std::optional<uint64_t>(kGrant)));
  BOOST_TEST(r.event.time == absl::FromUnixSeconds(kT0 + 86400));
  BOOST_TEST((r.event.given_by == std::vector<std::string>{"x1"}));
  BOOST_TEST(absl::StrContains(r.json, "\"@type\": \"dpv:ConsentWithdrawn\""));
  BOOST_TEST(absl::StrContains(r.json, "\"@id\": \"urn:uuid:" + given.record_id + "\""));
  BOOST_TEST(r.record_id != given.record_id);
}

BOOST_FIXTURE_TEST_CASE(a_minors_consent_names_the_parent_who_gave_it, ReceiptFixture) {
  v1::StateEvent parent;
  SetAt(parent, kT0 + 90000);
  parent.set_recorded_by("ass-dupont");
  v1::RepresentativeSet* r = parent.mutable_representative_set();
  r->set_person("x3");
  r->set_representative("x4");
  r->set_kind(v1::RepresentativeSet::PARENTAL_AUTHORITY);
  r->set_from_date("2012-03-01");
  v1::StateEvent given =
      Given("x3", "atelier_numerique", v1::ConsentGiven::PROCESSING, kT0 + 90060);
  given.mutable_consent_given()->add_given_by("x4");
  Append({PersonUpserted("x3", kT0 + 89000), PersonUpserted("x4", kT0 + 89000), parent, given});
  const ConsentReceipt receipt = MustVerify(Issue(9));
  BOOST_TEST((receipt.event.given_by == std::vector<std::string>{"x3", "x4"}));
  BOOST_TEST(absl::StrContains(receipt.json, R"("@type": "dpv:ParentOfDataSubject",
          "dct:identifier": "x4",
          "socle:representation": "PARENTAL_AUTHORITY")"));
  BOOST_TEST(absl::StrContains(receipt.json, R"("@type": "dpv:DataSubject",
          "dct:identifier": "x3")"));
}

BOOST_FIXTURE_TEST_CASE(every_changed_byte_fails_verification, ReceiptFixture) {
  const std::string receipt = Issue(kWithdrawal);
  BOOST_REQUIRE(MustVerify(receipt).verified);
  const std::string receipts_key = ReceiptsKey();
  const std::string checkpoint_key = state->ledger().verifier_key();
  for (size_t i = 0; i < receipt.size(); ++i) {
    for (const uint8_t flip : {0x01, 0x20}) {
      std::string changed = receipt;
      changed[i] = static_cast<char>(changed[i] ^ flip);
      const auto verified = VerifyConsentReceipt(changed, receipts_key, checkpoint_key);
      BOOST_TEST_REQUIRE(CodeName(verified.status()) == "VERIFICATION_FAILED",
                         "byte " << i << " ^ " << int{flip});
    }
  }
  for (const size_t size : {size_t{0}, size_t{1}, receipt.size() / 2, receipt.size() - 1}) {
    BOOST_TEST(CodeName(VerifyConsentReceipt(receipt.substr(0, size), receipts_key,
                                             checkpoint_key)
                            .status()) == "VERIFICATION_FAILED");
  }
}

BOOST_FIXTURE_TEST_CASE(keys_that_do_not_belong_together_are_refused, ReceiptFixture) {
  const std::string receipt = Issue(kGrant);
  const std::string checkpoint_key = state->ledger().verifier_key();
  // The checkpoint key is not the receipts key.
  BOOST_TEST(CodeName(VerifyConsentReceipt(receipt, checkpoint_key, checkpoint_key).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(VerifyConsentReceipt(receipt, "not a key", checkpoint_key).status()) ==
             "INVALID_ARGUMENT");
  // A key of the right name that is not the controller's.
  auto impostor = ledger::NoteSigner::Generate(ConsentReceiptKeyName(state->ledger().origin()));
  BOOST_REQUIRE(impostor.ok());
  BOOST_TEST(CodeName(VerifyConsentReceipt(receipt, impostor->VerifierKey(), checkpoint_key)
                          .status()) == "VERIFICATION_FAILED");
}

BOOST_FIXTURE_TEST_CASE(a_document_that_misstates_its_entry_is_refused, ReceiptFixture) {
  const std::string receipt = Issue(kGrant);
  // Someone holding a receipts key rewrites who consented, and signs again: the entry the
  // receipt carries (and its proof) still says x1.
  const std::string forged_text =
      absl::StrReplaceAll(NoteText(receipt), {{"\"dct:identifier\": \"x1\"",
                                               "\"dct:identifier\": \"x9\""}});
  BOOST_REQUIRE(forged_text != NoteText(receipt));
  auto signer = ledger::NoteSigner::Generate(ConsentReceiptKeyName(state->ledger().origin()));
  BOOST_REQUIRE(signer.ok());
  auto forged = ledger::SignNote(forged_text, *signer);
  BOOST_REQUIRE(forged.ok());
  BOOST_TEST(CodeName(VerifyConsentReceipt(*forged, signer->VerifierKey(),
                                           state->ledger().verifier_key())
                          .status()) == "VERIFICATION_FAILED");
  BOOST_TEST(CodeName(ParseConsentReceipt(*forged).status()) == "PARSE");
  // The same for a sharing consent's recipient, and its expiry.
  const std::string share_text = NoteText(Issue(kShareGrant));
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"\"dct:identifier\": \"inf-martin\"", "\"dct:identifier\": \"inf-durand\""},
           {"\"rdf:value\": \"2027-05-28T20:26:40Z\"", "\"rdf:value\": \"2099-05-28T20:26:40Z\""},
           {"\"socle:evidenceReference\": \"FORM-2026-0042\"",
            "\"socle:evidenceReference\": \"FORM-2026-0043\""},
           {"\"dct:language\": \"en-GB\"", "\"dct:language\": \"fr\""}}) {
    const std::string changed = absl::StrReplaceAll(share_text, {{from, to}});
    BOOST_REQUIRE_MESSAGE(changed != share_text, from);
    auto resigned = ledger::SignNote(changed, *signer);
    BOOST_REQUIRE(resigned.ok());
    BOOST_TEST(CodeName(ParseConsentReceipt(*resigned).status()) == "PARSE", from);
    BOOST_TEST(CodeName(VerifyConsentReceipt(*resigned, signer->VerifierKey(),
                                             state->ledger().verifier_key())
                            .status()) == "VERIFICATION_FAILED",
               from);
  }
  // Unchanged but re-signed by that key: the document itself is consistent with its entry.
  auto honest = ledger::SignNote(share_text, *signer);
  BOOST_REQUIRE(honest.ok());
  BOOST_TEST(VerifyConsentReceipt(*honest, signer->VerifierKey(), state->ledger().verifier_key())
                 .ok());
  // Another entry's bytes put in: the leaf hash no longer matches, nor the proof.
  auto other = ParseConsentReceipt(Issue(kOtherGrant));
  BOOST_REQUIRE(other.ok());
  auto mine = ParseConsentReceipt(receipt);
  BOOST_REQUIRE(mine.ok());
  const std::string swapped = absl::StrReplaceAll(
      NoteText(receipt),
      {{crypto::Base64Encode(absl::MakeConstSpan(
            reinterpret_cast<const uint8_t*>(mine->entry.data()), mine->entry.size())),
        crypto::Base64Encode(absl::MakeConstSpan(
            reinterpret_cast<const uint8_t*>(other->entry.data()), other->entry.size()))}});
  auto resigned = ledger::SignNote(swapped, *signer);
  BOOST_REQUIRE(resigned.ok());
  BOOST_TEST(CodeName(VerifyConsentReceipt(*resigned, signer->VerifierKey(),
                                           state->ledger().verifier_key())
                          .status()) == "VERIFICATION_FAILED");
}

BOOST_FIXTURE_TEST_CASE(another_system_parses_the_receipt, ReceiptFixture) {
  const std::string receipt = Issue(kShareGrant);
  auto parsed = ParseConsentReceipt(receipt);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  BOOST_TEST(!parsed->verified);
  const ConsentReceipt verified = MustVerify(receipt);
  BOOST_TEST(parsed->receipt_id == verified.receipt_id);
  BOOST_TEST(parsed->record_id == verified.record_id);
  BOOST_TEST(parsed->event.person == "x1");
  BOOST_TEST(parsed->event.purpose == "accompagnement_social");
  BOOST_TEST(parsed->checkpoint_note == verified.checkpoint_note);
  BOOST_TEST((parsed->proof.hashes == verified.proof.hashes));
  BOOST_TEST(CodeName(ParseConsentReceipt("{}\n").status()) == "PARSE");
  BOOST_TEST(CodeName(ParseConsentReceipt("not json\n\n\u2014 k AAAA\n").status()) == "PARSE");
}

BOOST_FIXTURE_TEST_CASE(only_consent_events_of_known_purposes_get_a_receipt, ReceiptFixture) {
  BOOST_TEST(CodeName(IssueConsentReceipt(*state, policy, kNotConsent).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(IssueConsentReceipt(*state, policy, 99).status()) == "OUT_OF_RANGE");
  Append({Given("x1", "no_such_activity", v1::ConsentGiven::PROCESSING, kT0 + 90000)});
  const auto unknown = IssueConsentReceipt(*state, policy, 6);
  BOOST_TEST(CodeName(unknown.status()) == "NOT_FOUND");
  // Messages never name the person.
  BOOST_TEST(!absl::StrContains(unknown.status().message(), "x1"));
}

BOOST_FIXTURE_TEST_CASE(a_receipt_issued_later_proves_against_a_later_checkpoint,
                        ReceiptFixture) {
  const ConsentReceipt before = MustVerify(Issue(kGrant));
  Append({PersonUpserted("x3", kT0 + 90000)});
  const ConsentReceipt after = MustVerify(Issue(kGrant));
  BOOST_TEST(before.proof.tree_size == 6u);
  BOOST_TEST(after.proof.tree_size == 7u);
  BOOST_TEST(before.record_id == after.record_id);    // the same record
  BOOST_TEST(before.receipt_id != after.receipt_id);  // another receipt of it
}

// --- History and proof per (person, purpose) (REQ-05: getConsentProof) ------------------------

BOOST_FIXTURE_TEST_CASE(the_history_of_a_person_and_purpose_with_proofs, ReceiptFixture) {
  auto proof = ConsentHistory(*state, "x1", "atelier_numerique");
  BOOST_REQUIRE_MESSAGE(proof.ok(), proof.status().ToString());
  BOOST_TEST(proof->person == "x1");
  BOOST_TEST(proof->purpose == "atelier_numerique");
  BOOST_TEST(proof->checkpoint.size == 6u);
  BOOST_REQUIRE(proof->events.size() == 2u);
  const ConsentEventFields& given = proof->events[0].fields;
  // Every field REQ-05 names: subject, purpose, information hash and version, channel, time,
  // acting user or representative, evidence reference.
  BOOST_TEST(given.index == kGrant);
  BOOST_TEST((given.status == ConsentStatus::kGiven));
  BOOST_TEST(given.person == "x1");
  BOOST_TEST(given.purpose == "atelier_numerique");
  BOOST_TEST(given.information_sha256 == Sha256Of(kInformationText));
  BOOST_TEST(given.information_version == "atelier-2026-05");
  BOOST_TEST(given.channel == "PAPER");
  BOOST_TEST(given.time == absl::FromUnixSeconds(kT0 + 60));
  BOOST_TEST((given.given_by == std::vector<std::string>{"x1"}));
  BOOST_TEST(given.recorded_by == "ass-dupont");
  BOOST_TEST(given.evidence_reference == "FORM-2026-0042");
  const ConsentEventFields& withdrawn = proof->events[1].fields;
  BOOST_TEST(withdrawn.index == kWithdrawal);
  BOOST_TEST((withdrawn.status == ConsentStatus::kWithdrawn));
  BOOST_TEST((withdrawn.withdraws_index == std::optional<uint64_t>(kGrant)));
  for (const ConsentProofEvent& e : proof->events) {
    BOOST_TEST(e.proof.index == e.fields.index);
    BOOST_TEST(e.proof.tree_size == proof->checkpoint.size);
  }
  const std::string key = state->ledger().verifier_key();
  const absl::Status verified = VerifyConsentProof(*proof, key);
  BOOST_TEST(verified.ok(), verified.ToString());

  // Each part of the proof is checked.
  ConsentProof changed = *proof;
  changed.events[0].fields.evidence_reference = "FORM-2026-0043";
  BOOST_TEST(CodeName(VerifyConsentProof(changed, key)) == "VERIFICATION_FAILED");
  changed = *proof;
  changed.events[1].proof.hashes[0][0] ^= 1;
  BOOST_TEST(CodeName(VerifyConsentProof(changed, key)) == "VERIFICATION_FAILED");
  changed = *proof;
  changed.events[0].entry[changed.events[0].entry.size() - 1] ^= 1;
  BOOST_TEST(CodeName(VerifyConsentProof(changed, key)) == "VERIFICATION_FAILED");
  changed = *proof;
  changed.checkpoint.root[0] ^= 1;
  BOOST_TEST(CodeName(VerifyConsentProof(changed, key)) == "VERIFICATION_FAILED");
  changed = *proof;
  std::swap(changed.events[0], changed.events[1]);
  BOOST_TEST(CodeName(VerifyConsentProof(changed, key)) == "VERIFICATION_FAILED");

  // Other persons and purposes stay out; an unknown pair has an empty history.
  auto other = ConsentHistory(*state, "x2", "atelier_numerique");
  BOOST_REQUIRE(other.ok());
  BOOST_REQUIRE(other->events.size() == 1u);
  BOOST_TEST(other->events[0].fields.index == kOtherGrant);
  auto none = ConsentHistory(*state, "x1", "domiciliation");
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->events.empty());
}

// --- REQ-05: a stored consent cannot be updated or deleted -------------------------------------

BOOST_FIXTURE_TEST_CASE(a_stored_consent_cannot_be_changed_unnoticed, ReceiptFixture) {
  Ledger& ledger = state->ledger();
  // Through socle: refused and recorded.
  BOOST_TEST(CodeName(ledger.UpdateEntry(kGrant, "admin-3")) == "LOG_TAMPER_ATTEMPT");
  BOOST_TEST(CodeName(ledger.DeleteEntry(kGrant, "admin-3")) == "LOG_TAMPER_ATTEMPT");
  // The refusals are recorded in the ledger (two tamper alerts), and the consent is as it was.
  BOOST_TEST(*ledger.Size() == 8u);
  auto history = ConsentHistory(*state, "x1", "atelier_numerique");
  BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  BOOST_REQUIRE(history->events.size() == 2u);
  BOOST_TEST(history->events[0].fields.evidence_reference == "FORM-2026-0042");
  BOOST_TEST(VerifyConsentProof(*history, ledger.verifier_key()).ok());
  BOOST_TEST(MustVerify(Issue(kGrant)).event.evidence_reference == "FORM-2026-0042");
  // In the database: the append-only triggers refuse the edit.
  Attacker attacker(backend, "state");
  BOOST_TEST(!attacker.Try("UPDATE entries SET time_us = 0 WHERE idx = 1"));
  BOOST_TEST(!attacker.Try("DELETE FROM entries WHERE idx = 1"));
  // Without the triggers: the evidence reference rewritten. Verify names the entry, and no
  // receipt is issued from it.
  attacker.DropTriggers();
  attacker.ReplaceInBody(kGrant, "FORM-2026-0042", "FORM-2026-0043");
  auto report = ledger.Verify();
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(!report->ok);
  BOOST_TEST(report->first_bad_index == kGrant, report->problem);
  BOOST_TEST(CodeName(IssueConsentReceipt(*state, policy, kGrant).status()) == "DATA_LOSS");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger_testing
