#include "service/authorizer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "service/authz_test_fixture.hpp"

namespace seatwise::service {
namespace {

using core::Capability;
using core::ErrorCode;
using core::Grant;

// One expected cell of the matrix: a grant (with the contracts it covers), or a refusal.
struct Expect {
  enum Kind { kAllow, kDeny, kHidden, kUnauthenticated } kind = kDeny;
  Grant grant = Grant::kDenied;
  std::vector<std::string> contracts;  // for kOwnContracts
};

const Expect E{Expect::kAllow, Grant::kEverything, {}};
const Expect R{Expect::kAllow, Grant::kOwnCustomers, {}};
const Expect D{Expect::kDeny, Grant::kDenied, {}};
const Expect H{Expect::kHidden, Grant::kDenied, {}};
const Expect U{Expect::kUnauthenticated, Grant::kDenied, {}};
Expect O(std::vector<std::string> contracts) {
  return {Expect::kAllow, Grant::kOwnContracts, std::move(contracts)};
}

constexpr std::array<Capability, core::kCapabilityCount> kCapabilities = {
    Capability::kReportOwnUsage,
    Capability::kReportTeamUsage,
    Capability::kManageUsers,
    Capability::kManageDevices,
    Capability::kBillingAndOrders,
    Capability::kManageSecondaryAdmins,
    Capability::kChangeContractManagerOrPrimaryAdmin,
    Capability::kChangeSoftwareCoordinator,
    Capability::kCreateOrders,
    Capability::kManageCatalog,
};

class AuthorizerTest : public AuthzTest {
 protected:
  core::Result<Authorization> Decide(const std::string& who, Capability capability,
                                     const Scope& scope) {
    return db_->Transact<Authorization>(store::TxMode::kRead, [&](store::Tx& tx) {
      return Authorize(tx, deps(), As(who).principal, capability, scope);
    });
  }

