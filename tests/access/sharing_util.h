// The service the sharing suites share (sharing_test.cc, sharing_consent_test.cc): the workload
// policy with a sharing rule for every basis, a directory with a CRIP, a mairie and a family, and
// helpers to inform, except, check and share.
#ifndef SOCLE_TESTS_ACCESS_SHARING_UTIL_H_
#define SOCLE_TESTS_ACCESS_SHARING_UTIL_H_

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "socle/access.hpp"
#include "socle/representation.hpp"
#include "socle/sharing.hpp"
#include "test_util.h"

namespace socle::access_testing {

// Sharing rules for every basis. L.1110-4 II names health for social workers, whose
// habilitations do not let them read it (check 5, habilitations); only the legal obligation
// allows the whole file.
inline constexpr absl::string_view kSharingRules = R"pb(
sharing_rules { id: "exchange" basis: CSP_L1110_4_II
                data_categories: ["administrative", "social", "health"]
                recipient_roles: ["social_worker", "health_professional", "manager"] }
sharing_rules { id: "care_team" basis: CSP_L1110_4_III_TEAM
                data_categories: ["administrative", "social", "health"]
                recipient_roles: ["social_worker", "health_professional"] }
sharing_rules { id: "with_consent" basis: CSP_L1110_4_III_CONSENT
                data_categories: ["administrative", "health"]
                recipient_roles: ["health_professional"] }
sharing_rules { id: "child_protection" basis: CASF_L226_2_2
                data_categories: ["administrative", "social"] recipient_roles: ["social_worker"] }
sharing_rules { id: "crip" basis: CASF_L226_2_1
                data_categories: ["administrative", "social"] recipient_roles: ["social_worker"] }
sharing_rules { id: "maire" basis: CASF_L121_6_2
                data_categories: ["administrative", "social"] recipient_roles: ["manager"] }
sharing_rules { id: "report" basis: CP_226_14
                data_categories: ["administrative", "social"] recipient_roles: ["manager"] }
sharing_rules { id: "requisition" basis: SHARING_LEGAL_OBLIGATION
                data_categories: ["administrative", "social"] recipient_roles: ["manager"]
                allow_whole_file: true }
)pb";

inline std::string SharingPolicy() { return PolicyVariant({}, kSharingRules); }

// The Scenario's service (2026-05-28) with sharing rules and:
//   crip1, a social worker of the CRIP (team crip, no case in t1); maire1, a manager of the
//   mairie (team mairie); hp3, a health professional of team t3;
//   child (t1, born 2012-03-10) with mother and father holding parental authority; adult (t1).
struct Sharing {
  explicit Sharing(std::shared_ptr<EngineRecord> record = nullptr) {
    AccessEngine::Options options;
    options.clock = &clock;
    auto created = record ? AccessEngine::Open(LoadPolicy(SharingPolicy()), record, options)
                          : AccessEngine::Create(LoadPolicy(SharingPolicy()), options);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
    engine = *std::move(created);
    DirectoryData d;
    d.professionals = {
        {"sw1", "social_worker", {"t1"}},
        {"sw2", "social_worker", {"t1"}},
        {"sw3", "social_worker", {"t2"}},
        {"sec1", "secretary", {"t1"}},
        {"mgr1", "manager", {"t1"}},
        {"hp1", "health_professional", {"t1"}},
        {"hp2", "health_professional", {"t1"}, "", SecrecyStatus::kNone},
        {"hp3", "health_professional", {"t3"}},
        {"crip1", "social_worker", {"crip"}},
        {"maire1", "manager", {"mairie"}},
    };
    d.persons = {{"x1", {"t1"}},
                 {"x3", {"t1"}, "sw3"},
                 {"child", {"t1"}, "", "2012-03-10"},
                 {"mother", {}, "", "1985-01-02"},
                 {"father", {}, "", "1983-07-14"},
                 {"adult", {"t1", "t3"}, "", "1970-04-04"}};
    auto loaded = engine->LoadDirectory(d);
    BOOST_REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
    for (const char* parent : {"mother", "father"}) {
      RepresentativeSpec spec;
      spec.person = "child";
      spec.representative = parent;
      spec.kind = RepresentativeKind::kParentalAuthority;
      spec.from = absl::CivilDay(2012, 3, 10);
      spec.recorded_by = "sw1";
      BOOST_REQUIRE(SetRepresentative(*engine, spec).ok());
    }
  }

