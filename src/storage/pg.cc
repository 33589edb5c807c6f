#include "storage/pg.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/status_macros.h"

namespace socle::pg {

namespace {
constexpr absl::Duration kBackoff = absl::Milliseconds(100);
}  // namespace

bool IsPostgresUri(absl::string_view path) {
  return absl::StartsWith(path, "postgresql://") || absl::StartsWith(path, "postgres://");
}

std::string ShownPath(const std::string& path) {
  if (!IsPostgresUri(path)) return path;
  const size_t scheme = path.find("://") + 3;
  std::string shown = path.substr(0, path.find('?'));
  const size_t at = shown.find('@', scheme);
  const size_t colon = shown.find(':', scheme);
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    shown.erase(colon, at - colon);
  }
  return shown;
}

absl::Status CheckConninfo(const std::string& conninfo, absl::string_view label) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (options == nullptr) {
    PQfreemem(parse_error);
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(label, ": the PostgreSQL connection string is malformed"));
  }
  PQconninfoFree(options);
  return absl::OkStatus();
}

std::string QuoteIdentifier(absl::string_view name) { return absl::StrCat("\"", name, "\""); }

std::string Describe(const PGresult* result, PGconn* conn) {
  if (result != nullptr) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    if (state != nullptr || primary != nullptr) {
      return absl::StrCat(primary != nullptr ? primary : "error", " (SQLSTATE ",
                          state != nullptr ? state : "?", ")");
    }
  }
  // No server error: a client-side one (a lost connection). Its first line names no value.
  std::string message = conn != nullptr ? PQerrorMessage(conn) : "";
  if (const size_t eol = message.find('\n'); eol != std::string::npos) message.resize(eol);
  return message.empty() ? std::string("no answer from the server") : message;
}

std::string ConnectionError(PGconn* conn) {
  std::string message = conn != nullptr ? PQerrorMessage(conn) : "";
  // libpq's connection errors name the host and the user, never the password; keep the
  // first line (the server's FATAL line follows on its own).
  while (!message.empty() && absl::ascii_isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return message.empty() ? std::string("no answer from the server") : message;
}

ErrorCode CodeOf(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) return ErrorCode::kIo;  // the connection failed
  const absl::string_view s(state);
  if (absl::StartsWith(s, "08") || absl::StartsWith(s, "57")) return ErrorCode::kIo;
  if (s == "55P03" || s == "40001" || s == "40P01") return ErrorCode::kIo;
  if (absl::StartsWith(s, "53")) return ErrorCode::kResourceExhausted;
  if (absl::StartsWith(s, "40")) return ErrorCode::kFailedPrecondition;
  if (s == "23000") return ErrorCode::kLogTamperAttempt;  // the ledger's refuse_change()
  if (absl::StartsWith(s, "23")) return ErrorCode::kFailedPrecondition;
  if (s == "42501")
    return ErrorCode::kPermissionDenied;  // insufficient privilege (a role's GRANTs)
  if (absl::StartsWith(s, "42")) return ErrorCode::kFailedPrecondition;  // schema changed
  if (absl::StartsWith(s, "28")) return ErrorCode::kPermissionDenied;
  return ErrorCode::kIo;
}

void Params::Int(int64_t v) { AddText(absl::StrCat(v)); }
void Params::Text(absl::string_view v) { AddText(std::string(v)); }
void Params::Bytes(absl::string_view v) {
  values_.push_back(v.data() != nullptr ? v.data() : "");
  lengths_.push_back(static_cast<int>(v.size()));
  formats_.push_back(1);
}
void Params::Null() {
  values_.push_back(nullptr);
  lengths_.push_back(0);
  formats_.push_back(0);
}
void Params::AddText(std::string s) {
  owned_.push_back(std::move(s));
  values_.push_back(owned_.back().c_str());
  lengths_.push_back(0);
  formats_.push_back(0);
}

