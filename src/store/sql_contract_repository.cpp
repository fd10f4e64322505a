#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_CONTRACT_COLUMNS                                                                   \
  "c.id, c.number, c.subscription_ref, c.account_id, c.team_id, c.reseller_id,"               \
  " c.contract_manager_id, c.software_coordinator_id, c.starts_at, c.ends_at, c.term_months," \
  " c.status, c.credit_balance, c.company_name, c.company_address_line1,"                     \
  " c.company_address_line2, c.company_city, c.company_postal_code, c.company_region,"        \
  " c.company_country, c.status_changed_at, c.created_at, c.updated_at"
#define SW_SUBSCRIPTION_COLUMNS                                                          \
  "s.id, s.contract_id, s.product_id, s.collection_id, s.service_id, s.seats, s.access," \
  " s.activation, s.model, s.serial_number, s.product_key, s.max_devices,"               \
  " s.lease_ttl_seconds, s.max_borrow_days, s.ends_at, s.migrated_at, s.created_at,"     \
  " s.updated_at"

constexpr std::string_view kInsertContract =
    "INSERT INTO contracts (id, number, subscription_ref, account_id, team_id, reseller_id,"
    " contract_manager_id, software_coordinator_id, starts_at, ends_at, term_months, status,"
    " credit_balance, company_name, company_address_line1, company_address_line2,"
    " company_city, company_postal_code, company_region, company_country, status_changed_at,"
    " created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectContractById =
    "SELECT " SW_CONTRACT_COLUMNS " FROM contracts c WHERE c.id = ?";
constexpr std::string_view kSelectContractByNumber =
    "SELECT " SW_CONTRACT_COLUMNS " FROM contracts c WHERE c.number = ?";
// The balance is not written here: only AddCreditEntry moves it, under the row lock.
constexpr std::string_view kUpdateContract =
    "UPDATE contracts SET number = ?, subscription_ref = ?, team_id = ?, reseller_id = ?,"
    " contract_manager_id = ?, software_coordinator_id = ?, starts_at = ?, ends_at = ?,"
    " term_months = ?, status = ?, company_name = ?, company_address_line1 = ?,"
    " company_address_line2 = ?, company_city = ?, company_postal_code = ?,"
    " company_region = ?, company_country = ?, status_changed_at = ?, updated_at = ?"
    " WHERE id = ?";
constexpr std::string_view kSelectContractsBase =
    "SELECT " SW_CONTRACT_COLUMNS " FROM contracts c WHERE c.id > ?";
constexpr std::string_view kContractsTeamIs = " AND c.team_id = ?";
constexpr std::string_view kContractsAccountIs = " AND c.account_id = ?";
constexpr std::string_view kContractsResellerIs = " AND c.reseller_id = ?";
constexpr std::string_view kContractsManagerIs = " AND c.contract_manager_id = ?";
constexpr std::string_view kContractsCoordinatorIs = " AND c.software_coordinator_id = ?";
constexpr std::string_view kContractsStatusIs = " AND c.status = ?";
constexpr std::string_view kContractsOrder = " ORDER BY c.id LIMIT ?";
constexpr std::string_view kSelectContractsEndingBase =
    "SELECT " SW_CONTRACT_COLUMNS " FROM contracts c WHERE c.ends_at >= ? AND c.ends_at < ?";
constexpr std::string_view kContractsEndingOrder = " ORDER BY c.ends_at, c.id";

constexpr std::string_view kInsertOrder =
    "INSERT INTO orders (id, contract_id, kind, placed_by, details, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectOrders =
    "SELECT id, contract_id, kind, placed_by, details, created_at FROM orders"
    " WHERE contract_id = ? ORDER BY created_at, id";
constexpr std::string_view kInsertChangeDecision =
    "INSERT INTO company_change_decisions (order_id, status, decided_by, reason, decided_at)"
    " VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectChangeDecisions =
    "SELECT d.order_id, d.status, d.decided_by, d.reason, d.decided_at"
    " FROM company_change_decisions d JOIN orders o ON o.id = d.order_id"
    " WHERE o.contract_id = ? ORDER BY d.order_id";

