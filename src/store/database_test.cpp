#include "store/database.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <latch>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "fakes/test_databases.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace seatwise::store {
namespace {

using ::seatwise::testing::NewTestDatabase;
using ::seatwise::testing::PostgresCluster;

// Runs `sql` in its own write transaction.
Result<void> RunSql(Database& db, const std::string& sql, const Params& params = {}) {
  return db.Transact(TxMode::kWrite, [&](Tx& tx) -> Result<void> {
    SW_RETURN_IF_ERROR(tx.Exec(sql, params));
    return core::Ok();
  });
}

std::int64_t Count(Database& db, const std::string& table) {
  auto count = db.Transact<std::int64_t>(TxMode::kRead, [&](Tx& tx) -> Result<std::int64_t> {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT COUNT(*) FROM " + table, {}, table));
    return row.Int(0);
  });
  EXPECT_TRUE(count.ok()) << count.error().message;
  return count.ok() ? *count : -1;
}

// A directory under /tmp removed with the object.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/seatwise-test-XXXXXX";
    path_ = mkdtemp(name) != nullptr ? name : "";
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A URL for a new empty database of `backend`, for tests that need their own options.
std::string NewUrl(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite::memory:"
                                     : PostgresCluster::Shared().CreateDatabase();
}

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { db_ = NewTestDatabase(GetParam()); }

  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, ReportsItsBackend) {
  EXPECT_EQ(db_->backend(), GetParam());
  EXPECT_TRUE(db_->Ping().ok());
}

TEST_P(DatabaseTest, RoundTripsEveryValueKind) {
  ASSERT_TRUE(RunSql(*db_,
                     "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, "
                     "s TEXT)")
                  .ok());
  const std::string text = "Grüße, 世界 ✓ it's \"quoted\" -- not a comment? /* nor this */ ;";
  const Params first = {std::int64_t{1}, std::numeric_limits<std::int64_t>::min(), 0.1, text};
  const Params second = {std::int64_t{2}, std::numeric_limits<std::int64_t>::max(),
                         -1.0 / 3.0 * 1e300, std::string()};
  const Params third = {std::int64_t{3}, nullptr, nullptr, nullptr};
  for (const Params& params : {first, second, third}) {
    Result<void> inserted =
        RunSql(*db_, "INSERT INTO vals (id, i, r, s) VALUES (?, ?, ?, ?)", params);
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }

  auto rows = db_->Transact<Rows>(
      TxMode::kRead, [](Tx& tx) { return tx.Query("SELECT id, i, r, s FROM vals ORDER BY id"); });
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);
  for (std::size_t r = 0; r < 2; ++r) {
    const Params& want = r == 0 ? first : second;
    const Row& row = (*rows)[r];
    ASSERT_EQ(row.size(), 4u);
    EXPECT_EQ(row.at(0), want[0]);
    EXPECT_EQ(row.at(1), want[1]);
    EXPECT_EQ(row.at(2), want[2]);
    EXPECT_EQ(row.at(3), want[3]);
  }
  const Row& nulls = (*rows)[2];
  EXPECT_TRUE(nulls.IsNull(1));
  EXPECT_TRUE(nulls.IsNull(2));
  EXPECT_TRUE(nulls.IsNull(3));
  EXPECT_EQ(nulls.Int(1), 0);
  EXPECT_EQ(nulls.Text(3), "");
  EXPECT_EQ(nulls.OptInt(1), std::nullopt);
  EXPECT_EQ(nulls.OptText(3), std::nullopt);
  EXPECT_EQ((*rows)[0].OptText(3), text);
}

TEST_P(DatabaseTest, LeavesQuestionMarksInLiteralsAndCommentsAlone) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE quirks (id BIGINT PRIMARY KEY, \"odd?name\" TEXT)").ok());
  ASSERT_TRUE(RunSql(*db_, "INSERT INTO quirks (id, \"odd?name\") VALUES (?, 'why?') -- or not?",
                     {std::int64_t{7}})
                  .ok());
  auto row = db_->Transact<Row>(TxMode::kRead, [](Tx& tx) {
    return tx.QueryOne(
        "SELECT 'it''s?', \"odd?name\", ? /* what? */ FROM quirks WHERE id = ? -- done?",
        {std::string("param"), std::int64_t{7}}, "quirk");
  });
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->Text(0), "it's?");
  EXPECT_EQ(row->Text(1), "why?");
  EXPECT_EQ(row->Text(2), "param");
}

