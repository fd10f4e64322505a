#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_DEVICES                                                           \
  "SELECT id, team_id, fingerprint_hash, asset_name, os, app_version, description," \
  " default_product_access, default_update_access, last_check_in_at, last_user_id," \
  " registered_at, updated_at FROM devices"
// Concurrent registrations of one machine meet on the (team, fingerprint) key.
constexpr std::string_view kInsertDevice =
    "INSERT INTO devices (id, team_id, fingerprint_hash, asset_name, os, app_version,"
    " description, default_product_access, default_update_access, last_check_in_at,"
    " last_user_id, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (team_id, fingerprint_hash) DO NOTHING";
constexpr std::string_view kSelectDeviceById = SW_SELECT_DEVICES " WHERE id = ?";
constexpr std::string_view kSelectDeviceByFingerprint =
    SW_SELECT_DEVICES " WHERE team_id = ? AND fingerprint_hash = ?";
constexpr std::string_view kCheckIn =
    "UPDATE devices SET last_check_in_at = ?, last_user_id = COALESCE(?, last_user_id),"
    " app_version = ?, os = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kSetCredential =
    "UPDATE devices SET credential_hash = ?, credential_issued_at = ?, updated_at = ?,"
    " credential_user_id = ? WHERE id = ?";
constexpr std::string_view kSelectCredentialHolder =
    "SELECT CASE WHEN credential_hash IS NULL THEN 0 ELSE 1 END, credential_user_id FROM devices"
    " WHERE id = ?";
constexpr std::string_view kSelectDeviceByCredential =
    SW_SELECT_DEVICES " WHERE credential_hash = ?";
constexpr std::string_view kUpdateDetails =
    "UPDATE devices SET asset_name = ?, description = ?, default_product_access = ?,"
    " default_update_access = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kSelectTeamDevicesBase =
    SW_SELECT_DEVICES " WHERE team_id = ? AND id > ?";
// A device that never checked in counts as out of date.
constexpr std::string_view kCheckedInBefore =
    " AND (last_check_in_at IS NULL OR last_check_in_at < ?)";
constexpr std::string_view kCheckedInSince = " AND last_check_in_at >= ?";
constexpr std::string_view kLastUserIs = " AND last_user_id = ?";
constexpr std::string_view kDevicesOrder = " ORDER BY id LIMIT ?";
// Stale: last seen (check-in, else registration) before the bound, and not yet announced
// for that last-seen time.
constexpr std::string_view kSelectStaleUnannounced = SW_SELECT_DEVICES
    " WHERE COALESCE(last_check_in_at, registered_at) < ?"
    " AND (stale_notified_check_in_at IS NULL"
    " OR stale_notified_check_in_at <> COALESCE(last_check_in_at, registered_at))"
    " ORDER BY id LIMIT ?";
constexpr std::string_view kMarkStaleAnnounced =
    "UPDATE devices SET stale_notified_check_in_at = ? WHERE id = ?"
    " AND COALESCE(last_check_in_at, registered_at) = ?"
    " AND (stale_notified_check_in_at IS NULL OR stale_notified_check_in_at <> ?)";
#undef SW_SELECT_DEVICES

core::Device DeviceFrom(const Row& row) {
  core::Device d;
  d.id = row.Text(0);
  d.team_id = row.Text(1);
  d.fingerprint_hash = row.Text(2);
  d.asset_name = row.Text(3);
  d.os = row.Text(4);
  d.app_version = row.Text(5);
  d.description = row.Text(6);
  d.default_product_access = row.Bool(7);
  d.default_update_access = row.Bool(8);
  d.last_check_in_at = OptTimeAt(row, 9);
  d.last_user_id = row.OptText(10);
  d.registered_at = TimeAt(row, 11);
  d.updated_at = TimeAt(row, 12);
  return d;
}

class SqlDeviceRepository final : public DeviceRepository {
 public:
  explicit SqlDeviceRepository(core::Random& random) : random_(random) {}

