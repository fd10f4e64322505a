#include "service/contracts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::days;

class ContractsTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
  }

  ContractService contracts(bool allow_negative = false) {
    return ContractService(*deps_, *identity_, "https://seatwise.example",
                           ContractOptions{allow_negative});
  }

  std::vector<std::string> ListedNumbers(const std::string& who, ContractQuery query = {}) {
    auto page = contracts().ListContracts(As(who), query);
    EXPECT_TRUE(page.ok()) << who << ": " << (page.ok() ? "" : page.error().message);
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& s : page->items) out.push_back(s.contract.number);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<core::AuditEntry> Denied(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    std::vector<core::AuditEntry> out;
    for (auto& e : AuditEntries(filter)) {
      if (e.outcome == core::AuditOutcome::kDenied) out.push_back(std::move(e));
    }
    return out;
  }

  template <typename Fn>
  void Write(Fn&& fn) {
    auto done = db_->Transact(store::TxMode::kWrite,
                              std::function<core::Result<void>(store::Tx&)>(std::forward<Fn>(fn)));
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  // A cloud service sold on `contract` with `seats` seats.
  core::Subscription NewServiceSubscription(const core::Contract& contract, int seats) {
    core::Subscription sub;
    Write([&](store::Tx& tx) -> core::Result<void> {
      const auto now = clock_.Now();
      core::Service service{
          "", "CLD-" + contract.number, "Cloud rendering", core::ServiceKind::kCloud, "", now, now};
      SW_ASSIGN_OR_RETURN(service, repos_.catalog->CreateService(tx, service));
      sub.contract_id = contract.id;
      sub.service_id = service.id;
      sub.seats = seats;
      sub.created_at = sub.updated_at = now;
      SW_ASSIGN_OR_RETURN(sub, repos_.contracts->CreateSubscription(tx, sub));
      return core::Ok();
    });
    return sub;
  }

  void AssignAt(const std::string& sub, const std::string& who, core::TimePoint at) {
    Write([&](store::Tx& tx) -> core::Result<void> {
      core::Assignment a;
      a.subscription_id = sub;
      a.user_id = Id(who);
      a.assigned_at = at;
      SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, a));
      return core::Ok();
    });
  }

  // A person who joined team T at `joined`.
  void AddPerson(const std::string& who, core::TimePoint joined) {
    Write([&](store::Tx& tx) -> core::Result<void> {
      core::User u;
      u.email = who + "@example.test";
      u.first_name = who;
      u.last_name = "Tester";
      u.status = core::UserStatus::kActive;
      u.created_at = u.updated_at = joined;
      SW_ASSIGN_OR_RETURN(users_[who], repos_.users->Create(tx, u));
      return repos_.users->AddMembership(
          tx, core::Membership{team_.id, users_[who].id, core::TeamRole::kUser,
                               core::MembershipStatus::kActive, std::nullopt, joined, joined,
                               std::nullopt, joined});
    });
  }

  void RemovePerson(const std::string& who, core::TimePoint at) {
    core::Membership m = MembershipOf(team_.id, who);
    m.status = core::MembershipStatus::kRemoved;
    m.removed_at = at;
    m.updated_at = at;
    Write([&](store::Tx& tx) { return repos_.users->UpdateMembership(tx, m); });
  }

  std::string FirstSubscriptionOf(const core::Contract& contract) {
    auto subs = Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); }));
    return subs.at(0).id;
  }

  core::CreditEntry Buy(const std::string& who, const core::Contract& contract,
                        std::int64_t amount) {
    return Must(contracts().AddCredits(As(who), contract.id, {amount, "", {}}));
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
};

TEST_P(ContractsTest, EachRoleListsTheContractsItMaySee) {
  EXPECT_EQ(ListedNumbers("cm"), (std::vector<std::string>{"1001", "1002"}));
  EXPECT_EQ(ListedNumbers("operator"), (std::vector<std::string>{"1001", "1002", "2001"}));
  EXPECT_EQ(ListedNumbers("reseller"), (std::vector<std::string>{"1001", "1002"}));
  EXPECT_EQ(ListedNumbers("other_reseller"), (std::vector<std::string>{"2001"}));
  EXPECT_EQ(ListedNumbers("outsider"), (std::vector<std::string>{"2001"}));

  ContractQuery by_team;
  by_team.team_id = team_b_.id;
  EXPECT_EQ(ListedNumbers("operator", by_team), (std::vector<std::string>{"2001"}));
  ContractQuery paged;
  paged.limit = 1;
  auto first = contracts().ListContracts(As("cm"), paged);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_FALSE(first->next_after.empty());
  paged.after = first->next_after;
  auto second = contracts().ListContracts(As("cm"), paged);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_NE(second->items[0].contract.id, first->items[0].contract.id);
  EXPECT_TRUE(second->next_after.empty());
  EXPECT_EQ(first->items[0].days_to_expiry, 365);
  EXPECT_EQ(first->items[0].team.name, "Design");
}

