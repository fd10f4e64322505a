#include "store/personal_data_repository.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

using std::chrono::minutes;

class PersonalDataRepositoryTest : public RepositoryTest {
 protected:
  const PersonalDataSet& Set(const std::vector<PersonalDataSet>& sets, const std::string& name) {
    auto it = std::find_if(sets.begin(), sets.end(),
                           [&](const PersonalDataSet& s) { return s.name == name; });
    if (it == sets.end()) throw std::runtime_error("no set " + name);
    return *it;
  }
};

TEST_P(PersonalDataRepositoryTest, CollectsTheRowsNamingThePersonWithoutSecrets) {
  auto c = NewCustomer();
  auto pool = NewSubscription(c, 2, core::Access::kMultiUser, core::ActivationMethod::kSerialNumber,
                              "700-10000000");
  auto device = NewDevice(c.team, "1");
  core::Lease l;
  l.subscription_id = pool.id;
  l.product_id = c.autocad.id;
  l.device_id = device.id;
  l.user_id = c.admin.id;
  l.user_name = "ann";
  l.host = "ANNS-LAPTOP";
  l.checked_out_at = Now();
  l.expires_at = Now() + minutes(10);
  ASSERT_TRUE(Must(Write([&](Tx& tx) { return repos_.leases->Checkout(tx, l); })).granted);
  Must(Write([&](Tx& tx) -> core::Result<void> {
    core::ApiToken t;
    t.user_id = c.admin.id;
    t.name = "ci";
    t.token_hash = "secret-api-token-hash";
    t.display_prefix = "swp_ABCD";
    t.created_at = Now();
    SW_RETURN_IF_ERROR(repos_.auth->CreateApiToken(tx, t));
    return core::Ok();
  }));

  auto sets = Must(Read([&](Tx& tx) { return repos_.personal_data->Collect(tx, c.admin.id); }));
  EXPECT_EQ(Set(sets, "memberships").rows.size(), 1u);
  EXPECT_EQ(Set(sets, "contracts").rows.size(), 1u);  // the admin is the contract manager
  const auto& leases = Set(sets, "leases");
  ASSERT_EQ(leases.rows.size(), 1u);
  ASSERT_EQ(leases.columns.size(), leases.rows[0].size());
  EXPECT_EQ(leases.rows[0].Text(4), "ann");
  const auto& tokens = Set(sets, "api_tokens");
  ASSERT_EQ(tokens.rows.size(), 1u);
  for (const auto& set : sets) {
    for (const auto& column : set.columns) {
      EXPECT_EQ(column.find("hash"), std::string::npos) << set.name << "." << column;
      EXPECT_EQ(column.find("secret"), std::string::npos) << set.name << "." << column;
    }
  }

  EXPECT_EQ(Must(Write(
                [&](Tx& tx) { return repos_.personal_data->AnonymiseUserTraces(tx, c.admin.id); })),
            1);
  EXPECT_EQ(Must(Write(
                [&](Tx& tx) { return repos_.personal_data->AnonymiseUserTraces(tx, c.admin.id); })),
            0);
  sets = Must(Read([&](Tx& tx) { return repos_.personal_data->Collect(tx, c.admin.id); }));
  EXPECT_EQ(Set(sets, "leases").rows[0].Text(4), "");
  EXPECT_EQ(Set(sets, "leases").rows[0].Text(5), "");
}

SW_INSTANTIATE_BACKENDS(PersonalDataRepositoryTest);

}  // namespace
}  // namespace seatwise::store
