#include "store/contract_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

class ContractRepositoryTest : public RepositoryTest {};

TEST_P(ContractRepositoryTest, RoundTripsAccountsTeamsAndCatalog) {
  auto c = NewCustomer();
  auto account = Must(Read([&](Tx& tx) { return repos_.accounts->GetAccount(tx, c.account.id); }));
  EXPECT_EQ(account.company.name, "Acme a");
  EXPECT_EQ(account.company.country, "US");
  EXPECT_EQ(account.reseller_id, c.reseller.id);
  auto teams = Must(Read([&](Tx& tx) { return repos_.accounts->ListTeams(tx, c.account.id); }));
  ASSERT_EQ(teams.size(), 1u);
  EXPECT_EQ(teams[0].name, "Design");

  auto collection =
      Must(Read([&](Tx& tx) { return repos_.catalog->GetCollection(tx, c.collection.id); }));
  EXPECT_EQ(collection.product_ids, (std::vector<std::string>{c.autocad.id, c.revit.id}));
  auto by_code = Must(Read([&](Tx& tx) { return repos_.catalog->FindProductByCode(tx, "RVT-a"); }));
  ASSERT_TRUE(by_code.has_value());
  EXPECT_EQ(by_code->id, c.revit.id);

  core::ProductGroup group{
      "", "ACD-TOOLSETS", "AutoCAD including specialized toolsets", {c.autocad.id}, Now(), Now()};
  group = Must(Write([&](Tx& tx) { return repos_.catalog->CreateProductGroup(tx, group); }));
  Must(Write([&](Tx& tx) {
    return repos_.catalog->SetProductGroupMembers(tx, group.id, {c.revit.id, c.autocad.id}, Now());
  }));
  auto got = Must(Read([&](Tx& tx) { return repos_.catalog->GetProductGroup(tx, group.id); }));
  EXPECT_EQ(got.product_ids, (std::vector<std::string>{c.revit.id, c.autocad.id}));

  auto company = c.account.company;
  company.city = "Shelbyville";
  Must(Write([&](Tx& tx) {
    return repos_.accounts->UpdateCompanyInfo(tx, c.account.id, company, Now());
  }));
  account = Must(Read([&](Tx& tx) { return repos_.accounts->GetAccount(tx, c.account.id); }));
  EXPECT_EQ(account.company.city, "Shelbyville");
}

TEST_P(ContractRepositoryTest, DuplicateProductCodeIsRefused) {
  auto c = NewCustomer();
  auto dup = Write([&](Tx& tx) {
    return repos_.catalog->CreateProduct(
        tx, core::Product{"", c.autocad.code, "Other", "", "", false, Now(), Now()});
  });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(ContractRepositoryTest, RoundTripsContractsAndSubscriptions) {
  auto c = NewCustomer();
  auto contract =
      Must(Read([&](Tx& tx) { return repos_.contracts->GetContract(tx, c.contract.id); }));
  EXPECT_EQ(contract.number, "110000a");
  EXPECT_EQ(contract.status, core::ContractStatus::kActive);
  EXPECT_EQ(contract.ends_at, c.contract.ends_at);
  EXPECT_EQ(contract.company.name, "Acme a");

  auto serial = NewSubscription(c, 5, core::Access::kSingleUser,
                                core::ActivationMethod::kSerialNumber, "123-45678901");
  auto found = Must(
      Read([&](Tx& tx) { return repos_.contracts->FindSubscriptionBySerial(tx, "123-45678901"); }));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, serial.id);
  EXPECT_EQ(found->product_key, "001K1");
  EXPECT_EQ(found->max_devices, 1);
  EXPECT_EQ(found->lease_ttl_seconds, 600);

  // Migration to sign-in keeps the serial so old installs can be told to sign in.
  found->activation = core::ActivationMethod::kSignIn;
  found->migrated_at = Now();
  found->updated_at = Now();
  Must(Write([&](Tx& tx) { return repos_.contracts->UpdateSubscription(tx, *found); }));
  auto migrated =
      Must(Read([&](Tx& tx) { return repos_.contracts->GetSubscription(tx, serial.id); }));
  EXPECT_EQ(migrated.activation, core::ActivationMethod::kSignIn);
  EXPECT_EQ(migrated.migrated_at, found->migrated_at);

  auto team_subs =
      Must(Read([&](Tx& tx) { return repos_.contracts->ListTeamSubscriptions(tx, c.team.id); }));
  EXPECT_EQ(team_subs.size(), 1u);

  contract.software_coordinator_id = c.admin.id;
  contract.status = core::ContractStatus::kRenewed;
  contract.ends_at = contract.ends_at + std::chrono::days(365);
  Must(Write([&](Tx& tx) { return repos_.contracts->UpdateContract(tx, contract); }));
  auto renewed =
      Must(Read([&](Tx& tx) { return repos_.contracts->GetContract(tx, c.contract.id); }));
  EXPECT_EQ(renewed.software_coordinator_id, c.admin.id);
  EXPECT_EQ(renewed.status, core::ContractStatus::kRenewed);

  core::Order order{"",         c.contract.id,     core::OrderKind::kRenewal,
                    c.admin.id, R"({"term": 12})", Now()};
  Must(Write([&](Tx& tx) { return repos_.contracts->CreateOrder(tx, order); }));
  auto orders = Must(Read([&](Tx& tx) { return repos_.contracts->ListOrders(tx, c.contract.id); }));
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, core::OrderKind::kRenewal);
  EXPECT_EQ(orders[0].details_json, R"({"term": 12})");
}

