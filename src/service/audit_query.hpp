#pragma once
// Reading the audit log: a team's entries for its admins, every entry for operators, and the
// CSV export. Entries are append-only; nothing here (or anywhere) changes or deletes them.

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "store/page.hpp"

namespace seatwise::service {

// Filters of an audit listing; unset ones do not filter. Newest entries first.
struct AuditQuery {
  std::optional<std::string> actor_id;
  std::optional<std::string> action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<core::TimePoint> from;  // at >= from
  std::optional<core::TimePoint> to;    // at < to
  std::optional<core::AuditOutcome> outcome;
  std::string after;  // cursor: next_after of the previous page
  int limit = 50;     // clamped to [1, store::kMaxPageSize]
};

class AuditQueryService {
 public:
  explicit AuditQueryService(const Deps& deps) : deps_(deps) {}

  // The team's entries. Open to the team's Primary and Secondary Admins and to operators
  // (whoever may manage the team's users across all its contracts); a refusal is audited.
  core::Result<store::Page<core::AuditEntry>> ListTeamAudit(const Caller& caller,
                                                            const std::string& team_id,
                                                            const AuditQuery& query);

  // Every entry of the instance. Operators only; a refusal is audited.
  core::Result<store::Page<core::AuditEntry>> ListAllAudit(const Caller& caller,
                                                           const AuditQuery& query);

 private:
  Deps deps_;
};

// RFC 4180 CSV of `entries` with a header row and CRLF line ends. Fields holding a comma,
// quote, CR or LF are quoted (quotes doubled); fields starting with = + - @ or a tab get a
// leading ' so spreadsheets do not run them as formulas.
std::string AuditCsv(const std::vector<core::AuditEntry>& entries);

}  // namespace seatwise::service
