#include "service/devices.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/csv.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class DevicesTest : public AuthzTest {
 protected:
  DeviceService devices() { return DeviceService(deps()); }

  core::Subscription FirstSubscriptionOf(const core::Contract& contract) {
    auto subs = Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); }));
    return subs.at(0);
  }

  template <typename T>
  T Write(const std::function<core::Result<T>(store::Tx&)>& fn) {
    return Must(db_->Transact<T>(store::TxMode::kWrite, fn));
  }

  // A device of team T that checked in now, with `who` signed in (if anyone).
  core::Device NewDevice(const std::string& name, const std::string& os,
                         const std::string& who = "") {
    return Write<core::Device>([&](store::Tx& tx) -> core::Result<core::Device> {
      core::Device d;
      d.team_id = team_.id;
      d.fingerprint_hash = "fingerprint-" + std::to_string(++devices_made_);
      d.asset_name = name;
      d.os = os;
      d.app_version = "2026.1";
      d.registered_at = d.updated_at = clock_.Now();
      SW_ASSIGN_OR_RETURN(d, repos_.devices->Register(tx, d));
      std::optional<std::string> user;
      if (!who.empty()) user = Id(who);
      SW_RETURN_IF_ERROR(repos_.devices->CheckIn(tx, d.id, user, "2026.1", os, clock_.Now()));
      return repos_.devices->Get(tx, d.id);
    });
  }

  core::Activation ActivateSerial(const core::Device& device) {
    const auto sub = FirstSubscriptionOf(c2_);
    return Write<core::Activation>([&](store::Tx& tx) {
      core::Activation a;
      a.kind = core::ActivationKind::kSerial;
      a.subscription_id = sub.id;
      a.product_id = *sub.product_id;
      a.device_id = device.id;
      a.issued_at = clock_.Now();
      a.expires_at = clock_.Now() + hours(24);
      a.offline_grace_until = clock_.Now() + days(30);
      return repos_.activations->ActivateSerial(tx, a);
    });
  }

  core::Activation ActivateSignIn(const core::Device& device, const std::string& who) {
    const auto sub = FirstSubscriptionOf(c1_);
    return Write<store::SignInActivation>([&](store::Tx& tx) {
             core::Activation a;
             a.kind = core::ActivationKind::kSignIn;
             a.user_id = Id(who);
             a.subscription_id = sub.id;
             a.product_id = *sub.product_id;
             a.device_id = device.id;
             a.issued_at = clock_.Now();
             a.expires_at = clock_.Now() + hours(24);
             a.offline_grace_until = clock_.Now() + days(30);
             return repos_.activations->ActivateSignIn(tx, a);
           })
        .activation;
  }

  // A floating-seat pool on contract C1 for a product "NET".
  core::Subscription NetworkPool() {
    return Write<core::Subscription>([&](store::Tx& tx) -> core::Result<core::Subscription> {
      const auto now = clock_.Now();
      core::Product product{"", "NET", "Network Suite", "2026", "", false, now, now};
      SW_ASSIGN_OR_RETURN(product, repos_.catalog->CreateProduct(tx, product));
      core::Subscription s;
      s.contract_id = c1_.id;
      s.product_id = product.id;
      s.seats = 3;
      s.access = core::Access::kMultiUser;
      s.created_at = s.updated_at = now;
      return repos_.contracts->CreateSubscription(tx, s);
    });
  }

  core::Lease Checkout(const core::Subscription& pool, const core::Device& device) {
    auto checkout = Write<store::LeaseCheckout>([&](store::Tx& tx) {
      core::Lease l;
      l.subscription_id = pool.id;
      l.product_id = *pool.product_id;
      l.device_id = device.id;
      l.user_name = "jdoe";
      l.host = device.asset_name;
      l.checked_out_at = l.heartbeat_at = clock_.Now();
      l.expires_at = clock_.Now() + minutes(10);
      return repos_.leases->Checkout(tx, l);
    });
    EXPECT_TRUE(checkout.granted);
    return checkout.lease.value_or(core::Lease{});
  }

  std::vector<DeviceView> List(const std::string& who, DeviceQuery query = {}) {
    query.limit = store::kMaxPageSize;
    return Must(devices().ListDevices(As(who), team_.id, query)).items;
  }

  static std::vector<std::string> Names(const std::vector<DeviceView>& views) {
    std::vector<std::string> names;
    for (const auto& v : views) names.push_back(v.device.asset_name);
    return names;
  }

  DeviceStatus StatusOf(const std::string& device_id) {
    auto details = Must(devices().GetDevice(As("pa"), team_.id, device_id));
    return details.view.status;
  }

  // JSON text without the blanks after ":" and ",".
  static std::string Compact(const std::string& json) {
    std::string out;
    for (std::size_t i = 0; i < json.size(); ++i) {
      if (json[i] == ' ' && i > 0 && (json[i - 1] == ':' || json[i - 1] == ',')) continue;
      out += json[i];
    }
    return out;
  }

  int devices_made_ = 0;
};

