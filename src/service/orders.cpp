#include "service/orders.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <utility>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/company.hpp"
#include "service/contracts.hpp"
#include "service/identity.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::size_t kNumberMax = 20;
constexpr std::size_t kReferenceMax = 64;
constexpr int kSerialAttempts = 20;
// A new customer's Contract Manager is told of the order first, then how to get started, and
// then invited ("1 – COPE (Customer Order processed email) is received", "2 – Get started
// email", "3 – Sign in"): the invitation of a new account waits this long for the first
// order, which puts it behind its own two e-mails; without an order it goes out after this.
constexpr std::chrono::milliseconds kInvitationWaitsForOrder = std::chrono::hours(1);

// Moves the Contract Manager's invitations to `team_id` that were never attempted to the end
// of their queue, due at `due`: behind the order's e-mails when the first order is placed.
Result<void> QueueInvitationsBehind(store::Tx& tx, const Deps& deps, const std::string& email,
                                    const std::string& team_id, core::TimePoint now,
                                    core::TimePoint due) {
  SW_ASSIGN_OR_RETURN(auto pending, deps.repos.outbox->ListPendingEmails(tx, email));
  for (const auto& message : pending) {
    if (message.template_name != "invitation" || message.team_id != team_id) continue;
    if (message.attempts > 0 || message.date_at) continue;  // already on its way
    SW_RETURN_IF_ERROR(deps.repos.outbox->Requeue(tx, message.id, now, due));
  }
  return core::Ok();
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `count` decimal digits, each drawn without bias.
std::string RandomDigits(core::Random& random, std::size_t count) {
  std::string out;
  while (out.size() < count) {
    std::array<std::uint8_t, 16> bytes{};
    random.Fill(std::span<std::uint8_t>(bytes));
    for (std::uint8_t b : bytes) {
      if (b >= 250 || out.size() == count) continue;
      out += static_cast<char>('0' + b % 10);
    }
  }
  return out;
}

// "NNNA1": three digits and a letter derived from what is sold, then the release digit, so
// every subscription of one product shares its key.
std::string ProductKeyFor(std::string_view code) {
  std::uint32_t hash = 2166136261u;
  for (char c : code) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  std::string key = std::to_string(100 + hash % 900);
  key += static_cast<char>('A' + (hash / 900) % 26);
  key += '1';
  return key;
}

// Normalises and checks company information; field names are prefixed with `prefix`.
std::vector<core::FieldError> ValidateCompany(core::CompanyInfo& company,
                                              const std::string& prefix) {
  std::vector<core::FieldError> errors;
  auto check = [&](std::string& value, const char* field, bool required) {
    value = Trimmed(value);
    if (value.empty()) {
      if (required) errors.push_back({prefix + field, "is required"});
      return;
    }
    if (auto problem = CompanyTextProblem(value, value.size())) {
      errors.push_back({prefix + field, std::move(*problem)});
    }
  };
  check(company.name, "name", true);
  check(company.address_line1, "address_line1", true);
  check(company.address_line2, "address_line2", false);
  check(company.city, "city", true);
  check(company.postal_code, "postal_code", true);
  check(company.region, "region", false);
  const bool letters = NormalizeCountry(company.country);
  if (company.country.empty()) {
    errors.push_back({prefix + "country", "is required"});
  } else if (!letters) {
    errors.push_back({prefix + "country", "must be a two-letter ISO 3166-1 code, like US or DE"});
  }
  return errors;
}

std::string ContractStateJson(const core::Contract& c,
                              const std::vector<core::Subscription>& subscriptions) {
  JsonWriter json;
  json.BeginObject()
      .Key("number")
      .String(c.number)
      .Key("status")
      .String(core::EnumName(c.status))
      .Key("term_months")
      .Int(c.term_months)
      .Key("starts_at")
      .Time(c.starts_at)
      .Key("ends_at")
      .Time(c.ends_at)
      .Key("contract_manager_id")
      .String(c.contract_manager_id)
      .Key("software_coordinator_id");
  if (c.software_coordinator_id) {
    json.String(*c.software_coordinator_id);
  } else {
    json.Null();
  }
  json.Key("subscriptions").BeginArray();
  for (const auto& s : subscriptions) {
    json.BeginObject().Key("id").String(s.id).Key("seats").Int(s.seats).Key("ends_at");
    if (s.ends_at) {
      json.Time(*s.ends_at);
    } else {
      json.Null();
    }
    json.EndObject();
  }
  json.EndArray().EndObject();
  return json.str();
}

std::optional<std::string> ActorOf(const Caller& caller) {
  if (caller.principal.user_id.empty()) return std::nullopt;
  return caller.principal.user_id;
}

std::string RoleOf(const Authorization& authz) { return std::string(core::RoleName(authz.role)); }

bool CarriesSerial(const SubscriptionOrder& s) {
  return s.access == core::Access::kMultiUser ||
         s.activation == core::ActivationMethod::kSerialNumber ||
         s.model != core::LicenseModel::kTerm;
}

std::string AccessText(core::Access access) {
  return access == core::Access::kMultiUser ? "multi-user (network)" : "single-user";
}

std::string ActivationText(core::ActivationMethod activation) {
  return activation == core::ActivationMethod::kSignIn ? "sign-in" : "serial number";
}

// What a subscription sells, read from the catalog.
Result<OrderedSubscription> Describe(store::Tx& tx, const Deps& deps, core::Subscription sub) {
  OrderedSubscription out;
  if (sub.product_id) {
    SW_ASSIGN_OR_RETURN(auto p, deps.repos.catalog->GetProduct(tx, *sub.product_id));
    out = {std::move(sub), "product", p.code, p.name};
  } else if (sub.collection_id) {
    SW_ASSIGN_OR_RETURN(auto c, deps.repos.catalog->GetCollection(tx, *sub.collection_id));
    out = {std::move(sub), "collection", c.code, c.name};
  } else if (sub.service_id) {
    SW_ASSIGN_OR_RETURN(auto s, deps.repos.catalog->GetService(tx, *sub.service_id));
    out = {std::move(sub), "service", s.code, s.name};
  } else {
    out.subscription = std::move(sub);
  }
  return out;
}

Result<std::vector<core::Contract>> ContractsOfAccount(store::Tx& tx, const Deps& deps,
                                                       const std::string& account_id) {
  store::ContractFilter filter;
  filter.account_id = account_id;
  return AllContracts(tx, deps, filter);
}

// A contract locked for an order on it, with its subscriptions, and the caller's right to.
struct LockedContract {
  Authorization authz;
  core::Contract contract;
  std::vector<core::Subscription> subscriptions;
};

Result<LockedContract> LockForOrder(store::Tx& tx, const Deps& deps, const Caller& caller,
                                    const std::string& contract_id) {
  Scope scope;
  scope.contract_id = contract_id;
  LockedContract out;
  SW_ASSIGN_OR_RETURN(
      out.authz, Authorize(tx, deps, caller.principal, core::Capability::kCreateOrders, scope));
  SW_ASSIGN_OR_RETURN(out.contract, deps.repos.contracts->LockContract(tx, contract_id));
  SW_ASSIGN_OR_RETURN(out.subscriptions, deps.repos.contracts->ListSubscriptions(tx, contract_id));
  return out;
}

bool HasSubscription(const std::vector<core::Subscription>& subs, const std::string& id) {
  return std::any_of(subs.begin(), subs.end(),
                     [&](const core::Subscription& s) { return s.id == id; });
}

Result<std::vector<core::Assignment>> ActiveAssignments(store::Tx& tx, const Deps& deps,
                                                        const std::string& subscription_id) {
  std::vector<core::Assignment> out;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(
        auto batch, deps.repos.assignments->ListActiveBySubscription(tx, subscription_id, page));
    for (auto& a : batch.items) out.push_back(std::move(a));
    if (batch.next_after.empty()) break;
    page.after = batch.next_after;
  }
  return out;
}

