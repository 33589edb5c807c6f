// Shared helpers of the C ABI implementation: one .cc per area (capi.cc for errors, buffers and
// versions; policy.cc, access.cc, vault.cc, pseudonym.cc, text.cc), each a thin translation
// between include/socle/socle.h and the C++ API. No rule of socle lives here: a C body checks its
// pointers, converts, calls the C++ API and converts back.
//
// One way per job, all here:
//   Guard            every extern "C" body runs inside it: no exception crosses the boundary
//   Fail/FromStatus  statuses map one to one onto socle::ErrorCode (NullArgument names a NULL)
//   InputView        a (pointer, length) input as a view, refusing NULL with a length
//   InputViews       an array of strings (pointers and lengths) as views; InputList copies;
//                    InputTexts checks a flat call's named string parameters in one go
//   SetText/AddText  a string setter of an options or spec handle
//   TimeOrNow        a time parameter where 0 is "now by the engine's clock"
//   ResetBuffer      an output buffer emptied before anything can fail; FillBuffer fills it;
//                    ResetHandle and ResetNumbers do the same for handles and numbers
//   Wipe             memory that held a secret or an identifier, overwritten
//   CallVendor       every call into vendor code (key provider callbacks, the reversal hook)
//   ForEachSlice     every batch, cut into slices of kBatchSlice so conversions stay on the stack
//   ElementAt, Borrowed, NumberOf, FlagOf, UnixSecondsOf
//                    the accessors of list handles (socle_breaches, socle_rights_requests, ...):
//                    element i, and its field read as "" or 0 when the handle is NULL or i too big
//   SOCLE_CAPI_*     X-macro tables of the frozen constants: static_asserts and name switches
//
// Handles all have one shape: `struct socle_x { <the owned C++ object(s)>; <NUL-terminated copies
// for the borrowed-string accessors> };`, an aggregate built with `new socle_x{...}` and deleted
// by socle_x_free. A handle used by one area is defined in its area file; the ones several areas
// take (socle_error, socle_policy, socle_vault) are defined here.
#ifndef SOCLE_SRC_CAPI_CAPI_INTERNAL_H_
#define SOCLE_SRC_CAPI_CAPI_INTERNAL_H_

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/socle.h"
#include "socle/storage.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

// ---- Handles shared by several areas ------------------------------------------------------------

struct socle_error {
  int32_t code = SOCLE_E_INTERNAL;
  std::string message;
  std::vector<socle::Diagnostic> diagnostics;
  // A refused export file (export.cc): SOCLE_EXPORT_PROBLEM_* and the byte where it was found.
  int32_t export_problem = 0;
  uint64_t export_offset = 0;
};

// A loaded policy (socle_policy_load); every area that takes a policy reads `policy`.
struct socle_policy {
  socle::Policy policy;
  // NUL-terminated copies for the borrowed-string accessors.
  std::string id;
  std::string revision;
  std::string digest_hex;
};

// An open vault (socle_vault_open); the pseudonymizer may take it as its secret source.
// Shared, because a ledger opened over the vault (socle_ledger_open) keeps it alive.
struct socle_vault {
  std::shared_ptr<socle::Vault> vault;
};

// Where vaults and ledgers are opened (socle_storage_open): immutable.
struct socle_storage {
  socle::Storage storage;
  std::string location;  // NUL-terminated copy of the shown location
};

namespace socle {
class ExportSigningKey;
class ExportWriter;
enum class ConsentChannel : int32_t;
}  // namespace socle

namespace socle::capi {

// ---- Statuses -----------------------------------------------------------------------------------

// Records a failure: the thread-local last message, and an error object if the caller asked
// for one. Never throws: if even that allocation fails, the caller still gets the status code.
int32_t Fail(socle_error** error, int32_t code, std::string message,
             std::vector<Diagnostic> diagnostics = {}) noexcept;

// SOCLE_OK for an OK status; otherwise Fail with the status's socle code and message.
int32_t FromStatus(socle_error** error, const absl::Status& status,
                   std::vector<Diagnostic> diagnostics = {}) noexcept;

// SOCLE_E_INVALID_ARGUMENT naming the NULL parameter.
int32_t NullArgument(socle_error** error, absl::string_view name) noexcept;

// Returns from the enclosing function with the status of `expr` unless it is SOCLE_OK.
#define SOCLE_CAPI_RETURN_IF_FAILED(expr)                          \
  do {                                                             \
    const int32_t socle_capi_status_ = (expr);                     \
    if (socle_capi_status_ != SOCLE_OK) return socle_capi_status_; \
  } while (false)

// Runs `body` with the error out-parameter reset, turning any exception into a status.
template <typename Body>
int32_t Guard(socle_error** error, Body&& body) noexcept {
  if (error != nullptr) *error = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(error, SOCLE_E_NO_MEMORY, "out of memory");
  } catch (...) {
    return Fail(error, SOCLE_E_INTERNAL, "unexpected internal error");
  }
}

