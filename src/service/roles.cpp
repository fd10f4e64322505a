#include "service/roles.hpp"

#include <chrono>

#include "core/random.hpp"
#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

std::string QuoteOrNull(const std::optional<std::string>& text) {
  return text ? JsonQuote(*text) : "null";
}

std::string MembershipJson(const core::Membership& m) {
  return "{\"team_id\":" + JsonQuote(m.team_id) + ",\"user_id\":" + JsonQuote(m.user_id) +
         ",\"role\":" + JsonQuote(std::string(core::EnumName(m.role))) +
         ",\"status\":" + JsonQuote(std::string(core::EnumName(m.status))) + "}";
}

std::string ContractRolesJson(const core::Contract& c) {
  return "{\"contract_id\":" + JsonQuote(c.id) +
         ",\"contract_manager_id\":" + JsonQuote(c.contract_manager_id) +
         ",\"software_coordinator_id\":" + QuoteOrNull(c.software_coordinator_id) + "}";
}

std::string FullName(const core::User& user) {
  std::string name = user.first_name;
  if (!user.last_name.empty()) name += (name.empty() ? "" : " ") + user.last_name;
  return name.empty() ? user.email : name;
}

// Who made the change, as the e-mail names them.
std::string ActorName(store::Tx& tx, const Deps& deps, const Caller& caller) {
  if (caller.principal.user_id.empty()) return "Seatwise";
  auto actor = deps.repos.users->Get(tx, caller.principal.user_id);
  if (!actor.ok()) return "Seatwise";
  return FullName(*actor) + " (" + actor->email + ")";
}

// The membership of an active member of the team, or why there is none.
Result<core::Membership> ActiveMember(store::Tx& tx, const Deps& deps, const core::Team& team,
                                      const std::string& user_id) {
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, team.id, user_id));
  if (!membership || membership->status != core::MembershipStatus::kActive) {
    return core::MakeError(ErrorCode::kFailedPrecondition,
                           "user " + user_id + " is not an active member of team \"" + team.name +
                               "\"; invite them and wait until they accept first");
  }
  return std::move(*membership);
}

// A role-change e-mail to `recipient`, delivered later by the outbox.
struct RoleMail {
  const core::User* recipient = nullptr;
  std::string team_id;
  std::string action;  // "secondary_admin.appoint", ...
  std::string subject;
  std::string body;  // the paragraph between greeting and sign-off
};

Result<void> EnqueueRoleMail(store::Tx& tx, const Deps& deps, const RoleMail& mail) {
  const auto now = deps.clock.Now();
  core::OutboxMessage message;
  message.event_key = "role:" + mail.team_id + ":" + mail.recipient->id + ":" + mail.action + ":" +
                      core::NewId(deps.random, "rc");
  message.kind = core::OutboxKind::kEmail;
  message.template_name = "role_change";
  message.recipient = mail.recipient->email;
  message.subject = mail.subject;
  message.body_text = "Hello " +
                      (mail.recipient->first_name.empty() ? FullName(*mail.recipient)
                                                          : mail.recipient->first_name) +
                      ",\n\n" + mail.body +
                      "\n\nIf you did not expect this change, reply to the person named above or "
                      "contact your reseller.\n\nSeatwise\n";
  message.payload_json = "{\"action\":" + JsonQuote(mail.action) +
                         ",\"team_id\":" + JsonQuote(mail.team_id) +
                         ",\"user_id\":" + JsonQuote(mail.recipient->id) + "}";
  message.team_id = mail.team_id;
  message.next_attempt_at = now;
  message.created_at = now;
  SW_ASSIGN_OR_RETURN(bool queued, deps.repos.outbox->Enqueue(tx, message));
  (void)queued;
  return core::Ok();
}

std::string RoleLabel(core::Role role) { return std::string(core::RoleName(role)); }