TEST_P(ContractRepositoryTest, ASubscriptionIsForExactlyOneThing) {
  auto c = NewCustomer();
  core::Subscription both;
  both.contract_id = c.contract.id;
  both.product_id = c.autocad.id;
  both.collection_id = c.collection.id;
  both.seats = 1;
  both.created_at = both.updated_at = Now();
  auto refused = Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, both); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);

  core::Subscription none = both;
  none.product_id.reset();
  none.collection_id.reset();
  refused = Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, none); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);

  core::Subscription service = none;
  service.service_id = c.service.id;
  Must(Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, service); }));
}

TEST_P(ContractRepositoryTest, RefusesNegativeSeatsAndDuplicateSerials) {
  auto c = NewCustomer();
  core::Subscription s;
  s.contract_id = c.contract.id;
  s.product_id = c.autocad.id;
  s.seats = -1;
  s.created_at = s.updated_at = Now();
  auto negative = Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); });
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalidArgument);

  NewSubscription(c, 1, core::Access::kSingleUser, core::ActivationMethod::kSerialNumber,
                  "999-00000001");
  s.seats = 1;
  s.activation = core::ActivationMethod::kSerialNumber;
  s.serial_number = "999-00000001";
  s.product_key = "001K1";
  auto dup = Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); });
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);

  // A serial-number subscription without a serial is refused.
  s.serial_number.reset();
  auto missing = Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ContractRepositoryTest, UnknownContractIsAForeignKeyConflict) {
  auto c = NewCustomer();
  core::Subscription s;
  s.contract_id = "ctr_missing";
  s.product_id = c.autocad.id;
  s.seats = 1;
  s.created_at = s.updated_at = Now();
  auto refused = Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
}

TEST_P(ContractRepositoryTest, CollectionGrantsEachOfItsProducts) {
  auto c = NewCustomer();
  core::Subscription s;
  s.contract_id = c.contract.id;
  s.collection_id = c.collection.id;
  s.seats = 3;
  s.created_at = s.updated_at = Now();
  s = Must(Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); }));
  auto granted = Must(Read([&](Tx& tx) { return repos_.contracts->GrantedProducts(tx, s.id); }));
  auto expected = std::vector<std::string>{c.autocad.id, c.revit.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(granted, expected);
}

TEST_P(ContractRepositoryTest, ListsContractsByFilterAndExpiry) {
  auto a = NewCustomer("a");
  auto b = NewCustomer("b");
  ContractFilter by_team;
  by_team.team_id = b.team.id;
  auto listed = Must(Read([&](Tx& tx) {
    return repos_.contracts->ListContracts(tx, by_team, {"", 10});
  }));
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].id, b.contract.id);

  auto all = Must(Read([&](Tx& tx) { return repos_.contracts->ListContracts(tx, {}, {"", 1}); }));
  ASSERT_EQ(all.items.size(), 1u);
  ASSERT_FALSE(all.next_after.empty());
  auto rest = Must(Read([&](Tx& tx) {
    return repos_.contracts->ListContracts(tx, {}, {all.next_after, 1});
  }));
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_TRUE(rest.next_after.empty());
  EXPECT_NE(rest.items[0].id, all.items[0].id);

  auto ending = Must(Read([&](Tx& tx) {
    return repos_.contracts->ListContractsEndingBetween(
        tx, {core::ContractStatus::kActive, core::ContractStatus::kExpiring},
        Now() + std::chrono::days(300), Now() + std::chrono::days(400));
  }));
  EXPECT_EQ(ending.size(), 2u);
  auto none = Must(Read([&](Tx& tx) {
    return repos_.contracts->ListContractsEndingBetween(tx, {core::ContractStatus::kExpired}, Now(),
                                                        Now() + std::chrono::days(400));
  }));
  EXPECT_TRUE(none.empty());
}

TEST_P(ContractRepositoryTest, ListsAccountsOfAResellerAndProductsWithACursor) {
  auto a = NewCustomer("a");
  auto b = NewCustomer("b");
  auto mine = Must(Read([&](Tx& tx) {
    return repos_.accounts->ListAccounts(tx, a.reseller.id, {"", 10});
  }));
  ASSERT_EQ(mine.items.size(), 1u);
  EXPECT_EQ(mine.items[0].id, a.account.id);

  std::vector<std::string> products;
  PageRequest page{"", 3};
  do {
    auto p = Must(Read([&](Tx& tx) { return repos_.catalog->ListProducts(tx, page); }));
    for (const auto& product : p.items) products.push_back(product.id);
    page.after = p.next_after;
  } while (!page.after.empty());
  EXPECT_EQ(products.size(), 4u);
  EXPECT_TRUE(std::is_sorted(products.begin(), products.end()));
  auto resellers = Must(Read([&](Tx& tx) { return repos_.accounts->ListResellers(tx, {"", 1}); }));
  EXPECT_EQ(resellers.items.size(), 1u);
  EXPECT_FALSE(resellers.next_after.empty());
}

SW_INSTANTIATE_BACKENDS(ContractRepositoryTest);

}  // namespace
}  // namespace seatwise::store
