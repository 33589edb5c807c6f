// The privileged reversal (REQ-49): a role with PSEUDONYM_REVERSAL, a reason, a per-actor rate
// limit on an injected clock, and every call — whatever its outcome — reported to the hook.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "socle/clock.hpp"
#include "socle/pseudonym.hpp"
#include "test_util.h"

namespace socle::pseudonym_testing {
namespace {

struct RecordedEvent {
  std::string actor, role, reason, domain;
  uint32_t token_version;
  ErrorCode outcome;
  absl::Time time;
};

struct Fixture {
  explicit Fixture(uint32_t capacity = 100, absl::Duration window = absl::Hours(1),
                   std::vector<std::string> reason_codes = {})
      : clock(absl::FromUnixSeconds(1767225600)) {  // 2026-01-01T00:00:00Z
    PseudonymizerOptions options;
    options.reversal.capacity = capacity;
    options.reversal.window = window;
    options.reversal.reason_codes = std::move(reason_codes);
    options.reversal.clock = &clock;
    options.reversal.hook = [this](const ReversalEvent& e) {
      std::lock_guard<std::mutex> lock(mu);
      events.push_back(RecordedEvent{std::string(e.actor), std::string(e.role),
                                     std::string(e.reason), std::string(e.domain), e.token_version,
                                     e.outcome, e.time});
      return refuse ? MakeError(ErrorCode::kIo, "trail unavailable") : absl::OkStatus();
    };
    p = Make(1, std::move(options));
    token = *p->CreateToken("suivi", "personne-000042");
  }
  absl::StatusOr<SecretBytes> Reverse(absl::string_view actor = "agent-42",
                                      absl::string_view role = "dpo",
                                      absl::string_view reason = "demande de la personne",
                                      absl::string_view domain = "suivi") {
    return p->ReverseToken(ReversalRequest{actor, role, reason, domain}, token);
  }
  size_t event_count() {
    std::lock_guard<std::mutex> lock(mu);
    return events.size();
  }

  FakeClock clock;
  std::mutex mu;
  std::vector<RecordedEvent> events;
  bool refuse = false;
  std::unique_ptr<Pseudonymizer> p;
  std::string token;
};

BOOST_AUTO_TEST_SUITE(reversal)

BOOST_AUTO_TEST_CASE(an_authorised_reversal_returns_the_identifier_and_is_reported) {
  Fixture f;
  auto id = f.Reverse();
  BOOST_REQUIRE(id.ok());
  BOOST_TEST(id->view() == "personne-000042");
  BOOST_REQUIRE(f.events.size() == 1u);
  const RecordedEvent& e = f.events[0];
  BOOST_TEST(e.actor == "agent-42");
  BOOST_TEST(e.role == "dpo");
  BOOST_TEST(e.reason == "demande de la personne");
  BOOST_TEST(e.domain == "suivi");
  BOOST_TEST(e.token_version == 1u);
  BOOST_TEST((e.outcome == ErrorCode::kOk));
  BOOST_TEST((e.time == f.clock.Now()));
}

BOOST_AUTO_TEST_CASE(a_role_without_the_capability_is_denied_and_reported) {
  Fixture f;
  for (const char* role : {"ass", "secretaire", "inconnu", ""}) {
    auto id = f.Reverse("agent-42", role);
    BOOST_TEST((Code(id.status()) == ErrorCode::kPermissionDenied), role);
  }
  BOOST_REQUIRE(f.events.size() == 4u);
  for (const auto& e : f.events) {
    BOOST_TEST((e.outcome == ErrorCode::kPermissionDenied));
    BOOST_TEST(e.token_version == 0u);  // denied before the token was even read
  }
}

BOOST_AUTO_TEST_CASE(a_reason_and_an_actor_are_required) {
  Fixture f;
  BOOST_TEST((Code(f.Reverse("agent-42", "dpo", "").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(f.Reverse("agent-42", "dpo", "   ").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(f.Reverse("agent-42", "dpo", "a\nb").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(f.Reverse("agent-42", "dpo", std::string(501, 'r')).status()) ==
              ErrorCode::kInvalidArgument));
  BOOST_TEST(f.Reverse("agent-42", "dpo", std::string(500, 'r')).ok());
  BOOST_TEST((Code(f.Reverse("", "dpo").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(f.events.size() == 6u);
}

BOOST_AUTO_TEST_CASE(with_reason_codes_only_those_codes_are_accepted) {
  Fixture f(100, absl::Hours(1), {"demande_personne", "requisition_judiciaire"});
  BOOST_TEST(f.Reverse("agent-42", "dpo", "requisition_judiciaire").ok());
  BOOST_TEST((Code(f.Reverse("agent-42", "dpo", "demande de la personne").status()) ==
              ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(f.Reverse("agent-42", "dpo", "").status()) == ErrorCode::kInvalidArgument));
}

// REQ-49: the 101st call within the window of 100 is throttled — however the 100 calls are
// spread over the window; the allowance comes back once the windows that counted them are over;
// other actors have their own counts.
BOOST_AUTO_TEST_CASE(the_101st_call_in_the_window_is_throttled) {
  Fixture f(100, absl::Hours(1));
  const absl::Time start = f.clock.Now();  // a whole hour: a window of the limit starts here
  for (int i = 0; i < 100; ++i) {
    f.clock.Set(start + absl::Seconds(30 * i));  // 100 calls spread over 49.5 minutes
    BOOST_REQUIRE_MESSAGE(f.Reverse().ok(), "call " << i + 1);
  }
  f.clock.Set(start + absl::Minutes(59));
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));  // the 101st
  BOOST_TEST(f.Reverse("agent-43").ok());                                     // another actor
  f.clock.Set(start + absl::Hours(1) - absl::Nanoseconds(1));
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));
  // The next window still counts the previous one's calls (some are less than an hour old).
  f.clock.Set(start + absl::Hours(1));
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));
  f.clock.Set(start + absl::Hours(2) - absl::Nanoseconds(1));
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));
  // Both windows over: a full burst of 100 at one instant, and not one more.
  f.clock.Set(start + absl::Hours(2));
  for (int i = 0; i < 100; ++i) BOOST_REQUIRE(f.Reverse().ok());
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));
  // Every call reached the hook, throttled ones included.
  BOOST_TEST(f.events.size() == 100u + 1 + 1 + 1 + 1 + 1 + 100 + 1);
  size_t exhausted = 0;
  for (const auto& e : f.events) exhausted += e.outcome == ErrorCode::kResourceExhausted;
  BOOST_TEST(exhausted == 5u);
}