// ---- Inputs -------------------------------------------------------------------------------------

// Whether InputView accepts (data, len): not NULL with a length, and no longer than a view can be.
// For hot loops, which report a refused element with InputView itself.
inline bool InputFits(const void* data, size_t len) noexcept {
  return len == 0 || (data != nullptr && len <= absl::string_view().max_size());
}

// The input `data[0, len)` as a view in *out. NULL with a length of 0 is the empty view; NULL with
// a length, or a length no string can have, is SOCLE_E_INVALID_ARGUMENT naming `name`.
int32_t InputView(const void* data, size_t len, absl::string_view name, absl::string_view* out,
                  socle_error** error) noexcept;
// The same for bytes the C++ API takes as a span (any length: the C++ API checks it).
int32_t InputView(const void* data, size_t len, absl::string_view name,
                  absl::Span<const uint8_t>* out, socle_error** error) noexcept;

// A string input copied into `*out` (InputView's checks).
int32_t InputString(const char* data, size_t len, absl::string_view name, std::string* out,
                    socle_error** error);

// SOCLE_OK when the constant `value` is in [low, high] (a family of SOCLE_* constants numbered
// without gaps); otherwise SOCLE_E_INVALID_ARGUMENT naming `name` and the family to use.
int32_t InputEnum(int32_t value, int32_t low, int32_t high, absl::string_view name,
                  absl::string_view family, socle_error** error);
// The same, with the value as the C++ enum E in *out.
template <typename E>
int32_t InputEnum(int32_t value, int32_t low, int32_t high, absl::string_view name,
                  absl::string_view family, E* out, socle_error** error) {
  SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(value, low, high, name, family, error));
  *out = static_cast<E>(value);
  return SOCLE_OK;
}

// The array of `count` strings items[i][0, lens[i]) as views in *out. `items` and `lens` may be
// NULL when `count` is 0; an element may be NULL when its length is 0 (an empty string). Errors
// name `name` and the index.
int32_t InputViews(const char* const* items, const size_t* lens, size_t count,
                   absl::string_view name, std::vector<absl::string_view>* out,
                   socle_error** error);

// The same array copied into strings (for the C++ API's value types).
int32_t InputList(const char* const* items, const size_t* lens, size_t count,
                  absl::string_view name, std::vector<std::string>* out, socle_error** error);

// A "YYYY-MM-DD" input as a day; the message names the parameter, never the value.
int32_t InputDay(const char* text, size_t len, absl::string_view name, absl::CivilDay* out,
                 socle_error** error);

// One string (or bytes) parameter of a flat call: its pointer, length and name.
struct NamedInput {
  const void* data;
  size_t len;
  const char* name;
};

// The views of `inputs`, each checked by InputView (NULL with a length is refused, named), in
// order: the first refused one is the error.
template <size_t N>
int32_t InputTexts(const NamedInput (&inputs)[N], absl::string_view (&out)[N],
                   socle_error** error) {
  for (size_t i = 0; i < N; ++i) {
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(inputs[i].data, inputs[i].len, inputs[i].name, &out[i], error));
  }
  return SOCLE_OK;
}

// The setters of options and spec handles: one string field of `handle->*value` set to the input,
// or one string appended to a list field; a NULL handle is refused as `handle_name`, and the
// handle is unchanged when the input is refused.
template <typename Handle, typename Value>
int32_t SetText(Handle* handle, Value Handle::*value, std::string Value::*field, const char* text,
                size_t len, const char* handle_name, const char* name, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (handle == nullptr) return NullArgument(error, handle_name);
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, len, name, &view, error));
    ((handle->*value).*field).assign(view.data(), view.size());
    return SOCLE_OK;
  });
}
template <typename Handle, typename Value>
int32_t AddText(Handle* handle, Value Handle::*value, std::vector<std::string> Value::*field,
                const char* text, size_t len, const char* handle_name, const char* name,
                socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (handle == nullptr) return NullArgument(error, handle_name);
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, len, name, &view, error));
    ((handle->*value).*field).emplace_back(view);
    return SOCLE_OK;
  });
}

// A SOCLE_CONSENT_CHANNEL_* input (consent.cc; restriction and rights take it too).
int32_t InputChannel(int32_t channel, ConsentChannel* out, socle_error** error);

// A time parameter: 0 is now by the engine's clock (so a test's injected clock), anything else
// Unix seconds.
inline absl::Time TimeOrNow(const AccessEngine& engine, int64_t unix_seconds) {
  return unix_seconds == 0 ? engine.clock().Now() : absl::FromUnixSeconds(unix_seconds);
}

// ---- Outputs ------------------------------------------------------------------------------------

