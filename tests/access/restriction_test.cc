// Restriction (GDPR art. 18, REQ-14; socle/restriction.hpp) and rectification (art. 16 and 19,
// REQ-12; socle/rectification.hpp): a restricted item or file is denied without a justification
// and allowed with one, after every other check; lifting needs a prior notice; a rectification
// changes the item's current version, keeps the previous one in the history with its actor and
// date, and queues one notice per prior recipient; the person's statement on a contested item;
// hostile events; and the same state after a replay of the record and after a snapshot restore.
#include "socle/restriction.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "sharing_util.h"
#include "socle/access.hpp"
#include "socle/rectification.hpp"
#include "socle/rights.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using B = SharingBasis;

std::string Hash(char c) { return std::string(32, c); }

// The record comes first (a base is built before the next one), so that Sharing opens on it.
struct OnRecord {
  std::shared_ptr<MemoryEngineRecord> record_ = std::make_shared<MemoryEngineRecord>();
};

// The sharing fixture on a record, so that the tests can replay it and restore a snapshot.
struct Restricted : OnRecord, Sharing {
  Restricted() : Sharing(record_) {}

  absl::StatusOr<uint64_t> Restrict(
      const std::string& person, const std::string& item,
      RestrictionGround ground = RestrictionGround::kAccuracyContested,
      const std::string& request = "") {
    RestrictionSpec spec;
    spec.person = person;
    spec.item = item;
    spec.ground = ground;
    spec.rights_request = request;
    spec.recorded_by = "sw1";
    return RestrictProcessing(*engine, spec);
  }
  absl::StatusOr<uint64_t> Notify(const std::string& person, const std::string& item,
                                  absl::Time at) {
    return RecordRestrictionLiftNotice(*engine, person, item, at, ConsentChannel::kPaper, "sw1");
  }
  absl::StatusOr<uint64_t> Rectify(const std::string& id, const std::string& item, char from,
                                   char to, bool contested = false,
                                   const std::string& category = "social") {
    RectificationSpec spec;
    spec.person = "x1";
    spec.rectification = id;
    spec.item = item;
    spec.category = category;
    spec.previous_sha256 = Hash(from);
    spec.new_sha256 = Hash(to);
    spec.contested = contested;
    spec.recorded_by = "sw2";
    return RecordRectification(*engine, spec);
  }
  absl::StatusOr<uint64_t> Statement(const std::string& id, const std::string& item,
                                     const std::string& hash = Hash('s')) {
    PersonStatementSpec spec;
    spec.person = "x1";
    spec.rectification = id;
    spec.item = item;
    spec.statement_sha256 = hash;
    spec.recorded_by = "sw1";
    return RecordPersonStatement(*engine, spec);
  }
  // x1's item i-social shared with crip1 and mgr1, and the whole file with maire1.
  void ShareSocial() {
    Inform("x1", "a", "crip1", {"social"});
    Inform("x1", "b", "mgr1", {"social", "administrative"});
    Granted(Request(B::kCasfL226_2_1, "sw1", "crip1", "x1", {kSocial}, "a"));
    Granted(Request(B::kCasfL121_6_2, "sw1", "mgr1", "x1", {kSocial, kAdmin}, "b"));
    SharingRequest file = Request(B::kLegalObligation, "sw1", "maire1", "x1", {}, "c");
    file.whole_file = true;
    Granted(file);
  }
  std::vector<std::string> Pending(const AccessEngine& e) const {
    auto pending = PendingRectificationNotices(*e.snapshot(), "x1");
    BOOST_REQUIRE_MESSAGE(pending.ok(), pending.status().message());
    std::vector<std::string> out;
    for (const PendingRectificationNotice& n : *pending) {
      out.push_back(n.rectification + ":" + n.recipient);
    }
    return out;
  }
  std::unique_ptr<AccessEngine> Reopen() {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(LoadPolicy(SharingPolicy()), record_, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return *std::move(opened);
  }
};

BOOST_FIXTURE_TEST_SUITE(restriction, Restricted)

// REQ-14: a read of a restricted item without a justification is denied; with one of art. 18(2),
// allowed under restriction; other items stay as they were.
BOOST_AUTO_TEST_CASE(req_14_restricted_item_is_denied_without_justification) {
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-social")) == "allowed");
  BOOST_REQUIRE(Restrict("x1", "i-social").ok());
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-social")) == "restricted");
  // Every action but storage: a write changes the content.
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-social", Action::kWrite)) == "restricted");
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-other")) == "allowed");
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "")) == "allowed");
  BOOST_TEST(ReasonFor(Read("sw1", "child", "social", "i-social")) == "allowed");

  for (RestrictionJustification j :
       {RestrictionJustification::kSubjectConsent, RestrictionJustification::kLegalClaims,
        RestrictionJustification::kProtectionOfOthers,
        RestrictionJustification::kImportantPublicInterest}) {
    AccessRequest r = Read("sw1", "x1", "social", "i-social");
    r.restriction_justification = j;
    auto d = engine->Decide(r);
    BOOST_REQUIRE(d.ok());
    BOOST_TEST(ReasonOf(d) == "allowed_under_restriction");
    BOOST_TEST((RuleKindOf(d->rule) == RuleKind::kRestriction));
    BOOST_TEST(RuleIndexOf(d->rule) == 1u);  // accuracy contested
  }
  // Other checks come first: a justification does not open what they deny.
  AccessRequest other = Read("sec1", "x1", "social", "i-social");
  other.restriction_justification = RestrictionJustification::kLegalClaims;
  BOOST_TEST(ReasonFor(other) == "role_does_not_allow");
  BOOST_TEST(ReasonFor(Read("sw3", "x1", "social", "i-social")) == "not_assigned");

  // A value outside the enum: INVALID_ARGUMENT naming the field.
  AccessRequest bad = Read("sw1", "x1", "social", "i-social");
  bad.restriction_justification = static_cast<RestrictionJustification>(9);
  auto refused = engine->Decide(bad);
  BOOST_TEST(CodeOf(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(refused.status().message(), "restriction_justification"));
}

