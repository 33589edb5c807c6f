// Every on/off option of the policy that the engine reads, both ways (issue 7): for each option,
// the actors whose outcome must not change with it (a team member, a referent, an author, an
// expired session…) and the one whose outcome must, through Decide, Explain and FilterView.
//
// The options: break_glass.reveals_masked_items, masking.referent_keeps_access, masking.mode
// (signalled or silent), break_glass.enabled, roles[].referent. tests/access/access_capi_test.c
// and tests/python/test_engine.py run the same matrix through the C ABI and Python.
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "socle/access.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

struct Option {
  const char* name;
  const char* off;  // text of the workload policy (the option off)
  const char* on;   // its replacement (the option on)
};

const Option kOptions[] = {
    {"break_glass.reveals_masked_items", "reveals_masked_items: false",
     "reveals_masked_items: true"},
    {"masking.referent_keeps_access", "referent_keeps_access: false",
     "referent_keeps_access: true"},
    {"masking.mode (silent)", "mode: SIGNALLED", "mode: SILENT"},
    {"break_glass.enabled (off)", "enabled: true", "enabled: false"},
    {"roles[secretary].referent", R"(roles { id: "secretary" label: "Secrétaire" secrecy: SECRECY_NONE })",
     R"(roles { id: "secretary" label: "Secrétaire" secrecy: SECRECY_NONE referent: true })"},
};

// The actors, all reading social data (administrative for the secretary) of x3's file:
//   x3 is in team t1 and has referent sw3 (team t2); its item "r1" is masked from everyone.
struct Actor {
  const char* name;
  const char* professional;
  const char* person;
  const char* category;
  const char* item;
  const char* author;  // or nullptr
};
const Actor kActors[] = {
    {"team member, masked item", "sw1", "x3", "social", "r1", nullptr},
    {"team member, other item", "sw1", "x3", "social", "r2", nullptr},
    {"referent, masked item", "sw3", "x3", "social", "r1", nullptr},
    {"referent, other item", "sw3", "x3", "social", "r2", nullptr},
    {"author, masked item", "sw2", "x3", "social", "r1", "sw2"},
    {"session, masked item", "sw4", "x3", "social", "r1", nullptr},
    {"session, other item", "sw4", "x3", "social", "r2", nullptr},
    {"expired session, masked item", "sw5", "x3", "social", "r1", nullptr},
    {"expired session, other item", "sw5", "x3", "social", "r2", nullptr},
    {"outsider, other item", "sw6", "x3", "social", "r2", nullptr},
    {"secretary of x2 (named referent if the role may be)", "sec1", "x2", "administrative", "r3",
     nullptr},
};

// The reason of each actor under the workload policy (every option off).
std::map<std::string, std::string> BaseReasons() {
  return {
      {"team member, masked item", "masked"},
      {"team member, other item", "allowed"},
      {"referent, masked item", "masked"},
      {"referent, other item", "allowed"},
      {"author, masked item", "allowed_author_of_masked"},
      {"session, masked item", "masked"},
      {"session, other item", "allowed_break_glass"},
      {"expired session, masked item", "break_glass_expired"},
      {"expired session, other item", "break_glass_expired"},
      {"outsider, other item", "not_assigned"},
      {"secretary of x2 (named referent if the role may be)", "not_assigned"},
  };
}

// The reasons with option `o` on: the base with the changes the option must make, and no other.
std::map<std::string, std::string> ReasonsWith(absl::string_view option, bool on) {
  std::map<std::string, std::string> r = BaseReasons();
  if (!on) return r;
  if (option == "break_glass.reveals_masked_items") {
    r["session, masked item"] = "allowed_break_glass";
  } else if (option == "masking.referent_keeps_access") {
    r["referent, masked item"] = "allowed_referent_of_masked";
  } else if (option == "break_glass.enabled (off)") {
    // No session can be opened: the session holders are outsiders like the others.
    r["session, masked item"] = "not_assigned";
    r["session, other item"] = "not_assigned";
    r["expired session, masked item"] = "not_assigned";
    r["expired session, other item"] = "not_assigned";
  } else if (option == "roles[secretary].referent") {
    r["secretary of x2 (named referent if the role may be)"] = "allowed";
  }
  // masking.mode changes no reason: only the placeholder (see Expected).
  return r;
}

struct Outcome {
  std::string reason;
  Visibility view = Visibility::kAbsent;
  bool placeholder = false;  // the show_placeholder obligation
};

Outcome Expected(absl::string_view option, bool on, const std::string& actor) {
  Outcome o;
  o.reason = ReasonsWith(option, on).at(actor);
  const bool silent = on && option == "masking.mode (silent)";
  if (o.reason.rfind("allowed", 0) == 0) {
    o.view = Visibility::kVisible;
  } else if (o.reason == "masked" && !silent) {
    o.view = Visibility::kPlaceholder;
    o.placeholder = true;
  }
  return o;
}

