#include "service/resellers.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"
#include "service/orders.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

constexpr char kPortal[] = "https://portal.example";

class ResellersTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
  }

  ResellerService resellers() { return ResellerService(*deps_, kPortal); }
  OrderService orders() { return OrderService(*deps_, *identity_, kPortal); }

  std::vector<core::AuditEntry> EntriesOf(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return AuditEntries(filter);
  }

  std::vector<core::OutboxMessage> StaffMailsTo(const std::string& email) {
    std::vector<core::OutboxMessage> out;
    for (auto& m : Outbox()) {
      if (m.recipient == email && m.template_name == "reseller_staff_added") out.push_back(m);
    }
    return out;
  }

  core::User UserRow(const std::string& id) {
    return Must(Read<core::User>([&](store::Tx& tx) { return repos_.users->Get(tx, id); }));
  }

  void GivePassword(const std::string& who) {
    auto done = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      SW_ASSIGN_OR_RETURN(core::User u, repos_.users->Get(tx, Id(who)));
      u.password_hash = "$argon2id$placeholder";
      return repos_.users->Update(tx, u);
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  // Whether audit JSON holds `fragment`, ignoring spaces (PostgreSQL stores it as jsonb,
  // which spaces it out).
  static bool JsonHas(const std::optional<std::string>& json, std::string fragment) {
    if (!json) return false;
    std::string compact = *json;
    std::erase(compact, ' ');
    std::erase(fragment, ' ');
    return compact.find(fragment) != std::string::npos;
  }

  // The token of the set-password link in a message body, or "" when there is none.
  static std::string ResetToken(const std::string& body) {
    const std::string marker = std::string(kPortal) + "/reset-password/";
    const auto at = body.find(marker);
    if (at == std::string::npos) return "";
    const auto start = at + marker.size();
    return body.substr(start, body.find('\n', start) - start);
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
};

TEST_P(ResellersTest, OperatorListsEveryResellerByNameWithCustomerAndStaffCounts) {
  auto page = resellers().ListResellers(As("operator"), {});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].reseller.id, north_.id);
  EXPECT_EQ(page->items[0].customers, 1);
  EXPECT_EQ(page->items[0].staff, 1);
  EXPECT_EQ(page->items[1].reseller.id, south_.id);
  EXPECT_TRUE(page->next_after.empty());
}

TEST_P(ResellersTest, ListFiltersByNameOrContactEmailAndPages) {
  auto by_email = resellers().ListResellers(As("operator"), {"S@EXAMPLE", "", 50});
  ASSERT_TRUE(by_email.ok()) << by_email.error().message;
  ASSERT_EQ(by_email->items.size(), 1u);
  EXPECT_EQ(by_email->items[0].reseller.name, "South");

  auto first = resellers().ListResellers(As("operator"), {"", "", 1});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].reseller.name, "North");
  ASSERT_EQ(first->next_after, north_.id);
  auto second = resellers().ListResellers(As("operator"), {"", first->next_after, 1});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].reseller.name, "South");
}

TEST_P(ResellersTest, ResellerStaffSeeOnlyTheirOwnReseller) {
  auto page = resellers().ListResellers(As("reseller"), {});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].reseller.id, north_.id);

  auto own = resellers().GetReseller(As("reseller"), north_.id);
  ASSERT_TRUE(own.ok()) << own.error().message;
  ASSERT_EQ(own->staff_members.size(), 1u);
  EXPECT_EQ(own->staff_members[0].id, Id("reseller"));
  EXPECT_FALSE(own->staff_members[0].password_hash.has_value());
  ASSERT_EQ(own->recent_customers.size(), 1u);
  EXPECT_EQ(own->recent_customers[0].id, account_a_.id);

  auto other = resellers().GetReseller(As("reseller"), south_.id);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
}

