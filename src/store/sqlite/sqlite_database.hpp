#pragma once
// The embedded backend: a pool of SQLite connections to one file in WAL mode.

#include <memory>
#include <optional>
#include <string>

#include "store/database.hpp"

namespace seatwise::store::sqlite {

// Opens a pool on the SQLite file at `path` (created if missing), or on an in-memory
// database shared by the whole pool and gone when the pool closes when `path` is nullopt.
// Validates options.sqlite_synchronous; opens one connection so a bad file fails here.
Result<std::unique_ptr<Database>> OpenSqliteDatabase(const DatabaseOptions& options,
                                                     const std::optional<std::string>& path);

}  // namespace seatwise::store::sqlite
