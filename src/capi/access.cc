// The C ABI of the access engine (include/socle/socle.h, "Access decisions").
#include "socle/access.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "capi/capi_internal.h"
#include "socle/clock.hpp"
#include "socle/error.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::NullArgument;

// The frozen constants of the ABI are the C++ values, one for one.
static_assert(SOCLE_NO_ID == socle::kNoId);
static_assert(SOCLE_ACTION_READ == static_cast<int32_t>(socle::Action::kRead));
static_assert(SOCLE_ACTION_SHARE == static_cast<int32_t>(socle::Action::kShare));
static_assert(SOCLE_ENTRY_FACT == static_cast<int32_t>(socle::EntryKind::kFact));
static_assert(SOCLE_ENTRY_APPRECIATION == static_cast<int32_t>(socle::EntryKind::kAppreciation));
static_assert(SOCLE_ENTRY_THIRD_PARTY_INFORMATION ==
              static_cast<int32_t>(socle::EntryKind::kThirdPartyInformation));
static_assert(SOCLE_ENTRY_WORKING_NOTE == static_cast<int32_t>(socle::EntryKind::kWorkingNote));
static_assert(SOCLE_SECRECY_NONE == static_cast<int32_t>(socle::SecrecyStatus::kNone));
static_assert(SOCLE_SECRECY_BY_PROFESSION ==
              static_cast<int32_t>(socle::SecrecyStatus::kByProfession));
static_assert(SOCLE_SECRECY_BY_MISSION == static_cast<int32_t>(socle::SecrecyStatus::kByMission));
static_assert(SOCLE_EFFECT_DENY == static_cast<int32_t>(socle::Effect::kDeny));
static_assert(SOCLE_EFFECT_ALLOW == static_cast<int32_t>(socle::Effect::kAllow));
static_assert(SOCLE_REASON_ALLOWED == static_cast<int32_t>(socle::Reason::kAllowed));
static_assert(SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED ==
              static_cast<int32_t>(socle::Reason::kAllowedAuthorOfMasked));
static_assert(SOCLE_REASON_ALLOWED_REFERENT_OF_MASKED ==
              static_cast<int32_t>(socle::Reason::kAllowedReferentOfMasked));
static_assert(SOCLE_REASON_ALLOWED_BREAK_GLASS ==
              static_cast<int32_t>(socle::Reason::kAllowedBreakGlass));
static_assert(SOCLE_REASON_ALLOWED_BY_GRANT ==
              static_cast<int32_t>(socle::Reason::kAllowedByGrant));
static_assert(SOCLE_REASON_PROFESSIONAL_LEFT ==
              static_cast<int32_t>(socle::Reason::kProfessionalLeft));
static_assert(SOCLE_REASON_BLOCKED == static_cast<int32_t>(socle::Reason::kBlocked));
static_assert(SOCLE_REASON_WORKING_NOTE == static_cast<int32_t>(socle::Reason::kWorkingNote));
static_assert(SOCLE_REASON_NOT_ASSIGNED == static_cast<int32_t>(socle::Reason::kNotAssigned));
static_assert(SOCLE_REASON_BREAK_GLASS_EXPIRED ==
              static_cast<int32_t>(socle::Reason::kBreakGlassExpired));
static_assert(SOCLE_REASON_ROLE_DOES_NOT_ALLOW ==
              static_cast<int32_t>(socle::Reason::kRoleDoesNotAllow));
static_assert(SOCLE_REASON_CATEGORY_OUTSIDE_PURPOSE ==
              static_cast<int32_t>(socle::Reason::kCategoryOutsidePurpose));
static_assert(SOCLE_REASON_NOT_BOUND_BY_SECRECY ==
              static_cast<int32_t>(socle::Reason::kNotBoundBySecrecy));
static_assert(SOCLE_REASON_ENTRY_KIND_RESTRICTED ==
              static_cast<int32_t>(socle::Reason::kEntryKindRestricted));
