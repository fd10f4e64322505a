#include "service/gdpr.hpp"

#include <utility>

#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/identity_reach.hpp"
#include "service/json_writer.hpp"
#include "service/tokens.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

// Column names whose integer values are times (Unix milliseconds).
bool IsTimeColumn(std::string_view column) {
  return column.ends_with("_at") || column.ends_with("_until") || column == "at" ||
         column == "day_start";
}

void WriteValue(JsonWriter& json, std::string_view column, const store::Value& value) {
  if (std::holds_alternative<std::nullptr_t>(value)) {
    json.Null();
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    if (IsTimeColumn(column)) {
      json.Time(core::FromUnixMillis(*i));
    } else {
      json.Int(*i);
    }
  } else if (const auto* d = std::get_if<double>(&value)) {
    json.Int(static_cast<std::int64_t>(*d));
  } else {
    json.String(std::get<std::string>(value));
  }
}

void WriteProfile(JsonWriter& json, const core::User& user) {
  json.BeginObject()
      .Key("id")
      .String(user.id)
      .Key("email")
      .String(user.email)
      .Key("first_name")
      .String(user.first_name)
      .Key("last_name")
      .String(user.last_name)
      .Key("status")
      .String(core::EnumName(user.status))
      .Key("mfa_enrolled")
      .Bool(user.totp_enrolled)
      .Key("is_operator")
      .Bool(user.is_operator);
  json.Key("reseller_id");
  user.reseller_id ? json.String(*user.reseller_id) : json.Null();
  json.Key("password_changed_at");
  user.password_changed_at ? json.Time(*user.password_changed_at) : json.Null();
  json.Key("last_sign_in_at");
  user.last_sign_in_at ? json.Time(*user.last_sign_in_at) : json.Null();
  json.Key("created_at").Time(user.created_at).Key("updated_at").Time(user.updated_at).EndObject();
}

core::Error Concealed() {
  core::Error e = MakeError(ErrorCode::kPermissionDenied, "no such user");
  e.conceal_existence = true;
  return e;
}

}  // namespace

GdprService::GdprService(Deps& deps) : deps_(deps) {}

Result<std::string> GdprService::ExportMyData(const Caller& caller) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  return deps_.db.Transact<std::string>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::string> {
        SW_ASSIGN_OR_RETURN(auto user, deps_.repos.users->Get(tx, caller.principal.user_id));
        SW_ASSIGN_OR_RETURN(auto sets,
                            deps_.repos.personal_data->Collect(tx, caller.principal.user_id));
        JsonWriter json;
        json.BeginObject().Key("generated_at").Time(deps_.clock.Now()).Key("profile");
        WriteProfile(json, user);
        for (const auto& set : sets) {
          json.Key(set.name).BeginArray();
          for (const auto& row : set.rows) {
            json.BeginObject();
            for (std::size_t i = 0; i < set.columns.size() && i < row.size(); ++i) {
              json.Key(set.columns[i]);
              WriteValue(json, set.columns[i], row.at(i));
            }
            json.EndObject();
          }
          json.EndArray();
        }
        json.EndObject();
        return json.str();
      });
}

