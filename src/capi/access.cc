// The C ABI of the access engine (include/socle/socle.h, "Access decisions").
#include "socle/access.hpp"

#include <atomic>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "socle/clock.hpp"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::ForEachSlice;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputList;
using socle::capi::InputView;
using socle::capi::kBatchSlice;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::Written;

// The frozen constants of the ABI are the C++ values, one for one.
#define SOCLE_CAPI_ACTIONS(X)                    \
  X(SOCLE_ACTION_READ, socle::Action::kRead)     \
  X(SOCLE_ACTION_WRITE, socle::Action::kWrite)   \
  X(SOCLE_ACTION_DELETE, socle::Action::kDelete) \
  X(SOCLE_ACTION_EXPORT, socle::Action::kExport) \
  X(SOCLE_ACTION_PRINT, socle::Action::kPrint)   \
  X(SOCLE_ACTION_SHARE, socle::Action::kShare)
#define SOCLE_CAPI_ENTRY_KINDS(X)                                                  \
  X(SOCLE_ENTRY_FACT, socle::EntryKind::kFact)                                     \
  X(SOCLE_ENTRY_APPRECIATION, socle::EntryKind::kAppreciation)                     \
  X(SOCLE_ENTRY_THIRD_PARTY_INFORMATION, socle::EntryKind::kThirdPartyInformation) \
  X(SOCLE_ENTRY_WORKING_NOTE, socle::EntryKind::kWorkingNote)
#define SOCLE_CAPI_SECRECY(X)                                         \
  X(SOCLE_SECRECY_NONE, socle::SecrecyStatus::kNone)                  \
  X(SOCLE_SECRECY_BY_PROFESSION, socle::SecrecyStatus::kByProfession) \
  X(SOCLE_SECRECY_BY_MISSION, socle::SecrecyStatus::kByMission)
#define SOCLE_CAPI_REASONS(X)                                                         \
  X(SOCLE_REASON_ALLOWED, socle::Reason::kAllowed)                                    \
  X(SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED, socle::Reason::kAllowedAuthorOfMasked)     \
  X(SOCLE_REASON_ALLOWED_REFERENT_OF_MASKED, socle::Reason::kAllowedReferentOfMasked) \
  X(SOCLE_REASON_ALLOWED_BREAK_GLASS, socle::Reason::kAllowedBreakGlass)              \
  X(SOCLE_REASON_ALLOWED_BY_GRANT, socle::Reason::kAllowedByGrant)                    \
  X(SOCLE_REASON_ALLOWED_ARCHIVIST, socle::Reason::kAllowedArchivist)                 \
  X(SOCLE_REASON_ALLOWED_UNDER_RESTRICTION, socle::Reason::kAllowedUnderRestriction)  \
  X(SOCLE_REASON_PROFESSIONAL_LEFT, socle::Reason::kProfessionalLeft)                 \
  X(SOCLE_REASON_BLOCKED, socle::Reason::kBlocked)                                    \
  X(SOCLE_REASON_WORKING_NOTE, socle::Reason::kWorkingNote)                           \
  X(SOCLE_REASON_NOT_ASSIGNED, socle::Reason::kNotAssigned)                           \
  X(SOCLE_REASON_BREAK_GLASS_EXPIRED, socle::Reason::kBreakGlassExpired)              \
  X(SOCLE_REASON_ROLE_DOES_NOT_ALLOW, socle::Reason::kRoleDoesNotAllow)               \
  X(SOCLE_REASON_CATEGORY_OUTSIDE_PURPOSE, socle::Reason::kCategoryOutsidePurpose)    \
  X(SOCLE_REASON_NOT_BOUND_BY_SECRECY, socle::Reason::kNotBoundBySecrecy)             \
  X(SOCLE_REASON_ENTRY_KIND_RESTRICTED, socle::Reason::kEntryKindRestricted)          \
  X(SOCLE_REASON_MASKED, socle::Reason::kMasked)                                      \
  X(SOCLE_REASON_INVALID_REQUEST, socle::Reason::kInvalidRequest)                     \
  X(SOCLE_REASON_NO_CONSENT, socle::Reason::kNoConsent)                               \
  X(SOCLE_REASON_OBJECTION_PENDING, socle::Reason::kObjectionPending)                 \
  X(SOCLE_REASON_OBJECTION_UPHELD, socle::Reason::kObjectionUpheld)                   \
  X(SOCLE_REASON_ITEM_NOT_SHARED, socle::Reason::kItemNotShared)                      \
  X(SOCLE_REASON_ARCHIVED, socle::Reason::kArchived)                                  \
  X(SOCLE_REASON_RESTRICTED, socle::Reason::kRestricted)                              \
  X(SOCLE_REASON_ERASED, socle::Reason::kErased)
#define SOCLE_CAPI_ACCESS_CONSTANTS(X)                                      \
  X(SOCLE_NO_ID, socle::kNoId)                                              \
  X(SOCLE_EFFECT_DENY, socle::Effect::kDeny)                                \
  X(SOCLE_EFFECT_ALLOW, socle::Effect::kAllow)                              \
  X(SOCLE_OBLIGATION_LOG, socle::obligation::kLog)                          \
  X(SOCLE_OBLIGATION_BREAK_GLASS_FLAG, socle::obligation::kBreakGlassFlag)  \
  X(SOCLE_OBLIGATION_NOTIFY_PERSON, socle::obligation::kNotifyPerson)       \
  X(SOCLE_OBLIGATION_NOTIFY_REFERENT, socle::obligation::kNotifyReferent)   \
  X(SOCLE_OBLIGATION_OPEN_REVIEW, socle::obligation::kOpenReview)           \
  X(SOCLE_OBLIGATION_SHOW_PLACEHOLDER, socle::obligation::kShowPlaceholder) \
  X(SOCLE_VIEW_ABSENT, socle::Visibility::kAbsent)                          \
  X(SOCLE_VIEW_VISIBLE, socle::Visibility::kVisible)                        \
  X(SOCLE_VIEW_PLACEHOLDER, socle::Visibility::kPlaceholder)                \
  X(SOCLE_AUDIENCE_EVERYONE, socle::MaskAudience::kEveryone)                \
  X(SOCLE_AUDIENCE_ROLE, socle::MaskAudience::kRole)                        \
  X(SOCLE_AUDIENCE_PROFESSIONAL, socle::MaskAudience::kProfessional)