TEST_P(ContractsTest, SecondaryAdminsCoordinatorsAndUsersAreRefusedAndAudited) {
  for (const char* who : {"sa", "sc", "user", "pa"}) {
    auto details = contracts().GetContract(As(who), c2_.id);
    ASSERT_FALSE(details.ok()) << who;
    EXPECT_EQ(details.error().code, ErrorCode::kPermissionDenied) << who;
    EXPECT_FALSE(details.error().conceal_existence) << who;
    EXPECT_NE(details.error().message.find("cm@example.test"), std::string::npos)
        << details.error().message;
  }
  EXPECT_EQ(Denied("contract.view").size(), 4u);
  auto listed = contracts().ListContracts(As("sa"), {});
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Denied("contract.list").size(), 1u);

  auto stranger = contracts().GetContract(As("outsider"), c1_.id);
  ASSERT_FALSE(stranger.ok());
  EXPECT_TRUE(stranger.error().conceal_existence);
  auto other_reseller = contracts().GetRenewalReview(As("other_reseller"), c1_.id);
  ASSERT_FALSE(other_reseller.ok());
  EXPECT_TRUE(other_reseller.error().conceal_existence);
}

TEST_P(ContractsTest, APrimaryAdminWhoIsAlsoTheContractManagerMayOpenIt) {
  ASSERT_FALSE(contracts().GetContract(As("pa"), c1_.id).ok());
  auto c1 = ContractNamed(c1_.id);
  c1.contract_manager_id = Id("pa");
  Write([&](store::Tx& tx) { return repos_.contracts->UpdateContract(tx, c1); });
  EXPECT_TRUE(contracts().GetContract(As("pa"), c1_.id).ok());
  EXPECT_FALSE(contracts().GetContract(As("pa"), c2_.id).ok());
  EXPECT_EQ(ListedNumbers("pa"), (std::vector<std::string>{"1001"}));
  EXPECT_EQ(ListedNumbers("cm"), (std::vector<std::string>{"1002"}));
}

TEST_P(ContractsTest, DetailsShowCompanyPeopleProductsAndOrders) {
  AssignAt(FirstSubscriptionOf(c2_), "user", clock_.Now());
  Write([&](store::Tx& tx) -> core::Result<void> {
    core::Order order;
    order.contract_id = c2_.id;
    order.kind = core::OrderKind::kNew;
    order.placed_by = Id("reseller");
    order.created_at = clock_.Now();
    SW_RETURN_IF_ERROR(repos_.contracts->CreateOrder(tx, order));
    return core::Ok();
  });
  auto details = contracts().GetContract(As("reseller"), c2_.id);
  ASSERT_TRUE(details.ok()) << details.error().message;
  EXPECT_EQ(details->summary.contract.number, "1002");
  EXPECT_EQ(details->summary.contract.subscription_ref, "SUB-1002");
  EXPECT_EQ(details->summary.contract.company.name, "Acme");
  EXPECT_EQ(details->summary.team.id, team_.id);
  ASSERT_TRUE(details->contract_manager.has_value());
  EXPECT_EQ(details->contract_manager->email, "cm@example.test");
  ASSERT_TRUE(details->software_coordinator.has_value());
  EXPECT_EQ(details->software_coordinator->email, "sc@example.test");
  ASSERT_EQ(details->products.size(), 1u);
  const ProductLine& line = details->products[0];
  EXPECT_EQ(line.kind, "product");
  EXPECT_EQ(line.code, "P1002");
  EXPECT_EQ(line.name, "Product 1002");
  EXPECT_EQ(line.subscription.seats, 5);
  EXPECT_EQ(line.assigned, 1);
  EXPECT_EQ(line.subscription.serial_number, "400-1002");
  EXPECT_EQ(line.subscription.product_key, "001K1");
  EXPECT_EQ(line.expires_at, c2_.ends_at);
  ASSERT_EQ(details->orders.size(), 1u);
  EXPECT_EQ(details->orders[0].placed_by, Id("reseller"));
}

