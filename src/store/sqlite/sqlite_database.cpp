#include "store/sqlite/sqlite_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/connection_pool.hpp"

namespace seatwise::store::sqlite {
namespace {

// Repositories use a bounded set of SQL constants; the bound only guards against a caller
// that builds SQL text dynamically.
constexpr std::size_t kStatementCacheLimit = 512;

constexpr std::array<std::string_view, 4> kSynchronousModes = {"OFF", "NORMAL", "FULL", "EXTRA"};

// A mapped error plus whether rerunning the whole transaction may succeed.
struct Failure {
  Error error;
  bool transient = false;
};

Failure MapError(int extended_code, std::string_view message) {
  const std::string text(message);
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return {core::MakeError(ErrorCode::kAlreadyExists, text)};
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return {core::MakeError(ErrorCode::kConflict, text)};
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      return {core::MakeError(ErrorCode::kInvalidArgument, text)};
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {core::MakeError(ErrorCode::kUnavailable, text), true};
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return {core::MakeError(ErrorCode::kInvalidArgument, text)};
    case SQLITE_CANTOPEN:
      return {core::MakeError(ErrorCode::kUnavailable, text)};
    default:
      return {core::MakeError(ErrorCode::kInternal, text)};
  }
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0 || c == ';'; });
}

// Lets the statement cache be searched with the caller's string_view, without copying the
// SQL text into a new string on every statement.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

// One SQLite connection and its prepared statements. Used by one thread at a time.
class Connection {
 public:
  // What Prepare found in a piece of SQL text.
  struct Prepared {
    sqlite3_stmt* statement = nullptr;  // null for text without a statement
    bool several = false;               // more than one statement: run as a script
  };

  explicit Connection(sqlite3* db) : db_(db) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    ClearCache();
    sqlite3_close_v2(db_);
  }

  sqlite3* db() const { return db_; }

  Failure LastError() const { return MapError(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)); }

  // The cached statement for `sql`, prepared on first use.
  Result<Prepared> Prepare(std::string_view sql, Failure* failure) {
    if (auto it = cache_.find(sql); it != cache_.end()) return Prepared{it->second, false};

    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, &tail) != SQLITE_OK) {
      *failure = LastError();
      return failure->error;
    }
    std::string_view rest(tail, sql.data() + sql.size() - tail);
    if (!IsBlank(rest)) {
      // Something follows; it is a second statement unless it is only comments.
      sqlite3_stmt* next = nullptr;
      int rc = sqlite3_prepare_v2(db_, rest.data(), static_cast<int>(rest.size()), &next, nullptr);
      sqlite3_finalize(next);
      if (rc != SQLITE_OK || next != nullptr) {
        sqlite3_finalize(statement);
        return Prepared{nullptr, true};
      }
    }
    if (statement == nullptr) return Prepared{};
    if (cache_.size() >= kStatementCacheLimit) ClearCache();
    cache_.emplace(std::string(sql), statement);
    return Prepared{statement, false};
  }

 private:
  void ClearCache() {
    for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
    cache_.clear();
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

// Leaves a cached statement ready for its next use, whatever happened to this one.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;
  ~StatementReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

 private:
  sqlite3_stmt* statement_;
};

Value ReadColumn(sqlite3_stmt* statement, int i) {
  switch (sqlite3_column_type(statement, i)) {
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_column_int64(statement, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, i);
    case SQLITE_NULL:
      return nullptr;
    default: {
      // TEXT and BLOB: the pointer must be fetched before the size.
      const auto* data = static_cast<const char*>(sqlite3_column_blob(statement, i));
      int size = sqlite3_column_bytes(statement, i);
      return data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(size));
    }
  }
}

