#include "service/orders.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <set>
#include <string>

#include "mail/delivery_job.hpp"
#include "mail/smtp_receiver_testing.hpp"
#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using std::chrono::days;
using std::chrono::hours;

CompanyPatch City(std::string city) {
  CompanyPatch patch;
  patch.city = std::move(city);
  return patch;
}

RenewRequest Term(int months) {
  RenewRequest request;
  request.term_months = months;
  return request;
}

RenewRequest Seats(const std::string& subscription_id, int seats) {
  RenewRequest request;
  request.seats = {{subscription_id, seats}};
  return request;
}

MigrationRequest DryRun() {
  MigrationRequest request;
  request.dry_run = true;
  return request;
}

MigrationRequest Only(const std::string& subscription_id) {
  MigrationRequest request;
  request.subscription_ids = {subscription_id};
  return request;
}

class OrdersTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
    auto seeded = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      const auto now = clock_.Now();
      for (const char* code : {"DRL", "MOT", "CIV"}) {
        core::Product p{"", code, std::string("Product ") + code, "2027", "", false, now, now};
        SW_ASSIGN_OR_RETURN(p, repos_.catalog->CreateProduct(tx, p));
        products_[code] = p.id;
      }
      core::Collection collection;
      collection.code = "AEC";
      collection.name = "AEC Collection";
      collection.product_ids = {products_["DRL"], products_["CIV"]};
      collection.created_at = collection.updated_at = now;
      SW_RETURN_IF_ERROR(repos_.catalog->CreateCollection(tx, collection));
      core::Service service;
      service.code = "RND";
      service.name = "Cloud Rendering";
      service.created_at = service.updated_at = now;
      SW_RETURN_IF_ERROR(repos_.catalog->CreateService(tx, service));
      return core::Ok();
    });
    ASSERT_TRUE(seeded.ok()) << seeded.error().message;
  }

  OrderService orders() { return OrderService(*deps_, *identity_, "https://seatwise.example"); }

  AccountRequest NewAccount(const std::string& cm_email) {
    AccountRequest r;
    r.company = {"Globex", "1 Main St", "", "Springfield", "12345", "", "us"};
    r.contract_manager = {"Gina", "Glass", cm_email};
    return r;
  }

  static SubscriptionOrder Line(const std::string& kind, const std::string& code, int seats,
                                core::Access access, core::ActivationMethod activation,
                                core::LicenseModel model = core::LicenseModel::kTerm) {
    SubscriptionOrder s;
    if (kind == "product") s.product_code = code;
    if (kind == "collection") s.collection_code = code;
    if (kind == "service") s.service_code = code;
    s.seats = seats;
    s.access = access;
    s.activation = activation;
    s.model = model;
    return s;
  }

  // One order of every kind of subscription on team T (whose Primary Admin is "pa").
  OrderRequest EveryKind() {
    using A = core::Access;
    using M = core::ActivationMethod;
    OrderRequest r;
    r.team_id = team_.id;
    r.credits = 500;
    r.subscriptions = {
        Line("product", "DRL", 5, A::kSingleUser, M::kSignIn),
        Line("collection", "AEC", 3, A::kSingleUser, M::kSignIn),
        Line("service", "RND", 2, A::kSingleUser, M::kSignIn),
        Line("product", "CIV", 4, A::kSingleUser, M::kSerialNumber),
        Line("product", "MOT", 10, A::kMultiUser, M::kSerialNumber),
        Line("product", "DRL", 2, A::kSingleUser, M::kSerialNumber, core::LicenseModel::kPerpetual),
    };
    return r;
  }

  std::vector<core::OutboxMessage> Mail(const std::string& template_name) {
    std::vector<core::OutboxMessage> out;
    for (auto& m : Outbox()) {
      if (m.template_name == template_name) out.push_back(std::move(m));
    }
    return out;
  }

  std::vector<core::AuditEntry> EntriesOf(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return AuditEntries(filter);
  }

  std::vector<core::Subscription> SubscriptionsOf(const std::string& contract_id) {
    return Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract_id); }));
  }

  int ActiveSeats(const std::string& subscription_id) {
    return Must(Read<int>(
        [&](store::Tx& tx) { return repos_.assignments->CountActive(tx, subscription_id); }));
  }

  std::optional<core::Assignment> SeatOf(const std::string& subscription_id,
                                         const std::string& who) {
    return Must(Read<std::optional<core::Assignment>>([&](store::Tx& tx) {
      return repos_.assignments->FindActive(tx, subscription_id, Id(who));
    }));
  }

  void Assign(const std::string& subscription_id, const std::string& who) {
    auto done = db_->Transact<core::Assignment>(
        store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Assignment> {
          core::Assignment a;
          a.subscription_id = subscription_id;
          a.user_id = Id(who);
          a.assigned_at = clock_.Now();
          return repos_.assignments->AssignSeat(tx, a);
        });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  core::Subscription AddSubscription(const core::Contract& contract, core::Access access,
                                     core::LicenseModel model, const std::string& serial) {
    return Must(db_->Transact<core::Subscription>(
        store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Subscription> {
          core::Subscription s;
          s.contract_id = contract.id;
          s.product_id = products_["MOT"];
          s.seats = 3;
          s.access = access;
          s.activation = core::ActivationMethod::kSerialNumber;
          s.model = model;
          s.serial_number = serial;
          s.product_key = "A62R1";
          s.created_at = s.updated_at = clock_.Now();
          return repos_.contracts->CreateSubscription(tx, s);
        }));
  }

  // A desktop that activated the subscription with its serial number.
  core::Activation ActivateBySerial(const core::Subscription& sub, const std::string& fingerprint) {
    return Must(db_->Transact<core::Activation>(
        store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Activation> {
          core::Device d;
          d.team_id = team_.id;
          d.fingerprint_hash = fingerprint;
          d.asset_name = "PC-" + fingerprint;
          d.registered_at = d.updated_at = clock_.Now();
          SW_ASSIGN_OR_RETURN(d, repos_.devices->Register(tx, d));
          SW_ASSIGN_OR_RETURN(auto granted, repos_.contracts->GrantedProducts(tx, sub.id));
          core::Activation a;
          a.kind = core::ActivationKind::kSerial;
          a.subscription_id = sub.id;
          a.product_id = granted.at(0);
          a.device_id = d.id;
          a.issued_at = clock_.Now();
          a.expires_at = clock_.Now() + hours(24);
          a.offline_grace_until = clock_.Now() + days(30);
          return repos_.activations->ActivateSerial(tx, a);
        }));
  }

  core::Activation ActivationNamed(const std::string& id) {
    return Must(
        Read<core::Activation>([&](store::Tx& tx) { return repos_.activations->Get(tx, id); }));
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
  std::map<std::string, std::string> products_;
};

// --- accounts -----------------------------------------------------------------------------

TEST_P(OrdersTest, AResellerCreatesAnAccountForItselfWithThePendingContractManagerAsPrimaryAdmin) {
  auto created = orders().CreateAccount(As("reseller"), NewAccount("gina@globex.example"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->account.reseller_id, north_.id);
  EXPECT_EQ(created->account.company.country, "US");
  EXPECT_EQ(created->team.name, "Globex");
  EXPECT_EQ(created->contract_manager.status, core::UserStatus::kInvited);
  EXPECT_EQ(created->membership.role, core::TeamRole::kPrimaryAdmin);
  EXPECT_EQ(created->membership.status, core::MembershipStatus::kInvited);
  auto invitations = Mail("invitation");
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0].recipient, "gina@globex.example");
  auto entries = EntriesOf("account.create");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target_id, created->account.id);
  EXPECT_EQ(entries[0].actor_role, "reseller");
}

