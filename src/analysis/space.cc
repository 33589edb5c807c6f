#include "analysis/space.h"

#include <algorithm>
#include <array>
#include <bit>
#include <tuple>

#include "access/person_facts.h"
#include "access/state.h"
#include "policy/compiled_policy.h"

namespace socle::analysis_internal {
namespace {

constexpr absl::string_view kArchiveReason = "policy analysis";

// The situation bit of each flag dimension (kDimRelation has none).
constexpr std::array<uint32_t, kDimCount> kDimBit = {
    situation::kBlocked,   situation::kAuthor,   situation::kArchived, 0,
    situation::kConsented, situation::kObjected, situation::kMasked,   situation::kRestricted,
    situation::kJustified};

// The values a domain allows for each dimension, smallest first.
struct Values {
  std::array<std::array<uint8_t, kRelationCount>, kDimCount> value{};
  std::array<uint8_t, kDimCount> size{};
};

Values ValuesOf(const policy_internal::PropertyDomain& d) {
  Values v;
  for (int dim = 0; dim < kDimCount; ++dim) {
    uint8_t n = 0;
    if (dim == kDimRelation) {
      for (int r = 0; r < kRelationCount; ++r) {
        if (d.relations & (1u << r)) v.value[dim][n++] = static_cast<uint8_t>(r);
      }
    } else {
      const uint32_t bit = kDimBit[dim];
      if (!(d.flags_set & bit)) v.value[dim][n++] = 0;
      if (!(d.flags_clear & bit)) v.value[dim][n++] = 1;
    }
    v.size[dim] = n;
  }
  return v;
}

// The tuples (role, action, category, purpose, kind) of a domain, in order.
template <typename F>
void ForEachTuple(const World& w, const policy_internal::PropertyDomain& d, F&& f) {
  for (uint32_t role = 0; role < w.roles; ++role) {
    if (!d.roles[role]) continue;
    for (int action = 1; action < kActionCount; ++action) {
      if (!(d.actions & (1u << action))) continue;
      for (uint32_t category = 0; category < w.categories; ++category) {
        if (!d.categories[category]) continue;
        for (uint32_t purpose = 0; purpose < w.purposes; ++purpose) {
          if (!d.purposes[purpose]) continue;
          for (int kind = 1; kind < kEntryKindCount; ++kind) {
            if (!(d.kinds & (1u << kind))) continue;
            DecisionCase c;
            c.role = role;
            c.action = static_cast<Action>(action);
            c.category = category;
            c.purpose = purpose;
            c.kind = static_cast<EntryKind>(kind);
            f(c);
          }
        }
      }
    }
  }
}

void SetSituation(const Values& v, const std::array<uint8_t, kDimCount>& digit, DecisionCase* c) {
  uint32_t s = 0;
  for (int dim = 0; dim < kDimCount; ++dim) {
    if (dim == kDimRelation) {
      c->relation = static_cast<Relation>(v.value[dim][digit[dim]]);
    } else if (v.value[dim][digit[dim]]) {
      s |= kDimBit[dim];
    }
  }
  c->situation = s;
}

// Moves to the next situation that differs in the first `stage` dimensions; false when none.
bool Advance(const Values& v, int stage, std::array<uint8_t, kDimCount>* digit) {
  for (int i = stage - 1; i >= 0; --i) {
    if (++(*digit)[i] < v.size[i]) {
      for (int j = i + 1; j < kDimCount; ++j) (*digit)[j] = 0;
      return true;
    }
  }
  return false;
}

// What a block of each stage counts: the product of the sizes of the dimensions after the
// stage, the archive and the relation aside (they decide whether a case is possible).
struct BlockSizes {
  std::array<uint64_t, kDimCount + 1> others{};
  uint32_t pairs = 0;  // the (archive, relation) pairs of the domain, as World::possible's bits
};

BlockSizes SizesOf(const Values& v) {
  BlockSizes b;
  b.others[kDimCount] = 1;
  for (int dim = kDimCount - 1; dim >= 0; --dim) {
    const bool pair = dim == kDimArchived || dim == kDimRelation;
    b.others[dim] = b.others[dim + 1] * (pair ? 1 : v.size[dim]);
  }
  for (int a = 0; a < v.size[kDimArchived]; ++a) {
    for (int r = 0; r < v.size[kDimRelation]; ++r) {
      b.pairs |= 1u << (v.value[kDimArchived][a] * kRelationCount + v.value[kDimRelation][r]);
    }
  }
  return b;
}

// The possible cases of the block of `c` decided at `stage`: those sharing its first `stage`
// inputs. Only the archive and the relation decide whether a case is possible; the dimensions
// before them are at their first value when a block is decided, or were skipped as impossible.
uint64_t BlockCount(const BlockSizes& b, uint32_t possible, const DecisionCase& c, int stage) {
  if (stage > kDimRelation) return b.others[stage];
  uint32_t pairs = b.pairs & possible;
  if (stage > kDimArchived) {
    pairs &= ((1u << kRelationCount) - 1)
             << ((c.situation & situation::kArchived) ? kRelationCount : 0);
  }
  return static_cast<uint64_t>(std::popcount(pairs)) * b.others[stage];
}

template <bool kBlocks>
uint64_t Walk(const World& w, const policy_internal::PropertyDomain& domain, BlockVisitor visit) {
  const Values v = ValuesOf(domain);
  for (int dim = 0; dim < kDimCount; ++dim) {
    if (v.size[dim] == 0) return 0;  // a flag required both set and clear: no case
  }
  const BlockSizes sizes = SizesOf(v);
  const auto& data = access_internal::Data(*w.snapshot);
  uint64_t decisions = 0;
  ForEachTuple(w, domain, [&](DecisionCase c) {
    const uint32_t possible = w.possible[c.role * w.categories + c.category];
    if ((possible & sizes.pairs) == 0) return;
    std::array<uint8_t, kDimCount> digit{};
    while (true) {
      SetSituation(v, digit, &c);
      const uint32_t pair = ((c.situation & situation::kArchived) ? kRelationCount : 0) +
                            static_cast<uint32_t>(c.relation);
      if (((possible >> pair) & 1u) == 0) {
        // Impossible for every case sharing the archive and the relation.
        if (!Advance(v, kDimRelation + 1, &digit)) break;
        continue;
      }
      const Decision d = access_internal::DecideValid(data, w.RequestOf(c));
      ++decisions;
      const int stage = kBlocks ? Stage(d.reason) : kDimCount;
      visit(c, d, kBlocks ? BlockCount(sizes, possible, c, stage) : 1);
      if (!Advance(v, stage, &digit)) break;
    }
  });
  return decisions;
}

// The ids of `b`'s names in `a` (kNoId when `a` lacks one), and the names only `b` has.
std::vector<uint32_t> Match(const core::Interner& from, const core::Interner& to) {
  std::vector<uint32_t> out(from.size(), kNoId);
  for (uint32_t i = 0; i < from.size(); ++i) {
    if (auto id = to.Find(from.Name(i))) out[i] = *id;
  }
  return out;
}

// A dimension of the joint walk: (id before, id after) for each name of either policy.
std::vector<std::pair<uint32_t, uint32_t>> Union(const core::Interner& before,
                                                 const core::Interner& after) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  const std::vector<uint32_t> after_in_before = Match(after, before);
  for (uint32_t i = 0; i < after.size(); ++i) out.emplace_back(after_in_before[i], i);
  const std::vector<uint32_t> before_in_after = Match(before, after);
  for (uint32_t i = 0; i < before.size(); ++i) {
    if (before_in_after[i] == kNoId) out.emplace_back(i, kNoId);
  }
  return out;
}

bool Archivist(const policy_internal::CompiledPolicy& c, uint32_t role) {
  return (c.role_capabilities[role] & (1u << v1::Role::ARCHIVIST)) != 0;
}

// Whether an entry of `kind` written by someone else is refused to `role` by an entry-kind rule
// (the check Decide makes when the actor is not the author).
bool KindRestricted(const policy_internal::CompiledPolicy& c, EntryKind kind, uint32_t role) {
  return c.entry_kind_rule[static_cast<uint32_t>(kind)] >= 0 && !c.EntryKindAllows(kind, role);
}

// The role's inputs under both policies: the relations it can have (hence its professionals and
// their persons), its professionals' secrecy, the archivist capability, whether it may be a
// referent. Returns the entry kinds (bits) whose rule treats it alike, 0 when another input
// differs.
uint32_t SameRoleKinds(const World& wb, const World& wa, uint32_t rb, uint32_t ra) {
  const auto& db = access_internal::Data(*wb.snapshot);
  const auto& da = access_internal::Data(*wa.snapshot);
  const policy_internal::CompiledPolicy& cb = *db.tables->c;
  const policy_internal::CompiledPolicy& ca = *da.tables->c;
  for (uint32_t rel = 0; rel < kRelationCount; ++rel) {
    const bool pb = wb.relation_possible[rb * kRelationCount + rel] != 0;
    if (pb != (wa.relation_possible[ra * kRelationCount + rel] != 0)) return 0;
    const uint32_t xb = wb.actor[rb * kRelationCount + rel];
    const uint32_t xa = wa.actor[ra * kRelationCount + rel];
    if ((xb == kNoId) != (xa == kNoId)) return 0;
    if (xb == kNoId) continue;
    const access_internal::ProfessionalRecord& b = db.state.professionals[xb];
    const access_internal::ProfessionalRecord& a = da.state.professionals[xa];
    if (b.secrecy != a.secrecy || b.left != a.left) return 0;
  }
  if (Archivist(cb, rb) != Archivist(ca, ra) ||
      db.tables->role_referent[rb] != da.tables->role_referent[ra]) {
    return 0;
  }
  // A masked entry: its referent keeps access (the referent relation), a break-the-glass session
  // reveals it; and whether a session opened for the policy's longest time is open now (the world
  // opens every session so).
  if (wb.relation_possible[rb * kRelationCount + static_cast<uint32_t>(Relation::kReferent)] &&
      db.tables->referent_keeps_access != da.tables->referent_keeps_access) {
    return 0;
  }
  if (wb.relation_possible[rb * kRelationCount + static_cast<uint32_t>(Relation::kBreakGlass)] &&
      (db.tables->reveals_masked != da.tables->reveals_masked ||
       (cb.break_glass_max > absl::ZeroDuration()) !=
           (ca.break_glass_max > absl::ZeroDuration()))) {
    return 0;
  }
  uint32_t kinds = 0;
  for (int kind = 1; kind < kEntryKindCount; ++kind) {
    const auto k = static_cast<EntryKind>(kind);
    if (KindRestricted(cb, k, rb) == KindRestricted(ca, k, ra)) kinds |= 1u << kind;
  }
  return kinds;
}

}  // namespace

