#include "store/account_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

class AccountRepositoryTest : public RepositoryTest {};

TEST_P(AccountRepositoryTest, LockTeamReturnsTheTeamInAWriteTransaction) {
  Customer c = NewCustomer();
  auto locked = Must(Write([&](Tx& tx) { return repos_.accounts->LockTeam(tx, c.team.id); }));
  EXPECT_EQ(locked.id, c.team.id);
  EXPECT_EQ(locked.account_id, c.account.id);
  EXPECT_EQ(locked.name, "Design");
}

TEST_P(AccountRepositoryTest, LockTeamOfAnUnknownTeamIsNotFound) {
  auto locked = Write([&](Tx& tx) { return repos_.accounts->LockTeam(tx, "team_missing"); });
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, core::ErrorCode::kNotFound);
}

SW_INSTANTIATE_BACKENDS(AccountRepositoryTest);

}  // namespace
}  // namespace seatwise::store