TEST_P(ResellersTest, CustomersAreRefusedAndTheRefusalIsAudited) {
  for (const char* who : {"pa", "cm", "user"}) {
    auto page = resellers().ListResellers(As(who), {});
    ASSERT_FALSE(page.ok()) << who;
    EXPECT_EQ(page.error().code, ErrorCode::kPermissionDenied) << who;
  }
  auto one = resellers().GetReseller(As("pa"), north_.id);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, ErrorCode::kPermissionDenied);
  auto denied = EntriesOf("reseller.list");
  ASSERT_EQ(denied.size(), 3u);
  EXPECT_EQ(denied[0].outcome, core::AuditOutcome::kDenied);
  ASSERT_EQ(EntriesOf("reseller.get").size(), 1u);
}

TEST_P(ResellersTest, OperatorCreatesAResellerTrimmedAndAudited) {
  auto created =
      resellers().CreateReseller(As("operator"), {"  Contoso Partners ", " sales@contoso.example"});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->reseller.name, "Contoso Partners");
  EXPECT_EQ(created->reseller.contact_email, "sales@contoso.example");
  EXPECT_EQ(created->customers, 0);
  auto stored = Must(Read<core::Reseller>(
      [&](store::Tx& tx) { return repos_.accounts->GetReseller(tx, created->reseller.id); }));
  EXPECT_EQ(stored.name, "Contoso Partners");
  auto entries = EntriesOf("reseller.created");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target_id, created->reseller.id);
  EXPECT_EQ(entries[0].actor_role, "operator");
  ASSERT_TRUE(entries[0].after_json.has_value());
  EXPECT_TRUE(JsonHas(entries[0].after_json, "\"name\":\"Contoso Partners\""))
      << entries[0].after_json.value_or("");
}

