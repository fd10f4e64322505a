#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_LEASES                                                         \
  "SELECT id, subscription_id, product_id, device_id, user_id, user_name, host," \
  " checked_out_at, heartbeat_at, expires_at, borrowed_until, released_at FROM leases"
// A lease holds its seat until released, and until both its heartbeat expiry and its borrow
// end have passed. Both placeholders take the same `now`.
#define SW_HELD_AT " released_at IS NULL AND (expires_at > ? OR borrowed_until > ?)"
// When a held lease frees its seat if nobody returns it.
#define SW_FREES_AT                                                                          \
  "CASE WHEN borrowed_until IS NOT NULL AND borrowed_until > expires_at THEN borrowed_until" \
  " ELSE expires_at END"

constexpr std::string_view kLockSubscriptionSeats = "SELECT seats FROM subscriptions WHERE id = ?";
constexpr std::string_view kCountHeld =
    "SELECT COUNT(*), MIN(" SW_FREES_AT ") FROM leases WHERE subscription_id = ? AND" SW_HELD_AT;
constexpr std::string_view kInsertLease =
    "INSERT INTO leases (id, subscription_id, product_id, device_id, user_id, user_name, host,"
    " checked_out_at, heartbeat_at, expires_at, borrowed_until, released_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)";
constexpr std::string_view kInsertDenial =
    "INSERT INTO lease_denials (id, subscription_id, product_id, device_id, user_name, host,"
    " in_use, seats, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectLeaseById = SW_SELECT_LEASES " WHERE id = ?";
constexpr std::string_view kHeartbeat =
    "UPDATE leases SET heartbeat_at = ?, expires_at = ? WHERE id = ? AND" SW_HELD_AT;
constexpr std::string_view kBorrow =
    "UPDATE leases SET borrowed_until = ? WHERE id = ? AND" SW_HELD_AT;
constexpr std::string_view kRelease =
    "UPDATE leases SET released_at = ? WHERE id = ? AND released_at IS NULL";
constexpr std::string_view kReleaseForUser =
    "UPDATE leases SET released_at = ? WHERE user_id = ? AND released_at IS NULL";
constexpr std::string_view kReapExpired = "UPDATE leases SET released_at = " SW_FREES_AT
                                          " WHERE released_at IS NULL AND expires_at <= ?"
                                          " AND (borrowed_until IS NULL OR borrowed_until <= ?)";
constexpr std::string_view kSelectHeld =
    SW_SELECT_LEASES " WHERE subscription_id = ? AND" SW_HELD_AT " ORDER BY checked_out_at, id";
constexpr std::string_view kSelectOverlapping = SW_SELECT_LEASES
    " WHERE subscription_id = ? AND checked_out_at < ?"
    " AND (released_at IS NULL OR released_at > ?) ORDER BY checked_out_at, id";
constexpr std::string_view kSelectDenials =
    "SELECT id, subscription_id, product_id, device_id, user_name, host, in_use, seats, at"
    " FROM lease_denials WHERE subscription_id = ? AND at >= ? AND at < ? ORDER BY at, id";
#undef SW_SELECT_LEASES
#undef SW_HELD_AT
#undef SW_FREES_AT

core::Lease LeaseFrom(const Row& row) {
  core::Lease l;
  l.id = row.Text(0);
  l.subscription_id = row.Text(1);
  l.product_id = row.Text(2);
  l.device_id = row.Text(3);
  l.user_id = row.OptText(4);
  l.user_name = row.Text(5);
  l.host = row.Text(6);
  l.checked_out_at = TimeAt(row, 7);
  l.heartbeat_at = TimeAt(row, 8);
  l.expires_at = TimeAt(row, 9);
  l.borrowed_until = OptTimeAt(row, 10);
  l.released_at = OptTimeAt(row, 11);
  return l;
}

core::LeaseDenial DenialFrom(const Row& row) {
  core::LeaseDenial d;
  d.id = row.Text(0);
  d.subscription_id = row.Text(1);
  d.product_id = row.Text(2);
  d.device_id = row.OptText(3);
  d.user_name = row.Text(4);
  d.host = row.Text(5);
  d.in_use = IntAt(row, 6);
  d.seats = IntAt(row, 7);
  d.at = TimeAt(row, 8);
  return d;
}

class SqlLeaseRepository final : public LeaseRepository {
 public:
  explicit SqlLeaseRepository(core::Random& random) : random_(random) {}