TEST_P(ContractsTest, ACompanyChangeRequestIsRecordedAndSentToTheReseller) {
  CompanyChange change;
  change.name = " Acme Design GmbH ";
  change.country = "de";
  change.note = "renamed in March";
  auto order = contracts().RequestCompanyChange(As("cm"), c1_.id, change);
  ASSERT_TRUE(order.ok()) << order.error().message;
  EXPECT_EQ(order->kind, core::OrderKind::kChange);
  EXPECT_EQ(order->placed_by, Id("cm"));
  EXPECT_NE(order->details_json.find(
                R"("type":"company_info","requested":{"name":"Acme Design GmbH","country":"DE"})"),
            std::string::npos)
      << order->details_json;
  EXPECT_NE(order->details_json.find(R"("current":{"name":"Acme")"), std::string::npos);
  EXPECT_NE(order->details_json.find(R"("note":"renamed in March")"), std::string::npos);
  // The contract itself is unchanged until the reseller applies it.
  EXPECT_EQ(ContractNamed(c1_.id).company.name, "Acme");

  std::vector<std::string> recipients;
  for (const auto& m : Outbox()) {
    if (m.template_name.starts_with("company_change_request")) recipients.push_back(m.recipient);
    if (m.template_name == "company_change_request") {  // straight to where it is decided
      EXPECT_NE(m.payload_json.find("https://seatwise.example/reseller/customers/" + account_a_.id +
                                    "/contracts/" + c1_.id + "?panel=company"),
                std::string::npos)
          << m.payload_json;
    }
  }
  std::sort(recipients.begin(), recipients.end());
  EXPECT_EQ(recipients, (std::vector<std::string>{"cm@example.test", "n@example.test"}));

  auto listed = contracts().ListCompanyChangeRequests(As("reseller"), c1_.id);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).order.id, order->id);
  EXPECT_EQ(listed->at(0).status, "open");
  store::AuditFilter filter;
  filter.action = "contract.company_change_request";
  EXPECT_EQ(AuditEntries(filter).size(), 1u);
}

TEST_P(ContractsTest, ADirectCustomersChangeRequestGoesToEveryOperator) {
  core::Contract direct;
  Write([&](store::Tx& tx) -> core::Result<void> {
    const auto now = clock_.Now();
    core::Account account;
    account.company.name = "Direct Ltd";
    account.company.country = "GB";
    account.created_at = account.updated_at = now;
    SW_ASSIGN_OR_RETURN(account, repos_.accounts->CreateAccount(tx, account));
    SW_ASSIGN_OR_RETURN(
        auto team, repos_.accounts->CreateTeam(tx, core::Team{"", account.id, "Direct", now, now}));
    direct.number = "3001";
    direct.subscription_ref = "SUB-3001";
    direct.account_id = account.id;
    direct.team_id = team.id;
    direct.contract_manager_id = Id("newbie");
    direct.starts_at = now;
    direct.ends_at = now + days(365);
    direct.company = account.company;
    direct.created_at = direct.updated_at = now;
    SW_ASSIGN_OR_RETURN(direct, repos_.contracts->CreateContract(tx, direct));
    return core::Ok();
  });
  CompanyChange change;
  change.city = "Leeds";
  auto order = contracts().RequestCompanyChange(As("newbie"), direct.id, change);
  ASSERT_TRUE(order.ok()) << order.error().message;
  std::vector<std::string> recipients;
  for (const auto& m : Outbox()) {
    if (m.template_name == "company_change_request") recipients.push_back(m.recipient);
  }
  EXPECT_EQ(recipients, std::vector<std::string>{"operator@example.test"});
}

