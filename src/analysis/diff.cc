// The difference between two policies (socle/policy_analysis.hpp): every case whose outcome
// differs, grouped, and summed up in plain French or English.
#include <algorithm>
#include <atomic>
#include <bit>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "analysis/space.h"
#include "policy/compiled_policy.h"
#include "policy/property.h"
#include "socle/policy_analysis.hpp"
#include "socle/v1/analysis.pb.h"

namespace socle {
namespace {

using analysis_internal::World;

CaseOutcome OutcomeOf(const World& w, const Decision* d) {
  CaseOutcome o;
  if (d == nullptr) return o;
  o.possible = true;
  o.effect = d->effect;
  o.reason = d->reason;
  o.rule = w.engine->RuleName(d->rule);
  return o;
}

bool SameOutcome(const Decision* b, const Decision* a) {
  if ((b == nullptr) != (a == nullptr)) return false;
  return b == nullptr || (b->effect == a->effect && b->reason == a->reason);
}

std::string NameIn(const core::Interner& names, uint32_t id) {
  return id < names.size() ? std::string(names.Name(id)) : std::string();
}

absl::string_view Verb(Action action, AnalysisLanguage language) {
  const bool fr = language == AnalysisLanguage::kFrench;
  switch (action) {
    case Action::kRead:
      return fr ? "lire" : "read";
    case Action::kWrite:
      return fr ? "écrire" : "write";
    case Action::kDelete:
      return fr ? "supprimer" : "delete";
    case Action::kExport:
      return fr ? "exporter" : "export";
    case Action::kPrint:
      return fr ? "imprimer" : "print";
    case Action::kShare:
      return fr ? "partager" : "share";
    default:
      return "?";
  }
}

void SetCase(const PolicyChange& c, v1::AnalysedCase* out) {
  out->set_role(c.role);
  out->set_action(std::string(Name(c.action)));
  out->set_category(c.category);
  out->set_purpose(c.purpose);
  out->set_kind(std::string(Name(c.kind)));
  out->set_relation(std::string(Name(c.relation)));
  for (int i = 0; i < situation::kCount; ++i) {
    if (c.situation & (1u << i))
      out->add_situation(std::string(policy_internal::kPropertyFlags[i]));
  }
}

void SetOutcome(const CaseOutcome& o, v1::CaseOutcomeReport* out) {
  out->set_possible(o.possible);
  if (!o.possible) return;
  out->set_effect(o.effect == Effect::kAllow ? "allow" : "deny");
  out->set_reason(std::string(Name(o.reason)));
  out->set_rule(o.rule);
}

}  // namespace

namespace {

// The diff of some roles of the joint walk: their groups, in the order the walk meets them.
struct PartialDiff {
  std::vector<PolicyChange> changes;
  uint64_t cases = 0;
  uint64_t changed_cases = 0;
  uint64_t decisions = 0;
};

PartialDiff DiffRoles(const World& wb, const World& wa, size_t begin, size_t end,
                      const analysis_internal::JointInputs* skip) {
  const auto& cb = policy_internal::Compiled(wb.policy);
  const auto& ca = policy_internal::Compiled(wa.policy);
  PartialDiff diff;
  // Groups by tuple (its rank in the walk) and outcome pair; the walk visits a tuple's blocks
  // together, so a group is complete when the next tuple starts (and never spans two roles).
  using Key = std::tuple<uint64_t, bool, int, int, bool, int, int>;
  std::map<Key, size_t> groups;
  uint64_t tuple = 0;
  DecisionCase last_b, last_a;
  bool started = false;
  uint64_t skipped = 0;
  diff.decisions = analysis_internal::EnumerateJoint(
      wb, wa, begin, end,
      [&](const DecisionCase& b, const Decision* db, const DecisionCase& a, const Decision* da,
          uint64_t count) {
        if (!started || a.role != last_a.role || b.role != last_b.role ||
            a.action != last_a.action || a.category != last_a.category ||
            b.category != last_b.category || a.purpose != last_a.purpose ||
            b.purpose != last_b.purpose || a.kind != last_a.kind) {
          ++tuple;
          started = true;
          last_a = a;
          last_b = b;
        }
        diff.cases += count;
        if (SameOutcome(db, da)) return;
        diff.changed_cases += count;
        const Key key{tuple,
                      db != nullptr,
                      db ? static_cast<int>(db->effect) : 0,
                      db ? static_cast<int>(db->reason) : 0,
                      da != nullptr,
                      da ? static_cast<int>(da->effect) : 0,
                      da ? static_cast<int>(da->reason) : 0};
        const auto [it, inserted] = groups.emplace(key, diff.changes.size());
        if (inserted) diff.changes.emplace_back();
        PolicyChange& c = diff.changes[it->second];
        c.cases += count;
        DecisionCase mine = a.role != kNoId ? a : b;
        if (!inserted) {
          DecisionCase current = mine;
          current.relation = c.relation;
          current.situation = c.situation;
          if (!analysis_internal::Smaller(mine, current)) return;
        }
        c.role = a.role != kNoId ? NameIn(ca.roles, a.role) : NameIn(cb.roles, b.role);
        c.action = a.action;
        c.category = a.category != kNoId ? NameIn(ca.data_categories, a.category)
                                         : NameIn(cb.data_categories, b.category);
        c.purpose = a.purpose != kNoId ? NameIn(ca.activities, a.purpose)
                                       : NameIn(cb.activities, b.purpose);
        c.kind = a.kind;
        c.relation = a.relation;
        c.situation = a.situation;
        c.before = OutcomeOf(wb, db);
        c.after = OutcomeOf(wa, da);
      },
      skip, &skipped);
  // The tuples not walked have the same decision under both policies in every case: counted,
  // never changed.
  diff.cases += skipped;
  return diff;
}

}  // namespace

namespace analysis_internal {

PolicyDiff DiffWorlds(const World& wb, const World& wa, int threads, bool skip_identical) {
  PolicyDiff diff;
  diff.before_digest = policy_internal::Compiled(wb.policy).digest_hex;
  diff.after_digest = policy_internal::Compiled(wa.policy).digest_hex;
  // Each role's walk is independent of the others' (both worlds are immutable): the threads
  // take the roles one at a time, and the parts are joined in the walk's order, which gives the
  // diff a single walk gives.
  const size_t roles = analysis_internal::JointRoleCount(wb, wa);
  std::optional<JointInputs> inputs;
  if (skip_identical) inputs.emplace(wb, wa);
  const JointInputs* skip = inputs ? &*inputs : nullptr;
  std::vector<PartialDiff> parts(roles);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < roles; i = next++) parts[i] = DiffRoles(wb, wa, i, i + 1, skip);
  };
  std::vector<std::thread> helpers;
  for (int i = 1; i < threads && static_cast<size_t>(i) < roles; ++i) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  for (PartialDiff& part : parts) {
    diff.cases += part.cases;
    diff.changed_cases += part.changed_cases;
    diff.decisions += part.decisions;
    for (PolicyChange& c : part.changes) diff.changes.push_back(std::move(c));
  }
  return diff;
}

}  // namespace analysis_internal