SOCLE_CAPI_ACTIONS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_ENTRY_KINDS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_SECRECY(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_REASONS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_ACCESS_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)
static_assert(sizeof(socle_decision) == 24);

// The engine's clock: real, or frozen by socle_access_engine_set_time for tests and demos. It never
// goes backwards: Now() is at least every time it returned before and every time it was set to,
// so moving it back cannot reopen a session or a grant that has expired. (Tests that need to
// step back in time inject a FakeClock through the C++ API.)
class SwitchableClock final : public socle::Clock {
 public:
  absl::Time Now() const override {
    const int64_t fixed = fixed_seconds_.load(std::memory_order_acquire);
    const absl::Time t = fixed != 0 ? absl::FromUnixSeconds(fixed) : socle::Clock::Real().Now();
    const int64_t candidate = absl::ToUnixNanos(t);
    int64_t floor = floor_nanos_.load(std::memory_order_acquire);
    while (candidate > floor) {
      if (floor_nanos_.compare_exchange_weak(floor, candidate, std::memory_order_acq_rel)) {
        return t;
      }
    }
    return absl::FromUnixNanos(floor);
  }
  void Set(int64_t seconds) {
    (void)Now();  // the floor reaches the time the clock shows before it moves
    fixed_seconds_.store(seconds, std::memory_order_release);
  }

 private:
  std::atomic<int64_t> fixed_seconds_{0};
  mutable std::atomic<int64_t> floor_nanos_{std::numeric_limits<int64_t>::min()};
};

}  // namespace

struct socle_access_engine {
  SwitchableClock clock;
  std::unique_ptr<socle::AccessEngine> engine;
};

struct socle_explanation {
  socle::Explanation explanation;  // its strings are the NUL-terminated borrowed ones
};

namespace {

// A secrecy status as the C++ enum; 0 is "the role's".
int32_t InputSecrecy(int32_t secrecy, absl::string_view name, socle::SecrecyStatus* out,
                     socle_error** error) {
  switch (secrecy) {
    case 0:
#define SOCLE_CAPI_SECRECY_CASE(c_value, cxx_value) case c_value:
      SOCLE_CAPI_SECRECY(SOCLE_CAPI_SECRECY_CASE)
#undef SOCLE_CAPI_SECRECY_CASE
      *out = static_cast<socle::SecrecyStatus>(secrecy);
      return SOCLE_OK;
  }
  return Fail(
      error, SOCLE_E_INVALID_ARGUMENT,
      absl::StrCat(name, " is ", secrecy, "; use 0 (the role's) or a SOCLE_SECRECY_* value"));
}

// The flattened teams of a bulk load: record i takes the next team_counts[i] of them.
class TeamCursor {
 public:
  TeamCursor(const char* const* teams, const size_t* team_lens)
      : teams_(teams), team_lens_(team_lens) {}

  int32_t Next(size_t count, size_t record, std::vector<std::string>* out, socle_error** error) {
    out->clear();
    if (count == 0) return SOCLE_OK;
    if (teams_ == nullptr) return NullArgument(error, "teams");
    if (team_lens_ == nullptr) return NullArgument(error, "team_lens");
    const size_t first = next_;
    next_ += count;
    return InputList(teams_ + first, team_lens_ + first, count,
                     absl::StrCat("teams (record ", record, ")"), out, error);
  }

 private:
  const char* const* teams_;
  const size_t* team_lens_;
  size_t next_ = 0;
};

absl::Time TimeOf(int64_t unix_seconds) {
  return unix_seconds == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(unix_seconds);
}

// Checks the layout version of a request array.
int32_t CheckVersion(const socle_access_request* request, socle_error** error) {
  if (request->version == 1 || request->version == SOCLE_ACCESS_REQUEST_VERSION) return SOCLE_OK;
  return Fail(error, request->version == 0 ? SOCLE_E_INVALID_ARGUMENT : SOCLE_E_UNSUPPORTED,
              absl::StrCat("socle_access_request version is ", request->version,
                           "; this library reads version ", SOCLE_ACCESS_REQUEST_VERSION,
                           " (fill requests with socle_access_request_init)"));
}

// An item NULL with a length, or longer than any view, makes the request invalid: false. A
// request of layout version 1 ends at item_len: the fields after it are not read.
bool Convert(const socle_access_request& in, uint32_t layout, socle::AccessRequest* out) {
  out->restriction_justification =
      layout >= 2 ? static_cast<socle::RestrictionJustification>(in.restriction_justification)
                  : socle::RestrictionJustification::kNone;
  out->actor = in.actor;
  out->action = static_cast<socle::Action>(in.action);
  out->person = in.person;
  out->category = in.category;
  out->purpose = in.purpose;
  out->kind = static_cast<socle::EntryKind>(in.entry_kind);
  out->author = in.author;
  out->masked = in.masked != 0;
  out->time = TimeOf(in.time_unix_seconds);
  if (!socle::capi::InputFits(in.item, in.item_len)) return false;
  out->item = in.item == nullptr ? absl::string_view() : absl::string_view(in.item, in.item_len);
  return true;
}

void Export(const socle::Decision& d, socle_decision* out) {
  out->effect = static_cast<int32_t>(d.effect);
  out->reason = static_cast<int32_t>(d.reason);
  out->rule = d.rule;
  out->obligations = d.obligations;
  out->revision = d.revision;
}

int32_t BadItem(socle_error** error) {
  return Fail(error, SOCLE_E_INVALID_ARGUMENT,
              "request.item is NULL with a non-zero item_len, or item_len is too large");
}

socle::Decision InvalidDecision(uint64_t revision) {
  socle::Decision d;
  d.reason = socle::Reason::kInvalidRequest;
  d.obligations = socle::obligation::kLog;
  d.revision = revision;
  return d;
}

// The body of the socle_access_engine_find_* lookups: `find` is one of AccessEngine's Find*.
// Person ids never appear in a message; the other ids are names of the directory or the policy.
int32_t Find(const socle_access_engine* engine, const char* id, size_t id_len, uint32_t* out,
             socle_error** error,
             std::optional<uint32_t> (socle::AccessEngine::*find)(absl::string_view) const,
             const char* what, bool echo) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = SOCLE_NO_ID;
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(id, id_len, "id", &v, error));
    const std::optional<uint32_t> found = ((*engine->engine).*find)(v);
    if (found) {
      *out = *found;
      return SOCLE_OK;
    }
    return Fail(error, SOCLE_E_NOT_FOUND,
                echo ? absl::StrCat(what, " '", v.substr(0, 256), "' is not known")
                     : absl::StrCat("no such ", what, " in the directory"));
  });
}

