#include "service/lifecycle.hpp"

#include <optional>
#include <vector>

#include "service/audit.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::ContractStatus;
using core::Result;

Caller SystemCaller(std::string_view job) {
  Caller caller;
  caller.principal.method = AuthMethod::kSystem;
  caller.meta.request_id = "job-" + std::string(job);
  return caller;
}

// Whole days from `now` to `end`, rounded up: 89 days and an hour is "90 days".
std::int64_t DaysLeft(core::TimePoint now, core::TimePoint end) {
  const auto left = end - now;
  return std::chrono::ceil<std::chrono::days>(left).count();
}

// "AutoCAD (5 seats), Cloud rendering (1 seat)" for the contract's subscriptions.
Result<std::string> ProductList(store::Tx& tx, const Deps& deps, const core::Contract& contract) {
  SW_ASSIGN_OR_RETURN(auto subs, deps.repos.contracts->ListSubscriptions(tx, contract.id));
  std::string out;
  for (const auto& sub : subs) {
    std::string name;
    if (sub.product_id) {
      SW_ASSIGN_OR_RETURN(auto product, deps.repos.catalog->GetProduct(tx, *sub.product_id));
      name = product.name;
    } else if (sub.collection_id) {
      SW_ASSIGN_OR_RETURN(auto collection,
                          deps.repos.catalog->GetCollection(tx, *sub.collection_id));
      name = collection.name;
    } else if (sub.service_id) {
      SW_ASSIGN_OR_RETURN(auto service, deps.repos.catalog->GetService(tx, *sub.service_id));
      name = service.name;
    }
    out += "- " + name + " (" + std::to_string(sub.seats) + (sub.seats == 1 ? " seat" : " seats") +
           ")\n";
  }
  if (out.empty()) out = "- none\n";
  return out;
}

// Who renews the contract: its reseller when it has one, else the publisher.
Result<std::string> RenewalContact(store::Tx& tx, const Deps& deps,
                                   const core::Contract& contract) {
  if (contract.reseller_id) {
    SW_ASSIGN_OR_RETURN(auto reseller, deps.repos.accounts->GetReseller(tx, *contract.reseller_id));
    std::string contact = "your reseller " + reseller.name;
    if (!reseller.contact_email.empty()) contact += " (" + reseller.contact_email + ")";
    return contact;
  }
  return std::string("the publisher's sales team (reply to this e-mail)");
}

std::string ContractJson(const core::Contract& c) {
  return "{\"id\":" + JsonQuote(c.id) + ",\"number\":" + JsonQuote(c.number) +
         ",\"status\":" + JsonQuote(std::string(core::EnumName(c.status))) +
         ",\"ends_at\":" + JsonQuote(DateText(c.ends_at)) + "}";
}

// Where a contract stands after its end: 0 in force, 1 expired, 2 suspended, 3 cancelled.
int Stage(ContractStatus status) {
  switch (status) {
    case ContractStatus::kExpired:
      return 1;
    case ContractStatus::kSuspended:
      return 2;
    case ContractStatus::kCancelled:
      return 3;
    default:
      return 0;
  }
}

ContractStatus StatusOfStage(int stage) {
  switch (stage) {
    case 1:
      return ContractStatus::kExpired;
    case 2:
      return ContractStatus::kSuspended;
    default:
      return ContractStatus::kCancelled;
  }
}

// The stage a contract that ended at `end` has reached at `now`.
int DueStage(core::TimePoint end, core::TimePoint now) {
  if (now >= end + kCancelAfter) return 3;
  if (now >= end + kSuspendAfter) return 2;
  return now >= end ? 1 : 0;
}

std::string_view AuditAction(ContractStatus status) {
  switch (status) {
    case ContractStatus::kExpired:
      return "contract.expire";
    case ContractStatus::kSuspended:
      return "contract.suspend";
    default:
      return "contract.cancel";
  }
}

