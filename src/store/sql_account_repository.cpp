#include <cctype>
#include <string>

#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kInsertReseller =
    "INSERT INTO resellers (id, name, contact_email, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectResellerById =
    "SELECT id, name, contact_email, created_at, updated_at FROM resellers WHERE id = ?";
constexpr std::string_view kSelectResellersPage =
    "SELECT id, name, contact_email, created_at, updated_at FROM resellers"
    " WHERE id > ? ORDER BY id LIMIT ?";
// SearchResellers is assembled from these fragments in a fixed order.
constexpr std::string_view kSelectResellersBase =
    "SELECT r.id, r.name, r.contact_email, r.created_at, r.updated_at FROM resellers r"
    " WHERE 1 = 1";
constexpr std::string_view kResellersAfter =
    " AND (lower(r.name) > (SELECT lower(c.name) FROM resellers c WHERE c.id = ?)"
    " OR (lower(r.name) = (SELECT lower(c.name) FROM resellers c WHERE c.id = ?) AND r.id > ?))";
constexpr std::string_view kResellersSearch =
    " AND (lower(r.name) LIKE ? ESCAPE '\\' OR lower(r.contact_email) LIKE ? ESCAPE '\\')";
constexpr std::string_view kResellersOrder = " ORDER BY lower(r.name), r.id LIMIT ?";
constexpr std::string_view kSelectResellerByName =
    "SELECT id, name, contact_email, created_at, updated_at FROM resellers"
    " WHERE lower(name) = lower(?) ORDER BY id LIMIT 1";
constexpr std::string_view kUpdateReseller =
    "UPDATE resellers SET name = ?, contact_email = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kCountCustomers = "SELECT COUNT(*) FROM accounts WHERE reseller_id = ?";

constexpr std::string_view kInsertAccount =
    "INSERT INTO accounts (id, reseller_id, name, address_line1, address_line2, city,"
    " postal_code, region, country, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define SW_SELECT_ACCOUNTS                                                                 \
  "SELECT id, reseller_id, name, address_line1, address_line2, city, postal_code, region," \
  " country, created_at, updated_at FROM accounts"
constexpr std::string_view kSelectAccountById = SW_SELECT_ACCOUNTS " WHERE id = ?";
constexpr std::string_view kSelectAccountsPage =
    SW_SELECT_ACCOUNTS " WHERE id > ? ORDER BY id LIMIT ?";
constexpr std::string_view kSelectResellerAccountsPage =
    SW_SELECT_ACCOUNTS " WHERE reseller_id = ? AND id > ? ORDER BY id LIMIT ?";
constexpr std::string_view kSelectCustomersByName =
    SW_SELECT_ACCOUNTS " WHERE reseller_id = ? ORDER BY lower(name), id LIMIT ?";
#undef SW_SELECT_ACCOUNTS
constexpr std::string_view kUpdateCompany =
    "UPDATE accounts SET name = ?, address_line1 = ?, address_line2 = ?, city = ?,"
    " postal_code = ?, region = ?, country = ?, updated_at = ? WHERE id = ?";

constexpr std::string_view kInsertTeam =
    "INSERT INTO teams (id, account_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectTeamById =
    "SELECT id, account_id, name, created_at, updated_at FROM teams WHERE id = ?";
constexpr std::string_view kSelectTeamsByAccount =
    "SELECT id, account_id, name, created_at, updated_at FROM teams WHERE account_id = ?"
    " ORDER BY id";
constexpr std::string_view kRenameTeam = "UPDATE teams SET name = ?, updated_at = ? WHERE id = ?";

constexpr std::string_view kSelectTeamDevices =
    "SELECT id, asset_name, fingerprint_hash FROM devices WHERE team_id = ? ORDER BY id";
// Live activations and held leases (both `now` placeholders take the same time).
constexpr std::string_view kSelectDeviceUse =
    "SELECT DISTINCT d.id, s.contract_id FROM devices d"
    " JOIN activations a ON a.device_id = d.id AND a.status = 'active'"
    " JOIN subscriptions s ON s.id = a.subscription_id WHERE d.team_id = ?"
    " UNION SELECT DISTINCT d.id, s.contract_id FROM devices d"
    " JOIN leases l ON l.device_id = d.id AND l.released_at IS NULL"
    " AND (l.expires_at > ? OR l.borrowed_until > ?)"
    " JOIN subscriptions s ON s.id = l.subscription_id WHERE d.team_id = ?"
    " ORDER BY 1, 2";
constexpr std::string_view kSelectTeamHolders =
    "SELECT c.id, s.id, a.user_id FROM contracts c JOIN subscriptions s ON s.contract_id = c.id"
    " JOIN assignments a ON a.subscription_id = s.id AND a.unassigned_at IS NULL"
    " WHERE c.team_id = ? ORDER BY c.id, s.id, a.user_id";