Result<int> ActiveSerialActivations(store::Tx& tx, const Deps& deps,
                                    const std::string& subscription_id) {
  int count = 0;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto batch,
                        deps.repos.activations->ListBySubscription(tx, subscription_id, page));
    for (const auto& a : batch.items) {
      count +=
          a.kind == core::ActivationKind::kSerial && a.status == core::ActivationStatus::kActive;
    }
    if (batch.next_after.empty()) break;
    page.after = batch.next_after;
  }
  return count;
}

// A serial number nobody holds yet: "NNN-NNNNNNNN".
Result<std::string> NewSerialNumber(store::Tx& tx, const Deps& deps) {
  for (int attempt = 0; attempt < kSerialAttempts; ++attempt) {
    std::string serial = RandomDigits(deps.random, 3) + "-" + RandomDigits(deps.random, 8);
    SW_ASSIGN_OR_RETURN(auto taken, deps.repos.contracts->FindSubscriptionBySerial(tx, serial));
    if (!taken) return serial;
  }
  return core::MakeError(ErrorCode::kInternal, "could not draw a free serial number; try again");
}

Result<std::string> NewContractNumber(store::Tx& tx, const Deps& deps) {
  for (int attempt = 0; attempt < kSerialAttempts; ++attempt) {
    std::string number = "1" + RandomDigits(deps.random, 9);
    SW_ASSIGN_OR_RETURN(auto taken, deps.repos.contracts->FindContractByNumber(tx, number));
    if (!taken) return number;
  }
  return core::MakeError(ErrorCode::kInternal, "could not draw a free contract number; try again");
}

// Extends `end` by `months`: from the old end while it is still ahead, from now otherwise.
core::TimePoint Extended(core::TimePoint end, core::TimePoint now, int months) {
  return AddMonths(end > now ? end : now, months);
}

// Field errors of an order that need no data.
std::vector<core::FieldError> ValidateOrder(const OrderRequest& request) {
  std::vector<core::FieldError> errors;
  if (request.term_months < kMinTermMonths || request.term_months > kMaxTermMonths) {
    errors.push_back({"term_months", "must be from 1 to 60"});
  }
  if (request.number && (!AllDigits(*request.number) || request.number->size() > kNumberMax)) {
    errors.push_back({"number", "must be 1 to 20 digits"});
  }
  if (request.subscription_ref &&
      (Trimmed(*request.subscription_ref).empty() ||
       request.subscription_ref->size() > kReferenceMax || HasControl(*request.subscription_ref))) {
    errors.push_back({"subscription_ref", "must be 1 to 64 printable characters"});
  }
  if (request.credits && *request.credits < 0) {
    errors.push_back({"credits", "must be zero or more"});
  }
  if (request.subscriptions.empty()) {
    errors.push_back({"subscriptions", "must name at least one product, collection or service"});
  }
  for (std::size_t i = 0; i < request.subscriptions.size(); ++i) {
    const SubscriptionOrder& s = request.subscriptions[i];
    const std::string at = "subscriptions[" + std::to_string(i) + "]";
    const int codes = static_cast<int>(s.product_code.has_value()) +
                      static_cast<int>(s.collection_code.has_value()) +
                      static_cast<int>(s.service_code.has_value());
    if (codes != 1) {
      errors.push_back({at,
                        "must have exactly one of product_code, collection_code and "
                        "service_code"});
    }
    if (s.seats < 1) errors.push_back({at + ".seats", "must be at least 1"});
    if (s.max_devices && (*s.max_devices < 1 || *s.max_devices > kMaxDevicesLimit)) {
      errors.push_back({at + ".max_devices", "must be from 1 to 10"});
    }
    if (s.lease_ttl_seconds && *s.lease_ttl_seconds < kMinLeaseTtlSeconds) {
      errors.push_back({at + ".lease_ttl_seconds", "must be at least 60"});
    }
    if (s.max_borrow_days && (*s.max_borrow_days < 0 || *s.max_borrow_days > kMaxBorrowDaysLimit)) {
      errors.push_back({at + ".max_borrow_days", "must be from 0 to 180"});
    }
    if (s.model != core::LicenseModel::kTerm &&
        s.activation != core::ActivationMethod::kSerialNumber) {
      errors.push_back({at + ".activation", "perpetual licenses are activated by serial number"});
    }
    if (s.service_code &&
        (s.access != core::Access::kSingleUser || s.activation != core::ActivationMethod::kSignIn ||
         s.model != core::LicenseModel::kTerm)) {
      errors.push_back(
          {at + ".service_code", "services are single-user, sign-in, term subscriptions"});
    }
    if (s.ends_at && request.starts_at && *s.ends_at <= *request.starts_at) {
      errors.push_back({at + ".ends_at", "must be after the contract starts"});
    }
  }
  return errors;
}

