#pragma once
// The one place that decides whether a caller may use a capability of DOMAIN.md's permission
// matrix on a team, contract or account. Roles are read from the data inside the caller's
// transaction (never cached), so a role change takes effect on the next request; the
// matrix itself is only ever consulted through core::GrantFor.

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/roles.hpp"
#include "service/context.hpp"
#include "store/database.hpp"

namespace seatwise::service {

// What a capability is used on. With a contract, its team and account are derived from it
// (a team or account given alongside must match); with a team, its account. With nothing
// set, the scope is the whole instance: only Operator (everything), Reseller (its own
// customers), CM and SC (their own contracts) reach beyond their own data there.
struct Scope {
  std::optional<std::string> team_id;
  std::optional<std::string> contract_id;
  std::optional<std::string> account_id;
};

// Which role lets the caller use a capability on a scope, and how far:
//   kEverything    the whole scope;
//   kOwnCustomers  the whole scope (it belongs to the reseller's customer); at instance
//                  scope, only accounts of the caller's reseller;
//   kOwnContracts  only `contract_ids` (CM or SC of those contracts, or a PA who is also
//                  their CM); callers filter listings by them.
// kIfAlsoContractManager is resolved before returning and never appears here.
struct Authorization {
  core::Role role = core::Role::kUser;
  core::Grant grant = core::Grant::kDenied;
  std::vector<std::string> contract_ids;  // for kOwnContracts
};

// Decides `capability` on `scope` for `who`, trying every role the caller holds there and
// returning the widest grant (kEverything > kOwnCustomers > kOwnContracts).
// Errors: kUnauthenticated for anonymous/system principals and removed users; kNotFound for
// a scope object that does not exist; kPermissionDenied with a message naming who can help,
// and conceal_existence set when the caller has no relation at all to the scope's customer
// (not a member of any of its teams, not CM/SC of any of its contracts, not its reseller,
// not an operator), so that cross-customer probes are answered as "not found".
core::Result<Authorization> Authorize(store::Tx& tx, const Deps& deps, const Principal& who,
                                      core::Capability capability, const Scope& scope);

// One role a user holds, and where.
struct RoleGrant {
  core::Role role = core::Role::kUser;
  std::optional<std::string> team_id;      // PA, SA, User; CM and SC: the contract's team
  std::optional<std::string> contract_id;  // CM, SC
  std::optional<std::string> account_id;   // team roles, CM, SC: the customer account
  std::optional<std::string> reseller_id;  // Reseller
};

// Every role `user_id` holds, as DOMAIN.md names them (GET /me, audit "role" column):
// Operator and Reseller first, then team roles by team, then CM and SC by contract.
// Only active memberships count.
core::Result<std::vector<RoleGrant>> RolesOf(store::Tx& tx, const Deps& deps,
                                             const std::string& user_id);

}  // namespace seatwise::service
