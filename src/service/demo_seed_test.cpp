#include "service/demo_seed.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/password.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "store/migrator.hpp"

namespace seatwise::service {
namespace {

class DemoSeedTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    db_ = testing::NewTestDatabase(GetParam());
    ASSERT_TRUE(store::Migrate(*db_, clock_).ok());
  }

  template <typename T>
  T Read(const std::function<core::Result<T>(store::Tx&)>& fn) {
    auto result = db_->Transact<T>(store::TxMode::kRead, fn);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return std::move(result).value();
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  std::unique_ptr<store::Database> db_;
  store::Repositories repos_ = store::MakeRepositories(random_);
};

TEST_P(DemoSeedTest, SeedsEveryKindOfSeatAndEveryRole) {
  auto summary = SeedDemo(*db_, repos_, clock_, random_);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_TRUE(summary->seeded);
  EXPECT_EQ(summary->contracts, 5);
  EXPECT_GE(summary->users, 12);

  auto contracts = Read<store::Page<core::Contract>>([&](store::Tx& tx) {
    return repos_.contracts->ListContracts(tx, {}, {"", 100});
  });
  ASSERT_EQ(contracts.items.size(), 5U);
  std::set<std::string> kinds;
  bool has_sc = false;
  for (const auto& contract : contracts.items) {
    has_sc |= contract.software_coordinator_id.has_value();
    auto subs = Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); });
    for (const auto& sub : subs) {
      kinds.insert(std::string(core::EnumName(sub.access)) + "/" +
                   std::string(core::EnumName(sub.activation)) + "/" +
                   std::string(core::EnumName(sub.model)));
      if (sub.activation == core::ActivationMethod::kSerialNumber) {
        ASSERT_TRUE(sub.serial_number.has_value());
        EXPECT_EQ(sub.serial_number->size(), 12U);
        EXPECT_EQ((*sub.serial_number)[3], '-');
        EXPECT_TRUE(sub.product_key.has_value());
      }
    }
  }
  EXPECT_TRUE(has_sc);
  EXPECT_TRUE(kinds.count("single_user/sign_in/term"));
  EXPECT_TRUE(kinds.count("single_user/serial_number/term"));
  EXPECT_TRUE(kinds.count("multi_user/serial_number/term"));
  EXPECT_TRUE(kinds.count("single_user/serial_number/perpetual_maintenance"));
}

TEST_P(DemoSeedTest, PrimaryAdminHoldsASeatOfEverySignInSubscription) {
  ASSERT_TRUE(SeedDemo(*db_, repos_, clock_, random_).ok());
  auto ann = Read<std::optional<core::User>>(
      [&](store::Tx& tx) { return repos_.users->FindByEmail(tx, "ANN@contoso.example"); });
  ASSERT_TRUE(ann.has_value());
  ASSERT_TRUE(ann->password_hash.has_value());
  EXPECT_TRUE(crypto::VerifyPassword(*ann->password_hash, kDemoPassword));
  auto held = Read<std::vector<core::Assignment>>(
      [&](store::Tx& tx) { return repos_.assignments->ListActiveByUser(tx, ann->id); });
  EXPECT_EQ(held.size(), 3U);  // the product, the collection and the cloud service
}

TEST_P(DemoSeedTest, LeavesAnExistingInstanceAlone) {
  ASSERT_TRUE(SeedDemo(*db_, repos_, clock_, random_).ok());
  auto again = SeedDemo(*db_, repos_, clock_, random_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->seeded);
  EXPECT_FALSE(again->logins.empty());
  auto contracts = Read<store::Page<core::Contract>>([&](store::Tx& tx) {
    return repos_.contracts->ListContracts(tx, {}, {"", 100});
  });
  EXPECT_EQ(contracts.items.size(), 5U);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoSeedTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
