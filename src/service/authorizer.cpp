#include "service/authorizer.hpp"

#include <algorithm>
#include <set>

#include "service/contracts.hpp"
#include "store/contract_repository.hpp"

namespace seatwise::service {
namespace {

using core::Capability;
using core::ErrorCode;
using core::Grant;
using core::Result;
using core::Role;

// The objects a scope names, loaded once per decision.
struct ResolvedScope {
  std::optional<core::Account> account;    // unset only for the instance scope
  std::optional<core::Team> team;          // team and contract scopes
  std::optional<core::Contract> contract;  // contract scope
  std::vector<core::Contract> contracts;   // every contract inside the scope
  bool instance() const { return !account.has_value(); }
};

// One role the caller holds inside the scope.
struct Holding {
  Role role = Role::kUser;
  std::optional<std::string> team_id;     // team roles: the team they hold it in
  std::vector<std::string> contract_ids;  // CM, SC: the contracts naming them
};

Result<ResolvedScope> Resolve(store::Tx& tx, const Deps& deps, const Scope& scope) {
  ResolvedScope out;
  std::optional<std::string> team_id = scope.team_id;
  std::optional<std::string> account_id = scope.account_id;
  if (scope.contract_id) {
    SW_ASSIGN_OR_RETURN(auto contract, deps.repos.contracts->GetContract(tx, *scope.contract_id));
    if (team_id && *team_id != contract.team_id) {
      return core::MakeError(ErrorCode::kNotFound,
                             "contract " + contract.id + " does not belong to team " + *team_id);
    }
    if (account_id && *account_id != contract.account_id) {
      return core::MakeError(
          ErrorCode::kNotFound,
          "contract " + contract.id + " does not belong to account " + *account_id);
    }
    team_id = contract.team_id;
    account_id = contract.account_id;
    out.contracts.push_back(contract);
    out.contract = std::move(contract);
  }
  if (team_id) {
    SW_ASSIGN_OR_RETURN(auto team, deps.repos.accounts->GetTeam(tx, *team_id));
    if (account_id && *account_id != team.account_id) {
      return core::MakeError(ErrorCode::kNotFound,
                             "team " + team.id + " does not belong to account " + *account_id);
    }
    account_id = team.account_id;
    if (!out.contract) {
      store::ContractFilter filter;
      filter.team_id = team.id;
      SW_ASSIGN_OR_RETURN(out.contracts, AllContracts(tx, deps, filter));
    }
    out.team = std::move(team);
  }
  if (account_id) {
    SW_ASSIGN_OR_RETURN(auto account, deps.repos.accounts->GetAccount(tx, *account_id));
    if (!out.team) {
      store::ContractFilter filter;
      filter.account_id = account.id;
      SW_ASSIGN_OR_RETURN(out.contracts, AllContracts(tx, deps, filter));
    }
    out.account = std::move(account);
  }
  return out;
}

Role RoleOf(core::TeamRole role) {
  switch (role) {
    case core::TeamRole::kPrimaryAdmin:
      return Role::kPrimaryAdmin;
    case core::TeamRole::kSecondaryAdmin:
      return Role::kSecondaryAdmin;
    case core::TeamRole::kUser:
      return Role::kUser;
  }
  return Role::kUser;
}

// Loads the caller; anonymous, system and removed callers are unauthenticated.
Result<core::User> CallerUser(store::Tx& tx, const Deps& deps, const Principal& who) {
  if (!who.authenticated() || who.user_id.empty()) {
    return core::MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  auto user = deps.repos.users->Get(tx, who.user_id);
  if (!user.ok()) {
    if (user.error().code != ErrorCode::kNotFound) return std::move(user).error();
    return core::MakeError(ErrorCode::kUnauthenticated,
                           "your account no longer exists; sign in again");
  }
  if (user->status == core::UserStatus::kRemoved || user->erased) {
    return core::MakeError(ErrorCode::kUnauthenticated,
                           "your account has been removed; ask your admin to invite you again");
  }
  return std::move(user).value();
}

// Active memberships of `user_id` in the teams of the scope (one team, or every team of
// the account). At instance scope, every active membership.
Result<std::vector<core::Membership>> MembershipsInScope(store::Tx& tx, const Deps& deps,
                                                         const ResolvedScope& scope,
                                                         const std::string& user_id) {
  std::vector<core::Membership> out;
  if (scope.team) {
    SW_ASSIGN_OR_RETURN(auto m, deps.repos.users->GetMembership(tx, scope.team->id, user_id));
    if (m && m->status == core::MembershipStatus::kActive) out.push_back(std::move(*m));
    return out;
  }
  SW_ASSIGN_OR_RETURN(auto all, deps.repos.users->ListMemberships(tx, user_id));
  for (auto& m : all) {
    if (m.status != core::MembershipStatus::kActive) continue;
    if (scope.account) {
      SW_ASSIGN_OR_RETURN(auto team, deps.repos.accounts->GetTeam(tx, m.team_id));
      if (team.account_id != scope.account->id) continue;
    }
    out.push_back(std::move(m));
  }
  return out;
}

// Every role `user` holds inside the scope, in core::Role order.
Result<std::vector<Holding>> HoldingsIn(store::Tx& tx, const Deps& deps, const ResolvedScope& scope,
                                        const core::User& user) {
  std::vector<Holding> out;
  if (user.is_operator) out.push_back({Role::kOperator, std::nullopt, {}});
  if (user.reseller_id && (scope.instance() || scope.account->reseller_id == user.reseller_id)) {
    out.push_back({Role::kReseller, std::nullopt, {}});
  }

  std::vector<core::Contract> instance_contracts;
  const std::vector<core::Contract>* contracts = &scope.contracts;
  if (scope.instance()) {
    store::ContractFilter as_cm;
    as_cm.contract_manager_id = user.id;
    SW_ASSIGN_OR_RETURN(instance_contracts, AllContracts(tx, deps, as_cm));
    store::ContractFilter as_sc;
    as_sc.software_coordinator_id = user.id;
    SW_ASSIGN_OR_RETURN(auto sc_contracts, AllContracts(tx, deps, as_sc));
    for (auto& c : sc_contracts) {
      if (c.contract_manager_id != user.id) instance_contracts.push_back(std::move(c));
    }
    contracts = &instance_contracts;
  }
  Holding cm{Role::kContractManager, std::nullopt, {}};
  Holding sc{Role::kSoftwareCoordinator, std::nullopt, {}};
  for (const auto& c : *contracts) {
    if (c.contract_manager_id == user.id) cm.contract_ids.push_back(c.id);
    if (c.software_coordinator_id == user.id) sc.contract_ids.push_back(c.id);
  }
  if (!cm.contract_ids.empty()) out.push_back(std::move(cm));

  SW_ASSIGN_OR_RETURN(auto memberships, MembershipsInScope(tx, deps, scope, user.id));
  if (scope.instance()) {
    // Outside a team, team roles reach no further than the member's own data.
    if (!memberships.empty()) out.push_back({Role::kUser, std::nullopt, {}});
  } else {
    for (const auto& m : memberships) {
      out.push_back({RoleOf(m.role), m.team_id, {}});
    }
  }
  if (!sc.contract_ids.empty()) out.push_back(std::move(sc));
  std::stable_sort(out.begin(), out.end(),
                   [](const Holding& a, const Holding& b) { return a.role < b.role; });
  return out;
}

int Width(Grant grant) {
  switch (grant) {
    case Grant::kEverything:
      return 3;
    case Grant::kOwnCustomers:
      return 2;
    case Grant::kOwnContracts:
      return 1;
    case Grant::kIfAlsoContractManager:
    case Grant::kDenied:
      return 0;
  }
  return 0;
}

// What one holding grants for `capability` in the scope; kDenied when nothing.
Authorization GrantOf(const Holding& holding, Capability capability, const ResolvedScope& scope,
                      const std::string& user_id) {
  Authorization out{holding.role, core::GrantFor(holding.role, capability), {}};
  switch (out.grant) {
    case Grant::kDenied:
    case Grant::kOwnCustomers:
      break;
    case Grant::kEverything:
      // A CM's or SC's "everything" is their contracts' everything, not the instance's.
      if (scope.instance() && !holding.contract_ids.empty()) {
        out.grant = Grant::kOwnContracts;
        out.contract_ids = holding.contract_ids;
      }
      break;
    case Grant::kOwnContracts:
      out.contract_ids = holding.contract_ids;
      if (out.contract_ids.empty()) out.grant = Grant::kDenied;
      break;
    case Grant::kIfAlsoContractManager:
      // The contracts of the team the role is held in whose Contract Manager is this person.
      for (const auto& c : scope.contracts) {
        if (c.contract_manager_id == user_id && holding.team_id && c.team_id == *holding.team_id) {
          out.contract_ids.push_back(c.id);
        }
      }
      out.grant = out.contract_ids.empty() ? Grant::kDenied : Grant::kOwnContracts;
      break;
  }
  return out;
}

// True when the caller has anything to do with the customer owning the scope.
Result<bool> RelatedToCustomer(store::Tx& tx, const Deps& deps, const core::Account& account,
                               const core::User& user) {
  if (user.is_operator) return true;
  if (user.reseller_id && account.reseller_id == user.reseller_id) return true;
  store::ContractFilter as_cm;
  as_cm.account_id = account.id;
  as_cm.contract_manager_id = user.id;
  SW_ASSIGN_OR_RETURN(auto cm, deps.repos.contracts->ListContracts(tx, as_cm, {"", 1}));
  if (!cm.items.empty()) return true;
  store::ContractFilter as_sc;
  as_sc.account_id = account.id;
  as_sc.software_coordinator_id = user.id;
  SW_ASSIGN_OR_RETURN(auto sc, deps.repos.contracts->ListContracts(tx, as_sc, {"", 1}));
  if (!sc.items.empty()) return true;
  SW_ASSIGN_OR_RETURN(auto memberships, deps.repos.users->ListMemberships(tx, user.id));
  for (const auto& m : memberships) {
    if (m.status == core::MembershipStatus::kRemoved) continue;
    SW_ASSIGN_OR_RETURN(auto team, deps.repos.accounts->GetTeam(tx, m.team_id));
    if (team.account_id == account.id) return true;
  }
  return false;
}

// "the Primary Admin (ann@example.com)", or without the address when there is none.
Result<std::string> PrimaryAdminContact(store::Tx& tx, const Deps& deps,
                                        const ResolvedScope& scope) {
  std::string who = "the team's Primary Admin";
  if (!scope.team) return who;
  SW_ASSIGN_OR_RETURN(auto pa, deps.repos.users->FindPrimaryAdmin(tx, scope.team->id));
  if (pa) who += " (" + pa->user.email + ")";
  return who;
}

// The e-mail addresses of the Contract Managers of the scope's contracts, comma separated.
Result<std::string> ContractManagerContact(store::Tx& tx, const Deps& deps,
                                           const ResolvedScope& scope) {
  std::set<std::string> ids;
  for (const auto& c : scope.contracts) ids.insert(c.contract_manager_id);
  std::string emails;
  for (const auto& id : ids) {
    if (ids.size() > 3) break;
    auto user = deps.repos.users->Get(tx, id);
    if (!user.ok()) continue;
    if (!emails.empty()) emails += ", ";
    emails += user->email;
  }
  std::string who = scope.contract ? "the contract's Contract Manager" : "the Contract Manager";
  if (!emails.empty()) who += " (" + emails + ")";
  return who;
}

Result<std::string> RefusalMessage(store::Tx& tx, const Deps& deps, const ResolvedScope& scope,
                                   Capability capability, const core::User& user) {
  if (scope.instance()) {
    switch (capability) {
      case Capability::kCreateOrders:
        return std::string("orders and renewals are placed by the customer's reseller");
      case Capability::kBillingAndOrders:
        return std::string(
            "Billing & Orders is open to Contract Managers for their own contracts; ask your "
            "reseller");
      case Capability::kManageCatalog:
        return std::string("the catalog is managed by the publisher's operators only");
      default:
        return std::string("this is open to the publisher's operators only");
    }
  }
  switch (capability) {
    case Capability::kReportOwnUsage: {
      SW_ASSIGN_OR_RETURN(auto pa, PrimaryAdminContact(tx, deps, scope));
      return "reporting for this team is open to its members; ask " + pa + " to add you";
    }
    case Capability::kReportTeamUsage: {
      SW_ASSIGN_OR_RETURN(auto pa, PrimaryAdminContact(tx, deps, scope));
      return "reporting on everyone in the team is open to its Primary and Secondary Admins, "
             "Contract Managers and Software Coordinators; ask " +
             pa;
    }
    case Capability::kManageUsers:
    case Capability::kManageDevices: {
      SW_ASSIGN_OR_RETURN(auto pa, PrimaryAdminContact(tx, deps, scope));
      return std::string(capability == Capability::kManageUsers ? "managing users"
                                                                : "managing devices") +
             " is open to the team's Primary and Secondary Admins, and to Software Coordinators "
             "for their own contracts; ask " +
             pa;
    }
    case Capability::kBillingAndOrders: {
      SW_ASSIGN_OR_RETURN(auto cm, ContractManagerContact(tx, deps, scope));
      return "Billing & Orders is open to the contract's Contract Manager only; ask " + cm +
             " or your reseller";
    }
    case Capability::kManageSecondaryAdmins: {
      SW_ASSIGN_OR_RETURN(auto pa, PrimaryAdminContact(tx, deps, scope));
      std::string message =
          "Secondary Admins are appointed and removed only by the team's Primary Admin or "
          "another Secondary Admin";
      if (user.reseller_id || user.is_operator) {
        message += " (resellers and the publisher cannot change them)";
      }
      return message + "; ask " + pa;
    }
    case Capability::kChangeContractManagerOrPrimaryAdmin: {
      SW_ASSIGN_OR_RETURN(auto cm, ContractManagerContact(tx, deps, scope));
      return "the Contract Manager and the Primary Admin can be changed only by the Contract "
             "Manager, the customer's reseller or the publisher; ask " +
             cm;
    }
    case Capability::kChangeSoftwareCoordinator: {
      SW_ASSIGN_OR_RETURN(auto cm, ContractManagerContact(tx, deps, scope));
      return "the Software Coordinator can be changed only by the contract's Contract Manager, "
             "the customer's reseller or the publisher; ask " +
             cm;
    }
    case Capability::kCreateOrders:
      return std::string(
          "orders and renewals are placed by the customer's reseller; contact your reseller");
    case Capability::kManageCatalog:
      return std::string("the catalog is managed by the publisher's operators only");
  }
  return std::string("your role does not allow this");
}

std::string Describe(const ResolvedScope& scope) {
  if (scope.contract) return "contract " + scope.contract->id;
  if (scope.team) return "team " + scope.team->id;
  return "account " + scope.account->id;
}

}  // namespace

Result<Authorization> Authorize(store::Tx& tx, const Deps& deps, const Principal& who,
                                Capability capability, const Scope& scope) {
  SW_ASSIGN_OR_RETURN(core::User user, CallerUser(tx, deps, who));
  SW_ASSIGN_OR_RETURN(ResolvedScope resolved, Resolve(tx, deps, scope));
  SW_ASSIGN_OR_RETURN(auto holdings, HoldingsIn(tx, deps, resolved, user));

  std::optional<Authorization> best;
  for (const auto& holding : holdings) {
    Authorization candidate = GrantOf(holding, capability, resolved, user.id);
    if (candidate.grant == Grant::kDenied) continue;
    if (!best || Width(candidate.grant) > Width(best->grant)) {
      best = std::move(candidate);
    } else if (candidate.grant == Grant::kOwnContracts && best->grant == Grant::kOwnContracts) {
      // Several roles covering some contracts each: together they cover the union.
      for (auto& id : candidate.contract_ids) {
        if (std::find(best->contract_ids.begin(), best->contract_ids.end(), id) ==
            best->contract_ids.end()) {
          best->contract_ids.push_back(std::move(id));
        }
      }
    }
  }
  if (best) return std::move(*best);

  if (!resolved.instance()) {
    SW_ASSIGN_OR_RETURN(bool related, RelatedToCustomer(tx, deps, *resolved.account, user));
    if (!related) {
      core::Error error =
          core::MakeError(ErrorCode::kPermissionDenied,
                          "you have no role with the customer that owns " + Describe(resolved));
      error.conceal_existence = true;
      return error;
    }
  }
  SW_ASSIGN_OR_RETURN(std::string message, RefusalMessage(tx, deps, resolved, capability, user));
  return core::MakeError(ErrorCode::kPermissionDenied, std::move(message));
}

Result<std::vector<RoleGrant>> RolesOf(store::Tx& tx, const Deps& deps,
                                       const std::string& user_id) {
  SW_ASSIGN_OR_RETURN(core::User user, deps.repos.users->Get(tx, user_id));
  std::vector<RoleGrant> out;
  if (user.is_operator) out.push_back({Role::kOperator, {}, {}, {}, {}});
  if (user.reseller_id) out.push_back({Role::kReseller, {}, {}, {}, user.reseller_id});

  SW_ASSIGN_OR_RETURN(auto memberships, deps.repos.users->ListMemberships(tx, user_id));
  for (const auto& m : memberships) {
    if (m.status != core::MembershipStatus::kActive) continue;
    SW_ASSIGN_OR_RETURN(auto team, deps.repos.accounts->GetTeam(tx, m.team_id));
    out.push_back({RoleOf(m.role), m.team_id, {}, team.account_id, {}});
  }

  store::ContractFilter as_cm;
  as_cm.contract_manager_id = user_id;
  SW_ASSIGN_OR_RETURN(auto managed, AllContracts(tx, deps, as_cm));
  for (const auto& c : managed) {
    out.push_back({Role::kContractManager, c.team_id, c.id, c.account_id, {}});
  }
  store::ContractFilter as_sc;
  as_sc.software_coordinator_id = user_id;
  SW_ASSIGN_OR_RETURN(auto coordinated, AllContracts(tx, deps, as_sc));
  for (const auto& c : coordinated) {
    out.push_back({Role::kSoftwareCoordinator, c.team_id, c.id, c.account_id, {}});
  }
  return out;
}

}  // namespace seatwise::service
