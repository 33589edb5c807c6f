// Proving properties over the decision space (socle/policy_analysis.hpp).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/space.h"
#include "core/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "policy/compiled_policy.h"
#include "policy/property.h"
#include "socle/error.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/v1/analysis.pb.h"

namespace socle {
namespace {

using analysis_internal::World;

bool Meets(const policy_internal::PropertyDomain& d, const Decision& decision) {
  if (decision.allowed() != d.expect_allow) return false;
  const auto reason = static_cast<uint32_t>(decision.reason);
  return d.reasons == 0 || (reason < 64 && ((d.reasons >> reason) & 1u) != 0);
}

PropertyResult ProveDomain(const World& w, const policy_internal::PropertyDomain& domain) {
  PropertyResult result;
  result.forall = domain.forall;
  bool found = false;
  result.decisions = analysis_internal::Enumerate(
      w, domain, [&](const DecisionCase& c, const Decision& d, uint64_t count) {
        result.cases += count;
        // forall: a block whose decision fails the expectation refutes; exists: one that meets
        // it proves. The block's case is its smallest; keep the smallest of all.
        if (Meets(domain, d) == domain.forall) return;
        if (!found || analysis_internal::Smaller(c, *result.example)) {
          result.example = c;
          result.decision = d;
          found = true;
        }
      });
  result.holds = domain.forall ? !found : found;
  return result;
}

}  // namespace

namespace analysis_internal {

std::string ReportJson(const google::protobuf::Message& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // A message of strings, numbers and booleans always prints.
  (void)google::protobuf::util::MessageToJsonString(report, &json, options);
  return json;
}

}  // namespace analysis_internal

absl::StatusOr<PropertyResult> PolicyAnalysis::Prove(absl::string_view statement) const {
  SOCLE_ASSIGN_OR_RETURN(const policy_internal::PropertyStatement parsed,
                         policy_internal::ParsePropertyStatement(statement));
  SOCLE_ASSIGN_OR_RETURN(
      const policy_internal::PropertyDomain domain,
      policy_internal::ResolveProperty(parsed, policy_internal::Compiled(world_->policy).source));
  PropertyResult result = ProveDomain(*world_, domain);
  result.statement = std::string(statement);
  if (result.example) {
    result.description = Describe(*result.example);
    absl::StatusOr<Explanation> explanation =
        world_->snapshot->Explain(world_->RequestOf(*result.example));
    if (explanation.ok()) result.explanation = explanation->ToString();
  }
  return result;
}

size_t DeclaredPropertyCount(const Policy& policy) {
  return static_cast<size_t>(policy_internal::Compiled(policy).source.properties_size());
}

std::vector<PropertyResult> PolicyAnalysis::ProveDeclared() const {
  const v1::Policy& source = policy_internal::Compiled(world_->policy).source;
  std::vector<PropertyResult> out;
  out.reserve(static_cast<size_t>(source.properties_size()));
  for (const v1::Property& property : source.properties()) {
    // A loaded policy's statements parse and resolve (validation refused it otherwise).
    absl::StatusOr<PropertyResult> result = Prove(property.statement());
    if (!result.ok()) {
      PropertyResult failed;
      failed.statement = property.statement();
      failed.explanation = std::string(result.status().message());
      result = std::move(failed);
    }
    result->id = property.id();
    out.push_back(*std::move(result));
  }
  return out;
}

absl::StatusOr<Decision> PolicyAnalysis::Decide(const DecisionCase& c) const {
  if (!world_->Possible(c)) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("case: ", Describe(c), " cannot occur under this policy"));
  }
  return world_->snapshot->Decide(world_->RequestOf(c));
}

std::string PolicyAnalysis::RuleName(uint32_t rule) const { return world_->engine->RuleName(rule); }

std::string PolicyAnalysis::ReportJson(const std::vector<PropertyResult>& results) const {
  const policy_internal::CompiledPolicy& p = policy_internal::Compiled(world_->policy);
  v1::PropertyReport report;
  report.set_format_version(1);
  report.set_policy_id(p.source.id());
  report.set_policy_digest(p.digest_hex);
  report.set_space_size(world_->space_size);
  for (const PropertyResult& r : results) {
    v1::PropertyFinding* f = report.add_properties();
    f->set_id(r.id);
    f->set_statement(r.statement);
    f->set_forall(r.forall);
    f->set_holds(r.holds);
    f->set_cases(r.cases);
    f->set_decisions(r.decisions);
    if (!r.example) continue;
    const DecisionCase& c = *r.example;
    v1::AnalysedCase* e = f->mutable_example();
    e->set_role(std::string(p.roles.Name(c.role)));
    e->set_action(std::string(Name(c.action)));
    e->set_category(std::string(p.data_categories.Name(c.category)));
    e->set_purpose(std::string(p.activities.Name(c.purpose)));
    e->set_kind(std::string(Name(c.kind)));
    e->set_relation(std::string(Name(c.relation)));
    for (int i = 0; i < situation::kCount; ++i) {
      if (c.situation & (1u << i))
        e->add_situation(std::string(policy_internal::kPropertyFlags[i]));
    }
    f->set_effect(r.decision.allowed() ? "allow" : "deny");
    f->set_reason(std::string(Name(r.decision.reason)));
    f->set_rule(RuleName(r.decision.rule));
    f->set_description(r.description);
    f->set_explanation(r.explanation);
  }
  return analysis_internal::ReportJson(report);
}

std::string PolicyAnalysis::Describe(const DecisionCase& c) const {
  const policy_internal::CompiledPolicy& p = policy_internal::Compiled(world_->policy);
  auto name = [](const core::Interner& names, uint32_t id) {
    return id < names.size() ? std::string(names.Name(id)) : absl::StrCat("#", id);
  };
  std::vector<absl::string_view> flags;
  for (int i = 0; i < situation::kCount; ++i) {
    if (c.situation & (1u << i)) flags.push_back(policy_internal::kPropertyFlags[i]);
  }
  return absl::StrCat("role ", name(p.roles, c.role), ", action ", Name(c.action), ", category ",
                      name(p.data_categories, c.category), ", purpose ",
                      name(p.activities, c.purpose), ", kind ", Name(c.kind), ", relation ",
                      Name(c.relation), flags.empty() ? "" : ", ", absl::StrJoin(flags, ", "));
}

}  // namespace socle