TEST_P(ContractsTest, InvalidCompanyChangesAreRefusedWithFieldErrors) {
  CompanyChange nothing;
  auto refused = contracts().RequestCompanyChange(As("cm"), c1_.id, nothing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  CompanyChange bad;
  bad.country = "Germany";
  bad.name = "";
  refused = contracts().RequestCompanyChange(As("cm"), c1_.id, bad);
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refused.error().fields.size(), 2u);
  EXPECT_EQ(refused.error().fields[0].field, "name");
  EXPECT_EQ(refused.error().fields[1].field, "country");
  // A refused caller learns nothing about the fields.
  auto denied = contracts().RequestCompanyChange(As("sa"), c1_.id, bad);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Denied("contract.company_change_request").size(), 1u);
}

// "Company information follows the contract": applied, every current contract of the account
// shows the new details; expired ones and earlier orders keep what they were issued with.
TEST_P(ContractsTest, AnAppliedCompanyChangeFollowsEveryCurrentContractOfTheAccount) {
  Write([&](store::Tx& tx) -> core::Result<void> {
    core::Order order;  // an earlier order, issued with the old company
    order.contract_id = c1_.id;
    order.kind = core::OrderKind::kNew;
    order.details_json = R"({"company":{"name":"Acme"}})";
    order.created_at = clock_.Now();
    SW_RETURN_IF_ERROR(repos_.contracts->CreateOrder(tx, order));
    core::Contract ended = c2_;
    ended.status = core::ContractStatus::kExpired;
    return repos_.contracts->UpdateContract(tx, ended);
  });
  clock_.Advance(std::chrono::minutes(1));
  CompanyChange change;
  change.name = "Acme Design GmbH";
  change.city = "Berlin";
  auto order = contracts().RequestCompanyChange(As("cm"), c1_.id, change);
  ASSERT_TRUE(order.ok()) << order.error().message;
  clock_.Advance(std::chrono::hours(2));

  auto applied = contracts().DecideCompanyChange(As("reseller"), c1_.id, order->id, true, "");
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->status, "applied");
  ASSERT_TRUE(applied->decided_by.has_value());
  EXPECT_EQ(applied->decided_by->id, Id("reseller"));
  EXPECT_EQ(applied->decided_at, clock_.Now());

  EXPECT_EQ(ContractNamed(c1_.id).company.name, "Acme Design GmbH");
  EXPECT_EQ(ContractNamed(c1_.id).company.city, "Berlin");
  EXPECT_EQ(ContractNamed(c1_.id).company.country, "US");  // not asked for, kept
  EXPECT_EQ(ContractNamed(c2_.id).company.name, "Acme");   // expired: as issued
  EXPECT_EQ(ContractNamed(cb_.id).company.name, "Bolt");   // another customer
  auto account = Must(Read<core::Account>(
      [&](store::Tx& tx) { return repos_.accounts->GetAccount(tx, account_a_.id); }));
  EXPECT_EQ(account.company.name, "Acme Design GmbH");
  auto details = contracts().GetContract(As("cm"), c1_.id);
  ASSERT_TRUE(details.ok());
  EXPECT_EQ(details->summary.contract.company.name, "Acme Design GmbH");
  ASSERT_EQ(details->orders.size(), 2u);  // oldest first
  auto compact = [](std::string json) {
    std::erase(json, ' ');
    return json;
  };
  EXPECT_EQ(compact(details->orders[0].details_json), R"({"company":{"name":"Acme"}})");
  EXPECT_NE(compact(details->orders[1].details_json).find(R"("name":"Acme")"), std::string::npos);

  // The requester sees the status; a second decision is refused.
  auto listed = contracts().ListCompanyChangeRequests(As("cm"), c1_.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).status, "applied");
  EXPECT_EQ(listed->at(0).decided_by->email, "reseller@example.test");
  auto again = contracts().DecideCompanyChange(As("operator"), c1_.id, order->id, false, "late");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);

  int decided_mails = 0;
  for (const auto& m : Outbox()) {
    if (m.template_name == "company_change_decided") {
      ++decided_mails;
      EXPECT_EQ(m.recipient, "cm@example.test");
    }
  }
  EXPECT_EQ(decided_mails, 1);
  store::AuditFilter filter;
  filter.action = "contract.company_change_apply";
  auto entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].detail.find("1001"), std::string::npos);
  EXPECT_EQ(entries[0].detail.find("1002"), std::string::npos);
}

