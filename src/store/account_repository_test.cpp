#include "store/account_repository.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

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

TEST_P(AccountRepositoryTest, SearchResellersOrdersByNameIgnoringCaseThenPagesById) {
  for (const auto& [name, email] :
       std::vector<std::pair<std::string, std::string>>{{"delta", "d@example.com"},
                                                        {"Alpha", "sales@alpha.example"},
                                                        {"charlie", "c@example.com"},
                                                        {"Bravo", "orders@bravo.example"}}) {
    Must(Write([&](Tx& tx) {
      return repos_.accounts->CreateReseller(tx, core::Reseller{"", name, email, Now(), Now()});
    }));
  }
  auto first = Must(Read([&](Tx& tx) {
    return repos_.accounts->SearchResellers(tx, "", {"", 3});
  }));
  ASSERT_EQ(first.items.size(), 3u);
  EXPECT_EQ(first.items[0].name, "Alpha");
  EXPECT_EQ(first.items[1].name, "Bravo");
  EXPECT_EQ(first.items[2].name, "charlie");
  ASSERT_EQ(first.next_after, first.items[2].id);
  auto second = Must(Read([&](Tx& tx) {
    return repos_.accounts->SearchResellers(tx, "", {first.next_after, 3});
  }));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].name, "delta");
  EXPECT_TRUE(second.next_after.empty());
}

TEST_P(AccountRepositoryTest, SearchResellersMatchesNameOrContactEmailLiterally) {
  Must(Write([&](Tx& tx) {
    return repos_.accounts->CreateReseller(
        tx, core::Reseller{"", "Northwind CAD", "orders@northwind.example", Now(), Now()});
  }));
  Must(Write([&](Tx& tx) {
    return repos_.accounts->CreateReseller(
        tx, core::Reseller{"", "Fabrikam 100%", "sales@fabrikam.example", Now(), Now()});
  }));
  auto by_name = Must(Read([&](Tx& tx) {
    return repos_.accounts->SearchResellers(tx, "NORTH", {"", 50});
  }));
  ASSERT_EQ(by_name.items.size(), 1u);
  EXPECT_EQ(by_name.items[0].name, "Northwind CAD");
  auto by_email = Must(Read([&](Tx& tx) {
    return repos_.accounts->SearchResellers(tx, "sales@fab", {"", 50});
  }));
  ASSERT_EQ(by_email.items.size(), 1u);
  EXPECT_EQ(by_email.items[0].name, "Fabrikam 100%");
  // "%" is a literal character, not a wildcard.
  auto percent = Must(Read([&](Tx& tx) {
    return repos_.accounts->SearchResellers(tx, "0%", {"", 50});
  }));
  ASSERT_EQ(percent.items.size(), 1u);
  auto none = Must(Read([&](Tx& tx) {
    return repos_.accounts->SearchResellers(tx, "d%", {"", 50});
  }));
  EXPECT_TRUE(none.items.empty());
}

TEST_P(AccountRepositoryTest, FindsAndUpdatesAResellerByNameInAnyLetterCase) {
  Customer c = NewCustomer();
  auto found =
      Must(Read([&](Tx& tx) { return repos_.accounts->FindResellerByName(tx, "RESELLER a"); }));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, c.reseller.id);
  core::Reseller changed = c.reseller;
  changed.name = "Renamed";
  changed.contact_email = "new@example.com";
  changed.updated_at = Now() + std::chrono::hours(1);
  Must(Write([&](Tx& tx) { return repos_.accounts->UpdateReseller(tx, changed); }));
  auto stored = Must(Read([&](Tx& tx) { return repos_.accounts->GetReseller(tx, c.reseller.id); }));
  EXPECT_EQ(stored.name, "Renamed");
  EXPECT_EQ(stored.contact_email, "new@example.com");
  EXPECT_EQ(stored.updated_at, changed.updated_at);
  auto gone =
      Must(Read([&](Tx& tx) { return repos_.accounts->FindResellerByName(tx, "Reseller a"); }));
  EXPECT_FALSE(gone.has_value());
  changed.id = "rsl_missing";
  auto missing = Write([&](Tx& tx) { return repos_.accounts->UpdateReseller(tx, changed); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
}

TEST_P(AccountRepositoryTest, CountsAndListsAResellersCustomersByName) {
  Customer c = NewCustomer();
  for (const char* name : {"zeta GmbH", "Beta Ltd"}) {
    core::Account a;
    a.reseller_id = c.reseller.id;
    a.company.name = name;
    a.company.country = "DE";
    a.created_at = a.updated_at = Now();
    Must(Write([&](Tx& tx) { return repos_.accounts->CreateAccount(tx, a); }));
  }
  NewCustomer("b");  // another reseller's customer
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.accounts->CountCustomers(tx, c.reseller.id); })),
            3);
  auto two = Must(
      Read([&](Tx& tx) { return repos_.accounts->ListCustomersByName(tx, c.reseller.id, 2); }));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].company.name, "Acme a");
  EXPECT_EQ(two[1].company.name, "Beta Ltd");
}

SW_INSTANTIATE_BACKENDS(AccountRepositoryTest);

}  // namespace
}  // namespace seatwise::store