// What ConsentAndObjection (src/access/decide.cc) answers for each person of the world, purpose
// and category, computed as it does: whether the purpose needs a consent for the category and,
// if so, whether the person has a valid one (0 not needed, 1 valid, 2 missing); whether the
// purpose is objectable and, if so, the person's objection (0 not objectable, 1 none, 2
// pending, 3 upheld). A slot without a person answers 0xff.
JointInputs::Answers JointInputs::AnswersOf(const World& w) {
  const auto& data = access_internal::Data(*w.snapshot);
  const access_internal::Tables& t = *data.tables;
  Answers out;
  out.slots = w.person.size();
  out.consent.assign(out.slots * w.purposes * w.categories, 0);
  out.objection.assign(out.slots * w.purposes, 0);
  const int64_t now = absl::ToUnixNanos(data.clock->Now());
  for (size_t slot = 0; slot < out.slots; ++slot) {
    const uint32_t x = w.person[slot];
    for (uint32_t p = 0; p < w.purposes; ++p) {
      uint8_t& objection = out.objection[p * out.slots + slot];
      for (uint32_t k = 0; k < w.categories; ++k) {
        uint8_t& consent = out.consent[(p * w.categories + k) * out.slots + slot];
        if (x == kNoId) {
          consent = 0xff;
        } else if (t.NeedsConsent(p, k)) {
          const bool valid =
              (data.state.persons[x].facts & access_internal::kFactConsents) != 0 &&
              access_internal::ValidConsent(data, x, p, access_internal::ConsentScope::kProcessing,
                                            k, kNoId, now) != nullptr;
          consent = valid ? 1 : 2;
        }
      }
      if (x == kNoId) {
        objection = 0xff;
        continue;
      }
      if (!t.activity_objectable[p]) continue;
      objection = 1;
      const access_internal::PersonRecord& record = data.state.persons[x];
      if ((record.facts & access_internal::kFactObjections) == 0) continue;
      const std::optional<access_internal::ObjectionOutcome> o = access_internal::ObjectionAt(
          record.state.get(), access_internal::ObjectionKind::kProcessing, p, now);
      if (o) objection = *o == access_internal::ObjectionOutcome::kPending ? 2 : 3;
    }
  }
  return out;
}