static_assert(SOCLE_REASON_MASKED == static_cast<int32_t>(socle::Reason::kMasked));
static_assert(SOCLE_REASON_INVALID_REQUEST == static_cast<int32_t>(socle::Reason::kInvalidRequest));
static_assert(SOCLE_OBLIGATION_LOG == socle::obligation::kLog);
static_assert(SOCLE_OBLIGATION_BREAK_GLASS_FLAG == socle::obligation::kBreakGlassFlag);
static_assert(SOCLE_OBLIGATION_NOTIFY_PERSON == socle::obligation::kNotifyPerson);
static_assert(SOCLE_OBLIGATION_NOTIFY_REFERENT == socle::obligation::kNotifyReferent);
static_assert(SOCLE_OBLIGATION_OPEN_REVIEW == socle::obligation::kOpenReview);
static_assert(SOCLE_OBLIGATION_SHOW_PLACEHOLDER == socle::obligation::kShowPlaceholder);
static_assert(SOCLE_VIEW_ABSENT == static_cast<int32_t>(socle::Visibility::kAbsent));
static_assert(SOCLE_VIEW_VISIBLE == static_cast<int32_t>(socle::Visibility::kVisible));
static_assert(SOCLE_VIEW_PLACEHOLDER == static_cast<int32_t>(socle::Visibility::kPlaceholder));
static_assert(SOCLE_AUDIENCE_EVERYONE == static_cast<int32_t>(socle::MaskAudience::kEveryone));
static_assert(SOCLE_AUDIENCE_ROLE == static_cast<int32_t>(socle::MaskAudience::kRole));
static_assert(SOCLE_AUDIENCE_PROFESSIONAL ==
              static_cast<int32_t>(socle::MaskAudience::kProfessional));
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

// An explanation (socle_access_engine_explain); its strings are NUL-terminated std::strings.
struct socle_explanation {
  socle::Explanation explanation;
};

namespace {

// Requests are converted in slices of this size so batches need no heap allocation.
constexpr size_t kSlice = 256;

int32_t BadArgument(socle_error** error, std::string message) {
  return Fail(error, SOCLE_E_INVALID_ARGUMENT, std::move(message));
}

// A (pointer, length) argument as a view; false (and *status set) for NULL with a length.
bool View(const char* data, size_t len, const char* name, absl::string_view* out, int32_t* status,
          socle_error** error) {
  if (data == nullptr && len != 0) {
    *status = NullArgument(error, name);
    return false;
  }
  *out = data == nullptr ? absl::string_view() : absl::string_view(data, len);
  return true;
}

// An array of `count` strings (pointers and lengths) as a vector; `items` and `lens` may be NULL
// when `count` is 0.
int32_t Strings(const char* const* items, const size_t* lens, size_t count, const char* name,
                std::vector<std::string>* out, socle_error** error) {
  out->clear();
  if (count == 0) return SOCLE_OK;
  if (items == nullptr) return NullArgument(error, name);
  if (lens == nullptr) return NullArgument(error, absl::StrCat(name, " lengths").c_str());
  out->reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (items[i] == nullptr && lens[i] != 0) {
      return NullArgument(error, absl::StrCat(name, "[", i, "]").c_str());
    }
    out->emplace_back(items[i] == nullptr ? absl::string_view()
                                          : absl::string_view(items[i], lens[i]));
  }
  return SOCLE_OK;
}

// Walks the flattened teams of a bulk load: record i takes the next team_counts[i] of them.
struct TeamCursor {
  const char* const* teams;
  const size_t* team_lens;
  size_t next = 0;

  int32_t Take(size_t n, size_t record, std::vector<std::string>* out, socle_error** error) {
    if (n == 0) {
      out->clear();
      return SOCLE_OK;
    }
    if (teams == nullptr || team_lens == nullptr) {
      return NullArgument(error, team_lens == nullptr && teams != nullptr ? "team_lens" : "teams");
    }
    const int32_t status = Strings(teams + next, team_lens + next, n,
                                   absl::StrCat("teams of record ", record).c_str(), out, error);
    next += n;
    return status;
  }
};

absl::Time TimeOf(int64_t unix_seconds) {
  return unix_seconds == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(unix_seconds);
}

// Checks the layout version of a request array.
int32_t CheckVersion(const socle_access_request* request, socle_error** error) {
  if (request->version == SOCLE_ACCESS_REQUEST_VERSION) return SOCLE_OK;
  return Fail(error, request->version == 0 ? SOCLE_E_INVALID_ARGUMENT : SOCLE_E_UNSUPPORTED,
              absl::StrCat("socle_access_request version is ", request->version,
                           "; this library reads version ", SOCLE_ACCESS_REQUEST_VERSION,
                           " (fill requests with socle_access_request_init)"));
}

