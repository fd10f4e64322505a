#include "service/gdpr.hpp"

#include <gtest/gtest.h>

#include "service/tokens.hpp"
#include "store/repository_test_fixture.hpp"

namespace seatwise::service {
namespace {

using std::chrono::minutes;
using store::Backend;

class GdprServiceTest : public store::RepositoryTest {
 protected:
  void SetUp() override {
    RepositoryTest::SetUp();
    deps_ = std::make_unique<Deps>(Deps{*db_, repos_, clock_, random_});
    tokens_ = std::make_unique<TokenService>(*deps_);
    gdpr_ = std::make_unique<GdprService>(*deps_);
    customer_ = NewCustomer();
    carl_ = NewUser("carl@acme.example", "Carl");
    AddMember(customer_.team, carl_, core::TeamRole::kUser);
  }

  Caller SessionOf(const core::User& user) {
    Caller c;
    c.principal.method = AuthMethod::kSession;
    c.principal.user_id = user.id;
    c.meta.ip = "198.51.100.9";
    return c;
  }

  // A seat, a lease with the OS user name, a usage rollup row, an API token and a session.
  void GiveCarlAHistory() {
    auto seat = NewSubscription(customer_, 5, core::Access::kSingleUser,
                                core::ActivationMethod::kSignIn, "");
    auto pool = NewSubscription(customer_, 2, core::Access::kMultiUser,
                                core::ActivationMethod::kSerialNumber, "700-20000000");
    auto device = NewDevice(customer_.team, "carl-pc");
    store::Must(Write([&](store::Tx& tx) -> core::Result<void> {
      core::Assignment a;
      a.subscription_id = seat.id;
      a.user_id = carl_.id;
      a.assigned_at = Now();
      SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, a));
      core::Lease l;
      l.subscription_id = pool.id;
      l.product_id = customer_.autocad.id;
      l.device_id = device.id;
      l.user_id = carl_.id;
      l.user_name = "carl.jones";
      l.host = "CARLS-PC";
      l.checked_out_at = Now();
      l.expires_at = Now() + minutes(10);
      SW_RETURN_IF_ERROR(repos_.leases->Checkout(tx, l));
      SW_RETURN_IF_ERROR(tx.Exec(
          "INSERT INTO usage_daily (day_start, team_id, subscription_id, product_id, user_id,"
          " sessions, seconds) VALUES (?, ?, ?, ?, ?, 3, 5400)",
          {store::Value(core::ToUnixMillis(Now())), customer_.team.id, seat.id,
           customer_.autocad.id, carl_.id}));
      core::Session s;
      s.token_hash = "session-hash-secret";
      s.user_id = carl_.id;
      s.csrf_token = "csrf-secret";
      s.ip = "203.0.113.5";
      s.user_agent = "Firefox";
      s.created_at = s.last_seen_at = Now();
      s.idle_expires_at = s.absolute_expires_at = Now() + minutes(30);
      SW_RETURN_IF_ERROR(repos_.auth->CreateSession(tx, s));
      return core::Ok();
    }));
    api_token_ = store::Must(tokens_->CreateApiToken(SessionOf(carl_), "carl's script", 30));
  }

  std::int64_t UsageSeconds() {
    return store::Must(Read([&](store::Tx& tx) -> core::Result<std::int64_t> {
      SW_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT COALESCE(SUM(seconds), 0) FROM usage_daily"
                                                " WHERE user_id = ?",
                                                {carl_.id}, "usage"));
      return row.Int(0);
    }));
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<GdprService> gdpr_;
  store::Customer customer_;
  core::User carl_;
  CreatedApiToken api_token_;
};

