// What the PostgreSQL stores share (the ledger's, src/ledger/pg_store.cc, and the vault's,
// src/vault/pg_key_store.cc): how a URI is recognised and named in messages, parameters and
// binary results of libpq, how an error is described (SQLSTATE and primary message only: the
// DETAIL and CONTEXT fields can quote row values) and mapped to an ErrorCode, and a connection
// that reconnects by itself outside a transaction.
//
// Thread safety: none here; each store serialises the use of its connection.
#ifndef SOCLE_SRC_STORAGE_PG_H_
#define SOCLE_SRC_STORAGE_PG_H_

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/error.hpp"

namespace socle::pg {

// A path naming a PostgreSQL database (libpq's URI forms): `postgresql://` or `postgres://`.
bool IsPostgresUri(absl::string_view path);

// How a path is named in messages: a URI loses its password and its query (which may hold
// one: ?password=…); any other path is returned as is.
std::string ShownPath(const std::string& path);

// OK when libpq can parse `conninfo`; else INVALID_ARGUMENT "<label>: the PostgreSQL connection
// string is malformed", without quoting it (it may hold a password).
absl::Status CheckConninfo(const std::string& conninfo, absl::string_view label);

// Identifiers are quoted as given (callers only pass names they checked).
std::string QuoteIdentifier(absl::string_view name);

// The SQLSTATE and the primary message of a failed result, never its detail (which may quote a
// row) nor the connection string; without a result, libpq's first line about `conn`.
std::string Describe(const PGresult* result, PGconn* conn);

// libpq's message about a failed connection, on one line. It names host, port and user, never
// the password.
std::string ConnectionError(PGconn* conn);

// ErrorCode::kIo is the retryable code (absl's UNAVAILABLE): lost connections (no SQLSTATE, 08,
// 57), a lock timeout (55P03), a serialization failure or deadlock (40001, 40P01) all roll the
// transaction back, so a retry is safe. 53 is RESOURCE_EXHAUSTED; 23000 (the ledger's
// append-only triggers) LOG_TAMPER_ATTEMPT; other 23, 42 and 40 FAILED_PRECONDITION; 28 and
// 42501 (a role's missing GRANT) PERMISSION_DENIED.
ErrorCode CodeOf(const PGresult* result);

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Parameters of one statement: integers and text in text format, bytes in binary format (no
// escaping of bodies, hashes and wrapped keys).
class Params {
 public:
  void Int(int64_t v);
  void Text(absl::string_view v);
  void Bytes(absl::string_view v);
  void Bytes(absl::Span<const uint8_t> v) {
    Bytes(absl::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  }
  void Null();
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void AddText(std::string s);
  std::deque<std::string> owned_;  // a deque: earlier strings stay where they are
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// Whether a statement's failure (`failed`: its result, or null when there was none) means its
// connection is lost: libpq says so, or the server gave no answer at all (no SQLSTATE). After an
// immediate shutdown or a crash of the server, the first statement on an idle connection fails
// with "server closed the connection unexpectedly" while PQstatus still says CONNECTION_OK.
bool StatementLostConnection(const PGconn* conn, const PGresult* failed);

// Results are asked for in binary: bytea and text as their bytes, integers big-endian.
int64_t IntAt(const PGresult* r, int row, int col);
std::string BytesAt(const PGresult* r, int row, int col);
absl::string_view ViewAt(const PGresult* r, int row, int col);
std::vector<uint8_t> BlobAt(const PGresult* r, int row, int col);

// One libpq connection that is opened again when it is found lost outside a transaction (a
// killed backend, a restarted server; lost: libpq says so, or a statement got no answer at all):
// kReconnectAttempts tries, 0.1, 0.2, … s apart (about 3 s in all), each followed by `session`
// (the session settings and prepared statements). A statement run outside a transaction on a
// connection lost under it is run once more on the new one (callers only run reads and
// idempotent writes that way); inside a transaction the error stands (the transaction is gone
// with the connection). Errors read "<label>: cannot <what>: <Describe>".
class Connection {
 public:
  static constexpr int kReconnectAttempts = 6;

  // Connects to `conninfo` (checked with CheckConninfo first) and runs `session` on it.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& conninfo, std::string label,
      std::function<absl::Status(Connection&)> session);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement with parameters; results in binary unless `text_result`.
  absl::StatusOr<Result> Exec(const char* sql, const Params& p, absl::string_view what,
                              bool text_result = false);
  absl::StatusOr<Result> ExecPrepared(const char* name, const Params& p, absl::string_view what);
  // A prepared statement sent without waiting (one at a time), for TakeResult to collect: the
  // server runs it while the caller does other work. No retry: TakeResult reports a lost
  // connection, and the caller runs the statement again (ExecPrepared).
  absl::Status SendPrepared(const char* name, const Params& p, absl::string_view what);
  absl::StatusOr<Result> TakeResult(absl::string_view what);
  // Several statements in one string, no parameters, no retry (a schema, session settings,
  // VACUUM, which cannot run inside a transaction).
  absl::Status ExecScript(const std::string& sql, absl::string_view what);
  // Prepares `sql` as `name` on this session.
  absl::Status Prepare(const char* name, const char* sql);

  // BEGIN, reconnecting first when the connection was lost (nothing was sent yet).
  absl::Status Begin();
  absl::Status Commit();
  // Rolls back (a rollback that fails changes nothing: the server drops the transaction with
  // the session).
  void Rollback();
  bool in_transaction() const { return in_transaction_; }

  // Opens the connection again when it is lost (or, with `force`, whatever libpq says of it).
  absl::Status Reconnect(bool force = false);
  absl::Status Error(const PGresult* result, absl::string_view what) const;
  const std::string& label() const { return label_; }
  PGconn* raw() const { return conn_; }

 private:
  Connection(std::string label, std::function<absl::Status(Connection&)> session)
      : label_(std::move(label)), session_(std::move(session)) {}
  absl::StatusOr<Result> Check(Result r, absl::string_view what) const;
  // Whether `failed` (a failed result, or null) means the connection is lost: libpq says so,
  // or the server gave no answer (no SQLSTATE).
  bool Lost(const PGresult* failed) const;
  template <typename Run>
  absl::StatusOr<Result> Retrying(absl::string_view what, Run run);

  std::string label_;
  std::function<absl::Status(Connection&)> session_;
  PGconn* conn_ = nullptr;
  bool in_transaction_ = false;
};

}  // namespace socle::pg

#endif  // SOCLE_SRC_STORAGE_PG_H_
