#pragma once
// Contracts as their Contract Manager sees them: Billing & Orders, renewal review, company
// information changes, and the cloud-credit ledger.
//
// Who may (capability Billing & Orders): operators everything, a reseller its own
// customers, a Contract Manager their own contracts, a Primary Admin only where also the
// contract's Contract Manager. Everyone else is refused (and the refusal audited); callers
// with no relation to the customer are answered "not found".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/company.hpp"
#include "service/context.hpp"
#include "store/contract_repository.hpp"
#include "store/page.hpp"

namespace seatwise::service {

class IdentityService;

// The most credits one purchase, adjustment or consumption may move.
inline constexpr std::int64_t kMaxCreditAmount = 10'000'000;
// Renewal review windows, ending now.
inline constexpr int kUnusedSeatDays = 30;
inline constexpr int kMembershipChangeDays = 90;

struct ContractOptions {
  // A consumption may take the balance below zero instead of being refused.
  bool allow_negative_credits = false;
};

struct ContractQuery {
  std::optional<core::ContractStatus> status;
  std::optional<std::string> team_id;
  std::optional<std::string> account_id;
  std::string after;  // contract id
  int limit = 50;
};

// One contract as listed in Billing & Orders.
struct ContractSummary {
  core::Contract contract;
  core::Team team;
  int days_to_expiry = 0;  // negative once it has ended
};

struct PersonRef {
  std::string id;
  std::string name;
  std::string email;
};

// One subscription of a contract with what it is for.
struct ProductLine {
  core::Subscription subscription;
  std::string kind;  // "product", "collection" or "service"
  std::string code;
  std::string name;
  int assigned = 0;
  core::TimePoint expires_at{};  // the subscription's own end, else the contract's
};

struct ContractDetails {
  ContractSummary summary;
  std::optional<PersonRef> contract_manager;
  std::optional<PersonRef> software_coordinator;
  std::vector<ProductLine> products;
  std::vector<core::Order> orders;  // oldest first
};

// Proposed company information; unset fields stay as they are.
struct CompanyChange : CompanyPatch {
  std::optional<std::string> note;
};

// A company-information change request and what became of it.
struct CompanyChangeRequest {
  core::Order order;
  std::string status = "open";  // open, applied or declined
  std::optional<PersonRef> decided_by;
  std::optional<core::TimePoint> decided_at;
  std::string reason;  // the decider's words; required to decline
};

// Longest reason given with a decision, in characters.
inline constexpr std::size_t kDecisionReasonMax = 2000;

// A person holding a seat, and since when.
struct SeatHolder {
  PersonRef person;
  core::TimePoint assigned_at{};
};

struct SubscriptionReview {
  ProductLine line;
  int seats = 0;
  int assigned = 0;
  int unassigned = 0;  // seats - assigned, never below zero
  // Holders assigned more than kUnusedSeatDays ago with no use in the last kUnusedSeatDays.
  std::vector<SeatHolder> unused;
};

struct MemberChange {
  PersonRef person;
  core::MembershipStatus status = core::MembershipStatus::kActive;
  core::TimePoint at{};
};

struct RenewalReview {
  core::Contract contract;
  core::TimePoint now{};
  core::TimePoint unused_since{};   // now - kUnusedSeatDays
  core::TimePoint members_since{};  // now - kMembershipChangeDays
  std::vector<SubscriptionReview> subscriptions;
  std::vector<MemberChange> added;    // memberships created in the window
  std::vector<MemberChange> removed;  // memberships removed in the window
};

struct CreditLedger {
  std::int64_t balance = 0;
  store::Page<core::CreditEntry> entries;
};

struct CreditMovement {
  std::int64_t amount = 0;
  std::string note;
  core::CreditReason reason = core::CreditReason::kPurchase;  // not consumption
};

struct CreditConsumption {
  std::string service_id;
  std::int64_t amount = 0;
  std::optional<std::string> event_id;  // the same event is consumed once
};

// ContractService::ConsumeCredits for use cases that hold no ContractService (desktop usage
// uploads): the same ledger entry, row lock, replay rule and audit entry.
core::Result<core::CreditEntry> ConsumeCreditsIn(store::Tx& tx, const Deps& deps,
                                                 bool allow_negative,
                                                 const std::string& contract_id,
                                                 const std::string& user_id,
                                                 const std::string& service_id, std::int64_t amount,
                                                 std::optional<std::string> usage_event_id);

// Every contract matching `filter`, in id order, read page by page.
core::Result<std::vector<core::Contract>> AllContracts(store::Tx& tx, const Deps& deps,
                                                       const store::ContractFilter& filter);

// "Company information follows the contract": writes `company` as the account's company
// information and into every current contract of the account (not expired or cancelled),
// each locked in id order. Orders keep the details they were issued with. Returns the
// numbers of the contracts changed. No permission check and no audit: callers do both.
core::Result<std::vector<std::string>> SetAccountCompany(store::Tx& tx, const Deps& deps,
                                                         const std::string& account_id,
                                                         const core::CompanyInfo& company,
                                                         core::TimePoint now);

class ContractService {
 public:
  ContractService(const Deps& deps, IdentityService& identity, std::string public_url,
                  ContractOptions options = {})
      : deps_(deps), identity_(identity), public_url_(std::move(public_url)), options_(options) {}