TEST_P(DevicesTest, StatusTurnsOutOfDateAfterThirtyDaysWithoutCheckIn) {
  const auto device = NewDevice("ws-1", "Windows 11", "user");
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOnline);
  clock_.Advance(minutes(15));
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOnline);
  clock_.Advance(seconds(1));
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOffline);
  clock_.Set(device.last_check_in_at.value() + days(29) + hours(23));
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOffline);
  clock_.Set(device.last_check_in_at.value() + days(30));
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOffline);
  clock_.Set(device.last_check_in_at.value() + days(30) + seconds(1));
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOutOfDate);

  DeviceQuery out_of_date;
  out_of_date.status = DeviceStatus::kOutOfDate;
  EXPECT_EQ(Names(List("pa", out_of_date)), std::vector<std::string>{"ws-1"});
  DeviceQuery offline;
  offline.status = DeviceStatus::kOffline;
  EXPECT_TRUE(List("pa", offline).empty());
}

TEST_P(DevicesTest, AHeldFloatingSeatCountsAsACheckIn) {
  const auto pool = NetworkPool();
  const auto device = NewDevice("render-1", "Linux");
  clock_.Advance(days(40));
  EXPECT_EQ(StatusOf(device.id), DeviceStatus::kOutOfDate);
  const auto lease = Checkout(pool, device);
  auto details = Must(devices().GetDevice(As("sa"), team_.id, device.id));
  EXPECT_EQ(details.view.status, DeviceStatus::kOnline);
  EXPECT_EQ(details.view.last_check_in_at, lease.heartbeat_at);
  ASSERT_EQ(details.view.products.size(), 1u);
  EXPECT_EQ(details.view.products[0].code, "NET");
  ASSERT_EQ(details.leases.size(), 1u);
  EXPECT_EQ(details.leases[0].lease.id, lease.id);
  EXPECT_EQ(details.leases[0].product.name, "Network Suite");
}

TEST_P(DevicesTest, DetailsShowActivationsProductsAndTheLastUser) {
  const auto device = NewDevice("cad-7", "Windows 11", "user");
  const auto signin = ActivateSignIn(device, "user");
  const auto serial = ActivateSerial(device);
  auto details = Must(devices().GetDevice(As("pa"), team_.id, device.id));
  ASSERT_TRUE(details.view.last_user.has_value());
  EXPECT_EQ(details.view.last_user->name, "user Tester");
  EXPECT_EQ(details.view.last_user->email, "user@example.test");
  ASSERT_EQ(details.view.products.size(), 2u);
  EXPECT_EQ(details.view.products[0].name, "Product 1001");
  EXPECT_EQ(details.view.products[1].name, "Product 1002");
  ASSERT_EQ(details.activations.size(), 2u);
  for (const auto& a : details.activations) {
    if (a.activation.id == signin.id) {
      ASSERT_TRUE(a.user.has_value());
      EXPECT_EQ(a.user->id, Id("user"));
    } else {
      EXPECT_EQ(a.activation.id, serial.id);
      EXPECT_FALSE(a.user.has_value());
    }
  }
  auto elsewhere = devices().GetDevice(As("pa"), team_.id, "dev_unknown");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kNotFound);
}

