// The decision space of a policy (socle/policy_analysis.hpp): the world, built as one batch of
// events on an engine of its own, and the enumeration of cases through the engine's Decide.
#include "socle/policy_analysis.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "access/state.h"
#include "analysis/space.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "google/protobuf/arena.h"
#include "policy/compiled_policy.h"
#include "policy/property.h"
#include "socle/clock.hpp"
#include "socle/error.hpp"
#include "socle/v1/events.pb.h"

namespace socle {

using analysis_internal::kPersonFlagCount;
using analysis_internal::PersonFlags;

namespace {

// The world's present, and the past its archived files come from: 1800 is more than any
// retention rule's reach (two phases of at most 100 years each, an age stop of at most 150).
constexpr absl::CivilSecond kNow(2026, 1, 5, 10, 0, 0);
constexpr absl::CivilSecond kLongAgo(1800, 1, 2, 10, 0, 0);
constexpr char kLongAgoDay[] = "1800-01-02";
constexpr char kBirthDay[] = "1790-01-01";
constexpr char kTeam[] = "analysis.team";
constexpr char kClosedTeam[] = "analysis.closed";
constexpr char kOtherAuthor[] = "analysis.author";

std::string ActorId(uint32_t role, int relation) { return absl::StrCat("p", role, ".", relation); }
std::string PersonId(uint32_t group, uint32_t flags) {
  return absl::StrCat("x", group, ".", flags);
}

// The world's events, on an arena: thousands of small messages built, serialised once and
// dropped together.
class Batch {
 public:
  explicit Batch(absl::Time now)
      : now_(now), batch_(google::protobuf::Arena::CreateMessage<v1::StateEventBatch>(&arena_)) {
    batch_->set_format_version(1);
  }
  v1::StateEvent* Add(absl::Time at = absl::InfinitePast()) {
    v1::StateEvent* e = batch_->add_events();
    e->set_format_version(1);
    core::SetTimestamp(at == absl::InfinitePast() ? now_ : at, e->mutable_at());
    return e;
  }
  const v1::StateEventBatch& proto() const { return *batch_; }

