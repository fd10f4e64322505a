#include "store/migrator.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace seatwise::store {
namespace {

// Any constant shared by every seatwise process; identifies the migration lock.
constexpr std::int64_t kMigrationLockKey = 0x5ea7'0001'5c4e'0a00;

constexpr std::string_view kCreateTableSqlite =
    "CREATE TABLE schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL) STRICT";
constexpr std::string_view kCreateTablePostgres =
    "CREATE TABLE schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";
constexpr std::string_view kTableExistsSqlite =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr std::string_view kTableExistsPostgres =
    "SELECT COUNT(*) FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_name = 'schema_migrations'";
constexpr std::string_view kLockPostgres = "SELECT pg_advisory_xact_lock(?)";
constexpr std::string_view kSelectApplied =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";

struct Applied {
  std::string name;
  std::string checksum;
};
using AppliedMap = std::map<int, Applied>;

int LatestVersion(std::span<const MigrationScript> scripts) {
  return scripts.empty() ? 0 : scripts.back().version;
}

Result<void> Lock(Tx& tx) {
  if (tx.backend() != Backend::kPostgres) return core::Ok();  // kWrite already serialises
  SW_RETURN_IF_ERROR(tx.Query(kLockPostgres, {kMigrationLockKey}));
  return core::Ok();
}

Result<bool> TableExists(Tx& tx) {
  const auto sql = tx.backend() == Backend::kSqlite ? kTableExistsSqlite : kTableExistsPostgres;
  SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(sql, {}, "schema table"));
  return row.Int(0) > 0;
}

Result<AppliedMap> ReadApplied(Tx& tx) {
  SW_ASSIGN_OR_RETURN(bool exists, TableExists(tx));
  AppliedMap applied;
  if (!exists) return applied;
  SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectApplied));
  for (const Row& row : rows) {
    applied[static_cast<int>(row.Int(0))] = Applied{row.Text(1), row.Text(2)};
  }
  return applied;
}

// Refuses a database this binary must not touch: newer than it, or with a different past.
Result<void> CheckCompatible(const AppliedMap& applied, std::span<const MigrationScript> scripts) {
  const int latest = LatestVersion(scripts);
  if (!applied.empty() && applied.rbegin()->first > latest) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           "database schema is at version " +
                               std::to_string(applied.rbegin()->first) +
                               " but this seatwise binary knows up to " + std::to_string(latest) +
                               "; upgrade seatwise or point it at another database");
  }
  for (const auto& [version, record] : applied) {
    auto it = std::find_if(scripts.begin(), scripts.end(),
                           [&](const MigrationScript& s) { return s.version == version; });
    if (it == scripts.end()) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             "database has migration " + std::to_string(version) + " (" +
                                 record.name + ") which this seatwise binary does not know");
    }
    const std::string expected = MigrationChecksum(it->sql);
    if (record.checksum != expected) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             "migration " + std::to_string(version) + " (" + record.name +
                                 ") was applied with checksum " + record.checksum +
                                 " but this binary carries " + expected +
                                 "; the migration file was changed after it was applied");
    }
  }
  return core::Ok();
}

SchemaStatus StatusOf(const AppliedMap& applied, std::span<const MigrationScript> scripts) {
  SchemaStatus status;
  status.current_version = applied.empty() ? 0 : applied.rbegin()->first;
  status.latest_version = LatestVersion(scripts);
  status.pending =
      static_cast<int>(std::count_if(scripts.begin(), scripts.end(), [&](const MigrationScript& s) {
        return applied.find(s.version) == applied.end();
      }));
  return status;
}

Result<void> CheckOrdered(std::span<const MigrationScript> scripts) {
  for (std::size_t i = 1; i < scripts.size(); ++i) {
    if (scripts[i].version <= scripts[i - 1].version) {
      return core::MakeError(ErrorCode::kInternal, "migrations are not in ascending order");
    }
  }
  return core::Ok();
}

}  // namespace

std::string MigrationChecksum(std::string_view sql) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : sql) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[hash & 0xF];
    hash >>= 4;
  }
  return out;
}

Result<MigrationReport> Migrate(Database& db, const core::Clock& clock) {
  return Migrate(db, clock, MigrationScripts(db.backend()));
}

Result<MigrationReport> Migrate(Database& db, const core::Clock& clock,
                                std::span<const MigrationScript> scripts) {
  SW_RETURN_IF_ERROR(CheckOrdered(scripts));
  MigrationReport report;
  SW_ASSIGN_OR_RETURN(
      report.from_version, db.Transact<int>(TxMode::kWrite, [&](Tx& tx) -> Result<int> {
        SW_RETURN_IF_ERROR(Lock(tx));
        SW_ASSIGN_OR_RETURN(bool exists, TableExists(tx));
        if (!exists) {
          SW_RETURN_IF_ERROR(tx.Exec(tx.backend() == Backend::kSqlite ? kCreateTableSqlite
                                                                      : kCreateTablePostgres));
        }
        SW_ASSIGN_OR_RETURN(AppliedMap applied, ReadApplied(tx));
        SW_RETURN_IF_ERROR(CheckCompatible(applied, scripts));
        return StatusOf(applied, scripts).current_version;
      }));
  report.to_version = report.from_version;

  for (const MigrationScript& script : scripts) {
    // Each migration re-reads the record under the lock: another process may have applied it.
    SW_ASSIGN_OR_RETURN(
        bool applied_now, db.Transact<bool>(TxMode::kWrite, [&](Tx& tx) -> Result<bool> {
          SW_RETURN_IF_ERROR(Lock(tx));
          SW_ASSIGN_OR_RETURN(AppliedMap applied, ReadApplied(tx));
          SW_RETURN_IF_ERROR(CheckCompatible(applied, scripts));
          if (applied.count(script.version) != 0) return false;
          SW_RETURN_IF_ERROR(tx.Exec(script.sql));
          SW_RETURN_IF_ERROR(tx.Exec(
              kInsertApplied, {std::int64_t{script.version}, std::string(script.name),
                               MigrationChecksum(script.sql), core::ToUnixMillis(clock.Now())}));
          return true;
        }));
    if (applied_now) report.applied.push_back(script.version);
    report.to_version = std::max(report.to_version, script.version);
  }
  return report;
}

Result<SchemaStatus> GetSchemaStatus(Database& db) {
  return GetSchemaStatus(db, MigrationScripts(db.backend()));
}

Result<SchemaStatus> GetSchemaStatus(Database& db, std::span<const MigrationScript> scripts) {
  return db.Transact<SchemaStatus>(TxMode::kRead, [&](Tx& tx) -> Result<SchemaStatus> {
    SW_ASSIGN_OR_RETURN(AppliedMap applied, ReadApplied(tx));
    SW_RETURN_IF_ERROR(CheckCompatible(applied, scripts));
    return StatusOf(applied, scripts);
  });
}

}  // namespace seatwise::store