// The borrowed name of a dense id: interned names are std::strings at stable addresses, so
// NUL-terminated and alive with the engine.
const char* Borrowed(absl::string_view name) { return name.empty() ? "" : name.data(); }

// The writes that take string ids (person and professional, person and team…): `write` gets
// their views in order.
template <size_t N, typename Call>
int32_t Write(socle_access_engine* engine, const std::pair<const char*, size_t> (&ids)[N],
              const char* const (&names)[N], uint64_t* out_revision, socle_error** error,
              Call write) {
  ResetNumbers(out_revision);
  if (engine == nullptr) return NullArgument(error, "engine");
  absl::string_view views[N];
  for (size_t i = 0; i < N; ++i) {
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(ids[i].first, ids[i].second, names[i], &views[i], error));
  }
  return Written(write(*engine->engine, views), out_revision, error);
}

int32_t MaskCall(socle_access_engine* engine, bool set, const char* person, size_t person_len,
                 const char* item, size_t item_len, const char* category, size_t category_len,
                 int32_t audience, const char* audience_id, size_t audience_id_len,
                 uint64_t* out_revision, socle_error** error) {
  return Write(engine,
               {{person, person_len},
                {item, item_len},
                {category, category_len},
                {audience_id, audience_id_len}},
               {"person", "item", "category", "audience_id"}, out_revision, error,
               [&](socle::AccessEngine& e, const absl::string_view* v) {
                 socle::MaskSpec mask;
                 mask.person = std::string(v[0]);
                 mask.item = std::string(v[1]);
                 mask.category = std::string(v[2]);
                 mask.audience = static_cast<socle::MaskAudience>(audience);
                 mask.audience_id = std::string(v[3]);
                 return set ? e.SetMask(mask) : e.RevokeMask(mask);
               });
}

// Converts `requests` slice by slice and hands each slice to `apply(slice, base)`. A request
// that cannot be converted goes through with an unknown actor (denied, or absent from a view)
// and is named in the returned status, as is the first failure of `apply`; every request is
// answered all the same.
template <typename Apply>
absl::Status ForEachRequestSlice(const socle_access_request* requests, size_t count,
                                 const char* what, Apply apply) {
  socle::AccessRequest in[kBatchSlice];
  absl::Status first = absl::OkStatus();
  const uint32_t layout = requests[0].version;
  ForEachSlice(count, [&](size_t base, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (!Convert(*socle::capi::RequestAt(requests, base + i), layout, &in[i])) {
        in[i].actor = socle::kNoId;
        if (first.ok()) {
          first = socle::MakeError(
              socle::ErrorCode::kInvalidArgument,
              absl::StrCat(what, " ", base + i,
                           ": item is NULL with a non-zero item_len, or item_len is too large"));
        }
      }
    }
    absl::Status status = apply(absl::MakeConstSpan(in, n), base);
    if (!status.ok() && first.ok()) first = std::move(status);
    return absl::OkStatus();
  }).IgnoreError();
  return first;
}

// The status of a slice of decisions, naming where the slice starts.
absl::Status InSlice(absl::Status status, size_t base) {
  if (status.ok()) return status;
  return socle::MakeError(
      socle::ErrorCodeOf(status),
      absl::StrCat("in the slice starting at request ", base, ": ", status.message()));
}

const socle::ExplanationStep* StepAt(const socle_explanation* explanation, size_t index) {
  if (explanation == nullptr || index >= explanation->explanation.steps.size()) return nullptr;
  return &explanation->explanation.steps[index];
}

}  // namespace

namespace socle::capi {

const AccessEngine& EngineOf(const socle_access_engine& engine) { return *engine.engine; }
AccessEngine& EngineOf(socle_access_engine& engine) { return *engine.engine; }

int32_t CheckRequestVersion(const socle_access_request* request, socle_error** error) {
  return CheckVersion(request, error);
}

bool ConvertRequest(const socle_access_request& in, uint32_t layout, AccessRequest* out) {
  return Convert(in, layout, out);
}

// Version 1 of the struct ends where restriction_justification begins.
static_assert(offsetof(socle_access_request, restriction_justification) %
                      alignof(socle_access_request) ==
                  0,
              "a version 1 request array's stride is the offset of the version 2 fields");

const socle_access_request* RequestAt(const socle_access_request* requests, size_t index) {
  const size_t stride = requests[0].version == 1
                            ? offsetof(socle_access_request, restriction_justification)
                            : sizeof(socle_access_request);
  return reinterpret_cast<const socle_access_request*>(
      reinterpret_cast<const unsigned char*>(requests) + index * stride);
}

void ExportDecision(const Decision& decision, socle_decision* out) { Export(decision, out); }

Decision InvalidRequestDecision(uint64_t revision) { return InvalidDecision(revision); }

int32_t InvalidItem(socle_error** error) { return BadItem(error); }

int32_t CheckColumns(const RequestColumns& c, const int32_t* out_effects, socle_error** error) {
  if (c.actors == nullptr) return NullArgument(error, "actors");
  if (c.actions == nullptr) return NullArgument(error, "actions");
  if (c.persons == nullptr) return NullArgument(error, "persons");
  if (c.categories == nullptr) return NullArgument(error, "categories");
  if (c.purposes == nullptr) return NullArgument(error, "purposes");
  if (out_effects == nullptr) return NullArgument(error, "out_effects");
  if ((c.items == nullptr) != (c.item_lens == nullptr)) {
    return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                "items and item_lens go together: pass both or neither");
  }
  return SOCLE_OK;
}