constexpr std::string_view kInsertSubscription =
    "INSERT INTO subscriptions (id, contract_id, product_id, collection_id, service_id, seats,"
    " access, activation, model, serial_number, product_key, max_devices, lease_ttl_seconds,"
    " max_borrow_days, ends_at, migrated_at, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectSubscriptionById =
    "SELECT " SW_SUBSCRIPTION_COLUMNS " FROM subscriptions s WHERE s.id = ?";
constexpr std::string_view kSelectSubscriptionBySerial =
    "SELECT " SW_SUBSCRIPTION_COLUMNS " FROM subscriptions s WHERE s.serial_number = ?";
constexpr std::string_view kUpdateSubscription =
    "UPDATE subscriptions SET seats = ?, access = ?, activation = ?, model = ?,"
    " serial_number = ?, product_key = ?, max_devices = ?, lease_ttl_seconds = ?,"
    " max_borrow_days = ?, ends_at = ?, migrated_at = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kSelectContractSubscriptions =
    "SELECT " SW_SUBSCRIPTION_COLUMNS " FROM subscriptions s WHERE s.contract_id = ? ORDER BY s.id";
constexpr std::string_view kSelectTeamSubscriptions =
    "SELECT " SW_SUBSCRIPTION_COLUMNS
    " FROM subscriptions s JOIN contracts c ON c.id = s.contract_id WHERE c.team_id = ?"
    " ORDER BY s.contract_id, s.id";
constexpr std::string_view kSelectGrantedProducts =
    "SELECT s.product_id FROM subscriptions s WHERE s.id = ? AND s.product_id IS NOT NULL"
    " UNION SELECT m.product_id FROM subscriptions s"
    " JOIN collection_members m ON m.collection_id = s.collection_id WHERE s.id = ?"
    " ORDER BY 1";
#undef SW_CONTRACT_COLUMNS
#undef SW_SUBSCRIPTION_COLUMNS

core::Contract ContractFrom(const Row& row) {
  core::Contract c;
  c.id = row.Text(0);
  c.number = row.Text(1);
  c.subscription_ref = row.Text(2);
  c.account_id = row.Text(3);
  c.team_id = row.Text(4);
  c.reseller_id = row.OptText(5);
  c.contract_manager_id = row.Text(6);
  c.software_coordinator_id = row.OptText(7);
  c.starts_at = TimeAt(row, 8);
  c.ends_at = TimeAt(row, 9);
  c.term_months = IntAt(row, 10);
  c.status = EnumAt<core::ContractStatus>(row, 11);
  c.credit_balance = row.Int(12);
  c.company = core::CompanyInfo{row.Text(13), row.Text(14), row.Text(15), row.Text(16),
                                row.Text(17), row.Text(18), row.Text(19)};
  c.status_changed_at = OptTimeAt(row, 20);
  c.created_at = TimeAt(row, 21);
  c.updated_at = TimeAt(row, 22);
  return c;
}

core::Subscription SubscriptionFrom(const Row& row) {
  core::Subscription s;
  s.id = row.Text(0);
  s.contract_id = row.Text(1);
  s.product_id = row.OptText(2);
  s.collection_id = row.OptText(3);
  s.service_id = row.OptText(4);
  s.seats = IntAt(row, 5);
  s.access = EnumAt<core::Access>(row, 6);
  s.activation = EnumAt<core::ActivationMethod>(row, 7);
  s.model = EnumAt<core::LicenseModel>(row, 8);
  s.serial_number = row.OptText(9);
  s.product_key = row.OptText(10);
  s.max_devices = IntAt(row, 11);
  s.lease_ttl_seconds = IntAt(row, 12);
  s.max_borrow_days = IntAt(row, 13);
  s.ends_at = OptTimeAt(row, 14);
  s.migrated_at = OptTimeAt(row, 15);
  s.created_at = TimeAt(row, 16);
  s.updated_at = TimeAt(row, 17);
  return s;
}

core::Order OrderFrom(const Row& row) {
  core::Order o;
  o.id = row.Text(0);
  o.contract_id = row.Text(1);
  o.kind = EnumAt<core::OrderKind>(row, 2);
  o.placed_by = row.OptText(3);
  o.details_json = row.Text(4);
  o.created_at = TimeAt(row, 5);
  return o;
}

