#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_ASSIGNMENT_COLUMNS                                                          \
  "a.id, a.subscription_id, a.user_id, a.assigned_by, a.assigned_at, a.unassigned_at," \
  " a.unassigned_by"

constexpr std::string_view kLockSubscriptionSeats = "SELECT seats FROM subscriptions WHERE id = ?";
constexpr std::string_view kCountActive =
    "SELECT COUNT(*) FROM assignments WHERE subscription_id = ? AND unassigned_at IS NULL";
constexpr std::string_view kInsertAssignment =
    "INSERT INTO assignments (id, subscription_id, user_id, assigned_by, assigned_at,"
    " unassigned_at, unassigned_by) VALUES (?, ?, ?, ?, ?, NULL, NULL)";
constexpr std::string_view kSelectActive =
    "SELECT " SW_ASSIGNMENT_COLUMNS
    " FROM assignments a"
    " WHERE a.subscription_id = ? AND a.user_id = ? AND a.unassigned_at IS NULL";
constexpr std::string_view kUnassign =
    "UPDATE assignments SET unassigned_at = ?, unassigned_by = ?"
    " WHERE subscription_id = ? AND user_id = ? AND unassigned_at IS NULL"
    " RETURNING id, subscription_id, user_id, assigned_by, assigned_at, unassigned_at,"
    " unassigned_by";
constexpr std::string_view kUnassignInTeam =
    "UPDATE assignments SET unassigned_at = ?, unassigned_by = ?"
    " WHERE user_id = ? AND unassigned_at IS NULL AND subscription_id IN"
    " (SELECT s.id FROM subscriptions s JOIN contracts c ON c.id = s.contract_id"
    " WHERE c.team_id = ?) RETURNING subscription_id";
constexpr std::string_view kSelectActiveBySubscription =
    "SELECT " SW_ASSIGNMENT_COLUMNS
    " FROM assignments a"
    " WHERE a.subscription_id = ? AND a.unassigned_at IS NULL AND a.user_id > ?"
    " ORDER BY a.user_id LIMIT ?";
constexpr std::string_view kSelectActiveByUser =
    "SELECT " SW_ASSIGNMENT_COLUMNS
    " FROM assignments a"
    " WHERE a.user_id = ? AND a.unassigned_at IS NULL ORDER BY a.subscription_id";
constexpr std::string_view kCountSeatsInTeam =
    "SELECT s.id, s.seats, (SELECT COUNT(*) FROM assignments a"
    " WHERE a.subscription_id = s.id AND a.unassigned_at IS NULL)"
    " FROM subscriptions s JOIN contracts c ON c.id = s.contract_id WHERE c.team_id = ?"
    " ORDER BY s.id";
constexpr std::string_view kSelectActiveGrantingProduct =
    "SELECT " SW_ASSIGNMENT_COLUMNS
    " FROM assignments a"
    " JOIN subscriptions s ON s.id = a.subscription_id"
    " WHERE a.user_id = ? AND a.unassigned_at IS NULL AND (s.product_id = ? OR EXISTS"
    " (SELECT 1 FROM collection_members m WHERE m.collection_id = s.collection_id"
    " AND m.product_id = ?)) ORDER BY a.assigned_at, a.id";
#undef SW_ASSIGNMENT_COLUMNS

core::Assignment AssignmentFrom(const Row& row) {
  core::Assignment a;
  a.id = row.Text(0);
  a.subscription_id = row.Text(1);
  a.user_id = row.Text(2);
  a.assigned_by = row.OptText(3);
  a.assigned_at = TimeAt(row, 4);
  a.unassigned_at = OptTimeAt(row, 5);
  a.unassigned_by = row.OptText(6);
  return a;
}

class SqlAssignmentRepository final : public AssignmentRepository {
 public:
  explicit SqlAssignmentRepository(core::Random& random) : random_(random) {}