Result<ErasureOutcome> GdprService::EraseUser(const Caller& caller,
                                              const std::optional<std::string>& team_id,
                                              const std::string& user_id) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  AuditRecord record;
  record.action = "user.erase";
  record.target_type = "user";
  record.target_id = user_id;
  record.team_id = team_id;
  return RunAudited<
      ErasureOutcome>(deps_, caller, record, [&](store::Tx& tx) -> Result<ErasureOutcome> {
    const auto now = deps_.clock.Now();
    // Power first, so that probing ids through a team learns nothing about other accounts.
    SW_RETURN_IF_ERROR(
        AuthorizeIdentityAct(tx, deps_, caller, team_id, user_id, IdentityAct::kErase));
    auto target = deps_.repos.users->Get(tx, user_id);
    if (!target.ok()) {
      if (target.error().code == ErrorCode::kNotFound) return Concealed();
      return std::move(target).error();
    }
    SW_ASSIGN_OR_RETURN(auto memberships, deps_.repos.users->ListMemberships(tx, user_id));
    ErasureOutcome outcome{user_id, target->erased};
    if (target->erased) return outcome;

    for (const auto& membership : memberships) {
      if (membership.status != core::MembershipStatus::kRemoved &&
          membership.role == core::TeamRole::kPrimaryAdmin) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the user is the Primary Admin of team " + membership.team_id +
                             " — hand the Primary Admin role over before erasing them");
      }
    }
    store::ContractFilter as_cm;
    as_cm.contract_manager_id = user_id;
    SW_ASSIGN_OR_RETURN(auto managed, deps_.repos.contracts->ListContracts(tx, as_cm, {"", 1}));
    if (!managed.items.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the user is the Contract Manager of contract " +
                           managed.items.front().number +
                           " — change the Contract Manager before erasing them");
    }
    // A Software Coordinator falls back to the contract's CM, as on renewal.
    store::ContractFilter as_sc;
    as_sc.software_coordinator_id = user_id;
    for (std::string after;;) {
      SW_ASSIGN_OR_RETURN(auto page, deps_.repos.contracts->ListContracts(tx, as_sc, {after, 100}));
      for (auto contract : page.items) {
        contract.software_coordinator_id = contract.contract_manager_id;
        contract.updated_at = now;
        SW_RETURN_IF_ERROR(deps_.repos.contracts->UpdateContract(tx, contract));
      }
      if (page.next_after.empty()) break;
      after = page.next_after;
    }

    const std::optional<std::string> by = caller.principal.user_id == user_id
                                              ? std::nullopt
                                              : std::optional(caller.principal.user_id);
    SW_ASSIGN_OR_RETURN(auto held, deps_.repos.assignments->ListActiveByUser(tx, user_id));
    for (const auto& assignment : held) {
      SW_RETURN_IF_ERROR(
          deps_.repos.assignments->Unassign(tx, assignment.subscription_id, user_id, by, now));
    }
    SW_RETURN_IF_ERROR(deps_.repos.activations->RevokeForUser(
        tx, user_id, {}, core::RevocationReason::kUserRemoved, now));
    SW_RETURN_IF_ERROR(deps_.repos.leases->ReleaseForUser(tx, user_id, now));
    for (auto membership : memberships) {
      if (membership.status == core::MembershipStatus::kRemoved) continue;
      membership.status = core::MembershipStatus::kRemoved;
      membership.removed_at = now;
      membership.updated_at = now;
      SW_RETURN_IF_ERROR(deps_.repos.users->UpdateMembership(tx, membership));
    }
    SW_RETURN_IF_ERROR(TokenService::RevokeUserTokens(tx, deps_, user_id));
    SW_RETURN_IF_ERROR(deps_.repos.auth->RevokeUserSessions(tx, user_id, now));
    SW_RETURN_IF_ERROR(deps_.repos.auth->DeleteUserCredentials(tx, user_id));
    SW_RETURN_IF_ERROR(deps_.repos.personal_data->AnonymiseUserTraces(tx, user_id));
    SW_RETURN_IF_ERROR(deps_.repos.audit->AnonymiseActor(tx, user_id));
    SW_RETURN_IF_ERROR(deps_.repos.users->Erase(tx, user_id, now));

    // The record of the erasure names ids only; a self-erasure keeps no IP either.
    Caller recorder = caller;
    if (caller.principal.user_id == user_id) recorder.meta.ip.clear();
    AuditRecord done = record;
    done.actor_role = caller.principal.user_id == user_id ? "user" : "";
    done.detail = "personal data erased";
    SW_RETURN_IF_ERROR(Audit(tx, deps_, recorder, done));
    return outcome;
  });
}

}  // namespace seatwise::service
