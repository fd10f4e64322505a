#include "store/migrator.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <span>
#include <thread>
#include <vector>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

class MigratorTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { db_ = testing::NewTestDatabase(GetParam(), 4); }

  testing::FakeClock clock_;
  std::unique_ptr<Database> db_;
};

TEST_P(MigratorTest, BringsAFreshDatabaseToTheLatestVersion) {
  const auto scripts = MigrationScripts(GetParam());
  ASSERT_FALSE(scripts.empty());
  auto before = GetSchemaStatus(*db_);
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_EQ(before->current_version, 0);
  EXPECT_EQ(before->pending, static_cast<int>(scripts.size()));

  auto report = Migrate(*db_, clock_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->from_version, 0);
  EXPECT_EQ(report->to_version, scripts.back().version);
  EXPECT_EQ(report->applied.size(), scripts.size());

  auto after = Must(GetSchemaStatus(*db_));
  EXPECT_EQ(after.current_version, scripts.back().version);
  EXPECT_EQ(after.latest_version, scripts.back().version);
  EXPECT_EQ(after.pending, 0);

  auto recorded = Must(db_->Transact<Row>(TxMode::kRead, [](Tx& tx) {
    return tx.QueryOne("SELECT name, applied_at FROM schema_migrations WHERE version = 1", {},
                       "migration");
  }));
  EXPECT_EQ(recorded.Text(0), "initial");
  EXPECT_EQ(recorded.Int(1), core::ToUnixMillis(clock_.Now()));
}

TEST_P(MigratorTest, RerunIsANoOp) {
  Must(Migrate(*db_, clock_));
  auto again = Must(Migrate(*db_, clock_));
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.from_version, again.to_version);
}

TEST_P(MigratorTest, AppliesOnlyWhatIsPending) {
  const std::array<MigrationScript, 1> first = {
      MigrationScript{1, "one", "CREATE TABLE t1 (x INTEGER)"}};
  const std::array<MigrationScript, 2> both = {
      first[0],
      MigrationScript{2, "two", "CREATE TABLE t2 (y INTEGER); INSERT INTO t2 VALUES (7)"}};
  Must(Migrate(*db_, clock_, first));
  EXPECT_EQ(Must(GetSchemaStatus(*db_, both)).pending, 1);
  auto report = Must(Migrate(*db_, clock_, both));
  EXPECT_EQ(report.from_version, 1);
  ASSERT_EQ(report.applied.size(), 1u);
  EXPECT_EQ(report.applied[0], 2);
  auto row = Must(db_->Transact<Row>(
      TxMode::kRead, [](Tx& tx) { return tx.QueryOne("SELECT y FROM t2", {}, "row"); }));
  EXPECT_EQ(row.Int(0), 7);
}

TEST_P(MigratorTest, AFailedMigrationLeavesNothingBehind) {
  const std::array<MigrationScript, 1> broken = {
      MigrationScript{1, "broken", "CREATE TABLE t1 (x INTEGER); THIS IS NOT SQL"}};
  EXPECT_FALSE(Migrate(*db_, clock_, broken).ok());
  const std::array<MigrationScript, 1> fixed = {
      MigrationScript{1, "fixed", "CREATE TABLE t1 (x INTEGER)"}};
  auto report = Migrate(*db_, clock_, fixed);
  ASSERT_TRUE(report.ok()) << report.error().message;  // t1 was rolled back with the failure
  EXPECT_EQ(report->applied.size(), 1u);
}

TEST_P(MigratorTest, RefusesADatabaseNewerThanTheBinary) {
  Must(Migrate(*db_, clock_));
  const int latest = MigrationScripts(GetParam()).back().version;
  const std::string newer = std::to_string(latest + 1);
  Must(db_->Transact(TxMode::kWrite, [&](Tx& tx) -> core::Result<void> {
    SW_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (" +
                newer + ", 'x', '0', 0)"));
    return core::Ok();
  }));
  const std::string expected = "database schema is at version " + newer +
                               " but this seatwise binary knows up to " + std::to_string(latest) +
                               "; upgrade seatwise or point it at another database";
  auto migrated = Migrate(*db_, clock_);
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(migrated.error().message, expected);
  auto status = GetSchemaStatus(*db_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, expected);
}

TEST_P(MigratorTest, RefusesAnAppliedMigrationThatChanged) {
  const std::array<MigrationScript, 1> original = {
      MigrationScript{1, "one", "CREATE TABLE t1 (x INTEGER)"}};
  const std::array<MigrationScript, 1> edited = {
      MigrationScript{1, "one", "CREATE TABLE t1 (x INTEGER, y INTEGER)"}};
  Must(Migrate(*db_, clock_, original));
  auto migrated = Migrate(*db_, clock_, edited);
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(migrated.error().message.find("checksum"), std::string::npos);
}

TEST_P(MigratorTest, ConcurrentMigrationsApplyEachScriptOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::atomic<int> applied{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto report = Migrate(*db_, clock_);
      if (!report.ok()) {
        ++failures;
        ADD_FAILURE() << report.error().message;
        return;
      }
      applied += static_cast<int>(report->applied.size());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(applied.load(), static_cast<int>(MigrationScripts(GetParam()).size()));
}

TEST_P(MigratorTest, ResellerNamesThatClashInLetterCaseAreKeptApartThenRefused) {
  const auto scripts = MigrationScripts(GetParam());
  ASSERT_GE(scripts.size(), 7u);
  ASSERT_EQ(scripts[6].name, "reseller_names");
  Must(Migrate(*db_, clock_, std::span(scripts).first(6)));
  Must(db_->Transact(TxMode::kWrite, [](Tx& tx) -> core::Result<void> {
    SW_RETURN_IF_ERROR(tx.Exec(
        "INSERT INTO resellers (id, name, created_at, updated_at) VALUES ('res_a', 'North', 0, 0), "
        "('res_b', 'NORTH', 0, 0), ('res_c', 'South', 0, 0)"));
    return core::Ok();
  }));
  Must(Migrate(*db_, clock_));
  auto names = Must(db_->Transact<Rows>(TxMode::kRead, [](Tx& tx) {
    return tx.Query("SELECT id, name FROM resellers ORDER BY id", {});
  }));
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0].Text(1), "North");
  EXPECT_EQ(names[1].Text(1), "NORTH (res_b)");
  EXPECT_EQ(names[2].Text(1), "South");
  auto clash = db_->Transact<std::int64_t>(TxMode::kWrite, [](Tx& tx) {
    return tx.Exec(
        "INSERT INTO resellers (id, name, created_at, updated_at) VALUES "
        "('res_d', 'south', 0, 0)");
  });
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, core::ErrorCode::kAlreadyExists);
}

TEST(MigrationScriptsTest, BothBackendsHaveTheSameNumberedMigrations) {
  const auto sqlite = MigrationScripts(Backend::kSqlite);
  const auto postgres = MigrationScripts(Backend::kPostgres);
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, static_cast<int>(i + 1));
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
  }
}

SW_INSTANTIATE_BACKENDS(MigratorTest);

}  // namespace
}  // namespace seatwise::store