  Result<core::Assignment> AssignSeat(Tx& tx, core::Assignment a) override {
    EnsureId(a.id, random_, core::id_prefix::kAssignment);
    // The row lock serialises every seat write of this pool until commit.
    SW_ASSIGN_OR_RETURN(Row pool, tx.QueryOne(WithLock(kLockSubscriptionSeats, tx.backend()),
                                              {a.subscription_id}, "subscription"));
    const std::int64_t seats = pool.Int(0);
    SW_ASSIGN_OR_RETURN(auto existing,
                        tx.QueryOptional(kSelectActive, {a.subscription_id, a.user_id}));
    if (existing) {
      return core::MakeError(ErrorCode::kAlreadyExists,
                             "the user already holds a seat of this subscription");
    }
    SW_ASSIGN_OR_RETURN(Row count, tx.QueryOne(kCountActive, {a.subscription_id}, "count"));
    if (count.Int(0) >= seats) {
      return core::MakeError(ErrorCode::kSeatLimitReached, "all " + std::to_string(seats) +
                                                               " seats of subscription " +
                                                               a.subscription_id + " are assigned");
    }
    SW_RETURN_IF_ERROR(tx.Exec(kInsertAssignment, {a.id, a.subscription_id, a.user_id,
                                                   OptText(a.assigned_by), Ms(a.assigned_at)}));
    a.unassigned_at.reset();
    a.unassigned_by.reset();
    return a;
  }

  Result<core::Assignment> Unassign(Tx& tx, const std::string& subscription_id,
                                    const std::string& user_id,
                                    const std::optional<std::string>& by,
                                    core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(Row row,
                        tx.QueryOne(kUnassign, {Ms(now), OptText(by), subscription_id, user_id},
                                    "active assignment"));
    return AssignmentFrom(row);
  }

  Result<std::vector<std::string>> UnassignAllInTeam(Tx& tx, const std::string& user_id,
                                                     const std::string& team_id,
                                                     const std::optional<std::string>& by,
                                                     core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kUnassignInTeam, {Ms(now), OptText(by), user_id, team_id}));
    return MapRows<std::string>(rows, [](const Row& r) { return r.Text(0); });
  }

  Result<std::optional<core::Assignment>> FindActive(Tx& tx, const std::string& subscription_id,
                                                     const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectActive, {subscription_id, user_id}));
    if (!row) return std::optional<core::Assignment>();
    return std::optional<core::Assignment>(AssignmentFrom(*row));
  }

  Result<Page<core::Assignment>> ListActiveBySubscription(Tx& tx,
                                                          const std::string& subscription_id,
                                                          const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(
        Rows rows, tx.Query(kSelectActiveBySubscription, {subscription_id, page.after, limit + 1}));
    return MakePage(MapRows<core::Assignment>(rows, AssignmentFrom), limit,
                    [](const core::Assignment& a) { return a.user_id; });
  }

  Result<std::vector<core::Assignment>> ListActiveByUser(Tx& tx,
                                                         const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectActiveByUser, {user_id}));
    return MapRows<core::Assignment>(rows, AssignmentFrom);
  }

  Result<int> CountActive(Tx& tx, const std::string& subscription_id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountActive, {subscription_id}, "count"));
    return IntAt(row, 0);
  }

  Result<std::vector<SeatCount>> CountSeatsInTeam(Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kCountSeatsInTeam, {team_id}));
    return MapRows<SeatCount>(rows, [](const Row& r) {
      return SeatCount{r.Text(0), IntAt(r, 1), IntAt(r, 2)};
    });
  }

  Result<std::vector<core::Assignment>> FindActiveGrantingProduct(
      Tx& tx, const std::string& user_id, const std::string& product_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kSelectActiveGrantingProduct, {user_id, product_id, product_id}));
    return MapRows<core::Assignment>(rows, AssignmentFrom);
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<AssignmentRepository> NewSqlAssignmentRepository(core::Random& random) {
  return std::make_unique<SqlAssignmentRepository>(random);
}

}  // namespace seatwise::store