int Bind(sqlite3_stmt* statement, int index, const Value& value) {
  struct Binder {
    sqlite3_stmt* statement;
    int index;
    int operator()(std::nullptr_t) const { return sqlite3_bind_null(statement, index); }
    int operator()(std::int64_t v) const { return sqlite3_bind_int64(statement, index, v); }
    int operator()(double v) const { return sqlite3_bind_double(statement, index, v); }
    int operator()(const std::string& v) const {
      // SQLITE_STATIC: the parameters outlive the statement's use; bindings are cleared
      // by StatementReset before the call returns.
      return sqlite3_bind_text64(statement, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
  };
  return std::visit(Binder{statement, index}, value);
}

class SqliteTx final : public Tx {
 public:
  SqliteTx(Connection& connection, TxMode mode) : connection_(connection), mode_(mode) {}

  Backend backend() const override { return Backend::kSqlite; }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    Rows rows;
    SW_RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

  Result<std::int64_t> Exec(std::string_view sql, const Params& params) override {
    return Run(sql, params, nullptr);
  }

  // The first statement failure; the transaction must not commit after one.
  const std::optional<Failure>& failure() const { return failure_; }

 private:
  Result<std::int64_t> Run(std::string_view sql, const Params& params, Rows* rows) {
    if (failure_) return failure_->error;
    Result<std::int64_t> result = RunStatement(sql, params, rows);
    if (!result.ok() && !failure_) failure_ = Failure{result.error(), false};
    return result;
  }

  Error Fail(Failure failure) {
    failure_ = std::move(failure);
    return failure_->error;
  }

  Result<std::int64_t> RunStatement(std::string_view sql, const Params& params, Rows* rows) {
    Failure prepare_failure;
    Result<Connection::Prepared> prepared = connection_.Prepare(sql, &prepare_failure);
    if (!prepared.ok()) return Fail(std::move(prepare_failure));
    if (prepared->several) {
      if (!params.empty() || rows != nullptr) {
        return Fail({core::MakeError(ErrorCode::kInternal,
                                     "several statements in one call are allowed only in "
                                     "Exec without parameters")});
      }
      return RunScript(sql);
    }
    sqlite3_stmt* statement = prepared->statement;
    if (statement == nullptr) return 0;

    StatementReset reset(statement);
    const bool writes = sqlite3_stmt_readonly(statement) == 0;
    if (mode_ == TxMode::kRead && writes) {
      return Fail({core::MakeError(
          ErrorCode::kInternal, "cannot write in a read-only transaction: " + std::string(sql))});
    }
    const int expected = sqlite3_bind_parameter_count(statement);
    if (static_cast<std::size_t>(expected) != params.size()) {
      return Fail(
          {core::MakeError(ErrorCode::kInternal, fmt::format("statement has {} placeholders but {} "
                                                             "parameters were given: {}",
                                                             expected, params.size(), sql))});
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (Bind(statement, static_cast<int>(i + 1), params[i]) != SQLITE_OK) {
        return Fail(connection_.LastError());
      }
    }
    int rc = SQLITE_OK;
    const int columns = sqlite3_column_count(statement);
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      if (rows == nullptr) continue;
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int i = 0; i < columns; ++i) values.push_back(ReadColumn(statement, i));
      rows->emplace_back(std::move(values));
    }
    if (rc != SQLITE_DONE) return Fail(connection_.LastError());
    return writes ? static_cast<std::int64_t>(sqlite3_changes64(connection_.db())) : 0;
  }

  // Runs each statement of a migration-style script in turn, uncached.
  Result<std::int64_t> RunScript(std::string_view sql) {
    if (mode_ == TxMode::kRead) {
      return Fail({core::MakeError(ErrorCode::kInternal,
                                   "cannot run a script in a read-only transaction")});
    }
    const char* next = sql.data();
    const char* end = sql.data() + sql.size();
    std::int64_t changes = 0;
    while (next < end) {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(connection_.db(), next, static_cast<int>(end - next), &statement,
                             &next) != SQLITE_OK) {
        return Fail(connection_.LastError());
      }
      if (statement == nullptr) break;
      int rc = SQLITE_OK;
      while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      }
      Failure failure;
      if (rc != SQLITE_DONE) failure = connection_.LastError();
      sqlite3_finalize(statement);
      if (rc != SQLITE_DONE) return Fail(std::move(failure));
      changes = sqlite3_changes64(connection_.db());
    }
    return changes;
  }

  Connection& connection_;
  const TxMode mode_;
  std::optional<Failure> failure_;
};

// Runs one of the fixed statements (BEGIN, COMMIT, PRAGMA ...) on a connection.
std::optional<Failure> Run(Connection& connection, std::string_view sql) {
  Failure failure;
  Result<Connection::Prepared> prepared = connection.Prepare(sql, &failure);
  if (!prepared.ok()) return failure;
  StatementReset reset(prepared->statement);
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(prepared->statement)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return connection.LastError();
  return std::nullopt;
}

// The text of the first column of the first row of `sql`.
Result<std::string> QueryText(Connection& connection, const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(connection.db(), sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    return connection.LastError().error;
  }
  std::string text;
  int rc = sqlite3_step(statement);
  if (rc == SQLITE_ROW) {
    const auto* data = sqlite3_column_text(statement, 0);
    if (data != nullptr) text = reinterpret_cast<const char*>(data);
  }
  Failure failure;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) failure = connection.LastError();
  sqlite3_finalize(statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return failure.error;
  return text;
}

struct Settings {
  std::string filename;  // a path, or a memdb URI
  bool in_memory = false;
  std::string synchronous;
  std::chrono::milliseconds busy_timeout;
};

