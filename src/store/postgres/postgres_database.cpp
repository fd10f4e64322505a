#include "store/postgres/postgres_database.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/connection_pool.hpp"

namespace seatwise::store::postgres {
namespace {

// Repositories use a bounded set of SQL constants; the bound only guards against a caller
// that builds SQL text dynamically.
constexpr std::size_t kStatementCacheLimit = 512;

// Type OIDs from pg_type, stable across releases.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ResultPtr Wrap(PGresult* result) { return ResultPtr(result, &PQclear); }

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool IsIdentifierChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || c == '$' || u >= 0x80;
}

// A mapped error plus whether rerunning the whole transaction may succeed.
struct Failure {
  Error error;
  bool transient = false;
};

std::string TrimmedMessage(const char* text) {
  std::string message = text != nullptr ? text : "";
  while (!message.empty() && IsSpace(message.back())) message.pop_back();
  return message;
}

// One libpq connection and its prepared statements. Used by one thread at a time.
class Connection {
 public:
  struct Statement {
    std::string name;  // server-side prepared statement; empty for a script
    std::string text;  // the numbered SQL
    int placeholders = 0;
    bool several = false;
  };

  explicit Connection(PGconn* conn) : conn_(conn) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { PQfinish(conn_); }

  PGconn* get() const { return conn_; }
  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

  // Settings every session relies on: UTF-8 text and UTC times whatever the server's
  // defaults are.
  Result<void> SetUpSession() {
    ResultPtr result = Wrap(PQexec(conn_, "SET client_encoding TO 'UTF8'; SET TIME ZONE 'UTC'"));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      broken_ = true;
      return core::MakeError(ErrorCode::kUnavailable, "cannot set up the PostgreSQL session: " +
                                                          TrimmedMessage(PQerrorMessage(conn_)));
    }
    return core::Ok();
  }

  // Reconnects a connection that broke; its prepared statements died with the session.
  Result<void> Repair() {
    statements_.clear();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return core::MakeError(ErrorCode::kUnavailable, "cannot reconnect to PostgreSQL: " +
                                                          TrimmedMessage(PQerrorMessage(conn_)));
    }
    broken_ = false;
    return SetUpSession();
  }

  // Maps the error of a failed command. A lost session marks the connection for repair.
  Failure MapError(const PGresult* result) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state != nullptr ? state : "";
    const char* primary =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message =
        primary != nullptr ? std::string(primary) : TrimmedMessage(PQerrorMessage(conn_));

    if (PQstatus(conn_) != CONNECTION_OK || sqlstate.starts_with("08") || sqlstate == "57P01" ||
        sqlstate == "57P02" || sqlstate == "57P03") {
      broken_ = true;
      return {core::MakeError(ErrorCode::kUnavailable, "lost connection to PostgreSQL: " + message),
              true};
    }
    if (sqlstate == "23505") return {core::MakeError(ErrorCode::kAlreadyExists, message)};
    if (sqlstate == "23503") return {core::MakeError(ErrorCode::kConflict, message)};
    if (sqlstate == "23514" || sqlstate == "23502" || sqlstate.starts_with("22")) {
      return {core::MakeError(ErrorCode::kInvalidArgument, message)};
    }
    if (sqlstate == "40001" || sqlstate == "40P01") {
      return {core::MakeError(ErrorCode::kUnavailable, message), true};
    }
    if (sqlstate == "55P03" || sqlstate == "57014") {
      return {core::MakeError(ErrorCode::kUnavailable, message)};
    }
    if (sqlstate == "0A000" && message.find("cached plan") != std::string::npos) {
      // "cached plan must not change result type" after a schema change: forget the
      // statements so the rerun prepares them afresh.
      forget_statements_ = true;
      return {core::MakeError(ErrorCode::kInternal, message), true};
    }
    return {core::MakeError(ErrorCode::kInternal, message)};
  }

  // The prepared statement for `sql`, numbered and prepared on first use.
  Result<const Statement*> Prepare(std::string_view sql, Failure* failure) {
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return &it->second;

    NumberedSql numbered = NumberPlaceholders(sql);
    Statement statement;
    statement.text = std::move(numbered.text);
    statement.placeholders = numbered.placeholders;
    statement.several = numbered.several_statements;
    if (!statement.several) {
      if (statements_.size() >= kStatementCacheLimit) {
        ResultPtr dropped = Wrap(PQexec(conn_, "DEALLOCATE ALL"));
        statements_.clear();
      }
      statement.name = fmt::format("sw{}", next_statement_id_++);
      ResultPtr result =
          Wrap(PQprepare(conn_, statement.name.c_str(), statement.text.c_str(), 0, nullptr));
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        *failure = MapError(result.get());
        return failure->error;
      }
    }
    auto [it, inserted] = statements_.emplace(std::move(key), std::move(statement));
    return &it->second;
  }

  // Called between transactions: drops statements invalidated by a schema change.
  void ForgetStatementsIfStale() {
    if (!forget_statements_) return;
    ResultPtr dropped = Wrap(PQexec(conn_, "DEALLOCATE ALL"));
    statements_.clear();
    forget_statements_ = false;
  }

 private:
  PGconn* conn_;
  bool broken_ = false;
  bool forget_statements_ = false;
  std::unordered_map<std::string, Statement> statements_;
  std::uint64_t next_statement_id_ = 0;
};

