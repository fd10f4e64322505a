#include "service/audit_query.hpp"

#include <chrono>
#include <cstdio>

#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::Result;

store::AuditFilter FilterOf(const AuditQuery& query) {
  store::AuditFilter filter;
  filter.actor_id = query.actor_id;
  filter.action = query.action;
  filter.target_type = query.target_type;
  filter.target_id = query.target_id;
  filter.from = query.from;
  filter.to = query.to;
  filter.outcome = query.outcome;
  return filter;
}

// The audit log is read by whoever manages the team's users across all of its contracts:
// a grant limited to some contracts (Software Coordinators) cannot be cut out of a team-wide
// log, so it does not open it.
Result<Authorization> AuthorizeAuditReading(store::Tx& tx, const Deps& deps, const Caller& caller,
                                            const Scope& scope, const std::string& refusal) {
  SW_ASSIGN_OR_RETURN(Authorization authz,
                      Authorize(tx, deps, caller.principal, core::Capability::kManageUsers, scope));
  if (authz.grant != core::Grant::kEverything) {
    return core::MakeError(core::ErrorCode::kPermissionDenied, refusal);
  }
  return authz;
}

// One CSV field: formula-looking text neutralised, then quoted when it must be.
std::string CsvField(std::string value) {
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                         value[0] == '\t')) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (const char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

Result<store::Page<core::AuditEntry>> AuditQueryService::ListTeamAudit(const Caller& caller,
                                                                       const std::string& team_id,
                                                                       const AuditQuery& query) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "audit.list";
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  return RunAudited<store::Page<core::AuditEntry>>(
      deps, caller, record, [&](store::Tx& tx) -> Result<store::Page<core::AuditEntry>> {
        SW_RETURN_IF_ERROR(AuthorizeAuditReading(
            tx, deps, caller, {team_id, {}, {}},
            "the team's audit log is open to its Primary and Secondary Admins only; ask the "
            "Primary Admin"));
        store::AuditFilter filter = FilterOf(query);
        filter.team_id = team_id;
        return deps.repos.audit->List(tx, filter, {query.after, query.limit});
      });
}

Result<store::Page<core::AuditEntry>> AuditQueryService::ListAllAudit(const Caller& caller,
                                                                      const AuditQuery& query) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "audit.list";
  record.target_type = "instance";
  return RunAudited<store::Page<core::AuditEntry>>(
      deps, caller, record, [&](store::Tx& tx) -> Result<store::Page<core::AuditEntry>> {
        SW_RETURN_IF_ERROR(AuthorizeAuditReading(
            tx, deps, caller, {},
            "the audit log of the whole instance is open to the publisher's operators only; "
            "team admins can read their team's log"));
        return deps.repos.audit->List(tx, FilterOf(query), {query.after, query.limit});
      });
}

std::string AuditCsv(const std::vector<core::AuditEntry>& entries) {
  std::string out =
      "id,at,actor_id,actor_role,action,target_type,target_id,team_id,account_id,ip,request_id,"
      "outcome,detail,before,after\r\n";
  for (const auto& e : entries) {
    const std::string fields[] = {e.id,
                                  FormatTime(e.at),
                                  e.actor_id.value_or(""),
                                  e.actor_role,
                                  e.action,
                                  e.target_type,
                                  e.target_id,
                                  e.team_id.value_or(""),
                                  e.account_id.value_or(""),
                                  e.ip,
                                  e.request_id,
                                  std::string(core::EnumName(e.outcome)),
                                  e.detail,
                                  e.before_json.value_or(""),
                                  e.after_json.value_or("")};
    bool first = true;
    for (const auto& field : fields) {
      if (!first) out += ',';
      first = false;
      out += CsvField(field);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace seatwise::service