void ConvertColumns(const RequestColumns& c, size_t base, size_t n, AccessRequest* in,
                    absl::Status* first) {
  for (size_t i = 0; i < n; ++i) {
    const size_t k = base + i;
    AccessRequest& r = in[i];
    r.actor = c.actors[k];
    r.action = static_cast<Action>(c.actions[k]);
    r.person = c.persons[k];
    r.category = c.categories[k];
    r.purpose = c.purposes[k];
    r.kind = c.entry_kinds != nullptr ? static_cast<EntryKind>(c.entry_kinds[k]) : EntryKind::kFact;
    r.author = c.authors != nullptr ? c.authors[k] : kNoId;
    r.masked = c.masked != nullptr && c.masked[k] != 0;
    r.item = absl::string_view();
    if (c.items != nullptr && c.items[k] != nullptr) {
      if (InputFits(c.items[k], c.item_lens[k])) {
        r.item = absl::string_view(c.items[k], c.item_lens[k]);
      } else {
        r.actor = kNoId;  // denied, and named by the status
        if (first->ok()) {
          *first = MakeError(
              ErrorCode::kInvalidArgument,
              absl::StrCat("request ", k, ": item_lens[", k, "] is larger than any item"));
        }
      }
    }
    r.time = c.time;
  }
}

void ExportColumns(absl::Span<const Decision> decided, size_t base, int32_t* out_effects,
                   int32_t* out_reasons, uint32_t* out_rules, uint32_t* out_obligations) {
  for (size_t i = 0; i < decided.size(); ++i) {
    const size_t k = base + i;
    out_effects[k] = static_cast<int32_t>(decided[i].effect);
    if (out_reasons != nullptr) out_reasons[k] = static_cast<int32_t>(decided[i].reason);
    if (out_rules != nullptr) out_rules[k] = decided[i].rule;
    if (out_obligations != nullptr) out_obligations[k] = decided[i].obligations;
  }
}

}  // namespace socle::capi

extern "C" {

void socle_access_request_init(socle_access_request* request) {
  if (request == nullptr) return;
  std::memset(request, 0, sizeof *request);
  request->version = SOCLE_ACCESS_REQUEST_VERSION;
  request->actor = SOCLE_NO_ID;
  request->action = SOCLE_ACTION_READ;
  request->person = SOCLE_NO_ID;
  request->category = SOCLE_NO_ID;
  request->purpose = SOCLE_NO_ID;
  request->entry_kind = SOCLE_ENTRY_FACT;
  request->author = SOCLE_NO_ID;
}

const char* socle_reason_name(int32_t reason) {
  const auto NameOf = [](socle::Reason r) { return socle::Name(r); };
  switch (reason) { SOCLE_CAPI_REASONS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

int32_t socle_access_engine_create(const socle_policy* policy, socle_access_engine** out,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (policy == nullptr) return NullArgument(error, "policy");
    auto engine = std::make_unique<socle_access_engine>();
    socle::AccessEngine::Options options;
    options.clock = &engine->clock;
    auto created = socle::AccessEngine::Create(policy->policy, options);
    if (!created.ok()) return FromStatus(error, created.status());
    engine->engine = *std::move(created);
    *out = engine.release();
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_open(const socle_policy* policy, const socle_ledger* ledger,
                                 socle_access_engine** out, socle_error** error) {
  return socle_access_engine_open_mode(policy, ledger, SOCLE_ENGINE_OPEN_IN_FORCE, out, error);
}

int32_t socle_access_engine_open_mode(const socle_policy* policy, const socle_ledger* ledger,
                                      int32_t mode, socle_access_engine** out,
                                      socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (policy == nullptr) return NullArgument(error, "policy");
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (mode != SOCLE_ENGINE_OPEN_IN_FORCE && mode != SOCLE_ENGINE_OPEN_DEVELOPMENT) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "mode must be SOCLE_ENGINE_OPEN_IN_FORCE or SOCLE_ENGINE_OPEN_DEVELOPMENT");
    }
    auto engine = std::make_unique<socle_access_engine>();
    socle::AccessEngine::Options options;
    options.clock = &engine->clock;
    options.development_mode = mode == SOCLE_ENGINE_OPEN_DEVELOPMENT;
    auto opened = socle::AccessEngine::Open(
        policy->policy, std::make_shared<socle::StateLedger>(socle::capi::LedgerOf(ledger)),
        options);
    if (!opened.ok()) return FromStatus(error, opened.status());
    engine->engine = *std::move(opened);
    *out = engine.release();
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_save_snapshot(socle_access_engine* engine, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    return FromStatus(error, engine->engine->SaveSnapshot());
  });
}

int32_t socle_access_engine_catch_up(socle_access_engine* engine, uint64_t* out_revision,
                                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out_revision == nullptr) return NullArgument(error, "out_revision");
    auto revision = engine->engine->CatchUp();
    if (!revision.ok()) return FromStatus(error, revision.status());
    *out_revision = *revision;
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_follow(socle_access_engine* engine, uint32_t poll_interval_ms,
                                   uint32_t retry_delay_ms, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::AccessEngine::FollowOptions options;
    if (poll_interval_ms != 0) options.poll_interval = absl::Milliseconds(poll_interval_ms);
    if (retry_delay_ms != 0) options.retry_delay = absl::Milliseconds(retry_delay_ms);
    return FromStatus(error, engine->engine->Follow(options));
  });
}

