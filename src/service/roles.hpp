#pragma once
// Changing who holds a role: Secondary Admins, the Primary Admin hand-over, the Contract
// Manager and a serial contract's Software Coordinator. Each operation checks the
// permission matrix through Authorize, changes the data, writes one audit entry with the
// before/after state and queues a "role change" e-mail, all in one transaction. Refusals are
// audited as denied attempts.

#include <optional>
#include <string>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "store/database.hpp"

namespace seatwise::service {

class RoleService {
 public:
  explicit RoleService(const Deps& deps) : deps_(deps) {}

  // Makes an active member of the team a Secondary Admin. Only the team's Primary Admin or a
  // Secondary Admin may (resellers and operators may not). kConflict when the user already
  // is the Primary Admin or a Secondary Admin; kFailedPrecondition when not an active member.
  core::Result<core::Membership> AppointSecondaryAdmin(const Caller& caller,
                                                       const std::string& team_id,
                                                       const std::string& user_id);

  // Turns a Secondary Admin back into a user of the team. Same callers as appointing;
  // kConflict when the user is not a Secondary Admin.
  core::Result<core::Membership> RemoveSecondaryAdmin(const Caller& caller,
                                                      const std::string& team_id,
                                                      const std::string& user_id);

  // Makes `new_user_id` (an active member) the team's Primary Admin; the previous Primary
  // Admin stays in the team as a Secondary Admin. Allowed to operators, the customer's
  // reseller and a Contract Manager of one of the team's contracts. A team has exactly one
  // Primary Admin before and after; concurrent hand-overs serialise. Returns the new Primary
  // Admin's membership. kConflict when the user already is the Primary Admin.
  core::Result<core::Membership> HandOverPrimaryAdmin(const Caller& caller,
                                                      const std::string& team_id,
                                                      const std::string& new_user_id);

  // Makes `new_user_id` (an active member of the contract's team) the contract's Contract
  // Manager. Allowed to operators, the customer's reseller and the current Contract Manager.
  core::Result<core::Contract> ChangeContractManager(const Caller& caller,
                                                     const std::string& contract_id,
                                                     const std::string& new_user_id);

  // Sets (or clears, with nullopt) the Software Coordinator of a serial-number contract.
  // Same callers as ChangeContractManager. kFailedPrecondition for a contract without
  // serial-number subscriptions.
  core::Result<core::Contract> ChangeSoftwareCoordinator(
      const Caller& caller, const std::string& contract_id,
      const std::optional<std::string>& new_user_id);

 private:
  Deps deps_;
};

// For services that remove a member from a team: refuses (kConflict, "hand over the Primary
// Admin role first") when `user_id` is the team's Primary Admin, so no team loses its last
// Primary Admin. Runs inside the caller's transaction.
core::Result<void> EnsureNotPrimaryAdmin(store::Tx& tx, const Deps& deps,
                                         const std::string& team_id, const std::string& user_id);

}  // namespace seatwise::service