BOOST_AUTO_TEST_CASE(a_whole_file_restriction_covers_every_item_and_explain_says_so) {
  BOOST_REQUIRE(Restrict("x1", "", RestrictionGround::kLegalClaims).ok());
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-social")) == "restricted");
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "administrative", "")) == "restricted");
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "financial", "any", Action::kExport)) ==
             "role_does_not_allow");
  // An item restriction besides the file's is refused only for the same item.
  BOOST_TEST(CodeOf(Restrict("x1", "").status()) == "ALREADY_EXISTS");
  BOOST_TEST(Restrict("x1", "i-social").ok());

  auto explained = engine->Explain(Read("sw1", "x1", "social", "i-admin"));
  BOOST_REQUIRE(explained.ok());
  BOOST_TEST(explained->steps.size() == 13u);
  const ExplanationStep& last = explained->steps.back();
  BOOST_TEST(last.check == "restriction");
  BOOST_TEST(!last.passed);
  BOOST_TEST(last.decisive);
  BOOST_TEST(absl::StrContains(last.rule, "18(1)(c)"));
  AccessRequest justified = Read("sw1", "x1", "social", "i-admin");
  justified.restriction_justification = RestrictionJustification::kLegalClaims;
  explained = engine->Explain(justified);
  BOOST_REQUIRE(explained.ok());
  BOOST_TEST(explained->steps.back().passed);
  BOOST_TEST(absl::StrContains(explained->steps.back().detail, "legal_claims"));
  BOOST_TEST(ReasonOf(explained->decision) == "allowed_under_restriction");

  // ListPersons: a restricted file leaves the lists.
  auto listed =
      engine->ListPersons(*engine->FindProfessional("sw1"), *engine->FindCategory("social"),
                          *engine->FindPurpose("accompagnement"));
  BOOST_REQUIRE(listed.ok());
  for (uint32_t id : *listed) BOOST_TEST(engine->PersonName(id) != "x1");
}

