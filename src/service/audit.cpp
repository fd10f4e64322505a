#include "service/audit.hpp"

namespace seatwise::service {
namespace {

// The role named when the use case did not say which role allowed the action.
std::string FallbackRole(const Principal& principal) {
  if (principal.method == AuthMethod::kSystem) return "system";
  return principal.authenticated() ? "user" : "anonymous";
}

core::AuditEntry EntryFor(const Deps& deps, const Caller& caller, const AuditRecord& record,
                          core::AuditOutcome outcome) {
  core::AuditEntry entry;
  entry.at = deps.clock.Now();
  if (!caller.principal.user_id.empty()) entry.actor_id = caller.principal.user_id;
  entry.actor_role = record.actor_role.empty() ? FallbackRole(caller.principal) : record.actor_role;
  entry.action = record.action;
  entry.target_type = record.target_type;
  entry.target_id = record.target_id;
  entry.team_id = record.team_id;
  entry.account_id = record.account_id;
  entry.ip = caller.meta.ip;
  entry.request_id = caller.meta.request_id;
  entry.before_json = record.before_json;
  entry.after_json = record.after_json;
  entry.outcome = outcome;
  entry.detail = record.detail;
  return entry;
}

}  // namespace

core::Result<void> Audit(store::Tx& tx, const Deps& deps, const Caller& caller,
                         const AuditRecord& record) {
  SW_RETURN_IF_ERROR(
      deps.repos.audit->Append(tx, EntryFor(deps, caller, record, core::AuditOutcome::kAllowed)));
  return core::Ok();
}

void AuditDenied(const Deps& deps, const Caller& caller, const AuditRecord& record,
                 const core::Error& refusal) {
  AuditRecord denied = record;
  denied.before_json.reset();
  denied.after_json.reset();
  denied.detail = refusal.message;
  auto ignored = deps.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_RETURN_IF_ERROR(
        deps.repos.audit->Append(tx, EntryFor(deps, caller, denied, core::AuditOutcome::kDenied)));
    return core::Ok();
  });
  (void)ignored;
}

}  // namespace seatwise::service
