#include "service/contracts.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/random.hpp"
#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/company.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::size_t kNoteMax = 2000;
constexpr std::string_view kCompanyChangeType = "\"type\":\"company_info\"";

// `json` without the whitespace between tokens (stored JSON may come back reformatted).
std::string CompactJson(std::string_view json) {
  std::string out;
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    if (c == '"') in_string = true;
    out += c;
  }
  return out;
}

PersonRef RefOf(const core::User& user) { return {user.id, PersonName(user), user.email}; }

Result<std::optional<PersonRef>> PersonOf(store::Tx& tx, const Deps& deps,
                                          const std::optional<std::string>& user_id) {
  if (!user_id || user_id->empty()) return std::optional<PersonRef>();
  SW_ASSIGN_OR_RETURN(core::User user, deps.repos.users->Get(tx, *user_id));
  return std::optional<PersonRef>(RefOf(user));
}

int DaysToExpiry(const core::Contract& contract, core::TimePoint now) {
  return static_cast<int>(std::chrono::floor<std::chrono::days>(contract.ends_at - now).count());
}

bool Allows(const Authorization& authz, const std::string& contract_id) {
  if (authz.grant == core::Grant::kEverything || authz.grant == core::Grant::kOwnCustomers) {
    return true;
  }
  return authz.grant == core::Grant::kOwnContracts &&
         std::find(authz.contract_ids.begin(), authz.contract_ids.end(), contract_id) !=
             authz.contract_ids.end();
}

// Billing & Orders on one contract.
Result<Authorization> AuthorizeBilling(store::Tx& tx, const Deps& deps, const Caller& caller,
                                       const std::string& contract_id) {
  SW_ASSIGN_OR_RETURN(Authorization authz,
                      Authorize(tx, deps, caller.principal, core::Capability::kBillingAndOrders,
                                {std::nullopt, contract_id, std::nullopt}));
  if (!Allows(authz, contract_id)) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "Billing & Orders is open to the contract's Contract Manager only");
  }
  return authz;
}

AuditRecord ContractRecord(const std::string& action, const std::string& contract_id) {
  AuditRecord record;
  record.action = action;
  record.target_type = "contract";
  record.target_id = contract_id;
  return record;
}

AuditRecord DoneRecord(const AuditRecord& record, const core::Contract& contract,
                       const Authorization& authz) {
  AuditRecord done = record;
  done.team_id = contract.team_id;
  done.account_id = contract.account_id;
  done.actor_role = std::string(core::RoleName(authz.role));
  return done;
}

Result<ProductLine> LineOf(store::Tx& tx, const Deps& deps, const core::Contract& contract,
                           core::Subscription sub) {
  ProductLine line;
  if (sub.product_id) {
    SW_ASSIGN_OR_RETURN(core::Product p, deps.repos.catalog->GetProduct(tx, *sub.product_id));
    line.kind = "product";
    line.code = p.code;
    line.name = p.name;
  } else if (sub.collection_id) {
    SW_ASSIGN_OR_RETURN(core::Collection c,
                        deps.repos.catalog->GetCollection(tx, *sub.collection_id));
    line.kind = "collection";
    line.code = c.code;
    line.name = c.name;
  } else if (sub.service_id) {
    SW_ASSIGN_OR_RETURN(core::Service s, deps.repos.catalog->GetService(tx, *sub.service_id));
    line.kind = "service";
    line.code = s.code;
    line.name = s.name;
  }
  SW_ASSIGN_OR_RETURN(line.assigned, deps.repos.assignments->CountActive(tx, sub.id));
  line.expires_at = sub.ends_at.value_or(contract.ends_at);
  line.subscription = std::move(sub);
  return line;
}

Result<std::vector<core::Assignment>> ActiveAssignments(store::Tx& tx, const Deps& deps,
                                                        const std::string& subscription_id) {
  std::vector<core::Assignment> out;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(
        auto batch, deps.repos.assignments->ListActiveBySubscription(tx, subscription_id, page));
    for (auto& a : batch.items) out.push_back(std::move(a));
    if (batch.next_after.empty()) return out;
    page.after = batch.next_after;
  }
}

// Users with a sign-in activation of the subscription issued in [from, to).
Result<std::set<std::string>> SignedInBetween(store::Tx& tx, const Deps& deps,
                                              const std::string& subscription_id,
                                              core::TimePoint from, core::TimePoint to) {
  std::set<std::string> out;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto batch,
                        deps.repos.activations->ListBySubscription(tx, subscription_id, page));
    for (const auto& a : batch.items) {
      if (a.kind == core::ActivationKind::kSignIn && a.user_id && a.issued_at >= from &&
          a.issued_at < to) {
        out.insert(*a.user_id);
      }
    }
    if (batch.next_after.empty()) return out;
    page.after = batch.next_after;
  }
}

