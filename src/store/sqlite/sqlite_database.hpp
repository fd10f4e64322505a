#pragma once
// The embedded backend: a pool of SQLite connections to one file in WAL mode.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/database.hpp"

namespace seatwise::store::sqlite {

// Checkpoint policy of a database file. The commit that leaves at least kCheckpointPages
// frames in the write-ahead log copies them back into the database (SQLite's automatic
// passive checkpoint), still under the write lock, so no other write slips in between and the
// next writer can restart the log from its beginning. Checkpointing after releasing the lock
// was tried: under constant writes the log then never restarted and grew without bound.
// When the log restarts after a long reader held an old snapshot, a file that grew past
// kWalSizeLimitBytes is truncated back to it instead of keeping its peak size for good.
inline constexpr int kCheckpointPages = 1000;
inline constexpr std::int64_t kWalSizeLimitBytes = std::int64_t{16} << 20;

// Opens a pool on the SQLite file at `path` (created if missing), or on an in-memory
// database shared by the whole pool and gone when the pool closes when `path` is nullopt.
// Validates options.sqlite_synchronous; opens one connection so a bad file fails here.
Result<std::unique_ptr<Database>> OpenSqliteDatabase(const DatabaseOptions& options,
                                                     const std::optional<std::string>& path);

}  // namespace seatwise::store::sqlite