 private:
  absl::Time now_;
  google::protobuf::Arena arena_;
  v1::StateEventBatch* batch_;  // on arena_
};

}  // namespace

absl::string_view Name(Relation relation) {
  const auto i = static_cast<size_t>(relation);
  return i < std::size(policy_internal::kPropertyRelations) ? policy_internal::kPropertyRelations[i]
                                                            : absl::string_view("unspecified");
}

PolicyAnalysis::PolicyAnalysis(std::unique_ptr<analysis_internal::World> world)
    : world_(std::move(world)) {}
PolicyAnalysis::~PolicyAnalysis() = default;

const Policy& PolicyAnalysis::policy() const { return world_->policy; }
uint64_t PolicyAnalysis::space_size() const { return world_->space_size; }

absl::StatusOr<std::unique_ptr<PolicyAnalysis>> PolicyAnalysis::Create(const Policy& policy) {
  auto world = std::make_unique<analysis_internal::World>(
      policy, absl::FromCivil(kNow, absl::UTCTimeZone()));
  SOCLE_RETURN_IF_ERROR(world->Build());
  return std::unique_ptr<PolicyAnalysis>(new PolicyAnalysis(std::move(world)));
}

absl::StatusOr<std::pair<std::unique_ptr<PolicyAnalysis>, std::unique_ptr<PolicyAnalysis>>>
PolicyAnalysis::CreatePair(const Policy& before, const Policy& after) {
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> b = absl::UnknownError("not built");
  if (std::thread::hardware_concurrency() > 1) {
    std::thread helper([&] { b = Create(before); });
    absl::StatusOr<std::unique_ptr<PolicyAnalysis>> a = Create(after);
    helper.join();
    if (!b.ok()) return b.status();
    if (!a.ok()) return a.status();
    return std::make_pair(*std::move(b), *std::move(a));
  }
  b = Create(before);
  if (!b.ok()) return b.status();
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> a = Create(after);
  if (!a.ok()) return a.status();
  return std::make_pair(*std::move(b), *std::move(a));
}

namespace analysis_internal {

World::World(const Policy& p, absl::Time now) : policy(p), clock(now) {}

absl::Status World::Build() {
  const policy_internal::CompiledPolicy& c = policy_internal::Compiled(policy);
  const v1::Policy& source = c.source;
  roles = static_cast<uint32_t>(c.roles.size());
  categories = static_cast<uint32_t>(c.data_categories.size());
  purposes = static_cast<uint32_t>(c.activities.size());
  AccessEngine::Options options;
  options.clock = &clock;
  SOCLE_ASSIGN_OR_RETURN(engine, AccessEngine::Create(policy, options));
  const auto& tables = *access_internal::Data(*engine->snapshot()).tables;

  // Which relations each role can have: a referent only for roles that may be one, a
  // break-the-glass session only for roles that may open one when the policy enables them.
  const bool break_glass =
      source.break_glass().enabled() && source.break_glass().reason_codes_size() > 0;
  relation_possible.assign(static_cast<size_t>(roles) * kRelationCount, 1);
  for (uint32_t r = 0; r < roles; ++r) {
    relation_possible[r * kRelationCount + static_cast<int>(Relation::kReferent)] =
        tables.role_referent[r];
    relation_possible[r * kRelationCount + static_cast<int>(Relation::kBreakGlass)] =
        break_glass && tables.role_break_glass[r];
  }

  // The facts an archived file records: those the policy's retention rules count from.
  struct Facts {
    bool contact = false, case_closure = false, birth = false;
    std::vector<uint8_t> right_ends, follow_up_ends;  // by activity
  } facts;
  facts.right_ends.assign(purposes, 0);
  facts.follow_up_ends.assign(purposes, 0);
  for (const policy_internal::RetentionRuleTable& rule : c.retention_rules) {
    switch (rule.start) {
      case v1::RetentionRule::LAST_CONTACT_FROM_PERSON:
      case v1::RetentionRule::CREATION:
        facts.contact = true;
        break;
      case v1::RetentionRule::CASE_CLOSURE:
        facts.case_closure = true;
        break;
      case v1::RetentionRule::END_OF_RIGHT:
        facts.right_ends[rule.activity] = 1;
        break;
      case v1::RetentionRule::END_OF_FOLLOW_UP:
        facts.follow_up_ends[rule.activity] = 1;
        break;
      default:  // END_OF_MANDATE: no mandate in the world (docs/policy-analysis.md)
        break;
    }
    facts.birth = facts.birth || rule.hard_stop_age_years > 0;
  }

  const absl::Time now = clock.Now();
  const absl::Time long_ago = absl::FromCivil(kLongAgo, absl::UTCTimeZone());
  Batch batch(now);
  // The professionals: one per role and relation, and one who writes what the others read.
  for (uint32_t r = 0; r < roles; ++r) {
    for (int rel = 0; rel < kRelationCount; ++rel) {
      if (!relation_possible[r * kRelationCount + rel]) continue;
      v1::ProfessionalUpserted* p = batch.Add()->mutable_professional_upserted();
      p->set_id(ActorId(r, rel));
      p->set_role(std::string(c.roles.Name(r)));
      if (rel == static_cast<int>(Relation::kTeam)) p->add_teams(kTeam);
    }
  }
  {
    v1::ProfessionalUpserted* p = batch.Add()->mutable_professional_upserted();
    p->set_id(kOtherAuthor);
    p->set_role(std::string(c.roles.Name(0)));
  }
  const std::string recorder = kOtherAuthor;

  // The persons: group 0 in the team, group 1 outside it (grants, sessions, nobody), group
  // 2 + r the persons whose referent is role r's.
  groups = 2 + roles;
  for (uint32_t g = 0; g < groups; ++g) {
    const bool referent_group = g >= 2;
    const uint32_t role = g - 2;
    if (referent_group &&
        !relation_possible[role * kRelationCount + static_cast<int>(Relation::kReferent)]) {
      continue;
    }
    for (uint32_t f = 0; f < (1u << kPersonFlagCount); ++f) {
      const std::string id = PersonId(g, f);
      const bool archived = (f & PersonFlags::kArchived) != 0;
      if (archived) {
        // A file closed long ago, with the facts the policy's rules count from: followed by a
        // team then closed, a last contact, rights and follow-ups ended, born long ago.
        v1::PersonUpserted* x = batch.Add(long_ago)->mutable_person_upserted();
        x->set_id(id);
        if (facts.case_closure) x->add_teams(kClosedTeam);
        if (facts.contact) {
          v1::ContactRecorded* contact = batch.Add(long_ago)->mutable_contact_recorded();
          contact->set_person(id);
          contact->set_originator(v1::ContactRecorded::PERSON);
          contact->set_date(kLongAgoDay);
        }
        for (uint32_t a = 0; a < purposes; ++a) {
          if (facts.right_ends[a]) {
            v1::RightRecorded* right = batch.Add(long_ago)->mutable_right_recorded();
            right->set_person(id);
            right->set_activity(std::string(c.activities.Name(a)));
            right->set_end_date(kLongAgoDay);
          }
          if (facts.follow_up_ends[a]) {
            v1::FollowUpRecorded* follow = batch.Add(long_ago)->mutable_follow_up_recorded();
            follow->set_person(id);
            follow->set_activity(std::string(c.activities.Name(a)));
            follow->set_end_date(kLongAgoDay);
          }
        }
        if (facts.case_closure) {
          v1::PersonUnassigned* closed = batch.Add(long_ago)->mutable_person_unassigned();
          closed->set_person(id);
          closed->set_team(kClosedTeam);
        }
      }
      v1::PersonUpserted* x = batch.Add()->mutable_person_upserted();
      x->set_id(id);
      if (g == 0) x->add_teams(kTeam);
      if (referent_group) x->set_referent(ActorId(role, static_cast<int>(Relation::kReferent)));
      if (archived && facts.birth) x->set_birth_date(kBirthDay);
      if (g == 1) {
        // Grants on the whole file, and sessions (opened before any block).
        for (uint32_t r = 0; r < roles; ++r) {
          v1::AccessGranted* grant = batch.Add()->mutable_access_granted();
          grant->set_person(id);
          grant->set_professional(ActorId(r, static_cast<int>(Relation::kGrant)));
          if (!relation_possible[r * kRelationCount + static_cast<int>(Relation::kBreakGlass)]) {
            continue;
          }
          v1::BreakGlassOpened* open = batch.Add()->mutable_break_glass_opened();
          open->set_professional(ActorId(r, static_cast<int>(Relation::kBreakGlass)));
          open->set_person(id);
          open->set_reason_code(source.break_glass().reason_codes(0).id());
          open->set_justification("policy analysis");
          core::SetTimestamp(now + c.break_glass_max, open->mutable_expires_at());
        }
      }
      if (f & PersonFlags::kBlocked) {
        for (uint32_t r = 0; r < roles; ++r) {
          for (int rel = 0; rel < kRelationCount; ++rel) {
            if (!relation_possible[r * kRelationCount + rel] ||
                GroupOf(r, static_cast<Relation>(rel)) != g) {
              continue;
            }
            v1::BlockSet* block = batch.Add()->mutable_block_set();
            block->set_person(id);
            block->set_professional(ActorId(r, rel));
          }
        }
      }
      for (uint32_t a = 0; a < purposes; ++a) {
        if ((f & PersonFlags::kConsented) && tables.activity_consent[a] != tables.kConsentNone) {
          v1::StateEvent* e = batch.Add();
          e->set_recorded_by(recorder);
          v1::ConsentGiven* consent = e->mutable_consent_given();
          consent->set_person(id);
          consent->set_purpose(std::string(c.activities.Name(a)));
          consent->set_scope(v1::ConsentGiven::PROCESSING);
          consent->add_given_by(id);
          consent->set_information_version("analysis");
          consent->set_information_sha256(std::string(32, '\x01'));
          consent->set_channel(v1::IN_PERSON);
          consent->set_evidence_reference("analysis");
        }
        if ((f & PersonFlags::kObjected) && tables.activity_objectable[a]) {
          v1::StateEvent* e = batch.Add();
          e->set_recorded_by(recorder);
          v1::ObjectionRecorded* objection = e->mutable_objection_recorded();
          objection->set_person(id);
          objection->set_kind(v1::ObjectionRecorded::PROCESSING);
          objection->set_purpose(std::string(c.activities.Name(a)));
          objection->set_objected_by(id);
        }
      }
      if (f & PersonFlags::kRestricted) {
        v1::StateEvent* e = batch.Add();
        e->set_recorded_by(recorder);
        v1::RestrictionSet* restriction = e->mutable_restriction_set();
        restriction->set_person(id);
        restriction->set_ground(v1::RESTRICTION_ACCURACY_CONTESTED);
      }
    }
  }
  std::string serialized;
  if (!batch.proto().SerializeToString(&serialized)) {
    return MakeError(ErrorCode::kInternal, "the analysis world does not serialise");
  }
  if (absl::StatusOr<uint64_t> applied = engine->ApplyEventBatch(serialized); !applied.ok()) {
    return MakeError(ErrorCodeOf(applied.status()),
                     absl::StrCat("building the analysis world: ", applied.status().message()));
  }
  snapshot = engine->snapshot();

  // Dense ids, and which categories each person's file has past its active phase.
  actor.assign(static_cast<size_t>(roles) * kRelationCount, kNoId);
  for (uint32_t r = 0; r < roles; ++r) {
    for (int rel = 0; rel < kRelationCount; ++rel) {
      if (auto id = engine->FindProfessional(ActorId(r, rel)))
        actor[r * kRelationCount + rel] = *id;
    }
  }
  other_author = *engine->FindProfessional(kOtherAuthor);
  person.assign(static_cast<size_t>(groups) << kPersonFlagCount, kNoId);
  archived_category.assign(static_cast<size_t>(groups) * 2 * categories, 0);
  const absl::CivilDay today(kNow);
  for (uint32_t g = 0; g < groups; ++g) {
    for (uint32_t f = 0; f < (1u << kPersonFlagCount); ++f) {
      const auto id = engine->FindPerson(PersonId(g, f));
      if (!id) continue;
      person[(g << kPersonFlagCount) | f] = *id;
    }
    // Retention depends on the facts of the file alone: the person of the group without other
    // flags stands for the group (archived or not).
    for (uint32_t archived = 0; archived < 2; ++archived) {
      const uint32_t x =
          person[(g << kPersonFlagCount) | (archived ? uint32_t{PersonFlags::kArchived} : 0u)];
      if (x == kNoId) continue;
      SOCLE_ASSIGN_OR_RETURN(std::vector<RetentionStatus> statuses, snapshot->Retention(x, today));
      for (const RetentionStatus& s : statuses) {
        if (s.category < categories && s.phase != RetentionPhase::kActive) {
          archived_category[(g * 2 + archived) * categories + s.category] = 1;
        }
      }
    }
  }
  ComputePossible();
  space_size = CountSpace();
  return absl::OkStatus();
}

}  // namespace analysis_internal
}  // namespace socle