TEST_P(ContractsTest, ADeclinedCompanyChangeNeedsAReasonAndChangesNothing) {
  CompanyChange change;
  change.name = "Acme Renamed";
  auto order = contracts().RequestCompanyChange(As("cm"), c1_.id, change);
  ASSERT_TRUE(order.ok()) << order.error().message;
  auto no_reason = contracts().DecideCompanyChange(As("operator"), c1_.id, order->id, false, " ");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(no_reason.error().fields.size(), 1u);
  EXPECT_EQ(no_reason.error().fields[0].field, "reason");

  auto declined = contracts().DecideCompanyChange(As("operator"), c1_.id, order->id, false,
                                                  "  The registry shows the old name.  ");
  ASSERT_TRUE(declined.ok()) << declined.error().message;
  EXPECT_EQ(declined->status, "declined");
  EXPECT_EQ(declined->reason, "The registry shows the old name.");
  EXPECT_EQ(ContractNamed(c1_.id).company.name, "Acme");
  auto listed = contracts().ListCompanyChangeRequests(As("cm"), c1_.id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->at(0).status, "declined");
  EXPECT_EQ(listed->at(0).reason, "The registry shows the old name.");
  bool mailed = false;
  for (const auto& m : Outbox()) {
    mailed =
        mailed || (m.template_name == "company_change_decided" && m.recipient == "cm@example.test");
  }
  EXPECT_TRUE(mailed);
  store::AuditFilter filter;
  filter.action = "contract.company_change_decline";
  EXPECT_EQ(AuditEntries(filter).size(), 1u);
}

TEST_P(ContractsTest, OnlyOperatorsAndTheCustomersResellerDecideCompanyChanges) {
  CompanyChange change;
  change.name = "Acme Renamed";
  auto order = contracts().RequestCompanyChange(As("cm"), c1_.id, change);
  ASSERT_TRUE(order.ok()) << order.error().message;
  for (const char* who : {"cm", "pa", "sa", "user"}) {
    auto refused = contracts().DecideCompanyChange(As(who), c1_.id, order->id, true, "");
    ASSERT_FALSE(refused.ok()) << who;
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << who;
  }
  auto other = contracts().DecideCompanyChange(As("other_reseller"), c1_.id, order->id, true, "");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(Denied("contract.company_change_apply").size(), 5u);
  // A request of another contract is not found on this one.
  auto wrong = contracts().DecideCompanyChange(As("operator"), c2_.id, order->id, true, "");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ContractNamed(c1_.id).company.name, "Acme");
}

TEST_P(ContractsTest, RenewalReviewShowsUnusedSeatsStartersAndLeavers) {
  const auto start = clock_.Now();
  const auto now = start + days(200);
  const std::string sub = FirstSubscriptionOf(c1_);
  clock_.Set(now - days(140));
  for (const char* who : {"idle", "busy", "signer", "fresh", "gone", "gone_old"}) {
    AddPerson(who, clock_.Now());
  }
  clock_.Set(now - days(100));
  RemovePerson("gone_old", clock_.Now());
  clock_.Set(now - days(40));
  for (const char* who : {"idle", "busy", "signer"}) AssignAt(sub, who, clock_.Now());
  clock_.Set(now - days(20));
  RemovePerson("gone", clock_.Now());
  clock_.Set(now - days(10));
  AddPerson("newcomer", clock_.Now());
  AssignAt(sub, "fresh", clock_.Now());
  clock_.Set(now - days(5));
  const auto product = Must(Read<std::vector<std::string>>([&](store::Tx& tx) {
                         return repos_.contracts->GrantedProducts(tx, sub);
                       })).at(0);
  Write([&](store::Tx& tx) -> core::Result<void> {
    core::Device d;
    d.team_id = team_.id;
    d.fingerprint_hash = "fp-busy";
    d.asset_name = "PC-1";
    d.registered_at = d.updated_at = clock_.Now();
    SW_ASSIGN_OR_RETURN(d, repos_.devices->Register(tx, d));
    core::UsageEvent e;
    e.client_event_id = "e1";
    e.device_id = d.id;
    e.user_id = Id("busy");
    e.product_id = product;
    e.subscription_id = sub;
    e.kind = core::UsageKind::kStart;
    e.at = e.received_at = clock_.Now();
    SW_RETURN_IF_ERROR(repos_.usage->RecordEvents(tx, {e}));
    core::Activation a;
    a.subscription_id = sub;
    a.product_id = product;
    a.device_id = d.id;
    a.user_id = Id("signer");
    a.issued_at = clock_.Now();
    a.expires_at = clock_.Now() + days(1);
    a.offline_grace_until = clock_.Now() + days(30);
    SW_RETURN_IF_ERROR(repos_.activations->ActivateSignIn(tx, a));
    return core::Ok();
  });
  clock_.Set(now);

  auto review = contracts().GetRenewalReview(As("cm"), c1_.id);
  ASSERT_TRUE(review.ok()) << review.error().message;
  EXPECT_EQ(review->now, now);
  ASSERT_EQ(review->subscriptions.size(), 1u);
  const SubscriptionReview& s = review->subscriptions[0];
  EXPECT_EQ(s.seats, 5);
  EXPECT_EQ(s.assigned, 4);
  EXPECT_EQ(s.unassigned, 1);
  ASSERT_EQ(s.unused.size(), 1u);
  EXPECT_EQ(s.unused[0].person.email, "idle@example.test");
  EXPECT_EQ(s.unused[0].assigned_at, now - days(40));
  ASSERT_EQ(review->added.size(), 1u);
  EXPECT_EQ(review->added[0].person.email, "newcomer@example.test");
  EXPECT_EQ(review->added[0].at, now - days(10));
  ASSERT_EQ(review->removed.size(), 1u);
  EXPECT_EQ(review->removed[0].person.email, "gone@example.test");
  EXPECT_EQ(review->removed[0].at, now - days(20));

  // Three weeks later the assignment of "fresh" is old enough and still unused.
  clock_.Set(now + days(21));
  review = contracts().GetRenewalReview(As("operator"), c1_.id);
  ASSERT_TRUE(review.ok());
  std::vector<std::string> unused;
  for (const auto& h : review->subscriptions[0].unused) unused.push_back(h.person.email);
  std::sort(unused.begin(), unused.end());
  EXPECT_EQ(unused, (std::vector<std::string>{"fresh@example.test", "idle@example.test"}));
}