TEST_P(DatabaseTest, ExecRunsAScriptWithoutParameters) {
  Result<void> created = RunSql(*db_,
                                "CREATE TABLE a (id BIGINT PRIMARY KEY, note TEXT);\n"
                                "-- second statement; with a comment?\n"
                                "CREATE TABLE b (id BIGINT PRIMARY KEY);\n"
                                "INSERT INTO a (id, note) VALUES (1, 'x; y?');\n");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(Count(*db_, "a"), 1);
  EXPECT_EQ(Count(*db_, "b"), 0);
}

TEST_P(DatabaseTest, ExecCountsChangedRows) {
  ASSERT_TRUE(RunSql(*db_,
                     "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT);"
                     "INSERT INTO t (id, v) VALUES (1, 0), (2, 0), (3, 5)")
                  .ok());
  auto changed = db_->Transact<std::int64_t>(TxMode::kWrite, [](Tx& tx) {
    return tx.Exec("UPDATE t SET v = ? WHERE v = 0", {std::int64_t{1}});
  });
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(*changed, 2);
}

TEST_P(DatabaseTest, TransactReturnsTheCallbacksValue) {
  auto value = db_->Transact<std::string>(
      TxMode::kRead, [](Tx&) -> Result<std::string> { return std::string("seat"); });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "seat");
}