// The company information an order is issued with, as its details keep it: a later change of
// the account's company information follows the current contracts, never earlier orders.
void WriteCompany(JsonWriter& json, const core::CompanyInfo& c) {
  WriteCompanyJson(json.Key("company"), c);
}

std::string OrderDetailsJson(const OrderRequest& request, const PlacedOrder& placed) {
  JsonWriter json;
  json.BeginObject();
  WriteCompany(json, placed.contract.company);
  json.Key("term_months")
      .Int(placed.contract.term_months)
      .Key("starts_at")
      .Time(placed.contract.starts_at)
      .Key("ends_at")
      .Time(placed.contract.ends_at)
      .Key("credits")
      .Int(request.credits.value_or(0))
      .Key("subscriptions")
      .BeginArray();
  for (const auto& s : placed.subscriptions) {
    json.BeginObject()
        .Key("subscription_id")
        .String(s.subscription.id)
        .Key("kind")
        .String(s.kind)
        .Key("code")
        .String(s.code)
        .Key("seats")
        .Int(s.subscription.seats)
        .Key("access")
        .String(core::EnumName(s.subscription.access))
        .Key("activation")
        .String(core::EnumName(s.subscription.activation))
        .Key("model")
        .String(core::EnumName(s.subscription.model))
        .EndObject();
  }
  json.EndArray().EndObject();
  return json.str();
}

std::string ContractPayload(const core::Contract& contract, const std::string& order_id) {
  JsonWriter json;
  json.BeginObject().Key("contract_id").String(contract.id);
  if (!order_id.empty()) json.Key("order_id").String(order_id);
  json.EndObject();
  return json.str();
}

}  // namespace

core::TimePoint AddMonths(core::TimePoint t, int months) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const auto time_of_day = t - day;
  year_month_day date{day};
  year_month_day shifted = date + std::chrono::months{months};
  if (!shifted.ok()) shifted = shifted.year() / shifted.month() / last;
  return time_point_cast<milliseconds>(sys_days{shifted} + time_of_day);
}

Result<CreatedAccount> OrderService::CreateAccount(const Caller& caller,
                                                   const AccountRequest& request) {
  AccountRequest input = request;
  std::vector<core::FieldError> input_errors = ValidateCompany(input.company, "company.");
  for (auto& e : ValidateInvite(input.contract_manager)) {
    input_errors.push_back({"contract_manager." + e.field, e.message});
  }
  input.team_name = Trimmed(input.team_name);
  if (input.team_name.size() > kCompanyFieldMax || HasControl(input.team_name)) {
    input_errors.push_back({"team_name", "must be at most 200 printable characters"});
  }
  AuditRecord record;
  record.action = "account.create";
  record.target_type = "account";
  record.target_id = input.company.name;
  return RunAudited<CreatedAccount>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<CreatedAccount> {
        std::vector<core::FieldError> errors = input_errors;  // a retried transaction starts over
        SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                           core::Capability::kCreateOrders, {}));
        std::optional<std::string> reseller_id;
        if (authz.role == core::Role::kOperator) {
          reseller_id = input.reseller_id;
        } else {
          if (input.reseller_id && input.reseller_id != caller.principal.reseller_id) {
            return core::MakeError(ErrorCode::kPermissionDenied,
                                   "only the publisher's operators choose another reseller for "
                                   "an account; leave reseller_id out");
          }
          reseller_id = caller.principal.reseller_id;
        }
        if (reseller_id) {
          auto reseller = deps_.repos.accounts->GetReseller(tx, *reseller_id);
          if (!reseller.ok()) {
            if (reseller.error().code != ErrorCode::kNotFound) return reseller.error();
            errors.push_back({"reseller_id", "no reseller has this id"});
          }
        }
        if (!errors.empty()) return core::InvalidFields("the account is invalid", errors);

        const auto now = deps_.clock.Now();
        CreatedAccount created;
        core::Account account;
        account.reseller_id = reseller_id;
        account.company = input.company;
        account.created_at = account.updated_at = now;
        SW_ASSIGN_OR_RETURN(created.account, deps_.repos.accounts->CreateAccount(tx, account));
        core::Team team;
        team.account_id = created.account.id;
        team.name = input.team_name.empty() ? input.company.name : input.team_name;
        team.created_at = team.updated_at = now;
        SW_ASSIGN_OR_RETURN(created.team, deps_.repos.accounts->CreateTeam(tx, team));

        const InviteRequest& person = input.contract_manager;
        SW_ASSIGN_OR_RETURN(auto existing, deps_.repos.users->FindByEmail(tx, person.email));
        if (existing) {
          created.contract_manager = std::move(*existing);
        } else {
          core::User user;
          user.email = person.email;
          user.first_name = person.first_name;
          user.last_name = person.last_name;
          user.status = core::UserStatus::kInvited;
          user.created_at = user.updated_at = now;
          SW_ASSIGN_OR_RETURN(created.contract_manager, deps_.repos.users->Create(tx, user));
        }
        const auto inviter = ActorOf(caller);
        created.membership = core::Membership{created.team.id,
                                              created.contract_manager.id,
                                              core::TeamRole::kPrimaryAdmin,
                                              core::MembershipStatus::kInvited,
                                              inviter,
                                              now,
                                              std::nullopt,
                                              std::nullopt,
                                              now};
        SW_RETURN_IF_ERROR(deps_.repos.users->AddMembership(tx, created.membership));
        SW_ASSIGN_OR_RETURN(std::string token,
                            identity_.CreateInvitationToken(tx, created.team.id,
                                                            created.contract_manager.id, inviter));
        (void)token;  // only the e-mail carries it
        SW_RETURN_IF_ERROR(QueueInvitationsBehind(tx, deps_, created.contract_manager.email,
                                                  created.team.id, now,
                                                  now + kInvitationWaitsForOrder));

        AuditRecord done = record;
        done.target_id = created.account.id;
        done.account_id = created.account.id;
        done.team_id = created.team.id;
        done.actor_role = RoleOf(authz);
        done.after_json = CompanyJson(created.account.company);
        done.detail = "account " + created.account.company.name + " created with team " +
                      created.team.name + "; Contract Manager and Primary Admin " +
                      created.contract_manager.email + " invited";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        created.contract_manager.password_hash.reset();
        created.contract_manager.totp_secret.reset();
        return created;
      });
}