  // Walks one row of the matrix for `who` on `scope`.
  void ExpectRow(const std::string& who, const Scope& scope,
                 const std::array<Expect, core::kCapabilityCount>& row) {
    for (std::size_t i = 0; i < kCapabilities.size(); ++i) {
      SCOPED_TRACE(who + " / capability " + std::to_string(i));
      auto got = Decide(who, kCapabilities[i], scope);
      const Expect& want = row[i];
      switch (want.kind) {
        case Expect::kAllow: {
          ASSERT_TRUE(got.ok()) << got.error().message;
          EXPECT_EQ(got->grant, want.grant);
          auto ids = got->contract_ids;
          auto expected = want.contracts;
          std::sort(ids.begin(), ids.end());
          std::sort(expected.begin(), expected.end());
          EXPECT_EQ(ids, expected);
          break;
        }
        case Expect::kDeny:
          ASSERT_FALSE(got.ok());
          EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
          EXPECT_FALSE(got.error().conceal_existence) << got.error().message;
          EXPECT_FALSE(got.error().message.empty());
          break;
        case Expect::kHidden:
          ASSERT_FALSE(got.ok());
          EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
          EXPECT_TRUE(got.error().conceal_existence) << got.error().message;
          break;
        case Expect::kUnauthenticated:
          ASSERT_FALSE(got.ok());
          EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
          break;
      }
    }
  }
};

// Columns: own usage, team usage, users, devices, billing, SAs, CM/PA, SC, orders, catalog.
TEST_P(AuthorizerTest, TeamScopeFollowsTheMatrixForEveryRole) {
  const Scope scope{team_.id, {}, {}};
  const auto both = O({c1_.id, c2_.id});
  const auto serial = O({c2_.id});
  ExpectRow("operator", scope, {E, E, E, E, E, D, E, E, E, E});
  ExpectRow("reseller", scope, {D, D, D, D, R, D, R, R, R, D});
  ExpectRow("other_reseller", scope, {H, H, H, H, H, H, H, H, H, H});
  ExpectRow("cm", scope, {E, E, D, D, both, D, E, E, D, D});
  ExpectRow("pa", scope, {E, E, E, E, D, E, D, D, D, D});
  ExpectRow("sa", scope, {E, E, E, E, D, E, D, D, D, D});
  ExpectRow("sc", scope, {E, serial, serial, serial, D, D, D, D, D, D});
  ExpectRow("user", scope, {E, D, D, D, D, D, D, D, D, D});
  ExpectRow("other", scope, {D, D, D, D, D, D, D, D, D, D});  // another team, same customer
  ExpectRow("outsider", scope, {H, H, H, H, H, H, H, H, H, H});
  ExpectRow("newbie", scope, {D, D, D, D, D, D, D, D, D, D});  // invited, not yet accepted
  ExpectRow("anonymous", scope, {U, U, U, U, U, U, U, U, U, U});
}

TEST_P(AuthorizerTest, ContractScopeLimitsCoordinatorsAndManagersToTheirContracts) {
  const Scope sign_in{{}, c1_.id, {}};
  ExpectRow("operator", sign_in, {E, E, E, E, E, D, E, E, E, E});
  ExpectRow("reseller", sign_in, {D, D, D, D, R, D, R, R, R, D});
  ExpectRow("other_reseller", sign_in, {H, H, H, H, H, H, H, H, H, H});
  ExpectRow("cm", sign_in, {E, E, D, D, O({c1_.id}), D, E, E, D, D});
  ExpectRow("pa", sign_in, {E, E, E, E, D, E, D, D, D, D});
  ExpectRow("sa", sign_in, {E, E, E, E, D, E, D, D, D, D});
  ExpectRow("sc", sign_in, {E, D, D, D, D, D, D, D, D, D});  // not the SC of this contract
  ExpectRow("user", sign_in, {E, D, D, D, D, D, D, D, D, D});
  ExpectRow("other", sign_in, {D, D, D, D, D, D, D, D, D, D});
  ExpectRow("outsider", sign_in, {H, H, H, H, H, H, H, H, H, H});
  ExpectRow("anonymous", sign_in, {U, U, U, U, U, U, U, U, U, U});

  const Scope serial{{}, c2_.id, {}};
  ExpectRow("sc", serial, {E, O({c2_.id}), O({c2_.id}), O({c2_.id}), D, D, D, D, D, D});
  ExpectRow("cm", serial, {E, E, D, D, O({c2_.id}), D, E, E, D, D});
  ExpectRow("outsider", serial, {H, H, H, H, H, H, H, H, H, H});
}

TEST_P(AuthorizerTest, PrimaryAdminSeesBillingOnlyWhereAlsoContractManager) {
  ASSERT_TRUE(db_->Transact(store::TxMode::kWrite,
                            [&](store::Tx& tx) -> core::Result<void> {
                              c1_.contract_manager_id = Id("pa");
                              return repos_.contracts->UpdateContract(tx, c1_);
                            })
                  .ok());
  auto team_wide = Decide("pa", Capability::kBillingAndOrders, {team_.id, {}, {}});
  ASSERT_TRUE(team_wide.ok()) << team_wide.error().message;
  EXPECT_EQ(team_wide->grant, Grant::kOwnContracts);
  EXPECT_EQ(team_wide->contract_ids, std::vector<std::string>{c1_.id});

  auto other = Decide("pa", Capability::kBillingAndOrders, {{}, c2_.id, {}});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(other.error().message.find("cm@example.test"), std::string::npos)
      << other.error().message;
}

TEST_P(AuthorizerTest, RefusalsNameWhoCanHelp) {
  auto billing = Decide("user", Capability::kBillingAndOrders, {{}, c1_.id, {}});
  ASSERT_FALSE(billing.ok());
  EXPECT_NE(billing.error().message.find("Contract Manager only"), std::string::npos);
  EXPECT_NE(billing.error().message.find("cm@example.test"), std::string::npos);

  auto users = Decide("user", Capability::kManageUsers, {team_.id, {}, {}});
  ASSERT_FALSE(users.ok());
  EXPECT_NE(users.error().message.find("pa@example.test"), std::string::npos);

  auto reseller = Decide("reseller", Capability::kManageSecondaryAdmins, {team_.id, {}, {}});
  ASSERT_FALSE(reseller.ok());
  EXPECT_NE(reseller.error().message.find("resellers"), std::string::npos);
}

TEST_P(AuthorizerTest, AccountScopeAndInstanceScope) {
  const Scope account{{}, {}, account_a_.id};
  ExpectRow("reseller", account, {D, D, D, D, R, D, R, R, R, D});
  ExpectRow("other_reseller", account, {H, H, H, H, H, H, H, H, H, H});
  ExpectRow("outsider", account, {H, H, H, H, H, H, H, H, H, H});

  const Scope instance{};
  ExpectRow("operator", instance, {E, E, E, E, E, D, E, E, E, E});
  ExpectRow("reseller", instance, {D, D, D, D, R, D, R, R, R, D});
  ExpectRow("cm", instance,
            {E, O({c1_.id, c2_.id}), D, D, O({c1_.id, c2_.id}), D, O({c1_.id, c2_.id}),
             O({c1_.id, c2_.id}), D, D});
  ExpectRow("pa", instance, {E, D, D, D, D, D, D, D, D, D});
}

TEST_P(AuthorizerTest, UnknownObjectsAreNotFoundAndMismatchedScopesRefused) {
  auto missing = Decide("operator", Capability::kManageUsers, {"team_nope", {}, {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto mismatch = Decide("operator", Capability::kManageUsers, {team_b_.id, c1_.id, {}});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, ErrorCode::kNotFound);
}

TEST_P(AuthorizerTest, RolesAreReadFromTheDataOnEveryCall) {
  ASSERT_TRUE(Decide("user", Capability::kReportOwnUsage, {team_.id, {}, {}}).ok());
  auto m = MembershipOf(team_.id, "user");
  m.status = core::MembershipStatus::kRemoved;
  m.removed_at = clock_.Now();
  ASSERT_TRUE(db_->Transact(store::TxMode::kWrite,
                            [&](store::Tx& tx) { return repos_.users->UpdateMembership(tx, m); })
                  .ok());
  auto after = Decide("user", Capability::kReportOwnUsage, {team_.id, {}, {}});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(AuthorizerTest, RemovedUsersAreUnauthenticated) {
  ASSERT_TRUE(db_->Transact(store::TxMode::kWrite,
                            [&](store::Tx& tx) -> core::Result<void> {
                              auto u = users_.at("sa");
                              u.status = core::UserStatus::kRemoved;
                              return repos_.users->Update(tx, u);
                            })
                  .ok());
  auto got = Decide("sa", Capability::kReportOwnUsage, {team_.id, {}, {}});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(AuthorizerTest, RolesOfListsEveryRoleAndWhere) {
  auto roles = Must(
      Read<std::vector<RoleGrant>>([&](store::Tx& tx) { return RolesOf(tx, deps(), Id("cm")); }));
  ASSERT_EQ(roles.size(), 3U);
  EXPECT_EQ(roles[0].role, core::Role::kUser);
  EXPECT_EQ(roles[0].team_id, team_.id);
  EXPECT_EQ(roles[0].account_id, account_a_.id);
  EXPECT_EQ(roles[1].role, core::Role::kContractManager);
  EXPECT_EQ(roles[2].role, core::Role::kContractManager);
  std::vector<std::string> contracts{*roles[1].contract_id, *roles[2].contract_id};
  std::sort(contracts.begin(), contracts.end());
  std::vector<std::string> want{c1_.id, c2_.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(contracts, want);

  auto sc = Must(
      Read<std::vector<RoleGrant>>([&](store::Tx& tx) { return RolesOf(tx, deps(), Id("sc")); }));
  ASSERT_EQ(sc.size(), 2U);
  EXPECT_EQ(sc[1].role, core::Role::kSoftwareCoordinator);
  EXPECT_EQ(sc[1].contract_id, c2_.id);

  auto op = Must(Read<std::vector<RoleGrant>>(
      [&](store::Tx& tx) { return RolesOf(tx, deps(), Id("operator")); }));
  ASSERT_EQ(op.size(), 1U);
  EXPECT_EQ(op[0].role, core::Role::kOperator);

  auto reseller = Must(Read<std::vector<RoleGrant>>(
      [&](store::Tx& tx) { return RolesOf(tx, deps(), Id("reseller")); }));
  ASSERT_EQ(reseller.size(), 1U);
  EXPECT_EQ(reseller[0].role, core::Role::kReseller);
  EXPECT_EQ(reseller[0].reseller_id, north_.id);

  auto newbie = Must(Read<std::vector<RoleGrant>>(
      [&](store::Tx& tx) { return RolesOf(tx, deps(), Id("newbie")); }));
  EXPECT_TRUE(newbie.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthorizerTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
