#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_ACTIVATIONS                                                                 \
  "SELECT id, kind, user_id, subscription_id, product_id, device_id, status, revoked_reason," \
  " issued_at, expires_at, offline_grace_until, revoked_at FROM activations"

constexpr std::string_view kLockSubscription =
    "SELECT seats, max_devices FROM subscriptions WHERE id = ?";
constexpr std::string_view kInsertActivation =
    "INSERT INTO activations (id, kind, user_id, subscription_id, product_id, device_id, status,"
    " revoked_reason, issued_at, expires_at, offline_grace_until, revoked_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?, NULL)";
constexpr std::string_view kSelectActivationById = SW_SELECT_ACTIVATIONS " WHERE id = ?";
constexpr std::string_view kSelectActiveSerial = SW_SELECT_ACTIVATIONS
    " WHERE subscription_id = ? AND product_id = ? AND device_id = ?"
    " AND status = 'active' AND kind = 'serial'";
constexpr std::string_view kCountActiveOnDevice =
    "SELECT COUNT(*) FROM activations WHERE subscription_id = ? AND device_id = ?"
    " AND status = 'active'";
constexpr std::string_view kCountActiveDevices =
    "SELECT COUNT(DISTINCT device_id) FROM activations WHERE subscription_id = ?"
    " AND status = 'active'";
constexpr std::string_view kSelectActiveSignInOnDevice = SW_SELECT_ACTIVATIONS
    " WHERE user_id = ? AND product_id = ? AND device_id = ?"
    " AND status = 'active' AND kind = 'sign_in'";
constexpr std::string_view kSelectUserActiveSignIns = SW_SELECT_ACTIVATIONS
    " WHERE user_id = ? AND subscription_id = ? AND product_id = ?"
    " AND status = 'active' AND kind = 'sign_in' ORDER BY issued_at, id";
constexpr std::string_view kReissue =
    "UPDATE activations SET subscription_id = ?, issued_at = ?, expires_at = ?,"
    " offline_grace_until = ? WHERE id = ? AND status = 'active'";
constexpr std::string_view kRefresh =
    "UPDATE activations SET expires_at = ?, offline_grace_until = ?"
    " WHERE id = ? AND status = 'active'";
constexpr std::string_view kRevoke =
    "UPDATE activations SET status = 'revoked', revoked_reason = ?, revoked_at = ?"
    " WHERE id = ? AND status = 'active'";
constexpr std::string_view kRevokeForUser =
    "UPDATE activations SET status = 'revoked', revoked_reason = ?, revoked_at = ?"
    " WHERE user_id = ? AND status = 'active'";
constexpr std::string_view kRevokeForSubscription =
    "UPDATE activations SET status = 'revoked', revoked_reason = ?, revoked_at = ?"
    " WHERE subscription_id = ? AND status = 'active'";
constexpr std::string_view kKindIs = " AND kind = ?";
constexpr std::string_view kSelectActiveByDevice =
    SW_SELECT_ACTIVATIONS " WHERE device_id = ? AND status = 'active' ORDER BY id";
constexpr std::string_view kSelectActiveByUser =
    SW_SELECT_ACTIVATIONS " WHERE user_id = ? AND status = 'active' ORDER BY id";
constexpr std::string_view kSelectBySubscriptionPage =
    SW_SELECT_ACTIVATIONS " WHERE subscription_id = ? AND id > ? ORDER BY id LIMIT ?";
#undef SW_SELECT_ACTIVATIONS

core::Activation ActivationFrom(const Row& row) {
  core::Activation a;
  a.id = row.Text(0);
  a.kind = EnumAt<core::ActivationKind>(row, 1);
  a.user_id = row.OptText(2);
  a.subscription_id = row.Text(3);
  a.product_id = row.Text(4);
  a.device_id = row.Text(5);
  a.status = EnumAt<core::ActivationStatus>(row, 6);
  a.revoked_reason = OptEnumAt<core::RevocationReason>(row, 7);
  a.issued_at = TimeAt(row, 8);
  a.expires_at = TimeAt(row, 9);
  a.offline_grace_until = TimeAt(row, 10);
  a.revoked_at = OptTimeAt(row, 11);
  return a;
}

