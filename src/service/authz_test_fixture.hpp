#pragma once
// A small instance for the authorization, role-change and audit tests, on the parameter's
// backend. Two customers of two resellers:
//
//   reseller "North" → account A ─ team T:  pa (PA), sa (SA), cm, sc, user (users)
//                                │          contract C1 (sign-in, CM cm)
//                                │          contract C2 (serial, CM cm, SC sc)
//                                └ team T2: other (PA of T2)
//   reseller "South" → account B ─ team TB: outsider (PA), contract CB (CM outsider)
//
// plus an operator, a reseller staff member of each reseller, and nobody (anonymous).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "service/context.hpp"
#include "store/migrator.hpp"
#include "store/repositories.hpp"

namespace seatwise::service {

class AuthzTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    db_ = testing::NewTestDatabase(GetParam(), 16);
    auto migrated = store::Migrate(*db_, clock_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    auto built = db_->Transact(store::TxMode::kWrite,
                               [&](store::Tx& tx) -> core::Result<void> { return Build(tx); });
    ASSERT_TRUE(built.ok()) << built.error().message;
  }

  Deps deps() { return Deps{*db_, repos_, clock_, random_}; }

  // A signed-in caller for one of the people above ("anonymous" for nobody).
  Caller As(const std::string& who) const {
    Caller caller;
    caller.meta = {"192.0.2.7", "req-" + who, "test"};
    if (who == "anonymous") return caller;
    caller.principal.method = AuthMethod::kSession;
    caller.principal.user_id = users_.at(who).id;
    caller.principal.is_operator = users_.at(who).is_operator;
    caller.principal.reseller_id = users_.at(who).reseller_id;
    return caller;
  }
  const std::string& Id(const std::string& who) const { return users_.at(who).id; }

  template <typename T>
  T Must(core::Result<T> result) {
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return std::move(result).value();
  }

  template <typename T>
  core::Result<T> Read(const std::function<core::Result<T>(store::Tx&)>& fn) {
    return db_->Transact<T>(store::TxMode::kRead, fn);
  }

  core::Membership MembershipOf(const std::string& team_id, const std::string& who) {
    auto m = Must(Read<std::optional<core::Membership>>(
        [&](store::Tx& tx) { return repos_.users->GetMembership(tx, team_id, Id(who)); }));
    EXPECT_TRUE(m.has_value());
    return m.value_or(core::Membership{});
  }

  core::Contract ContractNamed(const std::string& id) {
    return Must(
        Read<core::Contract>([&](store::Tx& tx) { return repos_.contracts->GetContract(tx, id); }));
  }

  std::vector<core::AuditEntry> AuditEntries(const store::AuditFilter& filter = {}) {
    return Must(Read<store::Page<core::AuditEntry>>([&](store::Tx& tx) {
             return repos_.audit->List(tx, filter, {"", store::kMaxPageSize});
           }))
        .items;
  }