TEST_P(OrdersTest, AnOperatorCreatesDirectOrResellerAccountsReusingAnExistingIdentity) {
  auto direct = orders().CreateAccount(As("operator"), NewAccount("OUTSIDER@example.test"));
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  EXPECT_FALSE(direct->account.reseller_id.has_value());
  EXPECT_EQ(direct->contract_manager.id, Id("outsider"));

  auto request = NewAccount("hank@initech.example");
  request.reseller_id = south_.id;
  request.team_name = "Initech Ops";
  auto sold = orders().CreateAccount(As("operator"), request);
  ASSERT_TRUE(sold.ok()) << sold.error().message;
  EXPECT_EQ(sold->account.reseller_id, south_.id);
  EXPECT_EQ(sold->team.name, "Initech Ops");
}

TEST_P(OrdersTest, CustomersCannotCreateAccountsAndAResellerCannotPickAnotherReseller) {
  for (const char* who : {"user", "pa", "cm"}) {
    auto refused = orders().CreateAccount(As(who), NewAccount("x@globex.example"));
    ASSERT_FALSE(refused.ok()) << who;
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << who;
  }
  auto request = NewAccount("x@globex.example");
  request.reseller_id = south_.id;
  auto other = orders().CreateAccount(As("reseller"), request);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
  auto entries = EntriesOf("account.create");
  ASSERT_EQ(entries.size(), 4u);
  for (const auto& e : entries) EXPECT_EQ(e.outcome, core::AuditOutcome::kDenied);
}