// Item views may be NULL with a length: such a request is refused up front.
bool Convert(const socle_access_request& in, socle::AccessRequest* out) {
  out->actor = in.actor;
  out->action = static_cast<socle::Action>(in.action);
  out->person = in.person;
  out->category = in.category;
  out->purpose = in.purpose;
  out->kind = static_cast<socle::EntryKind>(in.entry_kind);
  out->author = in.author;
  out->masked = in.masked != 0;
  out->time = TimeOf(in.time_unix_seconds);
  if (in.item == nullptr && in.item_len != 0) return false;
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

socle::Decision InvalidDecision(uint64_t revision) {
  socle::Decision d;
  d.reason = socle::Reason::kInvalidRequest;
  d.obligations = socle::obligation::kLog;
  d.revision = revision;
  return d;
}

// Runs a write and stores its revision.
int32_t Written(const absl::StatusOr<uint64_t>& result, uint64_t* revision, socle_error** error) {
  if (!result.ok()) return FromStatus(error, result.status());
  if (revision != nullptr) *revision = *result;
  return SOCLE_OK;
}

int32_t LookUp(std::optional<uint32_t> found, const char* what, absl::string_view id, bool echo,
               uint32_t* out, socle_error** error) {
  if (found) {
    *out = *found;
    return SOCLE_OK;
  }
  *out = SOCLE_NO_ID;
  return Fail(error, SOCLE_E_NOT_FOUND,
              echo ? absl::StrCat(what, " '", id.substr(0, 256), "' is not known")
                   : absl::StrCat("no such ", what, " in the directory"));
}

// The body of the socle_engine_*_id lookups: `find` is one of AccessEngine's Find* methods.
int32_t LookUpId(const socle_access_engine* engine, const char* id, size_t id_len, uint32_t* out,
                 socle_error** error,
                 std::optional<uint32_t> (socle::AccessEngine::*find)(absl::string_view) const,
                 const char* what, bool echo) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    int32_t status = SOCLE_OK;
    absl::string_view v;
    if (!View(id, id_len, "id", &v, &status, error)) return status;
    return LookUp(((*engine->engine).*find)(v), what, v, echo, out, error);
  });
}

int32_t MaskCall(socle_access_engine* engine, bool set, const char* person, size_t person_len,
                 const char* item, size_t item_len, const char* category, size_t category_len,
                 int32_t audience, const char* audience_id, size_t audience_id_len,
                 uint64_t* revision, socle_error** error) {
  if (engine == nullptr) return NullArgument(error, "engine");
  int32_t status = SOCLE_OK;
  absl::string_view p, i, c, a;
  if (!View(person, person_len, "person", &p, &status, error) ||
      !View(item, item_len, "item", &i, &status, error) ||
      !View(category, category_len, "category", &c, &status, error) ||
      !View(audience_id, audience_id_len, "audience_id", &a, &status, error)) {
    return status;
  }
  socle::MaskSpec mask;
  mask.person = std::string(p);
  mask.item = std::string(i);
  mask.category = std::string(c);
  mask.audience = static_cast<socle::MaskAudience>(audience);
  mask.audience_id = std::string(a);
  return Written(set ? engine->engine->SetMask(mask) : engine->engine->RevokeMask(mask), revision,
                 error);
}

// Two string ids (person and professional, person and team…) and a write.
template <typename Write>
int32_t PairCall(socle_access_engine* engine, const char* a, size_t a_len, const char* a_name,
                 const char* b, size_t b_len, const char* b_name, uint64_t* revision,
                 socle_error** error, Write write) {
  if (engine == nullptr) return NullArgument(error, "engine");
  int32_t status = SOCLE_OK;
  absl::string_view first, second;
  if (!View(a, a_len, a_name, &first, &status, error) ||
      !View(b, b_len, b_name, &second, &status, error)) {
    return status;
  }
  return Written(write(*engine->engine, first, second), revision, error);
}

template <typename Write>
int32_t OneCall(socle_access_engine* engine, const char* a, size_t a_len, const char* a_name,
                uint64_t* revision, socle_error** error, Write write) {
  if (engine == nullptr) return NullArgument(error, "engine");
  int32_t status = SOCLE_OK;
  absl::string_view first;
  if (!View(a, a_len, a_name, &first, &status, error)) return status;
  return Written(write(*engine->engine, first), revision, error);
}