constexpr std::string_view kMoveContract =
    "UPDATE contracts SET team_id = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kMoveUsageRollups =
    "UPDATE usage_daily SET team_id = ? WHERE subscription_id IN"
    " (SELECT id FROM subscriptions WHERE contract_id = ?)";
constexpr std::string_view kMoveDevice =
    "UPDATE devices SET team_id = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kMoveInvitations =
    "UPDATE invitations SET team_id = ? WHERE team_id = ? AND user_id = ?"
    " AND accepted_at IS NULL AND revoked_at IS NULL";
constexpr std::string_view kMoveWebhooks =
    "UPDATE webhook_endpoints SET team_id = ? WHERE team_id = ?";
constexpr std::string_view kCountWebhooks =
    "SELECT COUNT(*) FROM webhook_endpoints WHERE team_id = ?";
constexpr std::string_view kTeamStillUsed =
    "SELECT (SELECT COUNT(*) FROM contracts WHERE team_id = ?)"
    " + (SELECT COUNT(*) FROM devices WHERE team_id = ?)"
    " + (SELECT COUNT(*) FROM usage_daily WHERE team_id = ?)";
constexpr std::string_view kDeleteTeam = "DELETE FROM teams WHERE id = ?";

// A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally.
std::string ContainsPattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  out.push_back('%');
  return out;
}

core::Reseller ResellerFrom(const Row& row) {
  return core::Reseller{row.Text(0), row.Text(1), row.Text(2), TimeAt(row, 3), TimeAt(row, 4)};
}

core::Account AccountFrom(const Row& row) {
  core::Account a;
  a.id = row.Text(0);
  a.reseller_id = row.OptText(1);
  a.company = core::CompanyInfo{row.Text(2), row.Text(3), row.Text(4), row.Text(5),
                                row.Text(6), row.Text(7), row.Text(8)};
  a.created_at = TimeAt(row, 9);
  a.updated_at = TimeAt(row, 10);
  return a;
}

core::Team TeamFrom(const Row& row) {
  return core::Team{row.Text(0), row.Text(1), row.Text(2), TimeAt(row, 3), TimeAt(row, 4)};
}

class SqlAccountRepository final : public AccountRepository {
 public:
  explicit SqlAccountRepository(core::Random& random) : random_(random) {}