void socle_access_engine_stop_following(socle_access_engine* engine) {
  // Joining a thread can throw std::system_error only on a programming error (a thread joining
  // itself); nothing crosses the boundary all the same.
  Guard(nullptr, [&]() -> int32_t {
    if (engine != nullptr) engine->engine->StopFollowing();
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_follower_status(const socle_access_engine* engine,
                                            int32_t* out_following, uint64_t* out_failures,
                                            int64_t* out_in_step_at_unix_millis,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_following, out_failures, out_in_step_at_unix_millis);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out_following == nullptr) return NullArgument(error, "out_following");
    if (out_failures == nullptr) return NullArgument(error, "out_failures");
    if (out_in_step_at_unix_millis == nullptr) {
      return NullArgument(error, "out_in_step_at_unix_millis");
    }
    const socle::AccessEngine::FollowerStatus status = engine->engine->follower_status();
    *out_following = status.following ? 1 : 0;
    *out_failures = status.failures;
    *out_in_step_at_unix_millis =
        status.in_step_at == absl::InfinitePast() ? 0 : absl::ToUnixMillis(status.in_step_at);
    return FromStatus(error, status.status);
  });
}

int32_t socle_access_engine_follower_last_error(const socle_access_engine* engine,
                                                socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    return FromStatus(error, engine->engine->follower_status().last_error);
  });
}

void socle_access_engine_free(socle_access_engine* engine) { delete engine; }

void socle_access_engine_set_time(socle_access_engine* engine, int64_t unix_seconds) {
  if (engine != nullptr) engine->clock.Set(unix_seconds);
}

uint64_t socle_access_engine_revision(const socle_access_engine* engine) {
  return engine != nullptr ? engine->engine->revision() : 0;
}

int32_t socle_access_engine_wait_for_revision(const socle_access_engine* engine, uint64_t revision,
                                              int64_t timeout_ms, int32_t* out_reached,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_reached);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out_reached == nullptr) return NullArgument(error, "out_reached");
    if (timeout_ms < 0) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  absl::StrCat("timeout_ms is ", timeout_ms, "; it must not be negative"));
    }
    *out_reached =
        engine->engine->WaitForRevision(revision, absl::Milliseconds(timeout_ms)) ? 1 : 0;
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_find_professional(const socle_access_engine* engine, const char* id,
                                              size_t id_len, uint32_t* out, socle_error** error) {
  return Find(engine, id, id_len, out, error, &socle::AccessEngine::FindProfessional,
              "professional", true);
}

int32_t socle_access_engine_find_person(const socle_access_engine* engine, const char* id,
                                        size_t id_len, uint32_t* out, socle_error** error) {
  return Find(engine, id, id_len, out, error, &socle::AccessEngine::FindPerson, "person", false);
}

int32_t socle_access_engine_find_team(const socle_access_engine* engine, const char* id,
                                      size_t id_len, uint32_t* out, socle_error** error) {
  return Find(engine, id, id_len, out, error, &socle::AccessEngine::FindTeam, "team", true);
}

int32_t socle_access_engine_find_category(const socle_access_engine* engine, const char* id,
                                          size_t id_len, uint32_t* out, socle_error** error) {
  return Find(engine, id, id_len, out, error, &socle::AccessEngine::FindCategory, "data category",
              true);
}

int32_t socle_access_engine_find_purpose(const socle_access_engine* engine, const char* id,
                                         size_t id_len, uint32_t* out, socle_error** error) {
  return Find(engine, id, id_len, out, error, &socle::AccessEngine::FindPurpose, "activity", true);
}

const char* socle_access_engine_professional_name(const socle_access_engine* engine, uint32_t id) {
  return engine != nullptr ? Borrowed(engine->engine->ProfessionalName(id)) : "";
}

const char* socle_access_engine_person_name(const socle_access_engine* engine, uint32_t id) {
  return engine != nullptr ? Borrowed(engine->engine->PersonName(id)) : "";
}

const char* socle_access_engine_team_name(const socle_access_engine* engine, uint32_t id) {
  return engine != nullptr ? Borrowed(engine->engine->TeamName(id)) : "";
}

int32_t socle_access_engine_rule_name(const socle_access_engine* engine, uint32_t rule,
                                      socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    return FillBuffer(out, engine->engine->RuleName(rule), error);
  });
}

int32_t socle_access_engine_load_directory_tsv(socle_access_engine* engine,
                                               const char* professionals, size_t professionals_len,
                                               const char* persons, size_t persons_len,
                                               uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{professionals, professionals_len}, {persons, persons_len}},
                 {"professionals", "persons"}, out_revision, error,
                 [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.LoadDirectoryTsv(v[0], v[1]);
                 });
  });
}

int32_t socle_access_engine_load_directory_tsv_files(socle_access_engine* engine,
                                                     const char* professionals_path,
                                                     const char* persons_path,
                                                     uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (professionals_path == nullptr) return NullArgument(error, "professionals_path");
    if (persons_path == nullptr) return NullArgument(error, "persons_path");
    return Written(engine->engine->LoadDirectoryTsvFiles(professionals_path, persons_path),
                   out_revision, error);
  });
}

int32_t socle_access_engine_load_professionals(socle_access_engine* engine, size_t count,
                                               const char* const* ids, const size_t* id_lens,
                                               const char* const* roles, const size_t* role_lens,
                                               const size_t* team_counts, const char* const* teams,
                                               const size_t* team_lens, const int32_t* secrecy,
                                               uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (count > 0 && team_counts == nullptr) return NullArgument(error, "team_counts");
    std::vector<std::string> id_list, role_list;
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(ids, id_lens, count, "ids", &id_list, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(roles, role_lens, count, "roles", &role_list, error));
    socle::DirectoryData data;
    data.professionals.resize(count);
    TeamCursor cursor(teams, team_lens);
    for (size_t i = 0; i < count; ++i) {
      socle::ProfessionalEntry& e = data.professionals[i];
      e.id = std::move(id_list[i]);
      e.role = std::move(role_list[i]);
      SOCLE_CAPI_RETURN_IF_FAILED(cursor.Next(team_counts[i], i, &e.teams, error));
      if (secrecy != nullptr) {
        SOCLE_CAPI_RETURN_IF_FAILED(
            InputSecrecy(secrecy[i], absl::StrCat("secrecy[", i, "]"), &e.secrecy, error));
      }
    }
    return Written(engine->engine->LoadDirectory(data), out_revision, error);
  });
}