// Sets the role of a team member to Secondary Admin (appoint) or user (remove).
Result<core::Membership> ChangeSecondaryAdmin(const Deps& deps, const Caller& caller,
                                              const std::string& team_id,
                                              const std::string& user_id, bool appoint) {
  const std::string action = appoint ? "secondary_admin.appoint" : "secondary_admin.remove";
  AuditRecord record;
  record.action = action;
  record.target_type = "user";
  record.target_id = user_id;
  record.team_id = team_id;
  return RunAudited<core::Membership>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Membership> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->LockTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz,
                            Authorize(tx, deps, caller.principal,
                                      core::Capability::kManageSecondaryAdmins, {team_id, {}, {}}));
        SW_ASSIGN_OR_RETURN(core::Membership membership, ActiveMember(tx, deps, team, user_id));
        SW_ASSIGN_OR_RETURN(core::User user, deps.repos.users->Get(tx, user_id));
        if (membership.role == core::TeamRole::kPrimaryAdmin) {
          return core::MakeError(ErrorCode::kConflict,
                                 user.email + " is the Primary Admin of \"" + team.name + "\"" +
                                     (appoint ? ", who already has every Secondary Admin power"
                                              : "; hand over the Primary Admin role instead"));
        }
        if (appoint && membership.role == core::TeamRole::kSecondaryAdmin) {
          return core::MakeError(
              ErrorCode::kConflict,
              user.email + " already is a Secondary Admin of \"" + team.name + "\"");
        }
        if (!appoint && membership.role != core::TeamRole::kSecondaryAdmin) {
          return core::MakeError(ErrorCode::kConflict,
                                 user.email + " is not a Secondary Admin of \"" + team.name + "\"");
        }
        const std::string before = MembershipJson(membership);
        membership.role = appoint ? core::TeamRole::kSecondaryAdmin : core::TeamRole::kUser;
        membership.updated_at = deps.clock.Now();
        SW_RETURN_IF_ERROR(deps.repos.users->UpdateMembership(tx, membership));

        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = RoleLabel(authz.role);
        done.before_json = before;
        done.after_json = MembershipJson(membership);
        done.detail = user.email +
                      (appoint ? " appointed Secondary Admin" : " is no longer a Secondary Admin");
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));

        RoleMail mail{&user, team.id, action, "", ""};
        const std::string actor = ActorName(tx, deps, caller);
        if (appoint) {
          mail.subject = "You are now a Secondary Admin of " + team.name;
          mail.body = actor + " made you a Secondary Admin of the team \"" + team.name +
                      "\". You can now manage users, seat assignments and devices for every "
                      "contract of the team.";
        } else {
          mail.subject = "You are no longer a Secondary Admin of " + team.name;
          mail.body = actor + " removed your Secondary Admin role in the team \"" + team.name +
                      "\". You remain a user of the team and keep your assigned products.";
        }
        SW_RETURN_IF_ERROR(EnqueueRoleMail(tx, deps, mail));
        return membership;
      });
}

}  // namespace

Result<core::Membership> RoleService::AppointSecondaryAdmin(const Caller& caller,
                                                            const std::string& team_id,
                                                            const std::string& user_id) {
  return ChangeSecondaryAdmin(deps_, caller, team_id, user_id, true);
}

Result<core::Membership> RoleService::RemoveSecondaryAdmin(const Caller& caller,
                                                           const std::string& team_id,
                                                           const std::string& user_id) {
  return ChangeSecondaryAdmin(deps_, caller, team_id, user_id, false);
}