Email StatusEmail(const core::Contract& c, const core::User& cm, const std::string& contact,
                  const std::string& products) {
  const std::string ended = DateText(c.ends_at);
  const std::string suspend_on = DateText(c.ends_at + kSuspendAfter);
  const std::string cancel_on = DateText(c.ends_at + kCancelAfter);
  Email email;
  email.to = &cm;
  email.team_id = c.team_id;
  email.event_key = "contract-" + std::string(core::EnumName(c.status)) + ":" + c.id + ":" +
                    std::to_string(core::ToUnixMillis(c.ends_at));
  email.payload_json = "{\"contract_id\":" + JsonQuote(c.id) +
                       ",\"status\":" + JsonQuote(std::string(core::EnumName(c.status))) +
                       ",\"ends_at\":" + JsonQuote(ended) + "}";
  const std::string what = "Contract " + c.number;
  switch (c.status) {
    case ContractStatus::kExpired:
      email.template_name = "contract_expired";
      email.subject = what + " expired on " + ended;
      email.body = what + " ended on " + ended +
                   " and was not renewed. Its products can no longer be activated and its "
                   "network seats are refused:\n" +
                   products + "\nUnless it is renewed, it will be suspended on " + suspend_on +
                   " and cancelled on " + cancel_on + ".\n\nTo renew, contact " + contact + ".";
      break;
    case ContractStatus::kSuspended:
      email.template_name = "contract_suspended";
      email.subject = what + " is suspended";
      email.body = what + " ended on " + ended +
                   " and is now suspended; its products stay unavailable:\n" + products +
                   "\nUnless it is renewed, it will be cancelled on " + cancel_on +
                   ".\n\nTo renew, contact " + contact + ".";
      break;
    default:
      email.template_name = "contract_cancelled";
      email.subject = what + " was cancelled";
      email.body = what + " ended on " + ended +
                   " and was cancelled after 30 days without renewal. It can no longer be "
                   "renewed; to use these products again, place a new order:\n" +
                   products + "\nContact " + contact + ".";
      break;
  }
  return email;
}

}  // namespace

std::string RenewalNoticeKey(const std::string& contract_id, core::TimePoint ends_at, int days) {
  return "renewal-notice:" + contract_id + ":" + std::to_string(core::ToUnixMillis(ends_at)) + ":" +
         std::to_string(days);
}

core::Result<int> LifecycleService::SendRenewalNotices(core::TimePoint now) {
  const std::vector<ContractStatus> in_force = {ContractStatus::kActive, ContractStatus::kExpiring,
                                                ContractStatus::kRenewed};
  const auto horizon = now + std::chrono::days(kRenewalNoticeDays.front()) +
                       std::chrono::milliseconds(1);  // an end exactly 90 days away is due
  SW_ASSIGN_OR_RETURN(
      auto contracts,
      deps_.db.Transact<std::vector<core::Contract>>(store::TxMode::kRead, [&](store::Tx& tx) {
        return deps_.repos.contracts->ListContractsEndingBetween(
            tx, in_force, now + std::chrono::milliseconds(1), horizon);
      }));
  const Caller caller = SystemCaller("renewal_notices");
  int sent = 0;
  for (const auto& listed : contracts) {
    // The most urgent threshold reached; earlier ones missed are not sent late.
    std::optional<int> due;
    for (int days : kRenewalNoticeDays) {
      if (listed.ends_at - now <= std::chrono::days(days)) due = days;
    }
    if (!due) continue;
    SW_ASSIGN_OR_RETURN(
        bool queued,
        deps_.db.Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
          SW_ASSIGN_OR_RETURN(auto contract, deps_.repos.contracts->GetContract(tx, listed.id));
          if (contract.ends_at != listed.ends_at) return false;  // renewed meanwhile
          const std::string key = RenewalNoticeKey(contract.id, contract.ends_at, *due);
          SW_ASSIGN_OR_RETURN(auto existing, deps_.repos.outbox->FindByEventKey(tx, key));
          if (existing) return false;
          SW_ASSIGN_OR_RETURN(auto cm, deps_.repos.users->Get(tx, contract.contract_manager_id));
          SW_ASSIGN_OR_RETURN(std::string products, ProductList(tx, deps_, contract));
          SW_ASSIGN_OR_RETURN(std::string contact, RenewalContact(tx, deps_, contract));
          const std::int64_t left = DaysLeft(now, contract.ends_at);
          const std::string ends = DateText(contract.ends_at);
          Email email;
          email.event_key = key;
          email.template_name = "renewal_notice";
          email.to = &cm;
          email.team_id = contract.team_id;
          email.subject = "Contract " + contract.number + " ends in " + std::to_string(left) +
                          (left == 1 ? " day" : " days") + " (" + ends + ")";
          email.body = "Contract " + contract.number + " ends on " + ends + ", in " +
                       std::to_string(left) + (left == 1 ? " day" : " days") +
                       ". Its products stop working then unless it is renewed:\n" + products +
                       "\nTo renew, contact " + contact +
                       ".\n\nBefore renewing, review the team's user management: new starters "
                       "coming soon, unused seats, users leaving.";
          email.payload_json = "{\"contract_id\":" + JsonQuote(contract.id) +
                               ",\"ends_at\":" + JsonQuote(ends) +
                               ",\"days\":" + std::to_string(*due) + "}";
          SW_ASSIGN_OR_RETURN(bool fresh, EnqueueEmail(tx, deps_, email));
          if (!fresh) return false;
          SW_RETURN_IF_ERROR(EnqueueWebhookEvent(tx, deps_, contract.team_id, "contract.expiring",
                                                 email.payload_json, key));
          AuditRecord record;
          record.action = "contract.renewal_notice";
          record.target_type = "contract";
          record.target_id = contract.id;
          record.team_id = contract.team_id;
          record.account_id = contract.account_id;
          record.actor_role = "system";
          record.after_json = ContractJson(contract);
          record.detail = std::to_string(*due) + "-day renewal notice to the Contract Manager";
          SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
          return true;
        }));
    if (queued) ++sent;
  }
  return sent;
}

