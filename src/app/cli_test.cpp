#include "app/cli.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/version.hpp"

namespace seatwise::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome RunSeatwise(const std::vector<std::string>& args, const Environment& environment = {}) {
  std::ostringstream out;
  std::ostringstream err;
  int code = RunCli(args, environment, out, err);
  return {code, out.str(), err.str()};
}

TEST(CliTest, VersionPrintsTheProjectVersion) {
  auto outcome = RunSeatwise({"version"});
  EXPECT_EQ(outcome.code, kExitOk);
  EXPECT_EQ(outcome.out, "seatwise " + std::string(kVersion) + "\n");
}

TEST(CliTest, VersionMatchesCMakeProject) {
  const std::string source_dir = SEATWISE_SOURCE_DIR;  // defined by tests/CMakeLists.txt
  std::ifstream file(source_dir + "/CMakeLists.txt");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("project(seatwise VERSION " + std::string(kVersion) + " "));
}

TEST(CliTest, NoCommandIsAUsageError) {
  auto outcome = RunSeatwise({});
  EXPECT_EQ(outcome.code, kExitUsage);
  EXPECT_FALSE(outcome.err.empty());
}

TEST(CliTest, UnknownFlagIsAUsageError) {
  EXPECT_EQ(RunSeatwise({"serve", "--no-such-flag"}).code, kExitUsage);
}

TEST(CliTest, HelpExitsZero) {
  auto outcome = RunSeatwise({"serve", "--help"});
  EXPECT_EQ(outcome.code, kExitOk);
  EXPECT_THAT(outcome.out, HasSubstr("--listen"));
}

TEST(CliTest, ConfigCheckPrintsEffectiveConfigWithSources) {
  auto outcome =
      RunSeatwise({"config", "check", "--listen", "[::1]:9090", "--set", "server.threads=3"},
                  {{"SEATWISE_LOG_LEVEL", "debug"}});
  ASSERT_EQ(outcome.code, kExitOk) << outcome.err;
  EXPECT_THAT(outcome.out, HasSubstr("listen = \"[::1]:9090\"  # flag --listen"));
  EXPECT_THAT(outcome.out, HasSubstr("threads = 3  # flag --set"));
  EXPECT_THAT(outcome.out, HasSubstr("level = \"debug\"  # environment SEATWISE_LOG_LEVEL"));
}

TEST(CliTest, ConfigCheckRedactsTheDatabasePassword) {
  auto outcome =
      RunSeatwise({"config", "check", "--database", "postgresql://app:hunter2@db/seatwise"});
  ASSERT_EQ(outcome.code, kExitOk) << outcome.err;
  EXPECT_THAT(outcome.out, Not(HasSubstr("hunter2")));
}

TEST(CliTest, BadFlagValueExitsTwoNamingTheKey) {
  auto outcome = RunSeatwise({"config", "check", "--threads", "lots"});
  EXPECT_EQ(outcome.code, kExitUsage);
  EXPECT_THAT(outcome.err, HasSubstr("config error: server.threads = \"lots\" (flag --threads)"));
}

TEST(CliTest, ConfigFileFromEnvironment) {
  std::string path = ::testing::TempDir() + "cli_test_seatwise.toml";
  std::ofstream(path) << "[server]\nthreads = 7\n";
  auto outcome = RunSeatwise({"config", "check"}, {{"SEATWISE_CONFIG", path}});
  ASSERT_EQ(outcome.code, kExitOk) << outcome.err;
  EXPECT_THAT(outcome.out, HasSubstr("threads = 7  # " + path + ":2"));
}

TEST(CliTest, MissingConfigFileIsAUsageError) {
  auto outcome = RunSeatwise({"config", "check", "--config", "/nonexistent/seatwise.toml"});
  EXPECT_EQ(outcome.code, kExitUsage);
  EXPECT_THAT(outcome.err, HasSubstr("cannot read config file /nonexistent/seatwise.toml"));
}

TEST(CliTest, SetWithoutEqualsIsAUsageError) {
  auto outcome = RunSeatwise({"config", "check", "--set", "server.threads"});
  EXPECT_EQ(outcome.code, kExitUsage);
  EXPECT_THAT(outcome.err, HasSubstr("expected section.key=value"));
}

}  // namespace
}  // namespace seatwise::app