Result<std::unique_ptr<Connection>> OpenConnection(const Settings& settings) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (settings.in_memory) flags |= SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(settings.filename.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return core::MakeError(
        ErrorCode::kUnavailable,
        fmt::format("cannot open SQLite database {}: {}", settings.filename, message));
  }
  auto connection = std::make_unique<Connection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(settings.busy_timeout.count()));

  if (!settings.in_memory) {
    // WAL lets readers run beside the single writer; the setting persists in the file.
    SW_ASSIGN_OR_RETURN(std::string mode, QueryText(*connection, "PRAGMA journal_mode=WAL"));
    if (mode != "wal") {
      return core::MakeError(ErrorCode::kUnavailable,
                             fmt::format("cannot switch SQLite database {} to WAL mode (it "
                                         "stays in {} mode)",
                                         settings.filename, mode));
    }
  }
  for (const std::string& pragma :
       {"PRAGMA synchronous=" + settings.synchronous, std::string("PRAGMA foreign_keys=ON"),
        fmt::format("PRAGMA wal_autocheckpoint={}", kCheckpointPages),
        fmt::format("PRAGMA journal_size_limit={}", kWalSizeLimitBytes)}) {
    if (auto failure = Run(*connection, pragma)) {
      Error error = std::move(failure->error);
      error.message = fmt::format("cannot apply {}: {}", pragma, error.message);
      return error;
    }
  }
  return connection;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const DatabaseOptions& options, Settings settings)
      : settings_(std::move(settings)), pool_(options.pool_size, options.pool_timeout, [this] {
          return OpenConnection(settings_);
        }) {}

  Backend backend() const override { return Backend::kSqlite; }

  Result<void> Ping() override {
    SW_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
    if (auto failure = Run(*lease, "SELECT 1")) return std::move(failure->error);
    return core::Ok();
  }

  PoolStats Stats() const override { return pool_.Stats(); }

 protected:
  Result<void> RunTransaction(TxMode mode, const std::function<Result<void>(Tx&)>& fn) override {
    for (int attempt = 1;; ++attempt) {
      Failure failure;
      {
        // SQLite has one write lock per file. Writers of this process queue for it here
        // instead of in SQLite's busy handler, which sleeps in growing steps and made the
        // tail latency of a write burst hundreds of milliseconds; other processes (the
        // CLI, a second server) still meet the busy timeout.
        std::unique_lock<std::timed_mutex> writer(write_lock_, std::defer_lock);
        if (mode == TxMode::kWrite && !writer.try_lock_for(settings_.busy_timeout)) {
          return core::MakeError(ErrorCode::kUnavailable,
                                 "the database is busy with other writes; try again");
        }
        SW_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
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
  // One attempt; nullopt once committed.
  static std::optional<Failure> RunOnce(Connection& connection, TxMode mode,
                                        const std::function<Result<void>(Tx&)>& fn) {
    // IMMEDIATE takes the write lock up front, so a count-then-write cannot interleave with
    // another writer and no deferred lock upgrade can fail halfway through.
    if (auto failure =
            Run(connection, mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")) {
      return failure;
    }
    SqliteTx tx(connection, mode);
    Result<void> result = fn(tx);
    std::optional<Failure> failure;
    if (tx.failure()) {
      // A statement failed: it decides whether a rerun may help. When it cannot, and `fn`
      // made sense of it (a duplicate named in words), `fn`'s error is the answer; an `fn`
      // that ignored it still gets the statement's error.
      failure = tx.failure();
      if (!failure->transient && !result.ok()) failure->error = std::move(result).error();
    } else if (!result.ok()) {
      failure = Failure{std::move(result).error(), false};
    } else {
      failure = Run(connection, "COMMIT");
      if (!failure) return std::nullopt;
    }
    if (sqlite3_get_autocommit(connection.db()) == 0) {
      // A failed ROLLBACK leaves nothing better to report than the original failure.
      (void)Run(connection, "ROLLBACK");
    }
    return failure;
  }

  const Settings settings_;
  ConnectionPool<Connection> pool_;
  std::timed_mutex write_lock_;  // held from BEGIN IMMEDIATE to COMMIT by this process's writers
};

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const DatabaseOptions& options,
                                                     const std::optional<std::string>& path) {
  std::string synchronous = Upper(options.sqlite_synchronous);
  if (std::find(kSynchronousModes.begin(), kSynchronousModes.end(), synchronous) ==
      kSynchronousModes.end()) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           fmt::format("sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA "
                                       "(got \"{}\")",
                                       options.sqlite_synchronous));
  }
  Settings settings;
  settings.synchronous = std::move(synchronous);
  settings.busy_timeout = options.busy_timeout;
  if (path) {
    settings.filename = *path;
  } else {
    // The memdb VFS shares one in-memory database between every connection that opens the
    // same "/name" in this process, with ordinary locking (unlike shared-cache mode); it
    // lives while any connection of the pool is open.
    static std::atomic<int> next_memory_id{0};
    settings.filename = fmt::format("file:/seatwise-memory-{}?vfs=memdb", next_memory_id++);
    settings.in_memory = true;
  }
  auto database = std::make_unique<SqliteDatabase>(options, std::move(settings));
  // Connect once now so a bad path fails at start-up, and so an in-memory database exists
  // for as long as the pool does.
  SW_RETURN_IF_ERROR(database->Ping());
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace seatwise::store::sqlite
