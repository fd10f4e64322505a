#pragma once
// The storage driver contract. Repositories write portable SQL against Tx; a driver
// (sqlite/ or postgres/) runs it. Placeholders are written `?` and numbered by the
// PostgreSQL driver. Dialect differences stay inside the drivers and the migrations.
//
// Error contract, the same on both backends:
//   unique / primary key violation -> kAlreadyExists, foreign key -> kConflict,
//   check / not null / bad value -> kInvalidArgument, lock timeout or lost connection ->
//   kUnavailable, anything else -> kInternal. Error::message keeps the database's own text
//   (SQLite "UNIQUE constraint failed: users.email"; PostgreSQL "duplicate key value
//   violates unique constraint \"users_email_key\""), so a repository can tell which
//   constraint fired by searching it for the column or constraint name.
// A failed statement ends the transaction: PostgreSQL aborts it, so both drivers roll back
// and Transact returns the first statement error even if `fn` ignored it and returned ok.
// When `fn` returns an error of its own for a lasting statement failure (it named a duplicate
// in words), that error is returned instead; a transient failure reruns `fn` as below.
// To tolerate a duplicate, write `INSERT ... ON CONFLICT DO NOTHING` (both dialects).

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace seatwise::store {

using core::Error;
using core::ErrorCode;
using core::Result;

enum class Backend { kSqlite, kPostgres };
// "sqlite" or "postgresql".
std::string_view BackendName(Backend backend);

// The row-lock suffix for a SELECT that guards a count-then-write: " FOR UPDATE" on
// PostgreSQL, "" on SQLite, whose kWrite transactions already hold the database write lock.
//   tx.Query(std::string("SELECT seats FROM pool WHERE id = ?") + ForUpdate(tx.backend()), ..)
std::string_view ForUpdate(Backend backend);

// A bound parameter or a column value. Booleans are stored as 0/1 integers, times as
// Unix milliseconds, JSON as text.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// One result row; column access by index, in SELECT order.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  bool IsNull(std::size_t i) const;
  std::int64_t Int(std::size_t i) const;  // NULL reads as 0
  double Real(std::size_t i) const;
  std::string Text(std::size_t i) const;  // NULL reads as ""
  bool Bool(std::size_t i) const { return Int(i) != 0; }
  std::optional<std::int64_t> OptInt(std::size_t i) const;
  std::optional<std::string> OptText(std::size_t i) const;
  const Value& at(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};
using Rows = std::vector<Row>;

// Parameters of one statement.
using Params = std::vector<Value>;

// Converts optional values to NULL where empty.
template <typename T>
Value Nullable(const std::optional<T>& v) {
  if (!v) return nullptr;
  return Value(*v);
}

// One open transaction on one connection. Only valid inside Database::Transact.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Backend backend() const = 0;
  // Runs a statement that returns rows.
  virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a statement; returns the number of rows it changed. Without parameters the text
  // may hold several statements separated by `;` (migrations); the count is the last one's.
  virtual Result<std::int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;

  // Convenience: the first row, or kNotFound with `what` in the message.
  Result<Row> QueryOne(std::string_view sql, const Params& params, std::string_view what);
  // Convenience: the first row if any.
  Result<std::optional<Row>> QueryOptional(std::string_view sql, const Params& params);
};

// kRead: a consistent read-only snapshot; a writing statement in it fails with kInternal. kWrite:
// takes the write lock up front (SQLite BEGIN IMMEDIATE; PostgreSQL READ COMMITTED, rows locked
// with FOR UPDATE by the caller), so a count-then-write inside one transaction is safe.
enum class TxMode { kRead, kWrite };

struct PoolStats {
  int size = 0;            // connections open
  int in_use = 0;          // connections currently lent to a transaction
  std::int64_t waits = 0;  // checkouts that had to wait for a free connection
};

struct DatabaseOptions {
  // "sqlite:///absolute/path.db", "sqlite://relative/path.db", "sqlite::memory:" or
  // "postgresql://user[:password]@host:port/dbname[?options]".
  std::string url;
  int pool_size = 8;
  // SQLite PRAGMA synchronous: "OFF", "NORMAL", "FULL" or "EXTRA".
  std::string sqlite_synchronous = "FULL";
  std::chrono::milliseconds busy_timeout{5000};
  // How long a transaction waits for a free connection before kUnavailable.
  std::chrono::milliseconds pool_timeout{5000};
};

// A pool of connections to one database.
class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;

  // Runs `fn` in one transaction and commits if it returns ok; rolls back otherwise.
  // A transient failure (lock timeout, serialization failure, deadlock) reruns `fn`
  // a bounded number of times, so `fn` must have no effects outside the transaction.
  template <typename T>
  Result<T> Transact(TxMode mode, const std::function<Result<T>(Tx&)>& fn) {
    std::optional<Result<T>> out;
    Result<void> status = RunTransaction(mode, [&](Tx& tx) -> Result<void> {
      out.emplace(fn(tx));
      if (!out->ok()) return out->error();
      return core::Ok();
    });
    if (!status.ok()) return std::move(status).error();
    return std::move(*out);
  }
  Result<void> Transact(TxMode mode, const std::function<Result<void>(Tx&)>& fn) {
    return RunTransaction(mode, fn);
  }

  // Cheap round trip used by /readyz.
  virtual Result<void> Ping() = 0;
  virtual PoolStats Stats() const = 0;

 protected:
  virtual Result<void> RunTransaction(TxMode mode, const std::function<Result<void>(Tx&)>& fn) = 0;
};

// Opens a pool for `options.url`; kInvalidArgument names what is wrong with the URL.
Result<std::unique_ptr<Database>> OpenDatabase(const DatabaseOptions& options);

}  // namespace seatwise::store