// Converts `requests` slice by slice (no heap allocation) and hands each slice to
// `apply(slice, base)`. A request that cannot be converted goes through with an unknown actor
// (denied, or absent from a view) and is named in the returned status, as is the first failure
// of `apply`; the other requests are answered all the same.
template <typename Apply>
absl::Status ForEachSlice(const socle_access_request* requests, size_t count, const char* what,
                          Apply apply) {
  socle::AccessRequest in[kSlice];
  absl::Status first = absl::OkStatus();
  for (size_t base = 0; base < count; base += kSlice) {
    const size_t n = std::min(kSlice, count - base);
    for (size_t i = 0; i < n; ++i) {
      if (!Convert(requests[base + i], &in[i])) {
        in[i].actor = socle::kNoId;
        if (first.ok()) {
          first = socle::MakeError(
              socle::ErrorCode::kInvalidArgument,
              absl::StrCat(what, " ", base + i, ": item is NULL with a non-zero item_len"));
        }
      }
    }
    absl::Status status = apply(absl::MakeConstSpan(in, n), base);
    if (!status.ok() && first.ok()) first = std::move(status);
  }
  return first;
}

}  // namespace

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
  // Name() returns views of string literals, so .data() is NUL-terminated.
  return socle::Name(static_cast<socle::Reason>(reason)).data();
}

int32_t socle_access_engine_create(const socle_policy* policy, socle_access_engine** out,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
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
  return LookUpId(engine, id, id_len, out, error, &socle::AccessEngine::FindProfessional,
                  "professional", true);
}

int32_t socle_access_engine_find_person(const socle_access_engine* engine, const char* id,
                                        size_t id_len, uint32_t* out, socle_error** error) {
  // A person's id never appears in a message.
  return LookUpId(engine, id, id_len, out, error, &socle::AccessEngine::FindPerson, "person",
                  false);
}

int32_t socle_access_engine_find_team(const socle_access_engine* engine, const char* id,
                                      size_t id_len, uint32_t* out, socle_error** error) {
  return LookUpId(engine, id, id_len, out, error, &socle::AccessEngine::FindTeam, "team", true);
}

int32_t socle_access_engine_find_category(const socle_access_engine* engine, const char* id,
                                          size_t id_len, uint32_t* out, socle_error** error) {
  return LookUpId(engine, id, id_len, out, error, &socle::AccessEngine::FindCategory,
                  "data category", true);
}

int32_t socle_access_engine_find_purpose(const socle_access_engine* engine, const char* id,
                                         size_t id_len, uint32_t* out, socle_error** error) {
  return LookUpId(engine, id, id_len, out, error, &socle::AccessEngine::FindPurpose, "activity",
                  true);
}

const char* socle_access_engine_professional_name(const socle_access_engine* engine, uint32_t id) {
  if (engine == nullptr) return "";
  // Interned names are std::strings at stable addresses: NUL-terminated, alive with the engine.
  const absl::string_view name = engine->engine->ProfessionalName(id);
  return name.empty() ? "" : name.data();
}

const char* socle_access_engine_person_name(const socle_access_engine* engine, uint32_t id) {
  if (engine == nullptr) return "";
  const absl::string_view name = engine->engine->PersonName(id);
  return name.empty() ? "" : name.data();
}

const char* socle_access_engine_team_name(const socle_access_engine* engine, uint32_t id) {
  if (engine == nullptr) return "";
  const absl::string_view name = engine->engine->TeamName(id);
  return name.empty() ? "" : name.data();
}

int32_t socle_access_engine_rule_name(const socle_access_engine* engine, uint32_t rule,
                                      socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    out->data = nullptr;
    out->size = 0;
    return FillBuffer(out, engine->engine->RuleName(rule), error);
  });
}

int32_t socle_access_engine_load_directory_tsv(socle_access_engine* engine,
                                               const char* professionals, size_t professionals_len,
                                               const char* persons, size_t persons_len,
                                               uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, professionals, professionals_len, "professionals", persons, persons_len,
                    "persons", out_revision, error,
                    [](socle::AccessEngine& e, absl::string_view a, absl::string_view b) {
                      return e.LoadDirectoryTsv(a, b);
                    });
  });
}

