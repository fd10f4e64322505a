#include <cctype>
#include <string>

#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_USER_COLUMNS                                                                 \
  "u.id, u.email, u.first_name, u.last_name, u.status, u.password_hash, u.totp_secret," \
  " u.totp_enrolled, u.is_operator, u.reseller_id, u.erased, u.password_changed_at,"    \
  " u.last_sign_in_at, u.created_at, u.updated_at"
#define SW_MEMBERSHIP_COLUMNS                                                          \
  "m.team_id, m.user_id, m.role, m.status, m.invited_by, m.created_at, m.accepted_at," \
  " m.removed_at, m.updated_at, m.invited_first_name, m.invited_last_name"
constexpr std::size_t kUserColumnCount = 15;

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, email, first_name, last_name, status, password_hash, totp_secret,"
    " totp_enrolled, is_operator, reseller_id, erased, password_changed_at, last_sign_in_at,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectUserById =
    "SELECT " SW_USER_COLUMNS " FROM users u WHERE u.id = ?";
constexpr std::string_view kSelectUserByEmail =
    "SELECT " SW_USER_COLUMNS " FROM users u WHERE lower(u.email) = lower(?)";
constexpr std::string_view kSelectUsersPage =
    "SELECT " SW_USER_COLUMNS " FROM users u WHERE u.id > ? ORDER BY u.id LIMIT ?";
constexpr std::string_view kSelectOperators =
    "SELECT " SW_USER_COLUMNS
    " FROM users u WHERE u.is_operator = 1 AND u.erased = 0"
    " AND u.status <> 'removed' ORDER BY u.id";
constexpr std::string_view kCountResellerStaff =
    "SELECT COUNT(*) FROM users u WHERE u.reseller_id = ? AND u.erased = 0"
    " AND u.status <> 'removed'";
constexpr std::string_view kSelectResellerStaff =
    "SELECT " SW_USER_COLUMNS
    " FROM users u WHERE u.reseller_id = ? AND u.erased = 0 AND u.status <> 'removed'"
    " ORDER BY lower(u.email), u.id";
constexpr std::string_view kUpdateUser =
    "UPDATE users SET email = ?, first_name = ?, last_name = ?, status = ?, password_hash = ?,"
    " totp_secret = ?, totp_enrolled = ?, is_operator = ?, reseller_id = ?,"
    " password_changed_at = ?, last_sign_in_at = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kEraseUser =
    "UPDATE users SET email = ?, first_name = '', last_name = '', status = 'removed',"
    " password_hash = NULL, totp_secret = NULL, totp_enrolled = 0, erased = 1, updated_at = ?"
    " WHERE id = ?";
constexpr std::string_view kClaimTotpStep =
    "UPDATE users SET totp_last_step = ? WHERE id = ?"
    " AND (totp_last_step IS NULL OR totp_last_step < ?)";

constexpr std::string_view kInsertMembership =
    "INSERT INTO memberships (team_id, user_id, role, status, invited_by, created_at,"
    " accepted_at, removed_at, updated_at, invited_first_name, invited_last_name)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectMembership =
    "SELECT " SW_MEMBERSHIP_COLUMNS " FROM memberships m WHERE m.team_id = ? AND m.user_id = ?";
constexpr std::string_view kSelectUserMemberships =
    "SELECT " SW_MEMBERSHIP_COLUMNS " FROM memberships m WHERE m.user_id = ? ORDER BY m.team_id";
constexpr std::string_view kUpdateMembership =
    "UPDATE memberships SET role = ?, status = ?, accepted_at = ?, removed_at = ?,"
    " updated_at = ?, invited_first_name = ?, invited_last_name = ?"
    " WHERE team_id = ? AND user_id = ?";
constexpr std::string_view kSelectPrimaryAdmin =
    "SELECT " SW_USER_COLUMNS ", " SW_MEMBERSHIP_COLUMNS
    " FROM memberships m JOIN users u ON u.id = m.user_id"
    " WHERE m.team_id = ? AND m.role = 'primary_admin' AND m.status <> 'removed'";
// ListTeamMembers is assembled from these fragments in a fixed order.
constexpr std::string_view kSelectMembersBase =
    "SELECT " SW_USER_COLUMNS ", " SW_MEMBERSHIP_COLUMNS
    " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? AND m.user_id > ?";