// REQ-14, art. 18(3): unrestrict without a notice record is an error; with one, the item is
// processed again and the history keeps the restriction.
BOOST_AUTO_TEST_CASE(req_14_lifting_needs_a_recorded_prior_notice) {
  const absl::Time set_at = clock.Now();
  BOOST_REQUIRE(Restrict("x1", "i-social").ok());
  clock.Advance(absl::Hours(24));
  const uint64_t revision = engine->revision();
  auto lifted = LiftRestriction(*engine, "x1", "i-social", "sw1");
  BOOST_TEST(CodeOf(lifted.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(lifted.status().message(), "prior notice"));
  BOOST_TEST(absl::StrContains(lifted.status().message(), "18(3)"));
  BOOST_TEST(engine->revision() == revision);
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-social")) == "restricted");

  // The notice is about this restriction: not before it, not in the future.
  BOOST_TEST(CodeOf(Notify("x1", "i-social", set_at - absl::Hours(1)).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Notify("x1", "i-social", clock.Now() + absl::Hours(1)).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Notify("x1", "i-other", clock.Now()).status()) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(Notify("x1", "i-social", clock.Now() - absl::Hours(2)).ok());
  BOOST_REQUIRE(LiftRestriction(*engine, "x1", "i-social", "sw2").ok());
  BOOST_TEST(ReasonFor(Read("sw1", "x1", "social", "i-social")) == "allowed");
  BOOST_TEST(CodeOf(LiftRestriction(*engine, "x1", "i-social", "sw2").status()) ==
             "FAILED_PRECONDITION");

  auto history = Restrictions(*engine->snapshot(), "x1");
  BOOST_REQUIRE(history.ok());
  BOOST_REQUIRE(history->size() == 1u);
  const RestrictionInfo& r = history->front();
  BOOST_TEST(!r.in_force);
  BOOST_TEST(r.set_by == "sw1");
  BOOST_TEST(r.lifted_by == "sw2");
  BOOST_TEST((r.set_at == set_at));
  BOOST_TEST((r.notified_at == clock.Now() - absl::Hours(2)));
  BOOST_TEST((r.lifted_at == clock.Now()));
  BOOST_TEST((r.notice_channel == ConsentChannel::kPaper));
  BOOST_TEST(Restrictions(*engine->snapshot(), "x1", false)->empty());
  // A new restriction needs its own notice.
  BOOST_REQUIRE(Restrict("x1", "i-social", RestrictionGround::kObjectionPending).ok());
  BOOST_TEST(CodeOf(LiftRestriction(*engine, "x1", "i-social", "sw1").status()) ==
             "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_CASE(restriction_input_is_checked_and_never_echoed) {
  const uint64_t revision = engine->revision();
  auto unknown = Restrict("secret-person", "i-social");
  BOOST_TEST(CodeOf(unknown.status()) == "NOT_FOUND");
  BOOST_TEST(!absl::StrContains(unknown.status().message(), "secret-person"));
  auto ground = Restrict("x1", "secret-item", static_cast<RestrictionGround>(0));
  BOOST_TEST(CodeOf(ground.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(ground.status().message(), "restriction_set.ground"));
  BOOST_TEST(!absl::StrContains(ground.status().message(), "secret-item"));
  RestrictionSpec spec;
  spec.person = "x1";
  spec.recorded_by = "";
  BOOST_TEST(CodeOf(RestrictProcessing(*engine, spec).status()) == "INVALID_ARGUMENT");
  // The rights request it answers: a restriction request about the same person.
  RightsRequestSpec request;
  request.request = "rq-access";
  request.kind = RightsRequestKind::kAccess;
  request.person = "x1";
  request.received_at = clock.Now();
  request.recorded_by = "sw1";
  BOOST_REQUIRE(RecordRightsRequest(*engine, request).ok());
  request.request = "rq-restrict";
  request.kind = RightsRequestKind::kRestriction;
  BOOST_REQUIRE(RecordRightsRequest(*engine, request).ok());
  const uint64_t after_requests = engine->revision();
  BOOST_TEST(after_requests == revision + 2);
  auto wrong = Restrict("x1", "i-social", RestrictionGround::kAccuracyContested, "rq-access");
  BOOST_TEST(CodeOf(wrong.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(wrong.status().message(), "not a restriction request"));
  BOOST_TEST(
      CodeOf(Restrict("child", "i-social", RestrictionGround::kAccuracyContested, "rq-restrict")
                 .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Restrict("x1", "i", RestrictionGround::kAccuracyContested, "nope").status()) ==
             "NOT_FOUND");
  BOOST_TEST(engine->revision() == after_requests);
  BOOST_REQUIRE(
      Restrict("x1", "i-social", RestrictionGround::kAccuracyContested, "rq-restrict").ok());
  BOOST_TEST(Restrictions(*engine->snapshot(), "x1")->front().rights_request == "rq-restrict");
}

// REQ-12: rectify → the current version changes, the history shows the previous one with its
// actor and date, one notice per prior recipient is queued; marking one leaves the others.
BOOST_AUTO_TEST_CASE(req_12_rectification_history_and_notices) {
  ShareSocial();
  const absl::Time when = clock.Now();
  BOOST_TEST(!CurrentItemVersion(*engine->snapshot(), "x1", "i-social")->has_value());
  BOOST_REQUIRE(Rectify("r1", "i-social", 'a', 'b').ok());
  BOOST_TEST(**CurrentItemVersion(*engine->snapshot(), "x1", "i-social") == Hash('b'));

  auto history = RectificationHistory(*engine->snapshot(), "x1", "i-social");
  BOOST_REQUIRE(history.ok());
  BOOST_REQUIRE(history->size() == 1u);
  const RectificationInfo& h = history->front();
  BOOST_TEST(h.previous_sha256 == Hash('a'));
  BOOST_TEST(h.new_sha256 == Hash('b'));
  BOOST_TEST(h.recorded_by == "sw2");
  BOOST_TEST((h.at == when));
  BOOST_TEST(h.category == "social");
  BOOST_TEST((h.kind == RectificationKind::kRectified));
  BOOST_REQUIRE(h.notices.size() == 3u);
  BOOST_TEST(Pending(*engine) == (std::vector<std::string>{"r1:crip1", "r1:mgr1", "r1:maire1"}));

  clock.Advance(absl::Hours(1));
  BOOST_REQUIRE(RecordRectificationNotified(*engine, "x1", "r1", "mgr1", clock.Now(),
                                            ConsentChannel::kOnline, "sw2")
                    .ok());
  BOOST_TEST(Pending(*engine) == (std::vector<std::string>{"r1:crip1", "r1:maire1"}));
  history = RectificationHistory(*engine->snapshot(), "x1", "i-social");
  BOOST_TEST((history->front().notices[1].notified_at == clock.Now()));
  BOOST_TEST(history->front().notices[1].notified_by == "sw2");
  // Once only; to a queued recipient only; not before the rectification.
  BOOST_TEST(CodeOf(RecordRectificationNotified(*engine, "x1", "r1", "mgr1", clock.Now(),
                                                ConsentChannel::kOnline, "sw2")
                        .status()) == "ALREADY_EXISTS");
  BOOST_TEST(CodeOf(RecordRectificationNotified(*engine, "x1", "r1", "sw3", clock.Now(),
                                                ConsentChannel::kOnline, "sw2")
                        .status()) == "FAILED_PRECONDITION");
  BOOST_TEST(
      CodeOf(RecordRectificationNotified(*engine, "x1", "r1", "crip1", when - absl::Seconds(1),
                                         ConsentChannel::kOnline, "sw2")
                 .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(RecordRectificationNotified(*engine, "x1", "nope", "crip1", clock.Now(),
                                                ConsentChannel::kOnline, "sw2")
                        .status()) == "NOT_FOUND");

  // An item never shared queues nothing; without its category, whole-file shares do not count.
  BOOST_REQUIRE(Rectify("r2", "i-private", 'a', 'b', false, "").ok());
  BOOST_REQUIRE(Rectify("r3", "i-admin", 'a', 'c', false, "").ok());
  BOOST_TEST(Pending(*engine) == (std::vector<std::string>{"r1:crip1", "r1:maire1", "r3:mgr1"}));
}

BOOST_AUTO_TEST_CASE(versions_form_a_chain) {
  BOOST_REQUIRE(Rectify("r1", "i-social", 'a', 'b').ok());
  const uint64_t revision = engine->revision();
  auto stale = Rectify("r2", "i-social", 'a', 'c');
  BOOST_TEST(CodeOf(stale.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(stale.status().message(), "current version"));
  BOOST_TEST(CodeOf(Rectify("r1", "i-social", 'b', 'c').status()) == "ALREADY_EXISTS");
  BOOST_TEST(CodeOf(Rectify("r2", "i-social", 'b', 'b').status()) == "INVALID_ARGUMENT");
  RectificationSpec short_hash;
  short_hash.person = "x1";
  short_hash.rectification = "r2";
  short_hash.item = "i-social";
  short_hash.previous_sha256 = Hash('b');
  short_hash.new_sha256 = "abc";
  short_hash.recorded_by = "sw1";
  auto refused = RecordRectification(*engine, short_hash);
  BOOST_TEST(CodeOf(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(refused.status().message(), "new_sha256"));
  BOOST_TEST(engine->revision() == revision);
  BOOST_REQUIRE(Rectify("r2", "i-social", 'b', 'c').ok());
  BOOST_TEST(**CurrentItemVersion(*engine->snapshot(), "x1", "i-social") == Hash('c'));
  BOOST_TEST(RectificationHistory(*engine->snapshot(), "x1", "i-social")->size() == 2u);
  BOOST_TEST(RectificationHistory(*engine->snapshot(), "x1", "")->size() == 2u);
  BOOST_TEST(RectificationHistory(*engine->snapshot(), "x1", "i-other")->empty());
}

// Art. 16: the person's statement completes a contested item only; socle keeps its hash.
BOOST_AUTO_TEST_CASE(the_persons_statement_on_a_contested_item) {
  ShareSocial();
  auto refused = Statement("st1", "i-social");
  BOOST_TEST(CodeOf(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(refused.status().message(), "contested"));
  // Contested by the rectification record itself…
  BOOST_REQUIRE(Rectify("r1", "i-social", 'a', 'b', /*contested=*/true).ok());
  BOOST_TEST(CodeOf(Statement("st1", "i-social", "short").status()) == "INVALID_ARGUMENT");
  BOOST_REQUIRE(Statement("st1", "i-social").ok());
  auto history = RectificationHistory(*engine->snapshot(), "x1", "i-social");
  BOOST_REQUIRE(history->size() == 2u);
  BOOST_TEST((history->back().kind == RectificationKind::kStatement));
  BOOST_TEST(history->back().statement_sha256 == Hash('s'));
  BOOST_TEST(history->back().contested);
  // A statement changes no version; its recipients are told too (art. 19 covers completion).
  BOOST_TEST(**CurrentItemVersion(*engine->snapshot(), "x1", "i-social") == Hash('b'));
  BOOST_TEST(history->back().notices.size() == 2u);  // no category: item-level shares only
  // …or by a restriction for contested accuracy.
  BOOST_TEST(CodeOf(Statement("st2", "i-admin").status()) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(Restrict("x1", "i-admin").ok());
  BOOST_REQUIRE(Statement("st2", "i-admin").ok());
  // A rectification settled without contest: no more statements.
  BOOST_REQUIRE(Rectify("r2", "i-social", 'b', 'c', /*contested=*/false).ok());
  BOOST_TEST(CodeOf(Statement("st3", "i-social").status()) == "FAILED_PRECONDITION");
}

// The same restrictions, history and queue after replaying the record and after restoring a
// snapshot, and the same decisions.
BOOST_AUTO_TEST_CASE(replay_and_snapshot_give_the_same_state) {
  ShareSocial();
  BOOST_REQUIRE(Restrict("x1", "i-social").ok());
  BOOST_REQUIRE(Restrict("x1", "i-admin", RestrictionGround::kLegalClaims).ok());
  BOOST_REQUIRE(Notify("x1", "i-admin", clock.Now()).ok());
  clock.Advance(absl::Minutes(5));
  BOOST_REQUIRE(LiftRestriction(*engine, "x1", "i-admin", "sw1").ok());
  BOOST_REQUIRE(Rectify("r1", "i-social", 'a', 'b', true).ok());
  BOOST_REQUIRE(Statement("st1", "i-social").ok());
  BOOST_REQUIRE(RecordRectificationNotified(*engine, "x1", "r1", "crip1", clock.Now(),
                                            ConsentChannel::kPhone, "sw1")
                    .ok());

  auto same = [&](const AccessEngine& other) {
    BOOST_TEST(other.revision() == engine->revision());
    auto a = Restrictions(*engine->snapshot(), "x1");
    auto b = Restrictions(*other.snapshot(), "x1");
    BOOST_REQUIRE(a.ok());
    BOOST_REQUIRE(b.ok());
    BOOST_REQUIRE(a->size() == b->size());
    for (size_t i = 0; i < a->size(); ++i) {
      BOOST_TEST((*a)[i].item == (*b)[i].item);
      BOOST_TEST((*a)[i].in_force == (*b)[i].in_force);
      BOOST_TEST(((*a)[i].notified_at == (*b)[i].notified_at));
      BOOST_TEST(((*a)[i].lifted_at == (*b)[i].lifted_at));
      BOOST_TEST(((*a)[i].ground == (*b)[i].ground));
      BOOST_TEST((*a)[i].revision == (*b)[i].revision);
    }
    auto ha = RectificationHistory(*engine->snapshot(), "x1", "");
    auto hb = RectificationHistory(*other.snapshot(), "x1", "");
    BOOST_REQUIRE(ha.ok());
    BOOST_REQUIRE(hb.ok());
    BOOST_REQUIRE(ha->size() == hb->size());
    for (size_t i = 0; i < ha->size(); ++i) {
      BOOST_TEST((*ha)[i].rectification == (*hb)[i].rectification);
      BOOST_TEST((*ha)[i].new_sha256 == (*hb)[i].new_sha256);
      BOOST_TEST((*ha)[i].statement_sha256 == (*hb)[i].statement_sha256);
      BOOST_TEST((*ha)[i].contested == (*hb)[i].contested);
      BOOST_TEST(((*ha)[i].at == (*hb)[i].at));
      BOOST_TEST((*ha)[i].notices.size() == (*hb)[i].notices.size());
    }
    BOOST_TEST(Pending(other) == Pending(*engine));
    for (const char* item : {"i-social", "i-admin", ""}) {
      AccessRequest r = Read("sw1", "x1", "social", item);
      BOOST_TEST(ReasonOf(other.Decide(r)) == ReasonOf(engine->Decide(r)), item);
    }
    // And it goes on alike: the notified recipient cannot be notified twice.
    BOOST_TEST(Pending(other).size() == 4u);
  };
  {
    auto replayed = Reopen();  // no snapshot: every event replayed
    same(*replayed);
  }
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  {
    auto restored = Reopen();  // from the snapshot
    same(*restored);
    BOOST_TEST(CodeOf(LiftRestriction(*restored, "x1", "i-social", "sw1").status()) ==
               "FAILED_PRECONDITION");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
