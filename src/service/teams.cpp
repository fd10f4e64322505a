#include "service/teams.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/random.hpp"
#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/company.hpp"
#include "service/contracts.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MembershipStatus;
using core::Result;
using core::TeamRole;

int Rank(TeamRole role) {
  switch (role) {
    case TeamRole::kPrimaryAdmin:
      return 2;
    case TeamRole::kSecondaryAdmin:
      return 1;
    case TeamRole::kUser:
      return 0;
  }
  return 0;
}

std::string RoleText(TeamRole role) {
  switch (role) {
    case TeamRole::kPrimaryAdmin:
      return "Primary Admin";
    case TeamRole::kSecondaryAdmin:
      return "Secondary Admin";
    case TeamRole::kUser:
      return "user";
  }
  return "user";
}

bool IsAdmin(TeamRole role) { return role != TeamRole::kUser; }

std::optional<std::string> ActorOf(const Caller& caller) {
  if (caller.principal.user_id.empty()) return std::nullopt;
  return caller.principal.user_id;
}

// The team name as stored, or a field error.
std::optional<core::FieldError> CheckTeamName(std::string& name, const std::string& field) {
  name = Trimmed(name);
  if (name.empty()) return core::FieldError{field, "is required"};
  if (name.size() > kTeamNameMax || HasControl(name)) {
    return core::FieldError{field, "must be at most 200 printable characters"};
  }
  return std::nullopt;
}

Result<std::vector<core::Contract>> ContractsOfTeam(store::Tx& tx, const Deps& deps,
                                                    const std::string& team_id) {
  store::ContractFilter filter;
  filter.team_id = team_id;
  SW_ASSIGN_OR_RETURN(auto out, AllContracts(tx, deps, filter));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

// Invited and active members by user id.
Result<std::map<std::string, store::TeamMember>> MembersOf(store::Tx& tx, const Deps& deps,
                                                           const std::string& team_id) {
  std::map<std::string, store::TeamMember> out;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(
        auto batch, deps.repos.users->ListTeamMembers(tx, team_id, store::MemberFilter{}, page));
    for (auto& m : batch.items) {
      std::string id = m.user.id;
      out.emplace(std::move(id), std::move(m));
    }
    if (batch.next_after.empty()) break;
    page.after = batch.next_after;
  }
  return out;
}

std::optional<std::string> PrimaryAdminOf(const std::map<std::string, store::TeamMember>& members) {
  for (const auto& [id, m] : members) {
    if (m.membership.role == TeamRole::kPrimaryAdmin) return id;
  }
  return std::nullopt;
}

// Everything a move reads before it writes, and what it decided.
struct Plan {
  TeamMove move;
  std::map<std::string, store::TeamMember> from_members;
  std::map<std::string, store::TeamMember> to_members;
  std::vector<std::string> staying_subscriptions;  // of the source, after the move
  std::vector<core::Subscription> staying_multi_user;
  // Holders of moved contracts who join the target as users: user id → status.
  std::map<std::string, MembershipStatus> joiners;
};

std::string TeamStateJson(const core::Team& team, std::size_t members,
                          const std::vector<core::Contract>& contracts, std::size_t devices) {
  JsonWriter json;
  json.BeginObject().Key("id").String(team.id).Key("name").String(team.name);
  json.Key("members").Int(static_cast<std::int64_t>(members));
  json.Key("contracts").BeginArray();
  for (const auto& c : contracts) json.String(c.number);
  json.EndArray();
  json.Key("devices").Int(static_cast<std::int64_t>(devices)).EndObject();
  return json.str();
}