  Result<core::Reseller> CreateReseller(Tx& tx, core::Reseller r) override {
    EnsureId(r.id, random_, core::id_prefix::kReseller);
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertReseller, {r.id, r.name, r.contact_email, Ms(r.created_at), Ms(r.updated_at)}));
    return r;
  }

  Result<core::Reseller> GetReseller(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectResellerById, {id}, "reseller"));
    return ResellerFrom(row);
  }

  Result<Page<core::Reseller>> ListResellers(Tx& tx, const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectResellersPage, {page.after, limit + 1}));
    return MakePage(MapRows<core::Reseller>(rows, ResellerFrom), limit,
                    [](const core::Reseller& r) { return r.id; });
  }

  Result<Page<core::Reseller>> SearchResellers(Tx& tx, const std::string& search,
                                               const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    std::string sql(kSelectResellersBase);
    Params params;
    if (!page.after.empty()) {
      sql += kResellersAfter;
      params.insert(params.end(), {page.after, page.after, page.after});
    }
    if (!search.empty()) {
      sql += kResellersSearch;
      const std::string pattern = ContainsPattern(search);
      params.insert(params.end(), {pattern, pattern});
    }
    sql += kResellersOrder;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<core::Reseller>(rows, ResellerFrom), limit,
                    [](const core::Reseller& r) { return r.id; });
  }

  Result<std::optional<core::Reseller>> FindResellerByName(Tx& tx,
                                                           const std::string& name) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectResellerByName, {name}));
    if (!row) return std::optional<core::Reseller>();
    return std::optional<core::Reseller>(ResellerFrom(*row));
  }

  Result<void> UpdateReseller(Tx& tx, const core::Reseller& r) override {
    return ExpectChanged(
        tx.Exec(kUpdateReseller, {r.name, r.contact_email, Ms(r.updated_at), r.id}), "reseller");
  }

  Result<std::int64_t> CountCustomers(Tx& tx, const std::string& reseller_id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountCustomers, {reseller_id}, "count"));
    return row.Int(0);
  }

  Result<std::vector<core::Account>> ListCustomersByName(Tx& tx, const std::string& reseller_id,
                                                         int limit) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectCustomersByName,
                                            {reseller_id, static_cast<std::int64_t>(limit)}));
    return MapRows<core::Account>(rows, AccountFrom);
  }

  Result<core::Account> CreateAccount(Tx& tx, core::Account a) override {
    EnsureId(a.id, random_, core::id_prefix::kAccount);
    const auto& c = a.company;
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertAccount,
                {a.id, OptText(a.reseller_id), c.name, c.address_line1, c.address_line2, c.city,
                 c.postal_code, c.region, c.country, Ms(a.created_at), Ms(a.updated_at)}));
    return a;
  }

  Result<core::Account> GetAccount(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectAccountById, {id}, "account"));
    return AccountFrom(row);
  }

  Result<Page<core::Account>> ListAccounts(Tx& tx, const std::optional<std::string>& reseller_id,
                                           const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(
        Rows rows,
        reseller_id ? tx.Query(kSelectResellerAccountsPage, {*reseller_id, page.after, limit + 1})
                    : tx.Query(kSelectAccountsPage, {page.after, limit + 1}));
    return MakePage(MapRows<core::Account>(rows, AccountFrom), limit,
                    [](const core::Account& a) { return a.id; });
  }

  Result<void> UpdateCompanyInfo(Tx& tx, const std::string& account_id, const core::CompanyInfo& c,
                                 core::TimePoint now) override {
    return ExpectChanged(
        tx.Exec(kUpdateCompany, {c.name, c.address_line1, c.address_line2, c.city, c.postal_code,
                                 c.region, c.country, Ms(now), account_id}),
        "account");
  }

  Result<core::Team> CreateTeam(Tx& tx, core::Team t) override {
    EnsureId(t.id, random_, core::id_prefix::kTeam);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertTeam, {t.id, t.account_id, t.name, Ms(t.created_at), Ms(t.updated_at)}));
    return t;
  }

  Result<core::Team> GetTeam(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectTeamById, {id}, "team"));
    return TeamFrom(row);
  }

  Result<core::Team> LockTeam(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row,
                        tx.QueryOne(sql::WithLock(kSelectTeamById, tx.backend()), {id}, "team"));
    return TeamFrom(row);
  }

  Result<std::vector<core::Team>> ListTeams(Tx& tx, const std::string& account_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectTeamsByAccount, {account_id}));
    return MapRows<core::Team>(rows, TeamFrom);
  }

  Result<void> RenameTeam(Tx& tx, const std::string& team_id, const std::string& name,
                          core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kRenameTeam, {name, Ms(now), team_id}), "team");
  }

  Result<std::vector<TeamDevice>> ListTeamDevices(Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectTeamDevices, {team_id}));
    return MapRows<TeamDevice>(rows, [](const Row& r) {
      return TeamDevice{r.Text(0), r.Text(1), r.Text(2)};
    });
  }

  Result<std::vector<DeviceUse>> ListDeviceUse(Tx& tx, const std::string& team_id,
                                               core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kSelectDeviceUse, {team_id, Ms(now), Ms(now), team_id}));
    return MapRows<DeviceUse>(rows, [](const Row& r) { return DeviceUse{r.Text(0), r.Text(1)}; });
  }

  Result<std::vector<TeamHolder>> ListTeamHolders(Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectTeamHolders, {team_id}));
    return MapRows<TeamHolder>(rows, [](const Row& r) {
      return TeamHolder{r.Text(0), r.Text(1), r.Text(2)};
    });
  }

  Result<void> MoveContract(Tx& tx, const std::string& contract_id, const std::string& team_id,
                            core::TimePoint now) override {
    SW_RETURN_IF_ERROR(
        ExpectChanged(tx.Exec(kMoveContract, {team_id, Ms(now), contract_id}), "contract"));
    SW_RETURN_IF_ERROR(tx.Exec(kMoveUsageRollups, {team_id, contract_id}));
    return core::Ok();
  }

  Result<void> MoveDevice(Tx& tx, const std::string& device_id, const std::string& team_id,
                          core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kMoveDevice, {team_id, Ms(now), device_id}), "device");
  }

  Result<void> MoveInvitations(Tx& tx, const std::string& from, const std::string& to,
                               const std::string& user_id) override {
    SW_RETURN_IF_ERROR(tx.Exec(kMoveInvitations, {to, from, user_id}));
    return core::Ok();
  }

  Result<std::int64_t> MoveWebhooks(Tx& tx, const std::string& from,
                                    const std::string& to) override {
    return tx.Exec(kMoveWebhooks, {to, from});
  }

  Result<std::int64_t> CountWebhooks(Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountWebhooks, {team_id}, "count"));
    return row.Int(0);
  }

  Result<void> DeleteTeam(Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Row used,
                        tx.QueryOne(kTeamStillUsed, {team_id, team_id, team_id}, "count"));
    if (used.Int(0) > 0) {
      return core::MakeError(core::ErrorCode::kConflict,
                             "team " + team_id + " still holds contracts or devices");
    }
    return ExpectChanged(tx.Exec(kDeleteTeam, {team_id}), "team");
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<AccountRepository> NewSqlAccountRepository(core::Random& random) {
  return std::make_unique<SqlAccountRepository>(random);
}

}  // namespace seatwise::store
