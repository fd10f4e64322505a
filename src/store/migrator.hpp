#pragma once
// Brings a database's schema to the version this binary knows, one numbered migration per
// transaction, and refuses databases it cannot serve (newer, or with altered history).

#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/database.hpp"
#include "store/migration_scripts.hpp"

namespace seatwise::store {

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;  // versions applied by this call, ascending
};

struct SchemaStatus {
  int current_version = 0;  // highest applied migration; 0 for an empty database
  int latest_version = 0;   // highest migration this binary knows
  int pending = 0;          // known migrations not yet applied
};

// Applies every pending migration of `db`'s backend in order. Safe when several processes
// migrate one database at once (PostgreSQL advisory lock; SQLite's write lock).
// kFailedPrecondition when the database is newer than this binary or an applied migration
// differs from the one this binary carries.
Result<MigrationReport> Migrate(Database& db, const core::Clock& clock);

// The same with an explicit list of scripts (ascending versions); used by tests.
Result<MigrationReport> Migrate(Database& db, const core::Clock& clock,
                                std::span<const MigrationScript> scripts);

// Where the schema stands; the same checks as Migrate, without changing anything.
Result<SchemaStatus> GetSchemaStatus(Database& db);
Result<SchemaStatus> GetSchemaStatus(Database& db, std::span<const MigrationScript> scripts);

// The checksum recorded for a script: FNV-1a 64 of its text, as 16 hex digits.
std::string MigrationChecksum(std::string_view sql);

}  // namespace seatwise::store