Result<core::Membership> RoleService::HandOverPrimaryAdmin(const Caller& caller,
                                                           const std::string& team_id,
                                                           const std::string& new_user_id) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "primary_admin.hand_over";
  record.target_type = "user";
  record.target_id = new_user_id;
  record.team_id = team_id;
  return RunAudited<core::Membership>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Membership> {
        // The team lock makes concurrent hand-overs take turns, each seeing the last one's PA.
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->LockTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(
            Authorization authz,
            Authorize(tx, deps, caller.principal,
                      core::Capability::kChangeContractManagerOrPrimaryAdmin, {team_id, {}, {}}));
        SW_ASSIGN_OR_RETURN(core::Membership incoming, ActiveMember(tx, deps, team, new_user_id));
        SW_ASSIGN_OR_RETURN(core::User new_admin, deps.repos.users->Get(tx, new_user_id));
        if (incoming.role == core::TeamRole::kPrimaryAdmin) {
          return core::MakeError(
              ErrorCode::kConflict,
              new_admin.email + " already is the Primary Admin of \"" + team.name + "\"");
        }
        SW_ASSIGN_OR_RETURN(auto outgoing, deps.repos.users->FindPrimaryAdmin(tx, team_id));
        const auto now = deps.clock.Now();
        const std::string before =
            "{\"primary_admin_id\":" +
            QuoteOrNull(outgoing ? std::optional(outgoing->user.id) : std::nullopt) +
            ",\"new_primary_admin\":" + MembershipJson(incoming) + "}";

        // One Primary Admin per team is a unique index: demote first, then promote.
        std::optional<core::Membership> demoted;
        if (outgoing) {
          demoted = outgoing->membership;
          demoted->role = core::TeamRole::kSecondaryAdmin;
          demoted->updated_at = now;
          SW_RETURN_IF_ERROR(deps.repos.users->UpdateMembership(tx, *demoted));
        }
        incoming.role = core::TeamRole::kPrimaryAdmin;
        incoming.updated_at = now;
        SW_RETURN_IF_ERROR(deps.repos.users->UpdateMembership(tx, incoming));

        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = RoleLabel(authz.role);
        done.before_json = before;
        done.after_json = "{\"primary_admin_id\":" + JsonQuote(new_user_id) +
                          ",\"previous_admin\":" + (demoted ? MembershipJson(*demoted) : "null") +
                          "}";
        done.detail = "Primary Admin handed over to " + new_admin.email;
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));

        const std::string actor = ActorName(tx, deps, caller);
        SW_RETURN_IF_ERROR(EnqueueRoleMail(
            tx, deps,
            {&new_admin, team.id, record.action, "You are now the Primary Admin of " + team.name,
             actor + " made you the Primary Admin of the team \"" + team.name +
                 "\". You manage its users, roles, seat assignments and devices, and new "
                 "sign-in subscriptions are assigned to you by default."}));
        if (outgoing) {
          SW_RETURN_IF_ERROR(
              EnqueueRoleMail(tx, deps,
                              {&outgoing->user, team.id, record.action,
                               "You have handed over the Primary Admin role of " + team.name,
                               actor + " made " + FullName(new_admin) + " (" + new_admin.email +
                                   ") the Primary Admin of the team \"" + team.name +
                                   "\". You stay in the team as a Secondary Admin."}));
        }
        return incoming;
      });
}

Result<core::Contract> RoleService::ChangeContractManager(const Caller& caller,
                                                          const std::string& contract_id,
                                                          const std::string& new_user_id) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "contract_manager.change";
  record.target_type = "contract";
  record.target_id = contract_id;
  return RunAudited<core::Contract>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Contract> {
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps.repos.contracts->LockContract(tx, contract_id));
        SW_ASSIGN_OR_RETURN(Authorization authz,
                            Authorize(tx, deps, caller.principal,
                                      core::Capability::kChangeContractManagerOrPrimaryAdmin,
                                      {std::nullopt, contract_id, std::nullopt}));
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, contract.team_id));
        SW_ASSIGN_OR_RETURN(core::Membership member, ActiveMember(tx, deps, team, new_user_id));
        (void)member;
        SW_ASSIGN_OR_RETURN(core::User new_cm, deps.repos.users->Get(tx, new_user_id));
        if (contract.contract_manager_id == new_user_id) {
          return core::MakeError(ErrorCode::kConflict, new_cm.email +
                                                           " already is the Contract Manager of "
                                                           "contract " +
                                                           contract.number);
        }
        const std::string before = ContractRolesJson(contract);
        const std::string previous_id = contract.contract_manager_id;
        contract.contract_manager_id = new_user_id;
        contract.updated_at = deps.clock.Now();
        SW_RETURN_IF_ERROR(deps.repos.contracts->UpdateContract(tx, contract));

        AuditRecord done = record;
        done.team_id = contract.team_id;
        done.account_id = contract.account_id;
        done.actor_role = RoleLabel(authz.role);
        done.before_json = before;
        done.after_json = ContractRolesJson(contract);
        done.detail = "Contract Manager of " + contract.number + " is now " + new_cm.email;
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));

        const std::string actor = ActorName(tx, deps, caller);
        SW_RETURN_IF_ERROR(EnqueueRoleMail(
            tx, deps,
            {&new_cm, team.id, record.action,
             "You are now the Contract Manager of contract " + contract.number,
             actor + " made you the Contract Manager of contract " + contract.number +
                 ". You will receive its billing and renewal notices and can see it under "
                 "Billing & Orders."}));
        auto previous = deps.repos.users->Get(tx, previous_id);
        if (previous.ok()) {
          SW_RETURN_IF_ERROR(EnqueueRoleMail(
              tx, deps,
              {&*previous, team.id, record.action,
               "You are no longer the Contract Manager of contract " + contract.number,
               actor + " made " + FullName(new_cm) + " (" + new_cm.email +
                   ") the Contract Manager of contract " + contract.number +
                   ". Billing and renewal notices for it now go to them."}));
        }
        return contract;
      });
}