bool JointInputs::SameGroup(uint32_t gb, uint32_t ga, uint32_t kb, uint32_t ka, uint32_t pb,
                            uint32_t pa) const {
  const Answers& b = before_answers_;
  const Answers& a = after_answers_;
  constexpr size_t kFlags = size_t{1} << kPersonFlagCount;
  const size_t sb = size_t{gb} << kPersonFlagCount, sa = size_t{ga} << kPersonFlagCount;
  return std::equal(&b.consent[(pb * before_.categories + kb) * b.slots + sb],
                    &b.consent[(pb * before_.categories + kb) * b.slots + sb] + kFlags,
                    &a.consent[(pa * after_.categories + ka) * a.slots + sa]) &&
         std::equal(&b.objection[pb * b.slots + sb], &b.objection[pb * b.slots + sb] + kFlags,
                    &a.objection[pa * a.slots + sa]);
}

JointInputs::JointInputs(const World& before, const World& after)
    : before_(before),
      after_(after),
      before_answers_(AnswersOf(before)),
      after_answers_(AnswersOf(after)) {
  const auto& cb = policy_internal::Compiled(before.policy);
  const auto& ca = policy_internal::Compiled(after.policy);
  categories_ = Union(cb.data_categories, ca.data_categories);
  purposes_ = Union(cb.activities, ca.activities);
  const access_internal::Tables& tb = *access_internal::Data(*before.snapshot).tables;
  const access_internal::Tables& ta = *access_internal::Data(*after.snapshot).tables;
  shared_.assign(categories_.size() * purposes_.size(), 0);
  for (size_t ki = 0; ki < categories_.size(); ++ki) {
    const auto [kb, ka] = categories_[ki];
    if (kb == kNoId || ka == kNoId) continue;
    if (tb.category_special[kb] != ta.category_special[ka]) continue;
    for (size_t pi = 0; pi < purposes_.size(); ++pi) {
      const auto [pb, pa] = purposes_[pi];
      if (pb == kNoId || pa == kNoId) continue;
      if (tb.c->ActivityDeclares(pb, kb) != ta.c->ActivityDeclares(pa, ka) ||
          tb.NeedsConsent(pb, kb) != ta.NeedsConsent(pa, ka) ||
          tb.activity_objectable[pb] != ta.activity_objectable[pa]) {
        continue;
      }
      // The team's persons (group 0) and the others' (group 1): every role meets both.
      shared_[ki * purposes_.size() + pi] =
          SameGroup(0, 0, kb, ka, pb, pa) && SameGroup(1, 1, kb, ka, pb, pa) ? 1 : 0;
    }
  }
}