int64_t IntAt(const PGresult* r, int row, int col) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, col));
  const int n = PQgetlength(r, row, col);
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}
std::string BytesAt(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
absl::string_view ViewAt(const PGresult* r, int row, int col) {
  return absl::string_view(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
std::vector<uint8_t> BlobAt(const PGresult* r, int row, int col) {
  const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(r, row, col));
  return std::vector<uint8_t>(p, p + PQgetlength(r, row, col));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& conninfo, std::string label,
    std::function<absl::Status(Connection&)> session) {
  SOCLE_RETURN_IF_ERROR(CheckConninfo(conninfo, label));
  std::unique_ptr<Connection> c(new Connection(std::move(label), std::move(session)));
  c->conn_ = PQconnectdb(conninfo.c_str());
  if (c->conn_ == nullptr) {
    return MakeError(ErrorCode::kNoMemory, absl::StrCat(c->label_, ": no memory for a connection"));
  }
  if (PQstatus(c->conn_) != CONNECTION_OK) {
    return MakeError(
        ErrorCode::kIo,
        absl::StrCat(c->label_, ": cannot connect to PostgreSQL: ", ConnectionError(c->conn_)));
  }
  // Notices (e.g. "schema already exists") are not for the caller's stderr.
  PQsetNoticeProcessor(
      c->conn_, [](void*, const char*) {}, nullptr);
  if (c->session_) SOCLE_RETURN_IF_ERROR(c->session_(*c));
  return c;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

absl::Status Connection::Error(const PGresult* result, absl::string_view what) const {
  return MakeError(CodeOf(result),
                   absl::StrCat(label_, ": cannot ", what, ": ", Describe(result, conn_)));
}

absl::StatusOr<Result> Connection::Check(Result r, absl::string_view what) const {
  const ExecStatusType status = r != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error(r.get(), what);
  return r;
}

bool StatementLostConnection(const PGconn* conn, const PGresult* failed) {
  if (PQstatus(conn) != CONNECTION_OK) return true;
  return failed == nullptr || PQresultErrorField(failed, PG_DIAG_SQLSTATE) == nullptr;
}

bool Connection::Lost(const PGresult* failed) const {
  return StatementLostConnection(conn_, failed);
}

namespace {
bool Failed(const PGresult* r) {
  const ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
}
}  // namespace

template <typename Run>
absl::StatusOr<Result> Connection::Retrying(absl::string_view what, Run run) {
  if (!in_transaction_ && PQstatus(conn_) != CONNECTION_OK) SOCLE_RETURN_IF_ERROR(Reconnect());
  Result r = run();
  if (Failed(r.get()) && !in_transaction_ && Lost(r.get())) {
    SOCLE_RETURN_IF_ERROR(Reconnect(/*force=*/true));
    r = run();
  }
  return Check(std::move(r), what);
}

absl::StatusOr<Result> Connection::Exec(const char* sql, const Params& p, absl::string_view what,
                                        bool text_result) {
  return Retrying(what, [&] {
    return Result(PQexecParams(conn_, sql, p.size(), nullptr, p.values(), p.lengths(), p.formats(),
                               text_result ? 0 : 1));
  });
}

absl::StatusOr<Result> Connection::ExecPrepared(const char* name, const Params& p,
                                                absl::string_view what) {
  return Retrying(what, [&] {
    return Result(PQexecPrepared(conn_, name, p.size(), p.values(), p.lengths(), p.formats(), 1));
  });
}

absl::Status Connection::SendPrepared(const char* name, const Params& p, absl::string_view what) {
  if (!in_transaction_ && PQstatus(conn_) != CONNECTION_OK) SOCLE_RETURN_IF_ERROR(Reconnect());
  if (PQsendQueryPrepared(conn_, name, p.size(), p.values(), p.lengths(), p.formats(), 1) != 1) {
    return Error(nullptr, what);
  }
  return absl::OkStatus();
}

absl::StatusOr<Result> Connection::TakeResult(absl::string_view what) {
  Result first(PQgetResult(conn_));
  while (Result more{PQgetResult(conn_)}) {
  }
  return Check(std::move(first), what);
}

absl::Status Connection::ExecScript(const std::string& sql, absl::string_view what) {
  return Check(Result(PQexec(conn_, sql.c_str())), what).status();
}

absl::Status Connection::Prepare(const char* name, const char* sql) {
  return Check(Result(PQprepare(conn_, name, sql, 0, nullptr)), absl::StrCat("prepare ", name))
      .status();
}

absl::Status Connection::Begin() {
  if (PQstatus(conn_) != CONNECTION_OK) SOCLE_RETURN_IF_ERROR(Reconnect());
  Result begun(PQexec(conn_, "BEGIN"));
  if (Failed(begun.get()) && Lost(begun.get())) {
    // The connection died since the last call: nothing was sent, so open it again.
    SOCLE_RETURN_IF_ERROR(Reconnect(/*force=*/true));
    begun = Result(PQexec(conn_, "BEGIN"));
  }
  SOCLE_RETURN_IF_ERROR(Check(std::move(begun), "begin a transaction").status());
  in_transaction_ = true;
  return absl::OkStatus();
}

absl::Status Connection::Commit() {
  in_transaction_ = false;
  return ExecScript("COMMIT", "commit");
}

void Connection::Rollback() {
  in_transaction_ = false;
  if (PQstatus(conn_) == CONNECTION_OK) Result(PQexec(conn_, "ROLLBACK"));
}

absl::Status Connection::Reconnect(bool force) {
  if (!force && PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
  absl::Status last;
  for (int attempt = 0; attempt < kReconnectAttempts; ++attempt) {
    if (attempt > 0) absl::SleepFor(kBackoff * (1 << (attempt - 1)));
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      last = MakeError(ErrorCode::kIo,
                       absl::StrCat(label_, ": cannot reconnect to PostgreSQL (",
                                    kReconnectAttempts, " tries): ", ConnectionError(conn_)));
      continue;
    }
    last = session_ ? session_(*this) : absl::OkStatus();
    if (last.ok()) return last;
  }
  return last;
}

}  // namespace socle::pg