int32_t socle_access_engine_load_persons(socle_access_engine* engine, size_t count,
                                         const char* const* ids, const size_t* id_lens,
                                         const size_t* team_counts, const char* const* teams,
                                         const size_t* team_lens, const char* const* referents,
                                         const size_t* referent_lens, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (count > 0 && team_counts == nullptr) return NullArgument(error, "team_counts");
    if ((referents == nullptr) != (referent_lens == nullptr)) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "referents and referent_lens go together: pass both or neither");
    }
    std::vector<std::string> id_list, referent_list;
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(ids, id_lens, count, "ids", &id_list, error));
    if (referents != nullptr) {
      SOCLE_CAPI_RETURN_IF_FAILED(
          InputList(referents, referent_lens, count, "referents", &referent_list, error));
    }
    socle::DirectoryData data;
    data.persons.resize(count);
    TeamCursor cursor(teams, team_lens);
    for (size_t i = 0; i < count; ++i) {
      socle::PersonEntry& e = data.persons[i];
      e.id = std::move(id_list[i]);
      SOCLE_CAPI_RETURN_IF_FAILED(cursor.Next(team_counts[i], i, &e.teams, error));
      if (referents != nullptr) e.referent = std::move(referent_list[i]);
    }
    return Written(engine->engine->LoadDirectory(data), out_revision, error);
  });
}

int32_t socle_access_engine_apply_event(socle_access_engine* engine, const uint8_t* event,
                                        size_t event_len, uint64_t* out_revision,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(
        engine, {{reinterpret_cast<const char*>(event), event_len}}, {"event"}, out_revision, error,
        [](socle::AccessEngine& e, const absl::string_view* v) { return e.ApplyEvent(v[0]); });
  });
}

int32_t socle_access_engine_apply_event_batch(socle_access_engine* engine, const uint8_t* batch,
                                              size_t batch_len, uint64_t* out_revision,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(
        engine, {{reinterpret_cast<const char*>(batch), batch_len}}, {"batch"}, out_revision, error,
        [](socle::AccessEngine& e, const absl::string_view* v) { return e.ApplyEventBatch(v[0]); });
  });
}

int32_t socle_access_engine_upsert_professional(socle_access_engine* engine, const char* id,
                                                size_t id_len, const char* role, size_t role_len,
                                                const char* const* teams, const size_t* team_lens,
                                                size_t team_count, int32_t secrecy,
                                                uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    socle::ProfessionalEntry entry;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputList(teams, team_lens, team_count, "teams", &entry.teams, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputSecrecy(secrecy, "secrecy", &entry.secrecy, error));
    return Write(engine, {{id, id_len}, {role, role_len}}, {"id", "role"}, out_revision, error,
                 [&](socle::AccessEngine& e, const absl::string_view* v) {
                   entry.id = std::string(v[0]);
                   entry.role = std::string(v[1]);
                   return e.UpsertProfessional(entry);
                 });
  });
}

int32_t socle_access_engine_professional_leaves(socle_access_engine* engine, const char* id,
                                                size_t id_len, uint64_t* out_revision,
                                                socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{id, id_len}}, {"id"}, out_revision, error,
                 [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.ProfessionalLeaves(v[0]);
                 });
  });
}

int32_t socle_access_engine_upsert_person(socle_access_engine* engine, const char* id,
                                          size_t id_len, const char* const* teams,
                                          const size_t* team_lens, size_t team_count,
                                          const char* referent, size_t referent_len,
                                          uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    socle::PersonEntry entry;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputList(teams, team_lens, team_count, "teams", &entry.teams, error));
    return Write(engine, {{id, id_len}, {referent, referent_len}}, {"id", "referent"}, out_revision,
                 error, [&](socle::AccessEngine& e, const absl::string_view* v) {
                   entry.id = std::string(v[0]);
                   entry.referent = std::string(v[1]);
                   return e.UpsertPerson(entry);
                 });
  });
}

int32_t socle_access_engine_assign(socle_access_engine* engine, const char* person,
                                   size_t person_len, const char* team, size_t team_len,
                                   uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(
        engine, {{person, person_len}, {team, team_len}}, {"person", "team"}, out_revision, error,
        [](socle::AccessEngine& e, const absl::string_view* v) { return e.Assign(v[0], v[1]); });
  });
}

int32_t socle_access_engine_unassign(socle_access_engine* engine, const char* person,
                                     size_t person_len, const char* team, size_t team_len,
                                     uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(
        engine, {{person, person_len}, {team, team_len}}, {"person", "team"}, out_revision, error,
        [](socle::AccessEngine& e, const absl::string_view* v) { return e.Unassign(v[0], v[1]); });
  });
}

int32_t socle_access_engine_set_referent(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* referent,
                                         size_t referent_len, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{person, person_len}, {referent, referent_len}}, {"person", "referent"},
                 out_revision, error, [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.SetReferent(v[0], v[1]);
                 });
  });
}

int32_t socle_access_engine_set_mask(socle_access_engine* engine, const char* person,
                                     size_t person_len, const char* item, size_t item_len,
                                     const char* category, size_t category_len, int32_t audience,
                                     const char* audience_id, size_t audience_id_len,
                                     uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return MaskCall(engine, true, person, person_len, item, item_len, category, category_len,
                    audience, audience_id, audience_id_len, out_revision, error);
  });
}

int32_t socle_access_engine_revoke_mask(socle_access_engine* engine, const char* person,
                                        size_t person_len, const char* item, size_t item_len,
                                        const char* category, size_t category_len, int32_t audience,
                                        const char* audience_id, size_t audience_id_len,
                                        uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return MaskCall(engine, false, person, person_len, item, item_len, category, category_len,
                    audience, audience_id, audience_id_len, out_revision, error);
  });
}