// The proposed fields, in a fixed order.
std::vector<std::pair<std::string, std::string>> ProposedFields(const CompanyChange& change) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* field, const std::optional<std::string>& value) {
    if (value) out.emplace_back(field, *value);
  };
  add("name", change.name);
  add("address_line1", change.address_line1);
  add("address_line2", change.address_line2);
  add("city", change.city);
  add("postal_code", change.postal_code);
  add("region", change.region);
  add("country", change.country);
  return out;
}

bool IsCompanyChange(const core::Order& order) {
  return order.kind == core::OrderKind::kChange &&
         CompactJson(order.details_json).find(kCompanyChangeType) != std::string::npos;
}

// The contract's company change requests, oldest first, each with its decision.
Result<std::vector<CompanyChangeRequest>> ChangeRequestsOf(store::Tx& tx, const Deps& deps,
                                                           const std::string& contract_id) {
  SW_ASSIGN_OR_RETURN(auto orders, deps.repos.contracts->ListOrders(tx, contract_id));
  SW_ASSIGN_OR_RETURN(auto decisions, deps.repos.contracts->ListChangeDecisions(tx, contract_id));
  std::map<std::string, store::ChangeDecision> by_order;
  for (auto& d : decisions) {
    const std::string order_id = d.order_id;
    by_order.emplace(order_id, std::move(d));
  }
  std::vector<CompanyChangeRequest> out;
  for (auto& order : orders) {
    if (!IsCompanyChange(order)) continue;
    CompanyChangeRequest request;
    if (auto it = by_order.find(order.id); it != by_order.end()) {
      request.status = it->second.status;
      request.decided_at = it->second.decided_at;
      request.reason = it->second.reason;
      SW_ASSIGN_OR_RETURN(request.decided_by, PersonOf(tx, deps, it->second.decided_by));
    }
    request.order = std::move(order);
    out.push_back(std::move(request));
  }
  return out;
}

// `company` with the fields a change request asked for (its details' "requested" object).
core::CompanyInfo WithRequested(core::CompanyInfo company, const core::Order& order) {
  boost::system::error_code ec;
  const boost::json::value details = boost::json::parse(order.details_json, ec);
  if (ec || !details.is_object()) return company;
  const boost::json::value* requested = details.get_object().if_contains("requested");
  if (requested == nullptr || !requested->is_object()) return company;
  const std::pair<const char*, std::string*> fields[] = {{"name", &company.name},
                                                         {"address_line1", &company.address_line1},
                                                         {"address_line2", &company.address_line2},
                                                         {"city", &company.city},
                                                         {"postal_code", &company.postal_code},
                                                         {"region", &company.region},
                                                         {"country", &company.country}};
  for (const auto& [field, target] : fields) {
    const boost::json::value* value = requested->get_object().if_contains(field);
    if (value != nullptr && value->is_string()) *target = std::string(value->get_string());
  }
  return company;
}

// A contract the account still works under: its company information follows the account's.
bool IsCurrent(const core::Contract& contract) {
  return contract.status != core::ContractStatus::kExpired &&
         contract.status != core::ContractStatus::kCancelled;
}

std::string_view CreditAction(core::CreditReason reason) {
  switch (reason) {
    case core::CreditReason::kPurchase:
      return "credit.purchase";
    case core::CreditReason::kConsumption:
      return "credit.consume";
    case core::CreditReason::kAdjustment:
      return "credit.adjustment";
    case core::CreditReason::kRefund:
      return "credit.refund";
  }
  return "credit.adjustment";
}

std::string EntryJson(const core::CreditEntry& e) {
  JsonWriter json;
  json.BeginObject()
      .Key("id")
      .String(e.id)
      .Key("reason")
      .String(core::EnumName(e.reason))
      .Key("amount")
      .Int(e.amount)
      .Key("balance_after")
      .Int(e.balance_after);
  if (e.service_id) json.Key("service_id").String(*e.service_id);
  if (e.usage_event_id) json.Key("usage_event_id").String(*e.usage_event_id);
  json.EndObject();
  return json.str();
}

core::Error NotEnoughCredits(std::int64_t balance, std::int64_t needed) {
  return core::MakeError(ErrorCode::kFailedPrecondition,
                         "the contract has " + std::to_string(balance) + " credits; this needs " +
                             std::to_string(needed) + " — ask your Contract Manager to buy more");
}

core::Error InvalidAmount(const std::string& message) {
  core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "the amount is invalid");
  error.fields.push_back({"amount", message});
  return error;
}