TEST_P(OrdersTest, AnotherResellersCustomerIsConcealed) {
  auto read = orders().GetAccount(As("other_reseller"), account_a_.id);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(read.error().conceal_existence);
  auto order = orders().PlaceOrder(As("other_reseller"), account_a_.id, EveryKind());
  ASSERT_FALSE(order.ok());
  EXPECT_TRUE(order.error().conceal_existence);
  auto patch = orders().UpdateAccount(As("other_reseller"), account_a_.id, City("X"));
  ASSERT_FALSE(patch.ok());
  EXPECT_TRUE(patch.error().conceal_existence);
  auto renew = orders().Renew(As("other_reseller"), c1_.id, {});
  ASSERT_FALSE(renew.ok());
  EXPECT_TRUE(renew.error().conceal_existence);
}

TEST_P(OrdersTest, InvalidAccountsAreRefusedWithFieldErrors) {
  auto request = NewAccount("not-an-email");
  request.company.country = "USA";
  request.company.name = " ";
  auto refused = orders().CreateAccount(As("operator"), request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& f : refused.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields,
            (std::set<std::string>{"company.name", "company.country", "contract_manager.email"}));
}

TEST_P(OrdersTest, ResellersListTheirOwnCustomersAndOperatorsEveryAccount) {
  auto mine = orders().ListAccounts(As("reseller"), {});
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  ASSERT_EQ(mine->items.size(), 1u);
  EXPECT_EQ(mine->items[0].id, account_a_.id);
  auto all = orders().ListAccounts(As("operator"), {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 2u);
  auto user = orders().ListAccounts(As("user"), {});
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error().code, ErrorCode::kPermissionDenied);

  auto details = orders().GetAccount(As("reseller"), account_a_.id);
  ASSERT_TRUE(details.ok()) << details.error().message;
  EXPECT_EQ(details->teams.size(), 2u);
  EXPECT_EQ(details->contracts.size(), 2u);
}

TEST_P(OrdersTest, CompanyInformationChangesAreAuditedWithBeforeAndAfter) {
  CompanyPatch patch;
  patch.name = "Acme Holdings";
  patch.city = "Berlin";
  patch.country = "de";
  auto changed = orders().UpdateAccount(As("reseller"), account_a_.id, patch);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(changed->company.name, "Acme Holdings");
  EXPECT_EQ(changed->company.country, "DE");
  auto entries = EntriesOf("account.update");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].before_json.value_or("").find("\"Acme\""), std::string::npos);
  EXPECT_NE(entries[0].after_json.value_or("").find("Acme Holdings"), std::string::npos);
  // "Company information follows the contract": the account's current contracts with it.
  for (const auto& id : {c1_.id, c2_.id}) {
    EXPECT_EQ(ContractNamed(id).company.name, "Acme Holdings");
    EXPECT_EQ(ContractNamed(id).company.city, "Berlin");
  }
  EXPECT_EQ(ContractNamed(cb_.id).company.name, "Bolt");
  EXPECT_NE(entries[0].detail.find("1001"), std::string::npos) << entries[0].detail;

  auto bad = orders().UpdateAccount(As("reseller"), account_a_.id, [] {
    CompanyPatch p;
    p.country = "Germany";
    return p;
  }());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto by_cm = orders().UpdateAccount(As("cm"), account_a_.id, City("Paris"));
  ASSERT_FALSE(by_cm.ok());
  EXPECT_EQ(by_cm.error().code, ErrorCode::kPermissionDenied);
}