core::Result<LifecycleSteps> LifecycleService::AdvanceContracts(core::TimePoint now) {
  const std::vector<ContractStatus> open = {ContractStatus::kActive, ContractStatus::kExpiring,
                                            ContractStatus::kRenewed, ContractStatus::kExpired,
                                            ContractStatus::kSuspended};
  SW_ASSIGN_OR_RETURN(
      auto contracts,
      deps_.db.Transact<std::vector<core::Contract>>(store::TxMode::kRead, [&](store::Tx& tx) {
        return deps_.repos.contracts->ListContractsEndingBetween(
            tx, open, core::FromUnixMillis(0), now + std::chrono::milliseconds(1));
      }));
  const Caller caller = SystemCaller("contract_lifecycle");
  LifecycleSteps steps;
  for (const auto& listed : contracts) {
    if (DueStage(listed.ends_at, now) <= Stage(listed.status)) continue;
    SW_ASSIGN_OR_RETURN(
        LifecycleSteps done,
        deps_.db.Transact<LifecycleSteps>(
            store::TxMode::kWrite, [&](store::Tx& tx) -> Result<LifecycleSteps> {
              LifecycleSteps changed;
              // Under the row lock: a renewal committed meanwhile moved the end.
              SW_ASSIGN_OR_RETURN(auto contract,
                                  deps_.repos.contracts->LockContract(tx, listed.id));
              const int from = Stage(contract.status);
              const int to = DueStage(contract.ends_at, now);
              if (contract.status == ContractStatus::kCancelled || to <= from) return changed;
              for (int stage = from + 1; stage <= to; ++stage) {
                const std::string before = ContractJson(contract);
                contract.status = StatusOfStage(stage);
                contract.status_changed_at = now;
                contract.updated_at = now;
                AuditRecord record;
                record.action = std::string(AuditAction(contract.status));
                record.target_type = "contract";
                record.target_id = contract.id;
                record.team_id = contract.team_id;
                record.account_id = contract.account_id;
                record.actor_role = "system";
                record.before_json = before;
                record.after_json = ContractJson(contract);
                record.detail = "ended on " + DateText(contract.ends_at) + " without renewal";
                SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
                if (stage == 1) ++changed.expired;
                if (stage == 2) ++changed.suspended;
                if (stage == 3) ++changed.cancelled;
              }
              SW_RETURN_IF_ERROR(deps_.repos.contracts->UpdateContract(tx, contract));
              // One e-mail for where the contract now stands, however many steps it took.
              SW_ASSIGN_OR_RETURN(auto cm,
                                  deps_.repos.users->Get(tx, contract.contract_manager_id));
              SW_ASSIGN_OR_RETURN(std::string products, ProductList(tx, deps_, contract));
              SW_ASSIGN_OR_RETURN(std::string contact, RenewalContact(tx, deps_, contract));
              const Email email = StatusEmail(contract, cm, contact, products);
              SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));
              if (changed.expired > 0) {
                SW_RETURN_IF_ERROR(EnqueueWebhookEvent(
                    tx, deps_, contract.team_id, "contract.expired",
                    "{\"contract_id\":" + JsonQuote(contract.id) +
                        ",\"number\":" + JsonQuote(contract.number) + ",\"status\":" +
                        JsonQuote(std::string(core::EnumName(contract.status))) + "}",
                    "contract.expired:" + contract.id + ":" +
                        std::to_string(core::ToUnixMillis(contract.ends_at))));
              }
              return changed;
            }));
    steps.expired += done.expired;
    steps.suspended += done.suspended;
    steps.cancelled += done.cancelled;
  }
  return steps;
}

}  // namespace seatwise::service