TEST_P(DevicesTest, FiltersByStatusOsProductAndSearch) {
  const auto a = NewDevice("Alpha-WS", "Windows 11 Pro", "pa");
  const auto b = NewDevice("beta-mac", "macOS 14", "user");
  clock_.Advance(days(2));
  const auto c = NewDevice("Gamma", "Windows 10", "sa");
  ActivateSerial(a);
  ActivateSignIn(c, "sa");

  DeviceQuery q;
  q.os = "windows";
  EXPECT_EQ(Names(List("pa", q)), (std::vector<std::string>{"Alpha-WS", "Gamma"}));
  q = {};
  q.product = "p1002";  // a code, any case
  EXPECT_EQ(Names(List("pa", q)), std::vector<std::string>{"Alpha-WS"});
  q.product = FirstSubscriptionOf(c1_).product_id.value();  // an id
  EXPECT_EQ(Names(List("pa", q)), std::vector<std::string>{"Gamma"});
  q = {};
  q.search = "USER@example";  // the last user's e-mail
  EXPECT_EQ(Names(List("pa", q)), std::vector<std::string>{"beta-mac"});
  q.search = "sa tester";  // the last user's name
  EXPECT_EQ(Names(List("pa", q)), std::vector<std::string>{"Gamma"});
  q.search = "alpha";
  EXPECT_EQ(Names(List("pa", q)), std::vector<std::string>{"Alpha-WS"});
  q = {};
  q.status = DeviceStatus::kOnline;
  EXPECT_EQ(Names(List("pa", q)), std::vector<std::string>{"Gamma"});
  q.status = DeviceStatus::kOffline;
  EXPECT_EQ(Names(List("pa", q)), (std::vector<std::string>{"Alpha-WS", "beta-mac"}));
  (void)b;
}

TEST_P(DevicesTest, SortsByColumnsAndPagesWithTheCursor) {
  NewDevice("delta", "Linux", "user");
  clock_.Advance(hours(1));
  NewDevice("Alpha", "Windows 11", "sa");
  clock_.Advance(hours(1));
  NewDevice("charlie", "macOS", "pa");
  clock_.Advance(minutes(5));
  NewDevice("bravo", "Windows 10");
  clock_.Advance(minutes(5));
  NewDevice("echo", "ChromeOS", "cm");

  EXPECT_EQ(Names(List("pa")),
            (std::vector<std::string>{"Alpha", "bravo", "charlie", "delta", "echo"}));
  DeviceQuery q;
  q.sort = "-last_check_in_at";
  EXPECT_EQ(Names(List("pa", q)),
            (std::vector<std::string>{"echo", "bravo", "charlie", "Alpha", "delta"}));
  q.sort = "last_user";  // bravo has none; then cm, pa, sa, user Tester
  EXPECT_EQ(Names(List("pa", q)),
            (std::vector<std::string>{"bravo", "echo", "charlie", "Alpha", "delta"}));
  q.sort = "-os";
  EXPECT_EQ(Names(List("pa", q)),
            (std::vector<std::string>{"Alpha", "bravo", "charlie", "delta", "echo"}));
  q.sort = "-status";  // delta and Alpha offline for an hour or more, the rest online
  auto by_status = List("pa", q);
  ASSERT_EQ(by_status.size(), 5u);
  EXPECT_EQ((std::set<std::string>{by_status[0].device.asset_name, by_status[1].device.asset_name}),
            (std::set<std::string>{"delta", "Alpha"}));
  for (int i = 2; i < 5; ++i) EXPECT_EQ(by_status[i].status, DeviceStatus::kOnline);

  q.sort = "-last_check_in_at";
  q.limit = 2;
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    auto page = Must(devices().ListDevices(As("pa"), team_.id, q));
    ++pages;
    for (const auto& name : Names(page.items)) seen.push_back(name);
    if (page.next_after.empty()) break;
    q.after = page.next_after;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"echo", "bravo", "charlie", "Alpha", "delta"}));

  DeviceQuery bad;
  bad.sort = "fingerprint_hash";
  auto refused = devices().ListDevices(As("pa"), team_.id, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().fields.at(0).field, "sort");
  bad = {};
  bad.after = "dev_nowhere";
  refused = devices().ListDevices(As("pa"), team_.id, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().fields.at(0).field, "after");
}