// Issue 15, point 7, seed 002: "1 – COPE (Customer Order processed email) is received",
// "2 – Get started email", "3 – Sign in to Autodesk account": a new customer's Contract
// Manager receives, over SMTP, the order processed e-mail, then the get started e-mail, then
// the invitation, each with the Date it was queued -- distinct and increasing although the
// order's two e-mails were queued in the same instant.
TEST_P(OrdersTest, ANewCustomersContractManagerGetsOrderProcessedThenGetStartedThenInvitation) {
  mail::testing::SmtpReceiver receiver;
  mail::SmtpOptions smtp;
  smtp.host = "127.0.0.1";
  smtp.port = static_cast<std::uint16_t>(receiver.port());
  smtp.security = mail::SmtpSecurity::kNone;
  smtp.from = "licenses@seatwise.example";
  auto delivery = mail::MakeDeliveryJob(*deps_, smtp, {}, [](const mail::DeliveryFailure&) {});

  const auto created_at = clock_.Now();
  auto created = orders().CreateAccount(As("reseller"), NewAccount("gina@globex.example"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  // The invitation waits for the first order; nothing goes out meanwhile.
  ASSERT_TRUE(delivery->Run(clock_.Now()).ok());
  EXPECT_TRUE(receiver.Messages().empty());

  clock_.Advance(std::chrono::minutes(5));
  OrderRequest request;
  request.team_id = created->team.id;
  request.subscriptions = {
      Line("product", "DRL", 1, core::Access::kSingleUser, core::ActivationMethod::kSignIn)};
  auto placed = orders().PlaceOrder(As("reseller"), created->account.id, request);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  auto sent = delivery->Run(clock_.Now());
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->processed, 3);

  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].subject, "Your order is processed: contract " + placed->contract.number);
  EXPECT_EQ(messages[1].subject, "Get started with contract " + placed->contract.number);
  EXPECT_EQ(messages[2].subject, "You are invited to Globex on Seatwise");
  // RFC 5322 dates count whole seconds.
  const auto ordered_at =
      core::FromUnixMillis(core::ToUnixMillis(created_at + std::chrono::minutes(5)) / 1000 * 1000);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].to, "gina@globex.example");
    EXPECT_EQ(messages[i].date,
              mail::RfcDate(ordered_at + std::chrono::seconds(static_cast<int>(i))));
  }
}

TEST_P(OrdersTest, ANewCustomersInvitationGoesOutAfterAnHourWithoutAnOrder) {
  auto created = orders().CreateAccount(As("reseller"), NewAccount("gina@globex.example"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto invitations = Mail("invitation");
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0].next_attempt_at, clock_.Now() + std::chrono::hours(1));
}

// --- orders -------------------------------------------------------------------------------

