#pragma once
// Shared set-up of the repository tests: a fresh migrated database of the parameter's
// backend, deterministic clock and randomness, and a small customer to hang objects on.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "store/migrator.hpp"
#include "store/repositories.hpp"

namespace seatwise::store {

template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<core::Result<T>> {
  using type = T;
};

// The value of an ok Result; a failed one ends the test with its message.
template <typename T>
T Must(core::Result<T> result) {
  if (!result.ok()) {
    throw std::runtime_error(std::string(core::ErrorCodeName(result.error().code)) + ": " +
                             result.error().message);
  }
  return std::move(result).value();
}
inline void Must(core::Result<void> result) {
  if (!result.ok()) {
    throw std::runtime_error(std::string(core::ErrorCodeName(result.error().code)) + ": " +
                             result.error().message);
  }
}

// A small customer: reseller → account → team with a Primary Admin, a catalog with two
// products and a collection of both, and one active contract.
struct Customer {
  core::Reseller reseller;
  core::Account account;
  core::Team team;
  core::User admin;
  core::Product autocad;
  core::Product revit;
  core::Collection collection;
  core::Service service;
  core::Contract contract;
};

class RepositoryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::NewTestDatabase(GetParam(), 16);
    auto migrated = Migrate(*db_, clock_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  core::TimePoint Now() const { return clock_.Now(); }

  // Runs `fn` in one kWrite (or kRead) transaction and returns its Result unchanged.
  template <typename Fn>
  auto Run(TxMode mode, Fn&& fn) {
    using R = std::invoke_result_t<Fn&, Tx&>;
    using T = typename ResultValue<R>::type;
    if constexpr (std::is_void_v<T>) {
      return db_->Transact(mode, std::function<core::Result<void>(Tx&)>(std::forward<Fn>(fn)));
    } else {
      return db_->Transact<T>(mode, std::forward<Fn>(fn));
    }
  }
  template <typename Fn>
  auto Write(Fn&& fn) {
    return Run(TxMode::kWrite, std::forward<Fn>(fn));
  }
  template <typename Fn>
  auto Read(Fn&& fn) {
    return Run(TxMode::kRead, std::forward<Fn>(fn));
  }

  core::User NewUser(const std::string& email, const std::string& first = "Ann") {
    core::User u;
    u.email = email;
    u.first_name = first;
    u.last_name = "Example";
    u.status = core::UserStatus::kActive;
    u.created_at = u.updated_at = Now();
    return Must(Write([&](Tx& tx) { return repos_.users->Create(tx, u); }));
  }

  void AddMember(const core::Team& team, const core::User& user, core::TeamRole role) {
    core::Membership m;
    m.team_id = team.id;
    m.user_id = user.id;
    m.role = role;
    m.status = core::MembershipStatus::kActive;
    m.created_at = m.updated_at = Now();
    Must(Write([&](Tx& tx) { return repos_.users->AddMembership(tx, m); }));
  }

  Customer NewCustomer(const std::string& tag = "a") {
    Customer c;
    Must(Write([&](Tx& tx) -> core::Result<void> {
      const auto now = Now();
      c.reseller.name = "Reseller " + tag;
      c.reseller.created_at = c.reseller.updated_at = now;
      SW_ASSIGN_OR_RETURN(c.reseller, repos_.accounts->CreateReseller(tx, c.reseller));
      c.account.reseller_id = c.reseller.id;
      c.account.company = {"Acme " + tag, "1 Main St", "", "Springfield", "12345", "", "US"};
      c.account.created_at = c.account.updated_at = now;
      SW_ASSIGN_OR_RETURN(c.account, repos_.accounts->CreateAccount(tx, c.account));
      c.team.account_id = c.account.id;
      c.team.name = "Design";
      c.team.created_at = c.team.updated_at = now;
      SW_ASSIGN_OR_RETURN(c.team, repos_.accounts->CreateTeam(tx, c.team));
      c.admin.email = "admin-" + tag + "@acme.example";
      c.admin.status = core::UserStatus::kActive;
      c.admin.created_at = c.admin.updated_at = now;
      SW_ASSIGN_OR_RETURN(c.admin, repos_.users->Create(tx, c.admin));
      core::Membership pa{c.team.id,
                          c.admin.id,
                          core::TeamRole::kPrimaryAdmin,
                          core::MembershipStatus::kActive,
                          std::nullopt,
                          now,
                          now,
                          std::nullopt,
                          now};
      SW_RETURN_IF_ERROR(repos_.users->AddMembership(tx, pa));
      c.autocad = core::Product{"", "ACD-" + tag, "AutoCAD", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(c.autocad, repos_.catalog->CreateProduct(tx, c.autocad));
      c.revit = core::Product{"", "RVT-" + tag, "Revit", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(c.revit, repos_.catalog->CreateProduct(tx, c.revit));
      c.collection = core::Collection{
          "", "AEC-" + tag, "AEC Collection", {c.autocad.id, c.revit.id}, now, now};
      SW_ASSIGN_OR_RETURN(c.collection, repos_.catalog->CreateCollection(tx, c.collection));
      c.service = core::Service{"",  "SUP-" + tag, "Phone support", core::ServiceKind::kSupport, "",
                                now, now};
      SW_ASSIGN_OR_RETURN(c.service, repos_.catalog->CreateService(tx, c.service));
      c.contract.number = "110000" + tag;
      c.contract.subscription_ref = "SUB-" + tag;
      c.contract.account_id = c.account.id;
      c.contract.team_id = c.team.id;
      c.contract.reseller_id = c.reseller.id;
      c.contract.contract_manager_id = c.admin.id;
      c.contract.starts_at = now;
      c.contract.ends_at = now + std::chrono::days(365);
      c.contract.company = c.account.company;
      c.contract.created_at = c.contract.updated_at = now;
      SW_ASSIGN_OR_RETURN(c.contract, repos_.contracts->CreateContract(tx, c.contract));
      return core::Ok();
    }));
    return c;
  }

  // A subscription of the customer's contract for its AutoCAD product.
  core::Subscription NewSubscription(
      const Customer& c, int seats, core::Access access = core::Access::kSingleUser,
      core::ActivationMethod activation = core::ActivationMethod::kSignIn,
      const std::string& serial = "") {
    core::Subscription s;
    s.contract_id = c.contract.id;
    s.product_id = c.autocad.id;
    s.seats = seats;
    s.access = access;
    s.activation = activation;
    if (!serial.empty()) {
      s.serial_number = serial;
      s.product_key = "001K1";
    }
    s.created_at = s.updated_at = Now();
    return Must(Write([&](Tx& tx) { return repos_.contracts->CreateSubscription(tx, s); }));
  }

  core::Device NewDevice(const core::Team& team, const std::string& fingerprint) {
    core::Device d;
    d.team_id = team.id;
    d.fingerprint_hash = fingerprint;
    d.asset_name = "PC-" + fingerprint;
    d.registered_at = d.updated_at = Now();
    return Must(Write([&](Tx& tx) { return repos_.devices->Register(tx, d); }));
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  Repositories repos_ = MakeRepositories(random_);
  std::unique_ptr<Database> db_;
};

#define SW_INSTANTIATE_BACKENDS(Suite)                                              \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                         \
                           ::testing::Values(Backend::kSqlite, Backend::kPostgres), \
                           ::seatwise::testing::BackendParamName)

}  // namespace seatwise::store
