#include "store/device_repository.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

using std::chrono::days;

class DeviceRepositoryTest : public RepositoryTest {};

TEST_P(DeviceRepositoryTest, RegistersOncePerTeamAndFingerprint) {
  auto c = NewCustomer();
  auto first = NewDevice(c.team, "abc");
  EXPECT_TRUE(first.id.starts_with("dev_"));
  EXPECT_TRUE(first.default_product_access);
  auto again = NewDevice(c.team, "abc");
  EXPECT_EQ(again.id, first.id);
  auto other = NewCustomer("b");
  EXPECT_NE(NewDevice(other.team, "abc").id, first.id);
}

TEST_P(DeviceRepositoryTest, ChecksInAndEditsDetails) {
  auto c = NewCustomer();
  auto d = NewDevice(c.team, "abc");
  clock_.Advance(days(1));
  Must(Write([&](Tx& tx) {
    return repos_.devices->CheckIn(tx, d.id, c.admin.id, "2026.1", "Windows 11", Now());
  }));
  Must(Write([&](Tx& tx) {
    return repos_.devices->CheckIn(tx, d.id, std::nullopt, "2026.2", "Windows 11", Now());
  }));
  d.asset_name = "WS-042";
  d.description = "Front desk";
  d.default_update_access = false;
  Must(Write([&](Tx& tx) { return repos_.devices->UpdateDetails(tx, d, Now()); }));
  auto got = Must(Read([&](Tx& tx) { return repos_.devices->Get(tx, d.id); }));
  EXPECT_EQ(got.last_user_id, c.admin.id);  // an anonymous check-in keeps the last user
  EXPECT_EQ(got.app_version, "2026.2");
  EXPECT_EQ(got.last_check_in_at, Now());
  EXPECT_EQ(got.asset_name, "WS-042");
  EXPECT_FALSE(got.default_update_access);
}

TEST_P(DeviceRepositoryTest, FindsADeviceOnlyByItsCurrentCredential) {
  auto c = NewCustomer();
  auto d = NewDevice(c.team, "abc");
  auto other = NewDevice(c.team, "def");
  auto find = [&](const std::string& hash) {
    return Must(Read([&](Tx& tx) { return repos_.devices->FindByCredential(tx, hash); }));
  };
  EXPECT_FALSE(find("hash-1").has_value());
  Must(Write([&](Tx& tx) { return repos_.devices->SetCredential(tx, d.id, "hash-1", Now()); }));
  ASSERT_TRUE(find("hash-1").has_value());
  EXPECT_EQ(find("hash-1")->id, d.id);
  // Re-issuing replaces the credential: the old hash finds nothing any more.
  Must(Write([&](Tx& tx) { return repos_.devices->SetCredential(tx, d.id, "hash-2", Now()); }));
  EXPECT_FALSE(find("hash-1").has_value());
  EXPECT_EQ(find("hash-2")->id, d.id);
  // Two devices never share one credential.
  auto clash =
      Write([&](Tx& tx) { return repos_.devices->SetCredential(tx, other.id, "hash-2", Now()); });
  EXPECT_FALSE(clash.ok());
  auto missing = Write(
      [&](Tx& tx) { return repos_.devices->SetCredential(tx, "dev_missing", "hash-3", Now()); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
}

TEST_P(DeviceRepositoryTest, ListsOutOfDateDevicesWithACursor) {
  auto c = NewCustomer();
  auto old_device = NewDevice(c.team, "old");
  Must(Write([&](Tx& tx) {
    return repos_.devices->CheckIn(tx, old_device.id, std::nullopt, "1", "Linux", Now());
  }));
  clock_.Advance(days(40));
  for (int i = 0; i < 4; ++i) {
    auto d = NewDevice(c.team, "new" + std::to_string(i));
    Must(Write([&](Tx& tx) {
      return repos_.devices->CheckIn(tx, d.id, std::nullopt, "1", "Linux", Now());
    }));
  }
  DeviceFilter stale;
  stale.checked_in_before = Now() - days(30);
  auto out_of_date = Must(Read([&](Tx& tx) {
    return repos_.devices->ListByTeam(tx, c.team.id, stale, {"", 10});
  }));
  ASSERT_EQ(out_of_date.items.size(), 1u);
  EXPECT_EQ(out_of_date.items[0].id, old_device.id);

  std::vector<std::string> seen;
  PageRequest page{"", 2};
  do {
    auto p =
        Must(Read([&](Tx& tx) { return repos_.devices->ListByTeam(tx, c.team.id, {}, page); }));
    for (const auto& d : p.items) seen.push_back(d.id);
    page.after = p.next_after;
  } while (!page.after.empty());
  EXPECT_EQ(seen.size(), 5u);
}

TEST_P(DeviceRepositoryTest, AStaleDeviceIsAnnouncedOncePerStalePeriod) {
  auto c = NewCustomer();
  auto other = NewCustomer("b");
  auto seen = NewDevice(c.team, "seen");
  Must(Write([&](Tx& tx) {
    return repos_.devices->CheckIn(tx, seen.id, std::nullopt, "1", "Linux", Now());
  }));
  const auto first_check_in = Now();
  auto never = NewDevice(other.team, "never");  // counts from its registration
  clock_.Advance(days(10));
  auto fresh = NewDevice(c.team, "fresh");
  auto stale = [&] {
    std::vector<std::string> ids;
    for (const auto& d : Must(Read([&](Tx& tx) {
           return repos_.devices->ListStaleUnannounced(tx, Now() - days(30), 10);
         }))) {
      ids.push_back(d.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_TRUE(stale().empty());

  clock_.Advance(days(21));  // seen and never: 31 days; fresh: 21 days
  std::vector<std::string> expected{seen.id, never.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(stale(), expected);
  EXPECT_TRUE(Must(Write(
      [&](Tx& tx) { return repos_.devices->MarkStaleAnnounced(tx, seen.id, first_check_in); })));
  EXPECT_FALSE(Must(Write(
      [&](Tx& tx) { return repos_.devices->MarkStaleAnnounced(tx, seen.id, first_check_in); })));
  EXPECT_TRUE(Must(Write([&](Tx& tx) {
    return repos_.devices->MarkStaleAnnounced(tx, never.id, never.registered_at);
  })));
  EXPECT_TRUE(stale().empty());

  // A check-in starts a new period: announced again once it is stale again.
  Must(Write([&](Tx& tx) {
    return repos_.devices->CheckIn(tx, seen.id, std::nullopt, "1", "Linux", Now());
  }));
  const auto second_check_in = Now();
  EXPECT_FALSE(Must(Write(
      [&](Tx& tx) { return repos_.devices->MarkStaleAnnounced(tx, seen.id, first_check_in); })));
  clock_.Advance(days(31));
  expected = {seen.id, fresh.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(stale(), expected);
  EXPECT_TRUE(Must(Write(
      [&](Tx& tx) { return repos_.devices->MarkStaleAnnounced(tx, seen.id, second_check_in); })));
}

SW_INSTANTIATE_BACKENDS(DeviceRepositoryTest);

}  // namespace
}  // namespace seatwise::store