class SqlContractRepository final : public ContractRepository {
 public:
  explicit SqlContractRepository(core::Random& random) : random_(random) {}

  Result<core::Contract> CreateContract(Tx& tx, core::Contract c) override {
    EnsureId(c.id, random_, core::id_prefix::kContract);
    const auto& k = c.company;
    SW_RETURN_IF_ERROR(tx.Exec(kInsertContract, {c.id,
                                                 c.number,
                                                 c.subscription_ref,
                                                 c.account_id,
                                                 c.team_id,
                                                 OptText(c.reseller_id),
                                                 c.contract_manager_id,
                                                 OptText(c.software_coordinator_id),
                                                 Ms(c.starts_at),
                                                 Ms(c.ends_at),
                                                 Int(c.term_months),
                                                 Enum(c.status),
                                                 Int(c.credit_balance),
                                                 k.name,
                                                 k.address_line1,
                                                 k.address_line2,
                                                 k.city,
                                                 k.postal_code,
                                                 k.region,
                                                 k.country,
                                                 OptMs(c.status_changed_at),
                                                 Ms(c.created_at),
                                                 Ms(c.updated_at)}));
    return c;
  }

  Result<core::Contract> GetContract(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectContractById, {id}, "contract"));
    return ContractFrom(row);
  }

  Result<core::Contract> LockContract(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row,
                        tx.QueryOne(WithLock(kSelectContractById, tx.backend()), {id}, "contract"));
    return ContractFrom(row);
  }

  Result<std::optional<core::Contract>> FindContractByNumber(Tx& tx,
                                                             const std::string& number) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectContractByNumber, {number}));
    if (!row) return std::optional<core::Contract>();
    return std::optional<core::Contract>(ContractFrom(*row));
  }

  Result<void> UpdateContract(Tx& tx, const core::Contract& c) override {
    const auto& k = c.company;
    return ExpectChanged(tx.Exec(kUpdateContract, {c.number,
                                                   c.subscription_ref,
                                                   c.team_id,
                                                   OptText(c.reseller_id),
                                                   c.contract_manager_id,
                                                   OptText(c.software_coordinator_id),
                                                   Ms(c.starts_at),
                                                   Ms(c.ends_at),
                                                   Int(c.term_months),
                                                   Enum(c.status),
                                                   k.name,
                                                   k.address_line1,
                                                   k.address_line2,
                                                   k.city,
                                                   k.postal_code,
                                                   k.region,
                                                   k.country,
                                                   OptMs(c.status_changed_at),
                                                   Ms(c.updated_at),
                                                   c.id}),
                         "contract");
  }

  Result<Page<core::Contract>> ListContracts(Tx& tx, const ContractFilter& f,
                                             const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    std::string sql(kSelectContractsBase);
    Params params{page.after};
    auto add = [&](const std::optional<std::string>& value, std::string_view clause) {
      if (!value) return;
      sql += clause;
      params.emplace_back(*value);
    };
    add(f.team_id, kContractsTeamIs);
    add(f.account_id, kContractsAccountIs);
    add(f.reseller_id, kContractsResellerIs);
    add(f.contract_manager_id, kContractsManagerIs);
    add(f.software_coordinator_id, kContractsCoordinatorIs);
    if (f.status) add(std::string(core::EnumName(*f.status)), kContractsStatusIs);
    sql += kContractsOrder;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<core::Contract>(rows, ContractFrom), limit,
                    [](const core::Contract& c) { return c.id; });
  }

  Result<std::vector<core::Contract>> ListContractsEndingBetween(
      Tx& tx, const std::vector<core::ContractStatus>& statuses, core::TimePoint from,
      core::TimePoint to) override {
    std::string sql(kSelectContractsEndingBase);
    Params params{Ms(from), Ms(to)};
    if (!statuses.empty()) {
      sql += " AND c.status IN (";
      for (std::size_t i = 0; i < statuses.size(); ++i) {
        sql += i == 0 ? "?" : ", ?";
        params.emplace_back(Enum(statuses[i]));
      }
      sql += ")";
    }
    sql += kContractsEndingOrder;
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MapRows<core::Contract>(rows, ContractFrom);
  }

  Result<core::Order> CreateOrder(Tx& tx, core::Order o) override {
    EnsureId(o.id, random_, core::id_prefix::kOrder);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertOrder, {o.id, o.contract_id, Enum(o.kind), OptText(o.placed_by),
                               o.details_json, Ms(o.created_at)}));
    return o;
  }

  Result<std::vector<core::Order>> ListOrders(Tx& tx, const std::string& contract_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectOrders, {contract_id}));
    return MapRows<core::Order>(rows, OrderFrom);
  }

  Result<void> RecordChangeDecision(Tx& tx, const ChangeDecision& d) override {
    SW_RETURN_IF_ERROR(tx.Exec(kInsertChangeDecision, {d.order_id, d.status, OptText(d.decided_by),
                                                       d.reason, Ms(d.decided_at)}));
    return {};
  }

  Result<std::vector<ChangeDecision>> ListChangeDecisions(Tx& tx,
                                                          const std::string& contract_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectChangeDecisions, {contract_id}));
    return MapRows<ChangeDecision>(rows, [](const Row& row) {
      return ChangeDecision{row.Text(0), row.Text(1), row.OptText(2), row.Text(3), TimeAt(row, 4)};
    });
  }

  Result<core::Subscription> CreateSubscription(Tx& tx, core::Subscription s) override {
    EnsureId(s.id, random_, core::id_prefix::kSubscription);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertSubscription,
                {s.id, s.contract_id, OptText(s.product_id), OptText(s.collection_id),
                 OptText(s.service_id), Int(s.seats), Enum(s.access), Enum(s.activation),
                 Enum(s.model), OptText(s.serial_number), OptText(s.product_key),
                 Int(s.max_devices), Int(s.lease_ttl_seconds), Int(s.max_borrow_days),
                 OptMs(s.ends_at), OptMs(s.migrated_at), Ms(s.created_at), Ms(s.updated_at)}));
    return s;
  }

  Result<core::Subscription> GetSubscription(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectSubscriptionById, {id}, "subscription"));
    return SubscriptionFrom(row);
  }

  Result<core::Subscription> LockSubscription(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(WithLock(kSelectSubscriptionById, tx.backend()), {id},
                                             "subscription"));
    return SubscriptionFrom(row);
  }

  Result<std::optional<core::Subscription>> FindSubscriptionBySerial(
      Tx& tx, const std::string& serial_number) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectSubscriptionBySerial, {serial_number}));
    if (!row) return std::optional<core::Subscription>();
    return std::optional<core::Subscription>(SubscriptionFrom(*row));
  }

  Result<void> UpdateSubscription(Tx& tx, const core::Subscription& s) override {
    return ExpectChanged(
        tx.Exec(kUpdateSubscription,
                {Int(s.seats), Enum(s.access), Enum(s.activation), Enum(s.model),
                 OptText(s.serial_number), OptText(s.product_key), Int(s.max_devices),
                 Int(s.lease_ttl_seconds), Int(s.max_borrow_days), OptMs(s.ends_at),
                 OptMs(s.migrated_at), Ms(s.updated_at), s.id}),
        "subscription");
  }

  Result<std::vector<core::Subscription>> ListSubscriptions(
      Tx& tx, const std::string& contract_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectContractSubscriptions, {contract_id}));
    return MapRows<core::Subscription>(rows, SubscriptionFrom);
  }

  Result<std::vector<core::Subscription>> ListTeamSubscriptions(
      Tx& tx, const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectTeamSubscriptions, {team_id}));
    return MapRows<core::Subscription>(rows, SubscriptionFrom);
  }

  Result<std::vector<std::string>> GrantedProducts(Tx& tx,
                                                   const std::string& subscription_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kSelectGrantedProducts, {subscription_id, subscription_id}));
    return MapRows<std::string>(rows, [](const Row& r) { return r.Text(0); });
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<ContractRepository> NewSqlContractRepository(core::Random& random) {
  return std::make_unique<SqlContractRepository>(random);
}

}  // namespace seatwise::store
