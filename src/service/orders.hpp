#pragma once
// Customer accounts and the orders resellers place for them: creating an account with its
// first team and Contract Manager, placing an order (a contract with its subscriptions),
// renewing a contract, and switching a contract's single-user serial-number subscriptions
// to sign-in.
//
// Who may: operators on everything, a reseller on its own customers (kCreateOrders). A
// reseller reaching for another reseller's customer is answered "not found".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/company.hpp"
#include "service/context.hpp"
#include "service/users.hpp"
#include "store/page.hpp"

namespace seatwise::service {

class IdentityService;

// Bounds of an order.
inline constexpr int kMinTermMonths = 1;
inline constexpr int kMaxTermMonths = 60;
inline constexpr int kMaxDevicesLimit = 10;
inline constexpr int kMinLeaseTtlSeconds = 60;
inline constexpr int kMaxBorrowDaysLimit = 180;

struct AccountRequest {
  core::CompanyInfo company;
  std::string team_name;  // empty: the company name
  InviteRequest contract_manager;
  std::optional<std::string> reseller_id;  // operators only; none: a direct customer
};

struct CreatedAccount {
  core::Account account;
  core::Team team;
  core::User contract_manager;  // without secrets
  core::Membership membership;  // the Contract Manager as the team's Primary Admin
};

struct AccountDetails {
  core::Account account;
  std::vector<core::Team> teams;
  std::vector<core::Contract> contracts;
};

// One seat pool of an order; exactly one of the three codes is set.
struct SubscriptionOrder {
  std::optional<std::string> product_code;
  std::optional<std::string> collection_code;
  std::optional<std::string> service_code;
  int seats = 1;
  core::Access access = core::Access::kSingleUser;
  core::ActivationMethod activation = core::ActivationMethod::kSignIn;
  core::LicenseModel model = core::LicenseModel::kTerm;
  std::optional<int> max_devices;
  std::optional<int> lease_ttl_seconds;
  std::optional<int> max_borrow_days;
  std::optional<core::TimePoint> ends_at;
};

struct OrderRequest {
  std::optional<std::string> team_id;  // default: the account's first team
  std::optional<std::string> number;   // default: generated
  std::optional<std::string> subscription_ref;
  int term_months = 12;
  std::optional<core::TimePoint> starts_at;           // default: now
  std::optional<std::string> contract_manager_email;  // default: the team's Primary Admin
  std::optional<std::int64_t> credits;                // initial cloud credits
  std::vector<SubscriptionOrder> subscriptions;
};

// A subscription with what it sells, as the order and migration answers show it.
struct OrderedSubscription {
  core::Subscription subscription;
  std::string kind;  // "product", "collection" or "service"
  std::string code;
  std::string name;
};

struct PlacedOrder {
  core::Contract contract;
  std::vector<OrderedSubscription> subscriptions;
  core::Order order;
};

struct SeatChange {
  std::string subscription_id;
  int seats = 0;
};

struct RenewRequest {
  std::optional<int> term_months;  // default: the contract's term
  std::vector<SeatChange> seats;
};

struct Renewal {
  core::Contract contract;
  core::Order order;
};

struct MigrationRequest {
  bool dry_run = false;
  std::vector<std::string> subscription_ids;  // empty: every subscription of the contract
};

struct MigratedSubscription {
  std::string subscription_id;
  std::string product;
  std::string serial_number;
  int seats = 0;
  int assignments_ended = 0;
  int activations_revoked = 0;
  std::optional<std::string> seats_held_by;  // the Primary Admin's user id
};

struct SkippedSubscription {
  std::string subscription_id;
  std::string product;
  std::string reason;
};

struct Migration {
  std::string contract_id;
  bool dry_run = false;
  std::vector<MigratedSubscription> migrated;
  std::vector<SkippedSubscription> skipped;
};

class OrderService {
 public:
  OrderService(const Deps& deps, IdentityService& identity, std::string public_url)
      : deps_(deps), identity_(identity), public_url_(std::move(public_url)) {}

  // Creates the account, its first team and the Contract Manager's identity (an existing
  // user with that e-mail is reused), who becomes the team's pending Primary Admin with an
  // invitation e-mail. kInvalidArgument with field errors for bad input.
  core::Result<CreatedAccount> CreateAccount(const Caller& caller, const AccountRequest& request);

  // Every account (operators) or the caller's reseller's customers, by id.
  core::Result<store::Page<core::Account>> ListAccounts(const Caller& caller,
                                                        const store::PageRequest& page);
  core::Result<AccountDetails> GetAccount(const Caller& caller, const std::string& account_id);
  // Changes company information (audited with before and after).
  core::Result<core::Account> UpdateAccount(const Caller& caller, const std::string& account_id,
                                            const CompanyPatch& patch);

  // Creates a contract with its subscriptions in one transaction, assigns one seat of every
  // single-user sign-in subscription to the team's Primary Admin, and e-mails the Contract
  // Manager the "order processed" and "get started" messages.
  core::Result<PlacedOrder> PlaceOrder(const Caller& caller, const std::string& account_id,
                                       const OrderRequest& request);

  // Extends the contract and its subscriptions by a term (from the old end, or from now when
  // it already ended), resets the Software Coordinator to the Contract Manager and applies
  // seat changes (never below the assigned seats). kConflict for a cancelled contract.
  core::Result<Renewal> Renew(const Caller& caller, const std::string& contract_id,
                              const RenewRequest& request);

  // Switches the contract's single-user serial-number term subscriptions to sign-in: old
  // assignments ended, one seat with the Primary Admin, serial activations revoked
  // (kMigrated). Network and perpetual subscriptions are never migrated. A dry run answers
  // the same and writes nothing.
  core::Result<Migration> MigrateToSignIn(const Caller& caller, const std::string& contract_id,
                                          const MigrationRequest& request);

 private:
  Deps deps_;
  IdentityService& identity_;
  std::string public_url_;  // origin of the portal, for links in e-mails
};

// Adds calendar months, keeping the time of day; the 31st of a shorter month becomes its
// last day.
core::TimePoint AddMonths(core::TimePoint t, int months);

}  // namespace seatwise::service