int32_t socle_access_engine_load_directory_tsv_files(socle_access_engine* engine,
                                                     const char* professionals_path,
                                                     const char* persons_path,
                                                     uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
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
    if (engine == nullptr) return NullArgument(error, "engine");
    if (count > 0 && (ids == nullptr || id_lens == nullptr)) return NullArgument(error, "ids");
    if (count > 0 && (roles == nullptr || role_lens == nullptr)) {
      return NullArgument(error, "roles");
    }
    if (count > 0 && team_counts == nullptr) return NullArgument(error, "team_counts");
    socle::DirectoryData data;
    data.professionals.resize(count);
    TeamCursor cursor{teams, team_lens};
    for (size_t i = 0; i < count; ++i) {
      int32_t status = SOCLE_OK;
      absl::string_view id, role;
      if (!View(ids[i], id_lens[i], "ids[i]", &id, &status, error) ||
          !View(roles[i], role_lens[i], "roles[i]", &role, &status, error)) {
        return status;
      }
      socle::ProfessionalEntry& e = data.professionals[i];
      e.id = std::string(id);
      e.role = std::string(role);
      status = cursor.Take(team_counts[i], i, &e.teams, error);
      if (status != SOCLE_OK) return status;
      if (secrecy != nullptr) {
        if (secrecy[i] < 0 || secrecy[i] > SOCLE_SECRECY_BY_MISSION) {
          return BadArgument(error,
                             absl::StrCat("secrecy[", i, "] is ", secrecy[i],
                                          "; use 0 (the role's) or a SOCLE_SECRECY_* value"));
        }
        e.secrecy = static_cast<socle::SecrecyStatus>(secrecy[i]);
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
    if (engine == nullptr) return NullArgument(error, "engine");
    if (count > 0 && (ids == nullptr || id_lens == nullptr)) return NullArgument(error, "ids");
    if (count > 0 && team_counts == nullptr) return NullArgument(error, "team_counts");
    if ((referents == nullptr) != (referent_lens == nullptr)) {
      return BadArgument(error, "referents and referent_lens go together: pass both or neither");
    }
    socle::DirectoryData data;
    data.persons.resize(count);
    TeamCursor cursor{teams, team_lens};
    for (size_t i = 0; i < count; ++i) {
      int32_t status = SOCLE_OK;
      absl::string_view id, referent;
      if (!View(ids[i], id_lens[i], "ids[i]", &id, &status, error) ||
          (referents != nullptr &&
           !View(referents[i], referent_lens[i], "referents[i]", &referent, &status, error))) {
        return status;
      }
      socle::PersonEntry& e = data.persons[i];
      e.id = std::string(id);
      status = cursor.Take(team_counts[i], i, &e.teams, error);
      if (status != SOCLE_OK) return status;
      e.referent = std::string(referent);
    }
    return Written(engine->engine->LoadDirectory(data), out_revision, error);
  });
}

int32_t socle_access_engine_apply_event(socle_access_engine* engine, const uint8_t* event,
                                        size_t event_len, uint64_t* out_revision,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return OneCall(
        engine, reinterpret_cast<const char*>(event), event_len, "event", out_revision, error,
        [](socle::AccessEngine& e, absl::string_view bytes) { return e.ApplyEvent(bytes); });
  });
}

int32_t socle_access_engine_apply_event_batch(socle_access_engine* engine, const uint8_t* batch,
                                              size_t batch_len, uint64_t* out_revision,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return OneCall(
        engine, reinterpret_cast<const char*>(batch), batch_len, "batch", out_revision, error,
        [](socle::AccessEngine& e, absl::string_view bytes) { return e.ApplyEventBatch(bytes); });
  });
}

int32_t socle_access_engine_upsert_professional(socle_access_engine* engine, const char* id,
                                                size_t id_len, const char* role, size_t role_len,
                                                const char* const* teams, const size_t* team_lens,
                                                size_t team_count, int32_t secrecy,
                                                uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    int32_t status = SOCLE_OK;
    absl::string_view i, r;
    if (!View(id, id_len, "id", &i, &status, error) ||
        !View(role, role_len, "role", &r, &status, error)) {
      return status;
    }
    if (secrecy < 0 || secrecy > SOCLE_SECRECY_BY_MISSION) {
      return BadArgument(error, absl::StrCat("secrecy is ", secrecy,
                                             "; use 0 (the role's) or a SOCLE_SECRECY_* value"));
    }
    socle::ProfessionalEntry entry;
    status = Strings(teams, team_lens, team_count, "teams", &entry.teams, error);
    if (status != SOCLE_OK) return status;
    entry.id = std::string(i);
    entry.role = std::string(r);
    entry.secrecy = static_cast<socle::SecrecyStatus>(secrecy);
    return Written(engine->engine->UpsertProfessional(entry), out_revision, error);
  });
}