TEST_P(GdprServiceTest, ExportHoldsThePersonsRowsAndNoSecrets) {
  GiveCarlAHistory();
  auto doc = store::Must(gdpr_->ExportMyData(SessionOf(carl_)));
  EXPECT_NE(doc.find("\"email\":\"carl@acme.example\""), std::string::npos);
  EXPECT_NE(doc.find("\"memberships\":[{"), std::string::npos);
  EXPECT_NE(doc.find("carl.jones"), std::string::npos);
  EXPECT_NE(doc.find("CARLS-PC"), std::string::npos);
  EXPECT_NE(doc.find("203.0.113.5"), std::string::npos);
  EXPECT_NE(doc.find("carl's script"), std::string::npos);
  EXPECT_NE(doc.find("\"seconds\":5400"), std::string::npos);
  EXPECT_NE(doc.find("\"action\":\"api_token.create\""), std::string::npos);
  EXPECT_NE(doc.find("T00:00:00.000Z"), std::string::npos);  // times in RFC 3339
  EXPECT_EQ(doc.find("argon2"), std::string::npos);
  EXPECT_EQ(doc.find("session-hash-secret"), std::string::npos);
  EXPECT_EQ(doc.find("csrf-secret"), std::string::npos);
  EXPECT_EQ(doc.find(api_token_.token), std::string::npos);
  auto stored =
      store::Must(Read([&](store::Tx& tx) { return repos_.auth->ListApiTokens(tx, carl_.id); }));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(doc.find(stored[0].token_hash), std::string::npos);
  EXPECT_EQ(gdpr_->ExportMyData(Caller{}).error().code, core::ErrorCode::kUnauthenticated);
}

TEST_P(GdprServiceTest, ErasureAnonymisesAndKeepsAggregates) {
  GiveCarlAHistory();
  const auto seconds_before = UsageSeconds();
  auto outcome =
      store::Must(gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, carl_.id));
  EXPECT_FALSE(outcome.already_erased);

  auto user = store::Must(Read([&](store::Tx& tx) { return repos_.users->Get(tx, carl_.id); }));
  EXPECT_TRUE(user.erased);
  EXPECT_EQ(user.email.find("carl"), std::string::npos);
  EXPECT_EQ(user.first_name, "");
  EXPECT_EQ(user.last_name, "");
  EXPECT_EQ(UsageSeconds(), seconds_before);
  EXPECT_FALSE(tokens_->AuthenticateBearer(api_token_.token, {}).ok());
  EXPECT_TRUE(store::Must(Read([&](store::Tx& tx) {
                return repos_.assignments->ListActiveByUser(tx, carl_.id);
              })).empty());
  auto membership = store::Must(Read(
      [&](store::Tx& tx) { return repos_.users->GetMembership(tx, customer_.team.id, carl_.id); }));
  ASSERT_TRUE(membership.has_value());
  EXPECT_EQ(membership->status, core::MembershipStatus::kRemoved);
  auto sets =
      store::Must(Read([&](store::Tx& tx) { return repos_.personal_data->Collect(tx, carl_.id); }));
  for (const auto& set : sets) {
    if (set.name == "sessions" || set.name == "api_tokens") {
      EXPECT_TRUE(set.rows.empty()) << set.name;
    }
    if (set.name == "leases") {
      ASSERT_EQ(set.rows.size(), 1u);
      EXPECT_EQ(set.rows[0].Text(4), "");
      EXPECT_FALSE(set.rows[0].IsNull(10));  // released
    }
    if (set.name == "audit_entries") {
      for (const auto& row : set.rows) {
        EXPECT_EQ(row.Text(7), "") << row.Text(3);
      }
    }
  }

  auto erased_entries = store::Must(Read([&](store::Tx& tx) {
    store::AuditFilter filter;
    filter.action = "user.erase";
    return repos_.audit->List(tx, filter, {"", 10});
  }));
  ASSERT_EQ(erased_entries.items.size(), 1u);
  EXPECT_EQ(erased_entries.items[0].target_id, carl_.id);
  EXPECT_FALSE(erased_entries.items[0].after_json.has_value());

  auto again =
      store::Must(gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, carl_.id));
  EXPECT_TRUE(again.already_erased);
  EXPECT_EQ(UsageSeconds(), seconds_before);
}

TEST_P(GdprServiceTest, UsersEraseThemselvesButNotOthers) {
  auto dora = NewUser("dora@acme.example", "Dora");
  AddMember(customer_.team, dora, core::TeamRole::kUser);
  auto refused = gdpr_->EraseUser(SessionOf(dora), customer_.team.id, carl_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kPermissionDenied);
  // A teammate knows carl exists: a plain refusal, not a concealed one.
  EXPECT_FALSE(refused.error().conceal_existence);
  EXPECT_TRUE(gdpr_->EraseUser(SessionOf(carl_), std::nullopt, carl_.id).ok());
}

TEST_P(GdprServiceTest, PrimaryAdminMustHandOverFirst) {
  auto refused = gdpr_->EraseUser(SessionOf(customer_.admin), std::nullopt, customer_.admin.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find("Primary Admin"), std::string::npos);
  auto user =
      store::Must(Read([&](store::Tx& tx) { return repos_.users->Get(tx, customer_.admin.id); }));
  EXPECT_FALSE(user.erased);
}