  Result<LeaseCheckout> Checkout(Tx& tx, core::Lease lease) override {
    const core::TimePoint now = lease.checked_out_at;
    SW_ASSIGN_OR_RETURN(Row pool, tx.QueryOne(WithLock(kLockSubscriptionSeats, tx.backend()),
                                              {lease.subscription_id}, "subscription"));
    LeaseCheckout out;
    out.seats = IntAt(pool, 0);
    SW_ASSIGN_OR_RETURN(
        Row held, tx.QueryOne(kCountHeld, {lease.subscription_id, Ms(now), Ms(now)}, "count"));
    out.in_use = IntAt(held, 0);
    if (out.in_use >= out.seats) {
      core::LeaseDenial denial;
      denial.id = core::NewId(random_, core::id_prefix::kLeaseDenial);
      denial.subscription_id = lease.subscription_id;
      denial.product_id = lease.product_id;
      denial.device_id =
          lease.device_id.empty() ? std::nullopt : std::optional<std::string>(lease.device_id);
      denial.user_name = lease.user_name;
      denial.host = lease.host;
      denial.in_use = out.in_use;
      denial.seats = out.seats;
      denial.at = now;
      SW_RETURN_IF_ERROR(tx.Exec(
          kInsertDenial,
          {denial.id, denial.subscription_id, denial.product_id, OptText(denial.device_id),
           denial.user_name, denial.host, Int(denial.in_use), Int(denial.seats), Ms(denial.at)}));
      out.oldest_expires_at = OptTimeAt(held, 1);
      out.denial = std::move(denial);
      return out;
    }
    EnsureId(lease.id, random_, core::id_prefix::kLease);
    lease.heartbeat_at = now;
    lease.released_at.reset();
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertLease,
                {lease.id, lease.subscription_id, lease.product_id, lease.device_id,
                 OptText(lease.user_id), lease.user_name, lease.host, Ms(lease.checked_out_at),
                 Ms(lease.heartbeat_at), Ms(lease.expires_at), OptMs(lease.borrowed_until)}));
    out.granted = true;
    out.lease = std::move(lease);
    return out;
  }

  Result<core::Lease> Get(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectLeaseById, {id}, "lease"));
    return LeaseFrom(row);
  }

  Result<core::Lease> Heartbeat(Tx& tx, const std::string& id, core::TimePoint expires_at,
                                core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kHeartbeat, {Ms(now), Ms(expires_at), id, Ms(now), Ms(now)}));
    SW_ASSIGN_OR_RETURN(core::Lease lease, Get(tx, id));
    if (changed == 0) {
      return core::MakeError(ErrorCode::kConflict,
                             "the lease was released or expired; check out a new one");
    }
    return lease;
  }

  Result<core::Lease> Borrow(Tx& tx, const std::string& id, core::TimePoint borrowed_until,
                             core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kBorrow, {Ms(borrowed_until), id, Ms(now), Ms(now)}));
    SW_ASSIGN_OR_RETURN(core::Lease lease, Get(tx, id));
    if (changed == 0) {
      return core::MakeError(ErrorCode::kConflict,
                             "the lease was released or expired; check out a new one");
    }
    return lease;
  }

  Result<bool> Release(Tx& tx, const std::string& id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kRelease, {Ms(now), id}));
    return changed > 0;
  }

  Result<int> ReleaseForUser(Tx& tx, const std::string& user_id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kReleaseForUser, {Ms(now), user_id}));
    return static_cast<int>(changed);
  }

  Result<int> ReapExpired(Tx& tx, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kReapExpired, {Ms(now), Ms(now)}));
    return static_cast<int>(changed);
  }

  Result<std::vector<core::Lease>> ListHeld(Tx& tx, const std::string& subscription_id,
                                            core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectHeld, {subscription_id, Ms(now), Ms(now)}));
    return MapRows<core::Lease>(rows, LeaseFrom);
  }

  Result<int> CountHeld(Tx& tx, const std::string& subscription_id, core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(Row row,
                        tx.QueryOne(kCountHeld, {subscription_id, Ms(now), Ms(now)}, "count"));
    return IntAt(row, 0);
  }

  Result<std::vector<core::Lease>> ListOverlapping(Tx& tx, const std::string& subscription_id,
                                                   core::TimePoint from,
                                                   core::TimePoint to) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kSelectOverlapping, {subscription_id, Ms(to), Ms(from)}));
    return MapRows<core::Lease>(rows, LeaseFrom);
  }

  Result<std::vector<core::LeaseDenial>> ListDenials(Tx& tx, const std::string& subscription_id,
                                                     core::TimePoint from,
                                                     core::TimePoint to) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectDenials, {subscription_id, Ms(from), Ms(to)}));
    return MapRows<core::LeaseDenial>(rows, DenialFrom);
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<LeaseRepository> NewSqlLeaseRepository(core::Random& random) {
  return std::make_unique<SqlLeaseRepository>(random);
}

}  // namespace seatwise::store
