// Mandates (REQ-61, REQ-63 to REQ-66; socle/mandate.hpp): creation with its durations, expiry and
// attestation hash, one structure per (person, procedure), use and revocation with immediate
// effect, eligibility of the aidant and of the person, retention after the end, the person's
// involvement, hostile events, and the same mandates and answers after a replay and after a
// snapshot restore.
#include "socle/mandate.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/representation.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/snapshot.pb.h"
#include "test_util.h"

namespace socle {
// For readable failures.
std::ostream& operator<<(std::ostream& out, MandateVerdict verdict) {
  return out << MandateVerdictName(verdict);
}
}  // namespace socle

namespace socle::access_testing {
namespace {

constexpr char kFranceServices[] = "France Services Villeneuve";
constexpr char kCcas[] = "CCAS Villeneuve";

// The workload policy with a volunteer role and a mandates section: two habilitated structures,
// social workers as aidants, the default retention.
std::string MandatePolicyText() {
  return PolicyVariant({}, R"(
roles { id: "volunteer" label: "Bénévole" secrecy: SECRECY_NONE }
mandates {
  procedures { id: "papers" label: "Papiers - Citoyenneté - Élections" }
  procedures { id: "family" label: "Famille - Scolarité" }
  procedures { id: "social" label: "Social - Santé" }
  procedures { id: "work" label: "Travail - Formation" }
  procedures { id: "housing" label: "Logement" }
  procedures { id: "money" label: "Argent - Impôts - Consommation" }
  habilitated_structures: ["France Services Villeneuve", "CCAS Villeneuve"]
  roles: ["social_worker"]
}
)");
}

MandateInvolvement Present() { return {MandateInvolvement::Kind::kPresent, ""}; }

// A service of record on a fake clock (2026-05-28 20:26:40 UTC):
//   aidant1, aidant2: social workers of France Services; ccas1: social worker of the CCAS;
//   benevole1: volunteer of France Services; sec1: secretary of France Services; asso1: social
//   worker of a structure that is not habilitated; loner: social worker of no structure.
//   usager (an adult), ward (under guardian's guardianship since 2020), guardian.
struct Service {
  static constexpr int64_t kStart = 1780000000;

  Service() {
    engine = Open();
    DirectoryData d;
    d.professionals = {
        {"aidant1", "social_worker", {"t1"}, kFranceServices},
        {"aidant2", "social_worker", {"t1"}, kFranceServices},
        {"ccas1", "social_worker", {"t2"}, kCcas},
        {"benevole1", "volunteer", {"t1"}, kFranceServices},
        {"sec1", "secretary", {"t1"}, kFranceServices},
        {"asso1", "social_worker", {"t1"}, "Association Entraide"},
        {"loner", "social_worker", {"t1"}},
    };
    d.persons = {{"usager", {"t1"}, "", "1960-04-02"},
                 {"ward", {"t1"}, "", "1950-06-01"},
                 {"guardian", {}, "", "1975-01-01"}};
    BOOST_REQUIRE(engine->LoadDirectory(d).ok());
    RepresentativeSpec guardianship{"ward",
                                    "guardian",
                                    RepresentativeKind::kGuardianship,
                                    absl::CivilDay(2020, 1, 1),
                                    std::nullopt,
                                    "jugement 2020-12",
                                    "aidant1"};
    BOOST_REQUIRE(SetRepresentative(*engine, guardianship).ok());
  }