std::vector<uint8_t> JointInputs::SameCategoryPurpose(uint32_t rb, uint32_t ra) const {
  constexpr auto kReferent = static_cast<uint32_t>(Relation::kReferent);
  // Relations are the same under both policies (SameRoleKinds): the referent's persons only when
  // the role may be one.
  if (!before_.relation_possible[rb * kRelationCount + kReferent]) return shared_;
  std::vector<uint8_t> out = shared_;
  const uint32_t gb = World::GroupOf(rb, Relation::kReferent);
  const uint32_t ga = World::GroupOf(ra, Relation::kReferent);
  for (size_t ki = 0; ki < categories_.size(); ++ki) {
    for (size_t pi = 0; pi < purposes_.size(); ++pi) {
      uint8_t& same = out[ki * purposes_.size() + pi];
      if (same) {
        same = SameGroup(gb, ga, categories_[ki].first, categories_[ki].second, purposes_[pi].first,
                         purposes_[pi].second)
                   ? 1
                   : 0;
      }
    }
  }
  return out;
}

size_t JointRoleCount(const World& before, const World& after) {
  return Union(policy_internal::Compiled(before.policy).roles,
               policy_internal::Compiled(after.policy).roles)
      .size();
}

uint64_t EnumerateJoint(const World& before, const World& after, JointVisitor visit) {
  return EnumerateJoint(before, after, 0, JointRoleCount(before, after), visit);
}