TEST_P(DevicesTest, ASoftwareCoordinatorSeesOnlyDevicesThatUsedTheirContracts) {
  const auto serial_box = NewDevice("serial-box", "Windows", "user");
  const auto both = NewDevice("both", "Windows", "user");
  const auto signin_only = NewDevice("signin-only", "Windows", "user");
  const auto retired = NewDevice("retired", "Windows");
  ActivateSerial(serial_box);
  ActivateSerial(both);
  ActivateSignIn(both, "user");
  ActivateSignIn(signin_only, "cm");
  const auto old = ActivateSerial(retired);
  Write<bool>([&](store::Tx& tx) {
    return repos_.activations->Revoke(tx, old.id, core::RevocationReason::kDeactivated,
                                      clock_.Now());
  });

  EXPECT_EQ(Names(List("sc")), (std::vector<std::string>{"both", "retired", "serial-box"}));
  EXPECT_EQ(List("pa").size(), 4u);
  // Of a shared device, only the products of the coordinator's contract.
  auto details = Must(devices().GetDevice(As("sc"), team_.id, both.id));
  ASSERT_EQ(details.view.products.size(), 1u);
  EXPECT_EQ(details.view.products[0].name, "Product 1002");
  ASSERT_EQ(details.activations.size(), 1u);
  EXPECT_EQ(Must(devices().GetDevice(As("pa"), team_.id, both.id)).activations.size(), 2u);

  auto hidden = devices().GetDevice(As("sc"), team_.id, signin_only.id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  DeviceChange rename;
  rename.asset_name = "x";
  auto refused = devices().UpdateDevice(As("sc"), team_.id, signin_only.id, rename);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  rename.asset_name = "serial-box-2";
  auto renamed = devices().UpdateDevice(As("sc"), team_.id, serial_box.id, rename);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->device.asset_name, "serial-box-2");
}

TEST_P(DevicesTest, UsersAndOtherCustomersAreRefusedAndAudited) {
  NewDevice("ws", "Windows", "user");
  auto user = devices().ListDevices(As("user"), team_.id, {});
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(user.error().conceal_existence);
  auto cm = devices().ExportDevices(As("cm"), team_.id, {});
  ASSERT_FALSE(cm.ok());
  EXPECT_EQ(cm.error().code, ErrorCode::kPermissionDenied);
  auto outsider = devices().ListDevices(As("outsider"), team_.id, {});
  ASSERT_FALSE(outsider.ok());
  EXPECT_TRUE(outsider.error().conceal_existence);
  // Another team's admin of the same customer does not reach T's devices either.
  EXPECT_FALSE(devices().ListDevices(As("other"), team_.id, {}).ok());

  store::AuditFilter filter;
  filter.action = "device.list";
  auto entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 3u);
  for (const auto& e : entries) EXPECT_EQ(e.outcome, core::AuditOutcome::kDenied);
  filter.action = "device.export";
  ASSERT_EQ(AuditEntries(filter).size(), 1u);
}

