// Two nodes of one installation: two `seatwise serve` processes on one database (a shared
// PostgreSQL, and a shared SQLite file). Two hundred computers race for Structa's five floating
// seats through both nodes at once; exactly five get one, every refusal is a denial, and
// either node serves what the other granted.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "store/repositories.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

constexpr int kComputers = 200;
constexpr int kSeats = 5;  // Structa's network subscription in the demo data

std::string Fingerprint(int i) {
  char text[65];
  std::snprintf(text, sizeof text, "%064x", static_cast<unsigned>(0xC0FFEE00 + i));
  return text;
}

std::string CheckoutBody(const std::string& device_id, int i) {
  return boost::json::serialize(boost::json::object{{"product", "STR"},
                                                    {"device_id", device_id},
                                                    {"user_name", "eve"},
                                                    {"host", "node-race-" + std::to_string(i)}});
}

class TwoNodesTest : public ::testing::TestWithParam<store::Backend> {};

TEST_P(TwoNodesTest, TwoHundredComputersThroughTwoNodesGetExactlyTheFiveSeats) {
  DemoServer first(GetParam());
  ASSERT_TRUE(first.started()) << first.Stderr();
  DemoServer second(first, {});
  ASSERT_TRUE(second.started()) << second.Stderr();
  const DemoServer* nodes[] = {&first, &second};
  const Credential& eve = first.Person(DemoEmail("eve"));

  // Both nodes publish the same signing keys.
  const Credential nobody;
  HttpReply keys_first = first.Call("GET", "/.well-known/jwks.json", nobody);
  HttpReply keys_second = second.Call("GET", "/.well-known/jwks.json", nobody);
  ASSERT_EQ(keys_first.status, 200) << keys_first.Describe();
  EXPECT_EQ(keys_first.body, keys_second.body);

  std::vector<std::string> devices;
  for (int i = 0; i < kComputers; ++i) {
    HttpReply registered = nodes[i % 2]->Call(
        "POST", "/api/v1/client/devices", eve,
        boost::json::serialize(boost::json::object{{"fingerprint", Fingerprint(i)},
                                                   {"asset_name", "race-" + std::to_string(i)}}));
    ASSERT_EQ(registered.status, 201) << registered.Describe();
    devices.emplace_back(registered.Json().at("device_id").as_string());
  }

  std::mutex mutex;
  std::map<int, int> statuses;
  std::vector<std::string> granted;  // lease ids
  std::vector<int> granted_by;       // the node that granted each
  std::vector<int> refused;          // computers that got no seat
  std::string subscription_id;
  std::vector<std::thread> racers;
  for (int i = 0; i < kComputers; ++i) {
    racers.emplace_back([&, i] {
      HttpReply reply = nodes[i % 2]->Call("POST", "/api/v1/client/leases", eve,
                                           CheckoutBody(devices[static_cast<std::size_t>(i)], i));
      std::lock_guard lock(mutex);
      ++statuses[reply.status];
      if (reply.status == 201) {
        const auto grant = reply.Json();
        granted.emplace_back(grant.at("lease_id").as_string());
        granted_by.push_back(i % 2);
        subscription_id = std::string(grant.at("subscription_id").as_string());
      } else {
        refused.push_back(i);
      }
    });
  }
  for (auto& racer : racers) racer.join();
  EXPECT_EQ(statuses[201], kSeats);
  EXPECT_EQ(statuses[409], kComputers - kSeats);
  EXPECT_EQ(statuses.size(), 2u) << "only grants and seat refusals are expected";
  ASSERT_EQ(granted.size(), static_cast<std::size_t>(kSeats));

  // What the database holds agrees: five held leases, one denial per refusal.
  {
    auto db = first.OpenDatabase();
    ASSERT_TRUE(db.ok()) << db.error().message;
    seatwise::testing::FakeRandom random(7);
    store::Repositories repos = store::MakeRepositories(random);
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto held = (*db)->Transact<int>(store::TxMode::kRead, [&](store::Tx& tx) {
      return repos.leases->CountHeld(tx, subscription_id, now);
    });
    ASSERT_TRUE(held.ok()) << held.error().message;
    EXPECT_EQ(*held, kSeats);
    auto denials =
        (*db)->Transact<std::vector<core::LeaseDenial>>(store::TxMode::kRead, [&](store::Tx& tx) {
          return repos.leases->ListDenials(tx, subscription_id, now - std::chrono::hours(1),
                                           now + std::chrono::hours(1));
        });
    ASSERT_TRUE(denials.ok()) << denials.error().message;
    EXPECT_EQ(denials->size(), static_cast<std::size_t>(kComputers - kSeats));
  }

  // A lease granted by one node is kept alive and returned through the other; the freed
  // seat is taken at once through the first node.
  const DemoServer& granter = *nodes[granted_by[0]];
  const DemoServer& other = *nodes[1 - granted_by[0]];
  HttpReply beat = other.Call("PUT", "/api/v1/client/leases/" + granted[0], eve);
  EXPECT_EQ(beat.status, 200) << beat.Describe();
  HttpReply returned = other.Call("DELETE", "/api/v1/client/leases/" + granted[0], eve);
  EXPECT_EQ(returned.status, 204) << returned.Describe();
  // A computer that was refused now gets the seat; the next one is refused again.
  ASSERT_GE(refused.size(), 2u);
  const auto device_of = [&](int i) { return devices[static_cast<std::size_t>(i)]; };
  HttpReply retaken =
      granter.Call("POST", "/api/v1/client/leases", eve, CheckoutBody(device_of(refused[0]), 0));
  EXPECT_EQ(retaken.status, 201) << retaken.Describe();
  HttpReply full =
      other.Call("POST", "/api/v1/client/leases", eve, CheckoutBody(device_of(refused[1]), 1));
  EXPECT_EQ(full.status, 409) << full.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, TwoNodesTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