uint64_t EnumerateJoint(const World& before, const World& after, size_t begin, size_t end,
                        JointVisitor visit, const JointInputs* skip, uint64_t* skipped_cases) {
  const auto& cb = policy_internal::Compiled(before.policy);
  const auto& ca = policy_internal::Compiled(after.policy);
  auto roles = Union(cb.roles, ca.roles);
  end = std::min(end, roles.size());
  if (begin >= end) return 0;
  roles.erase(roles.begin() + static_cast<ptrdiff_t>(end), roles.end());
  roles.erase(roles.begin(), roles.begin() + static_cast<ptrdiff_t>(begin));
  const auto categories = Union(cb.data_categories, ca.data_categories);
  const auto purposes = Union(cb.activities, ca.activities);
  const Values v = ValuesOf(WholeSpace(after));
  const BlockSizes sizes = SizesOf(v);
  const auto& data_b = access_internal::Data(*before.snapshot);
  const auto& data_a = access_internal::Data(*after.snapshot);
  const bool skipping = skip != nullptr && skipped_cases != nullptr && &skip->before() == &before &&
                        &skip->after() == &after;
  const access_internal::Tables& tables_b = *data_b.tables;
  const access_internal::Tables& tables_a = *data_a.tables;
  uint64_t decisions = 0;
  for (const auto& [rb, ra] : roles) {
    // The tuples with the same inputs under both policies: the role's first, then its action and
    // category's (the habilitation), then its category and purpose's, then its kind's.
    const uint32_t same_kinds =
        skipping && rb != kNoId && ra != kNoId ? SameRoleKinds(before, after, rb, ra) : 0u;
    const std::vector<uint8_t> same_category_purpose =
        same_kinds != 0 ? skip->SameCategoryPurpose(rb, ra) : std::vector<uint8_t>();
    for (int action = 1; action < kActionCount; ++action) {
      for (size_t ki = 0; ki < categories.size(); ++ki) {
        const auto [kb, ka] = categories[ki];
        const uint32_t mask_b =
            rb != kNoId && kb != kNoId ? before.possible[rb * before.categories + kb] : 0u;
        const uint32_t mask_a =
            ra != kNoId && ka != kNoId ? after.possible[ra * after.categories + ka] : 0u;
        const bool same_row =
            same_kinds != 0 && kb != kNoId && ka != kNoId &&
            (tables_b.HabilitationRow(rb, static_cast<Action>(action), kb) == kRuleIndexNone) ==
                (tables_a.HabilitationRow(ra, static_cast<Action>(action), ka) == kRuleIndexNone);
        for (size_t pi = 0; pi < purposes.size(); ++pi) {
          const auto [pb, pa] = purposes[pi];
          const uint32_t possible_b = pb != kNoId ? mask_b : 0u;
          const uint32_t possible_a = pa != kNoId ? mask_a : 0u;
          if (((possible_b | possible_a) & sizes.pairs) == 0) continue;
          // Blocks below the relation span several (archive, relation) pairs: only when both
          // policies allow the same pairs.
          const int floor = possible_b == possible_a ? 0 : kDimRelation + 1;
          const bool same_tuple = same_row && possible_b == possible_a &&
                                  same_category_purpose[ki * purposes.size() + pi] != 0;
          for (int kind = 1; kind < kEntryKindCount; ++kind) {
            if (same_tuple && ((same_kinds >> kind) & 1u) != 0) {
              // Every possible case of the tuple, as the walk's blocks would count them.
              *skipped_cases += BlockCount(sizes, possible_a, DecisionCase(), 0);
              continue;
            }
            DecisionCase b, a;
            b.role = rb;
            a.role = ra;
            b.action = a.action = static_cast<Action>(action);
            b.category = kb;
            a.category = ka;
            b.purpose = pb;
            a.purpose = pa;
            b.kind = a.kind = static_cast<EntryKind>(kind);
            std::array<uint8_t, kDimCount> digit{};
            while (true) {
              SetSituation(v, digit, &a);
              b.relation = a.relation;
              b.situation = a.situation;
              const uint32_t pair = ((a.situation & situation::kArchived) ? kRelationCount : 0) +
                                    static_cast<uint32_t>(a.relation);
              const bool has_b = ((possible_b >> pair) & 1u) != 0;
              const bool has_a = ((possible_a >> pair) & 1u) != 0;
              if (!has_b && !has_a) {
                if (!Advance(v, kDimRelation + 1, &digit)) break;
                continue;
              }
              Decision db, da;
              int stage = floor;
              if (!has_b || !has_a) stage = kDimRelation + 1;
              if (has_b) {
                db = access_internal::DecideValid(data_b, before.RequestOf(b));
                ++decisions;
                stage = std::max(stage, Stage(db.reason));
              }
              if (has_a) {
                da = access_internal::DecideValid(data_a, after.RequestOf(a));
                ++decisions;
                stage = std::max(stage, Stage(da.reason));
              }
              visit(b, has_b ? &db : nullptr, a, has_a ? &da : nullptr,
                    BlockCount(sizes, possible_a | possible_b, a, stage));
              if (!Advance(v, stage, &digit)) break;
            }
          }
        }
      }
    }
  }
  return decisions;
}