  static SharingRequest Request(SharingBasis basis, std::string emitter, std::string recipient,
                                std::string person, std::vector<SharedItem> items,
                                std::string share = "s1") {
    SharingRequest r;
    r.basis = basis;
    r.emitter = std::move(emitter);
    r.recipient = std::move(recipient);
    r.person = std::move(person);
    r.purpose = "accompagnement";
    r.items = std::move(items);
    r.share = std::move(share);
    r.involvement = PersonInvolvementKind::kInformedBeforehand;
    return r;
  }

  // The person (or `informed`) is told of `share` to `recipient`, for `categories`.
  void Inform(const std::string& person, const std::string& share, const std::string& recipient,
              std::vector<std::string> categories, const std::string& informed = "") {
    InformationSpec spec;
    spec.person = person;
    spec.informed = informed;
    spec.share = share;
    spec.recipient = recipient;
    spec.categories = std::move(categories);
    spec.channel = InformChannel::kInPerson;
    spec.recorded_by = "sw1";
    auto done = RecordPersonInformed(*engine, spec);
    BOOST_REQUIRE_MESSAGE(done.ok(), done.status().message());
  }

  absl::Status Except(const std::string& person, const std::string& share,
                      InformationExceptionKind kind, const std::string& justification = "") {
    InformationExceptionSpec spec;
    spec.person = person;
    spec.share = share;
    spec.kind = kind;
    spec.justification = justification;
    spec.recorded_by = "sw1";
    return RecordInformationException(*engine, spec).status();
  }

  SharingOutcome Check(const SharingRequest& r) const {
    auto outcome = CheckShare(*engine->snapshot(), r);
    BOOST_REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
    return *std::move(outcome);
  }
  std::string Failed(const SharingRequest& r) const {
    const SharingOutcome o = Check(r);
    return o.granted ? "granted" : std::string(Name(o.failed));
  }
  SharingOutcome Granted(const SharingRequest& r) {
    auto outcome = Share(*engine, r);
    BOOST_REQUIRE_MESSAGE(outcome.ok(), outcome.status().message());
    BOOST_REQUIRE_MESSAGE(outcome->granted, Name(outcome->failed) << ": " << outcome->sentence);
    return *std::move(outcome);
  }

  // A read of `item` (of `category`) on `person`'s file by `actor`, for the activity.
  AccessRequest Read(const std::string& actor, const std::string& person,
                     const std::string& category, absl::string_view item,
                     Action action = Action::kRead) const {
    AccessRequest r;
    r.actor = *engine->FindProfessional(actor);
    r.person = *engine->FindPerson(person);
    r.category = *engine->FindCategory(category);
    r.purpose = *engine->FindPurpose("accompagnement");
    r.action = action;
    r.item = item;
    return r;
  }
  std::string ReasonFor(const AccessRequest& r) const { return ReasonOf(engine->Decide(r)); }

  FakeClock clock{absl::FromUnixSeconds(Scenario::kStart)};
  std::unique_ptr<AccessEngine> engine;
};

inline const SharedItem kSocial{"i-social", "social"};
inline const SharedItem kAdmin{"i-admin", "administrative"};
inline const SharedItem kHealth{"i-health", "health"};
inline const SharedItem kFinancial{"i-financial", "financial"};

}  // namespace socle::access_testing

#endif  // SOCLE_TESTS_ACCESS_SHARING_UTIL_H_
