// Starts the real `seatwise` binary on port 0 with a temporary SQLite database and talks to
// it over loopback sockets. Every wait is bounded; nothing sleeps.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "support.hpp"

namespace seatwise {
namespace {

using itest::CleanEnvironment;
using itest::kExitBound;
using itest::kStartBound;
using itest::Process;
using itest::Send;
using itest::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

class ServeTest : public ::testing::Test {
 protected:
  std::string DatabaseUrl() const { return "sqlite://" + dir_.path() + "/db.sqlite"; }
  std::string StderrPath(const std::string& name) const { return dir_.path() + "/" + name; }

  // Runs a command that is expected to finish; returns its exit code.
  int RunToExit(const std::vector<std::string>& args, std::string* err = nullptr,
                std::vector<std::string> environment = {}) {
    Process process(args, CleanEnvironment(std::move(environment)), StderrPath("run.stderr"));
    auto code = process.WaitExit(kExitBound);
    if (err != nullptr) *err = process.Stderr();
    EXPECT_TRUE(code.has_value()) << "seatwise " << args.front() << " did not finish";
    return code.value_or(-2);
  }

  TempDir dir_;
};

TEST_F(ServeTest, ServesHealthAndReadinessAndExitsZeroOnSigterm) {
  Process server({"serve", "--listen", "127.0.0.1:0", "--database", DatabaseUrl()},
                 CleanEnvironment(), StderrPath("serve.stderr"));
  const std::string prefix = "seatwise listening on http://127.0.0.1:";
  auto line = server.ReadLineContaining(prefix, kStartBound);
  ASSERT_TRUE(line.has_value()) << "no listening line; stdout:\n"
                                << server.StdoutSeen() << "stderr:\n"
                                << server.Stderr();
  int port = std::atoi(line->c_str() + line->find(prefix) + prefix.size());
  ASSERT_GT(port, 0) << *line;
  ASSERT_LT(port, 65536) << *line;

  auto health = Send(static_cast<std::uint16_t>(port), "GET", "/healthz");
  EXPECT_EQ(health.status, 200) << health.Describe();

  auto ready = Send(static_cast<std::uint16_t>(port), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.Describe();

  server.Signal(SIGTERM);
  auto code = server.WaitExit(kExitBound);
  ASSERT_TRUE(code.has_value()) << "still running after SIGTERM";
  EXPECT_EQ(*code, 0) << server.Stderr();
  EXPECT_THAT(server.Stderr(), HasSubstr(R"("event":"listening")"));
}

TEST_F(ServeTest, ServesThePortalFromWebRootBesideTheApi) {
  std::filesystem::create_directories(dir_.path() + "/portal/assets");
  std::ofstream(dir_.path() + "/portal/index.html")
      << "<!doctype html><meta name=\"csp-nonce\" content=\"__CSP_NONCE__\"><div id=root>";
  std::ofstream(dir_.path() + "/portal/assets/app-1a2b.js") << "console.log(1);";
  Process server({"serve", "--listen", "127.0.0.1:0", "--database", DatabaseUrl(), "--set",
                  "web.root=" + dir_.path() + "/portal"},
                 CleanEnvironment(), StderrPath("serve.stderr"));
  const std::string prefix = "seatwise listening on http://127.0.0.1:";
  auto line = server.ReadLineContaining(prefix, kStartBound);
  ASSERT_TRUE(line.has_value()) << server.Stderr();
  auto port =
      static_cast<std::uint16_t>(std::atoi(line->c_str() + line->find(prefix) + prefix.size()));

  auto page = Send(port, "GET", "/teams/team_1/devices");
  EXPECT_EQ(page.status, 200) << page.Describe();
  EXPECT_THAT(page.body, HasSubstr("<div id=root>"));
  EXPECT_THAT(page.body, Not(HasSubstr("__CSP_NONCE__")));
  EXPECT_THAT(page.Header("Content-Security-Policy"), HasSubstr("script-src 'self'"));
  auto asset = Send(port, "GET", "/assets/app-1a2b.js");
  EXPECT_EQ(asset.status, 200) << asset.Describe();
  EXPECT_EQ(asset.body, "console.log(1);");
  auto api = Send(port, "GET", "/api/v1/not-a-route");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("Content-Type"), "application/problem+json");
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(kExitBound).value_or(-1), 0) << server.Stderr();
}

TEST_F(ServeTest, AWebRootWithoutThePortalStopsStartUpWithTheReason) {
  std::string err;
  EXPECT_NE(RunToExit({"serve", "--listen", "127.0.0.1:0", "--database", DatabaseUrl(), "--set",
                       "web.root=" + dir_.path() + "/nothing-here"},
                      &err),
            0);
  EXPECT_THAT(err, HasSubstr("nothing-here does not exist"));
  EXPECT_THAT(err, HasSubstr("make web"));
}

// Issue 15, point 11: "Starting on a port in use says 'address already in use', not
// '(bind): Success'" -- the port is held by a listening socket of the test.
TEST_F(ServeTest, APortInUseStopsStartUpSayingAddressAlreadyInUse) {
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(holder, 4), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string listen = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  std::string err;
  const int code = RunToExit({"serve", "--listen", listen, "--database", DatabaseUrl()}, &err);
  ::close(holder);
  EXPECT_NE(code, 0);
  EXPECT_THAT(err, HasSubstr("cannot listen on " + listen + ": address already in use"));
  EXPECT_THAT(err, Not(HasSubstr("Success")));
}

TEST_F(ServeTest, BadFlagValueExitsTwoNamingTheKey) {
  std::string err;
  EXPECT_EQ(RunToExit({"serve", "--listen", "127.0.0.1:0", "--threads", "lots", "--database",
                       DatabaseUrl()},
                      &err),
            2);
  EXPECT_THAT(err, HasSubstr("server.threads"));
  EXPECT_THAT(err, HasSubstr("expected an integer from 0 to 256"));
}

TEST_F(ServeTest, UnknownKeyInConfigFileExitsTwoWithItsLine) {
  std::string path = dir_.path() + "/seatwise.toml";
  std::ofstream(path) << "[server]\nlisten = \"127.0.0.1:0\"\nlisten_port = 8080\n";
  std::string err;
  EXPECT_EQ(RunToExit({"serve", "--config", path, "--database", DatabaseUrl()}, &err), 2);
  EXPECT_THAT(err, HasSubstr("unknown key server.listen_port (" + path + ":3)"));
}

TEST_F(ServeTest, BadEnvironmentValueExitsTwoNamingTheVariable) {
  std::string err;
  EXPECT_EQ(
      RunToExit({"serve", "--database", DatabaseUrl()}, &err, {"SEATWISE_SERVER_LISTEN=127.0.0.1"}),
      2);
  EXPECT_THAT(err, HasSubstr("server.listen = \"127.0.0.1\" (environment SEATWISE_SERVER_LISTEN)"));
}

TEST_F(ServeTest, MigrateThenStatusShowsNothingPending) {
  ASSERT_EQ(RunToExit({"migrate", "--database", DatabaseUrl()}), 0);
  Process status({"migrate", "--status", "--database", DatabaseUrl()}, CleanEnvironment(),
                 StderrPath("status.stderr"));
  auto pending = status.ReadLineContaining("pending:", kStartBound);
  ASSERT_TRUE(pending.has_value()) << status.Stderr();
  EXPECT_THAT(*pending, ::testing::EndsWith(" 0"));
  EXPECT_EQ(status.WaitExit(kExitBound), 0);
}

TEST_F(ServeTest, RefusesADatabaseNewerThanTheBinary) {
  ASSERT_EQ(RunToExit({"migrate", "--database", DatabaseUrl()}), 0);
  {
    store::DatabaseOptions options;
    options.url = DatabaseUrl();
    options.pool_size = 1;
    auto db = store::OpenDatabase(options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto inserted = (*db)->Transact(store::TxMode::kWrite, [](store::Tx& tx) -> core::Result<void> {
      SW_RETURN_IF_ERROR(tx.Exec(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
          "VALUES (?, ?, ?, ?)",
          {std::int64_t{9999}, std::string("from_the_future"), std::string("0"), std::int64_t{0}}));
      return core::Ok();
    });
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }
  std::string err;
  EXPECT_EQ(RunToExit({"serve", "--listen", "127.0.0.1:0", "--database", DatabaseUrl()}, &err), 1);
  EXPECT_THAT(err, HasSubstr("seatwise: "));
  EXPECT_THAT(err, HasSubstr("9999"));  // the migrator names the database's version
}

TEST_F(ServeTest, VersionExitsZero) {
  Process version({"version"}, CleanEnvironment(), StderrPath("version.stderr"));
  auto line = version.ReadLineContaining("seatwise ", kStartBound);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(version.WaitExit(kExitBound), 0);
}

}  // namespace
}  // namespace seatwise