constexpr std::string_view kMembersStatusIs = " AND m.status = ?";
constexpr std::string_view kMembersNotRemoved = " AND m.status <> 'removed'";
constexpr std::string_view kMembersRoleIs = " AND m.role = ?";
// A pending member is found by the names the inviter typed, never by their account's.
constexpr std::string_view kMembersSearch =
    " AND (lower(u.email) LIKE ? ESCAPE '\\'"
    " OR lower(CASE WHEN m.status = 'invited' THEN COALESCE(m.invited_first_name, '')"
    " ELSE u.first_name END) LIKE ? ESCAPE '\\'"
    " OR lower(CASE WHEN m.status = 'invited' THEN COALESCE(m.invited_last_name, '')"
    " ELSE u.last_name END) LIKE ? ESCAPE '\\')";
constexpr std::string_view kMembersOrder = " ORDER BY m.user_id LIMIT ?";
constexpr std::string_view kSelectMembersChanged =
    "SELECT " SW_USER_COLUMNS ", " SW_MEMBERSHIP_COLUMNS
    " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = ?"
    " AND ((m.created_at >= ? AND m.created_at < ?) OR (m.removed_at >= ? AND m.removed_at < ?))"
    " ORDER BY m.user_id";
#undef SW_USER_COLUMNS
#undef SW_MEMBERSHIP_COLUMNS

core::User UserFrom(const Row& row) {
  core::User u;
  u.id = row.Text(0);
  u.email = row.Text(1);
  u.first_name = row.Text(2);
  u.last_name = row.Text(3);
  u.status = EnumAt<core::UserStatus>(row, 4);
  u.password_hash = row.OptText(5);
  u.totp_secret = row.OptText(6);
  u.totp_enrolled = row.Bool(7);
  u.is_operator = row.Bool(8);
  u.reseller_id = row.OptText(9);
  u.erased = row.Bool(10);
  u.password_changed_at = OptTimeAt(row, 11);
  u.last_sign_in_at = OptTimeAt(row, 12);
  u.created_at = TimeAt(row, 13);
  u.updated_at = TimeAt(row, 14);
  return u;
}

core::Membership MembershipFrom(const Row& row, std::size_t o = 0) {
  core::Membership m;
  m.team_id = row.Text(o + 0);
  m.user_id = row.Text(o + 1);
  m.role = EnumAt<core::TeamRole>(row, o + 2);
  m.status = EnumAt<core::MembershipStatus>(row, o + 3);
  m.invited_by = row.OptText(o + 4);
  m.created_at = TimeAt(row, o + 5);
  m.accepted_at = OptTimeAt(row, o + 6);
  m.removed_at = OptTimeAt(row, o + 7);
  m.updated_at = TimeAt(row, o + 8);
  m.invited_first_name = row.OptText(o + 9);
  m.invited_last_name = row.OptText(o + 10);
  return m;
}

TeamMember MemberFrom(const Row& row) {
  return TeamMember{UserFrom(row), MembershipFrom(row, kUserColumnCount)};
}

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

class SqlUserRepository final : public UserRepository {
 public:
  explicit SqlUserRepository(core::Random& random) : random_(random) {}

