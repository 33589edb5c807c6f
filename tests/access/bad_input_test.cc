// Bad input gets a clear error naming what is wrong, never a person's id, and changes nothing:
// the revision stays the same and the state is as before.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "socle/access.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

bool Mentions(const absl::Status& status, absl::string_view words) {
  return absl::string_view(status.message()).find(words) != absl::string_view::npos;
}

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(requests_with_unknown_ids_or_values) {
  Scenario s;
  const AccessRequest good = s.Request("sw1", "x1", "social");
  struct Case {
    const char* what;
    AccessRequest request;
    const char* code;
  };
  std::vector<Case> cases;
  auto with = [&](const char* what, const char* code, auto change) {
    AccessRequest r = good;
    change(r);
    cases.push_back({what, r, code});
  };
  with("actor", "NOT_FOUND", [](AccessRequest& r) { r.actor = 999; });
  with("actor", "NOT_FOUND", [](AccessRequest& r) { r.actor = kNoId; });
  with("person", "NOT_FOUND", [](AccessRequest& r) { r.person = 12345; });
  with("category", "NOT_FOUND", [](AccessRequest& r) { r.category = 4; });
  with("purpose", "NOT_FOUND", [](AccessRequest& r) { r.purpose = 1; });
  with("action", "INVALID_ARGUMENT", [](AccessRequest& r) { r.action = static_cast<Action>(9); });
  with("action", "INVALID_ARGUMENT", [](AccessRequest& r) { r.action = Action::kUnspecified; });
  with("kind", "INVALID_ARGUMENT", [](AccessRequest& r) { r.kind = EntryKind::kUnspecified; });
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto d = s.engine().Decide(c.request);
      BOOST_TEST(CodeOf(d.status()) == c.code);
      BOOST_TEST(Mentions(d.status(), std::string(c.what) + ":"), d.status().message());
      BOOST_TEST(CodeOf(s.engine().Explain(c.request).status()) == c.code);
    }
  }
  // In a batch, the bad request is denied as invalid and the others are decided.
  std::vector<AccessRequest> batch = {good, cases[2].request, good};
  std::vector<Decision> out(3);
  const absl::Status status = s.engine().DecideMany(batch, absl::MakeSpan(out));
  BOOST_TEST(CodeOf(status) == "NOT_FOUND");
  BOOST_TEST(Mentions(status, "request 1: person:"), status.message());
  BOOST_TEST(ReasonOf(out[0]) == "allowed");
  BOOST_TEST(ReasonOf(out[1]) == "invalid_request");
  BOOST_TEST(ReasonOf(out[2]) == "allowed");
  std::vector<Decision> short_out(2);
  BOOST_TEST(CodeOf(s.engine().DecideMany(batch, absl::MakeSpan(short_out))) == "INVALID_ARGUMENT");
  // ListPersons names its bad argument too.
  auto listed = s.engine().ListPersons(s.Pro("sw1"), 77, s.Purpose());
  BOOST_TEST(CodeOf(listed.status()) == "NOT_FOUND");
  BOOST_TEST(Mentions(listed.status(), "category: 77"), listed.status().message());
  listed = s.engine().ListPersons(500, s.Category("social"), s.Purpose());
  BOOST_TEST(Mentions(listed.status(), "actor:"), listed.status().message());
}