TEST_P(ResellersTest, CreateReportsEveryBadFieldTogether) {
  auto created = resellers().CreateReseller(As("operator"), {"   ", "not-an-address"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(created.error().fields.size(), 2u);
  EXPECT_EQ(created.error().fields[0].field, "name");
  EXPECT_EQ(created.error().fields[1].field, "contact_email");
  auto too_long =
      resellers().CreateReseller(As("operator"), {std::string(201, 'n'), "a@b.example"});
  ASSERT_FALSE(too_long.ok());
  ASSERT_EQ(too_long.error().fields.size(), 1u);
  EXPECT_EQ(too_long.error().fields[0].message, "must be at most 200 characters");
  EXPECT_TRUE(
      resellers().CreateReseller(As("operator"), {std::string(200, 'n'), "a@b.example"}).ok());
}

TEST_P(ResellersTest, CreateRefusesANameTakenInAnyLetterCase) {
  auto created = resellers().CreateReseller(As("operator"), {"NORTH", "x@example.test"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(created.error().message, "A reseller named North already exists.");
}

TEST_P(ResellersTest, SimultaneousCreatesOfOneNameMakeExactlyOneReseller) {
  constexpr int kRequests = 8;
  std::vector<core::Result<ResellerSummary>> results(kRequests, ResellerSummary{});
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      // Different letter cases: the database compares names case-insensitively too.
      results[i] = resellers().CreateReseller(
          As("operator"), {i % 2 == 0 ? "Westwind CAD" : "WESTWIND cad", "w@example.test"});
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  for (const auto& r : results) {
    if (r.ok()) {
      ++created;
      continue;
    }
    EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("A reseller named ", 0), 0u) << r.error().message;
  }
  EXPECT_EQ(created, 1);
  auto listed = resellers().ListResellers(As("operator"), {"westwind", "", 50});
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->items.size(), 1u);
}

TEST_P(ResellersTest, OnlyOperatorsCreateOrChangeResellers) {
  auto created = resellers().CreateReseller(As("reseller"), {"Mine", "me@example.test"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kPermissionDenied);
  auto renamed = resellers().UpdateReseller(As("reseller"), north_.id, {"Other", std::nullopt});
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().code, ErrorCode::kPermissionDenied);
  auto staff = resellers().AddStaff(As("pa"), north_.id, {"z@example.test", "Z", "Z"});
  ASSERT_FALSE(staff.ok());
  EXPECT_EQ(staff.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(EntriesOf("reseller.created")[0].outcome, core::AuditOutcome::kDenied);
  EXPECT_EQ(EntriesOf("reseller.updated")[0].outcome, core::AuditOutcome::kDenied);
  EXPECT_EQ(EntriesOf("reseller.staff_added")[0].outcome, core::AuditOutcome::kDenied);
}

TEST_P(ResellersTest, UpdateChangesGivenFieldsAndAuditsBeforeAndAfter) {
  clock_.Advance(std::chrono::minutes(5));
  auto updated =
      resellers().UpdateReseller(As("operator"), north_.id, {" North CAD ", std::nullopt});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->reseller.name, "North CAD");
  EXPECT_EQ(updated->reseller.contact_email, "n@example.test");
  EXPECT_EQ(updated->reseller.updated_at, clock_.Now());
  EXPECT_EQ(updated->customers, 1);
  auto entries = EntriesOf("reseller.updated");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(JsonHas(entries[0].before_json, "\"name\":\"North\""))
      << entries[0].before_json.value_or("");
  EXPECT_TRUE(JsonHas(entries[0].after_json, "\"name\":\"North CAD\""))
      << entries[0].after_json.value_or("");

  // Its own name in other letters is fine; another reseller's is not.
  EXPECT_TRUE(resellers().UpdateReseller(As("operator"), north_.id, {"north cad", {}}).ok());
  auto taken = resellers().UpdateReseller(As("operator"), north_.id, {"south", {}});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
  auto bad = resellers().UpdateReseller(As("operator"), north_.id, {{}, "nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto missing = resellers().UpdateReseller(As("operator"), "rsl_missing", {"X", {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(ResellersTest, AddingANewPersonCreatesStaffAndMailsOneWorkingSetPasswordLink) {
  auto added =
      resellers().AddStaff(As("operator"), north_.id, {" Nina@North.example ", "Nina", "Berg"});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_TRUE(added->created);
  EXPECT_EQ(added->user.email, "Nina@North.example");
  EXPECT_EQ(added->user.reseller_id, north_.id);
  EXPECT_EQ(added->user.status, core::UserStatus::kActive);
  EXPECT_FALSE(UserRow(added->user.id).password_hash.has_value());

  auto mails = StaffMailsTo("Nina@North.example");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "You can now manage North's customers");
  const std::string token = ResetToken(mails[0].body_text);
  ASSERT_FALSE(token.empty()) << mails[0].body_text;
  EXPECT_EQ(mails[0].body_text.find(std::string(kPortal) + "/reseller\n"), std::string::npos);

  // The link sets the password, and the person signs in with it.
  ASSERT_TRUE(identity_->ResetPassword(As("anonymous"), token, "Harbour-lights-2026!").ok());
  auto signed_in =
      identity_->SignIn(As("anonymous"), {"nina@north.example", "Harbour-lights-2026!", {}, {}});
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  EXPECT_EQ(signed_in->user.reseller_id, north_.id);

  auto entries = EntriesOf("reseller.staff_added");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].outcome, core::AuditOutcome::kAllowed);
  EXPECT_TRUE(JsonHas(entries[0].after_json, added->user.id)) << entries[0].after_json.value_or("");

  auto details = resellers().GetReseller(As("operator"), north_.id);
  ASSERT_TRUE(details.ok());
  EXPECT_EQ(details->summary.staff, 2);
}

TEST_P(ResellersTest, AddingAPersonWithAPasswordLinksThemToTheResellerConsole) {
  GivePassword("user");
  auto added = resellers().AddStaff(As("operator"), south_.id, {"user@example.test", "U", "T"});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_FALSE(added->created);
  EXPECT_EQ(UserRow(Id("user")).reseller_id, south_.id);
  EXPECT_EQ(UserRow(Id("user")).first_name, "user");  // an existing person keeps their name
  auto mails = StaffMailsTo("user@example.test");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].body_text.find(std::string(kPortal) + "/reseller\n"), std::string::npos);
  EXPECT_TRUE(ResetToken(mails[0].body_text).empty());
}