Value Decode(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return nullptr;
  const char* text = PQgetvalue(result, row, column);
  const auto size = static_cast<std::size_t>(PQgetlength(result, row, column));
  switch (PQftype(result, column)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t value = 0;
      std::from_chars(text, text + size, value);
      return value;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      // strtod reads PostgreSQL's "NaN", "Infinity" and "-Infinity" too.
      return std::strtod(text, nullptr);
    case kBoolOid:
      return static_cast<std::int64_t>(text[0] == 't' ? 1 : 0);
    default:
      return std::string(text, size);
  }
}

Rows DecodeRows(const PGresult* result) {
  Rows rows;
  const int count = PQntuples(result);
  const int columns = PQnfields(result);
  rows.reserve(static_cast<std::size_t>(count));
  for (int r = 0; r < count; ++r) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(Decode(result, r, c));
    rows.emplace_back(std::move(values));
  }
  return rows;
}

std::string EncodeDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{:.17g}", v);
}

class PostgresTx final : public Tx {
 public:
  explicit PostgresTx(Connection& connection) : connection_(connection) {}

  Backend backend() const override { return Backend::kPostgres; }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    Rows rows;
    SW_RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

  Result<std::int64_t> Exec(std::string_view sql, const Params& params) override {
    return Run(sql, params, nullptr);
  }

  // The first statement failure; the server has aborted the transaction after one.
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  Error Fail(Failure failure) {
    failure_ = std::move(failure);
    return failure_->error;
  }

  Result<std::int64_t> Run(std::string_view sql, const Params& params, Rows* rows) {
    // The server would answer "current transaction is aborted"; the first error says more.
    if (failure_) return failure_->error;

    Failure prepare_failure;
    Result<const Connection::Statement*> prepared = connection_.Prepare(sql, &prepare_failure);
    if (!prepared.ok()) return Fail(std::move(prepare_failure));
    const Connection::Statement& statement = **prepared;

    ResultPtr result = Wrap(nullptr);
    if (statement.several) {
      if (!params.empty() || rows != nullptr) {
        return Fail({core::MakeError(ErrorCode::kInternal,
                                     "several statements in one call are allowed only in "
                                     "Exec without parameters")});
      }
      result = Wrap(PQexec(connection_.get(), statement.text.c_str()));
    } else {
      if (static_cast<std::size_t>(statement.placeholders) != params.size()) {
        return Fail({core::MakeError(ErrorCode::kInternal,
                                     fmt::format("statement has {} placeholders but {} "
                                                 "parameters were given: {}",
                                                 statement.placeholders, params.size(), sql))});
      }
      // Everything goes as text with type OID 0, so the server infers each parameter's
      // type from where it is used, as SQLite's dynamic typing does.
      std::vector<std::string> storage(params.size());
      std::vector<const char*> values(params.size(), nullptr);
      for (std::size_t i = 0; i < params.size(); ++i) {
        const Value& v = params[i];
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
          storage[i] = std::to_string(*n);
        } else if (const auto* d = std::get_if<double>(&v)) {
          storage[i] = EncodeDouble(*d);
        } else if (const auto* s = std::get_if<std::string>(&v)) {
          values[i] = s->c_str();
          continue;
        } else {
          continue;  // NULL
        }
        values[i] = storage[i].c_str();
      }
      result =
          Wrap(PQexecPrepared(connection_.get(), statement.name.c_str(),
                              static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0));
    }

    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return Fail(connection_.MapError(result.get()));
    }
    if (rows != nullptr && status == PGRES_TUPLES_OK) *rows = DecodeRows(result.get());
    std::string_view command = PQcmdStatus(result.get());
    if (command.starts_with("SELECT")) return 0;
    std::string_view changed = PQcmdTuples(result.get());
    std::int64_t count = 0;
    std::from_chars(changed.data(), changed.data() + changed.size(), count);
    return count;
  }

  Connection& connection_;
  std::optional<Failure> failure_;
};

