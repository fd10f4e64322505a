#include "service/assignments.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"
#include "service/identity.hpp"
#include "service/webhooks.hpp"
#include "store/seat_race.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

enum class Sells { kProduct, kCollection, kService };

class AssignmentsTest : public AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    deps_ = std::make_unique<Deps>(deps());
    identity_ = std::make_unique<IdentityService>(*deps_, IdentityOptions{});
    service_ = std::make_unique<AssignmentService>(*deps_, *identity_, "https://portal.example");
  }

  AssignmentService& assignments() { return *service_; }

  // A new subscription on `contract` selling a new product, collection or service.
  core::Subscription NewSub(const core::Contract& contract, int seats,
                            Sells sells = Sells::kProduct,
                            core::Access access = core::Access::kSingleUser,
                            core::ActivationMethod activation = core::ActivationMethod::kSignIn) {
    const int n = ++made_;
    const std::string code = "X" + std::to_string(n);
    return Must(db_->Transact<core::Subscription>(
        store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Subscription> {
          const auto now = clock_.Now();
          core::Product product{"", code, "Product " + code, "2026", "", false, now, now};
          SW_ASSIGN_OR_RETURN(product, repos_.catalog->CreateProduct(tx, product));
          core::Subscription s;
          s.contract_id = contract.id;
          s.seats = seats;
          s.access = access;
          s.activation = activation;
          if (activation == core::ActivationMethod::kSerialNumber) {
            s.serial_number = "500-" + std::to_string(10000000 + n);
            s.product_key = "001K1";
          }
          if (sells == Sells::kProduct) {
            s.product_id = product.id;
          } else if (sells == Sells::kCollection) {
            core::Collection c{"", "C" + code, "Collection " + code, {product.id}, now, now};
            SW_ASSIGN_OR_RETURN(c, repos_.catalog->CreateCollection(tx, c));
            s.collection_id = c.id;
          } else {
            core::Service svc;
            svc.code = "S" + code;
            svc.name = "Service " + code;
            svc.created_at = svc.updated_at = now;
            SW_ASSIGN_OR_RETURN(svc, repos_.catalog->CreateService(tx, svc));
            s.service_id = svc.id;
          }
          s.created_at = s.updated_at = now;
          return repos_.contracts->CreateSubscription(tx, s);
        }));
  }

  core::Subscription FirstSubscriptionOf(const core::Contract& contract) {
    auto subs = Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, contract.id); }));
    return subs.at(0);
  }

  int Active(const std::string& sub) {
    return Must(Read<int>([&](store::Tx& tx) { return repos_.assignments->CountActive(tx, sub); }));
  }

  bool Holds(const std::string& sub, const std::string& who) {
    return Must(Read<std::optional<core::Assignment>>([&](store::Tx& tx) {
             return repos_.assignments->FindActive(tx, sub, Id(who));
           }))
        .has_value();
  }

  std::vector<core::OutboxMessage> AssignmentMails() {
    std::vector<core::OutboxMessage> out;
    for (auto& m : Outbox()) {
      if (m.template_name == "assignment") out.push_back(std::move(m));
    }
    return out;
  }

  std::vector<core::AuditEntry> EntriesOf(const std::string& action,
                                          std::optional<core::AuditOutcome> outcome = {}) {
    store::AuditFilter filter;
    filter.action = action;
    std::vector<core::AuditEntry> out;
    for (auto& e : AuditEntries(filter)) {
      if (!outcome || e.outcome == *outcome) out.push_back(std::move(e));
    }
    return out;
  }

  void AddMember(const std::string& who) {
    auto added = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<void> {
      const auto now = clock_.Now();
      core::User u;
      u.email = who + "@example.test";
      u.first_name = who;
      u.status = core::UserStatus::kActive;
      u.created_at = u.updated_at = now;
      SW_ASSIGN_OR_RETURN(users_[who], repos_.users->Create(tx, u));
      return repos_.users->AddMembership(
          tx, core::Membership{team_.id, users_[who].id, core::TeamRole::kUser,
                               core::MembershipStatus::kActive, std::nullopt, now, now,
                               std::nullopt, now});
    });
    ASSERT_TRUE(added.ok()) << added.error().message;
  }

  std::unique_ptr<Deps> deps_;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<AssignmentService> service_;
  int made_ = 0;
};