TEST_P(DatabaseTest, RollsBackWhenTheCallbackFails) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<void> result = db_->Transact(TxMode::kWrite, [](Tx& tx) -> Result<void> {
    SW_RETURN_IF_ERROR(tx.Exec("INSERT INTO t (id) VALUES (?)", {std::int64_t{1}}));
    return core::MakeError(ErrorCode::kConflict, "changed my mind");
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_EQ(result.error().message, "changed my mind");
  EXPECT_EQ(Count(*db_, "t"), 0);
}

TEST_P(DatabaseTest, AFailedStatementFailsTheTransactionEvenIfIgnored) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<void> result = db_->Transact(TxMode::kWrite, [](Tx& tx) -> Result<void> {
    SW_RETURN_IF_ERROR(tx.Exec("INSERT INTO t (id) VALUES (1)"));
    (void)tx.Exec("INSERT INTO t (id) VALUES (1)");
    return core::Ok();
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(Count(*db_, "t"), 0);
}

// A use case that names a lasting failure in words (a duplicate raced in by another request)
// is answered with its own words, and the transaction still rolls back.
TEST_P(DatabaseTest, AnErrorFnMadeOfAFailedStatementIsTheAnswer) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<void> result = db_->Transact(TxMode::kWrite, [](Tx& tx) -> Result<void> {
    SW_RETURN_IF_ERROR(tx.Exec("INSERT INTO t (id) VALUES (1)"));
    auto again = tx.Exec("INSERT INTO t (id) VALUES (1)");
    if (!again.ok() && again.error().code == ErrorCode::kAlreadyExists) {
      return core::MakeError(ErrorCode::kAlreadyExists, "row 1 is already there");
    }
    return core::Ok();
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(result.error().message, "row 1 is already there");
  EXPECT_EQ(Count(*db_, "t"), 0);
}

TEST_P(DatabaseTest, MapsConstraintViolationsToErrorCodes) {
  ASSERT_TRUE(RunSql(*db_,
                     "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
                     " seats BIGINT CHECK (seats >= 0));"
                     "CREATE TABLE devices (id BIGINT PRIMARY KEY,"
                     " user_id BIGINT NOT NULL REFERENCES users (id));"
                     "INSERT INTO users (id, email, seats) VALUES (1, 'a@example.com', 1);"
                     "INSERT INTO devices (id, user_id) VALUES (1, 1)")
                  .ok());
  struct Case {
    std::string sql;
    ErrorCode code;
    std::string mentions;  // what the message must name, so callers can tell causes apart
  };
  const std::vector<Case> cases = {
      {"INSERT INTO users (id, email) VALUES (2, 'a@example.com')", ErrorCode::kAlreadyExists,
       "email"},
      {"INSERT INTO users (id, email) VALUES (1, 'b@example.com')", ErrorCode::kAlreadyExists, ""},
      {"INSERT INTO devices (id, user_id) VALUES (2, 99)", ErrorCode::kConflict, ""},
      {"DELETE FROM users WHERE id = 1", ErrorCode::kConflict, ""},
      {"INSERT INTO users (id, email, seats) VALUES (3, 'c@example.com', -1)",
       ErrorCode::kInvalidArgument, ""},
      {"INSERT INTO users (id, email) VALUES (4, NULL)", ErrorCode::kInvalidArgument, "email"},
      {"SELECT no_such_column FROM users", ErrorCode::kInternal, "no_such_column"},
  };
  for (const Case& c : cases) {
    Result<void> result = RunSql(*db_, c.sql);
    ASSERT_FALSE(result.ok()) << c.sql;
    EXPECT_EQ(result.error().code, c.code)
        << c.sql << ": " << core::ErrorCodeName(result.error().code) << " "
        << result.error().message;
    EXPECT_NE(result.error().message.find(c.mentions), std::string::npos)
        << c.sql << ": " << result.error().message;
  }
  EXPECT_EQ(Count(*db_, "users"), 1);
}

TEST_P(DatabaseTest, QueryOneAndQueryOptionalHandleMissingRows) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<void> result = db_->Transact(TxMode::kRead, [](Tx& tx) -> Result<void> {
    Result<Row> one = tx.QueryOne("SELECT id FROM t WHERE id = ?", {std::int64_t{1}}, "widget");
    EXPECT_FALSE(one.ok());
    if (!one.ok()) {
      EXPECT_EQ(one.error().code, ErrorCode::kNotFound);
      EXPECT_EQ(one.error().message, "widget not found");
    }
    SW_ASSIGN_OR_RETURN(std::optional<Row> optional,
                        tx.QueryOptional("SELECT id FROM t WHERE id = ?", {std::int64_t{1}}));
    EXPECT_FALSE(optional.has_value());
    return core::Ok();
  });
  EXPECT_TRUE(result.ok());
}

TEST_P(DatabaseTest, ReadTransactionSeesCommittedDataAndRefusesWrites) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)").ok());
  ASSERT_TRUE(RunSql(*db_, "INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{1}, "one"}).ok());
  auto read = db_->Transact<Row>(TxMode::kRead, [](Tx& tx) {
    return tx.QueryOne("SELECT v FROM t WHERE id = ?", {std::int64_t{1}}, "t");
  });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->Text(0), "one");

  Result<void> write = db_->Transact(TxMode::kRead, [](Tx& tx) -> Result<void> {
    SW_RETURN_IF_ERROR(tx.Exec("INSERT INTO t (id, v) VALUES (2, 'two')"));
    return core::Ok();
  });
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code, ErrorCode::kInternal);
  EXPECT_EQ(Count(*db_, "t"), 1);
}

TEST_P(DatabaseTest, ReadTransactionIsAConsistentSnapshot) {
  ASSERT_TRUE(RunSql(*db_, "CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  Result<void> result = db_->Transact(TxMode::kRead, [&](Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(Row before, tx.QueryOne("SELECT COUNT(*) FROM t", {}, "count"));
    // Committed on another connection while this transaction is open.
    EXPECT_TRUE(RunSql(*db_, "INSERT INTO t (id) VALUES (1)").ok());
    SW_ASSIGN_OR_RETURN(Row after, tx.QueryOne("SELECT COUNT(*) FROM t", {}, "count"));
    EXPECT_EQ(before.Int(0), 0);
    EXPECT_EQ(after.Int(0), 0);
    return core::Ok();
  });
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(Count(*db_, "t"), 1);
}