int32_t socle_access_engine_professional_leaves(socle_access_engine* engine, const char* id,
                                                size_t id_len, uint64_t* out_revision,
                                                socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return OneCall(
        engine, id, id_len, "id", out_revision, error,
        [](socle::AccessEngine& e, absl::string_view p) { return e.ProfessionalLeaves(p); });
  });
}

int32_t socle_access_engine_upsert_person(socle_access_engine* engine, const char* id,
                                          size_t id_len, const char* const* teams,
                                          const size_t* team_lens, size_t team_count,
                                          const char* referent, size_t referent_len,
                                          uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (engine == nullptr) return NullArgument(error, "engine");
    int32_t status = SOCLE_OK;
    absl::string_view i, r;
    if (!View(id, id_len, "id", &i, &status, error) ||
        !View(referent, referent_len, "referent", &r, &status, error)) {
      return status;
    }
    socle::PersonEntry entry;
    status = Strings(teams, team_lens, team_count, "teams", &entry.teams, error);
    if (status != SOCLE_OK) return status;
    entry.id = std::string(i);
    entry.referent = std::string(r);
    return Written(engine->engine->UpsertPerson(entry), out_revision, error);
  });
}

int32_t socle_access_engine_assign(socle_access_engine* engine, const char* person,
                                   size_t person_len, const char* team, size_t team_len,
                                   uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, person, person_len, "person", team, team_len, "team", out_revision,
                    error, [](socle::AccessEngine& e, absl::string_view p, absl::string_view t) {
                      return e.Assign(p, t);
                    });
  });
}

int32_t socle_access_engine_unassign(socle_access_engine* engine, const char* person,
                                     size_t person_len, const char* team, size_t team_len,
                                     uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, person, person_len, "person", team, team_len, "team", out_revision,
                    error, [](socle::AccessEngine& e, absl::string_view p, absl::string_view t) {
                      return e.Unassign(p, t);
                    });
  });
}

int32_t socle_access_engine_set_referent(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* referent,
                                         size_t referent_len, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, person, person_len, "person", referent, referent_len, "referent",
                    out_revision, error,
                    [](socle::AccessEngine& e, absl::string_view p, absl::string_view r) {
                      return e.SetReferent(p, r);
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
    return PairCall(engine, person, person_len, "person", professional, professional_len,
                    "professional", out_revision, error,
                    [](socle::AccessEngine& e, absl::string_view p, absl::string_view q) {
                      return e.Block(p, q);
                    });
  });
}

int32_t socle_access_engine_unblock(socle_access_engine* engine, const char* person,
                                    size_t person_len, const char* professional,
                                    size_t professional_len, uint64_t* out_revision,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, person, person_len, "person", professional, professional_len,
                    "professional", out_revision, error,
                    [](socle::AccessEngine& e, absl::string_view p, absl::string_view q) {
                      return e.Unblock(p, q);
                    });
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
    if (engine == nullptr) return NullArgument(error, "engine");
    int32_t status = SOCLE_OK;
    absl::string_view a, p, r, j;
    if (!View(actor, actor_len, "actor", &a, &status, error) ||
        !View(person, person_len, "person", &p, &status, error) ||
        !View(reason_code, reason_code_len, "reason_code", &r, &status, error) ||
        !View(justification, justification_len, "justification", &j, &status, error)) {
      return status;
    }
    socle::BreakGlassRequest request;
    request.actor = std::string(a);
    request.person = std::string(p);
    request.reason_code = std::string(r);
    request.justification = std::string(j);
    request.duration = absl::Seconds(duration_seconds);
    auto session = engine->engine->OpenBreakGlass(request);
    if (!session.ok()) return FromStatus(error, session.status());
    if (out_expires_at_unix_seconds != nullptr) {
      *out_expires_at_unix_seconds = absl::ToUnixSeconds(session->expires_at);
    }
    if (out_revision != nullptr) *out_revision = session->revision;
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_close_break_glass(socle_access_engine* engine, const char* actor,
                                              size_t actor_len, const char* person,
                                              size_t person_len, uint64_t* out_revision,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, actor, actor_len, "actor", person, person_len, "person", out_revision,
                    error, [](socle::AccessEngine& e, absl::string_view a, absl::string_view p) {
                      return e.CloseBreakGlass(a, p);
                    });
  });
}