std::string MoveJson(const TeamMove& move) {
  JsonWriter json;
  json.BeginObject()
      .Key("merge")
      .Bool(move.merge)
      .Key("from")
      .String(move.from.id)
      .Key("to")
      .String(move.to.id)
      .Key("to_created")
      .Bool(move.to_created);
  json.Key("people").BeginArray();
  for (const auto& p : move.people) {
    json.BeginObject()
        .Key("user_id")
        .String(p.user_id)
        .Key("role_before")
        .String(core::EnumName(p.role_before))
        .Key("role_after")
        .String(core::EnumName(p.role_after))
        .Key("seats_ended")
        .Int(p.seats_ended)
        .EndObject();
  }
  json.EndArray().Key("contracts").BeginArray();
  for (const auto& c : move.contracts) {
    json.BeginObject().Key("id").String(c.id).Key("number").String(c.number);
    json.Key("assignments").Int(c.assignments).EndObject();
  }
  json.EndArray().Key("devices").BeginArray();
  for (const auto& d : move.devices) json.String(d.id);
  json.EndArray().Key("notes").BeginArray();
  for (const auto& n : move.notes) {
    json.BeginObject().Key("kind").String(n.kind).Key("user_id").String(n.user_id).EndObject();
  }
  json.EndArray().Key("webhooks_moved").Int(move.webhooks_moved);
  json.Key("from_primary_admin_id");
  if (move.from_primary_admin_id) {
    json.String(*move.from_primary_admin_id);
  } else {
    json.Null();
  }
  json.Key("to_primary_admin_id");
  if (move.to_primary_admin_id) {
    json.String(*move.to_primary_admin_id);
  } else {
    json.Null();
  }
  json.EndObject();
  return json.str();
}

core::Error FieldProblem(std::vector<core::FieldError> errors) {
  return core::InvalidFields(
      errors.size() == 1
          ? errors[0].field + " " + errors[0].message
          : std::to_string(errors.size()) + " entries of the move are invalid; nothing was moved",
      std::move(errors));
}

}  // namespace

Result<core::Team> TeamService::CreateTeam(const Caller& caller, const std::string& account_id,
                                           const NewTeam& request) {
  AuditRecord record;
  record.action = "team.create";
  record.target_type = "account";
  record.target_id = account_id;
  record.account_id = account_id;
  return RunAudited<core::Team>(deps_, caller, record, [&](store::Tx& tx) -> Result<core::Team> {
    Scope scope;
    scope.account_id = account_id;
    SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                       core::Capability::kCreateOrders, scope));
    SW_ASSIGN_OR_RETURN(core::Account account, deps_.repos.accounts->GetAccount(tx, account_id));
    std::vector<core::FieldError> errors;
    std::string name = request.name;
    if (auto e = CheckTeamName(name, "name")) errors.push_back(std::move(*e));
    // The Primary Admin must already be an active member of a team of this account.
    bool member = false;
    if (!request.primary_admin_id.empty()) {
      SW_ASSIGN_OR_RETURN(auto memberships,
                          deps_.repos.users->ListMemberships(tx, request.primary_admin_id));
      for (const auto& m : memberships) {
        if (m.status != MembershipStatus::kActive) continue;
        auto team = deps_.repos.accounts->GetTeam(tx, m.team_id);
        if (team.ok() && team->account_id == account_id) member = true;
      }
    }
    if (!member) {
      errors.push_back(
          {"primary_admin_id", "must be the user id of an active member of one of the teams of " +
                                   account.company.name});
    }
    if (!errors.empty()) return core::InvalidFields("the team is invalid", errors);

    const auto now = deps_.clock.Now();
    core::Team team;
    team.account_id = account_id;
    team.name = name;
    team.created_at = team.updated_at = now;
    SW_ASSIGN_OR_RETURN(team, deps_.repos.accounts->CreateTeam(tx, team));
    SW_RETURN_IF_ERROR(deps_.repos.users->AddMembership(
        tx,
        core::Membership{team.id, request.primary_admin_id, TeamRole::kPrimaryAdmin,
                         MembershipStatus::kActive, ActorOf(caller), now, now, std::nullopt, now}));
    SW_ASSIGN_OR_RETURN(core::User pa, deps_.repos.users->Get(tx, request.primary_admin_id));
    AuditRecord done = record;
    done.target_type = "team";
    done.target_id = team.id;
    done.team_id = team.id;
    done.actor_role = std::string(core::RoleName(authz.role));
    JsonWriter after;
    after.BeginObject()
        .Key("name")
        .String(team.name)
        .Key("primary_admin_id")
        .String(pa.id)
        .EndObject();
    done.after_json = after.str();
    done.detail = "team " + team.name + " created in " + account.company.name +
                  " with Primary Admin " + pa.email;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    return team;
  });
}