Result<store::Page<core::Account>> OrderService::ListAccounts(const Caller& caller,
                                                              const store::PageRequest& page) {
  auto result = deps_.db.Transact<store::Page<core::Account>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<store::Page<core::Account>> {
        SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                           core::Capability::kCreateOrders, {}));
        std::optional<std::string> reseller_id;
        if (authz.grant != core::Grant::kEverything) {
          reseller_id = caller.principal.reseller_id;
          if (!reseller_id) {
            return core::MakeError(ErrorCode::kPermissionDenied,
                                   "accounts are listed to their reseller and the publisher");
          }
        }
        return deps_.repos.accounts->ListAccounts(tx, reseller_id, page);
      });
  if (!result.ok() && result.error().code == ErrorCode::kPermissionDenied) {
    AuditRecord record;
    record.action = "account.list";
    record.target_type = "account";
    AuditDenied(deps_, caller, record, result.error());
  }
  return result;
}

Result<AccountDetails> OrderService::GetAccount(const Caller& caller,
                                                const std::string& account_id) {
  auto result = deps_.db.Transact<AccountDetails>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<AccountDetails> {
        Scope scope;
        scope.account_id = account_id;
        SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                           core::Capability::kCreateOrders, scope));
        (void)authz;
        AccountDetails details;
        SW_ASSIGN_OR_RETURN(details.account, deps_.repos.accounts->GetAccount(tx, account_id));
        SW_ASSIGN_OR_RETURN(details.teams, deps_.repos.accounts->ListTeams(tx, account_id));
        SW_ASSIGN_OR_RETURN(details.contracts, ContractsOfAccount(tx, deps_, account_id));
        return details;
      });
  if (!result.ok() && result.error().code == ErrorCode::kPermissionDenied) {
    AuditRecord record;
    record.action = "account.read";
    record.target_type = "account";
    record.target_id = account_id;
    AuditDenied(deps_, caller, record, result.error());
  }
  return result;
}

Result<core::Account> OrderService::UpdateAccount(const Caller& caller,
                                                  const std::string& account_id,
                                                  const CompanyPatch& patch) {
  AuditRecord record;
  record.action = "account.update";
  record.target_type = "account";
  record.target_id = account_id;
  record.account_id = account_id;
  return RunAudited<core::Account>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<core::Account> {
        Scope scope;
        scope.account_id = account_id;
        SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                           core::Capability::kCreateOrders, scope));
        SW_ASSIGN_OR_RETURN(core::Account account,
                            deps_.repos.accounts->GetAccount(tx, account_id));
        const std::string before = CompanyJson(account.company);
        core::CompanyInfo company = account.company;
        if (patch.name) company.name = *patch.name;
        if (patch.address_line1) company.address_line1 = *patch.address_line1;
        if (patch.address_line2) company.address_line2 = *patch.address_line2;
        if (patch.city) company.city = *patch.city;
        if (patch.postal_code) company.postal_code = *patch.postal_code;
        if (patch.region) company.region = *patch.region;
        if (patch.country) company.country = *patch.country;
        // Only what changes is checked: an older record may lack a field it never had.
        const std::map<std::string, bool> changed = {
            {"company.name", patch.name.has_value()},
            {"company.address_line1", patch.address_line1.has_value()},
            {"company.address_line2", patch.address_line2.has_value()},
            {"company.city", patch.city.has_value()},
            {"company.postal_code", patch.postal_code.has_value()},
            {"company.region", patch.region.has_value()},
            {"company.country", patch.country.has_value()}};
        std::vector<core::FieldError> errors;
        for (auto& e : ValidateCompany(company, "company.")) {
          if (changed.at(e.field)) errors.push_back(std::move(e));
        }
        if (!errors.empty())
          return core::InvalidFields("the company information is invalid", errors);
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(auto numbers, SetAccountCompany(tx, deps_, account_id, company, now));
        account.company = company;
        account.updated_at = now;
        AuditRecord done = record;
        done.actor_role = RoleOf(authz);
        done.before_json = before;
        done.after_json = CompanyJson(company);
        done.detail = "company information of " + company.name + " changed";
        if (!numbers.empty()) {
          std::string list;
          for (const auto& n : numbers) list += (list.empty() ? "" : ", ") + n;
          done.detail += ", with its current contracts " + list;
        }
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return account;
      });
}