TEST_P(AssignmentsTest, AssignsByProductWithAnEmailAndAuditThenUnassigns) {
  auto sub = NewSub(c1_, 3);
  auto a = assignments().Assign(As("pa"), team_.id, sub.id, Id("user"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->user_id, Id("user"));
  EXPECT_EQ(a->assigned_by, Id("pa"));
  EXPECT_TRUE(Holds(sub.id, "user"));

  auto mails = AssignmentMails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].recipient, "user@example.test");
  EXPECT_EQ(mails[0].event_key, "assignment:" + a->id);
  EXPECT_NE(mails[0].body_text.find("Product X1"), std::string::npos) << mails[0].body_text;
  EXPECT_NE(mails[0].body_text.find("Design"), std::string::npos);
  EXPECT_NE(mails[0].body_text.find("https://portal.example/sign-in"), std::string::npos);
  auto created = EntriesOf("assignment.create", core::AuditOutcome::kAllowed);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].target_id, a->id);
  ASSERT_TRUE(created[0].after_json.has_value());
  EXPECT_NE(created[0].after_json->find(Id("user")), std::string::npos);

  auto holders = assignments().ListHolders(As("sa"), team_.id, sub.id, {"", 50});
  ASSERT_TRUE(holders.ok()) << holders.error().message;
  ASSERT_EQ(holders->items.size(), 1u);
  EXPECT_EQ(holders->items[0].user.email, "user@example.test");
  EXPECT_FALSE(holders->items[0].primary_admin);

  auto again = assignments().Assign(As("pa"), team_.id, sub.id, Id("user"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  auto ended = assignments().Unassign(As("sa"), team_.id, sub.id, Id("user"));
  ASSERT_TRUE(ended.ok()) << ended.error().message;
  EXPECT_FALSE(ended->assignment.active());
  EXPECT_FALSE(Holds(sub.id, "user"));
  EXPECT_EQ(EntriesOf("assignment.delete", core::AuditOutcome::kAllowed).size(), 1u);

  auto none = assignments().Unassign(As("sa"), team_.id, sub.id, Id("user"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find("holds no seat"), std::string::npos);
}

TEST_P(AssignmentsTest, BulkAssignmentIsAllOrNothingWhenSeatsAreShort) {
  auto sub = NewSub(c1_, 2);
  Assignees three;
  three.user_ids = {Id("user"), Id("cm"), Id("sc")};
  auto refused = assignments().AssignMany(As("pa"), team_.id, sub.id, three);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_NE(refused.error().message.find("nothing was assigned"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(Active(sub.id), 0);
  EXPECT_TRUE(AssignmentMails().empty());
  EXPECT_TRUE(EntriesOf("assignment.create", core::AuditOutcome::kAllowed).empty());

  Assignees two;
  two.user_ids = {Id("user")};
  two.emails = {"CM@example.test"};
  auto done = assignments().AssignMany(As("pa"), team_.id, sub.id, two);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->assigned.size(), 2u);
  EXPECT_EQ(AssignmentMails().size(), 2u);
  EXPECT_EQ(EntriesOf("assignment.create", core::AuditOutcome::kAllowed).size(), 2u);

  auto repeat = assignments().AssignMany(As("pa"), team_.id, sub.id, two);
  ASSERT_TRUE(repeat.ok()) << repeat.error().message;
  EXPECT_TRUE(repeat->assigned.empty());
  EXPECT_EQ(repeat->already_assigned.size(), 2u);

  auto bulk_end = assignments().UnassignMany(As("pa"), team_.id, sub.id, {Id("user"), Id("sc")});
  ASSERT_FALSE(bulk_end.ok());
  EXPECT_EQ(bulk_end.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Active(sub.id), 2);  // the bulk unassignment changed nothing either
}

TEST_P(AssignmentsTest, AFullSubscriptionNamesThePrimaryAdminHoldingASeat) {
  auto sub = NewSub(c1_, 2);
  ASSERT_TRUE(assignments().Assign(As("sa"), team_.id, sub.id, Id("pa")).ok());
  ASSERT_TRUE(assignments().Assign(As("sa"), team_.id, sub.id, Id("user")).ok());
  auto full = assignments().Assign(As("sa"), team_.id, sub.id, Id("sc"));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_NE(full.error().message.find("Primary Admin"), std::string::npos) << full.error().message;
  EXPECT_NE(full.error().message.find("pa@example.test"), std::string::npos);
  EXPECT_NE(full.error().message.find("all 2 seats of Product X1"), std::string::npos);

  auto other = NewSub(c1_, 1);
  ASSERT_TRUE(assignments().Assign(As("sa"), team_.id, other.id, Id("user")).ok());
  auto plain = assignments().Assign(As("sa"), team_.id, other.id, Id("sc"));
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().message,
            "all 1 seats of Product X2 are assigned, held by 1 user — unassign one first");
}

TEST_P(AssignmentsTest, CollectionsAndServicesAreAssignedByUserLikeProducts) {
  auto collection = NewSub(c1_, 2, Sells::kCollection);
  auto service = NewSub(c1_, 2, Sells::kService);
  auto product = NewSub(c1_, 2);
  auto done = assignments().AssignToUser(As("pa"), team_.id, Id("user"),
                                         {collection.id, service.id, product.id});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->assigned.size(), 3u);
  EXPECT_EQ(AssignmentMails().size(), 3u);

  auto mine = assignments().ListUserProducts(As("user"), team_.id, Id("user"));
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  EXPECT_FALSE(mine->admin_view);
  ASSERT_EQ(mine->held.size(), 3u);
  std::set<std::string> kinds;
  for (const auto& h : mine->held) {
    kinds.insert(h.product.item.kind);
    if (h.product.item.kind == "collection") {
      ASSERT_EQ(h.product.products.size(), 1u);
      EXPECT_EQ(h.product.products[0].code, "X1");
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"product", "collection", "service"}));

  auto again = assignments().AssignToUser(As("pa"), team_.id, Id("user"), {service.id});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->already_assigned, std::vector<std::string>{service.id});

  auto by_admin = assignments().ListUserProducts(As("sa"), team_.id, Id("cm"));
  ASSERT_TRUE(by_admin.ok()) << by_admin.error().message;
  EXPECT_TRUE(by_admin->admin_view);
  EXPECT_GE(by_admin->assignable.size(), 3u);
}