TEST_P(DatabaseTest, PoolStatsShowAnOpenTransaction) {
  ASSERT_TRUE(db_->Ping().ok());
  EXPECT_EQ(db_->Stats().in_use, 0);
  Result<void> result = db_->Transact(TxMode::kRead, [&](Tx&) -> Result<void> {
    PoolStats inside = db_->Stats();
    EXPECT_EQ(inside.in_use, 1);
    EXPECT_GE(inside.size, 1);
    return core::Ok();
  });
  EXPECT_TRUE(result.ok());
  PoolStats after = db_->Stats();
  EXPECT_EQ(after.in_use, 0);
  EXPECT_GE(after.size, 1);
  EXPECT_LE(after.size, 8);
  EXPECT_EQ(after.waits, 0);
}

TEST_P(DatabaseTest, GivesUpWhenThePoolStaysExhausted) {
  DatabaseOptions options;
  options.url = NewUrl(GetParam());
  options.pool_size = 1;
  options.pool_timeout = std::chrono::milliseconds(20);
  auto db = OpenDatabase(options);
  ASSERT_TRUE(db.ok()) << db.error().message;
  Database& database = **db;

  Result<void> outer = database.Transact(TxMode::kRead, [&](Tx&) -> Result<void> {
    // The only connection is lent to this transaction, so a nested one cannot get one.
    Result<void> inner =
        database.Transact(TxMode::kRead, [](Tx&) -> Result<void> { return core::Ok(); });
    EXPECT_FALSE(inner.ok());
    if (!inner.ok()) {
      EXPECT_EQ(inner.error().code, ErrorCode::kUnavailable);
      EXPECT_NE(inner.error().message.find("database connection pool exhausted"),
                std::string::npos);
    }
    return core::Ok();
  });
  EXPECT_TRUE(outer.ok());
  PoolStats stats = database.Stats();
  EXPECT_EQ(stats.size, 1);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waits, 1);
}

// The seat invariant under contention: many writers count-then-insert against one pool
// row, and the count never overshoots.
TEST_P(DatabaseTest, ConcurrentWritersNeverExceedTheSeats) {
  ASSERT_TRUE(RunSql(*db_,
                     "CREATE TABLE pool (id BIGINT PRIMARY KEY, seats BIGINT NOT NULL);"
                     "CREATE TABLE holder (id BIGINT PRIMARY KEY,"
                     " pool_id BIGINT NOT NULL REFERENCES pool (id));"
                     "INSERT INTO pool (id, seats) VALUES (1, 10)")
                  .ok());
  constexpr int kThreads = 64;
  std::vector<std::optional<Error>> outcomes(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      Result<void> result = db_->Transact(TxMode::kWrite, [t](Tx& tx) -> Result<void> {
        const std::string lock = std::string("SELECT seats FROM pool WHERE id = ?") +
                                 std::string(ForUpdate(tx.backend()));
        SW_ASSIGN_OR_RETURN(Row pool, tx.QueryOne(lock, {std::int64_t{1}}, "pool"));
        SW_ASSIGN_OR_RETURN(Row held, tx.QueryOne("SELECT COUNT(*) FROM holder WHERE pool_id = ?",
                                                  {std::int64_t{1}}, "count"));
        if (held.Int(0) >= pool.Int(0)) {
          return core::MakeError(ErrorCode::kSeatLimitReached, "all seats are taken");
        }
        SW_RETURN_IF_ERROR(tx.Exec("INSERT INTO holder (id, pool_id) VALUES (?, ?)",
                                   {std::int64_t{t}, std::int64_t{1}}));
        return core::Ok();
      });
      if (!result.ok()) outcomes[static_cast<std::size_t>(t)] = result.error();
    });
  }
  for (std::thread& thread : threads) thread.join();

  int granted = 0;
  int refused = 0;
  for (const std::optional<Error>& outcome : outcomes) {
    if (!outcome) {
      ++granted;
    } else if (outcome->code == ErrorCode::kSeatLimitReached) {
      ++refused;
    } else {
      ADD_FAILURE() << "unexpected " << core::ErrorCodeName(outcome->code) << ": "
                    << outcome->message;
    }
  }
  EXPECT_EQ(granted, 10);
  EXPECT_EQ(refused, kThreads - 10);
  EXPECT_EQ(Count(*db_, "holder"), 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::BackendParamName);

