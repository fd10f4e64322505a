#include "app/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace seatwise::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ConfigSources FromFile(std::string text) {
  ConfigSources sources;
  sources.file_path = "seatwise.toml";
  sources.file_text = std::move(text);
  return sources;
}

// The single problem of a failed load; fails the test if there is not exactly one.
std::string OnlyProblem(const core::Result<Config>& result) {
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().fields.size(), 1U) << result.error().message;
  return result.error().message;
}

TEST(ConfigTest, DefaultsWithoutAnySource) {
  auto config = LoadConfig({});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_EQ(config->server.threads, 0);
  EXPECT_EQ(config->server.body_limit_bytes, 1 << 20);
  EXPECT_EQ(config->server.max_pipelined, 16);
  EXPECT_EQ(config->database.url, "sqlite://data/seatwise.db");
  EXPECT_EQ(config->database.sqlite_synchronous, "NORMAL");
  EXPECT_EQ(config->database.pool_size, 8);
  EXPECT_EQ(config->log.level, LogLevel::kInfo);
  EXPECT_EQ(config->log.format, LogFormat::kJson);
  EXPECT_TRUE(config->origins.empty());
}

TEST(ConfigTest, FileOverridesDefaults) {
  auto config = LoadConfig(FromFile(R"(
[server]
listen = "0.0.0.0:9000"
threads = 4
idle_timeout_ms = 5000

[database]
url = "sqlite:///var/lib/seatwise/seatwise.db"
sqlite_synchronous = "full"

[log]
level = "debug"
format = "text"
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.host, "0.0.0.0");
  EXPECT_EQ(config->server.port, 9000);
  EXPECT_EQ(config->server.threads, 4);
  EXPECT_EQ(config->server.idle_timeout_ms, 5000);
  EXPECT_EQ(config->server.request_timeout_ms, 30'000);  // untouched keys keep defaults
  EXPECT_EQ(config->database.url, "sqlite:///var/lib/seatwise/seatwise.db");
  EXPECT_EQ(config->database.sqlite_synchronous, "FULL");
  EXPECT_EQ(config->log.level, LogLevel::kDebug);
  EXPECT_EQ(config->log.format, LogFormat::kText);
  EXPECT_EQ(config->origins.at("server.threads"), "seatwise.toml:4");
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  auto sources = FromFile("[server]\nthreads = 4\nlisten = \"127.0.0.1:9000\"\n");
  sources.environment = {{"SEATWISE_SERVER_THREADS", "2"},
                         {"SEATWISE_DATABASE_URL", "postgresql://app@db:5432/seatwise"},
                         {"HOME", "/root"},
                         {"SEATWISE_CONFIG", "seatwise.toml"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.threads, 2);
  EXPECT_EQ(config->server.port, 9000);
  EXPECT_EQ(config->database.url, "postgresql://app@db:5432/seatwise");
  EXPECT_EQ(config->origins.at("server.threads"), "environment SEATWISE_SERVER_THREADS");
}

TEST(ConfigTest, FlagOverridesEnvironment) {
  ConfigSources sources;
  sources.environment = {{"SEATWISE_SERVER_LISTEN", "127.0.0.1:9000"},
                         {"SEATWISE_LOG_LEVEL", "warn"}};
  sources.flags = {{"server.listen", "--listen", "127.0.0.1:0"},
                   {"log.level", "--log-level", "error"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.port, 0);
  EXPECT_EQ(config->log.level, LogLevel::kError);
  EXPECT_EQ(config->origins.at("server.listen"), "flag --listen");
}

TEST(ConfigTest, AcceptsBracketedIpv6Listen) {
  ConfigSources sources;
  sources.flags = {{"server.listen", "--listen", "[::1]:8443"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.host, "::1");
  EXPECT_EQ(config->server.port, 8443);
  EXPECT_EQ(config->server.listen, "[::1]:8443");
}

TEST(ConfigTest, LocalhostMeansIpv4Loopback) {
  ConfigSources sources;
  sources.flags = {{"server.listen", "--listen", "localhost:8080"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.host, "127.0.0.1");
}

TEST(ConfigTest, WrongTypeInFileNamesKeyLineValueAndRange) {
  auto message = OnlyProblem(LoadConfig(FromFile("[server]\n\nthreads = \"lots\"\n")));
  EXPECT_EQ(message,
            "config error: server.threads = \"lots\" (seatwise.toml:3): expected an integer "
            "from 0 to 256");
}

TEST(ConfigTest, OutOfRangeInFile) {
  auto message = OnlyProblem(LoadConfig(FromFile("[database]\npool_size = 1000\n")));
  EXPECT_EQ(message,
            "config error: database.pool_size = 1000 (seatwise.toml:2): expected an integer "
            "from 1 to 256");
}

TEST(ConfigTest, FloatIsNotAnInteger) {
  auto message = OnlyProblem(LoadConfig(FromFile("[server]\nmax_pipelined = 2.5\n")));
  EXPECT_THAT(message, HasSubstr("server.max_pipelined = 2.5"));
  EXPECT_THAT(message, HasSubstr("expected an integer from 1 to 1024"));
}

TEST(ConfigTest, UnknownKeyInFileNamesItsLine) {
  auto message =
      OnlyProblem(LoadConfig(FromFile("[server]\nlisten = \"127.0.0.1:1\"\nthread = 4\n")));
  EXPECT_THAT(message, HasSubstr("unknown key server.thread (seatwise.toml:3)"));
  EXPECT_THAT(message, HasSubstr("threads"));  // lists what is known
}

TEST(ConfigTest, UnknownSectionInFile) {
  auto message = OnlyProblem(LoadConfig(FromFile("[srever]\nthreads = 4\n")));
  EXPECT_THAT(message, HasSubstr("unknown section [srever] (seatwise.toml:1)"));
  EXPECT_THAT(message, HasSubstr("[server], [database], [auth], [log]"));
}

TEST(ConfigTest, KeyOutsideAnySection) {
  auto message = OnlyProblem(LoadConfig(FromFile("threads = 4\n")));
  EXPECT_THAT(message, HasSubstr("unknown key threads (seatwise.toml:1)"));
}

TEST(ConfigTest, SectionMustBeATable) {
  auto message = OnlyProblem(LoadConfig(FromFile("server = 4\n")));
  EXPECT_THAT(message, HasSubstr("expected a table [server]"));
}

TEST(ConfigTest, TomlSyntaxErrorNamesLineAndColumn) {
  auto message = OnlyProblem(LoadConfig(FromFile("[server]\nthreads = = 4\n")));
  EXPECT_THAT(message, HasSubstr("config error: seatwise.toml:2:"));
}

TEST(ConfigTest, UnknownSeatwiseVariableStopsStartUp) {
  ConfigSources sources;
  sources.environment = {{"SEATWISE_SERVER_THREAD", "4"}, {"PATH", "/usr/bin"}};
  auto message = OnlyProblem(LoadConfig(sources));
  EXPECT_THAT(message, HasSubstr("unknown environment variable SEATWISE_SERVER_THREAD"));
  EXPECT_THAT(message, HasSubstr("SEATWISE_SERVER_THREADS"));
}

TEST(ConfigTest, UnknownSeatwiseVariableOutsideAnySection) {
  ConfigSources sources;
  sources.environment = {{"SEATWISE_LISTEN", "127.0.0.1:1"}};
  auto message = OnlyProblem(LoadConfig(sources));
  EXPECT_THAT(message, HasSubstr("unknown environment variable SEATWISE_LISTEN"));
  EXPECT_THAT(message, HasSubstr("SEATWISE_<SECTION>_<KEY>"));
}

TEST(ConfigTest, BadEnvironmentValueNamesVariable) {
  ConfigSources sources;
  sources.environment = {{"SEATWISE_SERVER_THREADS", "4x"}};
  EXPECT_EQ(OnlyProblem(LoadConfig(sources)),
            "config error: server.threads = \"4x\" (environment SEATWISE_SERVER_THREADS): "
            "expected an integer from 0 to 256");
}

TEST(ConfigTest, BadFlagValueNamesFlag) {
  ConfigSources sources;
  sources.flags = {{"server.threads", "--threads", "-1"}};
  EXPECT_EQ(OnlyProblem(LoadConfig(sources)),
            "config error: server.threads = \"-1\" (flag --threads): expected an integer from 0 "
            "to 256");
}

TEST(ConfigTest, UnknownKeyInGenericFlag) {
  ConfigSources sources;
  sources.flags = {{"server.nope", "--set", "1"}};
  EXPECT_THAT(OnlyProblem(LoadConfig(sources)), HasSubstr("unknown key server.nope (flag --set)"));
}

class BadListenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BadListenTest, IsRefusedWithTheAllowedForm) {
  ConfigSources sources;
  sources.flags = {{"server.listen", "--listen", GetParam()}};
  auto message = OnlyProblem(LoadConfig(sources));
  EXPECT_THAT(message, HasSubstr("server.listen = "));
  EXPECT_THAT(message, HasSubstr("(flag --listen): expected host:port"));
}

INSTANTIATE_TEST_SUITE_P(ConfigTest, BadListenTest,
                         ::testing::Values("127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
                                           "127.0.0.1:http", "::1:8080", "[::1]8080", "[::1",
                                           "[zz::1]:80", "300.1.1.1:80", "example.com:80", ":8080",
                                           ""));

TEST(ConfigTest, BadDatabaseScheme) {
  auto message =
      OnlyProblem(LoadConfig(FromFile("[database]\nurl = \"mysql://root@localhost/seatwise\"\n")));
  EXPECT_THAT(message, HasSubstr("database.url = \"mysql://root@localhost/seatwise\" "
                                 "(seatwise.toml:2): expected sqlite:///absolute/path.db"));
  EXPECT_THAT(message, HasSubstr("postgresql://"));
}

TEST(ConfigTest, EmptySqlitePathIsRefused) {
  ConfigSources sources;
  sources.flags = {{"database.url", "--database", "sqlite://"}};
  EXPECT_THAT(OnlyProblem(LoadConfig(sources)), HasSubstr("database.url"));
}

TEST(ConfigTest, BadEnumValues) {
  auto message = OnlyProblem(LoadConfig(FromFile("[database]\nsqlite_synchronous = \"fast\"\n")));
  EXPECT_THAT(message, HasSubstr("expected one of OFF, NORMAL, FULL, EXTRA"));

  ConfigSources sources;
  sources.flags = {{"log.level", "--log-level", "verbose"}};
  EXPECT_THAT(OnlyProblem(LoadConfig(sources)),
              HasSubstr("log.level = \"verbose\" (flag --log-level): expected one of trace, "
                        "debug, info, warn, error, off"));
}

TEST(ConfigTest, ReportsEveryProblemAtOnce) {
  auto sources = FromFile("[server]\nthreads = 999\nbogus = 1\n[log]\nformat = \"xml\"\n");
  sources.environment = {{"SEATWISE_DATABASE_POOL_SIZE", "0"}};
  auto config = LoadConfig(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().fields.size(), 4U) << config.error().message;
  EXPECT_EQ(config.error().fields[0].field, "server.threads");  // file problems in line order
  EXPECT_EQ(config.error().fields[1].field, "server.bogus");
  EXPECT_EQ(config.error().fields[2].field, "log.format");
  EXPECT_EQ(config.error().fields[3].field, "database.pool_size");
}

TEST(ConfigTest, FormatRedactsDatabasePasswordAndNamesOrigins) {
  ConfigSources sources;
  sources.flags = {{"database.url", "--database", "postgresql://app:s3cret@db:5432/seatwise"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  std::string text = FormatConfig(*config);
  EXPECT_THAT(text, Not(HasSubstr("s3cret")));
  EXPECT_THAT(text,
              HasSubstr("url = \"postgresql://app:***@db:5432/seatwise\"  # flag --database"));
  EXPECT_THAT(text, HasSubstr("threads = 0  # default"));
}

TEST(ConfigTest, FormattedConfigLoadsBackToTheSameValues) {
  ConfigSources sources;
  sources.flags = {{"server.listen", "--listen", "[::1]:9"},
                   {"log.format", "--log-format", "text"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto again = LoadConfig(FromFile(FormatConfig(*config)));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->server.listen, "[::1]:9");
  EXPECT_EQ(again->log.format, LogFormat::kText);
}

TEST(ConfigTest, RedactsPasswordsInUrls) {
  EXPECT_EQ(RedactUrl("postgresql://u:p@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(RedactUrl("postgresql://u@h:5432/db"), "postgresql://u@h:5432/db");
  EXPECT_EQ(RedactUrl("postgresql://h/db?user=u&password=p&sslmode=require"),
            "postgresql://h/db?user=u&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("sqlite:///var/lib/a@b:c.db"), "sqlite:///var/lib/a@b:c.db");
}

TEST(ConfigTest, ExampleFileSetsEveryKeyToItsDefault) {
  const std::string source_dir = SEATWISE_SOURCE_DIR;  // defined by tests/CMakeLists.txt
  std::ifstream file(source_dir + "/seatwise.example.toml");
  ASSERT_TRUE(file) << "seatwise.example.toml is missing";
  std::stringstream text;
  text << file.rdbuf();
  auto config = LoadConfig(FromFile(text.str()));
  ASSERT_TRUE(config.ok()) << config.error().message;
  for (const auto& key : ConfigKeys()) {
    EXPECT_TRUE(config->origins.contains(key)) << key << " is not documented in the example";
  }
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.ok());
  config->origins.clear();
  EXPECT_EQ(FormatConfig(*config), FormatConfig(*defaults));
}

TEST(ConfigTest, TrustProxyIsAListOfAddressesAndNetworks) {
  auto config = LoadConfig(FromFile(R"(
[server]
trust_proxy = ["127.0.0.1", "10.0.0.0/8", "FD00::/8"]
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_THAT(config->server.trust_proxy,
              ::testing::ElementsAre("127.0.0.1", "10.0.0.0/8", "fd00::/8"));
  EXPECT_THAT(FormatConfig(*config),
              HasSubstr(R"(trust_proxy = ["127.0.0.1", "10.0.0.0/8", "fd00::/8"])"));
  auto again = LoadConfig(FromFile(FormatConfig(*config)));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->server.trust_proxy, config->server.trust_proxy);

  ConfigSources environment;
  environment.environment = {{"SEATWISE_SERVER_TRUST_PROXY", "192.0.2.1, 2001:db8::/32"}};
  auto from_env = LoadConfig(environment);
  ASSERT_TRUE(from_env.ok()) << from_env.error().message;
  EXPECT_THAT(from_env->server.trust_proxy, ::testing::ElementsAre("192.0.2.1", "2001:db8::/32"));
}

TEST(ConfigTest, TrustProxyFalseOrEmptyTrustsNobody) {
  EXPECT_TRUE(LoadConfig({})->server.trust_proxy.empty());
  for (const char* text : {"[server]\ntrust_proxy = false\n", "[server]\ntrust_proxy = []\n",
                           "[server]\ntrust_proxy = \"\"\n"}) {
    auto config = LoadConfig(FromFile(text));
    ASSERT_TRUE(config.ok()) << text << config.error().message;
    EXPECT_TRUE(config->server.trust_proxy.empty()) << text;
  }
  ConfigSources flag;
  flag.flags = {{"server.trust_proxy", "--set", "false"}};
  ASSERT_TRUE(LoadConfig(flag).ok());
}

TEST(ConfigTest, TrustProxyRefusesTrueAndBadEntriesNamingTheKey) {
  std::string old_boolean = OnlyProblem(LoadConfig(FromFile("[server]\ntrust_proxy = true\n")));
  EXPECT_THAT(old_boolean, HasSubstr("server.trust_proxy = true (seatwise.toml:2)"));
  EXPECT_THAT(old_boolean, HasSubstr("true is no longer accepted"));

  std::string bad = OnlyProblem(
      LoadConfig(FromFile("[server]\ntrust_proxy = [\"10.0.0.0/8\", \"proxy.lan\"]\n")));
  EXPECT_THAT(bad, HasSubstr("server.trust_proxy"));
  EXPECT_THAT(bad, HasSubstr("\"proxy.lan\" is not an IP address"));

  std::string host_bits =
      OnlyProblem(LoadConfig(FromFile("[server]\ntrust_proxy = [\"10.0.0.1/8\"]\n")));
  EXPECT_THAT(host_bits, HasSubstr("did you mean 10.0.0.0/8?"));

  ConfigSources environment;
  environment.environment = {{"SEATWISE_SERVER_TRUST_PROXY", "1"}};
  EXPECT_THAT(OnlyProblem(LoadConfig(environment)), HasSubstr("SEATWISE_SERVER_TRUST_PROXY"));
  EXPECT_FALSE(LoadConfig(FromFile("[server]\ntrust_proxy = [1]\n")).ok());
}

TEST(ConfigTest, ConnectionCapAndThrottlesHaveSafeDefaults) {
  auto config = LoadConfig({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server.max_connections, 10'000);
  EXPECT_EQ(config->auth.sign_in_failures_per_minute, 5);
  // The per-address bound is well above the per-account one: an office behind one address
  // is not locked out by one person's failures.
  EXPECT_GE(config->auth.sign_in_failures_per_address_per_minute,
            5 * config->auth.sign_in_failures_per_minute);
  EXPECT_EQ(config->auth.device_code_failures_per_minute, 10);
  EXPECT_FALSE(LoadConfig(FromFile("[server]\nmax_connections = 0\n")).ok());
}

TEST(ConfigTest, SmtpIsOffByDefaultAndReadsEveryKey) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->smtp.enabled);
  EXPECT_EQ(defaults->smtp.max_attempts, 12);
  EXPECT_EQ(SmtpOptionsFrom(defaults->smtp).port, 0);  // the security mode's port

  auto config = LoadConfig(FromFile(R"(
[smtp]
enabled = true
host = "mail.example.com"
security = "TLS"
username = "mailer"
password = "s3cret"
from = "licenses@example.com"
from_name = "Example Licensing"
max_attempts = 5
timeout_seconds = 20
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  const mail::SmtpOptions options = SmtpOptionsFrom(config->smtp);
  EXPECT_EQ(options.host, "mail.example.com");
  EXPECT_EQ(options.security, mail::SmtpSecurity::kTls);
  EXPECT_EQ(mail::DefaultSmtpPort(options.security), 465);
  EXPECT_EQ(options.username, "mailer");
  EXPECT_EQ(options.password, "s3cret");
  EXPECT_EQ(options.from, "licenses@example.com");
  EXPECT_EQ(options.from_name, "Example Licensing");
  EXPECT_EQ(options.timeout, std::chrono::seconds(20));
  EXPECT_EQ(config->smtp.max_attempts, 5);
}

TEST(ConfigTest, SmtpPasswordIsNeverPrinted) {
  ConfigSources sources;
  sources.environment = {{"SEATWISE_SMTP_PASSWORD", "s3cret-mail"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  const std::string text = FormatConfig(*config);
  EXPECT_THAT(text, Not(HasSubstr("s3cret-mail")));
  EXPECT_THAT(text, HasSubstr("password = \"***\"  # environment SEATWISE_SMTP_PASSWORD"));
}

TEST(ConfigTest, SmtpDeliveryNeedsASenderAddress) {
  EXPECT_THAT(OnlyProblem(LoadConfig(FromFile("[smtp]\nenabled = true\n"))),
              HasSubstr("smtp.from is empty"));
  EXPECT_THAT(OnlyProblem(LoadConfig(FromFile("[smtp]\nfrom = \"a@b.com>\\r\\nX\"\n"))),
              HasSubstr("expected an e-mail address"));
  EXPECT_THAT(OnlyProblem(LoadConfig(FromFile("[smtp]\nsecurity = \"ssl\"\n"))),
              HasSubstr("expected one of none, starttls, tls"));
}

}  // namespace
}  // namespace seatwise::app
