#include "record_util.h"

#include <boost/test/unit_test.hpp>
#include <vector>

#include "absl/strings/str_cat.h"

namespace socle::access_testing {

std::string Serialized(const v1::StateEvent& e) { return e.SerializeAsString(); }

void Stamp(google::protobuf::Timestamp* out, absl::Time t) {
  out->set_seconds(absl::ToUnixSeconds(t));
  out->set_nanos(0);
}

namespace {

// Counts what succeeded; a refusal the workload can cause (a role that may not open sessions or
// be a referent, a duplicate) is fine, anything else fails the test.
struct Tally {
  int ok = 0;
  template <typename T>
  void operator()(const absl::StatusOr<T>& r) {
    if (r.ok()) {
      ++ok;
      return;
    }
    const std::string code = CodeOf(r.status());
    BOOST_TEST(
        (code == "PERMISSION_DENIED" || code == "FAILED_PRECONDITION" || code == "ALREADY_EXISTS"),
        code << ": " << r.status().message());
  }
};

}  // namespace

void ApplyExtras(AccessEngine& engine, FakeClock& clock, int part) {
  Tally tally;
  const std::vector<WorkloadRequest> denied = ReadRequests("requests_denied.tsv");
  const std::vector<WorkloadRequest> allowed = ReadRequests("requests_allowed.tsv");
  const size_t begin = part == 0 ? 0 : 300, end = part == 0 ? 300 : 600;
  for (size_t i = begin; i < end; ++i) {
    const WorkloadRequest& w = denied[i];
    switch (i % 4) {
      case 0:
        tally(engine.Grant({w.person,
                            w.professional,
                            {w.category},
                            absl::InfiniteFuture(),
                            absl::StrCat("decision-", i)}));
        break;
      case 1:
        tally(engine.OpenBreakGlass({w.professional, w.person, "astreinte", "injoignable"}));
        break;
      case 2:
        tally(engine.SetReferent(w.person, w.professional));
        break;
      default:
        tally(engine.Grant({w.person, w.professional, {}, kStart + absl::Hours(30 + i), ""}));
    }
  }
  for (size_t i = begin; i < end; ++i) {
    const WorkloadRequest& w = allowed[i];
    switch (i % 5) {
      case 0:
        tally(engine.Block(w.person, w.professional));
        break;
      case 1:
        tally(engine.SetMask({w.person, "", w.category, MaskAudience::kEveryone, ""}));
        break;
      case 2:
        tally(
            engine.SetMask({w.person, w.record, "", MaskAudience::kProfessional, w.professional}));
        break;
      case 3:
        tally(engine.SetMask({w.person, "", w.category, MaskAudience::kRole, "social_worker"}));
        break;
      default:
        tally(engine.RecordEmergencyAccessObjection(w.person));
    }
  }
  BOOST_TEST(tally.ok > 400);

  if (part == 0) {
    // A short session and a grant that have ended when the other engine opens.
    BOOST_REQUIRE(
        engine.OpenBreakGlass({"p0", "x7", "urgence_vitale", "chute", absl::Minutes(10)}).ok());
    BOOST_REQUIRE(engine.Grant({"x8", "p0", {}, clock.Now() + absl::Hours(1), "short"}).ok());
    clock.Advance(absl::Hours(2));
    // A session closed, an objection that ends one.
    BOOST_REQUIRE(engine.OpenBreakGlass({"p1", "x9", "astreinte", "nuit"}).ok());
    clock.Advance(absl::Minutes(5));
    BOOST_REQUIRE(engine.CloseBreakGlass("p1", "x9").ok());
    BOOST_REQUIRE(engine.OpenBreakGlass({"p2", "x10", "astreinte", "nuit"}).ok());
    clock.Advance(absl::Minutes(5));
    BOOST_REQUIRE(engine.RecordEmergencyAccessObjection("x10").ok());
  } else {
    // An event dated a month ago (a grant that has long ended), and one dated 4 minutes ahead of
    // the clock (within the skew): its session ends at the clock + the policy's maximum, not at
    // its own time + the maximum.
    v1::StateEvent old;
    old.set_format_version(1);
    Stamp(old.mutable_at(), clock.Now() - absl::Hours(24 * 30));
    old.mutable_access_granted()->set_person("x11");
    old.mutable_access_granted()->set_professional("p3");
    Stamp(old.mutable_access_granted()->mutable_expires_at(), clock.Now() - absl::Hours(24 * 29));
    BOOST_REQUIRE(engine.ApplyEvent(Serialized(old)).ok());
    v1::StateEvent ahead;
    ahead.set_format_version(1);
    const absl::Time at = clock.Now() + absl::Minutes(4);
    Stamp(ahead.mutable_at(), at);
    v1::BreakGlassOpened* open = ahead.mutable_break_glass_opened();
    open->set_professional("p4");
    open->set_person("x12");
    open->set_reason_code("astreinte");
    open->set_justification("équipe injoignable");
    Stamp(open->mutable_expires_at(), at + absl::Minutes(240));
    BOOST_REQUIRE(engine.ApplyEvent(Serialized(ahead)).ok());
    // The directory moves too.
    BOOST_REQUIRE(engine.ProfessionalLeaves("p5").ok());
    BOOST_REQUIRE(engine.UpsertPerson({"x13", {"t1", "t2"}, "", "1990-01-02"}).ok());
    BOOST_REQUIRE(engine.UpsertProfessional({"p-new", "social_worker", {"t1"}}).ok());
    BOOST_REQUIRE(engine.Assign("x14", "t-new").ok());
    BOOST_REQUIRE(engine.UpsertProfessional({"p6", "social_worker", {"t-new"}}).ok());
    BOOST_REQUIRE(engine.RevokeGrant(denied[begin].person, denied[begin].professional).ok());
  }
}

// Every workload request decides the same on both engines (each looks its ids up by name), now
// and at `later`.
void ExpectSameDecisions(const AccessEngine& original, const AccessEngine& other,
                         absl::Time later) {
  BOOST_REQUIRE_EQUAL(other.revision(), original.revision());
  size_t compared = 0, differences = 0;
  for (const char* file : kRequestFiles) {
    const std::vector<WorkloadRequest> lines = ReadRequests(file);
    for (const WorkloadRequest& w : lines) {
      for (absl::Time time : {absl::InfinitePast(), later}) {
        AccessRequest a = ToRequest(original, w), b = ToRequest(other, w);
        a.time = b.time = time;
        const absl::StatusOr<Decision> da = original.Decide(a), db = other.Decide(b);
        ++compared;
        if (da.ok() != db.ok() ||
            (da.ok() &&
             (da->effect != db->effect || da->reason != db->reason || da->rule != db->rule ||
              da->obligations != db->obligations || da->revision != db->revision))) {
          if (++differences <= 5) {
            BOOST_TEST_MESSAGE(file << " " << w.professional << " " << w.person << ": "
                                    << ReasonOf(da) << " vs " << ReasonOf(db));
          }
        }
      }
    }
  }
  BOOST_TEST(compared == 120000u);
  BOOST_TEST(differences == 0u);
  // The facts added on top of the workload: persons listed, holders.
  for (const char* person : {"x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14"}) {
    auto ha = original.snapshot()->ListAccessHolders(*original.FindPerson(person), later);
    auto hb = other.snapshot()->ListAccessHolders(*other.FindPerson(person), later);
    BOOST_REQUIRE(ha.ok());
    BOOST_REQUIRE(hb.ok());
    BOOST_REQUIRE_EQUAL(ha->size(), hb->size());
    for (size_t i = 0; i < ha->size(); ++i) {
      BOOST_TEST(original.ProfessionalName((*ha)[i].professional) ==
                 other.ProfessionalName((*hb)[i].professional));
      BOOST_TEST(((*ha)[i].basis == (*hb)[i].basis));
      BOOST_TEST(((*ha)[i].expires_at == (*hb)[i].expires_at));
    }
  }
}

}  // namespace socle::access_testing