Result<TeamContents> TeamService::Contents(const Caller& caller, const std::string& team_id) {
  AuditRecord record;
  record.action = "team.read";
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  return ReadAudited<TeamContents>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<TeamContents> {
        Scope scope;
        scope.team_id = team_id;
        SW_RETURN_IF_ERROR(
            Authorize(tx, deps_, caller.principal, core::Capability::kCreateOrders, scope));
        TeamContents out;
        SW_ASSIGN_OR_RETURN(out.team, deps_.repos.accounts->GetTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(auto members, MembersOf(tx, deps_, team_id));
        for (const auto& [id, m] : members) {
          out.members.push_back(
              {id, m.user.email, PersonName(m.user), m.membership.role, m.membership.status});
        }
        SW_ASSIGN_OR_RETURN(auto contracts, ContractsOfTeam(tx, deps_, team_id));
        SW_ASSIGN_OR_RETURN(auto holders, deps_.repos.accounts->ListTeamHolders(tx, team_id));
        for (const auto& c : contracts) {
          SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, c.id));
          const auto held = std::count_if(holders.begin(), holders.end(),
                                          [&](const auto& h) { return h.contract_id == c.id; });
          out.contracts.push_back(
              {c.id, c.number, static_cast<int>(subs.size()), static_cast<int>(held)});
        }
        SW_ASSIGN_OR_RETURN(auto devices, deps_.repos.accounts->ListTeamDevices(tx, team_id));
        for (const auto& d : devices) out.devices.push_back({d.id, d.asset_name, ""});
        return out;
      });
}

Result<core::Team> TeamService::RenameTeam(const Caller& caller, const std::string& team_id,
                                           const std::string& name) {
  AuditRecord record;
  record.action = "team.rename";
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  return RunAudited<core::Team>(deps_, caller, record, [&](store::Tx& tx) -> Result<core::Team> {
    Scope scope;
    scope.team_id = team_id;
    SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                       core::Capability::kCreateOrders, scope));
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->LockTeam(tx, team_id));
    std::string new_name = name;
    if (auto e = CheckTeamName(new_name, "name")) {
      return core::InvalidFields("the team name is invalid", {std::move(*e)});
    }
    const auto now = deps_.clock.Now();
    SW_RETURN_IF_ERROR(deps_.repos.accounts->RenameTeam(tx, team_id, new_name, now));
    AuditRecord done = record;
    done.account_id = team.account_id;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.before_json = "{\"name\":" + JsonQuote(team.name) + "}";
    done.after_json = "{\"name\":" + JsonQuote(new_name) + "}";
    done.detail = "team " + team.name + " renamed to " + new_name;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    team.name = new_name;
    team.updated_at = now;
    return team;
  });
}