// ContractService::ConsumeCredits, audited as `caller`.
Result<core::CreditEntry> Consume(store::Tx& tx, const Deps& deps, bool allow_negative,
                                  const Caller& caller, const std::string& contract_id,
                                  const std::string& user_id, const std::string& service_id,
                                  std::int64_t amount, std::optional<std::string> usage_event_id) {
  if (amount < 1 || amount > kMaxCreditAmount) {
    return InvalidAmount("must be an integer from 1 to 10,000,000");
  }
  SW_ASSIGN_OR_RETURN(core::Contract contract, deps.repos.contracts->LockContract(tx, contract_id));
  core::CreditEntry entry;
  entry.id = core::NewId(deps.random, core::id_prefix::kCreditEntry);
  entry.contract_id = contract.id;
  entry.user_id = user_id;
  entry.service_id = service_id;
  entry.actor_id = user_id;
  entry.usage_event_id = std::move(usage_event_id);
  entry.amount = -amount;
  entry.reason = core::CreditReason::kConsumption;
  entry.at = deps.clock.Now();
  const std::string new_id = entry.id;
  auto added = deps.repos.usage->AddCreditEntry(tx, entry, allow_negative);
  if (!added.ok() && added.error().code == ErrorCode::kFailedPrecondition) {
    return NotEnoughCredits(contract.credit_balance, amount);
  }
  SW_ASSIGN_OR_RETURN(core::CreditEntry stored, std::move(added));
  if (stored.id != new_id) {
    // A replay of an event already consumed: nothing moved.
    if (stored.contract_id != contract.id || stored.user_id != entry.user_id ||
        stored.service_id != entry.service_id || stored.amount != entry.amount) {
      return core::MakeError(ErrorCode::kConflict,
                             "event " + entry.usage_event_id.value_or("") +
                                 " was already recorded for another consumption; send a new "
                                 "event id");
    }
    return stored;
  }
  AuditRecord done = ContractRecord("credit.consume", contract.id);
  done.team_id = contract.team_id;
  done.account_id = contract.account_id;
  done.actor_role = std::string(core::RoleName(core::Role::kUser));
  done.before_json = "{\"balance\":" + std::to_string(contract.credit_balance) + "}";
  done.after_json = EntryJson(stored);
  done.detail = std::to_string(amount) + " credits consumed by " + service_id + "; balance " +
                std::to_string(stored.balance_after);
  SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
  return stored;
}

}  // namespace

Result<std::vector<core::Contract>> AllContracts(store::Tx& tx, const Deps& deps,
                                                 const store::ContractFilter& filter) {
  std::vector<core::Contract> out;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto batch, deps.repos.contracts->ListContracts(tx, filter, page));
    for (auto& c : batch.items) out.push_back(std::move(c));
    if (batch.next_after.empty()) return out;
    page.after = batch.next_after;
  }
}

Result<std::vector<std::string>> SetAccountCompany(store::Tx& tx, const Deps& deps,
                                                   const std::string& account_id,
                                                   const core::CompanyInfo& company,
                                                   core::TimePoint now) {
  SW_RETURN_IF_ERROR(deps.repos.accounts->UpdateCompanyInfo(tx, account_id, company, now));
  std::vector<std::string> numbers;
  store::ContractFilter filter;
  filter.account_id = account_id;
  // By id, so two writers lock the contracts in the same order.
  SW_ASSIGN_OR_RETURN(auto contracts, AllContracts(tx, deps, filter));
  for (const auto& listed : contracts) {
    if (!IsCurrent(listed)) continue;
    SW_ASSIGN_OR_RETURN(core::Contract locked, deps.repos.contracts->LockContract(tx, listed.id));
    if (!IsCurrent(locked)) continue;
    locked.company = company;
    locked.updated_at = now;
    SW_RETURN_IF_ERROR(deps.repos.contracts->UpdateContract(tx, locked));
    numbers.push_back(locked.number);
  }
  return numbers;
}

std::vector<core::FieldError> ValidateCompanyChange(CompanyChange& change) {
  std::vector<core::FieldError> errors;
  auto check = [&](const char* field, std::optional<std::string>& value, bool required) {
    if (!value) return;
    *value = Trimmed(*value);
    if (required && value->empty()) {
      errors.push_back({field, "must not be empty"});
    } else if (auto problem = CompanyTextProblem(*value, CodePoints(*value))) {
      errors.push_back({field, std::move(*problem)});
    }
  };
  check("name", change.name, true);
  check("address_line1", change.address_line1, false);
  check("address_line2", change.address_line2, false);
  check("city", change.city, false);
  check("postal_code", change.postal_code, false);
  check("region", change.region, false);
  if (change.country && !NormalizeCountry(*change.country)) {
    errors.push_back({"country", "must be an ISO 3166-1 alpha-2 code, like DE or US"});
  }
  if (change.note) {
    *change.note = Trimmed(*change.note);
    if (CodePoints(*change.note) > kNoteMax) {
      errors.push_back({"note", "must be at most 2000 characters"});
    } else if (HasControl(*change.note, true)) {
      errors.push_back({"note", "must not contain control characters"});
    }
  }
  if (ProposedFields(change).empty()) {
    errors.push_back({"name",
                      "propose at least one of name, address_line1, address_line2, city, "
                      "postal_code, region, country"});
  }
  return errors;
}