int32_t socle_access_engine_block(socle_access_engine* engine, const char* person,
                                  size_t person_len, const char* professional,
                                  size_t professional_len, uint64_t* out_revision,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(
        engine, {{person, person_len}, {professional, professional_len}},
        {"person", "professional"}, out_revision, error,
        [](socle::AccessEngine& e, const absl::string_view* v) { return e.Block(v[0], v[1]); });
  });
}

int32_t socle_access_engine_unblock(socle_access_engine* engine, const char* person,
                                    size_t person_len, const char* professional,
                                    size_t professional_len, uint64_t* out_revision,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(
        engine, {{person, person_len}, {professional, professional_len}},
        {"person", "professional"}, out_revision, error,
        [](socle::AccessEngine& e, const absl::string_view* v) { return e.Unblock(v[0], v[1]); });
  });
}

int32_t socle_access_engine_open_break_glass(socle_access_engine* engine, const char* actor,
                                             size_t actor_len, const char* person,
                                             size_t person_len, const char* reason_code,
                                             size_t reason_code_len, const char* justification,
                                             size_t justification_len, int64_t duration_seconds,
                                             int64_t* out_expires_at_unix_seconds,
                                             uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_expires_at_unix_seconds);
    return Write(
        engine,
        {{actor, actor_len},
         {person, person_len},
         {reason_code, reason_code_len},
         {justification, justification_len}},
        {"actor", "person", "reason_code", "justification"}, out_revision, error,
        [&](socle::AccessEngine& e, const absl::string_view* v) -> absl::StatusOr<uint64_t> {
          socle::BreakGlassRequest request;
          request.actor = std::string(v[0]);
          request.person = std::string(v[1]);
          request.reason_code = std::string(v[2]);
          request.justification = std::string(v[3]);
          request.duration = absl::Seconds(duration_seconds);
          auto session = e.OpenBreakGlass(request);
          if (!session.ok()) return session.status();
          if (out_expires_at_unix_seconds != nullptr) {
            *out_expires_at_unix_seconds = absl::ToUnixSeconds(session->expires_at);
          }
          return session->revision;
        });
  });
}

int32_t socle_access_engine_close_break_glass(socle_access_engine* engine, const char* actor,
                                              size_t actor_len, const char* person,
                                              size_t person_len, uint64_t* out_revision,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{actor, actor_len}, {person, person_len}}, {"actor", "person"},
                 out_revision, error, [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.CloseBreakGlass(v[0], v[1]);
                 });
  });
}

int32_t socle_access_engine_record_emergency_access_objection(socle_access_engine* engine,
                                                              const char* person, size_t person_len,
                                                              uint64_t* out_revision,
                                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{person, person_len}}, {"person"}, out_revision, error,
                 [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.RecordEmergencyAccessObjection(v[0]);
                 });
  });
}

int32_t socle_access_engine_revoke_emergency_access_objection(socle_access_engine* engine,
                                                              const char* person, size_t person_len,
                                                              uint64_t* out_revision,
                                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{person, person_len}}, {"person"}, out_revision, error,
                 [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.RevokeEmergencyAccessObjection(v[0]);
                 });
  });
}

int32_t socle_access_engine_grant(socle_access_engine* engine, const char* person,
                                  size_t person_len, const char* professional,
                                  size_t professional_len, const char* const* categories,
                                  const size_t* category_lens, size_t category_count,
                                  int64_t expires_at_unix_seconds, uint64_t* out_revision,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    socle::GrantSpec grant;
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(categories, category_lens, category_count, "categories",
                                          &grant.categories, error));
    if (expires_at_unix_seconds != 0) {
      grant.expires_at = absl::FromUnixSeconds(expires_at_unix_seconds);
    }
    return Write(engine, {{person, person_len}, {professional, professional_len}},
                 {"person", "professional"}, out_revision, error,
                 [&](socle::AccessEngine& e, const absl::string_view* v) {
                   grant.person = std::string(v[0]);
                   grant.professional = std::string(v[1]);
                   return e.Grant(grant);
                 });
  });
}

int32_t socle_access_engine_revoke_grant(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* professional,
                                         size_t professional_len, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return Write(engine, {{person, person_len}, {professional, professional_len}},
                 {"person", "professional"}, out_revision, error,
                 [](socle::AccessEngine& e, const absl::string_view* v) {
                   return e.RevokeGrant(v[0], v[1]);
                 });
  });
}

int32_t socle_access_engine_decide(const socle_access_engine* engine,
                                   const socle_access_request* request, socle_decision* out,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    if (request == nullptr) return NullArgument(error, "request");
    if (out == nullptr) return NullArgument(error, "out");
    SOCLE_CAPI_RETURN_IF_FAILED(CheckVersion(request, error));
    socle::AccessRequest r;
    const auto snapshot = engine->engine->snapshot();
    if (!Convert(*request, request->version, &r)) {
      Export(InvalidDecision(snapshot->revision()), out);
      return BadItem(error);
    }
    auto decision = snapshot->Decide(r);
    if (!decision.ok()) {
      Export(InvalidDecision(snapshot->revision()), out);
      return FromStatus(error, decision.status());
    }
    Export(*decision, out);
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_decide_many(const socle_access_engine* engine,
                                        const socle_access_request* requests, size_t count,
                                        socle_decision* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    if (count == 0) return SOCLE_OK;
    if (requests == nullptr) return NullArgument(error, "requests");
    if (out == nullptr) return NullArgument(error, "out");
    SOCLE_CAPI_RETURN_IF_FAILED(CheckVersion(&requests[0], error));
    const auto snapshot = engine->engine->snapshot();
    socle::Decision decided[kBatchSlice];
    return FromStatus(
        error, ForEachRequestSlice(requests, count, "request",
                                   [&](absl::Span<const socle::AccessRequest> in, size_t base) {
                                     absl::Status status = snapshot->DecideMany(
                                         in, absl::MakeSpan(decided, in.size()));
                                     for (size_t i = 0; i < in.size(); ++i)
                                       Export(decided[i], &out[base + i]);
                                     return InSlice(std::move(status), base);
                                   }));
  });
}