TEST_P(ContractsTest, PurchasesAddToTheBalanceAndTheLedger) {
  EXPECT_EQ(Buy("cm", c1_, 500).balance_after, 500);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Buy("reseller", c1_, 100).balance_after, 600);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Buy("operator", c1_, 1).balance_after, 601);
  auto ledger = contracts().ListCredits(As("cm"), c1_.id, {"", 2});
  ASSERT_TRUE(ledger.ok()) << ledger.error().message;
  EXPECT_EQ(ledger->balance, 601);
  ASSERT_EQ(ledger->entries.items.size(), 2u);
  EXPECT_EQ(ledger->entries.items[0].amount, 500);
  EXPECT_EQ(ledger->entries.items[0].actor_id, Id("cm"));
  EXPECT_FALSE(ledger->entries.next_after.empty());
  EXPECT_EQ(ContractNamed(c1_.id).credit_balance, 601);
  store::AuditFilter filter;
  filter.action = "credit.purchase";
  EXPECT_EQ(AuditEntries(filter).size(), 3u);

  for (std::int64_t amount : {std::int64_t{0}, std::int64_t{-5}, kMaxCreditAmount + 1}) {
    auto refused = contracts().AddCredits(As("cm"), c1_.id, {amount, "", {}});
    ASSERT_FALSE(refused.ok()) << amount;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  }
  auto sa = contracts().AddCredits(As("sa"), c1_.id, {10, "", {}});
  ASSERT_FALSE(sa.ok());
  EXPECT_EQ(sa.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Denied("credit.purchase").size(), 1u);
}

TEST_P(ContractsTest, OnlyOperatorsRecordAdjustmentsAndRefunds) {
  Buy("cm", c1_, 50);
  for (const char* who : {"cm", "reseller"}) {
    auto refused =
        contracts().AddCredits(As(who), c1_.id, {-10, "", core::CreditReason::kAdjustment});
    ASSERT_FALSE(refused.ok()) << who;
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
    refused = contracts().AddCredits(As(who), c1_.id, {10, "", core::CreditReason::kRefund});
    ASSERT_FALSE(refused.ok()) << who;
  }
  auto adjusted = contracts().AddCredits(As("operator"), c1_.id,
                                         {-20, "duplicate order", core::CreditReason::kAdjustment});
  ASSERT_TRUE(adjusted.ok()) << adjusted.error().message;
  EXPECT_EQ(adjusted->balance_after, 30);
  auto refunded =
      contracts().AddCredits(As("operator"), c1_.id, {5, "", core::CreditReason::kRefund});
  ASSERT_TRUE(refunded.ok()) << refunded.error().message;
  EXPECT_EQ(refunded->balance_after, 35);
  auto too_far =
      contracts().AddCredits(As("operator"), c1_.id, {-36, "", core::CreditReason::kAdjustment});
  ASSERT_FALSE(too_far.ok());
  EXPECT_EQ(too_far.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Denied("credit.adjustment").size(), 2u);
}