// The scenario of kActors under `policy_text`: sw4 holds an open session on x3, sw5 a closed
// one, sw6 is an outsider; the secretary sec1 is named x2's referent if the policy allows it.
struct Setup {
  Setup(const std::string& policy_text, bool enabled) : s(policy_text) {
    AccessEngine& e = s.engine();
    for (const char* id : {"sw4", "sw5", "sw6"}) {
      BOOST_REQUIRE(e.UpsertProfessional({id, "social_worker", {"t3"}}).ok());
    }
    BOOST_REQUIRE(e.SetMask({"x3", "r1", "", MaskAudience::kEveryone, ""}).ok());
    auto open = e.OpenBreakGlass({"sw4", "x3", "astreinte", "Nuit", {}});
    auto opened_then_closed = e.OpenBreakGlass({"sw5", "x3", "astreinte", "Nuit", {}});
    BOOST_TEST(open.ok() == enabled);
    BOOST_TEST(opened_then_closed.ok() == enabled);
    if (!enabled) BOOST_TEST(CodeOf(open.status()) == "FAILED_PRECONDITION");
    s.clock().Advance(absl::Minutes(1));
    if (enabled) BOOST_REQUIRE(e.CloseBreakGlass("sw5", "x3").ok());
    s.clock().Advance(absl::Minutes(1));
    secretary_referent = e.SetReferent("x2", "sec1").ok();
  }

  AccessRequest Request(const Actor& a) const {
    AccessRequest r = s.Request(a.professional, a.person, a.category);
    r.item = a.item;
    if (a.author != nullptr) r.author = s.Pro(a.author);
    return r;
  }

  Scenario s;
  bool secretary_referent = false;
};

BOOST_AUTO_TEST_SUITE(policy_options)

BOOST_AUTO_TEST_CASE(every_option_both_ways) {
  for (const Option& option : kOptions) {
    for (const bool on : {false, true}) {
      const bool break_glass = !(on && absl::string_view(option.name) == "break_glass.enabled (off)");
      Setup setup(on ? PolicyVariant({{option.off, option.on}}) : WorkloadPolicyText(), break_glass);
      BOOST_TEST_CONTEXT(option.name << (on ? " on" : " off")) {
        const bool referent_allowed = on && absl::string_view(option.name) ==
                                                "roles[secretary].referent";
        BOOST_TEST(setup.secretary_referent == referent_allowed);
        std::vector<AccessRequest> requests;
        for (const Actor& actor : kActors) requests.push_back(setup.Request(actor));
        std::vector<Visibility> view(requests.size());
        BOOST_REQUIRE(setup.s.engine().FilterView(requests, absl::MakeSpan(view)).ok());
        for (size_t i = 0; i < requests.size(); ++i) {
          const Actor& actor = kActors[i];
          const Outcome want = Expected(option.name, on, actor.name);
          BOOST_TEST_CONTEXT(actor.name) {
            const Decision d = setup.s.Decide(requests[i]);
            BOOST_TEST(ReasonOf(d) == want.reason);
            BOOST_TEST(((d.obligations & obligation::kShowPlaceholder) != 0) == want.placeholder);
            BOOST_TEST(static_cast<int>(view[i]) == static_cast<int>(want.view));
            auto e = setup.s.engine().Explain(requests[i]);
            BOOST_REQUIRE(e.ok());
            BOOST_TEST(ReasonOf(e->decision) == want.reason);
            BOOST_TEST(e->decision.obligations == d.obligations);
            // The trace agrees: an allowed decision passed every check, a denial failed the
            // decisive one.
            int decisive = 0;
            for (const ExplanationStep& step : e->steps) {
              if (step.decisive) {
                ++decisive;
                BOOST_TEST(step.passed == d.allowed(), step.check);
              }
              if (d.allowed()) BOOST_TEST(step.passed, step.check);
              if (step.check == "masking" && want.reason == "allowed_break_glass" &&
                  absl::string_view(actor.item) == "r1") {
                BOOST_TEST(step.detail.find("reveals_masked_items") != std::string::npos);
              }
              if (step.check == "masking" && want.reason == "allowed_referent_of_masked") {
                BOOST_TEST(step.detail.find("referent_keeps_access") != std::string::npos);
              }
            }
            BOOST_TEST(decisive == 1);
          }
        }
      }
    }
  }
}

// The actors the options must not move, listed once more so that the table above cannot drift:
// for every option, their reason is the same on and off.
BOOST_AUTO_TEST_CASE(what_no_option_changes) {
  const char* const steady[] = {"team member, masked item", "team member, other item",
                                "referent, other item", "author, masked item",
                                "outsider, other item"};
  for (const Option& option : kOptions) {
    for (const char* actor : steady) {
      BOOST_TEST_CONTEXT(option.name << ": " << actor) {
        BOOST_TEST(ReasonsWith(option.name, true).at(actor) ==
                   ReasonsWith(option.name, false).at(actor));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
