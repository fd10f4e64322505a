// Network seats and usage over real HTTP on both backends: Design's computers take the five
// floating seats of Structa, keep one alive, are refused a sixth with a problem document
// that says how many are in use, and free one by releasing it; a usage batch sent twice is
// counted once.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "store/repositories.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using ::testing::HasSubstr;

class LeasesHttpTest : public DemoServerTest {
 protected:
  // Registers computers in the Design team straight in the server's database (the device
  // registration route belongs to the activation flow).
  std::vector<std::string> RegisterDevices(const std::string& prefix, int count) {
    std::vector<std::string> ids;
    const Credential& eve = server_->Person(DemoEmail("eve"));
    const std::string team_id = TeamId(eve);
    EXPECT_FALSE(team_id.empty());
    auto db = server_->OpenDatabase();
    EXPECT_TRUE(db.ok()) << db.error().message;
    if (!db.ok()) return ids;
    // A seed per prefix, so the ids of two calls never collide.
    seatwise::testing::FakeRandom random(std::hash<std::string>{}(prefix));
    store::Repositories repos = store::MakeRepositories(random);
    for (int i = 0; i < count; ++i) {
      auto device = (*db)->Transact<core::Device>(
          store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Device> {
            core::Device d;
            d.team_id = team_id;
            d.fingerprint_hash = prefix + "-fingerprint-" + std::to_string(i);
            d.asset_name = prefix + "-" + std::to_string(i);
            d.os = "Linux";
            d.app_version = "2026.1";
            const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now());
            d.registered_at = d.updated_at = now;
            return repos.devices->Register(tx, d);
          });
      EXPECT_TRUE(device.ok()) << device.error().message;
      if (device.ok()) ids.push_back(device->id);
    }
    return ids;
  }

  // "2026-…Z", `minutes` before now.
  static std::string MinutesAgo(int minutes) {
    const auto then = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                           std::chrono::minutes(minutes));
    char at[32];
    std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&then));
    return at;
  }

  static std::string CheckoutBody(const std::string& device_id, const std::string& host) {
    return boost::json::serialize(boost::json::object{
        {"product", "STR"}, {"device_id", device_id}, {"user_name", "eve"}, {"host", host}});
  }
};

TEST_P(LeasesHttpTest, FloatingSeatsAreCheckedOutKeptAliveRefusedWhenFullAndFreed) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const Credential& gia = server_->Person(DemoEmail("gia"));
  auto devices = RegisterDevices("seat", 6);
  ASSERT_EQ(devices.size(), 6u);

  std::vector<std::string> leases;
  for (int i = 0; i < 5; ++i) {
    const Credential& who = i % 2 == 0 ? eve : gia;
    HttpReply taken = server_->Call(
        "POST", "/api/v1/client/leases", who,
        CheckoutBody(devices[static_cast<std::size_t>(i)], "seat-" + std::to_string(i)));
    ASSERT_EQ(taken.status, 201) << taken.Describe();
    const auto grant = taken.Json();
    EXPECT_TRUE(grant.at("expires_at").is_string());
    EXPECT_EQ(grant.at("heartbeat_every_seconds").as_int64(), 200);
    EXPECT_TRUE(grant.at("subscription_id").is_string());
    leases.push_back(std::string(grant.at("lease_id").as_string()));
  }

  HttpReply beat = server_->Call("PUT", "/api/v1/client/leases/" + leases[0], eve);
  ASSERT_EQ(beat.status, 200) << beat.Describe();
  EXPECT_TRUE(beat.Json().at("expires_at").is_string());

  HttpReply full =
      server_->Call("POST", "/api/v1/client/leases", eve, CheckoutBody(devices[5], "seat-5"));
  ASSERT_EQ(full.status, 409) << full.Describe();
  EXPECT_THAT(full.Header("content-type"), HasSubstr("application/problem+json"));
  const std::string detail(full.Json().at("detail").as_string());
  EXPECT_THAT(detail, HasSubstr("all 5 network seats of Structa are in use"));
  EXPECT_THAT(detail, HasSubstr("the oldest lease expires at"));

  // Someone of another customer may not even learn that the lease exists.
  const Credential& pat = server_->Person(DemoEmail("pat"));
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/client/leases/" + leases[1], pat).status, 404);
  HttpReply released = server_->Call("DELETE", "/api/v1/client/leases/" + leases[1], gia);
  EXPECT_EQ(released.status, 204) << released.Describe();
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/client/leases/" + leases[1], gia).status, 204);
  HttpReply gone = server_->Call("PUT", "/api/v1/client/leases/" + leases[1], gia);
  EXPECT_EQ(gone.status, 409) << gone.Describe();
  EXPECT_THAT(std::string(gone.Json().at("detail").as_string()), HasSubstr("check out again"));

  HttpReply now_free =
      server_->Call("POST", "/api/v1/client/leases", eve, CheckoutBody(devices[5], "seat-5"));
  EXPECT_EQ(now_free.status, 201) << now_free.Describe();

  HttpReply borrowed = server_->Call("POST", "/api/v1/client/leases/" + leases[2] + "/borrow", eve,
                                     R"({"days": 3})");
  ASSERT_EQ(borrowed.status, 200) << borrowed.Describe();
  EXPECT_TRUE(borrowed.Json().at("borrowed_until").is_string());
  EXPECT_EQ(
      server_->Call("POST", "/api/v1/client/leases/" + leases[2] + "/borrow", eve, R"({"days": 0})")
          .status,
      400);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/client/leases/lse_nosuchlease", eve).status, 404);

  // Give every seat back (the borrowed one early), so the next test starts with a free pool.
  leases.push_back(std::string(now_free.Json().at("lease_id").as_string()));
  for (const auto& lease : leases) {
    EXPECT_EQ(server_->Call("DELETE", "/api/v1/client/leases/" + lease, eve).status, 204);
  }
}

