#include "service/identity_reach.hpp"

#include "store/contract_repository.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

// Adds the accounts of every contract matching `filter`.
Result<void> AddContractAccounts(store::Tx& tx, const Deps& deps, store::ContractFilter filter,
                                 std::set<std::string>& accounts) {
  store::PageRequest page{"", store::kMaxPageSize};
  do {
    SW_ASSIGN_OR_RETURN(auto contracts, deps.repos.contracts->ListContracts(tx, filter, page));
    for (const auto& c : contracts.items) accounts.insert(c.account_id);
    page.after = contracts.next_after;
  } while (!page.after.empty());
  return core::Ok();
}

std::string Refusal(IdentityAct act, std::string_view why) {
  return std::string("you cannot ") + std::string(IdentityActText(act)) + ": " + std::string(why) +
         ". You can remove them from this team.";
}

}  // namespace

std::string_view IdentityActText(IdentityAct act) {
  switch (act) {
    case IdentityAct::kErase:
      return "erase this person's personal data";
    case IdentityAct::kResetMfa:
      return "reset this person's two-step verification";
    case IdentityAct::kSignOutEverywhere:
      return "sign this person out everywhere";
    case IdentityAct::kRevokeApiTokens:
      return "revoke this person's API tokens";
  }
  return "change this person's account";
}

Result<Relations> RelationsOf(store::Tx& tx, const Deps& deps, const core::User& person) {
  Relations out;
  out.is_operator = person.is_operator;
  out.reseller_staff = person.reseller_id.has_value();
  SW_ASSIGN_OR_RETURN(auto memberships, deps.repos.users->ListMemberships(tx, person.id));
  for (const auto& m : memberships) {
    if (m.status != core::MembershipStatus::kActive) continue;
    SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, m.team_id));
    out.accounts.insert(team.account_id);
  }
  store::ContractFilter as_cm;
  as_cm.contract_manager_id = person.id;
  SW_RETURN_IF_ERROR(AddContractAccounts(tx, deps, as_cm, out.accounts));
  store::ContractFilter as_sc;
  as_sc.software_coordinator_id = person.id;
  SW_RETURN_IF_ERROR(AddContractAccounts(tx, deps, as_sc, out.accounts));
  return out;
}

Result<void> AuthorizeIdentityAct(store::Tx& tx, const Deps& deps, const Caller& caller,
                                  const std::optional<std::string>& team_id,
                                  const std::string& person_id, IdentityAct act) {
  const Principal& who = caller.principal;
  if (!who.authenticated() || who.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  if (who.user_id == person_id && !team_id) return core::Ok();
  if (!team_id) {
    if (who.is_operator) return core::Ok();
    return MakeError(ErrorCode::kPermissionDenied,
                     Refusal(act, "only the person themself or the publisher's operator can"));
  }
  // Through a team: the caller's power over that team first (concealed for strangers).
  SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps, who, core::Capability::kManageUsers,
                                                     Scope{*team_id, std::nullopt, std::nullopt}));
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, *team_id, person_id));
  if (!membership) {
    return MakeError(ErrorCode::kNotFound, "user " + person_id + " is not a member of this team");
  }
  if (who.user_id == person_id || authz.role == core::Role::kOperator) return core::Ok();
  if (authz.grant != core::Grant::kEverything) {
    return MakeError(ErrorCode::kPermissionDenied,
                     std::string("only the team's Primary and Secondary Admins can ") +
                         std::string(IdentityActText(act)) + "; ask one of them");
  }
  if (membership->status == core::MembershipStatus::kInvited) {
    return MakeError(ErrorCode::kPermissionDenied,
                     Refusal(act,
                             "they have not accepted the invitation to this team, so the team "
                             "has no say over their account; only they or the publisher's "
                             "operator can"));
  }
  SW_ASSIGN_OR_RETURN(core::User person, deps.repos.users->Get(tx, person_id));
  SW_ASSIGN_OR_RETURN(Relations relations, RelationsOf(tx, deps, person));
  if (relations.is_operator || relations.reseller_staff) {
    return MakeError(ErrorCode::kPermissionDenied,
                     Refusal(act,
                             "this account belongs to the publisher's or a reseller's staff, and "
                             "only the publisher's operators can change it"));
  }
  SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, *team_id));
  for (const auto& account : relations.accounts) {
    if (account == team.account_id) continue;
    return MakeError(
        ErrorCode::kPermissionDenied,
        Refusal(act,
                "the person also works with another organisation in Seatwise, so only they (in "
                "their own settings) or the publisher's operator can"));
  }
  return core::Ok();
}

Result<int> SignOutEverywhere(store::Tx& tx, const Deps& deps, const std::string& person_id) {
  const auto now = deps.clock.Now();
  SW_ASSIGN_OR_RETURN(int sessions, deps.repos.auth->RevokeUserSessions(tx, person_id, now));
  SW_RETURN_IF_ERROR(deps.repos.auth->RevokeUserRefreshTokens(tx, person_id, now));
  return sessions;
}

}  // namespace seatwise::service