Result<TeamMove> TeamService::Move(const Caller& caller, const std::string& from_team_id,
                                   const MoveRequest& request) {
  AuditRecord record;
  record.action = request.all ? "team.merge" : "team.split";
  record.target_type = "team";
  record.target_id = from_team_id;
  record.team_id = from_team_id;
  auto body = [&](store::Tx& tx) -> Result<TeamMove> {
    const bool apply = !request.dry_run;
    Scope scope;
    scope.team_id = from_team_id;
    SW_ASSIGN_OR_RETURN(Authorization authz, Authorize(tx, deps_, caller.principal,
                                                       core::Capability::kCreateOrders, scope));
    const auto now = deps_.clock.Now();
    Plan plan;
    TeamMove& move = plan.move;
    move.dry_run = request.dry_run;
    move.merge = request.all;

    // The two teams, locked in id order when applying (role changes serialise on them).
    std::vector<core::FieldError> errors;
    if (request.to_team_id.has_value() == request.new_team_name.has_value()) {
      errors.push_back({"to_team", "name either to_team (an existing team) or new_team_name"});
      return FieldProblem(std::move(errors));
    }
    if (request.to_team_id) {
      SW_ASSIGN_OR_RETURN(core::Team target,
                          deps_.repos.accounts->GetTeam(tx, *request.to_team_id));
      SW_ASSIGN_OR_RETURN(core::Team source, deps_.repos.accounts->GetTeam(tx, from_team_id));
      if (target.account_id != source.account_id) {
        Scope there;
        there.team_id = target.id;
        SW_RETURN_IF_ERROR(
            Authorize(tx, deps_, caller.principal, core::Capability::kCreateOrders, there));
        return core::MakeError(ErrorCode::kFailedPrecondition,
                               "team " + target.name +
                                   " belongs to another customer account; "
                                   "people, contracts and devices move only between teams of one "
                                   "account");
      }
      if (target.id == source.id) {
        errors.push_back({"to_team", "is the team things move from; name another team"});
        return FieldProblem(std::move(errors));
      }
      if (apply) {
        const bool source_first = source.id < target.id;
        SW_ASSIGN_OR_RETURN(
            auto first, deps_.repos.accounts->LockTeam(tx, source_first ? source.id : target.id));
        SW_ASSIGN_OR_RETURN(
            auto second, deps_.repos.accounts->LockTeam(tx, source_first ? target.id : source.id));
        move.from = source_first ? first : second;
        move.to = source_first ? second : first;
      } else {
        move.from = source;
        move.to = target;
      }
      if (request.new_team_primary_admin_id) {
        errors.push_back({"new_team_primary_admin", "is only for a team created by the move; " +
                                                        move.to.name + " keeps its Primary Admin"});
      }
    } else {
      if (apply) {
        SW_ASSIGN_OR_RETURN(move.from, deps_.repos.accounts->LockTeam(tx, from_team_id));
      } else {
        SW_ASSIGN_OR_RETURN(move.from, deps_.repos.accounts->GetTeam(tx, from_team_id));
      }
      std::string name = *request.new_team_name;
      if (auto e = CheckTeamName(name, "new_team_name")) errors.push_back(std::move(*e));
      if (request.all) {
        errors.push_back({"all",
                          "a merge moves into an existing team; name to_team, or rename "
                          "the team instead"});
      }
      move.to.account_id = move.from.account_id;
      move.to.name = name;
      move.to.created_at = move.to.updated_at = now;
      move.to_created = true;
    }
    if (request.all &&
        (!request.people.empty() || !request.contracts.empty() || !request.devices.empty())) {
      errors.push_back({"all", "moves everything; leave people, contracts and devices out"});
    }
    if (!request.all && request.people.empty() && request.contracts.empty() &&
        request.devices.empty()) {
      errors.push_back(
          {"people", "name at least one person, contract or device to move, or set all"});
    }
    if (!errors.empty()) return FieldProblem(std::move(errors));

    // What the source holds.
    SW_ASSIGN_OR_RETURN(plan.from_members, MembersOf(tx, deps_, move.from.id));
    if (!move.to_created) {
      SW_ASSIGN_OR_RETURN(plan.to_members, MembersOf(tx, deps_, move.to.id));
    }
    SW_ASSIGN_OR_RETURN(auto contracts, ContractsOfTeam(tx, deps_, move.from.id));
    SW_ASSIGN_OR_RETURN(auto devices, deps_.repos.accounts->ListTeamDevices(tx, move.from.id));

    std::set<std::string> people, contract_ids, device_ids;
    for (std::size_t i = 0; i < request.people.size(); ++i) {
      const auto& id = request.people[i];
      if (!plan.from_members.contains(id)) {
        errors.push_back({"people[" + std::to_string(i) + "]",
                          id + " is not a member of team " + move.from.name});
      }
      people.insert(id);
    }
    for (std::size_t i = 0; i < request.contracts.size(); ++i) {
      const auto& id = request.contracts[i];
      if (std::none_of(contracts.begin(), contracts.end(),
                       [&](const auto& c) { return c.id == id; })) {
        errors.push_back({"contracts[" + std::to_string(i) + "]",
                          id + " is not a contract of team " + move.from.name});
      }
      contract_ids.insert(id);
    }
    for (std::size_t i = 0; i < request.devices.size(); ++i) {
      const auto& id = request.devices[i];
      if (std::none_of(devices.begin(), devices.end(), [&](const auto& d) { return d.id == id; })) {
        errors.push_back({"devices[" + std::to_string(i) + "]",
                          id + " is not a device of team " + move.from.name});
      }
      device_ids.insert(id);
    }
    if (request.all) {
      for (const auto& [id, m] : plan.from_members) people.insert(id);
      for (const auto& c : contracts) contract_ids.insert(c.id);
    }

    // Primary Admins before and after.
    const auto from_pa = PrimaryAdminOf(plan.from_members);
    const bool from_pa_moves = from_pa && people.contains(*from_pa);
    if (move.to_created) {
      if (!request.new_team_primary_admin_id) {
        errors.push_back({"new_team_primary_admin",
                          "is required: name which of the people moving becomes the Primary "
                          "Admin of " +
                              move.to.name});
      } else if (!people.contains(*request.new_team_primary_admin_id)) {
        errors.push_back({"new_team_primary_admin", "must be one of the people moving"});
      } else {
        move.to_primary_admin_id = request.new_team_primary_admin_id;
      }
    } else {
      move.to_primary_admin_id = PrimaryAdminOf(plan.to_members);
    }
    if (request.source_primary_admin_id) {
      const auto& id = *request.source_primary_admin_id;
      if (request.all || !from_pa_moves) {
        errors.push_back(
            {"source_primary_admin", "is only for a move that takes the Primary Admin of " +
                                         move.from.name + " and leaves the team in place"});
      } else if (!plan.from_members.contains(id) || people.contains(id)) {
        errors.push_back(
            {"source_primary_admin", "must be a member of " + move.from.name + " who stays there"});
      }
    }
    if (!errors.empty()) return FieldProblem(std::move(errors));
    if (from_pa_moves && !request.all && !request.source_primary_admin_id) {
      const auto& pa = plan.from_members.at(*from_pa).user;
      return core::MakeError(ErrorCode::kConflict,
                             "the Primary Admin of " + move.from.name + " (" + pa.email +
                                 ") moves, so the team would have none: name source_primary_admin, "
                                 "a member who stays, or leave them in " +
                                 move.from.name);
    }
    if (request.all) {
      move.from_primary_admin_id.reset();
    } else if (from_pa_moves) {
      move.from_primary_admin_id = request.source_primary_admin_id;
    } else {
      move.from_primary_admin_id = from_pa;
    }

    // Contracts: lock their seat pools first, so an assignment racing with the move either
    // commits before the holders are read or sees the contract gone.
    std::map<std::string, std::string> contract_of_subscription;
    for (const auto& c : contracts) {
      SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, c.id));
      const bool moving = contract_ids.contains(c.id);
      MovedContract moved{c.id, c.number, {}, 0};
      for (const auto& s : subs) {
        contract_of_subscription[s.id] = c.id;
        if (moving) {
          if (apply) SW_RETURN_IF_ERROR(deps_.repos.contracts->LockSubscription(tx, s.id));
          moved.subscriptions.push_back({s.id, s.seats, 0});
        } else {
          plan.staying_subscriptions.push_back(s.id);
          if (s.access == core::Access::kMultiUser) plan.staying_multi_user.push_back(s);
        }
      }
      if (moving) move.contracts.push_back(std::move(moved));
    }
    SW_ASSIGN_OR_RETURN(auto holders, deps_.repos.accounts->ListTeamHolders(tx, move.from.id));
    std::map<std::string, int> held_moving, held_staying;  // by user
    for (const auto& h : holders) {
      if (contract_ids.contains(h.contract_id)) {
        ++held_moving[h.user_id];
        for (auto& c : move.contracts) {
          if (c.id != h.contract_id) continue;
          ++c.assignments;
          for (auto& s : c.subscriptions) s.assigned += s.id == h.subscription_id ? 1 : 0;
        }
      } else {
        ++held_staying[h.user_id];
      }
    }

    // People: their role in the target, and what they leave behind.
    for (const auto& id : people) {
      const store::TeamMember& from = plan.from_members.at(id);
      MovedPerson p;
      p.user_id = id;
      p.email = from.user.email;
      p.name = PersonName(from.user);
      p.role_before = from.membership.role;
      p.status = from.membership.status;
      TeamRole carried =
          p.role_before == TeamRole::kPrimaryAdmin ? TeamRole::kSecondaryAdmin : p.role_before;
      if (move.to_primary_admin_id == id) carried = TeamRole::kPrimaryAdmin;
      auto there = plan.to_members.find(id);
      if (there != plan.to_members.end()) {
        const TeamRole current = there->second.membership.role;
        p.role_after = Rank(current) >= Rank(carried) ? current : carried;
        if (there->second.membership.status == MembershipStatus::kActive) {
          p.status = MembershipStatus::kActive;
        }
        move.notes.push_back({"already_member", id,
                              p.email + " is already in " + move.to.name + " as " +
                                  RoleText(current) + "; stays there as " +
                                  RoleText(p.role_after)});
      } else {
        p.role_after = carried;
        if (p.role_before == TeamRole::kPrimaryAdmin && carried != TeamRole::kPrimaryAdmin) {
          move.notes.push_back({"primary_admin_demoted", id,
                                p.email + ", Primary Admin of " + move.from.name +
                                    ", becomes a Secondary Admin of " + move.to.name +
                                    ", which keeps its Primary Admin"});
        }
      }
      if (!request.all) {
        auto staying = held_staying.find(id);
        if (staying != held_staying.end()) {
          p.seats_ended = staying->second;
          move.notes.push_back({"seats_ended", id,
                                p.email + " leaves " + move.from.name + ": " +
                                    std::to_string(p.seats_ended) +
                                    " seat(s) of contracts staying there are unassigned"});
        }
      }
      move.people.push_back(std::move(p));
    }
    if (from_pa_moves && request.source_primary_admin_id) {
      const auto& stays = plan.from_members.at(*request.source_primary_admin_id).user;
      move.notes.push_back({"source_primary_admin", stays.id,
                            stays.email + " becomes the Primary Admin of " + move.from.name});
    }
    // Holders of moved seats who would not be members of the target join it as users.
    for (const auto& [user_id, count] : held_moving) {
      if (people.contains(user_id) || plan.to_members.contains(user_id)) continue;
      auto from = plan.from_members.find(user_id);
      MembershipStatus status = from == plan.from_members.end() ? MembershipStatus::kActive
                                                                : from->second.membership.status;
      plan.joiners[user_id] = status;
      std::string email = from == plan.from_members.end() ? user_id : from->second.user.email;
      move.notes.push_back({"joins_target", user_id,
                            email + " holds " + std::to_string(count) +
                                " seat(s) of moved contracts and joins " + move.to.name +
                                " as a user, so they stay assigned"});
    }

    // Devices: the named ones, every one on a merge, and those that only use moved contracts.
    SW_ASSIGN_OR_RETURN(auto uses, deps_.repos.accounts->ListDeviceUse(tx, move.from.id, now));
    std::map<std::string, std::pair<int, int>> use_by_device;  // moving, staying
    for (const auto& u : uses) {
      auto& [moving, staying] = use_by_device[u.device_id];
      (contract_ids.contains(u.contract_id) ? moving : staying) += 1;
    }
    std::vector<store::TeamDevice> to_devices;
    if (!move.to_created) {
      SW_ASSIGN_OR_RETURN(to_devices, deps_.repos.accounts->ListTeamDevices(tx, move.to.id));
    }
    std::vector<std::string> clashes;
    for (const auto& d : devices) {
      std::string reason;
      if (request.all) {
        reason = "all";
      } else if (device_ids.contains(d.id)) {
        reason = "named";
      } else if (auto u = use_by_device.find(d.id);
                 u != use_by_device.end() && u->second.first > 0 && u->second.second == 0) {
        reason = "contracts";
      } else {
        continue;
      }
      for (const auto& t : to_devices) {
        if (t.fingerprint_hash == d.fingerprint_hash) {
          clashes.push_back((d.asset_name.empty() ? d.id : d.asset_name) + " (" + d.id +
                            ") is already registered in " + move.to.name + " as " + t.id);
        }
      }
      move.devices.push_back({d.id, d.asset_name, reason});
    }
    if (!clashes.empty()) {
      std::string message = "the same computer cannot be registered twice in one team: ";
      for (std::size_t i = 0; i < clashes.size(); ++i) message += (i ? "; " : "") + clashes[i];
      return core::MakeError(ErrorCode::kConflict,
                             message + ". Leave those devices in " + move.from.name + " first");
    }
    if (request.all) {
      SW_ASSIGN_OR_RETURN(auto webhooks, deps_.repos.accounts->CountWebhooks(tx, move.from.id));
      move.webhooks_moved = static_cast<int>(webhooks);
    }

    // Who is told: the admins of both teams once the move is done.
    std::map<std::string, core::User> told;
    for (const auto& [id, m] : plan.from_members) {
      if (IsAdmin(m.membership.role) && m.membership.status == MembershipStatus::kActive) {
        told.emplace(id, m.user);
      }
    }
    for (const auto& [id, m] : plan.to_members) {
      if (IsAdmin(m.membership.role) && m.membership.status == MembershipStatus::kActive) {
        told.emplace(id, m.user);
      }
    }
    for (const auto& p : move.people) {
      const auto& m = plan.from_members.at(p.user_id);
      if (IsAdmin(p.role_after) && p.status == MembershipStatus::kActive) {
        told.emplace(p.user_id, m.user);
      }
    }
    if (request.source_primary_admin_id) {
      const auto& m = plan.from_members.at(*request.source_primary_admin_id);
      if (m.membership.status == MembershipStatus::kActive) told.emplace(m.user.id, m.user);
    }
    for (auto it = told.begin(); it != told.end();) {
      it = it->second.erased ? told.erase(it) : std::next(it);
    }
    for (const auto& [id, u] : told) move.notified.push_back(u.email);

    if (!apply) return move;

    // --- Apply, in this transaction. ---
    const std::string before =
        "{\"from\":" +
        TeamStateJson(move.from, plan.from_members.size(), contracts, devices.size()) + ",\"to\":" +
        (move.to_created ? std::string("null")
                         : TeamStateJson(move.to, plan.to_members.size(), {}, to_devices.size())) +
        "}";
    if (move.to_created) {
      SW_ASSIGN_OR_RETURN(move.to, deps_.repos.accounts->CreateTeam(tx, move.to));
    }
    for (const auto& c : move.contracts) {
      SW_RETURN_IF_ERROR(deps_.repos.accounts->MoveContract(tx, c.id, move.to.id, now));
    }
    for (const auto& d : move.devices) {
      SW_RETURN_IF_ERROR(deps_.repos.accounts->MoveDevice(tx, d.id, move.to.id, now));
    }
    const auto actor = ActorOf(caller);
    // The source side first: the Primary Admin leaves before another takes the role.
    if (!request.all) {
      for (const auto& p : move.people) {
        if (p.seats_ended > 0) {
          SW_RETURN_IF_ERROR(
              deps_.repos.assignments->UnassignAllInTeam(tx, p.user_id, move.from.id, actor, now));
        }
        if (!plan.staying_subscriptions.empty()) {
          SW_RETURN_IF_ERROR(deps_.repos.activations->RevokeForUser(
              tx, p.user_id, plan.staying_subscriptions, core::RevocationReason::kUnassigned, now));
        }
        for (const auto& sub : plan.staying_multi_user) {
          SW_ASSIGN_OR_RETURN(auto leases, deps_.repos.leases->ListHeld(tx, sub.id, now));
          for (const auto& lease : leases) {
            if (lease.user_id != p.user_id) continue;
            SW_RETURN_IF_ERROR(deps_.repos.leases->Release(tx, lease.id, now));
          }
        }
        core::Membership m = plan.from_members.at(p.user_id).membership;
        m.status = MembershipStatus::kRemoved;
        m.removed_at = now;
        m.updated_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.users->UpdateMembership(tx, m));
      }
      if (from_pa_moves) {
        core::Membership m = plan.from_members.at(*request.source_primary_admin_id).membership;
        m.role = TeamRole::kPrimaryAdmin;
        m.updated_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.users->UpdateMembership(tx, m));
      }
    }
    // Then the target side.
    auto place = [&](const std::string& user_id, TeamRole role, MembershipStatus status,
                     const core::Membership* from) -> Result<void> {
      SW_ASSIGN_OR_RETURN(auto existing, deps_.repos.users->GetMembership(tx, move.to.id, user_id));
      core::Membership m;
      if (existing) {
        m = *existing;
        if (m.status == MembershipStatus::kRemoved) {
          m.removed_at.reset();
          m.created_at = now;
          m.invited_by = actor;
        }
      } else {
        m = core::Membership{move.to.id, user_id,      role,         status, actor,
                             now,        std::nullopt, std::nullopt, now};
      }
      if (from) {
        m.invited_first_name = from->invited_first_name;
        m.invited_last_name = from->invited_last_name;
        if (!m.accepted_at) m.accepted_at = from->accepted_at;
      }
      m.role = role;
      m.status = status;
      if (status == MembershipStatus::kActive && !m.accepted_at) m.accepted_at = now;
      m.updated_at = now;
      if (existing) {
        SW_RETURN_IF_ERROR(deps_.repos.users->UpdateMembership(tx, m));
      } else {
        SW_RETURN_IF_ERROR(deps_.repos.users->AddMembership(tx, m));
      }
      if (status == MembershipStatus::kInvited) {
        SW_RETURN_IF_ERROR(
            deps_.repos.accounts->MoveInvitations(tx, move.from.id, move.to.id, user_id));
      }
      return core::Ok();
    };
    for (const auto& p : move.people) {
      SW_RETURN_IF_ERROR(
          place(p.user_id, p.role_after, p.status, &plan.from_members.at(p.user_id).membership));
    }
    for (const auto& [user_id, status] : plan.joiners) {
      auto from = plan.from_members.find(user_id);
      SW_RETURN_IF_ERROR(
          place(user_id, TeamRole::kUser, status,
                from == plan.from_members.end() ? nullptr : &from->second.membership));
    }
    if (request.all) {
      SW_RETURN_IF_ERROR(deps_.repos.accounts->MoveWebhooks(tx, move.from.id, move.to.id));
      SW_RETURN_IF_ERROR(deps_.repos.accounts->DeleteTeam(tx, move.from.id));
    }

    // The invariant, read back: one Primary Admin on each side that remains.
    SW_ASSIGN_OR_RETURN(auto to_pa, deps_.repos.users->FindPrimaryAdmin(tx, move.to.id));
    if (!to_pa || to_pa->user.id != move.to_primary_admin_id) {
      return core::MakeError(ErrorCode::kConflict, "team " + move.to.name +
                                                       " would be left without its Primary Admin; "
                                                       "nothing was moved");
    }
    if (!request.all) {
      SW_ASSIGN_OR_RETURN(auto from_after, deps_.repos.users->FindPrimaryAdmin(tx, move.from.id));
      if (from_pa && (!from_after || from_after->user.id != move.from_primary_admin_id)) {
        return core::MakeError(
            ErrorCode::kConflict,
            "team " + move.from.name + " would be left without a Primary Admin; nothing was moved");
      }
    }

    // Audited on both teams, so each team's audit log shows it.
    const std::string after = MoveJson(move);
    const std::string summary =
        std::to_string(move.people.size()) + " people, " + std::to_string(move.contracts.size()) +
        " contracts and " + std::to_string(move.devices.size()) + " devices moved from " +
        move.from.name + " to " + move.to.name +
        (request.all ? "; " + move.from.name + " merged and deleted" : std::string());
    AuditRecord done = record;
    done.account_id = move.from.account_id;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.before_json = before;
    done.after_json = after;
    done.detail = summary;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    AuditRecord into = done;
    into.team_id = move.to.id;
    into.target_id = move.to.id;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, into));

    // The admins of both teams are told.
    const std::string move_id = core::NewId(deps_.random, "mov");
    const std::string link = public_url_ + "/users";
    std::string lines;
    for (const auto& p : move.people) {
      lines += "  - " + p.name + " (" + p.email + "), " + RoleText(p.role_after) + "\n";
    }
    for (const auto& c : move.contracts) {
      lines +=
          "  - contract " + c.number + ", " + std::to_string(c.assignments) + " assigned seat(s)\n";
    }
    if (!move.devices.empty()) {
      lines += "  - " + std::to_string(move.devices.size()) + " device(s)\n";
    }
    for (const auto& [id, user] : told) {
      Email email;
      email.event_key = "team_move:" + move_id + ":" + id;
      email.template_name = "team_move";
      email.to = &user;
      email.team_id = move.to.id;
      email.action_url = link;
      email.subject = request.all ? "Team " + move.from.name + " was merged into " + move.to.name
                                  : "People and licenses moved from team " + move.from.name +
                                        " to " + move.to.name;
      email.body =
          "At your organisation's request, your reseller or the publisher moved from "
          "the team " +
          move.from.name + " to the team " + move.to.name + ":\n\n" + lines +
          (request.all ? "\nThe team " + move.from.name + " no longer exists.\n" : std::string()) +
          "\nSee the team's users and products at " + link;
      email.payload_json = "{\"from_team_id\":" + JsonQuote(move.from.id) +
                           ",\"to_team_id\":" + JsonQuote(move.to.id) + "}";
      SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));
    }
    return move;
  };
  if (request.dry_run) {
    return ReadAudited<TeamMove>(deps_, caller, record, body);
  }
  return RunAudited<TeamMove>(deps_, caller, record, body);
}

}  // namespace seatwise::service