TEST_P(ContractsTest, ConsumptionNeverTakesTheBalanceBelowZeroUnlessAllowed) {
  auto sub = NewServiceSubscription(c1_, 2);
  AssignAt(sub.id, "user", clock_.Now());
  Buy("cm", c1_, 10);
  auto used = contracts().ConsumeAsUser(As("user"), c1_.id, {*sub.service_id, 4, "job-1"});
  ASSERT_TRUE(used.ok()) << used.error().message;
  EXPECT_EQ(used->amount, -4);
  EXPECT_EQ(used->balance_after, 6);
  EXPECT_EQ(used->user_id, Id("user"));

  // The same event twice consumes once.
  auto replay = contracts().ConsumeAsUser(As("user"), c1_.id, {*sub.service_id, 4, "job-1"});
  ASSERT_TRUE(replay.ok()) << replay.error().message;
  EXPECT_EQ(replay->id, used->id);
  EXPECT_EQ(ContractNamed(c1_.id).credit_balance, 6);

  auto refused = contracts().ConsumeAsUser(As("user"), c1_.id, {*sub.service_id, 7, "job-2"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message,
            "the contract has 6 credits; this needs 7 — ask your Contract Manager to buy more");
  EXPECT_EQ(ContractNamed(c1_.id).credit_balance, 6);

  auto allowed = contracts(true).ConsumeAsUser(As("user"), c1_.id, {*sub.service_id, 7, "job-2"});
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_EQ(allowed->balance_after, -1);
  store::AuditFilter filter;
  filter.action = "credit.consume";
  EXPECT_EQ(AuditEntries(filter).size(), 2u);
}

TEST_P(ContractsTest, OnlyASeatHolderOfTheServiceConsumes) {
  auto sub = NewServiceSubscription(c1_, 2);
  Buy("cm", c1_, 10);
  auto no_seat = contracts().ConsumeAsUser(As("user"), c1_.id, {*sub.service_id, 1, {}});
  ASSERT_FALSE(no_seat.ok());
  EXPECT_EQ(no_seat.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(no_seat.error().conceal_existence);
  EXPECT_EQ(Denied("credit.consume").size(), 1u);
  auto stranger = contracts().ConsumeAsUser(As("outsider"), c1_.id, {*sub.service_id, 1, {}});
  ASSERT_FALSE(stranger.ok());
  EXPECT_TRUE(stranger.error().conceal_existence);
  AssignAt(sub.id, "user", clock_.Now());
  auto wrong_service = contracts().ConsumeAsUser(As("user"), c2_.id, {*sub.service_id, 1, {}});
  ASSERT_FALSE(wrong_service.ok());
  EXPECT_EQ(wrong_service.error().code, ErrorCode::kFailedPrecondition);
  auto ok = contracts().ConsumeAsUser(As("user"), c1_.id, {*sub.service_id, 1, {}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->balance_after, 9);
}

TEST_P(ContractsTest, ConcurrentConsumptionsNeverOverdraw) {
  auto sub = NewServiceSubscription(c1_, 2);
  Buy("cm", c1_, 10);
  ContractService service = contracts();
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&, i] {
      auto entry = db_->Transact<core::CreditEntry>(
          store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::CreditEntry> {
            return service.ConsumeCredits(tx, c1_.id, Id("user"), *sub.service_id, 1,
                                          "event-" + std::to_string(i));
          });
      if (entry.ok()) {
        ++succeeded;
      } else if (entry.error().code == ErrorCode::kFailedPrecondition) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 10);
  EXPECT_EQ(refused.load(), 22);
  EXPECT_EQ(ContractNamed(c1_.id).credit_balance, 0);
  auto ledger = contracts().ListCredits(As("operator"), c1_.id, {"", 100});
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ(ledger->entries.items.size(), 11u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ContractsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
