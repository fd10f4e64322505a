#include <string_view>

#include "store/personal_data_repository.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

// One set of the export: the columns it shows and the rest of its SELECT. Each `?` of
// `from_where` is bound to the user id.
struct SetQuery {
  std::string_view name;
  std::vector<std::string_view> columns;
  std::string_view from_where;
};

const std::vector<SetQuery>& SetQueries() {
  static const std::vector<SetQuery> queries = {
      {"memberships",
       {"team_id", "role", "status", "invited_by", "created_at", "accepted_at", "removed_at"},
       "FROM memberships WHERE user_id = ? ORDER BY team_id"},
      {"contracts",
       {"id", "number", "subscription_ref", "team_id", "contract_manager_id",
        "software_coordinator_id", "starts_at", "ends_at", "status"},
       "FROM contracts WHERE contract_manager_id = ? OR software_coordinator_id = ?"
       " ORDER BY created_at, id"},
      {"assignments",
       {"id", "subscription_id", "assigned_by", "assigned_at", "unassigned_at", "unassigned_by"},
       "FROM assignments WHERE user_id = ? ORDER BY assigned_at, id"},
      {"devices",
       {"id", "team_id", "asset_name", "os", "app_version", "description", "last_check_in_at",
        "registered_at"},
       "FROM devices WHERE last_user_id = ? ORDER BY registered_at, id"},
      {"activations",
       {"id", "kind", "subscription_id", "product_id", "device_id", "status", "revoked_reason",
        "issued_at", "expires_at", "offline_grace_until", "revoked_at"},
       "FROM activations WHERE user_id = ? ORDER BY issued_at, id"},
      {"leases",
       {"id", "subscription_id", "product_id", "device_id", "user_name", "host", "checked_out_at",
        "heartbeat_at", "expires_at", "borrowed_until", "released_at"},
       "FROM leases WHERE user_id = ? ORDER BY checked_out_at, id"},
      {"usage_events",
       {"id", "device_id", "product_id", "service_id", "subscription_id", "kind", "credits",
        "duration_seconds", "at", "received_at"},
       "FROM usage_events WHERE user_id = ? ORDER BY seq"},
      {"usage_daily",
       {"day_start", "team_id", "subscription_id", "product_id", "sessions", "seconds"},
       "FROM usage_daily WHERE user_id = ? ORDER BY day_start, subscription_id, product_id"},
      {"credit_entries",
       {"id", "contract_id", "service_id", "amount", "reason", "note", "at"},
       "FROM credit_entries WHERE user_id = ? ORDER BY at, id"},
      {"invitations",
       {"id", "team_id", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"},
       "FROM invitations WHERE user_id = ? ORDER BY created_at, id"},
      {"sessions",
       {"id", "ip", "user_agent", "created_at", "last_seen_at", "idle_expires_at",
        "absolute_expires_at", "revoked_at"},
       "FROM sessions WHERE user_id = ? ORDER BY created_at, id"},
      {"api_tokens",
       {"id", "name", "display_prefix", "created_at", "expires_at", "revoked_at", "last_used_at"},
       "FROM api_tokens WHERE user_id = ? ORDER BY created_at, id"},
      {"oauth_refresh_tokens",
       {"id", "family_id", "client_id", "created_at", "expires_at", "rotated_at", "revoked_at"},
       "FROM refresh_tokens WHERE user_id = ? ORDER BY created_at, id"},
      {"oauth_access_tokens",
       {"id", "family_id", "client_id", "scope", "created_at", "expires_at", "revoked_at"},
       "FROM access_tokens WHERE user_id = ? ORDER BY created_at, id"},
      {"password_resets",
       {"id", "created_at", "expires_at", "used_at"},
       "FROM password_resets WHERE user_id = ? ORDER BY created_at, id"},
      // Before/after states are left out: they describe other people as often as the actor.
      {"audit_entries",
       {"id", "at", "actor_role", "action", "target_type", "target_id", "team_id", "ip",
        "request_id", "outcome", "detail"},
       "FROM audit_entries WHERE actor_id = ? ORDER BY seq"},
  };
  return queries;
}

constexpr std::string_view kAnonymiseLeases =
    "UPDATE leases SET user_name = '', host = '' WHERE user_id = ?"
    " AND (user_name <> '' OR host <> '')";

class SqlPersonalDataRepository final : public PersonalDataRepository {
 public:
  Result<std::vector<PersonalDataSet>> Collect(Tx& tx, const std::string& user_id) override {
    std::vector<PersonalDataSet> sets;
    for (const SetQuery& query : SetQueries()) {
      PersonalDataSet set;
      set.name = std::string(query.name);
      std::string sql = "SELECT ";
      for (std::size_t i = 0; i < query.columns.size(); ++i) {
        if (i > 0) sql += ", ";
        sql += query.columns[i];
        set.columns.emplace_back(query.columns[i]);
      }
      sql += ' ';
      sql += query.from_where;
      Params params;
      for (char c : query.from_where) {
        if (c == '?') params.emplace_back(user_id);
      }
      SW_ASSIGN_OR_RETURN(set.rows, tx.Query(sql, params));
      sets.push_back(std::move(set));
    }
    return sets;
  }

  Result<int> AnonymiseUserTraces(Tx& tx, const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kAnonymiseLeases, {user_id}));
    return static_cast<int>(changed);
  }
};

}  // namespace

std::unique_ptr<PersonalDataRepository> NewSqlPersonalDataRepository() {
  return std::make_unique<SqlPersonalDataRepository>();
}

}  // namespace seatwise::store