Result<store::Page<ContractSummary>> ContractService::ListContracts(const Caller& caller,
                                                                    const ContractQuery& query) {
  AuditRecord record = ContractRecord("contract.list", "");
  record.target_type = "instance";
  return ReadAudited<store::Page<ContractSummary>>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<store::Page<ContractSummary>> {
        SW_ASSIGN_OR_RETURN(
            Authorization authz,
            Authorize(tx, deps_, caller.principal, core::Capability::kBillingAndOrders, Scope{}));
        const int limit = std::clamp(query.limit, 1, store::kMaxPageSize);
        store::ContractFilter filter;
        filter.team_id = query.team_id;
        filter.account_id = query.account_id;
        filter.status = query.status;
        store::Page<core::Contract> contracts;
        if (authz.grant == core::Grant::kOwnContracts) {
          std::vector<std::string> ids = authz.contract_ids;
          std::sort(ids.begin(), ids.end());
          for (const auto& id : ids) {
            if (id <= query.after) continue;
            SW_ASSIGN_OR_RETURN(core::Contract c, deps_.repos.contracts->GetContract(tx, id));
            if ((filter.team_id && c.team_id != *filter.team_id) ||
                (filter.account_id && c.account_id != *filter.account_id) ||
                (filter.status && c.status != *filter.status)) {
              continue;
            }
            if (static_cast<int>(contracts.items.size()) == limit) {
              contracts.next_after = contracts.items.back().id;
              break;
            }
            contracts.items.push_back(std::move(c));
          }
        } else {
          if (authz.grant == core::Grant::kOwnCustomers) {
            SW_ASSIGN_OR_RETURN(core::User user,
                                deps_.repos.users->Get(tx, caller.principal.user_id));
            filter.reseller_id = user.reseller_id.value_or("");
          }
          SW_ASSIGN_OR_RETURN(
              contracts, deps_.repos.contracts->ListContracts(tx, filter, {query.after, limit}));
        }
        const auto now = deps_.clock.Now();
        store::Page<ContractSummary> page;
        page.next_after = contracts.next_after;
        for (auto& c : contracts.items) {
          SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, c.team_id));
          const int days = DaysToExpiry(c, now);
          page.items.push_back({std::move(c), std::move(team), days});
        }
        return page;
      });
}

Result<ContractDetails> ContractService::GetContract(const Caller& caller,
                                                     const std::string& contract_id) {
  return ReadAudited<ContractDetails>(
      deps_, caller, ContractRecord("contract.view", contract_id),
      [&](store::Tx& tx) -> Result<ContractDetails> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
        (void)authz;
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, contract_id));
        ContractDetails details;
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, contract.team_id));
        SW_ASSIGN_OR_RETURN(details.contract_manager,
                            PersonOf(tx, deps_, contract.contract_manager_id));
        SW_ASSIGN_OR_RETURN(details.software_coordinator,
                            PersonOf(tx, deps_, contract.software_coordinator_id));
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, contract.id));
        for (auto& sub : subs) {
          SW_ASSIGN_OR_RETURN(ProductLine line, LineOf(tx, deps_, contract, std::move(sub)));
          details.products.push_back(std::move(line));
        }
        SW_ASSIGN_OR_RETURN(details.orders, deps_.repos.contracts->ListOrders(tx, contract.id));
        const int days = DaysToExpiry(contract, deps_.clock.Now());
        details.summary = {std::move(contract), std::move(team), days};
        return details;
      });
}