// Runs a fixed command (BEGIN, COMMIT, ...) without preparing it.
std::optional<Failure> Command(Connection& connection, const char* sql) {
  ResultPtr result = Wrap(PQexec(connection.get(), sql));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK &&
      PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return connection.MapError(result.get());
  }
  return std::nullopt;
}

Result<std::unique_ptr<Connection>> Connect(const std::string& url) {
  // Keywords before "dbname" are defaults the URL may override.
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "seatwise", url.c_str(), nullptr};
  auto connection = std::make_unique<Connection>(PQconnectdbParams(keywords, values, 1));
  if (connection->get() == nullptr || PQstatus(connection->get()) != CONNECTION_OK) {
    return core::MakeError(
        ErrorCode::kUnavailable,
        "cannot connect to PostgreSQL: " + TrimmedMessage(PQerrorMessage(connection->get())));
  }
  SW_RETURN_IF_ERROR(connection->SetUpSession());
  return connection;
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const DatabaseOptions& options)
      : url_(options.url),
        pool_(options.pool_size, options.pool_timeout, [this] { return Connect(url_); }) {}

  Backend backend() const override { return Backend::kPostgres; }

  Result<void> Ping() override {
    // A second try, because the first may only discover that an idle connection died.
    for (int attempt = 1;; ++attempt) {
      SW_ASSIGN_OR_RETURN(auto lease, Checkout());
      std::optional<Failure> failure = Command(*lease, "SELECT 1");
      if (!failure) return core::Ok();
      if (!failure->transient || attempt >= 2) return std::move(failure->error);
    }
  }

  PoolStats Stats() const override { return pool_.Stats(); }

 protected:
  Result<void> RunTransaction(TxMode mode, const std::function<Result<void>(Tx&)>& fn) override {
    for (int attempt = 1;; ++attempt) {
      Failure failure;
      {
        SW_ASSIGN_OR_RETURN(auto lease, Checkout());
        std::optional<Failure> outcome = RunOnce(*lease, mode, fn);
        if (!outcome) return core::Ok();
        failure = std::move(*outcome);
      }
      if (!failure.transient || attempt >= kMaxTransactionAttempts) {
        return std::move(failure.error);
      }
      BackoffBeforeRetry(attempt);
    }
  }

 private:
  using Lease = ConnectionPool<Connection>::Lease;

  // A connection ready for a transaction: one that broke is reset before reuse, and
  // closed if that fails, so the pool opens a fresh one next time.
  Result<Lease> Checkout() {
    SW_ASSIGN_OR_RETURN(Lease lease, pool_.Acquire());
    if (lease->broken()) {
      Result<void> repaired = lease->Repair();
      if (!repaired.ok()) {
        lease.Discard();
        return std::move(repaired).error();
      }
    }
    lease->ForgetStatementsIfStale();
    return lease;
  }

  // One attempt; nullopt once committed.
  static std::optional<Failure> RunOnce(Connection& connection, TxMode mode,
                                        const std::function<Result<void>(Tx&)>& fn) {
    // kRead is REPEATABLE READ so every statement sees one snapshot, as SQLite's WAL reader
    // does; a read-only transaction never fails serialization at that level. kWrite is READ
    // COMMITTED: writers serialise on the rows they lock with SELECT ... FOR UPDATE.
    if (auto failure = Command(connection, mode == TxMode::kRead
                                               ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                                               : "BEGIN")) {
      return failure;
    }
    PostgresTx tx(connection);
    Result<void> result = fn(tx);
    std::optional<Failure> failure;
    if (tx.failure()) {
      failure = tx.failure();
      // `fn` made sense of a lasting failure (a duplicate named in words): its error wins.
      // A transient one keeps the database's, which decides the rerun.
      if (!failure->transient && !result.ok()) failure->error = std::move(result).error();
    } else if (!result.ok()) {
      failure = Failure{std::move(result).error(), false};
    } else {
      ResultPtr commit = Wrap(PQexec(connection.get(), "COMMIT"));
      if (PQresultStatus(commit.get()) != PGRES_COMMAND_OK) {
        failure = connection.MapError(commit.get());
        if (connection.broken()) {
          // The COMMIT may or may not have reached the server: rerunning could apply the
          // transaction twice.
          failure->transient = false;
          failure->error.message += " (during COMMIT; the outcome is unknown)";
        }
        return failure;
      }
      if (std::string_view(PQcmdStatus(commit.get())) == "ROLLBACK") {
        return Failure{
            core::MakeError(ErrorCode::kInternal, "the server rolled the transaction back")};
      }
      return std::nullopt;
    }
    if (!connection.broken() && PQtransactionStatus(connection.get()) != PQTRANS_IDLE) {
      // A failed ROLLBACK leaves nothing better to report than the original failure; if it
      // broke the connection, the next checkout repairs it.
      (void)Command(connection, "ROLLBACK");
    }
    return failure;
  }

  const std::string url_;
  ConnectionPool<Connection> pool_;
};

}  // namespace

