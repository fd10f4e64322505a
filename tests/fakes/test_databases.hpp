#pragma once
// Fresh databases for storage tests, on either backend. PostgreSQL tests run against a real
// throwaway cluster, never a mock, so both backends are held to the same contract.

#include <gtest/gtest.h>

#include <sys/types.h>
#include <atomic>
#include <memory>
#include <string>

#include "store/database.hpp"

namespace seatwise::testing {

// A throwaway PostgreSQL 15 cluster started once per test process on a free 127.0.0.1
// port and removed at exit. Start failure is fatal (the initdb/pg_ctl log is printed and
// the process aborts), never a skip.
class PostgresCluster {
 public:
  static PostgresCluster& Shared();

  // Creates a new empty database and returns its URL,
  // postgresql://postgres@127.0.0.1:PORT/NAME
  std::string CreateDatabase();

  int port() const { return port_; }

  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

 private:
  PostgresCluster();
  ~PostgresCluster();

  std::string dir_;  // owned by the server's OS user; removed by the cleaner
  int port_ = 0;
  int cleaner_pipe_ = -1;  // closing it (or dying) tells the cleaner to stop and remove
  pid_t cleaner_pid_ = -1;
  std::atomic<int> next_database_{0};
};

// A fresh, empty database of the given backend (SQLite: a new file in a temp dir removed
// with the object; PostgreSQL: a new database in the shared cluster).
std::unique_ptr<store::Database> NewTestDatabase(store::Backend backend, int pool_size = 8);

// For INSTANTIATE_TEST_SUITE_P over both backends: ::testing::Values(kSqlite, kPostgres)
// plus this name generator printing "Sqlite"/"Postgres".
std::string BackendParamName(const ::testing::TestParamInfo<store::Backend>& info);

}  // namespace seatwise::testing