  Result<core::User> Create(Tx& tx, core::User u) override {
    EnsureId(u.id, random_, core::id_prefix::kUser);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertUser,
                {u.id, u.email, u.first_name, u.last_name, Enum(u.status), OptText(u.password_hash),
                 OptText(u.totp_secret), Bool(u.totp_enrolled), Bool(u.is_operator),
                 OptText(u.reseller_id), Bool(u.erased), OptMs(u.password_changed_at),
                 OptMs(u.last_sign_in_at), Ms(u.created_at), Ms(u.updated_at)}));
    return u;
  }

  Result<core::User> Get(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectUserById, {id}, "user"));
    return UserFrom(row);
  }

  Result<std::optional<core::User>> FindByEmail(Tx& tx, const std::string& email) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectUserByEmail, {email}));
    if (!row) return std::optional<core::User>();
    return std::optional<core::User>(UserFrom(*row));
  }

  Result<void> Update(Tx& tx, const core::User& u) override {
    return ExpectChanged(tx.Exec(kUpdateUser, {u.email, u.first_name, u.last_name, Enum(u.status),
                                               OptText(u.password_hash), OptText(u.totp_secret),
                                               Bool(u.totp_enrolled), Bool(u.is_operator),
                                               OptText(u.reseller_id), OptMs(u.password_changed_at),
                                               OptMs(u.last_sign_in_at), Ms(u.updated_at), u.id}),
                         "user");
  }

  Result<void> Erase(Tx& tx, const std::string& id, core::TimePoint now) override {
    // The placeholder keeps the e-mail unique and shows nothing about the person.
    return ExpectChanged(tx.Exec(kEraseUser, {"erased+" + id + "@erased.invalid", Ms(now), id}),
                         "user");
  }

  Result<Page<core::User>> List(Tx& tx, const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUsersPage, {page.after, limit + 1}));
    return MakePage(MapRows<core::User>(rows, [](const Row& r) { return UserFrom(r); }), limit,
                    [](const core::User& u) { return u.id; });
  }

  Result<std::vector<core::User>> ListOperators(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectOperators, {}));
    return MapRows<core::User>(rows, [](const Row& r) { return UserFrom(r); });
  }

  Result<std::int64_t> CountResellerStaff(Tx& tx, const std::string& reseller_id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountResellerStaff, {reseller_id}, "count"));
    return row.Int(0);
  }

  Result<std::vector<core::User>> ListResellerStaff(Tx& tx,
                                                    const std::string& reseller_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectResellerStaff, {reseller_id}));
    return MapRows<core::User>(rows, [](const Row& r) { return UserFrom(r); });
  }

  Result<bool> ClaimTotpStep(Tx& tx, const std::string& id, std::int64_t step) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kClaimTotpStep, {step, id, step}));
    return changed == 1;
  }

  Result<void> AddMembership(Tx& tx, const core::Membership& m) override {
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertMembership,
                {m.team_id, m.user_id, Enum(m.role), Enum(m.status), OptText(m.invited_by),
                 Ms(m.created_at), OptMs(m.accepted_at), OptMs(m.removed_at), Ms(m.updated_at),
                 OptText(m.invited_first_name), OptText(m.invited_last_name)}));
    return core::Ok();
  }

  Result<std::optional<core::Membership>> GetMembership(Tx& tx, const std::string& team_id,
                                                        const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectMembership, {team_id, user_id}));
    if (!row) return std::optional<core::Membership>();
    return std::optional<core::Membership>(MembershipFrom(*row));
  }

  Result<void> UpdateMembership(Tx& tx, const core::Membership& m) override {
    return ExpectChanged(
        tx.Exec(kUpdateMembership,
                {Enum(m.role), Enum(m.status), OptMs(m.accepted_at), OptMs(m.removed_at),
                 Ms(m.updated_at), OptText(m.invited_first_name), OptText(m.invited_last_name),
                 m.team_id, m.user_id}),
        "membership");
  }

  Result<std::vector<core::Membership>> ListMemberships(Tx& tx,
                                                        const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserMemberships, {user_id}));
    return MapRows<core::Membership>(rows, [](const Row& r) { return MembershipFrom(r); });
  }

  Result<std::optional<TeamMember>> FindPrimaryAdmin(Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectPrimaryAdmin, {team_id}));
    if (!row) return std::optional<TeamMember>();
    return std::optional<TeamMember>(MemberFrom(*row));
  }

  Result<Page<TeamMember>> ListTeamMembers(Tx& tx, const std::string& team_id,
                                           const MemberFilter& filter,
                                           const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    std::string sql(kSelectMembersBase);
    Params params{team_id, page.after};
    if (filter.status) {
      sql += kMembersStatusIs;
      params.emplace_back(Enum(*filter.status));
    } else if (!filter.include_removed) {
      sql += kMembersNotRemoved;
    }
    if (filter.role) {
      sql += kMembersRoleIs;
      params.emplace_back(Enum(*filter.role));
    }
    if (!filter.search.empty()) {
      sql += kMembersSearch;
      const std::string pattern = ContainsPattern(filter.search);
      params.insert(params.end(), {pattern, pattern, pattern});
    }
    sql += kMembersOrder;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<TeamMember>(rows, MemberFrom), limit,
                    [](const TeamMember& m) { return m.user.id; });
  }

  Result<std::vector<TeamMember>> ListMembersChangedBetween(Tx& tx, const std::string& team_id,
                                                            core::TimePoint from,
                                                            core::TimePoint to) override {
    SW_ASSIGN_OR_RETURN(
        Rows rows, tx.Query(kSelectMembersChanged, {team_id, Ms(from), Ms(to), Ms(from), Ms(to)}));
    return MapRows<TeamMember>(rows, MemberFrom);
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<UserRepository> NewSqlUserRepository(core::Random& random) {
  return std::make_unique<SqlUserRepository>(random);
}

}  // namespace seatwise::store