// Empties an output buffer (NULL is ignored): done first, so a failed call leaves it empty.
void ResetBuffer(socle_buffer* out) noexcept;

// Copies `bytes` into `out`, which the caller releases with socle_buffer_free (which wipes it).
int32_t FillBuffer(socle_buffer* out, absl::string_view bytes, socle_error** error);

// Stores the revision of a write (if asked for); the write's failure otherwise.
int32_t Written(const absl::StatusOr<uint64_t>& result, uint64_t* out_revision,
                socle_error** error);

// Sets a constructor's `out` to NULL; SOCLE_E_INVALID_ARGUMENT when `out` itself is NULL.
template <typename Handle>
int32_t ResetHandle(Handle** out, socle_error** error) noexcept {
  if (out == nullptr) return NullArgument(error, "out");
  *out = nullptr;
  return SOCLE_OK;
}

// Zeroes a call's number outputs (NULL ones are skipped): done first, so a failed call leaves
// them 0 unless its comment says otherwise.
template <typename... Number>
void ResetNumbers(Number*... outs) noexcept {
  ((outs != nullptr ? static_cast<void>(*outs = Number{}) : static_cast<void>(0)), ...);
}

// Overwrites memory that held a secret or a personal identifier (the compiler keeps the stores).
void Wipe(void* data, size_t size) noexcept;

// ---- Vendor code --------------------------------------------------------------------------------

// Runs one call into vendor code (`call` returns the vendor's int32_t status): errno is the
// caller's again afterwards, exceptions stop here, and the vendor's status becomes a socle status
// whose message names only `what` ("key provider: the unwrap callback"): SOCLE_OK is OK, a
// SOCLE_E_* code is kept, anything else is SOCLE_E_INTERNAL.
template <typename Call>
absl::Status CallVendor(absl::string_view what, Call&& call) noexcept {
  const int saved_errno = errno;
  int32_t rc = SOCLE_E_INTERNAL;
  bool threw = false;
  try {
    rc = call();
  } catch (...) {
    threw = true;
  }
  errno = saved_errno;
  try {
    if (threw) return MakeError(ErrorCode::kInternal, std::string(what) + " threw an exception");
    if (rc == SOCLE_OK) return absl::OkStatus();
    if (rc > SOCLE_OK && rc <= SOCLE_E_DATA_LOSS) {
      const auto code = static_cast<ErrorCode>(rc);
      return MakeError(code,
                       std::string(what) + " failed (" + std::string(ErrorCodeName(code)) + ")");
    }
    return MakeError(ErrorCode::kInternal,
                     std::string(what) + " returned an unknown status " + std::to_string(rc));
  } catch (...) {
    return absl::InternalError("out of memory");
  }
}

// ---- Batches ------------------------------------------------------------------------------------

// Batch calls convert their inputs slice by slice into arrays of this many elements on the stack,
// so a batch allocates nothing whatever its size.
inline constexpr size_t kBatchSlice = 256;