Result<PlacedOrder> OrderService::PlaceOrder(const Caller& caller, const std::string& account_id,
                                             const OrderRequest& request) {
  const std::vector<core::FieldError> input_errors = ValidateOrder(request);
  AuditRecord record;
  record.action = "order.create";
  record.target_type = "account";
  record.target_id = account_id;
  record.account_id = account_id;
  return RunAudited<PlacedOrder>(deps_, caller, record, [&](store::Tx& tx) -> Result<PlacedOrder> {
    std::vector<core::FieldError> errors = input_errors;  // a retried transaction starts over
    Scope scope;
    scope.account_id = account_id;
    scope.team_id = request.team_id;
    SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                       core::Capability::kCreateOrders, scope));
    SW_ASSIGN_OR_RETURN(core::Account account, deps_.repos.accounts->GetAccount(tx, account_id));
    const auto now = deps_.clock.Now();

    core::Team team;
    if (request.team_id) {
      SW_ASSIGN_OR_RETURN(team, deps_.repos.accounts->LockTeam(tx, *request.team_id));
    } else {
      SW_ASSIGN_OR_RETURN(auto teams, deps_.repos.accounts->ListTeams(tx, account_id));
      if (teams.empty()) {
        return core::MakeError(ErrorCode::kFailedPrecondition,
                               "account " + account_id + " has no team to hold the contract");
      }
      auto first = std::min_element(teams.begin(), teams.end(), [](const auto& a, const auto& b) {
        return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
      });
      SW_ASSIGN_OR_RETURN(team, deps_.repos.accounts->LockTeam(tx, first->id));
    }
    SW_ASSIGN_OR_RETURN(auto primary_admin, deps_.repos.users->FindPrimaryAdmin(tx, team.id));

    std::optional<core::User> manager;
    if (request.contract_manager_email) {
      SW_ASSIGN_OR_RETURN(auto found,
                          deps_.repos.users->FindByEmail(tx, *request.contract_manager_email));
      if (!found || found->erased || found->status == core::UserStatus::kRemoved) {
        errors.push_back({"contract_manager_email",
                          "no Seatwise user has this e-mail; create "
                          "the account's Contract Manager first"});
      } else {
        manager = std::move(*found);
      }
    } else if (primary_admin) {
      manager = primary_admin->user;
    } else {
      errors.push_back(
          {"contract_manager_email", "is required: team " + team.name + " has no Primary Admin"});
    }

    // What each line sells.
    struct Line {
      std::optional<std::string> product_id, collection_id, service_id;
      std::string kind, code, name;
    };
    std::vector<Line> lines(request.subscriptions.size());
    for (std::size_t i = 0; i < request.subscriptions.size(); ++i) {
      const SubscriptionOrder& s = request.subscriptions[i];
      const std::string at = "subscriptions[" + std::to_string(i) + "]";
      Line& line = lines[i];
      if (s.product_code) {
        SW_ASSIGN_OR_RETURN(auto p, deps_.repos.catalog->FindProductByCode(tx, *s.product_code));
        if (!p) {
          errors.push_back({at + ".product_code", "no product has the code " + *s.product_code});
        } else if (p->retired) {
          errors.push_back({at + ".product_code", "product " + p->code + " is retired"});
        } else {
          line = {p->id, std::nullopt, std::nullopt, "product", p->code, p->name};
        }
      } else if (s.collection_code) {
        SW_ASSIGN_OR_RETURN(auto c,
                            deps_.repos.catalog->FindCollectionByCode(tx, *s.collection_code));
        if (!c) {
          errors.push_back(
              {at + ".collection_code", "no collection has the code " + *s.collection_code});
        } else {
          line = {std::nullopt, c->id, std::nullopt, "collection", c->code, c->name};
        }
      } else if (s.service_code) {
        SW_ASSIGN_OR_RETURN(auto v, deps_.repos.catalog->FindServiceByCode(tx, *s.service_code));
        if (!v) {
          errors.push_back({at + ".service_code", "no service has the code " + *s.service_code});
        } else {
          line = {std::nullopt, std::nullopt, v->id, "service", v->code, v->name};
        }
      }
    }
    if (!errors.empty()) return core::InvalidFields("the order is invalid", errors);

    core::Contract contract;
    if (request.number) {
      SW_ASSIGN_OR_RETURN(auto taken,
                          deps_.repos.contracts->FindContractByNumber(tx, *request.number));
      if (taken) {
        return core::MakeError(ErrorCode::kAlreadyExists,
                               "contract number " + *request.number +
                                   " is already used; leave number out to get a new one");
      }
      contract.number = *request.number;
    } else {
      SW_ASSIGN_OR_RETURN(contract.number, NewContractNumber(tx, deps_));
    }
    contract.subscription_ref = request.subscription_ref ? Trimmed(*request.subscription_ref)
                                                         : RandomDigits(deps_.random, 12);
    contract.account_id = account.id;
    contract.team_id = team.id;
    contract.reseller_id = account.reseller_id;
    contract.contract_manager_id = manager->id;
    contract.starts_at = request.starts_at.value_or(now);
    contract.ends_at = AddMonths(contract.starts_at, request.term_months);
    contract.term_months = request.term_months;
    contract.status = core::ContractStatus::kActive;
    contract.company = account.company;
    contract.created_at = contract.updated_at = now;
    const bool serial_contract =
        std::any_of(request.subscriptions.begin(), request.subscriptions.end(), CarriesSerial);
    if (serial_contract) contract.software_coordinator_id = manager->id;
    SW_ASSIGN_OR_RETURN(contract, deps_.repos.contracts->CreateContract(tx, contract));

    PlacedOrder placed;
    for (std::size_t i = 0; i < request.subscriptions.size(); ++i) {
      const SubscriptionOrder& s = request.subscriptions[i];
      const Line& line = lines[i];
      core::Subscription sub;
      sub.contract_id = contract.id;
      sub.product_id = line.product_id;
      sub.collection_id = line.collection_id;
      sub.service_id = line.service_id;
      sub.seats = s.seats;
      sub.access = s.access;
      sub.activation = s.activation;
      sub.model = s.model;
      if (CarriesSerial(s)) {
        SW_ASSIGN_OR_RETURN(sub.serial_number, NewSerialNumber(tx, deps_));
        sub.product_key = ProductKeyFor(line.code);
      }
      if (s.max_devices) sub.max_devices = *s.max_devices;
      if (s.lease_ttl_seconds) sub.lease_ttl_seconds = *s.lease_ttl_seconds;
      if (s.max_borrow_days) sub.max_borrow_days = *s.max_borrow_days;
      sub.ends_at = s.ends_at;
      sub.created_at = sub.updated_at = now;
      SW_ASSIGN_OR_RETURN(sub, deps_.repos.contracts->CreateSubscription(tx, sub));
      placed.subscriptions.push_back({std::move(sub), line.kind, line.code, line.name});
    }

    if (request.credits && *request.credits > 0) {
      core::CreditEntry entry;
      entry.contract_id = contract.id;
      entry.actor_id = ActorOf(caller);
      entry.amount = *request.credits;
      entry.reason = core::CreditReason::kPurchase;
      entry.note = "initial cloud credits of the order";
      entry.at = now;
      SW_RETURN_IF_ERROR(deps_.repos.usage->AddCreditEntry(tx, entry, false));
      SW_ASSIGN_OR_RETURN(contract, deps_.repos.contracts->GetContract(tx, contract.id));
    }
    placed.contract = contract;

    core::Order order;
    order.contract_id = contract.id;
    order.kind = core::OrderKind::kNew;
    order.placed_by = ActorOf(caller);
    order.details_json = OrderDetailsJson(request, placed);
    order.created_at = now;
    SW_ASSIGN_OR_RETURN(placed.order, deps_.repos.contracts->CreateOrder(tx, order));

    // Rule 1: new sign-in seats sit with the Primary Admin until reassigned.
    int default_seats = 0;
    if (primary_admin) {
      for (const auto& line : placed.subscriptions) {
        const auto& sub = line.subscription;
        if (sub.access != core::Access::kSingleUser ||
            sub.activation != core::ActivationMethod::kSignIn) {
          continue;
        }
        core::Assignment assignment;
        assignment.subscription_id = sub.id;
        assignment.user_id = primary_admin->user.id;
        assignment.assigned_by = ActorOf(caller);
        assignment.assigned_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.assignments->AssignSeat(tx, assignment));
        ++default_seats;
      }
    }
    // Rule 1, serial side: "the contract manager is assigned as the end user by default" —
    // access to each new single-user serial-number subscription sits with the Contract
    // Manager (ticked in classic user management) until they are unticked. A Contract
    // Manager who is not a member of the team cannot appear there, so the Primary Admin
    // holds it instead.
    int serial_defaults = 0;
    std::optional<core::User> serial_holder;
    SW_ASSIGN_OR_RETURN(auto manager_membership,
                        deps_.repos.users->GetMembership(tx, team.id, manager->id));
    if (manager_membership && manager_membership->status != core::MembershipStatus::kRemoved) {
      serial_holder = *manager;
    } else if (primary_admin) {
      serial_holder = primary_admin->user;
    }
    if (serial_holder) {
      for (const auto& line : placed.subscriptions) {
        const auto& sub = line.subscription;
        if (sub.access != core::Access::kSingleUser ||
            sub.activation != core::ActivationMethod::kSerialNumber) {
          continue;
        }
        core::Assignment assignment;
        assignment.subscription_id = sub.id;
        assignment.user_id = serial_holder->id;
        assignment.assigned_by = ActorOf(caller);
        assignment.assigned_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.assignments->AssignSeat(tx, assignment));
        ++serial_defaults;
      }
    }

    std::string products;
    for (const auto& line : placed.subscriptions) {
      const auto& sub = line.subscription;
      products += "- " + line.name + " (" + line.code + "): " + std::to_string(sub.seats) +
                  (sub.seats == 1 ? " seat, " : " seats, ") + AccessText(sub.access) + ", " +
                  ActivationText(sub.activation);
      if (sub.serial_number) {
        products += ", serial number " + *sub.serial_number + ", product key " + *sub.product_key;
      }
      products += "\n";
    }
    const std::string payload = ContractPayload(contract, placed.order.id);
    Email processed;
    processed.event_key = "order_processed:" + placed.order.id;
    processed.template_name = "order_processed";
    processed.to = &*manager;
    processed.subject = "Your order is processed: contract " + contract.number;
    processed.body = "Your order has been processed.\n\nContract number: " + contract.number +
                     "\nSubscription id: " + contract.subscription_ref +
                     "\nTerm: " + std::to_string(contract.term_months) + " months, from " +
                     DateText(contract.starts_at) + " to " + DateText(contract.ends_at) +
                     "\n\nProducts:\n" + products;
    processed.team_id = team.id;
    processed.payload_json = payload;
    SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, processed));

    const std::string sign_in = public_url_ + "/sign-in";
    std::string started_body =
        "Your products are ready. To get started:\n\n"
        "1. Sign in at " +
        sign_in +
        " (accept your invitation first if you have not yet).\n"
        "2. Review your products under contract " +
        contract.number +
        ".\n"
        "3. Set up users: invite the people of your team and assign them seats.\n"
        "4. Download the products from the portal.\n"
        "5. Install them on each computer.\n"
        "6. Use them: sign-in products ask the user to sign in with their Seatwise account; "
        "serial-number products ask for the serial number and product key above.";
    if (default_seats > 0 && primary_admin) {
      started_body += "\n\nOne seat of each sign-in product (" + std::to_string(default_seats) +
                      " in all) sits with the Primary Admin, " + PersonLabel(primary_admin->user) +
                      ", until reassigned: unassign it there and assign it to the person who "
                      "will use it.";
    }
    if (serial_defaults > 0 && serial_holder) {
      const bool is_manager = serial_holder->id == manager->id;
      started_body += "\n\nAccess to each serial-number product (" +
                      std::to_string(serial_defaults) + " in all) sits with the " +
                      (is_manager ? "Contract Manager, " : "Primary Admin, ") +
                      PersonLabel(*serial_holder) +
                      ", until changed in classic user management: untick it there (edit "
                      "access) and tick it for the person who will use it.";
    }
    Email started;
    started.event_key = "get_started:" + placed.order.id;
    started.template_name = "get_started";
    started.to = &*manager;
    started.action_url = sign_in;
    started.subject = "Get started with contract " + contract.number;
    started.body = started_body;
    started.team_id = team.id;
    started.payload_json = payload;
    SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, started));
    SW_RETURN_IF_ERROR(QueueInvitationsBehind(tx, deps_, manager->email, team.id, now, now));

    AuditRecord done = record;
    done.target_type = "contract";
    done.target_id = contract.id;
    done.team_id = team.id;
    done.actor_role = RoleOf(authz);
    SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, contract.id));
    done.after_json = ContractStateJson(contract, subs);
    done.detail = "order " + placed.order.id + ": contract " + contract.number + " with " +
                  std::to_string(placed.subscriptions.size()) + " subscriptions for " +
                  account.company.name;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    return placed;
  });
}