int32_t socle_access_engine_decide_columns(
    const socle_access_engine* engine, size_t count, const uint32_t* actors, const int32_t* actions,
    const uint32_t* persons, const uint32_t* categories, const uint32_t* purposes,
    const int32_t* entry_kinds, const uint32_t* authors, const int32_t* masked,
    const char* const* items, const size_t* item_lens, int64_t time_unix_seconds,
    int32_t* out_effects, int32_t* out_reasons, uint32_t* out_rules, uint32_t* out_obligations,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    const auto snapshot = engine->engine->snapshot();
    if (out_revision != nullptr) *out_revision = snapshot->revision();
    if (count == 0) return SOCLE_OK;
    const socle::capi::RequestColumns columns{actors,
                                              actions,
                                              persons,
                                              categories,
                                              purposes,
                                              entry_kinds,
                                              authors,
                                              masked,
                                              items,
                                              item_lens,
                                              TimeOf(time_unix_seconds)};
    SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::CheckColumns(columns, out_effects, error));
    socle::AccessRequest in[kBatchSlice];
    socle::Decision decided[kBatchSlice];
    absl::Status first = absl::OkStatus();
    ForEachSlice(count, [&](size_t base, size_t n) {
      socle::capi::ConvertColumns(columns, base, n, in, &first);
      absl::Status status =
          snapshot->DecideMany(absl::MakeConstSpan(in, n), absl::MakeSpan(decided, n));
      socle::capi::ExportColumns(absl::MakeConstSpan(decided, n), base, out_effects, out_reasons,
                                 out_rules, out_obligations);
      if (first.ok()) first = InSlice(std::move(status), base);
      return absl::OkStatus();  // every request is answered
    }).IgnoreError();
    return FromStatus(error, first);
  });
}

int32_t socle_access_engine_explain(const socle_access_engine* engine,
                                    const socle_access_request* request, socle_explanation** out,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    if (request == nullptr) return NullArgument(error, "request");
    SOCLE_CAPI_RETURN_IF_FAILED(CheckVersion(request, error));
    socle::AccessRequest r;
    if (!Convert(*request, request->version, &r)) return BadItem(error);
    auto explanation = engine->engine->Explain(r);
    if (!explanation.ok()) return FromStatus(error, explanation.status());
    *out = new socle_explanation{*std::move(explanation)};
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_filter_view(const socle_access_engine* engine,
                                        const socle_access_request* items, size_t count,
                                        int32_t* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    if (count == 0) return SOCLE_OK;
    if (items == nullptr) return NullArgument(error, "items");
    if (out == nullptr) return NullArgument(error, "out");
    SOCLE_CAPI_RETURN_IF_FAILED(CheckVersion(&items[0], error));
    const auto snapshot = engine->engine->snapshot();
    socle::Visibility shown[kBatchSlice];
    return FromStatus(
        error, ForEachRequestSlice(items, count, "item",
                                   [&](absl::Span<const socle::AccessRequest> in, size_t base) {
                                     absl::Status status =
                                         snapshot->FilterView(in, absl::MakeSpan(shown, in.size()));
                                     for (size_t i = 0; i < in.size(); ++i) {
                                       out[base + i] = static_cast<int32_t>(shown[i]);
                                     }
                                     return status;
                                   }));
  });
}

int32_t socle_access_engine_list_persons(const socle_access_engine* engine, uint32_t actor,
                                         uint32_t category, uint32_t purpose, int32_t action,
                                         int64_t time_unix_seconds, uint32_t* out,
                                         size_t out_capacity, size_t* out_count,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out_count == nullptr) return NullArgument(error, "out_count");
    *out_count = 0;
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr && out_capacity != 0) return NullArgument(error, "out");
    auto persons = engine->engine->ListPersons(
        actor, category, purpose, static_cast<socle::Action>(action), TimeOf(time_unix_seconds));
    if (!persons.ok()) return FromStatus(error, persons.status());
    *out_count = persons->size();
    if (persons->size() > out_capacity) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  absl::StrCat("out holds ", out_capacity, " ids; the list has ", persons->size()));
    }
    if (!persons->empty()) std::memcpy(out, persons->data(), persons->size() * sizeof(uint32_t));
    return SOCLE_OK;
  });
}

void socle_explanation_free(socle_explanation* explanation) { delete explanation; }

void socle_explanation_decision(const socle_explanation* explanation, socle_decision* out) {
  if (out == nullptr) return;
  Export(explanation != nullptr ? explanation->explanation.decision : InvalidDecision(0), out);
}

size_t socle_explanation_step_count(const socle_explanation* explanation) {
  return explanation != nullptr ? explanation->explanation.steps.size() : 0;
}

const char* socle_explanation_step_check(const socle_explanation* explanation, size_t index) {
  const socle::ExplanationStep* step = StepAt(explanation, index);
  return step != nullptr ? step->check.c_str() : "";
}

int32_t socle_explanation_step_passed(const socle_explanation* explanation, size_t index) {
  const socle::ExplanationStep* step = StepAt(explanation, index);
  return step != nullptr && step->passed ? 1 : 0;
}

int32_t socle_explanation_step_decisive(const socle_explanation* explanation, size_t index) {
  const socle::ExplanationStep* step = StepAt(explanation, index);
  return step != nullptr && step->decisive ? 1 : 0;
}

const char* socle_explanation_step_rule(const socle_explanation* explanation, size_t index) {
  const socle::ExplanationStep* step = StepAt(explanation, index);
  return step != nullptr ? step->rule.c_str() : "";
}

const char* socle_explanation_step_detail(const socle_explanation* explanation, size_t index) {
  const socle::ExplanationStep* step = StepAt(explanation, index);
  return step != nullptr ? step->detail.c_str() : "";
}

int32_t socle_explanation_to_text(const socle_explanation* explanation, socle_buffer* out,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (explanation == nullptr) return NullArgument(error, "explanation");
    if (out == nullptr) return NullArgument(error, "out");
    return FillBuffer(out, explanation->explanation.ToString(), error);
  });
}

}  // extern "C"