  // The contracts the caller may see, by id. kInvalidArgument for a bad filter.
  core::Result<store::Page<ContractSummary>> ListContracts(const Caller& caller,
                                                           const ContractQuery& query);

  core::Result<ContractDetails> GetContract(const Caller& caller, const std::string& contract_id);

  // Records a change of the contract's company information as an order of kind change and
  // e-mails it to the reseller (every operator for a direct customer), with a confirmation
  // to the requester. kInvalidArgument (field errors) when nothing or something invalid is
  // proposed.
  core::Result<core::Order> RequestCompanyChange(const Caller& caller,
                                                 const std::string& contract_id,
                                                 const CompanyChange& change);
  // The contract's company change requests, oldest first, each with its status.
  core::Result<std::vector<CompanyChangeRequest>> ListCompanyChangeRequests(
      const Caller& caller, const std::string& contract_id);
  // Applies (`apply`) or declines an open company change request of the contract: only the
  // publisher's operators and the customer's reseller decide, never the requester's side.
  // Applying writes the requested fields into the account's company information and into
  // every current contract of the account (not expired or cancelled); orders keep the
  // details they were issued with. The requester is e-mailed the decision. kConflict when
  // the request was already decided; kNotFound for no such request on the contract;
  // kInvalidArgument (field reason) for a decline without a reason or a reason too long.
  core::Result<CompanyChangeRequest> DecideCompanyChange(const Caller& caller,
                                                         const std::string& contract_id,
                                                         const std::string& order_id, bool apply,
                                                         const std::string& reason);

  core::Result<RenewalReview> GetRenewalReview(const Caller& caller,
                                               const std::string& contract_id);

  core::Result<CreditLedger> ListCredits(const Caller& caller, const std::string& contract_id,
                                         const store::PageRequest& page);
  // A purchase (CM, reseller, operator), or an adjustment or refund (operators only).
  core::Result<core::CreditEntry> AddCredits(const Caller& caller, const std::string& contract_id,
                                             const CreditMovement& movement);
  // The caller consumes credits of a contract on which they hold a seat of the service.
  core::Result<core::CreditEntry> ConsumeAsUser(const Caller& caller,
                                                const std::string& contract_id,
                                                const CreditConsumption& consumption);

  // Subtracts `amount` credits inside the caller's transaction, under the contract's row
  // lock, and audits it. The balance never goes below zero unless allowed by the options
  // (kFailedPrecondition). With a usage event id, the same event is consumed once: a replay
  // returns the first entry. No permission check: callers decide who may consume.
  core::Result<core::CreditEntry> ConsumeCredits(store::Tx& tx, const std::string& contract_id,
                                                 const std::string& user_id,
                                                 const std::string& service_id, std::int64_t amount,
                                                 std::optional<std::string> usage_event_id);

 private:
  Deps deps_;
  IdentityService& identity_;
  std::string public_url_;  // origin of the portal, for links in e-mails
  ContractOptions options_;
};

// Field errors of a company change (values trimmed, country upper-cased in place); empty
// when valid. At least one company field must be proposed.
std::vector<core::FieldError> ValidateCompanyChange(CompanyChange& change);

}  // namespace seatwise::service