Result<core::Order> ContractService::RequestCompanyChange(const Caller& caller,
                                                          const std::string& contract_id,
                                                          const CompanyChange& request) {
  CompanyChange change = request;
  auto errors = ValidateCompanyChange(change);
  const AuditRecord record = ContractRecord("contract.company_change_request", contract_id);
  return RunAudited<core::Order>(deps_, caller, record, [&](store::Tx& tx) -> Result<core::Order> {
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
    if (!errors.empty()) {
      core::Error error = core::MakeError(ErrorCode::kInvalidArgument,
                                          "the proposed company information is invalid");
      error.fields = errors;
      return error;
    }
    SW_ASSIGN_OR_RETURN(core::Contract contract,
                        deps_.repos.contracts->GetContract(tx, contract_id));
    SW_ASSIGN_OR_RETURN(core::User requester, deps_.repos.users->Get(tx, caller.principal.user_id));
    const auto now = deps_.clock.Now();
    const auto proposed = ProposedFields(change);

    JsonWriter requested;
    requested.BeginObject();
    for (const auto& [field, value] : proposed) requested.Key(field).String(value);
    requested.EndObject();
    JsonWriter json;
    json.BeginObject().Key("type").String("company_info").Key("requested");
    std::string details =
        json.str() + requested.str() + ",\"current\":" + CompanyJson(contract.company) +
        ",\"note\":" +
        (change.note && !change.note->empty() ? JsonQuote(*change.note) : std::string("null")) +
        ",\"requested_by\":{\"id\":" + JsonQuote(requester.id) +
        ",\"name\":" + JsonQuote(PersonName(requester)) +
        ",\"email\":" + JsonQuote(requester.email) + "}}";
    core::Order order;
    order.contract_id = contract.id;
    order.kind = core::OrderKind::kChange;
    order.placed_by = requester.id;
    order.details_json = std::move(details);
    order.created_at = now;
    SW_ASSIGN_OR_RETURN(order, deps_.repos.contracts->CreateOrder(tx, std::move(order)));

    // Who applies it: the reseller, or the publisher's operators for a direct customer.
    std::vector<core::User> recipients;
    if (contract.reseller_id) {
      SW_ASSIGN_OR_RETURN(core::Reseller reseller,
                          deps_.repos.accounts->GetReseller(tx, *contract.reseller_id));
      if (!reseller.contact_email.empty()) {
        core::User to;
        to.email = reseller.contact_email;
        recipients.push_back(std::move(to));
      }
    }
    const bool to_reseller = !recipients.empty();
    if (!to_reseller) {
      SW_ASSIGN_OR_RETURN(recipients, deps_.repos.users->ListOperators(tx));
    }
    std::string lines;
    for (const auto& [field, value] : proposed) {
      lines += "  " + field + ": " + (value.empty() ? std::string("(empty)") : value) + "\n";
    }
    const std::string note =
        change.note && !change.note->empty() ? "\nNote: " + *change.note + "\n" : std::string();
    const std::string payload =
        "{\"contract_id\":" + JsonQuote(contract.id) + ",\"order_id\":" + JsonQuote(order.id) + "}";
    for (const auto& to : recipients) {
      Email email;
      email.event_key = "company_change_request:" + order.id + ":" + to.email;
      email.template_name = "company_change_request";
      email.to = &to;
      // The contract's "Company changes" panel in the decider's console.
      email.action_url = public_url_ + (to_reseller ? "/reseller" : "/operator") + "/customers/" +
                         contract.account_id + "/contracts/" + contract.id + "?panel=company";
      email.subject = "Company information change requested for contract " + contract.number;
      email.body = PersonLabel(requester) + " asks to change the company information of contract " +
                   contract.number + " (" + contract.company.name + "):\n\n" + lines + note +
                   "\nApply or decline it in Seatwise: " + email.action_url;
      email.team_id = contract.team_id;
      email.payload_json = payload;
      SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));
    }
    Email confirmation;
    confirmation.event_key = "company_change_request_received:" + order.id;
    confirmation.template_name = "company_change_request_received";
    confirmation.to = &requester;
    confirmation.subject =
        "We received your company information change for contract " + contract.number;
    confirmation.body =
        "Your request to change the company information of contract " + contract.number +
        " was sent to " +
        (contract.reseller_id ? std::string("your reseller") : std::string("the publisher")) +
        ":\n\n" + lines + note + "\nThe contract shows the new details once they are applied.";
    confirmation.team_id = contract.team_id;
    confirmation.payload_json = payload;
    SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, confirmation));

    AuditRecord done = DoneRecord(record, contract, authz);
    done.before_json = CompanyJson(contract.company);
    done.after_json = requested.str();
    done.detail = "company information change requested (order " + order.id + ")";
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    return order;
  });
}

Result<std::vector<CompanyChangeRequest>> ContractService::ListCompanyChangeRequests(
    const Caller& caller, const std::string& contract_id) {
  return ReadAudited<std::vector<CompanyChangeRequest>>(
      deps_, caller, ContractRecord("contract.company_change_request_list", contract_id),
      [&](store::Tx& tx) -> Result<std::vector<CompanyChangeRequest>> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
        (void)authz;
        return ChangeRequestsOf(tx, deps_, contract_id);
      });
}

