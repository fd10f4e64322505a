// The parts of the online calls that work without a server: the usage queue file, the
// heartbeat thread's prompt stop, keys kept on first use, and form encoding.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "http.hpp"
#include "sdk_test_support.hpp"
#include "seatwise/seatwise.h"

namespace seatwise::sdk::testing {
namespace {

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(UsageQueueTest, RecordAppendsOwnerOnlyJsonLinesWithDistinctRandomIds) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  ASSERT_EQ(client.status(), SW_OK);
  ASSERT_EQ(sw_usage_record(client.get(), "start", nullptr, 1'800'000'000), SW_OK);
  ASSERT_EQ(sw_usage_record(client.get(), "stop", "STR", 1'800'000'060), SW_OK);

  const std::filesystem::path queue = dir.path() / "usage-queue.jsonl";
  struct stat info {};
  ASSERT_EQ(::stat(queue.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::istringstream lines(ReadText(queue));
  std::set<std::string> ids;
  std::vector<boost::json::object> events;
  for (std::string line; std::getline(lines, line);) {
    events.push_back(boost::json::parse(line).as_object());
    const std::string id(events.back().at("id").as_string());
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(events[0].at("kind"), "start");
  EXPECT_EQ(events[0].at("product"), "DRL");
  EXPECT_EQ(events[0].at("at"), "2027-01-15T08:00:00Z");
  EXPECT_EQ(events[1].at("kind"), "stop");
  EXPECT_EQ(events[1].at("product"), "STR");
}

TEST(UsageQueueTest, RefusesAnUnknownKindAndFlushesAnEmptyQueueWithoutTheNetwork) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  ASSERT_EQ(client.status(), SW_OK);
  EXPECT_EQ(sw_usage_record(client.get(), "pause", nullptr, 1'800'000'000), SW_E_INVALID_ARGUMENT);
  sw_usage_flush_result result{};
  result.sent = 7;
  EXPECT_EQ(sw_usage_flush(client.get(), &result), SW_OK);
  EXPECT_EQ(result.sent, 0);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "usage-queue.jsonl"));
}

TEST(HeartbeatThreadTest, StopsAtOnceInsteadOfSleepingThroughItsInterval) {
  TempDir dir;
  const SigningKey key("k");
  CClient client(key.Jwks(), dir.path());
  ASSERT_EQ(client.status(), SW_OK);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(sw_lease_start_heartbeats(client.get(), "lease_1", 3600), SW_OK);
  ASSERT_EQ(sw_lease_stop_heartbeats(client.get()), SW_OK);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  int64_t sent = -1;
  int64_t failed = -1;
  ASSERT_EQ(sw_lease_heartbeat_counts(client.get(), &sent, &failed), SW_OK);
  EXPECT_EQ(sent, 0);
  EXPECT_EQ(failed, 0);
  // Stopping twice, and freeing a client whose thread runs, are both fine.
  EXPECT_EQ(sw_lease_stop_heartbeats(client.get()), SW_OK);
  EXPECT_EQ(sw_lease_start_heartbeats(client.get(), "lease_1", 3600), SW_OK);
  EXPECT_EQ(sw_lease_start_heartbeats(client.get(), "../x", 60), SW_E_INVALID_ARGUMENT);
}

TEST(TrustOnFirstUseTest, ATokenChecksInvalidUntilTheFirstKeysAreKept) {
  TempDir dir;
  const MachineIdFile machine_id;
  const SigningKey key("k");
  const std::string cache = dir.path().string();
  sw_config config{};
  config.server_url = "https://licences.example.com";
  config.product_code = "DRL";
  config.jwks_json = "";
  config.cache_dir = cache.c_str();
  config.machine_id_file = machine_id.path().c_str();
  config.trust_on_first_use = 1;
  sw_client* client = nullptr;
  ASSERT_EQ(sw_client_new(&config, &client), SW_OK);
  ASSERT_EQ(sw_token_store(client, key.SignInToken().c_str()), SW_OK);
  sw_check_result result{};
  ASSERT_EQ(sw_token_check(client, kIssuedAt + 60, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_INVALID);
  EXPECT_NE(std::string(sw_client_last_error(client)).find("fetch"), std::string::npos);
  sw_client_free(client);

  // What the first sw_fetch_keys keeps is loaded by the next client as its pinned keys.
  std::ofstream(dir.path() / "jwks.json") << key.Jwks();
  ASSERT_EQ(sw_client_new(&config, &client), SW_OK);
  ASSERT_EQ(sw_token_check(client, kIssuedAt + 60, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_VALID) << sw_client_last_error(client);
  sw_client_free(client);

  // Without the flag the same cache directory counts for nothing.
  config.trust_on_first_use = 0;
  EXPECT_EQ(sw_client_new(&config, &client), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(client, nullptr);
}

TEST(FormEncodeTest, EscapesEverythingButUnreservedCharacters) {
  EXPECT_EQ(FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                        {"client_id", "seatwise desktop&x=1"}}),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&"
            "client_id=seatwise%20desktop%26x%3D1");
}

}  // namespace
}  // namespace seatwise::sdk::testing