Result<Row> LockPool(Tx& tx, const std::string& subscription_id) {
  return tx.QueryOne(WithLock(kLockSubscription, tx.backend()), {subscription_id}, "subscription");
}

class SqlActivationRepository final : public ActivationRepository {
 public:
  explicit SqlActivationRepository(core::Random& random) : random_(random) {}

  Result<core::Activation> ActivateSerial(Tx& tx, core::Activation a) override {
    a.kind = core::ActivationKind::kSerial;
    a.user_id.reset();
    SW_ASSIGN_OR_RETURN(Row pool, LockPool(tx, a.subscription_id));
    const std::int64_t seats = pool.Int(0);
    SW_ASSIGN_OR_RETURN(
        auto existing,
        tx.QueryOptional(kSelectActiveSerial, {a.subscription_id, a.product_id, a.device_id}));
    if (existing) return Reissue(tx, ActivationFrom(*existing), a);
    // A device already counted (another product of the same collection) takes no new seat.
    SW_ASSIGN_OR_RETURN(Row on_device, tx.QueryOne(kCountActiveOnDevice,
                                                   {a.subscription_id, a.device_id}, "count"));
    if (on_device.Int(0) == 0) {
      SW_ASSIGN_OR_RETURN(Row devices,
                          tx.QueryOne(kCountActiveDevices, {a.subscription_id}, "count"));
      if (devices.Int(0) >= seats) {
        return core::MakeError(ErrorCode::kSeatLimitReached,
                               "the serial number is active on all " + std::to_string(seats) +
                                   " computers it allows; deactivate one first");
      }
    }
    return Insert(tx, std::move(a));
  }