int32_t socle_access_engine_record_emergency_access_objection(socle_access_engine* engine,
                                                              const char* person, size_t person_len,
                                                              uint64_t* out_revision,
                                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return OneCall(engine, person, person_len, "person", out_revision, error,
                   [](socle::AccessEngine& e, absl::string_view p) {
                     return e.RecordEmergencyAccessObjection(p);
                   });
  });
}

int32_t socle_access_engine_revoke_emergency_access_objection(socle_access_engine* engine,
                                                              const char* person, size_t person_len,
                                                              uint64_t* out_revision,
                                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return OneCall(engine, person, person_len, "person", out_revision, error,
                   [](socle::AccessEngine& e, absl::string_view p) {
                     return e.RevokeEmergencyAccessObjection(p);
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
    if (engine == nullptr) return NullArgument(error, "engine");
    int32_t status = SOCLE_OK;
    absl::string_view p, q;
    if (!View(person, person_len, "person", &p, &status, error) ||
        !View(professional, professional_len, "professional", &q, &status, error)) {
      return status;
    }
    socle::GrantSpec grant;
    status =
        Strings(categories, category_lens, category_count, "categories", &grant.categories, error);
    if (status != SOCLE_OK) return status;
    grant.person = std::string(p);
    grant.professional = std::string(q);
    if (expires_at_unix_seconds != 0) {
      grant.expires_at = absl::FromUnixSeconds(expires_at_unix_seconds);
    }
    return Written(engine->engine->Grant(grant), out_revision, error);
  });
}

