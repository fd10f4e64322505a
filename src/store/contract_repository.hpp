#pragma once
// Contracts, the orders placed on them, and their subscriptions (seat pools).

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

// Which contracts to list; unset fields do not filter.
struct ContractFilter {
  std::optional<std::string> team_id;
  std::optional<std::string> account_id;
  std::optional<std::string> reseller_id;
  std::optional<std::string> contract_manager_id;
  std::optional<std::string> software_coordinator_id;
  std::optional<core::ContractStatus> status;
};

// The decision on a company-information change request (an order of kind change).
struct ChangeDecision {
  std::string order_id;
  std::string status;  // "applied" or "declined"
  std::optional<std::string> decided_by;
  std::string reason;
  core::TimePoint decided_at{};
};

class ContractRepository {
 public:
  virtual ~ContractRepository() = default;

  // kAlreadyExists when the number or subscription reference is taken.
  virtual Result<core::Contract> CreateContract(Tx& tx, core::Contract contract) = 0;
  virtual Result<core::Contract> GetContract(Tx& tx, const std::string& id) = 0;
  // Locks the contract row until the transaction ends (renewal, credit movements).
  virtual Result<core::Contract> LockContract(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::Contract>> FindContractByNumber(Tx& tx,
                                                                     const std::string& number) = 0;
  // Writes every mutable field (CM, SC, term, dates, status, company snapshot).
  virtual Result<void> UpdateContract(Tx& tx, const core::Contract& contract) = 0;
  virtual Result<Page<core::Contract>> ListContracts(Tx& tx, const ContractFilter& filter,
                                                     const PageRequest& page) = 0;
  // Contracts in one of `statuses` ending in [from, to), by end date; for the jobs.
  virtual Result<std::vector<core::Contract>> ListContractsEndingBetween(
      Tx& tx, const std::vector<core::ContractStatus>& statuses, core::TimePoint from,
      core::TimePoint to) = 0;

  virtual Result<core::Order> CreateOrder(Tx& tx, core::Order order) = 0;
  virtual Result<std::vector<core::Order>> ListOrders(Tx& tx, const std::string& contract_id) = 0;
  // kAlreadyExists when the order already has a decision.
  virtual Result<void> RecordChangeDecision(Tx& tx, const ChangeDecision& decision) = 0;
  // The decisions on the contract's orders, by order id.
  virtual Result<std::vector<ChangeDecision>> ListChangeDecisions(
      Tx& tx, const std::string& contract_id) = 0;

  // kAlreadyExists for a taken serial number; kInvalidArgument for negative seats or not
  // exactly one of product, collection and service.
  virtual Result<core::Subscription> CreateSubscription(Tx& tx, core::Subscription sub) = 0;
  virtual Result<core::Subscription> GetSubscription(Tx& tx, const std::string& id) = 0;
  // Locks the subscription row: the guard of every seat count-then-write.
  virtual Result<core::Subscription> LockSubscription(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::Subscription>> FindSubscriptionBySerial(
      Tx& tx, const std::string& serial_number) = 0;
  // Writes seats, access, activation, model, serial/key, limits, end and migrated_at.
  virtual Result<void> UpdateSubscription(Tx& tx, const core::Subscription& sub) = 0;
  virtual Result<std::vector<core::Subscription>> ListSubscriptions(
      Tx& tx, const std::string& contract_id) = 0;
  // Every subscription of every contract of the team.
  virtual Result<std::vector<core::Subscription>> ListTeamSubscriptions(
      Tx& tx, const std::string& team_id) = 0;
  // The products a subscription grants: its product, or every product of its collection.
  virtual Result<std::vector<std::string>> GrantedProducts(Tx& tx,
                                                           const std::string& subscription_id) = 0;
};

}  // namespace seatwise::store