  Result<SignInActivation> ActivateSignIn(Tx& tx, core::Activation a) override {
    a.kind = core::ActivationKind::kSignIn;
    if (!a.user_id) {
      return core::MakeError(ErrorCode::kInvalidArgument, "a sign-in activation needs a user");
    }
    SW_ASSIGN_OR_RETURN(Row pool, LockPool(tx, a.subscription_id));
    const auto max_devices = static_cast<std::size_t>(std::max<std::int64_t>(1, pool.Int(1)));
    SignInActivation out;
    SW_ASSIGN_OR_RETURN(auto existing, tx.QueryOptional(kSelectActiveSignInOnDevice,
                                                        {*a.user_id, a.product_id, a.device_id}));
    if (existing) {
      SW_ASSIGN_OR_RETURN(out.activation, Reissue(tx, ActivationFrom(*existing), a));
      return out;
    }
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectUserActiveSignIns,
                                            {*a.user_id, a.subscription_id, a.product_id}));
    auto others = MapRows<core::Activation>(rows, ActivationFrom);
    // Oldest first: the computer used longest ago stops working first.
    for (std::size_t i = 0; others.size() - i >= max_devices; ++i) {
      core::Activation revoked = others[i];
      SW_RETURN_IF_ERROR(tx.Exec(kRevoke, {Enum(core::RevocationReason::kSignedInElsewhere),
                                           Ms(a.issued_at), revoked.id}));
      revoked.status = core::ActivationStatus::kRevoked;
      revoked.revoked_reason = core::RevocationReason::kSignedInElsewhere;
      revoked.revoked_at = a.issued_at;
      out.revoked.push_back(std::move(revoked));
    }
    SW_ASSIGN_OR_RETURN(out.activation, Insert(tx, std::move(a)));
    return out;
  }

  Result<core::Activation> Get(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectActivationById, {id}, "activation"));
    return ActivationFrom(row);
  }

  Result<core::Activation> Refresh(Tx& tx, const std::string& id, core::TimePoint expires_at,
                                   core::TimePoint offline_grace_until) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed,
                        tx.Exec(kRefresh, {Ms(expires_at), Ms(offline_grace_until), id}));
    SW_ASSIGN_OR_RETURN(core::Activation activation, Get(tx, id));
    if (changed == 0) {
      return core::MakeError(ErrorCode::kConflict,
                             "activation was revoked (" +
                                 std::string(core::EnumName(activation.revoked_reason.value_or(
                                     core::RevocationReason::kAdmin))) +
                                 ")");
    }
    return activation;
  }

  Result<bool> Revoke(Tx& tx, const std::string& id, core::RevocationReason reason,
                      core::TimePoint now) override {
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(kRevoke, {Enum(reason), Ms(now), id}));
    return changed > 0;
  }

  Result<int> RevokeForUser(Tx& tx, const std::string& user_id,
                            const std::vector<std::string>& subscription_ids,
                            core::RevocationReason reason, core::TimePoint now) override {
    std::string sql(kRevokeForUser);
    Params params{Enum(reason), Ms(now), user_id};
    if (!subscription_ids.empty()) {
      sql += " AND subscription_id IN (";
      for (std::size_t i = 0; i < subscription_ids.size(); ++i) {
        sql += i == 0 ? "?" : ", ?";
        params.emplace_back(subscription_ids[i]);
      }
      sql += ")";
    }
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(sql, params));
    return static_cast<int>(changed);
  }

  Result<int> RevokeForSubscription(Tx& tx, const std::string& subscription_id,
                                    std::optional<core::ActivationKind> kind,
                                    core::RevocationReason reason, core::TimePoint now) override {
    std::string sql(kRevokeForSubscription);
    Params params{Enum(reason), Ms(now), subscription_id};
    if (kind) {
      sql += kKindIs;
      params.push_back(Enum(*kind));
    }
    SW_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec(sql, params));
    return static_cast<int>(changed);
  }

  Result<std::vector<core::Activation>> ListActiveByDevice(Tx& tx,
                                                           const std::string& device_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectActiveByDevice, {device_id}));
    return MapRows<core::Activation>(rows, ActivationFrom);
  }

  Result<std::vector<core::Activation>> ListActiveByUser(Tx& tx,
                                                         const std::string& user_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectActiveByUser, {user_id}));
    return MapRows<core::Activation>(rows, ActivationFrom);
  }

  Result<Page<core::Activation>> ListBySubscription(Tx& tx, const std::string& subscription_id,
                                                    const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(
        Rows rows, tx.Query(kSelectBySubscriptionPage, {subscription_id, page.after, limit + 1}));
    return MakePage(MapRows<core::Activation>(rows, ActivationFrom), limit,
                    [](const core::Activation& a) { return a.id; });
  }

  Result<int> CountActiveDevices(Tx& tx, const std::string& subscription_id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kCountActiveDevices, {subscription_id}, "count"));
    return IntAt(row, 0);
  }

 private:
  Result<core::Activation> Insert(Tx& tx, core::Activation a) {
    EnsureId(a.id, random_, core::id_prefix::kActivation);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertActivation,
                {a.id, Enum(a.kind), OptText(a.user_id), a.subscription_id, a.product_id,
                 a.device_id, Ms(a.issued_at), Ms(a.expires_at), Ms(a.offline_grace_until)}));
    a.status = core::ActivationStatus::kActive;
    a.revoked_reason.reset();
    a.revoked_at.reset();
    return a;
  }

  // Re-activation on the same device: same row, new times.
  Result<core::Activation> Reissue(Tx& tx, core::Activation existing,
                                   const core::Activation& fresh) {
    SW_RETURN_IF_ERROR(
        tx.Exec(kReissue, {fresh.subscription_id, Ms(fresh.issued_at), Ms(fresh.expires_at),
                           Ms(fresh.offline_grace_until), existing.id}));
    existing.subscription_id = fresh.subscription_id;
    existing.issued_at = fresh.issued_at;
    existing.expires_at = fresh.expires_at;
    existing.offline_grace_until = fresh.offline_grace_until;
    return existing;
  }

  core::Random& random_;
};

}  // namespace

std::unique_ptr<ActivationRepository> NewSqlActivationRepository(core::Random& random) {
  return std::make_unique<SqlActivationRepository>(random);
}

}  // namespace seatwise::store