TEST_P(OrdersTest, AnOrderOfEveryKindCreatesTheContractSerialsDefaultSeatsAndEmails) {
  auto placed = orders().PlaceOrder(As("reseller"), account_a_.id, EveryKind());
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  const core::Contract& contract = placed->contract;
  EXPECT_EQ(contract.contract_manager_id, Id("pa"));
  EXPECT_EQ(contract.software_coordinator_id, Id("pa"));
  EXPECT_EQ(contract.reseller_id, north_.id);
  EXPECT_EQ(contract.term_months, 12);
  EXPECT_EQ(contract.ends_at, AddMonths(clock_.Now(), 12));
  EXPECT_EQ(contract.credit_balance, 500);
  EXPECT_TRUE(std::regex_match(contract.number, std::regex("[0-9]+")));
  ASSERT_EQ(placed->subscriptions.size(), 6u);

  const std::regex serial("[0-9]{3}-[0-9]{8}");
  const std::regex key("[0-9]{3}[A-Z][0-9]");
  std::set<std::string> serials;
  for (std::size_t i = 0; i < placed->subscriptions.size(); ++i) {
    const auto& line = placed->subscriptions[i];
    const auto& sub = line.subscription;
    const bool sign_in = i < 3;
    EXPECT_EQ(sub.serial_number.has_value(), !sign_in) << i;
    if (sub.serial_number) {
      EXPECT_TRUE(std::regex_match(*sub.serial_number, serial)) << *sub.serial_number;
      EXPECT_TRUE(std::regex_match(sub.product_key.value_or(""), key)) << i;
      serials.insert(*sub.serial_number);
    }
    // Rule 1: the Primary Admin holds one seat of each new sign-in subscription, and — "the
    // contract manager is assigned as the end user by default" — the Contract Manager (here
    // the same person) holds access to each single-user serial-number one; a network pool is
    // assigned to no one.
    const bool held_by_default = sub.access == core::Access::kSingleUser;
    EXPECT_EQ(SeatOf(sub.id, "pa").has_value(), held_by_default) << i;
    EXPECT_EQ(ActiveSeats(sub.id), held_by_default ? 1 : 0) << i;
  }
  EXPECT_EQ(serials.size(), 3u);
  EXPECT_EQ(placed->subscriptions[0].kind, "product");
  EXPECT_EQ(placed->subscriptions[1].kind, "collection");
  EXPECT_EQ(placed->subscriptions[2].kind, "service");

  auto processed = Mail("order_processed");
  ASSERT_EQ(processed.size(), 1u);
  EXPECT_EQ(processed[0].recipient, "pa@example.test");
  EXPECT_NE(processed[0].body_text.find(contract.number), std::string::npos);
  EXPECT_NE(processed[0].body_text.find(contract.subscription_ref), std::string::npos);
  EXPECT_NE(processed[0].body_text.find(*placed->subscriptions[4].subscription.serial_number),
            std::string::npos);
  auto started = Mail("get_started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].recipient, "pa@example.test");
  EXPECT_NE(started[0].body_text.find("https://seatwise.example/sign-in"), std::string::npos);
  EXPECT_NE(started[0].body_text.find("Primary Admin"), std::string::npos);

  auto recorded = Must(Read<std::vector<core::Order>>(
      [&](store::Tx& tx) { return repos_.contracts->ListOrders(tx, contract.id); }));
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].kind, core::OrderKind::kNew);
  EXPECT_EQ(recorded[0].placed_by, Id("reseller"));
  EXPECT_NE(recorded[0].details_json.find("\"AEC\""), std::string::npos);
  // Issued with the company it had then: a later change of it leaves the order as it was.
  std::string details = recorded[0].details_json;
  std::erase(details, ' ');
  EXPECT_NE(details.find(R"("company":{)"), std::string::npos) << details;
  auto entries = EntriesOf("order.create");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target_id, contract.id);
}