TEST_P(AssignmentsTest, AssignmentByUserIsAllOrNothingAtTheFirstFullSubscription) {
  auto open = NewSub(c1_, 2);
  auto full = NewSub(c1_, 1);
  ASSERT_TRUE(assignments().Assign(As("pa"), team_.id, full.id, Id("pa")).ok());
  auto refused = assignments().AssignToUser(As("pa"), team_.id, Id("user"), {open.id, full.id});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_NE(refused.error().message.find("Primary Admin pa@example.test"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(Holds(open.id, "user"));

  auto unknown = assignments().AssignToUser(As("pa"), team_.id, Id("user"), {"sub_nope"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(unknown.error().fields.size(), 1u);
  EXPECT_EQ(unknown.error().fields[0].field, "subscription_ids[0]");
}

TEST_P(AssignmentsTest, NetworkSubscriptionsAndEndedContractsAreNotAssigned) {
  auto network = NewSub(c1_, 5, Sells::kProduct, core::Access::kMultiUser);
  auto refused = assignments().Assign(As("pa"), team_.id, network.id, Id("user"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("is a network (multi-user) license: it is shared, not "
                                         "assigned to people"),
            std::string::npos)
      << refused.error().message;

  auto sub = NewSub(c1_, 5);
  auto contract = ContractNamed(c1_.id);
  contract.status = core::ContractStatus::kExpired;
  ASSERT_TRUE(
      db_->Transact(store::TxMode::kWrite,
                    [&](store::Tx& tx) { return repos_.contracts->UpdateContract(tx, contract); })
          .ok());
  auto expired = assignments().Assign(As("pa"), team_.id, sub.id, Id("user"));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kConflict);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
}

TEST_P(AssignmentsTest, OnlyMembersOfTheTeamAreAssignedAndPendingOnesAreToldToSetAPassword) {
  auto sub = NewSub(c1_, 5);
  Assignees mixed;
  mixed.user_ids = {Id("user"), Id("outsider")};
  mixed.emails = {"nobody@example.test"};
  auto refused = assignments().AssignMany(As("pa"), team_.id, sub.id, mixed);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(refused.error().fields.size(), 2u);
  EXPECT_EQ(refused.error().fields[0].field, "user_ids[1]");
  EXPECT_EQ(refused.error().fields[1].field, "emails[0]");
  EXPECT_EQ(Active(sub.id), 0);

  auto pending = assignments().Assign(As("pa"), team_.id, sub.id, Id("newbie"));
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  auto mails = AssignmentMails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].body_text.find("invitation e-mail lets you set a password"), std::string::npos)
      << mails[0].body_text;
}

TEST_P(AssignmentsTest, UnassigningRevokesTheUsersSignInActivations) {
  auto sub = NewSub(c1_, 2);
  ASSERT_TRUE(assignments().Assign(As("pa"), team_.id, sub.id, Id("user")).ok());
  auto activated = db_->Transact<store::SignInActivation>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<store::SignInActivation> {
        core::Device d;
        d.team_id = team_.id;
        d.fingerprint_hash = "fp-user";
        d.asset_name = "PC-1";
        d.registered_at = d.updated_at = clock_.Now();
        SW_ASSIGN_OR_RETURN(d, repos_.devices->Register(tx, d));
        core::Activation a;
        a.subscription_id = sub.id;
        a.product_id = *sub.product_id;
        a.device_id = d.id;
        a.user_id = Id("user");
        a.issued_at = clock_.Now();
        a.expires_at = clock_.Now() + std::chrono::hours(24);
        a.offline_grace_until = clock_.Now() + std::chrono::days(30);
        return repos_.activations->ActivateSignIn(tx, a);
      });
  ASSERT_TRUE(activated.ok()) << activated.error().message;

  auto ended = assignments().Unassign(As("pa"), team_.id, sub.id, Id("user"));
  ASSERT_TRUE(ended.ok()) << ended.error().message;
  EXPECT_EQ(ended->activations_revoked, 1);
  auto activation = Must(Read<core::Activation>(
      [&](store::Tx& tx) { return repos_.activations->Get(tx, activated->activation.id); }));
  EXPECT_EQ(activation.status, core::ActivationStatus::kRevoked);
  EXPECT_EQ(activation.revoked_reason, core::RevocationReason::kUnassigned);
}

// "If the product is available to be assigned on the 'by user' page, then it is a 'sign in'
// license. If the product is available to be assigned on the 'classic user management' … page,
// then it is a 'serial number' license": each page takes only its own kind, and a network
// pool neither.
TEST_P(AssignmentsTest, EachPageManagesOnlyItsKindOfLicense) {
  auto serial = NewSub(c1_, 2, Sells::kProduct, core::Access::kSingleUser,
                       core::ActivationMethod::kSerialNumber);
  auto network = NewSub(c1_, 5, Sells::kProduct, core::Access::kMultiUser,
                        core::ActivationMethod::kSerialNumber);
  auto signin = NewSub(c1_, 5);
  for (const auto& refused :
       {assignments().Assign(As("pa"), team_.id, serial.id, Id("user")).error(),
        assignments().AssignToUser(As("pa"), team_.id, Id("user"), {serial.id}).error(),
        assignments().AssignMany(As("pa"), team_.id, serial.id, {{Id("user")}, {}}).error(),
        assignments().Unassign(As("pa"), team_.id, serial.id, Id("user")).error()}) {
    EXPECT_EQ(refused.code, ErrorCode::kConflict) << refused.message;
    EXPECT_NE(refused.message.find("is a serial-number license: give or remove access to it in "
                                   "classic user management"),
              std::string::npos)
        << refused.message;
  }
  auto listed = assignments().ListUserProducts(As("pa"), team_.id, Id("user"));
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  for (const auto& p : listed->assignable) {
    EXPECT_EQ(p.subscription.activation, core::ActivationMethod::kSignIn) << p.item.name;
    EXPECT_EQ(p.subscription.access, core::Access::kSingleUser) << p.item.name;
  }

  auto shared = assignments().SetClassicAccess(As("pa"), c1_.id, Id("user"), {network.id});
  ASSERT_FALSE(shared.ok());
  EXPECT_EQ(shared.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(shared.error().message.find("is a network (multi-user) license: it is shared, not "
                                        "assigned to people"),
            std::string::npos)
      << shared.error().message;
  auto sign_in = assignments().SetClassicAccess(As("pa"), c1_.id, Id("user"), {signin.id});
  ASSERT_FALSE(sign_in.ok());
  EXPECT_NE(sign_in.error().message.find("is a sign-in license: assign it by user or by product"),
            std::string::npos)
      << sign_in.error().message;
  EXPECT_EQ(Active(network.id) + Active(signin.id), 0);

  // Classic access is given and taken there, and a full serial names who holds it.
  ASSERT_TRUE(assignments().SetClassicAccess(As("pa"), c1_.id, Id("cm"), {serial.id}).ok());
  ASSERT_TRUE(assignments().SetClassicAccess(As("pa"), c1_.id, Id("sa"), {serial.id}).ok());
  auto full = assignments().SetClassicAccess(As("pa"), c1_.id, Id("user"), {serial.id});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_NE(full.error().message.find("held by the Contract Manager"), std::string::npos)
      << full.error().message;
  ASSERT_TRUE(assignments().SetClassicAccess(As("pa"), c1_.id, Id("cm"), {}).ok());
  EXPECT_FALSE(Holds(serial.id, "cm"));
  EXPECT_TRUE(assignments().SetClassicAccess(As("pa"), c1_.id, Id("user"), {serial.id}).ok());
}

TEST_P(AssignmentsTest, SoftwareCoordinatorManagesOnlyTheirContractAndOthersAreRefused) {
  auto serial = FirstSubscriptionOf(c2_);
  auto signin = NewSub(c1_, 5);
  // "If the product is available to be assigned on the 'by user' page, then it is a 'sign
  // in' license": the serial seat is refused there and given in classic user management.
  auto by_product = assignments().Assign(As("sc"), team_.id, serial.id, Id("user"));
  ASSERT_FALSE(by_product.ok());
  EXPECT_EQ(by_product.error().code, ErrorCode::kConflict);
  EXPECT_NE(by_product.error().message.find("classic user management"), std::string::npos)
      << by_product.error().message;
  auto own = assignments().SetClassicAccess(As("sc"), c2_.id, Id("user"), {serial.id});
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->added, std::vector<std::string>{serial.id});

  auto products = assignments().ListTeamProducts(As("sc"), team_.id);
  ASSERT_TRUE(products.ok()) << products.error().message;
  ASSERT_FALSE(products->empty());
  for (const auto& p : *products) EXPECT_EQ(p.contract.id, c2_.id);
  auto all = assignments().ListTeamProducts(As("pa"), team_.id);
  ASSERT_TRUE(all.ok());
  EXPECT_GT(all->size(), products->size());

  const std::size_t denied_before =
      EntriesOf("assignment.create", core::AuditOutcome::kDenied).size();
  auto other = assignments().Assign(As("sc"), team_.id, signin.id, Id("user"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
  for (const char* who : {"cm", "user", "reseller"}) {
    auto r = assignments().Assign(As(who), team_.id, signin.id, Id("user"));
    ASSERT_FALSE(r.ok()) << who;
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << who;
    EXPECT_FALSE(r.error().conceal_existence) << who;
  }
  auto stranger = assignments().Assign(As("outsider"), team_.id, signin.id, Id("user"));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(stranger.error().conceal_existence);
  EXPECT_EQ(EntriesOf("assignment.create", core::AuditOutcome::kDenied).size(), denied_before + 5);
  EXPECT_EQ(Active(signin.id), 0);

  auto listed = assignments().ListTeamProducts(As("user"), team_.id);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(EntriesOf("assignment.list_products", core::AuditOutcome::kDenied).size(), 1u);
  auto others = assignments().ListUserProducts(As("user"), team_.id, Id("cm"));
  ASSERT_FALSE(others.ok());
  EXPECT_EQ(others.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(AssignmentsTest, ClassicAccessIsSetAndUnsetInOneCall) {
  auto first = FirstSubscriptionOf(c2_);
  auto second = NewSub(c2_, 1, Sells::kProduct, core::Access::kSingleUser,
                       core::ActivationMethod::kSerialNumber);
  auto both = assignments().SetClassicAccess(As("sc"), c2_.id, Id("user"), {first.id, second.id});
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->added.size(), 2u);
  EXPECT_TRUE(both->before.empty());
  EXPECT_TRUE(Holds(first.id, "user"));
  EXPECT_TRUE(Holds(second.id, "user"));

  auto one = assignments().SetClassicAccess(As("sc"), c2_.id, Id("user"), {second.id});
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->removed, std::vector<std::string>{first.id});
  EXPECT_TRUE(one->added.empty());
  EXPECT_FALSE(Holds(first.id, "user"));
  EXPECT_TRUE(Holds(second.id, "user"));
  auto entries = EntriesOf("assignment.classic_access", core::AuditOutcome::kAllowed);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].before_json.has_value() && entries[0].after_json.has_value());

  auto listed = assignments().ListClassicUsers(As("sc"), c2_.id);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->subscriptions.size(), 2u);
  bool seen = false;
  for (const auto& u : listed->users) {
    if (u.member.user.id != Id("user")) continue;
    seen = true;
    EXPECT_EQ(u.subscription_ids, std::vector<std::string>{second.id});
  }
  EXPECT_TRUE(seen);

  // The second serial subscription has one seat, held by user: the SC is told who holds it.
  auto full = assignments().SetClassicAccess(As("sc"), c2_.id, Id("cm"), {first.id, second.id});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kSeatLimitReached);
  EXPECT_FALSE(Holds(first.id, "cm"));

  auto not_serial =
      assignments().SetClassicAccess(As("pa"), c2_.id, Id("user"), {FirstSubscriptionOf(c1_).id});
  ASSERT_FALSE(not_serial.ok());
  EXPECT_EQ(not_serial.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(not_serial.error().fields.at(0).field, "subscription_ids[0]");

  auto elsewhere = assignments().SetClassicAccess(As("sc"), c1_.id, Id("user"), {});
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(elsewhere.error().conceal_existence);
  auto elsewhere_list = assignments().ListClassicUsers(As("sc"), c1_.id);
  ASSERT_FALSE(elsewhere_list.ok());
  EXPECT_EQ(elsewhere_list.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(AssignmentsTest, SixtyFourConcurrentAssignmentsFillExactlyTenSeats) {
  auto sub = NewSub(c1_, 10);
  constexpr int kPeople = 64;
  for (int i = 0; i < kPeople; ++i) AddMember("racer" + std::to_string(i));
  const Caller admin = As("pa");
  auto tally = store::RunRace(kPeople, [&](int i) -> core::Result<void> {
    auto a = assignments().Assign(admin, team_.id, sub.id, Id("racer" + std::to_string(i)));
    if (!a.ok()) return std::move(a).error();
    return core::Ok();
  });
  EXPECT_EQ(tally.ok, 10);
  EXPECT_EQ(tally.seat_limit, 54);
  EXPECT_TRUE(tally.other_errors.empty()) << tally.other_errors.front();
  EXPECT_EQ(Active(sub.id), 10);
  EXPECT_EQ(AssignmentMails().size(), 10u);
}

TEST_P(AssignmentsTest, SeatsTakenAndGivenBackAreSentToTheTeamsWebhooks) {
  std::array<std::uint8_t, 32> key{};
  key.fill(5);
  WebhookService webhooks(deps(), {key, false});
  WebhookEndpointInput input;
  input.url = "https://hooks.example.test/seats";
  input.events = std::vector<std::string>{"seat.assigned", "seat.unassigned"};
  auto endpoint = webhooks.CreateEndpoint(As("pa"), team_.id, input);
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;

  auto sub = NewSub(c1_, 3);
  auto a = assignments().Assign(As("pa"), team_.id, sub.id, Id("user"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(assignments().Unassign(As("pa"), team_.id, sub.id, Id("user")).ok());

  auto deliveries = Must(Read<store::Page<core::WebhookDelivery>>([&](store::Tx& tx) {
                      return repos_.webhooks->ListDeliveries(tx, endpoint->endpoint.id,
                                                             {"", store::kMaxPageSize});
                    })).items;
  std::vector<std::string> events;
  for (const auto& d : deliveries) {
    events.push_back(d.event_type);
    EXPECT_NE(d.payload_json.find(a->id), std::string::npos) << d.payload_json;
    EXPECT_NE(d.payload_json.find("user@example.test"), std::string::npos) << d.payload_json;
  }
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{"seat.assigned", "seat.unassigned"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AssignmentsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