// Calls `slice(base, n)` for [base, base + n) covering [0, count) in order, n <= kBatchSlice, and
// stops at the first error, which it returns. A batch that answers every element whatever happens
// (decide_many) keeps its first error itself and returns OK from `slice`.
template <typename Slice>
absl::Status ForEachSlice(size_t count, Slice&& slice) {
  for (size_t base = 0; base < count; base += kBatchSlice) {
    absl::Status status = slice(base, std::min(kBatchSlice, count - base));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// ---- List handles -------------------------------------------------------------------------------
// A list handle keeps its lines in a vector; its accessors take (handle, index) and answer "" or 0
// when the handle is NULL or the index past the end, so that a caller's loop bound is the only
// check it needs.

// Element `index` of `handle->*list`, or nullptr for a NULL handle or an index past the end.
template <typename Handle, typename Line>
const Line* ElementAt(const Handle* handle, std::vector<Line> Handle::*list, size_t index) {
  if (handle == nullptr || index >= (handle->*list).size()) return nullptr;
  return &(handle->*list)[index];
}

// How many elements `handle->*list` has (0 for NULL).
template <typename Handle, typename Line>
size_t CountOf(const Handle* handle, std::vector<Line> Handle::*list) {
  return handle == nullptr ? 0 : (handle->*list).size();
}

// A borrowed NUL-terminated string field of `line`, "" when there is no line.
template <typename Line>
const char* Borrowed(const Line* line, const std::string Line::*field) {
  return line == nullptr ? "" : (line->*field).c_str();
}

// A number or enum field of `line` as the C type Out, `missing` when there is no line.
template <typename Out, typename Line, typename T>
Out NumberOf(const Line* line, T Line::*field, Out missing = Out{}) {
  return line == nullptr ? missing : static_cast<Out>(line->*field);
}

// A boolean field of `line` as 1 or 0 (0 when there is no line).
template <typename Line>
int32_t FlagOf(const Line* line, bool Line::*field) {
  return line != nullptr && line->*field ? 1 : 0;
}

// A time as Unix seconds; an unset one is 0.
inline int64_t UnixSecondsOf(const std::optional<absl::Time>& t) {
  return t.has_value() ? absl::ToUnixSeconds(*t) : 0;
}
// A time field of `line` as Unix seconds, 0 when there is no line (or, optional, no time).
template <typename Line>
int64_t UnixSecondsOf(const Line* line, absl::Time Line::*field) {
  return line == nullptr ? 0 : absl::ToUnixSeconds(line->*field);
}
template <typename Line>
int64_t UnixSecondsOf(const Line* line, std::optional<absl::Time> Line::*field) {
  return line == nullptr ? 0 : UnixSecondsOf(line->*field);
}

// ---- Access requests (access.cc), shared with the access trail (ledger.cc) ----------------------

// The C++ engine of a socle_access_engine.
const AccessEngine& EngineOf(const socle_access_engine& engine);
// The same, for the writes of other areas (sharing.cc).
AccessEngine& EngineOf(socle_access_engine& engine);
// The C++ ledger of a socle_ledger (ledger.cc), shared: an engine of record keeps it alive.
std::shared_ptr<Ledger> LedgerOf(const socle_ledger* ledger);
// The C++ trail of a socle_access_trail (ledger.cc), for the sharing calls (sharing.cc).
AccessTrail& TrailOf(socle_access_trail& trail);
// The C++ key of a socle_export_signing_key (export.cc), for the retention sweep's
// certificates (retention_sweep.cc).
const ExportSigningKey& SigningKeyOf(const socle_export_signing_key& key);
// The C++ writer of a socle_export_writer (export.cc), for the statistics export (statistics.cc).
ExportWriter& WriterOf(socle_export_writer& writer);
// Entry `index` of a history page (ledger.cc), or nullptr out of range or for NULL.
const HistoryEntry* HistoryEntryAt(const socle_history* history, size_t index);
// SOCLE_OK when the request array's layout version is one this library reads.
int32_t CheckRequestVersion(const socle_access_request* request, socle_error** error);
// A C request of layout version `layout` (the version of the first request of its array) as
// the C++ one; false when its item is NULL with a length or too long.
bool ConvertRequest(const socle_access_request& in, uint32_t layout, AccessRequest* out);
// Request `index` of an array whose first request's version tells the layout (version 1 requests
// are shorter: they end at item_len).
const socle_access_request* RequestAt(const socle_access_request* requests, size_t index);
void ExportDecision(const Decision& decision, socle_decision* out);
// The denial a request that cannot be decided gets.
Decision InvalidRequestDecision(uint64_t revision);
// SOCLE_E_INVALID_ARGUMENT for a request whose item ConvertRequest refused.
int32_t InvalidItem(socle_error** error);
// The columns of a decide_columns call (optional ones may be NULL).
struct RequestColumns {
  const uint32_t* actors;
  const int32_t* actions;
  const uint32_t* persons;
  const uint32_t* categories;
  const uint32_t* purposes;
  const int32_t* entry_kinds;
  const uint32_t* authors;
  const int32_t* masked;
  const char* const* items;
  const size_t* item_lens;
  absl::Time time;
};
// SOCLE_OK when the required columns are there (count > 0).
int32_t CheckColumns(const RequestColumns& columns, const int32_t* out_effects,
                     socle_error** error);
// Requests [base, base + n) of the columns into in[0, n); an item too long denies its request
// and is named in *first (if still OK).
void ConvertColumns(const RequestColumns& columns, size_t base, size_t n, AccessRequest* in,
                    absl::Status* first);
// Decisions of requests [base, base + decided.size()) into the output columns.
void ExportColumns(absl::Span<const Decision> decided, size_t base, int32_t* out_effects,
                   int32_t* out_reasons, uint32_t* out_rules, uint32_t* out_obligations);

}  // namespace socle::capi

// ---- Frozen constants ---------------------------------------------------------------------------
// Each area lists its constants once, as an X-macro table of rows X(C_CONSTANT, cxx_value): the
// table generates the static_asserts (the C value is the C++ value) and, for enums with a name
// function, the switch of that function. Names themselves come from the C++ API (one source).

#define SOCLE_CAPI_ASSERT_SAME(c_value, cxx_value)                                \
  static_assert(static_cast<int64_t>(c_value) == static_cast<int64_t>(cxx_value), \
                #c_value " must equal " #cxx_value);

// One case of a name switch: the C++ name of the row's value (views of string literals, so
// .data() is NUL-terminated).
#define SOCLE_CAPI_NAME_CASE(c_value, cxx_value) \
  case c_value:                                  \
    return NameOf(cxx_value).data();

#endif  // SOCLE_SRC_CAPI_CAPI_INTERNAL_H_