TEST_P(OrdersTest, AnOrderWithoutSerialsHasNoSoftwareCoordinatorAndNamesTheGivenManager) {
  OrderRequest request;
  request.contract_manager_email = "CM@example.test";
  request.term_months = 3;
  request.number = "55501";
  request.subscriptions = {
      Line("product", "DRL", 1, core::Access::kSingleUser, core::ActivationMethod::kSignIn)};
  auto placed = orders().PlaceOrder(As("operator"), account_a_.id, request);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->contract.number, "55501");
  EXPECT_EQ(placed->contract.contract_manager_id, Id("cm"));
  EXPECT_FALSE(placed->contract.software_coordinator_id.has_value());
  EXPECT_EQ(placed->contract.ends_at, AddMonths(clock_.Now(), 3));
  EXPECT_EQ(Mail("order_processed").at(0).recipient, "cm@example.test");

  auto again = orders().PlaceOrder(As("operator"), account_a_.id, request);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(OrdersTest, InvalidOrdersAreRefusedWithFieldErrorsNamingTheLine) {
  using A = core::Access;
  using M = core::ActivationMethod;
  OrderRequest request;
  request.term_months = 61;
  request.contract_manager_email = "nobody@example.test";
  request.subscriptions = {
      Line("product", "DRL", 0, A::kSingleUser, M::kSignIn),
      Line("product", "NOPE", 1, A::kSingleUser, M::kSignIn),
      Line("product", "DRL", 1, A::kSingleUser, M::kSignIn, core::LicenseModel::kPerpetual),
      Line("service", "RND", 1, A::kMultiUser, M::kSignIn),
      SubscriptionOrder{},
  };
  request.subscriptions[0].max_devices = 11;
  auto refused = orders().PlaceOrder(As("reseller"), account_a_.id, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  std::map<std::string, std::string> fields;
  for (const auto& f : refused.error().fields) fields[f.field] = f.message;
  EXPECT_TRUE(fields.contains("term_months"));
  EXPECT_TRUE(fields.contains("contract_manager_email"));
  EXPECT_TRUE(fields.contains("subscriptions[0].seats"));
  EXPECT_TRUE(fields.contains("subscriptions[0].max_devices"));
  EXPECT_EQ(fields["subscriptions[1].product_code"], "no product has the code NOPE");
  EXPECT_TRUE(fields.contains("subscriptions[2].activation"));
  EXPECT_TRUE(fields.contains("subscriptions[3].service_code"));
  EXPECT_TRUE(fields.contains("subscriptions[4]"));
  auto contracts = Must(Read<store::Page<core::Contract>>([&](store::Tx& tx) {
    store::ContractFilter filter;
    filter.account_id = account_a_.id;
    return repos_.contracts->ListContracts(tx, filter, {});
  }));
  EXPECT_EQ(contracts.items.size(), 2u);
}

TEST_P(OrdersTest, CustomersCannotPlaceOrders) {
  for (const char* who : {"pa", "cm", "sa"}) {
    auto refused = orders().PlaceOrder(As(who), account_a_.id, EveryKind());
    ASSERT_FALSE(refused.ok()) << who;
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << who;
    EXPECT_FALSE(refused.error().conceal_existence) << who;
  }
}

// --- renewal ------------------------------------------------------------------------------

TEST_P(OrdersTest, RenewingExtendsFromTheOldEndAndResetsTheSoftwareCoordinatorToTheManager) {
  const core::TimePoint old_end = c2_.ends_at;
  clock_.Advance(days(300));
  auto renewed = orders().Renew(As("reseller"), c2_.id, {});
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(renewed->contract.ends_at, AddMonths(old_end, 12));
  EXPECT_EQ(renewed->contract.software_coordinator_id, Id("cm"));
  EXPECT_EQ(ContractNamed(c2_.id).software_coordinator_id, Id("cm"));
  EXPECT_EQ(renewed->order.kind, core::OrderKind::kRenewal);
  auto mail = Mail("contract_renewed");
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].recipient, "cm@example.test");
  auto entries = EntriesOf("contract.renew");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].before_json.value_or("").find(Id("sc")), std::string::npos);
  EXPECT_EQ(entries[0].after_json.value_or("").find(Id("sc")), std::string::npos);
}

TEST_P(OrdersTest, RenewingAnExpiredContractExtendsFromNow) {
  clock_.Advance(days(400));
  auto renewed = orders().Renew(As("operator"), c1_.id, Term(6));
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(renewed->contract.ends_at, AddMonths(clock_.Now(), 6));
  EXPECT_EQ(renewed->contract.term_months, 6);
  EXPECT_EQ(renewed->contract.status, core::ContractStatus::kActive);
}