TEST_P(ResellersTest, AddingAPendingInviteeActivatesThemSoTheirLinkWorks) {
  auto pending = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
    SW_ASSIGN_OR_RETURN(core::User u, repos_.users->Get(tx, Id("newbie")));
    u.status = core::UserStatus::kInvited;
    return repos_.users->Update(tx, u);
  });
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  auto added = resellers().AddStaff(As("operator"), north_.id, {"newbie@example.test", "N", "B"});
  ASSERT_TRUE(added.ok()) << added.error().message;
  auto mails = StaffMailsTo("newbie@example.test");
  ASSERT_EQ(mails.size(), 1u);
  const std::string token = ResetToken(mails[0].body_text);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(UserRow(Id("newbie")).status, core::UserStatus::kActive);
  EXPECT_TRUE(identity_->ResetPassword(As("anonymous"), token, "Harbour-lights-2026!").ok());
}

TEST_P(ResellersTest, AddingRefusesOperatorsAndPeopleWhoAreAlreadyStaff) {
  auto op = resellers().AddStaff(As("operator"), north_.id, {"operator@example.test", "O", "P"});
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.error().code, ErrorCode::kConflict);
  auto same = resellers().AddStaff(As("operator"), north_.id, {"RESELLER@example.test", "R", "S"});
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().code, ErrorCode::kConflict);
  EXPECT_EQ(same.error().message, "reseller@example.test is already staff of North");
  auto other =
      resellers().AddStaff(As("operator"), north_.id, {"other_reseller@example.test", "O", "R"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  EXPECT_NE(other.error().message.find("already staff of South"), std::string::npos);
  auto bad = resellers().AddStaff(As("operator"), north_.id, {"nope", "", "B"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().fields.size(), 2u);
  auto unknown = resellers().AddStaff(As("operator"), "rsl_missing", {"a@b.example", "A", "B"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(StaffMailsTo("reseller@example.test").empty());
  EXPECT_TRUE(StaffMailsTo("operator@example.test").empty());
  EXPECT_TRUE(EntriesOf("reseller.staff_added").empty());
}

TEST_P(ResellersTest, RemovedStaffLoseTheResellersCustomersAtOnce) {
  const Caller staff = As("reseller");  // built before the removal, like a live session
  auto before = orders().ListAccounts(staff, {"", 50});
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_EQ(before->items.size(), 1u);

  auto removed = resellers().RemoveStaff(As("operator"), north_.id, Id("reseller"));
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_FALSE(UserRow(Id("reseller")).reseller_id.has_value());

  auto after = orders().ListAccounts(staff, {"", 50});
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kPermissionDenied);
  auto own = resellers().GetReseller(staff, north_.id);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::kPermissionDenied);

  auto entries = EntriesOf("reseller.staff_removed");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(JsonHas(entries[0].before_json, north_.id)) << entries[0].before_json.value_or("");
  EXPECT_TRUE(JsonHas(entries[0].after_json, "\"reseller_id\":null"))
      << entries[0].after_json.value_or("");

  auto again = resellers().RemoveStaff(As("operator"), north_.id, Id("reseller"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  auto elsewhere = resellers().RemoveStaff(As("operator"), north_.id, Id("other_reseller"));
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kNotFound);
  auto by_reseller = resellers().RemoveStaff(As("other_reseller"), south_.id, Id("other_reseller"));
  ASSERT_FALSE(by_reseller.ok());
  EXPECT_EQ(by_reseller.error().code, ErrorCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResellersTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