Result<CompanyChangeRequest> ContractService::DecideCompanyChange(const Caller& caller,
                                                                  const std::string& contract_id,
                                                                  const std::string& order_id,
                                                                  bool apply,
                                                                  const std::string& reason) {
  const std::string why = Trimmed(reason);
  std::vector<core::FieldError> errors;
  if (!apply && why.empty()) {
    errors.push_back({"reason", "say why the change is declined; the requester reads it"});
  } else if (CodePoints(why) > kDecisionReasonMax) {
    errors.push_back({"reason", "must be at most 2000 characters"});
  } else if (HasControl(why, true)) {
    errors.push_back({"reason", "must not contain control characters"});
  }
  const AuditRecord record = ContractRecord(
      apply ? "contract.company_change_apply" : "contract.company_change_decline", contract_id);
  return RunAudited<CompanyChangeRequest>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<CompanyChangeRequest> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
        if (authz.grant != core::Grant::kEverything && authz.grant != core::Grant::kOwnCustomers) {
          return core::MakeError(ErrorCode::kPermissionDenied,
                                 "a company information change is applied or declined by the "
                                 "customer's reseller or the publisher's operators");
        }
        if (!errors.empty()) {
          return core::InvalidFields(
              apply ? "the change cannot be applied" : "the change cannot be declined", errors);
        }
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, contract_id));
        SW_ASSIGN_OR_RETURN(auto requests, ChangeRequestsOf(tx, deps_, contract_id));
        auto it = std::find_if(requests.begin(), requests.end(),
                               [&](const auto& r) { return r.order.id == order_id; });
        if (it == requests.end()) {
          return core::MakeError(
              ErrorCode::kNotFound,
              "contract " + contract.number + " has no company change request " + order_id);
        }
        CompanyChangeRequest request = std::move(*it);
        if (request.status != "open") {
          return core::MakeError(
              ErrorCode::kConflict,
              "this change request was already " + request.status + "; reload to see the decision");
        }
        const auto now = deps_.clock.Now();
        store::ChangeDecision decision;
        decision.order_id = request.order.id;
        decision.status = apply ? "applied" : "declined";
        if (!caller.principal.user_id.empty()) decision.decided_by = caller.principal.user_id;
        decision.reason = why;
        decision.decided_at = now;
        auto recorded = deps_.repos.contracts->RecordChangeDecision(tx, decision);
        if (!recorded.ok() && recorded.error().code == ErrorCode::kAlreadyExists) {
          return core::MakeError(ErrorCode::kConflict,
                                 "this change request was decided a moment ago; reload to see "
                                 "the decision");
        }
        SW_RETURN_IF_ERROR(recorded);

        AuditRecord done = DoneRecord(record, contract, authz);
        std::vector<std::string> numbers;
        if (apply) {
          // The account's company information, and with it every current contract's.
          SW_ASSIGN_OR_RETURN(core::Account account,
                              deps_.repos.accounts->GetAccount(tx, contract.account_id));
          const core::CompanyInfo company = WithRequested(account.company, request.order);
          SW_ASSIGN_OR_RETURN(numbers, SetAccountCompany(tx, deps_, account.id, company, now));
          done.before_json = CompanyJson(account.company);
          done.after_json = CompanyJson(company);
          std::string list;
          for (const auto& n : numbers) list += (list.empty() ? "" : ", ") + n;
          done.detail = "company information change " + request.order.id +
                        " applied to the account and its current contracts " +
                        (list.empty() ? std::string("(none)") : list);
        } else {
          done.detail = "company information change " + request.order.id + " declined: " + why;
        }
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));

        // The requester learns the decision.
        if (request.order.placed_by) {
          SW_ASSIGN_OR_RETURN(core::User requester,
                              deps_.repos.users->Get(tx, *request.order.placed_by));
          if (!requester.erased && requester.status != core::UserStatus::kRemoved) {
            Email email;
            email.event_key = "company_change_decided:" + request.order.id;
            email.template_name = "company_change_decided";
            email.to = &requester;
            email.action_url =
                public_url_ + "/teams/" + contract.team_id + "/billing/" + contract.id + "/company";
            email.subject = std::string("Company information change ") +
                            (apply ? "applied" : "declined") + " for contract " + contract.number;
            email.body =
                apply ? "Your request to change the company information of contract " +
                            contract.number +
                            " was applied. Every current contract of the account now shows the "
                            "new details; earlier orders keep the details they were issued with." +
                            (why.empty() ? std::string() : "\n\nNote: " + why)
                      : "Your request to change the company information of contract " +
                            contract.number + " was declined.\n\nReason: " + why;
            email.body += "\n\nSee your requests in Billing & Orders: " + email.action_url;
            email.team_id = contract.team_id;
            email.payload_json = "{\"contract_id\":" + JsonQuote(contract.id) +
                                 ",\"order_id\":" + JsonQuote(request.order.id) + "}";
            SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));
          }
        }

        request.status = decision.status;
        request.decided_at = now;
        request.reason = why;
        SW_ASSIGN_OR_RETURN(request.decided_by, PersonOf(tx, deps_, decision.decided_by));
        return request;
      });
}