TEST_P(OrdersTest, RenewalNeverTakesSeatsBelowTheAssignedOnes) {
  const std::string sub = SubscriptionsOf(c1_.id).at(0).id;
  Assign(sub, "user");
  Assign(sub, "sa");
  auto refused = orders().Renew(As("reseller"), c1_.id, Seats(sub, 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("2 seats"), std::string::npos) << refused.error().message;
  EXPECT_EQ(ContractNamed(c1_.id).ends_at, c1_.ends_at);

  auto renewed = orders().Renew(As("reseller"), c1_.id, Seats(sub, 2));
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(SubscriptionsOf(c1_.id).at(0).seats, 2);
}

TEST_P(OrdersTest, CancelledContractsAreNotRenewed) {
  auto cancelled = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    core::Contract c = c1_;
    c.status = core::ContractStatus::kCancelled;
    return repos_.contracts->UpdateContract(tx, c);
  });
  ASSERT_TRUE(cancelled.ok());
  auto refused = orders().Renew(As("operator"), c1_.id, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  auto by_cm = orders().Renew(As("cm"), c2_.id, {});
  ASSERT_FALSE(by_cm.ok());
  EXPECT_EQ(by_cm.error().code, ErrorCode::kPermissionDenied);
}

// --- migration to sign-in -----------------------------------------------------------------