// Without a vault the limit and retirement belong to the object (documented): a second object
// has its own. With a vault they are shared (controls_test.cc).
BOOST_AUTO_TEST_CASE(without_a_vault_each_object_keeps_its_own_controls) {
  Fixture f(1, absl::Hours(1));
  BOOST_REQUIRE(f.Reverse().ok());
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));
  Fixture g(1, absl::Hours(1));
  BOOST_TEST(g.Reverse().ok());
}

// Failed verifications count against the limit too, so tokens cannot be guessed quickly.
BOOST_AUTO_TEST_CASE(failed_verifications_consume_the_budget) {
  Fixture f(3, absl::Minutes(10));
  std::string bad = f.token;
  bad[10] = bad[10] == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST((Code(f.p->ReverseToken({"agent-42", "dpo", "contrôle", "suivi"}, bad).status()) ==
                ErrorCode::kVerificationFailed));
  }
  BOOST_TEST((Code(f.Reverse().status()) == ErrorCode::kResourceExhausted));
}

BOOST_AUTO_TEST_CASE(every_outcome_reaches_the_hook) {
  Fixture f(100, absl::Hours(1));
  size_t calls = 0;
  auto expect = [&](const absl::StatusOr<SecretBytes>& r, ErrorCode code) {
    ++calls;
    BOOST_TEST((Code(r.status()) == code));
    BOOST_REQUIRE(f.events.size() == calls);
    BOOST_TEST((f.events.back().outcome == code));
  };
  expect(f.Reverse(), ErrorCode::kOk);
  expect(f.Reverse("agent-42", "ass"), ErrorCode::kPermissionDenied);
  expect(f.Reverse("agent-42", "dpo", ""), ErrorCode::kInvalidArgument);
  expect(f.Reverse("agent-42", "dpo", "motif", "inconnu"), ErrorCode::kNotFound);
  expect(f.p->ReverseToken({"agent-42", "dpo", "motif", "suivi"}, "K0001AAAA"),
         ErrorCode::kVerificationFailed);
  expect(f.Reverse("agent-42", "dpo", "motif", "recherche"), ErrorCode::kVerificationFailed);
  BOOST_TEST(f.events.back().token_version == 1u);
}

// An unrecorded reversal must not happen: if the hook fails, the identifier is withheld.
BOOST_AUTO_TEST_CASE(a_failing_hook_withholds_the_identifier) {
  Fixture f;
  f.refuse = true;
  auto id = f.Reverse();
  BOOST_TEST((Code(id.status()) == ErrorCode::kIo));
  BOOST_TEST(f.events.size() == 1u);
  BOOST_TEST((f.events[0].outcome == ErrorCode::kOk));  // what would have happened
  // A failed call stays the failure it was.
  BOOST_TEST((Code(f.Reverse("agent-42", "ass").status()) == ErrorCode::kPermissionDenied));
}

BOOST_AUTO_TEST_CASE(a_throwing_hook_withholds_the_identifier) {
  PseudonymizerOptions options;
  options.reversal.hook = [](const ReversalEvent&) -> absl::Status { throw 42; };
  auto p = Make(1, std::move(options));
  const std::string token = *p->CreateToken("suivi", "personne-000042");
  BOOST_TEST((Code(p->ReverseToken({"agent-42", "dpo", "motif", "suivi"}, token).status()) ==
              ErrorCode::kInternal));
}

BOOST_AUTO_TEST_CASE(without_a_hook_nothing_is_reversed) {
  auto p = Make(1);
  const std::string token = *p->CreateToken("suivi", "personne-000042");
  BOOST_TEST((Code(p->ReverseToken({"agent-42", "dpo", "motif", "suivi"}, token).status()) ==
              ErrorCode::kFailedPrecondition));
}

// Many threads reversing at once: every call is reported, and the limit holds exactly.
BOOST_AUTO_TEST_CASE(concurrent_reversals_share_one_limit) {
  Fixture f(50, absl::Hours(1));
  std::atomic<int> ok{0}, throttled{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto r = f.Reverse();
        if (r.ok()) {
          ++ok;
        } else if (Code(r.status()) == ErrorCode::kResourceExhausted) {
          ++throttled;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(ok.load() == 50);
  BOOST_TEST(throttled.load() == 50);
  BOOST_TEST(f.event_count() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