TEST(OpenDatabaseTest, RejectsBadUrlsNamingWhatIsAllowed) {
  for (const std::string url :
       {"", "mysql://localhost/db", "sqlite:", "sqlite://", "sqlite:data.db", "data.db"}) {
    DatabaseOptions options;
    options.url = url;
    auto db = OpenDatabase(options);
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(db.error().message.find("sqlite:///absolute/path.db"), std::string::npos)
        << db.error().message;
    EXPECT_NE(db.error().message.find("postgresql://"), std::string::npos) << db.error().message;
  }
}

TEST(OpenDatabaseTest, RejectsBadOptions) {
  DatabaseOptions options;
  options.url = "sqlite::memory:";
  options.pool_size = 0;
  auto no_pool = OpenDatabase(options);
  ASSERT_FALSE(no_pool.ok());
  EXPECT_EQ(no_pool.error().code, ErrorCode::kInvalidArgument);

  options.pool_size = 1;
  options.sqlite_synchronous = "SOMETIMES";
  auto bad_sync = OpenDatabase(options);
  ASSERT_FALSE(bad_sync.ok());
  EXPECT_EQ(bad_sync.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_sync.error().message.find("OFF, NORMAL, FULL or EXTRA"), std::string::npos);

  options.url = "postgresql://postgres@127.0.0.1/db?no_such_option=1";
  auto bad_option = OpenDatabase(options);
  ASSERT_FALSE(bad_option.ok());
  EXPECT_EQ(bad_option.error().code, ErrorCode::kInvalidArgument);
}

TEST(OpenDatabaseTest, UnreachableServerIsUnavailable) {
  DatabaseOptions options;
  options.url = "postgresql://postgres@127.0.0.1:1/db";
  auto db = OpenDatabase(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
}

TEST(SqliteDatabaseTest, AppliesTheDurabilitySettingAndWal) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::vector<std::pair<std::string, std::int64_t>> modes = {
      {"OFF", 0}, {"normal", 1}, {"FULL", 2}, {"EXTRA", 3}};
  for (const auto& [mode, level] : modes) {
    DatabaseOptions options;
    // The parent directories do not exist yet; opening creates them.
    options.url = "sqlite://" + dir.path() + "/nested/" + mode + "/seatwise.db";
    options.sqlite_synchronous = mode;
    auto db = OpenDatabase(options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    // kWrite: SQLite counts "PRAGMA journal_mode" as a writing statement.
    auto pragmas = (*db)->Transact<Row>(TxMode::kWrite, [](Tx& tx) -> Result<Row> {
      SW_ASSIGN_OR_RETURN(Row synchronous, tx.QueryOne("PRAGMA synchronous", {}, "synchronous"));
      SW_ASSIGN_OR_RETURN(Row journal, tx.QueryOne("PRAGMA journal_mode", {}, "journal_mode"));
      SW_ASSIGN_OR_RETURN(Row keys, tx.QueryOne("PRAGMA foreign_keys", {}, "foreign_keys"));
      return Row({synchronous.at(0), journal.at(0), keys.at(0)});
    });
    ASSERT_TRUE(pragmas.ok()) << pragmas.error().message;
    EXPECT_EQ(pragmas->Int(0), level) << mode;
    EXPECT_EQ(pragmas->Text(1), "wal");
    EXPECT_EQ(pragmas->Int(2), 1);
  }
}

// A reader that holds an old snapshot keeps the write-ahead log from restarting, so it grows
// while writes go on; once the reader lets go, the next writes checkpoint and restart it and
// the file shrinks back to the bound instead of keeping its peak size for good.
TEST(SqliteDatabaseTest, WalShrinksBackToItsBoundOnceALongReaderLetsGo) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  DatabaseOptions options;
  options.url = "sqlite://" + dir.path() + "/wal.db";
  options.pool_size = 2;
  auto db = OpenDatabase(options);
  ASSERT_TRUE(db.ok()) << db.error().message;
  Database& database = **db;
  ASSERT_TRUE(
      RunSql(database, "CREATE TABLE blobs (id BIGINT PRIMARY KEY, body TEXT NOT NULL)").ok());
  const std::string wal = dir.path() + "/wal.db-wal";
  const std::string body(16 * 1024, 'x');
  std::int64_t next_id = 0;
  auto write_one = [&] {
    Result<void> written =
        RunSql(database, "INSERT INTO blobs (id, body) VALUES (?, ?)", {next_id++, body});
    ASSERT_TRUE(written.ok()) << written.error().message;
  };

  // Enough writes to take the log well past the bound while the snapshot is held.
  constexpr int kWrites = 1300;
  std::uintmax_t held_size = 0;
  Result<void> reader = database.Transact(TxMode::kRead, [&](Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(Row before, tx.QueryOne("SELECT COUNT(*) FROM blobs", {}, "count"));
    for (int i = 0; i < kWrites; ++i) write_one();
    SW_ASSIGN_OR_RETURN(Row still, tx.QueryOne("SELECT COUNT(*) FROM blobs", {}, "count"));
    EXPECT_EQ(still.Int(0), before.Int(0));  // the snapshot really was held throughout
    held_size = std::filesystem::file_size(wal);
    return core::Ok();
  });
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_GT(held_size, static_cast<std::uintmax_t>(sqlite::kWalSizeLimitBytes));

  // The first write after the reader is gone checkpoints the whole log; the second restarts it.
  write_one();
  write_one();
  EXPECT_LE(std::filesystem::file_size(wal),
            static_cast<std::uintmax_t>(sqlite::kWalSizeLimitBytes));
  EXPECT_EQ(Count(database, "blobs"), kWrites + 2);
}