  std::vector<core::OutboxMessage> Outbox() {
    return Must(Read<store::Page<core::OutboxMessage>>([&](store::Tx& tx) {
             return repos_.outbox->List(tx, std::nullopt, {"", store::kMaxPageSize});
           }))
        .items;
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  std::unique_ptr<store::Database> db_;
  store::Repositories repos_ = store::MakeRepositories(random_);

  std::map<std::string, core::User> users_;
  core::Reseller north_, south_;
  core::Account account_a_, account_b_;
  core::Team team_, team2_, team_b_;
  core::Contract c1_, c2_, cb_;

 private:
  core::Result<void> AddUser(store::Tx& tx, const std::string& who, bool op = false,
                             std::optional<std::string> reseller = std::nullopt) {
    core::User u;
    u.email = who + "@example.test";
    u.first_name = who;
    u.last_name = "Tester";
    u.status = core::UserStatus::kActive;
    u.is_operator = op;
    u.reseller_id = std::move(reseller);
    u.created_at = u.updated_at = clock_.Now();
    SW_ASSIGN_OR_RETURN(users_[who], repos_.users->Create(tx, u));
    return core::Ok();
  }

  core::Result<void> Join(store::Tx& tx, const core::Team& team, const std::string& who,
                          core::TeamRole role) {
    const auto now = clock_.Now();
    return repos_.users->AddMembership(
        tx, core::Membership{team.id, Id(who), role, core::MembershipStatus::kActive, std::nullopt,
                             now, now, std::nullopt, now});
  }

  core::Result<core::Contract> NewContract(store::Tx& tx, const std::string& number,
                                           const core::Team& team, const core::Account& account,
                                           const std::string& cm, bool serial) {
    const auto now = clock_.Now();
    core::Contract c;
    c.number = number;
    c.subscription_ref = "SUB-" + number;
    c.account_id = account.id;
    c.team_id = team.id;
    c.reseller_id = account.reseller_id;
    c.contract_manager_id = Id(cm);
    c.starts_at = now;
    c.ends_at = now + std::chrono::days(365);
    c.company = account.company;
    c.created_at = c.updated_at = now;
    SW_ASSIGN_OR_RETURN(c, repos_.contracts->CreateContract(tx, c));
    core::Product product{"", "P" + number, "Product " + number, "2026", "", false, now, now};
    SW_ASSIGN_OR_RETURN(product, repos_.catalog->CreateProduct(tx, product));
    core::Subscription s;
    s.contract_id = c.id;
    s.product_id = product.id;
    s.seats = 5;
    if (serial) {
      s.activation = core::ActivationMethod::kSerialNumber;
      s.serial_number = "400-" + number;
      s.product_key = "001K1";
    }
    s.created_at = s.updated_at = now;
    SW_RETURN_IF_ERROR(repos_.contracts->CreateSubscription(tx, s));
    return c;
  }

  core::Result<void> Build(store::Tx& tx) {
    const auto now = clock_.Now();
    SW_ASSIGN_OR_RETURN(north_, repos_.accounts->CreateReseller(
                                    tx, core::Reseller{"", "North", "n@example.test", now, now}));
    SW_ASSIGN_OR_RETURN(south_, repos_.accounts->CreateReseller(
                                    tx, core::Reseller{"", "South", "s@example.test", now, now}));
    core::Account a;
    a.reseller_id = north_.id;
    a.company.name = "Acme";
    a.company.country = "US";
    a.created_at = a.updated_at = now;
    SW_ASSIGN_OR_RETURN(account_a_, repos_.accounts->CreateAccount(tx, a));
    a.reseller_id = south_.id;
    a.company.name = "Bolt";
    SW_ASSIGN_OR_RETURN(account_b_, repos_.accounts->CreateAccount(tx, a));
    SW_ASSIGN_OR_RETURN(
        team_, repos_.accounts->CreateTeam(tx, core::Team{"", account_a_.id, "Design", now, now}));
    SW_ASSIGN_OR_RETURN(
        team2_, repos_.accounts->CreateTeam(tx, core::Team{"", account_a_.id, "Plant", now, now}));
    SW_ASSIGN_OR_RETURN(team_b_, repos_.accounts->CreateTeam(
                                     tx, core::Team{"", account_b_.id, "Bolt HQ", now, now}));

    SW_RETURN_IF_ERROR(AddUser(tx, "operator", true));
    SW_RETURN_IF_ERROR(AddUser(tx, "reseller", false, north_.id));
    SW_RETURN_IF_ERROR(AddUser(tx, "other_reseller", false, south_.id));
    for (const char* who : {"cm", "pa", "sa", "sc", "user", "other", "outsider", "newbie"}) {
      SW_RETURN_IF_ERROR(AddUser(tx, who));
    }
    SW_RETURN_IF_ERROR(Join(tx, team_, "pa", core::TeamRole::kPrimaryAdmin));
    SW_RETURN_IF_ERROR(Join(tx, team_, "sa", core::TeamRole::kSecondaryAdmin));
    SW_RETURN_IF_ERROR(Join(tx, team_, "cm", core::TeamRole::kUser));
    SW_RETURN_IF_ERROR(Join(tx, team_, "sc", core::TeamRole::kUser));
    SW_RETURN_IF_ERROR(Join(tx, team_, "user", core::TeamRole::kUser));
    SW_RETURN_IF_ERROR(Join(tx, team2_, "other", core::TeamRole::kPrimaryAdmin));
    SW_RETURN_IF_ERROR(Join(tx, team_b_, "outsider", core::TeamRole::kPrimaryAdmin));
    // Invited to T, not yet accepted.
    SW_RETURN_IF_ERROR(repos_.users->AddMembership(
        tx, core::Membership{team_.id, Id("newbie"), core::TeamRole::kUser,
                             core::MembershipStatus::kInvited, Id("pa"), now, std::nullopt,
                             std::nullopt, now}));

    SW_ASSIGN_OR_RETURN(c1_, NewContract(tx, "1001", team_, account_a_, "cm", false));
    SW_ASSIGN_OR_RETURN(c2_, NewContract(tx, "1002", team_, account_a_, "cm", true));
    c2_.software_coordinator_id = Id("sc");
    SW_RETURN_IF_ERROR(repos_.contracts->UpdateContract(tx, c2_));
    SW_ASSIGN_OR_RETURN(cb_, NewContract(tx, "2001", team_b_, account_b_, "outsider", true));
    return core::Ok();
  }
};

}  // namespace seatwise::service