int Stage(Reason reason) {
  switch (reason) {
    case Reason::kBlocked:
      return kDimBlocked + 1;
    case Reason::kWorkingNote:
      return kDimAuthor + 1;
    case Reason::kNotAssigned:
    case Reason::kBreakGlassExpired:
    case Reason::kItemNotShared:
    case Reason::kArchived:
    case Reason::kRoleDoesNotAllow:
    case Reason::kCategoryOutsidePurpose:
    case Reason::kNotBoundBySecrecy:
    case Reason::kEntryKindRestricted:
      return kDimRelation + 1;
    case Reason::kNoConsent:
      return kDimConsented + 1;
    case Reason::kObjectionPending:
    case Reason::kObjectionUpheld:
      return kDimObjected + 1;
    case Reason::kMasked:
      return kDimMasked + 1;
    default:
      return kDimCount;  // allowed (the restriction comes last), restricted, or unknown
  }
}

AccessRequest World::RequestOf(const DecisionCase& c) const {
  AccessRequest r;
  r.actor = actor[c.role * kRelationCount + static_cast<uint32_t>(c.relation)];
  uint32_t flags = 0;
  if (c.situation & situation::kBlocked) flags |= PersonFlags::kBlocked;
  if (c.situation & situation::kConsented) flags |= PersonFlags::kConsented;
  if (c.situation & situation::kObjected) flags |= PersonFlags::kObjected;
  if (c.situation & situation::kArchived) flags |= PersonFlags::kArchived;
  if (c.situation & situation::kRestricted) flags |= PersonFlags::kRestricted;
  r.person = person[(GroupOf(c.role, c.relation) << kPersonFlagCount) | flags];
  r.action = c.action;
  r.category = c.category;
  r.purpose = c.purpose;
  r.kind = c.kind;
  r.author = (c.situation & situation::kAuthor) ? r.actor : other_author;
  r.masked = (c.situation & situation::kMasked) != 0;
  r.archive_reason = kArchiveReason;
  if (c.situation & situation::kJustified) {
    r.restriction_justification = RestrictionJustification::kLegalClaims;
  }
  return r;
}