TEST_P(DevicesTest, EditsAreValidatedAndAuditedWithBeforeAndAfter) {
  const auto device = NewDevice("old-name", "Windows", "user");
  clock_.Advance(minutes(5));
  DeviceChange change;
  change.asset_name = "  Drafting 3  ";
  change.description = "Second floor by the plotter";
  change.default_update_access = false;
  auto updated = devices().UpdateDevice(As("sa"), team_.id, device.id, change);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->device.asset_name, "Drafting 3");
  EXPECT_TRUE(updated->device.default_product_access);
  EXPECT_FALSE(updated->device.default_update_access);

  auto stored = Must(devices().GetDevice(As("pa"), team_.id, device.id)).view.device;
  EXPECT_EQ(stored.asset_name, "Drafting 3");
  EXPECT_EQ(stored.description, "Second floor by the plotter");
  EXPECT_FALSE(stored.default_update_access);
  EXPECT_EQ(stored.updated_at, clock_.Now());

  store::AuditFilter filter;
  filter.action = "device.update";
  auto entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].outcome, core::AuditOutcome::kAllowed);
  EXPECT_EQ(entries[0].target_id, device.id);
  EXPECT_EQ(entries[0].actor_role, "secondary_admin");
  // PostgreSQL keeps the JSON as jsonb (its own key order and spacing): compare the pairs.
  const std::string before = Compact(entries[0].before_json.value_or(""));
  const std::string after = Compact(entries[0].after_json.value_or(""));
  for (const char* pair : {R"("asset_name":"old-name")", R"("description":"")",
                           R"("default_product_access":true)", R"("default_update_access":true)"}) {
    EXPECT_NE(before.find(pair), std::string::npos) << before << " lacks " << pair;
  }
  for (const char* pair :
       {R"("asset_name":"Drafting 3")", R"("description":"Second floor by the plotter")",
        R"("default_product_access":true)", R"("default_update_access":false)"}) {
    EXPECT_NE(after.find(pair), std::string::npos) << after << " lacks " << pair;
  }

  DeviceChange bad;
  bad.asset_name = " ";
  bad.description = std::string(2001, 'x');
  auto invalid = devices().UpdateDevice(As("pa"), team_.id, device.id, bad);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(invalid.error().fields.size(), 2u);
  EXPECT_EQ(invalid.error().fields[0].field, "asset_name");
  EXPECT_EQ(invalid.error().fields[1].field, "description");
  bad = {};
  bad.asset_name = "tab\there";
  EXPECT_FALSE(devices().UpdateDevice(As("pa"), team_.id, device.id, bad).ok());
  EXPECT_EQ(devices().UpdateDevice(As("pa"), team_.id, device.id, {}).error().code,
            ErrorCode::kInvalidArgument);

  auto refused = devices().UpdateDevice(As("user"), team_.id, device.id, change);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  entries = AuditEntries(filter);
  ASSERT_EQ(entries.size(), 2u);  // the refusal too; invalid changes wrote nothing
}

TEST_P(DevicesTest, CsvExportHasEveryMatchingDeviceEscapedAndParsesBack) {
  const auto formula = NewDevice("=HYPERLINK(\"http://x\",\"y\")", "Windows", "user");
  const auto comma = NewDevice("Smith, Jr.'s PC", "Windows", "pa");
  NewDevice("mac", "macOS");
  DeviceChange describe;
  describe.description = "line \"one\", two\nline three";
  Must(devices().UpdateDevice(As("pa"), team_.id, comma.id, describe));
  describe.description = "-1+1";
  Must(devices().UpdateDevice(As("pa"), team_.id, formula.id, describe));
  for (int i = 0; i < 60; ++i) NewDevice("bulk-" + std::to_string(100 + i), "Windows");

  DeviceQuery q;
  q.os = "windows";
  q.limit = 10;  // an export is never paged
  auto exported = devices().ExportDevices(As("pa"), team_.id, q);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_EQ(exported->filename, "devices-" + team_.id + "-2026-01-01.csv");

  auto table = ParseCsvWithHeader(
      exported->csv, {"device_id", "asset_name", "description", "last_user_email", "status"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->records.size(), 62u);
  const auto& cols = table->columns;
  std::map<std::string, const CsvRecord*> by_id;
  for (const auto& r : table->records) by_id[std::string(CsvField(r, cols[0]))] = &r;
  ASSERT_TRUE(by_id.contains(formula.id));
  ASSERT_TRUE(by_id.contains(comma.id));
  EXPECT_EQ(CsvField(*by_id[formula.id], cols[1]), "'=HYPERLINK(\"http://x\",\"y\")");
  EXPECT_EQ(CsvField(*by_id[formula.id], cols[2]), "'-1+1");
  EXPECT_EQ(CsvField(*by_id[formula.id], cols[3]), "user@example.test");
  EXPECT_EQ(CsvField(*by_id[comma.id], cols[1]), "Smith, Jr.'s PC");
  EXPECT_EQ(CsvField(*by_id[comma.id], cols[2]), "line \"one\", two\nline three");
  EXPECT_EQ(CsvField(*by_id[comma.id], cols[4]), "online");
  // In the list's order (by asset name, "=" before letters).
  EXPECT_EQ(CsvField(table->records.front(), cols[0]), formula.id);
}

INSTANTIATE_TEST_SUITE_P(Backends, DevicesTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