TEST_P(LeasesHttpTest, AUsageBatchSentTwiceIsCountedOnce) {
  const Credential& hal = server_->Person(DemoEmail("hal"));
  auto devices = RegisterDevices("usage", 1);
  ASSERT_EQ(devices.size(), 1u);
  const auto now = std::chrono::system_clock::now();
  const auto started = std::chrono::system_clock::to_time_t(now - std::chrono::minutes(30));
  char at[32];
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&started));
  boost::json::array events{
      boost::json::object{{"id", "evt-1"}, {"kind", "start"}, {"product", "STR"}, {"at", at}},
      boost::json::object{{"id", "evt-2"},
                          {"kind", "stop"},
                          {"product", "STR"},
                          {"at", at},
                          {"duration_seconds", 1800}},
      boost::json::object{{"id", "evt-3"}, {"kind", "start"}, {"at", "yesterday"}},
  };
  const std::string body =
      boost::json::serialize(boost::json::object{{"device_id", devices[0]}, {"events", events}});

  HttpReply first = server_->Call("POST", "/api/v1/client/usage", hal, body);
  ASSERT_EQ(first.status, 200) << first.Describe();
  auto receipt = first.Json();
  EXPECT_EQ(receipt.at("accepted").as_int64(), 2);
  EXPECT_EQ(receipt.at("duplicates").as_int64(), 0);
  ASSERT_EQ(receipt.at("rejected").as_array().size(), 1u);
  EXPECT_EQ(receipt.at("rejected").as_array()[0].at("index").as_int64(), 2);
  EXPECT_EQ(receipt.at("rejected").as_array()[0].at("id"), "evt-3");

  HttpReply second = server_->Call("POST", "/api/v1/client/usage", hal, body);
  ASSERT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.Json().at("accepted").as_int64(), 0);
  EXPECT_EQ(second.Json().at("duplicates").as_int64(), 2);

  HttpReply missing = server_->Call("POST", "/api/v1/client/usage", hal, R"({"events": []})");
  EXPECT_EQ(missing.status, 400) << missing.Describe();
}

TEST_P(LeasesHttpTest, AnEnrolledComputerTakesAndReturnsASeatWithItsOwnCredential) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  auto enroll = [&] {
    return server_->Call(
        "POST", "/api/v1/client/devices", eve,
        boost::json::serialize(boost::json::object{{"fingerprint", std::string(64, 'e')},
                                                   {"asset_name", "render-node-1"},
                                                   {"issue_credential", true}}));
  };
  HttpReply enrolled = enroll();
  ASSERT_EQ(enrolled.status, 201) << enrolled.Describe();
  const std::string device_id(enrolled.Json().at("device_id").as_string());
  const std::string secret(enrolled.Json().at("device_credential").as_string());
  EXPECT_TRUE(secret.starts_with("swm_")) << secret;
  Credential machine;
  machine.bearer = secret;

  HttpReply taken = server_->Call("POST", "/api/v1/client/leases", machine,
                                  CheckoutBody(device_id, "render-node-1"));
  ASSERT_EQ(taken.status, 201) << taken.Describe();
  const std::string lease(taken.Json().at("lease_id").as_string());
  EXPECT_EQ(server_->Call("PUT", "/api/v1/client/leases/" + lease, machine).status, 200);
  const std::string usage = boost::json::serialize(boost::json::object{
      {"device_id", device_id},
      {"events", boost::json::array{boost::json::object{{"id", "enrolled-start-1"},
                                                        {"kind", "start"},
                                                        {"product", "STR"},
                                                        {"at", MinutesAgo(1)}}}}});
  HttpReply uploaded = server_->Call("POST", "/api/v1/client/usage", machine, usage);
  ASSERT_EQ(uploaded.status, 200) << uploaded.Describe();
  EXPECT_EQ(uploaded.Json().at("accepted").as_int64(), 1);

  // The credential opens the client licence routes only.
  HttpReply elsewhere = server_->Call("GET", "/api/v1/me", machine);
  EXPECT_EQ(elsewhere.status, 401) << elsewhere.Describe();
  EXPECT_THAT(std::string(elsewhere.Json().at("detail").as_string()),
              HasSubstr("device credential"));
  // Another computer's lease stays hidden from it.
  auto others = RegisterDevices("enrolled-other", 1);
  ASSERT_EQ(others.size(), 1u);
  HttpReply foreign = server_->Call("POST", "/api/v1/client/leases", machine,
                                    CheckoutBody(others[0], "someone-else"));
  EXPECT_EQ(foreign.status, 404) << foreign.Describe();

  // Enrolling again replaces the credential: the old one stops working at once.
  HttpReply again = enroll();
  ASSERT_EQ(again.status, 200) << again.Describe();
  Credential renewed;
  renewed.bearer = std::string(again.Json().at("device_credential").as_string());
  EXPECT_NE(renewed.bearer, secret);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/client/leases/" + lease, machine).status, 401);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/client/leases/" + lease, renewed).status, 204);
}

INSTANTIATE_TEST_SUITE_P(Backends, LeasesHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
