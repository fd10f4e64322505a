#include <charconv>

#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kInsertEntry =
    "INSERT INTO audit_entries (id, at, actor_id, actor_role, action, target_type, target_id,"
    " team_id, account_id, ip, request_id, before_state, after_state, outcome, detail)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq";
constexpr std::string_view kSelectBase =
    "SELECT seq, id, at, actor_id, actor_role, action, target_type, target_id, team_id,"
    " account_id, ip, request_id, before_state, after_state, outcome, detail"
    " FROM audit_entries WHERE 1 = 1";
constexpr std::string_view kSeqBefore = " AND seq < ?";
constexpr std::string_view kTeamIs = " AND team_id = ?";
constexpr std::string_view kActorIs = " AND actor_id = ?";
constexpr std::string_view kActionIs = " AND action = ?";
constexpr std::string_view kTargetTypeIs = " AND target_type = ?";
constexpr std::string_view kTargetIdIs = " AND target_id = ?";
constexpr std::string_view kOutcomeIs = " AND outcome = ?";
constexpr std::string_view kAtFrom = " AND at >= ?";
constexpr std::string_view kAtTo = " AND at < ?";
constexpr std::string_view kNewestFirst = " ORDER BY seq DESC LIMIT ?";
constexpr std::string_view kAnonymiseActor =
    "UPDATE audit_entries SET ip = '' WHERE actor_id = ? AND ip <> ''";

core::AuditEntry EntryFrom(const Row& r) {
  core::AuditEntry e;
  e.seq = r.Int(0);
  e.id = r.Text(1);
  e.at = TimeAt(r, 2);
  e.actor_id = r.OptText(3);
  e.actor_role = r.Text(4);
  e.action = r.Text(5);
  e.target_type = r.Text(6);
  e.target_id = r.Text(7);
  e.team_id = r.OptText(8);
  e.account_id = r.OptText(9);
  e.ip = r.Text(10);
  e.request_id = r.Text(11);
  e.before_json = r.OptText(12);
  e.after_json = r.OptText(13);
  e.outcome = EnumAt<core::AuditOutcome>(r, 14);
  e.detail = r.Text(15);
  return e;
}

class SqlAuditRepository final : public AuditRepository {
 public:
  explicit SqlAuditRepository(core::Random& random) : random_(random) {}

  Result<core::AuditEntry> Append(Tx& tx, core::AuditEntry e) override {
    EnsureId(e.id, random_, core::id_prefix::kAuditEntry);
    SW_ASSIGN_OR_RETURN(
        Row row,
        tx.QueryOne(kInsertEntry,
                    {e.id, Ms(e.at), OptText(e.actor_id), e.actor_role, e.action, e.target_type,
                     e.target_id, OptText(e.team_id), OptText(e.account_id), e.ip, e.request_id,
                     OptText(e.before_json), OptText(e.after_json), Enum(e.outcome), e.detail},
                    "audit entry"));
    e.seq = row.Int(0);
    return e;
  }

  Result<Page<core::AuditEntry>> List(Tx& tx, const AuditFilter& f,
                                      const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    std::string sql(kSelectBase);
    Params params;
    if (!page.after.empty()) {
      std::int64_t seq = 0;
      auto [ptr, ec] =
          std::from_chars(page.after.data(), page.after.data() + page.after.size(), seq);
      if (ec != std::errc() || ptr != page.after.data() + page.after.size()) {
        return core::MakeError(ErrorCode::kInvalidArgument, "malformed page cursor");
      }
      sql += kSeqBefore;
      params.emplace_back(seq);
    }
    auto add = [&](const std::optional<std::string>& value, std::string_view clause) {
      if (!value) return;
      sql += clause;
      params.emplace_back(*value);
    };
    add(f.team_id, kTeamIs);
    add(f.actor_id, kActorIs);
    add(f.action, kActionIs);
    add(f.target_type, kTargetTypeIs);
    add(f.target_id, kTargetIdIs);
    if (f.outcome) add(std::string(core::EnumName(*f.outcome)), kOutcomeIs);
    if (f.from) {
      sql += kAtFrom;
      params.push_back(Ms(*f.from));
    }
    if (f.to) {
      sql += kAtTo;
      params.push_back(Ms(*f.to));
    }
    sql += kNewestFirst;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<core::AuditEntry>(rows, EntryFrom), limit,
                    [](const core::AuditEntry& e) { return std::to_string(e.seq); });
  }

  Result<int> AnonymiseActor(Tx& tx, const std::string& actor_id) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kAnonymiseActor, {actor_id}));
    return static_cast<int>(changed);
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<AuditRepository> NewSqlAuditRepository(core::Random& random) {
  return std::make_unique<SqlAuditRepository>(random);
}

}  // namespace seatwise::store