policy_internal::PropertyDomain WholeSpace(const World& w) {
  policy_internal::PropertyDomain d;
  d.roles.assign(w.roles, 1);
  d.categories.assign(w.categories, 1);
  d.purposes.assign(w.purposes, 1);
  d.actions = ((1u << kActionCount) - 1) & ~1u;
  d.kinds = ((1u << kEntryKindCount) - 1) & ~1u;
  d.relations = (1u << kRelationCount) - 1;
  return d;
}

void World::ComputePossible() {
  possible.assign(static_cast<size_t>(roles) * categories, 0);
  for (uint32_t role = 0; role < roles; ++role) {
    for (uint32_t category = 0; category < categories; ++category) {
      uint16_t bits = 0;
      for (uint32_t archived = 0; archived < 2; ++archived) {
        for (uint32_t rel = 0; rel < kRelationCount; ++rel) {
          if (!relation_possible[role * kRelationCount + rel]) continue;
          const uint32_t g = GroupOf(role, static_cast<Relation>(rel));
          if (archived_category[(g * 2 + archived) * categories + category] != archived) continue;
          bits |= static_cast<uint16_t>(1u << (archived * kRelationCount + rel));
        }
      }
      possible[role * categories + category] = bits;
    }
  }
}

uint64_t World::CountSpace() const {
  // Every flag but the archive is free: 2^7 situations per possible (archive, relation).
  uint64_t pairs = 0;
  for (uint32_t role = 0; role < roles; ++role) {
    for (uint32_t category = 0; category < categories; ++category) {
      for (int archived = 0; archived < 2; ++archived) {
        for (int rel = 0; rel < kRelationCount; ++rel) {
          pairs += Possible(role, static_cast<Relation>(rel), archived != 0, category);
        }
      }
    }
  }
  return pairs * (kActionCount - 1) * purposes * (kEntryKindCount - 1) *
         (uint64_t{1} << (situation::kCount - 1));
}

uint64_t Enumerate(const World& w, const policy_internal::PropertyDomain& domain,
                   BlockVisitor visit) {
  return Walk<true>(w, domain, visit);
}

uint64_t EnumerateEveryCase(const World& w, const policy_internal::PropertyDomain& domain,
                            BlockVisitor visit) {
  return Walk<false>(w, domain, visit);
}

bool Smaller(const DecisionCase& a, const DecisionCase& b) {
  auto key = [](const DecisionCase& c) {
    return std::make_tuple(std::popcount(c.situation), static_cast<int>(c.relation), c.role,
                           static_cast<int>(c.action), c.category, c.purpose,
                           static_cast<int>(c.kind), c.situation);
  };
  return key(a) < key(b);
}

}  // namespace socle::analysis_internal