TEST_P(GdprServiceTest, ContractManagerMustBeChangedFirst) {
  auto contract = customer_.contract;
  contract.contract_manager_id = carl_.id;
  store::Must(Write([&](store::Tx& tx) { return repos_.contracts->UpdateContract(tx, contract); }));
  auto refused = gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, carl_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find("Contract Manager"), std::string::npos);
}

// DOMAIN.md rule 15: a team admin erases a person only when every relation the person has
// lies inside the admin's customer account. Each of these erased the person before.
TEST_P(GdprServiceTest, AdminCannotEraseSomeoneWhoAlsoBelongsToAnotherCustomer) {
  auto other = NewCustomer("b");
  AddMember(other.team, carl_, core::TeamRole::kUser);
  auto refused = gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, carl_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("only they"), std::string::npos);
  EXPECT_NE(refused.error().message.find("operator"), std::string::npos);
  auto user = store::Must(Read([&](store::Tx& tx) { return repos_.users->Get(tx, carl_.id); }));
  EXPECT_FALSE(user.erased);
  // The other customer's admin is refused the same way.
  EXPECT_FALSE(gdpr_->EraseUser(SessionOf(other.admin), other.team.id, carl_.id).ok());
}

TEST_P(GdprServiceTest, AdminCannotEraseAContractManagerOfAnotherCustomer) {
  auto other = NewCustomer("b");
  auto contract = other.contract;
  contract.software_coordinator_id = carl_.id;
  store::Must(Write([&](store::Tx& tx) { return repos_.contracts->UpdateContract(tx, contract); }));
  auto refused = gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, carl_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kPermissionDenied);
}

TEST_P(GdprServiceTest, OnlyOperatorsEraseOperatorsAndResellerStaff) {
  auto op = NewUser("op@publisher.example", "Olga");
  auto staff = NewUser("sam@reseller.example", "Sam");
  store::Must(Write([&](store::Tx& tx) -> core::Result<void> {
    op.is_operator = true;
    staff.reseller_id = customer_.reseller.id;
    SW_RETURN_IF_ERROR(repos_.users->Update(tx, op));
    return repos_.users->Update(tx, staff);
  }));
  AddMember(customer_.team, op, core::TeamRole::kUser);
  AddMember(customer_.team, staff, core::TeamRole::kUser);
  for (const auto* person : {&op, &staff}) {
    auto refused = gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, person->id);
    ASSERT_FALSE(refused.ok()) << person->email;
    EXPECT_EQ(refused.error().code, core::ErrorCode::kPermissionDenied);
    EXPECT_NE(refused.error().message.find("only the publisher's operators"), std::string::npos);
  }
  Caller operator_session = SessionOf(op);
  operator_session.principal.is_operator = true;
  EXPECT_TRUE(gdpr_->EraseUser(operator_session, customer_.team.id, staff.id).ok());
}

TEST_P(GdprServiceTest, APendingInvitationGivesTheTeamNoPower) {
  auto dora = NewUser("dora@elsewhere.example", "Dora");
  store::Must(Write([&](store::Tx& tx) {
    core::Membership m;
    m.team_id = customer_.team.id;
    m.user_id = dora.id;
    m.status = core::MembershipStatus::kInvited;
    m.created_at = m.updated_at = Now();
    return repos_.users->AddMembership(tx, m);
  }));
  auto refused = gdpr_->EraseUser(SessionOf(customer_.admin), customer_.team.id, dora.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("not accepted"), std::string::npos);
}

TEST_P(GdprServiceTest, TheTeamInThePathIsEnforced) {
  // carl is in customer a's team; customer b's admin names b's own team: carl is not in it.
  auto other = NewCustomer("b");
  auto refused = gdpr_->EraseUser(SessionOf(other.admin), other.team.id, carl_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kNotFound);
  // ... and naming a's team, where b's admin has no power, is refused and concealed.
  refused = gdpr_->EraseUser(SessionOf(other.admin), customer_.team.id, carl_.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().conceal_existence);
  auto user = store::Must(Read([&](store::Tx& tx) { return repos_.users->Get(tx, carl_.id); }));
  EXPECT_FALSE(user.erased);
}

SW_INSTANTIATE_BACKENDS(GdprServiceTest);

}  // namespace
}  // namespace seatwise::service