// Under steady writes with short readers in between, the log is checkpointed and restarted
// about every kCheckpointPages frames (a frame is a 4096-byte page and a 24-byte header),
// far below what these writes take without checkpoints (about five frames each).
TEST(SqliteDatabaseTest, SteadyWritesKeepTheWalNearTheCheckpointThreshold) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  DatabaseOptions options;
  options.url = "sqlite://" + dir.path() + "/wal.db";
  options.pool_size = 2;
  auto db = OpenDatabase(options);
  ASSERT_TRUE(db.ok()) << db.error().message;
  Database& database = **db;
  ASSERT_TRUE(
      RunSql(database, "CREATE TABLE blobs (id BIGINT PRIMARY KEY, body TEXT NOT NULL)").ok());
  const std::string wal = dir.path() + "/wal.db-wal";
  const std::string body(16 * 1024, 'x');
  const std::uintmax_t steady_bound = 2 * sqlite::kCheckpointPages * (4096 + 24);
  std::uintmax_t largest = 0;
  for (std::int64_t id = 0; id < sqlite::kCheckpointPages; ++id) {
    Result<void> written =
        RunSql(database, "INSERT INTO blobs (id, body) VALUES (?, ?)", {id, body});
    ASSERT_TRUE(written.ok()) << written.error().message;
    if (id % 50 == 0) {
      EXPECT_EQ(Count(database, "blobs"), id + 1);
    }
    largest = std::max(largest, std::filesystem::file_size(wal));
  }
  EXPECT_LE(largest, steady_bound);
  EXPECT_EQ(Count(database, "blobs"), sqlite::kCheckpointPages);
}

