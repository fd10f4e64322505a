#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_KEYS                                                                       \
  "SELECT kid, algorithm, public_key, private_key_sealed, active, created_at, activated_at," \
  " retired_at FROM signing_keys"
constexpr std::string_view kInsertKey =
    "INSERT INTO signing_keys (kid, algorithm, public_key, private_key_sealed, active,"
    " created_at, activated_at, retired_at) VALUES (?, ?, ?, ?, 0, ?, NULL, NULL)";
constexpr std::string_view kSelectByKid = SW_SELECT_KEYS " WHERE kid = ?";
constexpr std::string_view kSelectActive = SW_SELECT_KEYS " WHERE active = 1";
constexpr std::string_view kSelectAll = SW_SELECT_KEYS " ORDER BY created_at, kid";
#undef SW_SELECT_KEYS
constexpr std::string_view kRetireOthers =
    "UPDATE signing_keys SET active = 0, retired_at = ? WHERE active = 1 AND kid <> ?";
constexpr std::string_view kActivate =
    "UPDATE signing_keys SET active = 1, activated_at = ?, retired_at = NULL WHERE kid = ?";
constexpr std::string_view kRetire =
    "UPDATE signing_keys SET active = 0, retired_at = ? WHERE kid = ?";

core::SigningKey KeyFrom(const Row& r) {
  core::SigningKey k;
  k.kid = r.Text(0);
  k.algorithm = r.Text(1);
  k.public_key = r.Text(2);
  k.private_key_sealed = r.Text(3);
  k.active = r.Bool(4);
  k.created_at = TimeAt(r, 5);
  k.activated_at = OptTimeAt(r, 6);
  k.retired_at = OptTimeAt(r, 7);
  return k;
}

class SqlSigningKeyRepository final : public SigningKeyRepository {
 public:
  Result<void> Create(Tx& tx, const core::SigningKey& k) override {
    SW_RETURN_IF_ERROR(tx.Exec(
        kInsertKey, {k.kid, k.algorithm, k.public_key, k.private_key_sealed, Ms(k.created_at)}));
    return core::Ok();
  }

  Result<core::SigningKey> Get(Tx& tx, const std::string& kid) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectByKid, {kid}, "signing key"));
    return KeyFrom(row);
  }

  Result<std::optional<core::SigningKey>> GetActive(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectActive, {}));
    if (!row) return std::optional<core::SigningKey>();
    return std::optional<core::SigningKey>(KeyFrom(*row));
  }

  Result<std::vector<core::SigningKey>> List(Tx& tx) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectAll));
    return MapRows<core::SigningKey>(rows, KeyFrom);
  }

  Result<void> Activate(Tx& tx, const std::string& kid, core::TimePoint now) override {
    // Retire first: the partial unique index allows one active key at any moment.
    SW_RETURN_IF_ERROR(tx.Exec(kRetireOthers, {Ms(now), kid}));
    return ExpectChanged(tx.Exec(kActivate, {Ms(now), kid}), "signing key");
  }

  Result<void> Retire(Tx& tx, const std::string& kid, core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kRetire, {Ms(now), kid}), "signing key");
  }
};

}  // namespace

std::unique_ptr<SigningKeyRepository> NewSqlSigningKeyRepository() {
  return std::make_unique<SqlSigningKeyRepository>();
}

}  // namespace seatwise::store
