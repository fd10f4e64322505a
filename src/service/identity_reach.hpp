#pragma once
// How far a caller's power reaches over a person. A person's account is one identity across
// the instance, but power over it is local: a team admin acts on the person's membership of
// the admin's own team, and on the account itself (erase, reset two-step sign-in, sign out
// everywhere, revoke API tokens) only when every relation the person has lies inside the
// admin's customer account. Operator and reseller-staff accounts are changed only by
// operators. A pending invitation gives the inviting team no power at all.

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/authorizer.hpp"
#include "service/context.hpp"
#include "store/database.hpp"

namespace seatwise::service {

// An act on a person's account itself, beyond one team's membership.
enum class IdentityAct { kErase, kResetMfa, kSignOutEverywhere, kRevokeApiTokens };

// "erase this person's personal data", for refusals.
std::string_view IdentityActText(IdentityAct act);

// Every live relation a person has: the publisher's staff, a reseller's staff, and the
// customer accounts of their accepted memberships and of the contracts naming them CM or SC.
// Pending invitations and removed memberships are not relations.
struct Relations {
  bool is_operator = false;
  bool reseller_staff = false;
  std::set<std::string> accounts;
  bool any() const { return is_operator || reseller_staff || !accounts.empty(); }
};

core::Result<Relations> RelationsOf(store::Tx& tx, const Deps& deps, const core::User& person);

// Decides `act` on `person_id` for `caller`, through `team_id` when an admin names one:
//  - the person themself and operators: always;
//  - a Primary or Secondary Admin of `team_id` (or a reseller of its customer is refused: the
//    matrix gives resellers no power over users): only when the person accepted a membership
//    of that team (a leaver's removed membership counts, for erasure after leaving), is not
//    operator or reseller staff, and every relation they have is in the team's account.
// Refusals name who can do it instead. kNotFound when the person is not and never was a
// member of the team; a caller with no relation to the team's customer gets a concealed
// kPermissionDenied from Authorize.
core::Result<void> AuthorizeIdentityAct(store::Tx& tx, const Deps& deps, const Caller& caller,
                                        const std::optional<std::string>& team_id,
                                        const std::string& person_id, IdentityAct act);

// Ends every way the person is signed in: portal sessions and OAuth refresh and access
// tokens (personal API tokens are revoked on their own). Returns how many sessions were live.
core::Result<int> SignOutEverywhere(store::Tx& tx, const Deps& deps, const std::string& person_id);

}  // namespace seatwise::service