NumberedSql NumberPlaceholders(std::string_view sql) {
  NumberedSql out;
  out.text.reserve(sql.size() + 16);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  bool after_semicolon = false;
  auto copy_to = [&](std::size_t end) {
    end = std::min(end, n);
    out.text.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    const char next = i + 1 < n ? sql[i + 1] : '\0';
    if (c == '-' && next == '-') {
      std::size_t end = sql.find('\n', i);
      copy_to(end == std::string_view::npos ? n : end + 1);
      continue;
    }
    if (c == '/' && next == '*') {
      // PostgreSQL block comments nest.
      int depth = 1;
      std::size_t j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      copy_to(j);
      continue;
    }
    if (IsSpace(c) || c == ';') {
      after_semicolon = after_semicolon || c == ';';
      out.text += c;
      ++i;
      continue;
    }
    if (after_semicolon) out.several_statements = true;
    if (c == '\'') {
      // E'...' strings take backslash escapes; '' is a quote in both kinds.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !IsIdentifierChar(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_to(j);
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == '"') {
          if (j + 1 < n && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_to(j);
      continue;
    }
    if (c == '$' && (i == 0 || !IsIdentifierChar(sql[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(next)) == 0) {
      // A dollar-quoted body: $$...$$ or $tag$...$tag$.
      std::size_t j = i + 1;
      while (j < n && IsIdentifierChar(sql[j]) && sql[j] != '$') ++j;
      if (j < n && sql[j] == '$') {
        std::string_view tag = sql.substr(i, j - i + 1);
        std::size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? n : close + tag.size());
        continue;
      }
    }
    if (c == '?') {
      out.text += fmt::format("${}", ++out.placeholders);
      ++i;
      continue;
    }
    out.text += c;
    ++i;
  }
  return out;
}

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const DatabaseOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string why = parse_error != nullptr ? TrimmedMessage(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "invalid PostgreSQL URL (" + why +
                               "); use postgresql://user[:password]@host[:port]/dbname");
  }
  PQconninfoFree(parsed);
  auto database = std::make_unique<PostgresDatabase>(options);
  SW_RETURN_IF_ERROR(database->Ping());
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace seatwise::store::postgres
