#pragma once
// Audit entries are written by the use case that causes them, in its own transaction, so a
// change and its record commit or vanish together. A refused attempt is recorded too, in a
// transaction of its own, because the refused one rolls back.

#include <functional>
#include <optional>
#include <string>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

// What a use case did (or tried to do) to what.
struct AuditRecord {
  std::string action;       // "<object>.<verb>", e.g. "secondary_admin.appoint"
  std::string target_type;  // "user", "team", "contract", "api_token", ...
  std::string target_id;
  std::optional<std::string> team_id;
  std::optional<std::string> account_id;
  std::string actor_role;  // core::RoleName of the role that allowed it; "system"/"anonymous"
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string detail;  // a short human note; never a secret
};

// Appends the entry for `caller` inside `tx` (outcome allowed).
core::Result<void> Audit(store::Tx& tx, const Deps& deps, const Caller& caller,
                         const AuditRecord& record);

// Records a refused attempt (outcome denied, detail = the error's message) in its own
// write transaction. Failures to record are logged nowhere and swallowed: the caller is
// already answering with the refusal.
void AuditDenied(const Deps& deps, const Caller& caller, const AuditRecord& record,
                 const core::Error& refusal);

// Runs `fn` in one write transaction; if it fails with kPermissionDenied (concealed or not),
// records the denied attempt described by `record` and returns the error unchanged.
template <typename T>
core::Result<T> RunAudited(const Deps& deps, const Caller& caller, const AuditRecord& record,
                           const std::function<core::Result<T>(store::Tx&)>& fn) {
  auto result = deps.db.Transact<T>(store::TxMode::kWrite, fn);
  if (!result.ok() && result.error().code == core::ErrorCode::kPermissionDenied) {
    AuditDenied(deps, caller, record, result.error());
  }
  return result;
}

// RunAudited for a read-only use case: a refused read is recorded too.
template <typename T>
core::Result<T> ReadAudited(const Deps& deps, const Caller& caller, const AuditRecord& record,
                            const std::function<core::Result<T>(store::Tx&)>& fn) {
  auto result = deps.db.Transact<T>(store::TxMode::kRead, fn);
  if (!result.ok() && result.error().code == core::ErrorCode::kPermissionDenied) {
    AuditDenied(deps, caller, record, result.error());
  }
  return result;
}

}  // namespace seatwise::service