BOOST_AUTO_TEST_CASE(updates_with_bad_input_change_nothing) {
  Scenario s;
  AccessEngine& e = s.engine();
  // A person id that must never appear in a message.
  const std::string secret = "NIR-1850575123456";
  const uint64_t before = e.revision();
  struct Case {
    const char* what;
    absl::Status status;
    const char* code;
    const char* words;
  };
  const Case cases[] = {
      {"assign unknown person", e.Assign(secret, "t1").status(), "NOT_FOUND", "no such person"},
      {"unassign absent team", e.Unassign("x1", "t2").status(), "NOT_FOUND", "'t2'"},
      {"assign twice", e.Assign("x1", "t1").status(), "ALREADY_EXISTS", "'t1'"},
      {"unknown role", e.UpsertProfessional({"p9", "astronaut", {"t1"}}).status(), "NOT_FOUND",
       "'astronaut' is not a role"},
      {"id with a tab", e.UpsertPerson({"x\t9", {"t1"}}).status(), "INVALID_ARGUMENT",
       "control character"},
      {"empty id", e.UpsertPerson({"", {"t1"}}).status(), "INVALID_ARGUMENT", "is empty"},
      {"bad birth date", e.UpsertPerson({secret, {"t1"}, "", "1985-02-30"}).status(),
       "INVALID_ARGUMENT", "YYYY-MM-DD"},
      {"unknown referent", e.UpsertPerson({secret, {"t1"}, "ghost"}).status(), "NOT_FOUND",
       "'ghost'"},
      {"mask unknown category",
       e.SetMask({"x1", "", "astrology", MaskAudience::kEveryone, ""}).status(), "NOT_FOUND",
       "'astrology' is not a data category"},
      {"mask unknown role", e.SetMask({"x1", "", "social", MaskAudience::kRole, "king"}).status(),
       "NOT_FOUND", "'king' is not a role"},
      {"mask item and category",
       e.SetMask({"x1", "doc", "social", MaskAudience::kEveryone, ""}).status(), "INVALID_ARGUMENT",
       "not both"},
      {"mask nothing", e.SetMask({"x1", "", "", MaskAudience::kEveryone, ""}).status(),
       "INVALID_ARGUMENT", "name the item or the data category"},
      {"mask bad audience", e.SetMask({"x1", "doc", "", static_cast<MaskAudience>(7), ""}).status(),
       "INVALID_ARGUMENT", "audience"},
      {"revoke absent mask", e.RevokeMask({"x1", "doc", "", MaskAudience::kEveryone, ""}).status(),
       "NOT_FOUND", "no such mask"},
      {"mask for unknown person",
       e.SetMask({secret, "doc", "", MaskAudience::kEveryone, ""}).status(), "NOT_FOUND",
       "no such person"},
      {"grant unknown category", e.Grant({"x2", "sw1", {"astrology"}}).status(), "NOT_FOUND",
       "'astrology'"},
      {"grant already expired",
       e.Grant({"x2", "sw1", {}, absl::FromUnixSeconds(Scenario::kStart - 1)}).status(),
       "OUT_OF_RANGE", "expires_at"},
      {"negative duration",
       e.OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", absl::Seconds(-1)}).status(),
       "OUT_OF_RANGE", "negative"},
      {"unknown reason code", e.OpenBreakGlass({"sw3", "x1", "pourquoi_pas", "Nuit", {}}).status(),
       "NOT_FOUND", "'pourquoi_pas' is not a reason code"},
      {"leave unknown", e.ProfessionalLeaves("ghost").status(), "NOT_FOUND", "'ghost'"},
      {"block unknown professional", e.Block("x1", "ghost").status(), "NOT_FOUND", "'ghost'"},
      {"objection unknown person", e.RecordEmergencyAccessObjection(secret).status(), "NOT_FOUND",
       "no such person"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      BOOST_TEST(CodeOf(c.status) == c.code);
      BOOST_TEST(Mentions(c.status, c.words), c.status.message());
      BOOST_TEST(!Mentions(c.status, secret), c.status.message());
    }
  }
  BOOST_TEST(e.revision() == before);
  BOOST_TEST(!e.FindPerson(secret).has_value());
  BOOST_TEST(!e.FindProfessional("p9").has_value());
  BOOST_TEST(s.ReasonFor("sw1", "x1", "social") == "allowed");
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "not_assigned");
}