  std::unique_ptr<AccessEngine> Open() {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(LoadPolicy(MandatePolicyText()), record, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return *std::move(opened);
  }

  MandateSpec Spec(const std::string& id, std::vector<std::string> procedures,
                   uint32_t days = 31) const {
    MandateSpec spec;
    spec.mandate = id;
    spec.person = "usager";
    spec.structure = kFranceServices;
    spec.procedures = std::move(procedures);
    spec.duration_days = days;
    spec.template_version = "mandat-2026-01";
    spec.aidant = "aidant1";
    spec.involvement = Present();
    return spec;
  }
  absl::StatusOr<CreatedMandate> Create(const MandateSpec& spec) {
    return CreateMandate(*engine, spec);
  }
  absl::StatusOr<uint64_t> Use(const std::string& mandate, const std::string& procedure,
                               const std::string& professional = "aidant2") {
    return UseMandate(*engine, mandate, procedure, professional, Present());
  }
  absl::StatusOr<uint64_t> Revoke(const std::string& mandate, std::vector<std::string> procedures,
                                  bool by_person = true,
                                  const std::string& recorded_by = "aidant1") {
    return RevokeMandate(*engine, mandate, procedures, by_person, recorded_by);
  }
  MandateVerdict Check(const std::string& mandate, const std::string& procedure,
                       const std::string& professional = "aidant2",
                       const AccessEngine* on = nullptr) {
    auto verdict =
        CheckMandate(*(on ? on : engine.get())->snapshot(), mandate, procedure, professional);
    BOOST_REQUIRE_MESSAGE(verdict.ok(), verdict.status().message());
    return *verdict;
  }
  std::vector<MandateInfo> List(const std::string& person = "usager",
                                const AccessEngine* on = nullptr) {
    auto list = Mandates(*(on ? on : engine.get())->snapshot(), person);
    BOOST_REQUIRE_MESSAGE(list.ok(), list.status().message());
    return *list;
  }
  // The recorded events, parsed, in order.
  std::vector<v1::StateEvent> Recorded() {
    std::vector<v1::StateEvent> out;
    BOOST_REQUIRE(record
                      ->ReadEvents(1,
                                   [&](uint64_t, absl::string_view bytes) {
                                     BOOST_REQUIRE(out.emplace_back().ParseFromArray(
                                         bytes.data(), static_cast<int>(bytes.size())));
                                     return absl::OkStatus();
                                   })
                      .ok());
    return out;
  }

  FakeClock clock{absl::FromUnixSeconds(kStart)};
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
};

std::string Message(const absl::Status& status) { return std::string(status.message()); }

const MandateProcedureInfo* ProcedureOf(const MandateInfo& m, const std::string& procedure) {
  for (const MandateProcedureInfo& p : m.procedures) {
    if (p.procedure == procedure) return &p;
  }
  return nullptr;
}

// The documented encoding, written out independently of the engine's.
std::array<uint8_t, 32> ExpectedHash(const std::string& aidant, const std::string& person,
                                     const std::string& structure,
                                     std::vector<std::string> procedures, absl::Time created,
                                     absl::Time expires, const std::string& template_version) {
  std::string bytes("socle.mandate.attestation.v1");
  bytes.push_back('\0');
  auto u32 = [&](uint32_t v) {
    for (int i = 3; i >= 0; --i) bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto i64 = [&](int64_t v) {
    for (int i = 7; i >= 0; --i) {
      bytes.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
    }
  };
  auto field = [&](const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes += s;
  };
  field(aidant);
  field(person);
  field(structure);
  std::sort(procedures.begin(), procedures.end());
  u32(static_cast<uint32_t>(procedures.size()));
  for (const std::string& p : procedures) field(p);
  i64(absl::ToUnixNanos(created));
  i64(absl::ToUnixNanos(expires));
  field(template_version);
  return crypto::Sha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

BOOST_AUTO_TEST_SUITE(mandate)

// The worked example of docs/consent-and-sharing.md: an aidant of France Services creates a
// 31-day mandate for papers and housing with the person present, a colleague uses it, the person
// revokes housing.
BOOST_FIXTURE_TEST_CASE(worked_example, Service) {
  auto created = Create(Spec("m1", {"papers", "housing"}));
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
  BOOST_TEST((created->expires_at - created->created_at == absl::Hours(24 * 31)));
  BOOST_TEST((created->created_at == clock.Now()));

  clock.Advance(absl::Hours(2));
  BOOST_TEST(Check("m1", "papers") == MandateVerdict::kAllowed);
  BOOST_REQUIRE(Use("m1", "papers").ok());

  clock.Advance(absl::Hours(24));
  BOOST_REQUIRE(Revoke("m1", {"housing"}).ok());
  BOOST_TEST(Check("m1", "housing") == MandateVerdict::kRevoked);
  BOOST_TEST(Check("m1", "papers") == MandateVerdict::kAllowed);

  const std::vector<MandateInfo> list = List();
  BOOST_REQUIRE(list.size() == 1u);
  const MandateInfo& m = list[0];
  BOOST_TEST(m.mandate == "m1");
  BOOST_TEST(m.structure == kFranceServices);
  BOOST_TEST(m.aidant == "aidant1");
  BOOST_TEST(m.duration_days == 31u);
  BOOST_TEST(m.template_version == "mandat-2026-01");
  BOOST_TEST((m.attestation_sha256 == created->attestation_sha256));
  BOOST_TEST((m.state == MandateState::kActive));
  BOOST_REQUIRE(m.procedures.size() == 2u);
  BOOST_TEST(m.procedures[0].procedure == "papers");  // the policy's order
  BOOST_TEST((m.procedures[0].state == MandateState::kActive));
  BOOST_TEST(m.procedures[0].uses == 1u);
  BOOST_TEST((m.procedures[0].last_used_at == created->created_at + absl::Hours(2)));
  BOOST_TEST(m.procedures[1].procedure == "housing");
  BOOST_TEST(MandateStateName(m.procedures[1].state) == std::string("revoked"));
  BOOST_TEST((m.procedures[1].revoked_at == created->created_at + absl::Hours(26)));
  BOOST_TEST(m.procedures[1].revoked_by_person);
  BOOST_TEST((m.ends_at == created->expires_at));  // papers is still in force
}

BOOST_FIXTURE_TEST_CASE(req63_expiry_is_creation_plus_the_days_and_nothing_else_is_accepted,
                        Service) {
  const std::pair<const char*, uint32_t> durations[] = {
      {"papers", 1}, {"family", 31}, {"social", 182}, {"work", 365}};
  for (const auto& [procedure, days] : durations) {
    BOOST_TEST_CONTEXT(days << " days") {
      clock.Advance(absl::Seconds(7));
      const absl::Time now = clock.Now();
      auto created = Create(Spec(absl::StrCat("d", days), {procedure}, days));
      BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
      BOOST_TEST((created->created_at == now));
      BOOST_TEST((created->expires_at == now + absl::Hours(24) * days));
      // In force until the last nanosecond before the expiry, not at it.
      auto before = CheckMandate(*engine->snapshot(), absl::StrCat("d", days), procedure, "aidant2",
                                 created->expires_at - absl::Nanoseconds(1));
      auto at = CheckMandate(*engine->snapshot(), absl::StrCat("d", days), procedure, "aidant2",
                             created->expires_at);
      BOOST_TEST((*before == MandateVerdict::kAllowed));
      BOOST_TEST((*at == MandateVerdict::kExpired));
    }
  }
  const uint64_t revision = engine->revision();
  for (uint32_t days : {366u, 0u, 30u, 2u, 364u, 730u}) {
    BOOST_TEST_CONTEXT(days << " days") {
      auto refused = Create(Spec("bad", {"money"}, days));
      BOOST_TEST(CodeOf(refused.status()) == "OUT_OF_RANGE");
      BOOST_TEST(absl::StrContains(Message(refused.status()), "duration_days"));
    }
  }
  BOOST_TEST(engine->revision() == revision);
}

BOOST_FIXTURE_TEST_CASE(req63_the_attestation_hash_covers_every_term, Service) {
  auto created = Create(Spec("m1", {"housing", "papers"}));
  BOOST_REQUIRE(created.ok());
  const std::array<uint8_t, 32> expected =
      ExpectedHash("aidant1", "usager", kFranceServices, {"papers", "housing"}, created->created_at,
                   created->expires_at, "mandat-2026-01");
  BOOST_TEST((created->attestation_sha256 == expected));
  const std::vector<std::string> procedures = {"papers", "housing"};
  BOOST_TEST((MandateAttestationSha256("aidant1", "usager", kFranceServices, procedures,
                                       created->created_at, created->expires_at,
                                       "mandat-2026-01") == expected));

  // Changing any covered term changes the hash; the order of the procedures does not.
  auto hash = [&](const std::string& aidant, const std::string& person,
                  const std::string& structure, std::vector<std::string> p, absl::Time c,
                  absl::Time e, const std::string& version) {
    return MandateAttestationSha256(aidant, person, structure, p, c, e, version);
  };
  const absl::Time c = created->created_at, e = created->expires_at;
  const std::vector<std::array<uint8_t, 32>> variants = {
      hash("aidant2", "usager", kFranceServices, procedures, c, e, "mandat-2026-01"),
      hash("aidant1", "ward", kFranceServices, procedures, c, e, "mandat-2026-01"),
      hash("aidant1", "usager", kCcas, procedures, c, e, "mandat-2026-01"),
      hash("aidant1", "usager", kFranceServices, {"papers"}, c, e, "mandat-2026-01"),
      hash("aidant1", "usager", kFranceServices, {"papers", "money"}, c, e, "mandat-2026-01"),
      hash("aidant1", "usager", kFranceServices, procedures, c + absl::Nanoseconds(1), e,
           "mandat-2026-01"),
      hash("aidant1", "usager", kFranceServices, procedures, c, e + absl::Hours(24),
           "mandat-2026-01"),
      hash("aidant1", "usager", kFranceServices, procedures, c, e, "mandat-2026-02"),
      // Length prefixes: moving a byte from one field to the next is another encoding.
      hash("aidant1u", "sager", kFranceServices, procedures, c, e, "mandat-2026-01"),
  };
  for (size_t i = 0; i < variants.size(); ++i) {
    BOOST_TEST_CONTEXT("variant " << i) {
      BOOST_TEST((variants[i] != expected));
      for (size_t j = 0; j < i; ++j) BOOST_TEST((variants[i] != variants[j]));
    }
  }
  BOOST_TEST((hash("aidant1", "usager", kFranceServices, {"housing", "papers"}, c, e,
                   "mandat-2026-01") == expected));

  // The engine computes the same for another template version.
  MandateSpec other = Spec("m2", {"money"});
  auto first = Create(other);
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(Revoke("m2", {}).ok());
  other.mandate = "m3";
  other.template_version = "mandat-2026-02";
  auto second = Create(other);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST((second->attestation_sha256 == ExpectedHash("aidant1", "usager", kFranceServices,
                                                         {"money"}, second->created_at,
                                                         second->expires_at, "mandat-2026-02")));
}

BOOST_FIXTURE_TEST_CASE(req63_a_given_attestation_must_match, Service) {
  auto event_with = [&](const std::string& id, const std::string& hash) {
    v1::StateEvent event;
    event.set_format_version(1);
    event.mutable_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    event.set_recorded_by("aidant1");
    event.mutable_involvement()->set_kind(v1::PersonInvolvement::PRESENT);
    v1::MandateCreated* e = event.mutable_mandate_created();
    e->set_mandate(id);
    e->set_person("usager");
    e->set_structure(kFranceServices);
    e->add_procedures("papers");
    e->set_duration_days(1);
    e->set_template_version("mandat-2026-01");
    e->set_attestation_sha256(hash);
    return event.SerializeAsString();
  };
  const std::array<uint8_t, 32> right =
      ExpectedHash("aidant1", "usager", kFranceServices, {"papers"}, clock.Now(),
                   clock.Now() + absl::Hours(24), "mandat-2026-01");
  std::string wrong(right.begin(), right.end());
  wrong[0] = static_cast<char>(wrong[0] ^ 1);
  const uint64_t revision = engine->revision();
  BOOST_TEST(CodeOf(engine->ApplyEvent(event_with("m1", wrong)).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(engine->ApplyEvent(event_with("m1", wrong.substr(0, 31))).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(engine->revision() == revision);
  BOOST_TEST(engine->ApplyEvent(event_with("m1", std::string(right.begin(), right.end()))).ok());
  BOOST_TEST((List()[0].attestation_sha256 == right));
}

BOOST_FIXTURE_TEST_CASE(req64_one_structure_per_person_and_procedure, Service) {
  BOOST_REQUIRE(Create(Spec("fs", {"papers", "housing"})).ok());
  MandateSpec ccas = Spec("ccas", {"papers"});
  ccas.structure = kCcas;
  ccas.aidant = "ccas1";
  auto refused = Create(ccas);
  BOOST_TEST(CodeOf(refused.status()) == "ALREADY_EXISTS");
  BOOST_TEST(absl::StartsWith(Message(refused.status()), "procedure_already_mandated:"));
  // The same structure cannot hold it twice either.
  BOOST_TEST(CodeOf(Create(Spec("fs2", {"papers"})).status()) == "ALREADY_EXISTS");
  // Another procedure is free.
  ccas.procedures = {"money"};
  BOOST_TEST(Create(ccas).ok());
  // After revocation, another structure may be granted it.
  BOOST_REQUIRE(Revoke("fs", {"papers"}).ok());
  ccas.mandate = "ccas2";
  ccas.procedures = {"papers"};
  BOOST_TEST(Create(ccas).ok());
  BOOST_TEST(Check("ccas2", "papers", "ccas1") == MandateVerdict::kAllowed);
  // After expiry too.
  ccas.mandate = "ccas3";
  ccas.procedures = {"housing"};
  BOOST_TEST(CodeOf(Create(ccas).status()) == "ALREADY_EXISTS");
  clock.Advance(absl::Hours(24 * 31));
  BOOST_TEST(Create(ccas).ok());
}

BOOST_FIXTURE_TEST_CASE(req65_revocation_has_immediate_effect, Service) {
  BOOST_REQUIRE(Create(Spec("m1", {"papers", "housing", "money"})).ok());
  clock.Advance(absl::Hours(1));
  const absl::Time revoked_at = clock.Now();
  BOOST_REQUIRE(Revoke("m1", {"papers"}).ok());
  clock.Advance(absl::Seconds(1));
  auto refused = Use("m1", "papers");
  BOOST_TEST(CodeOf(refused.status()) == "PERMISSION_DENIED");
  BOOST_TEST(absl::StrContains(Message(refused.status()), "revoked"));
  BOOST_TEST(Check("m1", "papers") == MandateVerdict::kRevoked);
  BOOST_TEST(Use("m1", "housing").ok());
  // A use dated before the revocation but recorded after it does not reopen it.
  {
    v1::StateEvent late;
    late.set_format_version(1);
    late.mutable_at()->set_seconds(absl::ToUnixSeconds(revoked_at) - 1);
    late.set_recorded_by("aidant2");
    late.mutable_involvement()->set_kind(v1::PersonInvolvement::PRESENT);
    late.mutable_mandate_used()->set_mandate("m1");
    late.mutable_mandate_used()->set_procedure("papers");
    BOOST_TEST(CodeOf(engine->ApplyEvent(late.SerializeAsString()).status()) ==
               "PERMISSION_DENIED");
  }
  // Revoking what is revoked: NOT_FOUND; the structure revokes the rest at the person's request.
  BOOST_TEST(CodeOf(Revoke("m1", {"papers"}).status()) == "NOT_FOUND");
  BOOST_TEST(CodeOf(Revoke("m1", {}, false, "ccas1").status()) == "PERMISSION_DENIED");
  BOOST_REQUIRE(Revoke("m1", {}, false, "aidant2").ok());
  BOOST_TEST(CodeOf(Revoke("m1", {}).status()) == "NOT_FOUND");
  BOOST_TEST(Check("m1", "housing") == MandateVerdict::kRevoked);
  BOOST_TEST(Check("m1", "money") == MandateVerdict::kRevoked);
  const MandateInfo m = List()[0];
  BOOST_TEST((m.state == MandateState::kRevoked));
  BOOST_TEST((m.ends_at == clock.Now()));
  BOOST_TEST(!ProcedureOf(m, "money")->revoked_by_person);
  BOOST_TEST(ProcedureOf(m, "papers")->revoked_by_person);

  // The revocations are in the engine's record, as applied.
  int revocations = 0;
  for (const v1::StateEvent& e : Recorded()) {
    if (!e.has_mandate_revoked()) continue;
    ++revocations;
    BOOST_TEST(e.mandate_revoked().mandate() == "m1");
  }
  BOOST_TEST(revocations == 2);
}

BOOST_FIXTURE_TEST_CASE(req65_an_expired_mandate_is_refused, Service) {
  auto created = Create(Spec("m1", {"papers"}, 1));
  BOOST_REQUIRE(created.ok());
  clock.Set(created->expires_at - absl::Seconds(1));
  BOOST_TEST(Use("m1", "papers").ok());
  clock.Set(created->expires_at);
  auto refused = Use("m1", "papers");
  BOOST_TEST(CodeOf(refused.status()) == "PERMISSION_DENIED");
  BOOST_TEST(absl::StrContains(Message(refused.status()), "expired"));
  BOOST_TEST(Check("m1", "papers") == MandateVerdict::kExpired);
  // What has expired is not revoked: NOT_FOUND.
  BOOST_TEST(CodeOf(Revoke("m1", {}).status()) == "NOT_FOUND");
  const MandateInfo m = List()[0];
  BOOST_TEST((m.state == MandateState::kExpired));
  BOOST_TEST((m.ends_at == created->expires_at));
}

BOOST_FIXTURE_TEST_CASE(req66_only_professionals_of_a_habilitated_structure, Service) {
  const uint64_t revision = engine->revision();
  struct Case {
    const char* name;
    const char* aidant;
    const char* structure;
    const char* says;
  };
  const Case cases[] = {
      {"a volunteer", "benevole1", kFranceServices, "mandates.roles"},
      {"a role not listed", "sec1", kFranceServices, "mandates.roles"},
      {"a structure not habilitated", "asso1", "Association Entraide",
       "mandates.habilitated_structures"},
      {"for another structure than the aidant's", "aidant1", kCcas, "structure"},
      {"an aidant of no structure", "loner", kFranceServices, "structure"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      MandateSpec spec = Spec("m1", {"papers"});
      spec.aidant = c.aidant;
      spec.structure = c.structure;
      auto refused = Create(spec);
      BOOST_TEST(CodeOf(refused.status()) == "PERMISSION_DENIED");
      BOOST_TEST(absl::StrContains(Message(refused.status()), c.says), Message(refused.status()));
    }
  }
  BOOST_TEST(engine->revision() == revision);

  // Use: only professionals of the mandate's structure, with a listed role.
  BOOST_REQUIRE(Create(Spec("m1", {"papers"})).ok());
  BOOST_TEST(Check("m1", "papers", "ccas1") == MandateVerdict::kOtherStructure);
  BOOST_TEST(Check("m1", "papers", "benevole1") == MandateVerdict::kRoleNotAllowed);
  BOOST_TEST(Check("m1", "money", "aidant2") == MandateVerdict::kProcedureNotInMandate);
  auto refused = Use("m1", "papers", "benevole1");
  BOOST_TEST(CodeOf(refused.status()) == "PERMISSION_DENIED");
  BOOST_TEST(absl::StrContains(Message(refused.status()), "role_not_allowed"));
  refused = Use("m1", "papers", "ccas1");
  BOOST_TEST(absl::StrContains(Message(refused.status()), "other_structure"));
  refused = Use("m1", "money");
  BOOST_TEST(absl::StrContains(Message(refused.status()), "procedure_not_in_mandate"));
  BOOST_REQUIRE(engine->ProfessionalLeaves("aidant2").ok());
  BOOST_TEST(Check("m1", "papers", "aidant2") == MandateVerdict::kProfessionalLeft);
  BOOST_TEST(CodeOf(Use("m1", "papers").status()) == "FAILED_PRECONDITION");  // recorded_by
}

BOOST_FIXTURE_TEST_CASE(req66_a_person_under_a_measure_goes_through_the_representative, Service) {
  MandateSpec spec = Spec("m1", {"papers"});
  spec.person = "ward";
  auto refused = Create(spec);
  BOOST_TEST(CodeOf(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StartsWith(Message(refused.status()), "representation_required:"));
  // A measure that starts after the creation stops the mandate's use from its first day.
  BOOST_REQUIRE(Create(Spec("m2", {"papers"})).ok());
  const absl::CivilDay tomorrow = absl::ToCivilDay(clock.Now(), absl::UTCTimeZone()) + 1;
  RepresentativeSpec curatorship{"usager", "guardian",   RepresentativeKind::kCuratorship,
                                 tomorrow, std::nullopt, "jugement",
                                 "aidant1"};
  BOOST_REQUIRE(SetRepresentative(*engine, curatorship).ok());
  BOOST_TEST(Use("m2", "papers").ok());
  clock.Advance(absl::Hours(24));
  BOOST_TEST(Check("m2", "papers") == MandateVerdict::kRepresentationRequired);
  const absl::Status use = Use("m2", "papers").status();
  BOOST_TEST(CodeOf(use) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StartsWith(Message(use), "representation_required:"));
}

BOOST_FIXTURE_TEST_CASE(req66_records_are_kept_six_years_after_the_end, Service) {
  clock.Set(absl::FromCivil(absl::CivilSecond(2028, 2, 29, 10, 0, 0), absl::UTCTimeZone()));
  auto created = Create(Spec("m1", {"papers", "housing"}, 365));
  BOOST_REQUIRE(created.ok());
  // In force: kept until 6 years after its expiry.
  MandateInfo m = List()[0];
  BOOST_TEST((m.ends_at == created->expires_at));
  const absl::TimeZone utc = absl::UTCTimeZone();
  BOOST_TEST((m.keep_until ==
              absl::FromCivil(absl::CivilSecond(2035, 2, 28, 10, 0, 0), utc)));  // 2029-02-28 + 6
  // Revoked entirely on 2028-02-29: ends then; kept until 2034-03-01 (no 29 February in 2034).
  BOOST_REQUIRE(Revoke("m1", {}).ok());
  m = List()[0];
  BOOST_TEST((m.ends_at == created->created_at));
  BOOST_TEST((m.keep_until == absl::FromCivil(absl::CivilSecond(2034, 3, 1, 10, 0, 0), utc)));
}

BOOST_FIXTURE_TEST_CASE(req61_the_persons_involvement_is_required_and_kept, Service) {
  MandateSpec spec = Spec("m1", {"papers"});
  spec.involvement = {};
  const uint64_t revision = engine->revision();
  auto refused = Create(spec);
  BOOST_TEST(CodeOf(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(Message(refused.status()), "involvement"));
  spec.involvement = {MandateInvolvement::Kind::kNotInformed, ""};
  BOOST_TEST(CodeOf(Create(spec).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(engine->revision() == revision);
  spec.involvement = Present();
  BOOST_REQUIRE(Create(spec).ok());
  BOOST_TEST(CodeOf(UseMandate(*engine, "m1", "papers", "aidant2", {}).status()) ==
             "INVALID_ARGUMENT");
  BOOST_REQUIRE(UseMandate(*engine, "m1", "papers", "aidant2",
                           {MandateInvolvement::Kind::kInformedBeforehand, ""})
                    .ok());
  // Kept in the recorded events, with the attestation hash the engine computed.
  bool created = false, used = false;
  for (const v1::StateEvent& e : Recorded()) {
    if (e.has_mandate_created()) {
      created = true;
      BOOST_TEST(e.involvement().kind() == v1::PersonInvolvement::PRESENT);
      BOOST_TEST(e.recorded_by() == "aidant1");
      BOOST_TEST(e.mandate_created().attestation_sha256().size() == 32u);
    }
    if (e.has_mandate_used()) {
      used = true;
      BOOST_TEST(e.involvement().kind() == v1::PersonInvolvement::INFORMED_BEFOREHAND);
      BOOST_TEST(e.recorded_by() == "aidant2");
    }
  }
  BOOST_TEST(created);
  BOOST_TEST(used);
}

BOOST_FIXTURE_TEST_CASE(hostile_events_change_nothing, Service) {
  BOOST_REQUIRE(Create(Spec("m1", {"papers"})).ok());
  const uint64_t revision = engine->revision();
  auto with = [&](auto change) {
    MandateSpec spec = Spec("m2", {"housing"});
    change(spec);
    return Create(spec).status();
  };
  struct Case {
    const char* name;
    absl::Status status;
    const char* code;
  };
  const Case cases[] = {
      {"366 days", with([](MandateSpec& s) { s.duration_days = 366; }), "OUT_OF_RANGE"},
      {"duplicate id", with([](MandateSpec& s) { s.mandate = "m1"; }), "ALREADY_EXISTS"},
      {"unknown person", with([](MandateSpec& s) { s.person = "nobody"; }), "NOT_FOUND"},
      {"unknown procedure", with([](MandateSpec& s) { s.procedures = {"taxes"}; }), "NOT_FOUND"},
      {"no procedure", with([](MandateSpec& s) { s.procedures = {}; }), "INVALID_ARGUMENT"},
      {"a procedure twice", with([](MandateSpec& s) {
         s.procedures = {"housing", "housing"};
       }),
       "INVALID_ARGUMENT"},
      {"no template", with([](MandateSpec& s) { s.template_version = ""; }), "INVALID_ARGUMENT"},
      {"no structure", with([](MandateSpec& s) { s.structure = ""; }), "INVALID_ARGUMENT"},
      {"no id", with([](MandateSpec& s) { s.mandate = ""; }), "INVALID_ARGUMENT"},
      {"unknown aidant", with([](MandateSpec& s) { s.aidant = "ghost"; }), "NOT_FOUND"},
      {"use of an unknown mandate", Use("m9", "papers").status(), "NOT_FOUND"},
      {"use for an unknown procedure", Use("m1", "taxes").status(), "NOT_FOUND"},
      {"revocation of an unknown mandate", Revoke("m9", {}).status(), "NOT_FOUND"},
      {"revocation of an unknown procedure", Revoke("m1", {"taxes"}).status(), "NOT_FOUND"},
      {"revocation of a procedure not covered", Revoke("m1", {"housing"}).status(), "NOT_FOUND"},
      {"revocation naming a procedure twice", Revoke("m1", {"papers", "papers"}).status(),
       "INVALID_ARGUMENT"},
      {"revocation recorded by nobody", Revoke("m1", {}, true, "").status(), "INVALID_ARGUMENT"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(CodeOf(c.status) == c.code, c.status.message());
      // No message names the person.
      BOOST_TEST(!absl::StrContains(Message(c.status), "usager"));
    }
  }
  BOOST_TEST(engine->revision() == revision);
  // A batch with a good creation and a bad one applies neither.
  v1::StateEventBatch batch;
  batch.set_format_version(1);
  for (uint32_t days : {31u, 366u}) {
    v1::StateEvent* event = batch.add_events();
    event->set_format_version(1);
    event->mutable_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    event->set_recorded_by("aidant1");
    event->mutable_involvement()->set_kind(v1::PersonInvolvement::PRESENT);
    v1::MandateCreated* e = event->mutable_mandate_created();
    e->set_mandate(absl::StrCat("b", days));
    e->set_person("usager");
    e->set_structure(kFranceServices);
    e->add_procedures(days == 31 ? "housing" : "money");
    e->set_duration_days(days);
    e->set_template_version("mandat-2026-01");
  }
  BOOST_TEST(CodeOf(engine->ApplyEventBatch(batch.SerializeAsString()).status()) == "OUT_OF_RANGE");
  BOOST_TEST(engine->revision() == revision);
  BOOST_TEST(List().size() == 1u);
  BOOST_TEST(CodeOf(CheckMandate(*engine->snapshot(), "b31", "housing", "aidant2").status()) ==
             "NOT_FOUND");
  // The ids of refused events were interned but hold no mandate: still usable.
  BOOST_TEST(Create(Spec("b31", {"housing"})).ok());
}

// Every answer a snapshot gives about the service's mandates, for comparison.
std::vector<std::string> Answers(Service& s, const AccessEngine& engine) {
  std::vector<std::string> out;
  for (const char* mandate : {"m1", "m2", "m3"}) {
    for (const char* procedure : {"papers", "housing", "money"}) {
      for (const char* pro : {"aidant1", "aidant2", "ccas1", "benevole1"}) {
        auto verdict = CheckMandate(*engine.snapshot(), mandate, procedure, pro);
        out.push_back(
            absl::StrCat(mandate, "/", procedure, "/", pro, ": ",
                         verdict.ok() ? MandateVerdictName(*verdict) : CodeOf(verdict.status())));
      }
    }
  }
  for (const MandateInfo& m : s.List("usager", &engine)) {
    std::string line =
        absl::StrCat(m.mandate, " ", m.structure, " ", m.aidant, " ",
                     absl::FormatTime(m.created_at), " ", absl::FormatTime(m.expires_at), " ",
                     crypto::ToHex(m.attestation_sha256), " ", MandateStateName(m.state), " ",
                     absl::FormatTime(m.ends_at), " ", absl::FormatTime(m.keep_until));
    for (const MandateProcedureInfo& p : m.procedures) {
      absl::StrAppend(&line, " ", p.procedure, ":", MandateStateName(p.state), ":", p.uses, ":",
                      p.revoked_by_person);
    }
    out.push_back(line);
  }
  return out;
}

BOOST_FIXTURE_TEST_CASE(replay_and_snapshot_restore_give_the_same_mandates, Service) {
  BOOST_REQUIRE(Create(Spec("m1", {"papers", "housing"})).ok());
  clock.Advance(absl::Minutes(5));
  BOOST_REQUIRE(Use("m1", "papers").ok());
  MandateSpec ccas = Spec("m2", {"money"}, 1);
  ccas.structure = kCcas;
  ccas.aidant = "ccas1";
  BOOST_REQUIRE(Create(ccas).ok());
  clock.Advance(absl::Hours(3));
  BOOST_REQUIRE(Revoke("m1", {"housing"}).ok());

  // Replay of the whole record.
  {
    std::unique_ptr<AccessEngine> replayed = Open();
    BOOST_TEST(replayed->revision() == engine->revision());
    BOOST_TEST(Answers(*this, *replayed) == Answers(*this, *engine),
               boost::test_tools::per_element());
  }
  // A snapshot, then events after it.
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  clock.Advance(absl::Hours(24));  // m2 expires
  BOOST_REQUIRE(Create(Spec("m3", {"money", "housing"}, 182)).ok());
  BOOST_REQUIRE(Use("m3", "money").ok());
  BOOST_REQUIRE(Revoke("m1", {}, false, "aidant2").ok());
  std::unique_ptr<AccessEngine> restored = Open();
  BOOST_TEST(restored->revision() == engine->revision());
  const std::vector<std::string> expected = Answers(*this, *engine);
  BOOST_TEST(expected.size() > 36u);
  BOOST_TEST(Answers(*this, *restored) == expected, boost::test_tools::per_element());
  // The restored engine folds on as the first would: the same refusals and acceptances.
  BOOST_TEST(CodeOf(CreateMandate(*restored, Spec("m1", {"papers"})).status()) == "ALREADY_EXISTS");
  BOOST_TEST(CodeOf(UseMandate(*restored, "m1", "papers", "aidant2", Present()).status()) ==
             "PERMISSION_DENIED");
  BOOST_TEST(UseMandate(*restored, "m3", "housing", "aidant2", Present()).ok());
}

// A snapshot whose mandates the builder could never have folded is refused (DATA_LOSS), even
// when it matches its hash; the untouched one opens.
BOOST_FIXTURE_TEST_CASE(a_snapshot_with_impossible_mandates_is_refused, Service) {
  BOOST_REQUIRE(Create(Spec("m1", {"papers", "housing"})).ok());
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  const uint64_t revision = engine->revision();
  const std::string good = **record->LatestSnapshot();
  v1::EngineSnapshot envelope;
  BOOST_REQUIRE(envelope.ParseFromString(good));
  v1::EngineState state;
  BOOST_REQUIRE(state.ParseFromString(envelope.state()));
  v1::SnapshotPerson* holder = nullptr;
  for (v1::SnapshotPerson& p : *state.mutable_persons()) {
    if (p.mandates_size() > 0) holder = &p;
  }
  BOOST_REQUIRE(holder != nullptr);
  const v1::SnapshotMandate original = holder->mandates(0);
  auto open_with = [&](auto change) {
    v1::EngineState st = state;
    for (v1::SnapshotPerson& p : *st.mutable_persons()) {
      if (p.id() == holder->id()) change(p, st);
    }
    v1::EngineSnapshot e = envelope;
    st.SerializeToString(e.mutable_state());
    const crypto::Hash256 hash = crypto::Sha256(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(e.state().data()), e.state().size()));
    e.set_state_sha256(std::string(hash.begin(), hash.end()));
    BOOST_REQUIRE(record->SaveSnapshot(revision, e.SerializeAsString()).ok());
    AccessEngine::Options options;
    options.clock = &clock;
    return CodeOf(AccessEngine::Open(LoadPolicy(MandatePolicyText()), record, options).status());
  };
  using P = v1::SnapshotPerson;
  using S = v1::EngineState;
  BOOST_TEST(open_with([](P& p, S&) { p.mutable_mandates(0)->set_duration_days(366); }) ==
             "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) {
               p.mutable_mandates(0)->set_expires_at(p.mandates(0).expires_at() + 1);
             }) == "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) { *p.add_mandates() = p.mandates(0); }) == "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) {
               p.mutable_mandates(0)->mutable_authorisations(0)->set_procedure(99);
             }) == "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) {
               p.mutable_mandates(0)->mutable_authorisations()->SwapElements(0, 1);
             }) == "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) { p.mutable_mandates(0)->set_aidant(4000); }) == "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) { p.mutable_mandates(0)->set_structure(4000); }) ==
             "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) { p.mutable_mandates(0)->set_attestation_sha256("short"); }) ==
             "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) { p.mutable_mandates(0)->clear_authorisations(); }) ==
             "DATA_LOSS");
  BOOST_TEST(open_with([](P& p, S&) { p.mutable_mandates(0)->set_id(""); }) == "DATA_LOSS");
  // The same mandate id under two persons.
  BOOST_TEST(open_with([&](P&, S& st) {
               for (v1::SnapshotPerson& other : *st.mutable_persons()) {
                 if (other.id() != holder->id()) *other.add_mandates() = original;
               }
             }) == "DATA_LOSS");
  BOOST_TEST(open_with([](P&, S&) {}) == "OK");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