Result<RenewalReview> ContractService::GetRenewalReview(const Caller& caller,
                                                        const std::string& contract_id) {
  return ReadAudited<RenewalReview>(
      deps_, caller, ContractRecord("contract.renewal_review", contract_id),
      [&](store::Tx& tx) -> Result<RenewalReview> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
        (void)authz;
        RenewalReview review;
        SW_ASSIGN_OR_RETURN(review.contract, deps_.repos.contracts->GetContract(tx, contract_id));
        review.now = deps_.clock.Now();
        review.unused_since = review.now - std::chrono::days(kUnusedSeatDays);
        review.members_since = review.now - std::chrono::days(kMembershipChangeDays);

        std::map<std::string, PersonRef> people;
        auto person = [&](const std::string& user_id) -> Result<PersonRef> {
          if (auto it = people.find(user_id); it != people.end()) return it->second;
          SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, user_id));
          return people[user_id] = RefOf(user);
        };

        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, contract_id));
        for (auto& sub : subs) {
          SubscriptionReview item;
          SW_ASSIGN_OR_RETURN(item.line, LineOf(tx, deps_, review.contract, std::move(sub)));
          const core::Subscription& s = item.line.subscription;
          item.seats = s.seats;
          SW_ASSIGN_OR_RETURN(auto holders, ActiveAssignments(tx, deps_, s.id));
          item.assigned = static_cast<int>(holders.size());
          item.unassigned = std::max(0, item.seats - item.assigned);

          store::UsageUsersQuery used_query;
          if (!s.service_id) {
            SW_ASSIGN_OR_RETURN(used_query.product_ids,
                                deps_.repos.contracts->GrantedProducts(tx, s.id));
          }
          used_query.service_id = s.service_id;
          used_query.from = review.unused_since;
          used_query.to = review.now;
          SW_ASSIGN_OR_RETURN(auto used_ids, deps_.repos.usage->ListUsersWithUsage(tx, used_query));
          std::set<std::string> used(used_ids.begin(), used_ids.end());
          SW_ASSIGN_OR_RETURN(auto signed_in,
                              SignedInBetween(tx, deps_, s.id, review.unused_since, review.now));
          used.insert(signed_in.begin(), signed_in.end());
          for (const auto& a : holders) {
            if (a.assigned_at >= review.unused_since || used.contains(a.user_id)) continue;
            SW_ASSIGN_OR_RETURN(PersonRef who, person(a.user_id));
            item.unused.push_back({std::move(who), a.assigned_at});
          }
          review.subscriptions.push_back(std::move(item));
        }

        SW_ASSIGN_OR_RETURN(auto changed,
                            deps_.repos.users->ListMembersChangedBetween(
                                tx, review.contract.team_id, review.members_since, review.now));
        for (const auto& member : changed) {
          const core::Membership& m = member.membership;
          const PersonRef who = RefOf(member.user);
          if (m.created_at >= review.members_since && m.created_at < review.now) {
            review.added.push_back({who, m.status, m.created_at});
          }
          if (m.status == core::MembershipStatus::kRemoved && m.removed_at &&
              *m.removed_at >= review.members_since && *m.removed_at < review.now) {
            review.removed.push_back({who, m.status, *m.removed_at});
          }
        }
        auto by_time = [](const MemberChange& a, const MemberChange& b) {
          return a.at != b.at ? a.at < b.at : a.person.id < b.person.id;
        };
        std::sort(review.added.begin(), review.added.end(), by_time);
        std::sort(review.removed.begin(), review.removed.end(), by_time);
        return review;
      });
}

Result<CreditLedger> ContractService::ListCredits(const Caller& caller,
                                                  const std::string& contract_id,
                                                  const store::PageRequest& page) {
  return ReadAudited<CreditLedger>(
      deps_, caller, ContractRecord("credit.list", contract_id),
      [&](store::Tx& tx) -> Result<CreditLedger> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
        (void)authz;
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, contract_id));
        CreditLedger ledger;
        ledger.balance = contract.credit_balance;
        store::CreditQuery query;
        query.contract_id = contract_id;
        SW_ASSIGN_OR_RETURN(ledger.entries, deps_.repos.usage->ListCreditEntries(tx, query, page));
        return ledger;
      });
}

Result<core::CreditEntry> ContractService::AddCredits(const Caller& caller,
                                                      const std::string& contract_id,
                                                      const CreditMovement& movement) {
  const AuditRecord record =
      ContractRecord(std::string(CreditAction(movement.reason)), contract_id);
  return RunAudited<core::CreditEntry>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<core::CreditEntry> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeBilling(tx, deps_, caller, contract_id));
        if (movement.reason == core::CreditReason::kConsumption) {
          core::Error error = core::MakeError(ErrorCode::kInvalidArgument,
                                              "credits are consumed by using a service");
          error.fields.push_back({"reason", "must be purchase, adjustment or refund"});
          return error;
        }
        if (movement.reason != core::CreditReason::kPurchase &&
            authz.role != core::Role::kOperator) {
          return core::MakeError(ErrorCode::kPermissionDenied,
                                 "only the publisher's operators record credit adjustments and "
                                 "refunds; ask your reseller");
        }
        const std::int64_t min = movement.reason == core::CreditReason::kAdjustment
                                     ? -kMaxCreditAmount
                                     : std::int64_t{1};
        if (movement.amount < min || movement.amount > kMaxCreditAmount || movement.amount == 0) {
          return InvalidAmount(movement.reason == core::CreditReason::kAdjustment
                                   ? "must be a non-zero integer from -10,000,000 to 10,000,000"
                                   : "must be an integer from 1 to 10,000,000");
        }
        if (movement.note.size() > kNoteMax || HasControl(movement.note, true)) {
          core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "the note is invalid");
          error.fields.push_back(
              {"note", "must be at most 2000 characters without control characters"});
          return error;
        }
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->LockContract(tx, contract_id));
        core::CreditEntry entry;
        entry.contract_id = contract.id;
        entry.actor_id = caller.principal.user_id;
        entry.amount = movement.amount;
        entry.reason = movement.reason;
        entry.note = movement.note;
        entry.at = deps_.clock.Now();
        auto added = deps_.repos.usage->AddCreditEntry(tx, std::move(entry),
                                                       options_.allow_negative_credits);
        if (!added.ok() && added.error().code == ErrorCode::kFailedPrecondition) {
          return core::MakeError(ErrorCode::kFailedPrecondition,
                                 "the contract has " + std::to_string(contract.credit_balance) +
                                     " credits; removing " + std::to_string(-movement.amount) +
                                     " would take it below zero");
        }
        SW_ASSIGN_OR_RETURN(core::CreditEntry stored, std::move(added));
        AuditRecord done = DoneRecord(record, contract, authz);
        done.before_json = "{\"balance\":" + std::to_string(contract.credit_balance) + "}";
        done.after_json = EntryJson(stored);
        done.detail = std::string(core::EnumName(stored.reason)) + " of " +
                      std::to_string(stored.amount) + " credits; balance " +
                      std::to_string(stored.balance_after);
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return stored;
      });
}