Result<Renewal> OrderService::Renew(const Caller& caller, const std::string& contract_id,
                                    const RenewRequest& request) {
  std::vector<core::FieldError> input_errors;
  if (request.term_months &&
      (*request.term_months < kMinTermMonths || *request.term_months > kMaxTermMonths)) {
    input_errors.push_back({"term_months", "must be from 1 to 60"});
  }
  for (std::size_t i = 0; i < request.seats.size(); ++i) {
    if (request.seats[i].seats < 1) {
      input_errors.push_back({"seats[" + std::to_string(i) + "].seats", "must be at least 1"});
    }
  }
  AuditRecord record;
  record.action = "contract.renew";
  record.target_type = "contract";
  record.target_id = contract_id;
  return RunAudited<Renewal>(deps_, caller, record, [&](store::Tx& tx) -> Result<Renewal> {
    std::vector<core::FieldError> errors = input_errors;  // a retried transaction starts over
    SW_ASSIGN_OR_RETURN(LockedContract locked, LockForOrder(tx, deps_, caller, contract_id));
    const Authorization& authz = locked.authz;
    core::Contract& contract = locked.contract;
    std::vector<core::Subscription>& subs = locked.subscriptions;
    for (std::size_t i = 0; i < request.seats.size(); ++i) {
      if (!HasSubscription(subs, request.seats[i].subscription_id)) {
        errors.push_back({"seats[" + std::to_string(i) + "].subscription_id",
                          "is not a subscription of contract " + contract.number});
      }
    }
    if (!errors.empty()) return core::InvalidFields("the renewal is invalid", errors);
    if (contract.status == core::ContractStatus::kCancelled) {
      return core::MakeError(ErrorCode::kConflict, "contract " + contract.number +
                                                       " was cancelled and cannot be renewed; "
                                                       "place a new order instead");
    }
    const auto now = deps_.clock.Now();
    const std::string before = ContractStateJson(contract, subs);
    const int term = request.term_months.value_or(contract.term_months);

    for (const auto& change : request.seats) {
      SW_ASSIGN_OR_RETURN(auto sub,
                          deps_.repos.contracts->LockSubscription(tx, change.subscription_id));
      SW_ASSIGN_OR_RETURN(int assigned, deps_.repos.assignments->CountActive(tx, sub.id));
      if (change.seats < assigned) {
        SW_ASSIGN_OR_RETURN(auto described, Describe(tx, deps_, sub));
        return core::MakeError(ErrorCode::kConflict,
                               std::to_string(assigned) + " seats of " + described.name +
                                   " are assigned; renew " + "with at least " +
                                   std::to_string(assigned) + " seats or unassign some first");
      }
      for (auto& s : subs) {
        if (s.id == sub.id) s.seats = change.seats;
      }
    }
    for (auto& sub : subs) {
      if (sub.ends_at) sub.ends_at = Extended(*sub.ends_at, now, term);
      sub.updated_at = now;
      SW_RETURN_IF_ERROR(deps_.repos.contracts->UpdateSubscription(tx, sub));
    }

    contract.ends_at = Extended(contract.ends_at, now, term);
    contract.term_months = term;
    if (contract.status != core::ContractStatus::kActive) {
      contract.status = core::ContractStatus::kActive;
      contract.status_changed_at = now;
    }
    const bool serial = std::any_of(subs.begin(), subs.end(), [](const core::Subscription& s) {
      return s.activation == core::ActivationMethod::kSerialNumber;
    });
    if (serial || contract.software_coordinator_id) {
      contract.software_coordinator_id = contract.contract_manager_id;
    }
    contract.updated_at = now;
    SW_RETURN_IF_ERROR(deps_.repos.contracts->UpdateContract(tx, contract));

    Renewal renewal;
    core::Order order;
    order.contract_id = contract.id;
    order.kind = core::OrderKind::kRenewal;
    order.placed_by = ActorOf(caller);
    JsonWriter details;
    details.BeginObject();
    WriteCompany(details, contract.company);
    details.Key("term_months")
        .Int(term)
        .Key("ends_at")
        .Time(contract.ends_at)
        .Key("seats")
        .BeginArray();
    for (const auto& change : request.seats) {
      details.BeginObject()
          .Key("subscription_id")
          .String(change.subscription_id)
          .Key("seats")
          .Int(change.seats)
          .EndObject();
    }
    details.EndArray().EndObject();
    order.details_json = details.str();
    order.created_at = now;
    SW_ASSIGN_OR_RETURN(renewal.order, deps_.repos.contracts->CreateOrder(tx, order));

    SW_ASSIGN_OR_RETURN(core::User manager,
                        deps_.repos.users->Get(tx, contract.contract_manager_id));
    Email email;
    email.event_key = "contract_renewed:" + renewal.order.id;
    email.template_name = "contract_renewed";
    email.to = &manager;
    email.subject = "Contract " + contract.number + " is renewed";
    email.body = "Contract " + contract.number + " has been renewed for " + std::to_string(term) +
                 " months; it now ends on " + DateText(contract.ends_at) + ".";
    if (contract.software_coordinator_id) {
      email.body +=
          "\n\nAs with every renewal, the Software Coordinator role is back with you, the "
          "Contract Manager; appoint another Software Coordinator if someone else manages "
          "the serial-number installs.";
    }
    email.team_id = contract.team_id;
    email.payload_json = ContractPayload(contract, renewal.order.id);
    SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));

    AuditRecord done = record;
    done.team_id = contract.team_id;
    done.account_id = contract.account_id;
    done.actor_role = RoleOf(authz);
    done.before_json = before;
    done.after_json = ContractStateJson(contract, subs);
    done.detail = "contract " + contract.number + " renewed for " + std::to_string(term) +
                  " months until " + DateText(contract.ends_at);
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    renewal.contract = std::move(contract);
    return renewal;
  });
}