PolicyDiff DiffPolicies(const PolicyAnalysis& before, const PolicyAnalysis& after) {
  // Two threads where the machine has two cores: the walks of the roles are independent.
  const int threads = std::thread::hardware_concurrency() > 1 ? 2 : 1;
  return analysis_internal::DiffWorlds(before.world(), after.world(), threads);
}

namespace {

absl::string_view RelationWords(Relation r, bool fr) {
  switch (r) {
    case Relation::kTeam:
      return fr ? "dans l'équipe de la personne" : "in the person's team";
    case Relation::kReferent:
      return fr ? "en tant que référent" : "as the referent";
    case Relation::kGrant:
      return fr ? "par une autorisation" : "through a grant";
    case Relation::kBreakGlass:
      return fr ? "en bris de glace" : "under break-the-glass";
    default:
      return fr ? "hors des équipes de la personne" : "outside the person's teams";
  }
}

constexpr absl::string_view kFlagWordsFr[] = {
    "auteur de l'élément",    "élément masqué",
    "bloqué par la personne", "avec consentement",
    "après opposition",       "dossier archivé",
    "dossier limité",         "avec justification de l'art. 18(2)"};
constexpr absl::string_view kFlagWordsEn[] = {
    "author of the entry",   "masked entry",
    "blocked by the person", "with consent",
    "after an objection",    "archived file",
    "restricted file",       "with an art. 18(2) justification"};

template <typename T>
void AddOnce(std::vector<T>* v, const T& x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

}  // namespace

std::vector<std::string> PolicyDiff::Summary(AnalysisLanguage language) const {
  const bool fr = language == AnalysisLanguage::kFrench;
  // One sentence per role, kind of change and relation: the actions and categories it concerns,
  // the reasons that now decide, and the flags of its simplest situation as an example.
  enum Kind { kNowAllowed, kNoLongerAllowed, kAppears, kDisappears, kOtherReason };
  struct Line {
    std::string role;
    Kind kind;
    Relation relation;
    uint32_t situation;
    uint64_t cases = 0;
    std::vector<Action> actions;
    std::vector<Reason> reasons;
    std::vector<std::string> categories, purposes, rules;
  };
  std::vector<Line> lines;
  for (const PolicyChange& c : changes) {
    Kind kind;
    if (!c.before.possible) {
      kind = kAppears;
    } else if (!c.after.possible) {
      kind = kDisappears;
    } else if (c.before.effect != c.after.effect) {
      kind = c.after.effect == Effect::kAllow ? kNowAllowed : kNoLongerAllowed;
    } else {
      kind = kOtherReason;
    }
    const CaseOutcome& decisive = kind == kDisappears ? c.before : c.after;
    auto it = std::find_if(lines.begin(), lines.end(), [&](const Line& l) {
      return l.role == c.role && l.kind == kind && l.relation == c.relation;
    });
    if (it == lines.end()) {
      lines.push_back({c.role, kind, c.relation, c.situation, 0, {}, {}, {}, {}, {}});
      it = lines.end() - 1;
    }
    if (std::popcount(c.situation) < std::popcount(it->situation)) it->situation = c.situation;
    it->cases += c.cases;
    AddOnce(&it->reasons, decisive.reason);
    AddOnce(&it->actions, c.action);
    AddOnce(&it->categories, c.category);
    AddOnce(&it->purposes, c.purpose);
    if (!decisive.rule.empty()) AddOnce(&it->rules, decisive.rule);
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.kind < b.kind; });
  std::vector<std::string> out;
  for (const Line& l : lines) {
    const absl::string_view open = fr ? "« " : "'", close = fr ? " »" : "'";
    std::vector<std::string> verbs, categories;
    for (Action a : l.actions) verbs.emplace_back(Verb(a, language));
    for (const std::string& c : l.categories) categories.push_back(absl::StrCat(open, c, close));
    const std::string who = absl::StrCat(open, l.role, close);
    const std::string what =
        absl::StrCat(absl::StrJoin(verbs, ", "), " ", absl::StrJoin(categories, ", "));
    std::string sentence;
    switch (l.kind) {
      case kNowAllowed:
        sentence = absl::StrCat(who, fr ? " peut désormais " : " may now ", what);
        break;
      case kNoLongerAllowed:
        sentence = absl::StrCat(who, fr ? " ne peut plus " : " may no longer ", what);
        break;
      case kAppears:
        sentence = absl::StrCat(who, fr ? " : nouveaux cas (" : ": new cases (", what, ")");
        break;
      case kDisappears:
        sentence =
            absl::StrCat(who, fr ? " : cas qui n'existent plus (" : ": cases gone (", what, ")");
        break;
      default:
        sentence = absl::StrCat(who,
                                fr ? " : même effet, autre motif ("
                                   : ": same effect, "
                                     "another reason (",
                                what, ")");
        break;
    }
    std::vector<absl::string_view> context = {RelationWords(l.relation, fr)};
    for (int i = 0; i < situation::kCount; ++i) {
      if (l.situation & (1u << i)) context.push_back(fr ? kFlagWordsFr[i] : kFlagWordsEn[i]);
    }
    absl::StrAppend(&sentence, fr ? ", par exemple " : ", e.g. ", absl::StrJoin(context, ", "),
                    " ; ", l.cases, fr ? " cas, " : " cases, ", l.purposes.size(),
                    fr ? (l.purposes.size() == 1 ? " finalité" : " finalités")
                       : (l.purposes.size() == 1 ? " purpose" : " purposes"),
                    fr ? " ; motifs : " : "; reasons: ",
                    absl::StrJoin(l.reasons, ", ", [](std::string* out, Reason r) {
                      absl::StrAppend(out, Name(r));
                    }));
    if (!l.rules.empty()) {
      absl::StrAppend(&sentence, fr ? " ; règle : " : "; rule: ", absl::StrJoin(l.rules, ", "));
    }
    if (!fr) absl::StrReplaceAll({{" ; ", "; "}}, &sentence);
    out.push_back(std::move(sentence));
  }
  return out;
}

std::string PolicyDiff::Json(AnalysisLanguage language) const {
  v1::PolicyDiffReport report;
  report.set_format_version(1);
  report.set_before_digest(before_digest);
  report.set_after_digest(after_digest);
  report.set_cases(cases);
  report.set_changed_cases(changed_cases);
  for (std::string& line : Summary(language)) report.add_summary(std::move(line));
  for (const PolicyChange& c : changes) {
    v1::PolicyChangeGroup* g = report.add_changes();
    SetCase(c, g->mutable_example());
    g->set_cases(c.cases);
    SetOutcome(c.before, g->mutable_before());
    SetOutcome(c.after, g->mutable_after());
  }
  return analysis_internal::ReportJson(report);
}

}  // namespace socle