TEST_P(OrdersTest, MigrationMovesSingleUserSerialSeatsToThePrimaryAdminAndRevokesSerials) {
  const core::Subscription serial = SubscriptionsOf(c2_.id).at(0);
  const auto network =
      AddSubscription(c2_, core::Access::kMultiUser, core::LicenseModel::kTerm, "500-00000001");
  const auto perpetual = AddSubscription(c2_, core::Access::kSingleUser,
                                         core::LicenseModel::kPerpetual, "500-00000002");
  Assign(serial.id, "user");
  const auto activation = ActivateBySerial(serial, "fp-1");
  const auto network_activation = ActivateBySerial(network, "fp-2");

  const std::size_t audit_before = AuditEntries().size();
  const std::size_t outbox_before = Outbox().size();
  auto dry = orders().MigrateToSignIn(As("reseller"), c2_.id, DryRun());
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_TRUE(dry->dry_run);
  ASSERT_EQ(dry->migrated.size(), 1u);
  EXPECT_EQ(dry->migrated[0].assignments_ended, 1);
  EXPECT_EQ(dry->migrated[0].activations_revoked, 1);
  EXPECT_EQ(dry->skipped.size(), 2u);
  // Nothing written.
  EXPECT_EQ(AuditEntries().size(), audit_before);
  EXPECT_EQ(Outbox().size(), outbox_before);
  EXPECT_TRUE(SeatOf(serial.id, "user").has_value());
  EXPECT_FALSE(SeatOf(serial.id, "pa").has_value());
  EXPECT_EQ(ActivationNamed(activation.id).status, core::ActivationStatus::kActive);
  EXPECT_EQ(SubscriptionsOf(c2_.id).at(0).activation, core::ActivationMethod::kSerialNumber);

  clock_.Advance(hours(1));
  auto done = orders().MigrateToSignIn(As("reseller"), c2_.id, {});
  ASSERT_TRUE(done.ok()) << done.error().message;
  ASSERT_EQ(done->migrated.size(), 1u);
  const auto& moved = done->migrated[0];
  EXPECT_EQ(moved.subscription_id, serial.id);
  EXPECT_EQ(moved.serial_number, "400-1002");
  EXPECT_EQ(moved.assignments_ended, 1);
  EXPECT_EQ(moved.activations_revoked, 1);
  EXPECT_EQ(moved.seats_held_by, Id("pa"));
  ASSERT_EQ(done->skipped.size(), 2u);
  for (const auto& s : done->skipped) {
    EXPECT_NE(s.reason.find("never migrated"), std::string::npos) << s.reason;
  }

  const auto after = SubscriptionsOf(c2_.id);
  for (const auto& s : after) {
    if (s.id == serial.id) {
      EXPECT_EQ(s.activation, core::ActivationMethod::kSignIn);
      EXPECT_EQ(s.migrated_at, clock_.Now());
      EXPECT_EQ(s.serial_number, "400-1002");  // kept as history
    } else {
      EXPECT_EQ(s.activation, core::ActivationMethod::kSerialNumber);
      EXPECT_FALSE(s.migrated_at.has_value());
    }
  }
  EXPECT_FALSE(SeatOf(serial.id, "user").has_value());
  EXPECT_TRUE(SeatOf(serial.id, "pa").has_value());
  EXPECT_EQ(ActiveSeats(serial.id), 1);
  const auto revoked = ActivationNamed(activation.id);
  EXPECT_EQ(revoked.status, core::ActivationStatus::kRevoked);
  EXPECT_EQ(revoked.revoked_reason, core::RevocationReason::kMigrated);
  EXPECT_EQ(ActivationNamed(network_activation.id).status, core::ActivationStatus::kActive);
  // A serial subscription remains: the Software Coordinator stays.
  EXPECT_EQ(ContractNamed(c2_.id).software_coordinator_id, Id("sc"));

  std::set<std::string> notified;
  for (const auto& m : Mail("migration_notice")) {
    notified.insert(m.recipient);
    EXPECT_NE(m.body_text.find("400-1002"), std::string::npos);
    EXPECT_NE(m.body_text.find("sign in"), std::string::npos);
  }
  EXPECT_EQ(notified, (std::set<std::string>{"cm@example.test", "pa@example.test"}));
  EXPECT_EQ(EntriesOf("subscription.migrate_to_sign_in").size(), 1u);
  EXPECT_EQ(EntriesOf("contract.migrate_to_sign_in").size(), 1u);

  auto again = orders().MigrateToSignIn(As("reseller"), c2_.id, {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("nothing to migrate"), std::string::npos);
  EXPECT_NE(again.error().message.find("already uses sign-in"), std::string::npos);
  (void)perpetual;
}

TEST_P(OrdersTest, NetworkAndPerpetualSubscriptionsNamedForMigrationAreRefused) {
  const auto network =
      AddSubscription(c2_, core::Access::kMultiUser, core::LicenseModel::kTerm, "500-00000001");
  const auto perpetual = AddSubscription(c2_, core::Access::kSingleUser,
                                         core::LicenseModel::kPerpetualMaintenance, "500-00000002");
  for (const auto& sub : {network, perpetual}) {
    auto refused = orders().MigrateToSignIn(As("operator"), c2_.id, Only(sub.id));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_NE(refused.error().message.find("never migrated"), std::string::npos);
  }
  auto stranger = orders().MigrateToSignIn(As("operator"), c2_.id, Only("sub_x"));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kInvalidArgument);
  auto by_pa = orders().MigrateToSignIn(As("pa"), c2_.id, {});
  ASSERT_FALSE(by_pa.ok());
  EXPECT_EQ(by_pa.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(SubscriptionsOf(c2_.id).at(0).activation, core::ActivationMethod::kSerialNumber);
}

TEST_P(OrdersTest, MigratingTheLastSerialSubscriptionClearsTheSoftwareCoordinator) {
  auto done = orders().MigrateToSignIn(As("operator"), c2_.id, {});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_FALSE(ContractNamed(c2_.id).software_coordinator_id.has_value());
  // A sign-in contract has nothing to migrate.
  auto none = orders().MigrateToSignIn(As("operator"), c1_.id, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kConflict);
}

TEST(AddMonthsTest, AddsCalendarMonthsAndClampsToTheLastDay) {
  using std::chrono::sys_days;
  auto at = [](std::chrono::year_month_day d) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(sys_days{d} + hours(9));
  };
  using namespace std::chrono_literals;
  EXPECT_EQ(AddMonths(at(2026y / 1 / 31), 1), at(2026y / 2 / 28));
  EXPECT_EQ(AddMonths(at(2026y / 3 / 15), 12), at(2027y / 3 / 15));
  EXPECT_EQ(AddMonths(at(2026y / 11 / 30), 3), at(2027y / 2 / 28));
}

INSTANTIATE_TEST_SUITE_P(Backends, OrdersTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
