#include "fakes/test_databases.hpp"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

namespace seatwise::testing {
namespace {

// A SQLite database that removes its directory when the pool is closed.
class TempDirDatabase final : public store::Database {
 public:
  TempDirDatabase(std::unique_ptr<store::Database> inner, std::string dir)
      : inner_(std::move(inner)), dir_(std::move(dir)) {}
  ~TempDirDatabase() override {
    inner_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  store::Backend backend() const override { return inner_->backend(); }
  core::Result<void> Ping() override { return inner_->Ping(); }
  store::PoolStats Stats() const override { return inner_->Stats(); }

 protected:
  core::Result<void> RunTransaction(
      store::TxMode mode, const std::function<core::Result<void>(store::Tx&)>& fn) override {
    return inner_->Transact(mode, fn);
  }

 private:
  std::unique_ptr<store::Database> inner_;
  std::string dir_;
};

[[noreturn]] void Fatal(const std::string& what) {
  std::fprintf(stderr, "\nFATAL: cannot open a test database: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace

std::unique_ptr<store::Database> NewTestDatabase(store::Backend backend, int pool_size) {
  store::DatabaseOptions options;
  options.pool_size = pool_size;
  std::string dir;
  if (backend == store::Backend::kSqlite) {
    char dir_template[] = "/tmp/seatwise-sqlite-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) Fatal("mkdtemp failed");
    dir = dir_template;
    options.url = "sqlite://" + dir + "/test.db";
    // Durability is not under test here; FULL would only slow every commit down.
    options.sqlite_synchronous = "NORMAL";
  } else {
    options.url = PostgresCluster::Shared().CreateDatabase();
  }
  auto opened = store::OpenDatabase(options);
  if (!opened.ok()) Fatal(options.url + ": " + opened.error().message);
  if (backend == store::Backend::kPostgres) return std::move(opened).value();
  return std::make_unique<TempDirDatabase>(std::move(opened).value(), dir);
}

std::string BackendParamName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace seatwise::testing
