#include "core/result.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "core/roles.hpp"
#include "fakes/fake_random.hpp"

namespace seatwise::core {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  SW_ASSIGN_OR_RETURN(int half, Half(n));
  return Half(half);
}

TEST(ResultTest, CarriesValueOrError) {
  auto ok = Quarter(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeName(bad.error().code), "invalid_argument");
}

TEST(IdTest, IdsArePrefixedAndDistinct) {
  testing::FakeRandom random;
  std::string a = NewId(random, "usr");
  std::string b = NewId(random, "usr");
  EXPECT_EQ(a.rfind("usr_", 0), 0U);
  EXPECT_EQ(a.size(), 4U + 24U);
  EXPECT_NE(a, b);
}

TEST(RolesTest, NamesRoundTrip) {
  for (std::size_t i = 0; i < kRoleCount; ++i) {
    auto role = static_cast<Role>(i);
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_FALSE(ParseRole("admin").has_value());
}

TEST(RolesTest, MatrixMatchesDomainRules) {
  // Resellers may never touch Secondary Admins; SA powers never include billing.
  EXPECT_EQ(GrantFor(Role::kReseller, Capability::kManageSecondaryAdmins), Grant::kDenied);
  EXPECT_EQ(GrantFor(Role::kSecondaryAdmin, Capability::kBillingAndOrders), Grant::kDenied);
  EXPECT_EQ(GrantFor(Role::kPrimaryAdmin, Capability::kBillingAndOrders),
            Grant::kIfAlsoContractManager);
  EXPECT_EQ(GrantFor(Role::kSoftwareCoordinator, Capability::kManageUsers), Grant::kOwnContracts);
  EXPECT_EQ(GrantFor(Role::kUser, Capability::kReportOwnUsage), Grant::kEverything);
  EXPECT_EQ(GrantFor(Role::kUser, Capability::kReportTeamUsage), Grant::kDenied);
  // Only the publisher manages the catalog.
  EXPECT_EQ(GrantFor(Role::kOperator, Capability::kManageCatalog), Grant::kEverything);
  for (std::size_t i = 1; i < kRoleCount; ++i) {
    EXPECT_EQ(GrantFor(static_cast<Role>(i), Capability::kManageCatalog), Grant::kDenied);
  }
}

}  // namespace
}  // namespace seatwise::core