  Result<core::Device> Register(Tx& tx, core::Device d) override {
    EnsureId(d.id, random_, core::id_prefix::kDevice);
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertDevice,
        {d.id, d.team_id, d.fingerprint_hash, d.asset_name, d.os, d.app_version, d.description,
         Bool(d.default_product_access), Bool(d.default_update_access), OptMs(d.last_check_in_at),
         OptText(d.last_user_id), Ms(d.registered_at), Ms(d.updated_at)}));
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectDeviceByFingerprint,
                                             {d.team_id, d.fingerprint_hash}, "device"));
    return DeviceFrom(row);
  }

  Result<core::Device> Get(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectDeviceById, {id}, "device"));
    return DeviceFrom(row);
  }

  Result<std::optional<core::Device>> FindByFingerprint(
      Tx& tx, const std::string& team_id, const std::string& fingerprint_hash) override {
    SW_ASSIGN_OR_RETURN(auto row,
                        tx.QueryOptional(kSelectDeviceByFingerprint, {team_id, fingerprint_hash}));
    if (!row) return std::optional<core::Device>();
    return std::optional<core::Device>(DeviceFrom(*row));
  }

  Result<void> CheckIn(Tx& tx, const std::string& id, const std::optional<std::string>& user_id,
                       const std::string& app_version, const std::string& os,
                       core::TimePoint now) override {
    return ExpectChanged(
        tx.Exec(kCheckIn, {Ms(now), OptText(user_id), app_version, os, Ms(now), id}), "device");
  }

  Result<void> SetCredential(Tx& tx, const std::string& id, const std::string& credential_hash,
                             core::TimePoint now) override {
    return ExpectChanged(
        tx.Exec(kSetCredential, {credential_hash, Ms(now), Ms(now), OptText(std::nullopt), id}),
        "device");
  }

  Result<void> SetMemberCredential(Tx& tx, const std::string& id,
                                   const std::string& credential_hash, const std::string& user_id,
                                   core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kSetCredential, {credential_hash, Ms(now), Ms(now), user_id, id}),
                         "device");
  }

  Result<CredentialHolder> GetCredentialHolder(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectCredentialHolder, {id}, "device"));
    return CredentialHolder{row.Bool(0), row.OptText(1)};
  }

  Result<std::optional<core::Device>> FindByCredential(
      Tx& tx, const std::string& credential_hash) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectDeviceByCredential, {credential_hash}));
    if (!row) return std::optional<core::Device>();
    return std::optional<core::Device>(DeviceFrom(*row));
  }

  Result<void> UpdateDetails(Tx& tx, const core::Device& d, core::TimePoint now) override {
    return ExpectChanged(
        tx.Exec(kUpdateDetails, {d.asset_name, d.description, Bool(d.default_product_access),
                                 Bool(d.default_update_access), Ms(now), d.id}),
        "device");
  }

  Result<Page<core::Device>> ListByTeam(Tx& tx, const std::string& team_id,
                                        const DeviceFilter& filter,
                                        const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    std::string sql(kSelectTeamDevicesBase);
    Params params{team_id, page.after};
    if (filter.checked_in_before) {
      sql += kCheckedInBefore;
      params.push_back(Ms(*filter.checked_in_before));
    }
    if (filter.checked_in_since) {
      sql += kCheckedInSince;
      params.push_back(Ms(*filter.checked_in_since));
    }
    if (filter.last_user_id) {
      sql += kLastUserIs;
      params.emplace_back(*filter.last_user_id);
    }
    sql += kDevicesOrder;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<core::Device>(rows, DeviceFrom), limit,
                    [](const core::Device& d) { return d.id; });
  }

  Result<std::vector<core::Device>> ListStaleUnannounced(Tx& tx, core::TimePoint last_seen_before,
                                                         int limit) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kSelectStaleUnannounced, {Ms(last_seen_before), Int(limit)}));
    return MapRows<core::Device>(rows, DeviceFrom);
  }

  Result<bool> MarkStaleAnnounced(Tx& tx, const std::string& id,
                                  core::TimePoint last_seen) override {
    SW_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Exec(kMarkStaleAnnounced, {Ms(last_seen), id, Ms(last_seen), Ms(last_seen)}));
    return changed > 0;
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<DeviceRepository> NewSqlDeviceRepository(core::Random& random) {
  return std::make_unique<SqlDeviceRepository>(random);
}

}  // namespace seatwise::store