int32_t socle_access_engine_revoke_grant(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* professional,
                                         size_t professional_len, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    return PairCall(engine, person, person_len, "person", professional, professional_len,
                    "professional", out_revision, error,
                    [](socle::AccessEngine& e, absl::string_view p, absl::string_view q) {
                      return e.RevokeGrant(p, q);
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
    const int32_t version = CheckVersion(request, error);
    if (version != SOCLE_OK) return version;
    socle::AccessRequest r;
    const auto snapshot = engine->engine->snapshot();
    if (!Convert(*request, &r)) {
      Export(InvalidDecision(snapshot->revision()), out);
      return NullArgument(error, "item");
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
    const int32_t version = CheckVersion(&requests[0], error);
    if (version != SOCLE_OK) return version;
    const auto snapshot = engine->engine->snapshot();
    socle::Decision decided[kSlice];
    return FromStatus(error, ForEachSlice(requests, count, "request",
                                          [&](absl::Span<const socle::AccessRequest> in,
                                              size_t base) {
      absl::Status status = snapshot->DecideMany(in, absl::MakeSpan(decided, in.size()));
      for (size_t i = 0; i < in.size(); ++i) Export(decided[i], &out[base + i]);
      if (status.ok()) return status;
      return socle::MakeError(
          socle::ErrorCodeOf(status),
          absl::StrCat("in the slice starting at request ", base, ": ", status.message()));
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
    if (actors == nullptr) return NullArgument(error, "actors");
    if (actions == nullptr) return NullArgument(error, "actions");
    if (persons == nullptr) return NullArgument(error, "persons");
    if (categories == nullptr) return NullArgument(error, "categories");
    if (purposes == nullptr) return NullArgument(error, "purposes");
    if (out_effects == nullptr) return NullArgument(error, "out_effects");
    if ((items == nullptr) != (item_lens == nullptr)) {
      return BadArgument(error, "items and item_lens go together: pass both or neither");
    }
    const absl::Time time = TimeOf(time_unix_seconds);
    socle::AccessRequest in[kSlice];
    socle::Decision decided[kSlice];
    absl::Status first = absl::OkStatus();
    for (size_t base = 0; base < count; base += kSlice) {
      const size_t n = std::min(kSlice, count - base);
      for (size_t i = 0; i < n; ++i) {
        const size_t k = base + i;
        socle::AccessRequest& r = in[i];
        r.actor = actors[k];
        r.action = static_cast<socle::Action>(actions[k]);
        r.person = persons[k];
        r.category = categories[k];
        r.purpose = purposes[k];
        r.kind = entry_kinds != nullptr ? static_cast<socle::EntryKind>(entry_kinds[k])
                                        : socle::EntryKind::kFact;
        r.author = authors != nullptr ? authors[k] : socle::kNoId;
        r.masked = masked != nullptr && masked[k] != 0;
        r.item = absl::string_view();
        if (items != nullptr && items[k] != nullptr)
          r.item = absl::string_view(items[k], item_lens[k]);
        r.time = time;
      }
      absl::Status status =
          snapshot->DecideMany(absl::MakeConstSpan(in, n), absl::MakeSpan(decided, n));
      for (size_t i = 0; i < n; ++i) {
        const size_t k = base + i;
        out_effects[k] = static_cast<int32_t>(decided[i].effect);
        if (out_reasons != nullptr) out_reasons[k] = static_cast<int32_t>(decided[i].reason);
        if (out_rules != nullptr) out_rules[k] = decided[i].rule;
        if (out_obligations != nullptr) out_obligations[k] = decided[i].obligations;
      }
      if (!status.ok() && first.ok()) {
        first = socle::MakeError(
            socle::ErrorCodeOf(status),
            absl::StrCat("in the slice starting at request ", base, ": ", status.message()));
      }
    }
    return FromStatus(error, first);
  });
}

int32_t socle_access_engine_explain(const socle_access_engine* engine,
                                    const socle_access_request* request, socle_explanation** out,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (engine == nullptr) return NullArgument(error, "engine");
    if (request == nullptr) return NullArgument(error, "request");
    const int32_t version = CheckVersion(request, error);
    if (version != SOCLE_OK) return version;
    socle::AccessRequest r;
    if (!Convert(*request, &r)) return NullArgument(error, "item");
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
    const int32_t version = CheckVersion(&items[0], error);
    if (version != SOCLE_OK) return version;
    const auto snapshot = engine->engine->snapshot();
    socle::Visibility shown[kSlice];
    return FromStatus(error, ForEachSlice(items, count, "item",
                                          [&](absl::Span<const socle::AccessRequest> in,
                                              size_t base) {
      absl::Status status = snapshot->FilterView(in, absl::MakeSpan(shown, in.size()));
      for (size_t i = 0; i < in.size(); ++i) out[base + i] = static_cast<int32_t>(shown[i]);
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
  if (explanation == nullptr) {
    Export(InvalidDecision(0), out);
    return;
  }
  Export(explanation->explanation.decision, out);
}

size_t socle_explanation_step_count(const socle_explanation* explanation) {
  return explanation != nullptr ? explanation->explanation.steps.size() : 0;
}

namespace {
const socle::ExplanationStep* StepAt(const socle_explanation* explanation, size_t index) {
  if (explanation == nullptr || index >= explanation->explanation.steps.size()) return nullptr;
  return &explanation->explanation.steps[index];
}
}  // namespace

const char* socle_explanation_step_check(const socle_explanation* explanation, size_t index) {
  const auto* step = StepAt(explanation, index);
  return step != nullptr ? step->check.c_str() : "";
}

int32_t socle_explanation_step_passed(const socle_explanation* explanation, size_t index) {
  const auto* step = StepAt(explanation, index);
  return step != nullptr && step->passed ? 1 : 0;
}

int32_t socle_explanation_step_decisive(const socle_explanation* explanation, size_t index) {
  const auto* step = StepAt(explanation, index);
  return step != nullptr && step->decisive ? 1 : 0;
}

const char* socle_explanation_step_rule(const socle_explanation* explanation, size_t index) {
  const auto* step = StepAt(explanation, index);
  return step != nullptr ? step->rule.c_str() : "";
}

const char* socle_explanation_step_detail(const socle_explanation* explanation, size_t index) {
  const auto* step = StepAt(explanation, index);
  return step != nullptr ? step->detail.c_str() : "";
}

int32_t socle_explanation_to_text(const socle_explanation* explanation, socle_buffer* out,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    out->data = nullptr;
    out->size = 0;
    if (explanation == nullptr) return NullArgument(error, "explanation");
    return FillBuffer(out, explanation->explanation.ToString(), error);
  });
}

}  // extern "C"