BOOST_AUTO_TEST_CASE(tsv_errors_name_the_line_and_load_nothing) {
  Scenario s;
  AccessEngine& e = s.engine();
  const uint64_t before = e.revision();
  auto loaded = e.LoadDirectoryTsv("q1\tsecretary\tt1\nq2\tastronaut\tt1\n", "");
  BOOST_TEST(CodeOf(loaded.status()) == "NOT_FOUND");
  BOOST_TEST(Mentions(loaded.status(), "professionals line 2"), loaded.status().message());
  loaded = e.LoadDirectoryTsv("q1\tsecretary\tt1\n", "z1\tt1\nz2\n");
  BOOST_TEST(CodeOf(loaded.status()) == "PARSE");
  BOOST_TEST(Mentions(loaded.status(), "persons line 2: 1 columns"), loaded.status().message());
  loaded = e.LoadDirectoryTsv("q1\tsecretary\tt1\tsiège\tsometimes\n", "");
  BOOST_TEST(CodeOf(loaded.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Mentions(loaded.status(), "secrecy 'sometimes'"), loaded.status().message());
  loaded = e.LoadDirectoryTsv("q1\tsecretary\tt1,,t2\n", "");
  BOOST_TEST(Mentions(loaded.status(), "empty entry"), loaded.status().message());
  BOOST_TEST(CodeOf(e.LoadDirectoryTsvFiles("/nonexistent/p.tsv", "/nonexistent/x.tsv").status()) ==
             "IO");
  BOOST_TEST(e.revision() == before);
  BOOST_TEST(!e.FindProfessional("q1").has_value());
  BOOST_TEST(!e.FindPerson("z1").has_value());
  // Blank lines, comments and CRLF line ends are fine; optional columns are read.
  loaded = e.LoadDirectoryTsv("# id\trole\tteams\n\r\nq1\tsocial_worker\tt1\tCCAS\tnone\tASS\r\n",
                              "z1\tt1\tq1\t1990-01-31\n");
  BOOST_REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
  BOOST_TEST(*loaded == before + 2);
  // q1's own secrecy status is none: no special category for them.
  BOOST_TEST(s.ReasonFor("q1", "z1", "social") == "allowed");
}

// The workload policy with `roles` more roles and `categories` more data categories (declared by
// the activity, with their retention, so the policy stays valid).
std::string BiggerPolicy(int roles, int categories) {
  std::string extra;
  for (int i = 0; i < roles; ++i) {
    extra += "roles { id: \"r" + std::to_string(i) + "\" label: \"R\" secrecy: SECRECY_NONE }\n";
  }
  std::string declared, retention;
  for (int i = 0; i < categories; ++i) {
    const std::string id = "c" + std::to_string(i);
    extra += "data_categories { id: \"" + id + "\" label: \"C\" sensitivity: ORDINARY }\n";
    declared += ", \"" + id + "\"";
    retention += "retention { data_category: \"" + id +
                 "\" start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE }\n";
  }
  const std::string security = "security_measures: \"Accès limité aux équipes";
  return PolicyVariant(
      {{R"(data_categories: ["administrative", "social", "financial", "health")",
        R"(data_categories: ["administrative", "social", "financial", "health")" + declared},
       {security, retention + security}},
      extra);
}

BOOST_AUTO_TEST_CASE(policy_sizes_are_capped_before_allocating) {
  // At the cap: fine (the workload policy has 5 roles and 4 categories).
  BOOST_TEST(AccessEngine::Create(LoadPolicy(BiggerPolicy(1019, 0))).ok());
  // One role more: the policy itself is refused before any engine sees it.
  std::vector<Diagnostic> diagnostics;
  BOOST_TEST(!Policy::Load(BiggerPolicy(1020, 0), &diagnostics).ok());
  BOOST_TEST(std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.code == "policy.too_many_entries";
  }));
  // Each size under its cap, the habilitation table (roles × 7 × categories) over its own.
  auto created = AccessEngine::Create(LoadPolicy(BiggerPolicy(600, 1000)));
  BOOST_TEST(CodeOf(created.status()) == "RESOURCE_EXHAUSTED");
  BOOST_TEST(Mentions(created.status(), "605 roles × 7 actions × 1004 data categories"),
             created.status().message());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