Result<core::CreditEntry> ConsumeCreditsIn(store::Tx& tx, const Deps& deps, bool allow_negative,
                                           const std::string& contract_id,
                                           const std::string& user_id,
                                           const std::string& service_id, std::int64_t amount,
                                           std::optional<std::string> usage_event_id) {
  Caller consumer;
  consumer.principal.method = AuthMethod::kSystem;
  consumer.principal.user_id = user_id;
  return Consume(tx, deps, allow_negative, consumer, contract_id, user_id, service_id, amount,
                 std::move(usage_event_id));
}

Result<core::CreditEntry> ContractService::ConsumeCredits(
    store::Tx& tx, const std::string& contract_id, const std::string& user_id,
    const std::string& service_id, std::int64_t amount, std::optional<std::string> usage_event_id) {
  return ConsumeCreditsIn(tx, deps_, options_.allow_negative_credits, contract_id, user_id,
                          service_id, amount, std::move(usage_event_id));
}

Result<core::CreditEntry> ContractService::ConsumeAsUser(const Caller& caller,
                                                         const std::string& contract_id,
                                                         const CreditConsumption& consumption) {
  const AuditRecord record = ContractRecord("credit.consume", contract_id);
  return RunAudited<core::CreditEntry>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<core::CreditEntry> {
        if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
          return core::MakeError(ErrorCode::kUnauthenticated, "sign in to use cloud credits");
        }
        std::vector<core::FieldError> errors;
        if (consumption.service_id.empty()) errors.push_back({"service_id", "is required"});
        if (consumption.amount < 1 || consumption.amount > kMaxCreditAmount) {
          errors.push_back({"amount", "must be an integer from 1 to 10,000,000"});
        }
        if (consumption.event_id &&
            (consumption.event_id->empty() || consumption.event_id->size() > 200 ||
             HasControl(*consumption.event_id, false))) {
          errors.push_back({"event_id", "must be 1 to 200 characters without control characters"});
        }
        if (!errors.empty()) {
          core::Error error =
              core::MakeError(ErrorCode::kInvalidArgument, "the consumption is invalid");
          error.fields = std::move(errors);
          return error;
        }
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, contract_id));
        const std::string& user_id = caller.principal.user_id;
        SW_ASSIGN_OR_RETURN(auto membership,
                            deps_.repos.users->GetMembership(tx, contract.team_id, user_id));
        const bool member = membership && membership->status == core::MembershipStatus::kActive;
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, contract.id));
        bool offered = false;
        bool holds = false;
        for (const auto& sub : subs) {
          if (sub.service_id != consumption.service_id) continue;
          offered = true;
          SW_ASSIGN_OR_RETURN(auto seat, deps_.repos.assignments->FindActive(tx, sub.id, user_id));
          holds = holds || seat.has_value();
        }
        if (!member && !holds) {
          core::Error error = core::MakeError(ErrorCode::kPermissionDenied,
                                              "you are not a member of the team of " + contract.id);
          error.conceal_existence = true;
          return error;
        }
        if (!offered) {
          return core::MakeError(ErrorCode::kFailedPrecondition,
                                 "contract " + contract.number +
                                     " has no subscription of service " + consumption.service_id);
        }
        if (!holds) {
          return core::MakeError(ErrorCode::kPermissionDenied,
                                 "you hold no seat of this service on contract " + contract.number +
                                     "; ask your team's admin to assign one");
        }
        return Consume(tx, deps_, options_.allow_negative_credits, caller, contract.id, user_id,
                       consumption.service_id, consumption.amount, consumption.event_id);
      });
}

}  // namespace seatwise::service
