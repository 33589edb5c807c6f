#include "test_util.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "socle/error.hpp"

namespace socle::access_testing {

std::string WorkloadDir() { return SOCLE_ACCESS_WORKLOAD_DIR; }
std::string TestDir() { return SOCLE_ACCESS_TEST_DIR; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string WorkloadPolicyText() { return ReadFile(TestDir() + "/workload_policy.textproto"); }

std::string PolicyVariant(const std::vector<std::pair<std::string, std::string>>& replacements,
                          absl::string_view extra) {
  std::string text = WorkloadPolicyText();
  for (const auto& [from, to] : replacements) {
    const size_t at = text.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "the workload policy has no '" << from << "'");
    text.replace(at, from.size(), to);
  }
  text.append(extra.data(), extra.size());
  return text;
}

std::shared_ptr<MemoryEngineRecord> EventsOnly(MemoryEngineRecord& record) {
  std::vector<std::string> events;
  BOOST_REQUIRE(record
                    .ReadEvents(1,
                                [&](uint64_t, absl::string_view event) {
                                  events.emplace_back(event);
                                  return absl::OkStatus();
                                })
                    .ok());
  auto out = std::make_shared<MemoryEngineRecord>();
  BOOST_REQUIRE(out->AppendEvents(1, events).ok());
  return out;
}

Policy LoadPolicy(absl::string_view text) {
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::Load(text, &diagnostics);
  std::string problems;
  for (const Diagnostic& d : diagnostics) problems += "\n" + d.ToString("policy");
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().message() << problems);
  return *std::move(policy);
}

std::vector<WorkloadRequest> ReadRequests(absl::string_view file_name) {
  const std::string text = ReadFile(WorkloadDir() + "/" + std::string(file_name));
  std::vector<WorkloadRequest> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    absl::ConsumeSuffix(&line, "\r");
    std::vector<std::string> c = absl::StrSplit(line, '\t');
    BOOST_REQUIRE_EQUAL(c.size(), 9u);
    out.push_back({c[0], c[1], c[2], c[3], c[4], c[5] == "1", c[6], c[7], c[8]});
  }
  return out;
}

Reason ExpectedReason(absl::string_view r) {
  if (r == "allow") return Reason::kAllowed;
  if (r == "allow_own_masked") return Reason::kAllowedAuthorOfMasked;
  if (r == "deny_not_in_team") return Reason::kNotAssigned;
  if (r == "deny_role_category") return Reason::kRoleDoesNotAllow;
  if (r == "deny_masked") return Reason::kMasked;
  BOOST_FAIL("unknown workload reason " << r);
  return Reason::kUnspecified;
}

std::unique_ptr<AccessEngine> NewWorkloadEngine() {
  auto engine = AccessEngine::Create(LoadPolicy(WorkloadPolicyText()));
  BOOST_REQUIRE(engine.ok());
  auto loaded = (*engine)->LoadDirectoryTsvFiles(WorkloadDir() + "/professionals.tsv",
                                                 WorkloadDir() + "/persons.tsv");
  BOOST_REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
  return *std::move(engine);
}

AccessEngine& SharedWorkloadEngine() {
  static AccessEngine* engine = NewWorkloadEngine().release();
  return *engine;
}

AccessRequest ToRequest(const AccessEngine& engine, const WorkloadRequest& w) {
  AccessRequest r;
  r.actor = engine.FindProfessional(w.professional).value();
  r.person = engine.FindPerson(w.person).value();
  r.category = engine.FindCategory(w.category).value();
  r.purpose = engine.FindPurpose("accompagnement").value();
  r.action = w.action == "write" ? Action::kWrite : Action::kRead;
  r.author = engine.FindProfessional(w.author).value_or(kNoId);
  r.masked = w.masked;
  r.item = w.record;
  return r;
}

std::string ReasonOf(const Decision& d) { return std::string(Name(d.reason)); }
std::string ReasonOf(const absl::StatusOr<Decision>& d) {
  return d.ok() ? ReasonOf(*d) : "error: " + std::string(d.status().message());
}

std::string CodeOf(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

Scenario::Scenario(const std::string& policy_text) {
  AccessEngine::Options options;
  options.clock = &clock_;
  auto engine = AccessEngine::Create(LoadPolicy(policy_text), options);
  BOOST_REQUIRE(engine.ok());
  engine_ = *std::move(engine);
  DirectoryData d;
  d.professionals = {
      {"sw1", "social_worker", {"t1"}},
      {"sw2", "social_worker", {"t1"}},
      {"sw3", "social_worker", {"t2"}},
      {"sec1", "secretary", {"t1"}},
      {"tr1", "trainee", {"t1"}},
      {"mgr1", "manager", {"t1"}},
      {"hp1", "health_professional", {"t1"}},
      {"hp2", "health_professional", {"t1"}, "", SecrecyStatus::kNone},
  };
  d.persons = {{"x1", {"t1"}}, {"x2", {"t2"}}, {"x3", {"t1"}, "sw3"}};
  auto loaded = engine_->LoadDirectory(d);
  BOOST_REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
}

uint32_t Scenario::Pro(absl::string_view id) const {
  auto found = engine_->FindProfessional(id);
  BOOST_REQUIRE_MESSAGE(found, "no professional " << id);
  return *found;
}
uint32_t Scenario::Person(absl::string_view id) const {
  auto found = engine_->FindPerson(id);
  BOOST_REQUIRE_MESSAGE(found, "no person " << id);
  return *found;
}
uint32_t Scenario::Category(absl::string_view id) const {
  auto found = engine_->FindCategory(id);
  BOOST_REQUIRE_MESSAGE(found, "no category " << id);
  return *found;
}
uint32_t Scenario::Purpose(absl::string_view id) const {
  auto found = engine_->FindPurpose(id);
  BOOST_REQUIRE_MESSAGE(found, "no activity " << id);
  return *found;
}

AccessRequest Scenario::Request(absl::string_view actor, absl::string_view person,
                                absl::string_view category, Action action) const {
  AccessRequest r;
  r.actor = Pro(actor);
  r.person = Person(person);
  r.category = Category(category);
  r.purpose = Purpose();
  r.action = action;
  return r;
}

Decision Scenario::Decide(const AccessRequest& request) const {
  auto d = engine_->Decide(request);
  BOOST_REQUIRE_MESSAGE(d.ok(), d.status().message());
  return *d;
}

std::string Scenario::ReasonFor(absl::string_view actor, absl::string_view person,
                                absl::string_view category, Action action) const {
  return ReasonOf(Decide(Request(actor, person, category, action)));
}

}  // namespace socle::access_testing