TEST(SqliteDatabaseTest, MemoryDatabaseIsSharedByThePool) {
  DatabaseOptions options;
  options.url = "sqlite::memory:";
  options.pool_size = 2;
  auto db = OpenDatabase(options);
  ASSERT_TRUE(db.ok()) << db.error().message;
  Database& database = **db;
  ASSERT_TRUE(RunSql(database,
                     "CREATE TABLE t (id BIGINT PRIMARY KEY);"
                     "INSERT INTO t (id) VALUES (1)")
                  .ok());
  Result<void> outer = database.Transact(TxMode::kRead, [&](Tx&) -> Result<void> {
    // Nested, so it runs on the pool's second connection.
    EXPECT_EQ(Count(database, "t"), 1);
    return core::Ok();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(database.Stats().size, 2);

  // A second memory database is a different one.
  auto other = OpenDatabase(options);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(RunSql(**other, "INSERT INTO t (id) VALUES (2)").ok());
}

TEST(PostgresDatabaseTest, AcceptsThePostgresScheme) {
  std::string url = PostgresCluster::Shared().CreateDatabase();
  ASSERT_EQ(url.rfind("postgresql://", 0), 0u);
  DatabaseOptions options;
  options.url = "postgres://" + url.substr(std::string("postgresql://").size());
  auto db = OpenDatabase(options);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ((*db)->backend(), Backend::kPostgres);
}

TEST(PostgresDatabaseTest, SessionUsesUtcAndUtf8) {
  auto db = NewTestDatabase(Backend::kPostgres);
  auto row = db->Transact<Row>(TxMode::kRead, [](Tx& tx) {
    return tx.QueryOne("SELECT current_setting('TimeZone'), current_setting('client_encoding')", {},
                       "settings");
  });
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->Text(0), "UTC");
  EXPECT_EQ(row->Text(1), "UTF8");
}

TEST(PostgresDatabaseTest, DecodesColumnsByType) {
  auto db = NewTestDatabase(Backend::kPostgres);
  auto row = db->Transact<Row>(TxMode::kRead, [](Tx& tx) {
    return tx.QueryOne(
        "SELECT CAST(7 AS smallint), CAST(8 AS integer), CAST(2.5 AS real), "
        "CAST(1.25 AS numeric), TRUE, FALSE, CAST(NULL AS bigint), CAST(? AS bigint) + 1",
        {std::int64_t{41}}, "row");
  });
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(row->at(0), Value(std::int64_t{7}));
  EXPECT_EQ(row->at(1), Value(std::int64_t{8}));
  EXPECT_EQ(row->at(2), Value(2.5));
  EXPECT_EQ(row->at(3), Value(1.25));
  EXPECT_EQ(row->at(4), Value(std::int64_t{1}));
  EXPECT_EQ(row->at(5), Value(std::int64_t{0}));
  EXPECT_TRUE(row->IsNull(6));
  EXPECT_EQ(row->at(7), Value(std::int64_t{42}));
}

TEST(PostgresDatabaseTest, RecoversWhenTheServerEndsItsConnection) {
  auto db = NewTestDatabase(Backend::kPostgres, /*pool_size=*/1);
  auto admin = NewTestDatabase(Backend::kPostgres, /*pool_size=*/1);
  auto backend_pid = [&]() {
    return db->Transact<std::int64_t>(TxMode::kRead, [](Tx& tx) -> Result<std::int64_t> {
      SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT pg_backend_pid()", {}, "pid"));
      return row.Int(0);
    });
  };
  auto terminate = [&](std::int64_t pid) {
    // The timeout makes the server wait until the backend has really exited.
    return admin->Transact<Row>(TxMode::kWrite, [pid](Tx& tx) {
      return tx.QueryOne("SELECT pg_terminate_backend(CAST(? AS integer), 10000)", {pid},
                         "terminated");
    });
  };

  auto first = backend_pid();
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto terminated = terminate(*first);
  ASSERT_TRUE(terminated.ok()) << terminated.error().message;
  ASSERT_TRUE(terminated->Bool(0));

  // The pool's only connection is dead; the next transaction resets it and succeeds.
  auto second = backend_pid();
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(*second, *first);
  EXPECT_EQ(db->Stats().size, 1);

  // Ping recovers the same way.
  terminated = terminate(*second);
  ASSERT_TRUE(terminated.ok()) << terminated.error().message;
  Result<void> ping = db->Ping();
  EXPECT_TRUE(ping.ok()) << ping.error().message;
}

}  // namespace
}  // namespace seatwise::store