Result<Migration> OrderService::MigrateToSignIn(const Caller& caller,
                                                const std::string& contract_id,
                                                const MigrationRequest& request) {
  AuditRecord record;
  record.action = "contract.migrate_to_sign_in";
  record.target_type = "contract";
  record.target_id = contract_id;
  return RunAudited<Migration>(deps_, caller, record, [&](store::Tx& tx) -> Result<Migration> {
    SW_ASSIGN_OR_RETURN(LockedContract locked, LockForOrder(tx, deps_, caller, contract_id));
    const Authorization& authz = locked.authz;
    core::Contract& contract = locked.contract;
    std::vector<core::Subscription>& subs = locked.subscriptions;
    const std::set<std::string> named(request.subscription_ids.begin(),
                                      request.subscription_ids.end());
    std::vector<core::FieldError> errors;
    for (std::size_t i = 0; i < request.subscription_ids.size(); ++i) {
      if (!HasSubscription(subs, request.subscription_ids[i])) {
        errors.push_back({"subscription_ids[" + std::to_string(i) + "]",
                          "is not a subscription of contract " + contract.number});
      }
    }
    if (!errors.empty()) return core::InvalidFields("the migration request is invalid", errors);

    SW_ASSIGN_OR_RETURN(auto primary_admin,
                        deps_.repos.users->FindPrimaryAdmin(tx, contract.team_id));
    Migration migration;
    migration.contract_id = contract.id;
    migration.dry_run = request.dry_run;
    std::vector<OrderedSubscription> eligible;
    for (auto& sub : subs) {
      if (!named.empty() && !named.contains(sub.id)) continue;
      SW_ASSIGN_OR_RETURN(auto described, Describe(tx, deps_, sub));
      std::string reason;
      if (sub.access == core::Access::kMultiUser) {
        reason = "network (multi-user) licenses are never migrated; they keep their serial number";
      } else if (sub.model != core::LicenseModel::kTerm) {
        reason = "perpetual licenses are never migrated; they keep their serial number";
      } else if (sub.activation == core::ActivationMethod::kSignIn) {
        reason = "already uses sign-in";
      }
      if (reason.empty()) {
        eligible.push_back(std::move(described));
        continue;
      }
      if (named.contains(sub.id) && sub.activation != core::ActivationMethod::kSignIn) {
        return core::MakeError(ErrorCode::kConflict, described.name + " (" + sub.id + "): " +
                                                         reason + "; leave it out of the request");
      }
      migration.skipped.push_back({sub.id, described.name, reason});
    }
    if (eligible.empty()) {
      std::string why;
      for (const auto& s : migration.skipped) {
        why += (why.empty() ? "" : "; ") + s.product + " " + s.reason;
      }
      if (why.empty()) why = "the contract has no subscriptions";
      return core::MakeError(ErrorCode::kConflict, "nothing to migrate: " + why);
    }

    const auto now = deps_.clock.Now();
    const auto actor = ActorOf(caller);
    for (auto& line : eligible) {
      core::Subscription& sub = line.subscription;
      MigratedSubscription moved;
      moved.subscription_id = sub.id;
      moved.product = line.name;
      moved.serial_number = sub.serial_number.value_or("");
      moved.seats = sub.seats;
      if (primary_admin) moved.seats_held_by = primary_admin->user.id;
      SW_ASSIGN_OR_RETURN(auto held, ActiveAssignments(tx, deps_, sub.id));
      moved.assignments_ended = static_cast<int>(held.size());
      if (request.dry_run) {
        SW_ASSIGN_OR_RETURN(moved.activations_revoked, ActiveSerialActivations(tx, deps_, sub.id));
        migration.migrated.push_back(std::move(moved));
        continue;
      }
      SW_ASSIGN_OR_RETURN(sub, deps_.repos.contracts->LockSubscription(tx, sub.id));
      const std::string before = ContractStateJson(contract, {sub});
      for (const auto& a : held) {
        SW_RETURN_IF_ERROR(deps_.repos.assignments->Unassign(tx, sub.id, a.user_id, actor, now));
      }
      SW_ASSIGN_OR_RETURN(moved.activations_revoked, deps_.repos.activations->RevokeForSubscription(
                                                         tx, sub.id, core::ActivationKind::kSerial,
                                                         core::RevocationReason::kMigrated, now));
      sub.activation = core::ActivationMethod::kSignIn;
      sub.migrated_at = now;
      sub.updated_at = now;
      SW_RETURN_IF_ERROR(deps_.repos.contracts->UpdateSubscription(tx, sub));
      if (primary_admin) {
        core::Assignment seat;
        seat.subscription_id = sub.id;
        seat.user_id = primary_admin->user.id;
        seat.assigned_by = actor;
        seat.assigned_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.assignments->AssignSeat(tx, seat));
      }
      AuditRecord entry;
      entry.action = "subscription.migrate_to_sign_in";
      entry.target_type = "subscription";
      entry.target_id = sub.id;
      entry.team_id = contract.team_id;
      entry.account_id = contract.account_id;
      entry.actor_role = RoleOf(authz);
      JsonWriter after;
      after.BeginObject()
          .Key("activation")
          .String("sign_in")
          .Key("migrated_at")
          .Time(now)
          .Key("serial_number")
          .String(moved.serial_number)
          .Key("assignments_ended")
          .Int(moved.assignments_ended)
          .Key("activations_revoked")
          .Int(moved.activations_revoked)
          .EndObject();
      entry.before_json = before;
      entry.after_json = after.str();
      entry.detail = line.name + " (serial " + moved.serial_number + ") switched to sign-in";
      SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, entry));
      migration.migrated.push_back(std::move(moved));
    }
    if (request.dry_run) return migration;

    // The Software Coordinator is a role of serial-number contracts only.
    SW_ASSIGN_OR_RETURN(auto after_subs, deps_.repos.contracts->ListSubscriptions(tx, contract_id));
    const bool serial_left =
        std::any_of(after_subs.begin(), after_subs.end(), [](const core::Subscription& s) {
          return s.activation == core::ActivationMethod::kSerialNumber;
        });
    const std::string before_contract = ContractStateJson(contract, subs);
    if (!serial_left && contract.software_coordinator_id) {
      contract.software_coordinator_id.reset();
      contract.updated_at = now;
      SW_RETURN_IF_ERROR(deps_.repos.contracts->UpdateContract(tx, contract));
    }

    std::string list;
    for (const auto& m : migration.migrated) {
      list += "- " + m.product + " (serial number " + m.serial_number +
              "): " + std::to_string(m.seats) + (m.seats == 1 ? " seat" : " seats") + "\n";
    }
    std::string held_by = primary_admin ? PersonLabel(primary_admin->user) : "nobody";
    const std::string body =
        "The following single-user products of contract " + contract.number +
        " now use sign-in instead of a serial number:\n\n" + list +
        "\nWhat to do now:\n"
        "1. Their seats sit with the Primary Admin, " +
        held_by +
        ": unassign them there and assign them to the people who use the products.\n"
        "2. Every install still using the serial number stops working and asks to sign in: "
        "each user signs in with their Seatwise account.\n"
        "The serial numbers stay on record, but no longer activate these products.";
    std::vector<const core::User*> recipients;
    SW_ASSIGN_OR_RETURN(core::User manager,
                        deps_.repos.users->Get(tx, contract.contract_manager_id));
    recipients.push_back(&manager);
    if (primary_admin && primary_admin->user.id != manager.id) {
      recipients.push_back(&primary_admin->user);
    }
    for (const core::User* to : recipients) {
      Email email;
      email.event_key = "migration_notice:" + contract.id + ":" + to->id + ":" +
                        std::to_string(core::ToUnixMillis(now));
      email.template_name = "migration_notice";
      email.to = to;
      email.subject = "Contract " + contract.number + ": products now activate by sign-in";
      email.body = body;
      email.team_id = contract.team_id;
      email.payload_json = ContractPayload(contract, "");
      SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));
    }

    AuditRecord done = record;
    done.team_id = contract.team_id;
    done.account_id = contract.account_id;
    done.actor_role = RoleOf(authz);
    done.before_json = before_contract;
    SW_ASSIGN_OR_RETURN(after_subs, deps_.repos.contracts->ListSubscriptions(tx, contract_id));
    done.after_json = ContractStateJson(contract, after_subs);
    done.detail = std::to_string(migration.migrated.size()) +
                  " subscriptions switched to sign-in, " +
                  std::to_string(migration.skipped.size()) + " skipped";
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    return migration;
  });
}

}  // namespace seatwise::service