Result<core::Contract> RoleService::ChangeSoftwareCoordinator(
    const Caller& caller, const std::string& contract_id,
    const std::optional<std::string>& new_user_id) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "software_coordinator.change";
  record.target_type = "contract";
  record.target_id = contract_id;
  return RunAudited<core::Contract>(
      deps, caller, record, [&](store::Tx& tx) -> Result<core::Contract> {
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps.repos.contracts->LockContract(tx, contract_id));
        SW_ASSIGN_OR_RETURN(
            Authorization authz,
            Authorize(tx, deps, caller.principal, core::Capability::kChangeSoftwareCoordinator,
                      {std::nullopt, contract_id, std::nullopt}));
        SW_ASSIGN_OR_RETURN(auto subscriptions,
                            deps.repos.contracts->ListSubscriptions(tx, contract_id));
        bool serial = false;
        for (const auto& sub : subscriptions) {
          serial |= sub.activation == core::ActivationMethod::kSerialNumber;
        }
        if (!serial) {
          return core::MakeError(ErrorCode::kFailedPrecondition,
                                 "contract " + contract.number +
                                     " has no serial-number subscriptions; Software Coordinators "
                                     "exist only for serial contracts (appoint a Secondary "
                                     "Admin instead)");
        }
        SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, contract.team_id));
        std::optional<core::User> new_sc;
        if (new_user_id) {
          SW_ASSIGN_OR_RETURN(core::Membership member, ActiveMember(tx, deps, team, *new_user_id));
          (void)member;
          SW_ASSIGN_OR_RETURN(new_sc, deps.repos.users->Get(tx, *new_user_id));
        }
        if (contract.software_coordinator_id == new_user_id) {
          return core::MakeError(
              ErrorCode::kConflict,
              new_sc ? new_sc->email + " already is the Software Coordinator of contract " +
                           contract.number
                     : "contract " + contract.number + " has no Software Coordinator to remove");
        }
        const std::string before = ContractRolesJson(contract);
        const std::optional<std::string> previous_id = contract.software_coordinator_id;
        contract.software_coordinator_id = new_user_id;
        contract.updated_at = deps.clock.Now();
        SW_RETURN_IF_ERROR(deps.repos.contracts->UpdateContract(tx, contract));

        AuditRecord done = record;
        done.team_id = contract.team_id;
        done.account_id = contract.account_id;
        done.actor_role = RoleLabel(authz.role);
        done.before_json = before;
        done.after_json = ContractRolesJson(contract);
        done.detail = "Software Coordinator of " + contract.number +
                      (new_sc ? " is now " + new_sc->email : " removed");
        SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));

        const std::string actor = ActorName(tx, deps, caller);
        if (new_sc) {
          SW_RETURN_IF_ERROR(EnqueueRoleMail(
              tx, deps,
              {&*new_sc, team.id, record.action,
               "You are now the Software Coordinator of contract " + contract.number,
               actor + " made you the Software Coordinator of contract " + contract.number +
                   ". You can manage its users and installs; the contract itself stays with its "
                   "Contract Manager. The role returns to the Contract Manager when the "
                   "contract renews."}));
        }
        if (previous_id) {
          auto previous = deps.repos.users->Get(tx, *previous_id);
          if (previous.ok()) {
            SW_RETURN_IF_ERROR(EnqueueRoleMail(
                tx, deps,
                {&*previous, team.id, record.action,
                 "You are no longer the Software Coordinator of contract " + contract.number,
                 actor + " changed the Software Coordinator of contract " + contract.number +
                     "; you no longer manage its users and installs."}));
          }
        }
        return contract;
      });
}

Result<void> EnsureNotPrimaryAdmin(store::Tx& tx, const Deps& deps, const std::string& team_id,
                                   const std::string& user_id) {
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, team_id, user_id));
  if (!membership || membership->role != core::TeamRole::kPrimaryAdmin ||
      membership->status == core::MembershipStatus::kRemoved) {
    return core::Ok();
  }
  std::string who = "this user";
  if (auto user = deps.repos.users->Get(tx, user_id); user.ok()) who = user->email;
  return core::MakeError(ErrorCode::kConflict,
                         who +
                             " is the team's Primary Admin and every team needs one; hand over "
                             "the Primary Admin role first");
}

}  // namespace seatwise::service
