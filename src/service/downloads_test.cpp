#include "service/downloads.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "service/authz_test_fixture.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class DownloadsTest : public AuthzTest {
 protected:
  DownloadService downloads() { return DownloadService(deps()); }

  ReleaseRequest NewRelease(const std::string& version, const std::string& kind = "release",
                            int days_ago = 0) {
    ReleaseRequest r;
    r.version = version;
    r.kind = kind;
    r.title = "Product " + version;
    r.released_at = clock_.Now() - std::chrono::days(days_ago);
    r.download_url = "https://downloads.example/" + version + "/setup.exe";
    r.sha256 = std::string(64, 'A');
    r.size_bytes = 3'500'000'000;
    r.notes = "What is new";
    return r;
  }

  // The code of the product of contract `c`'s only subscription.
  core::Subscription SubscriptionOf(const core::Contract& c) {
    auto subs = Must(Read<std::vector<core::Subscription>>(
        [&](store::Tx& tx) { return repos_.contracts->ListSubscriptions(tx, c.id); }));
    EXPECT_FALSE(subs.empty());
    return subs.at(0);
  }

  void AssignSeat(const core::Subscription& sub, const std::string& who) {
    Must(db_->Transact<core::Assignment>(store::TxMode::kWrite, [&](store::Tx& tx) {
      core::Assignment a;
      a.subscription_id = sub.id;
      a.user_id = Id(who);
      a.assigned_at = clock_.Now();
      return repos_.assignments->AssignSeat(tx, a);
    }));
  }

  static std::vector<std::string> Codes(const std::vector<Download>& items) {
    std::vector<std::string> out;
    for (const auto& d : items) out.push_back(d.product.code);
    return out;
  }

  std::vector<core::AuditEntry> Entries(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return AuditEntries(filter);
  }
};

TEST_P(DownloadsTest, OperatorAddsReleasesThatEveryoneSignedInListsNewestFirst) {
  auto first = downloads().AddRelease(As("operator"), "P1001", NewRelease("2026", "release", 30));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->product_code, "P1001");
  EXPECT_EQ(first->release.sha256, std::string(64, 'a'));  // stored lowercase
  EXPECT_EQ(first->release.size_bytes, 3'500'000'000);
  auto update = downloads().AddRelease(As("operator"), "P1001", NewRelease("2026.1", "update", 2));
  ASSERT_TRUE(update.ok()) << update.error().message;
  EXPECT_EQ(update->release.kind, core::ReleaseKind::kUpdate);

  auto listed = downloads().ListReleases(As("user"), "P1001");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].release.version, "2026.1");
  EXPECT_EQ((*listed)[1].release.version, "2026");

  auto created = Entries("release.created");
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0].actor_role, "operator");
  EXPECT_EQ(created[0].outcome, core::AuditOutcome::kAllowed);
}

TEST_P(DownloadsTest, TheSameVersionTwiceIsAConflict) {
  ASSERT_TRUE(downloads().AddRelease(As("operator"), "P1001", NewRelease("2027")).ok());
  auto again = downloads().AddRelease(As("operator"), "P1001", NewRelease("2027", "update"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_THAT(again.error().message, ::testing::StartsWith("Version 2027 of Product 1001 already "
                                                           "exists."));
  // Another product may have the same version.
  EXPECT_TRUE(downloads().AddRelease(As("operator"), "P1002", NewRelease("2027")).ok());
}

TEST_P(DownloadsTest, InvalidFieldsAreNamedTogether) {
  ReleaseRequest bad;
  bad.version = "2027 beta";
  bad.kind = "hotfix";
  bad.title = "";
  bad.download_url = "http://downloads.example/x.exe";
  bad.sha256 = "abc";
  bad.size_bytes = 0;
  auto result = downloads().AddRelease(As("operator"), "P1001", bad);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field);
  EXPECT_THAT(fields, UnorderedElementsAre("version", "kind", "title", "released_at",
                                           "download_url", "sha256", "size_bytes"));
}

TEST_P(DownloadsTest, DownloadAddressesMustBeHttpsExceptOnThisMachine) {
  for (const char* url : {"http://localhost:8080/setup.exe", "http://127.0.0.1/setup.exe",
                          "https://cdn.example:8443/a/b.msi"}) {
    auto r = NewRelease("ok");
    r.download_url = url;
    EXPECT_TRUE(ValidateRelease(r).empty()) << url;
  }
  for (const char* url :
       {"ftp://cdn.example/x", "https://", "https:///path", "http://localhost.evil.example/x",
        "https://user:pw@cdn.example/x", "/relative/setup.exe", "https://cdn.example/a b"}) {
    auto r = NewRelease("bad");
    r.download_url = url;
    auto errors = ValidateRelease(r);
    ASSERT_EQ(errors.size(), 1u) << url;
    EXPECT_EQ(errors[0].field, "download_url") << url;
  }
}

TEST_P(DownloadsTest, OnlyOperatorsAddOrDeleteReleasesAndRefusalsAreAudited) {
  auto refused = downloads().AddRelease(As("pa"), "P1001", NewRelease("2027"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  auto denied = Entries("release.created");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0].outcome, core::AuditOutcome::kDenied);

  auto added = downloads().AddRelease(As("operator"), "P1001", NewRelease("2027"));
  ASSERT_TRUE(added.ok()) << added.error().message;
  auto not_deleted = downloads().DeleteRelease(As("user"), "P1001", added->release.id);
  ASSERT_FALSE(not_deleted.ok());
  EXPECT_EQ(not_deleted.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Must(downloads().ListReleases(As("user"), "P1001")).size(), 1u);
}

TEST_P(DownloadsTest, OperatorDeletesAReleaseOfItsOwnProductOnly) {
  auto added = Must(downloads().AddRelease(As("operator"), "P1001", NewRelease("2027")));
  auto wrong_product = downloads().DeleteRelease(As("operator"), "P1002", added.release.id);
  ASSERT_FALSE(wrong_product.ok());
  EXPECT_EQ(wrong_product.error().code, ErrorCode::kNotFound);

  auto deleted = downloads().DeleteRelease(As("operator"), "P1001", added.release.id);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_TRUE(Must(downloads().ListReleases(As("user"), "P1001")).empty());
  auto entries = Entries("release.deleted");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target_id, added.release.id);
  ASSERT_TRUE(entries[0].before_json.has_value());
  EXPECT_NE(entries[0].before_json->find("\"2027\""), std::string::npos);

  auto again = downloads().DeleteRelease(As("operator"), "P1001", added.release.id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_P(DownloadsTest, UnknownProductIsNotFound) {
  auto listed = downloads().ListReleases(As("user"), "NOPE");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::kNotFound);
  auto added = downloads().AddRelease(As("operator"), "NOPE", NewRelease("1"));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code, ErrorCode::kNotFound);
}

TEST_P(DownloadsTest, AUserDownloadsOnlyTheProductsOfSeatsTheyHold) {
  EXPECT_TRUE(Must(downloads().ListTeamDownloads(As("user"), team_.id)).empty());

  Must(downloads().AddRelease(As("operator"), "P1001", NewRelease("2026", "release", 30)));
  Must(downloads().AddRelease(As("operator"), "P1001", NewRelease("2026.1", "update", 1)));
  Must(downloads().AddRelease(As("operator"), "P1002", NewRelease("9")));
  const auto sub = SubscriptionOf(c1_);
  AssignSeat(sub, "user");

  auto items = Must(downloads().ListTeamDownloads(As("user"), team_.id));
  ASSERT_THAT(Codes(items), ElementsAre("P1001"));
  ASSERT_EQ(items[0].via.size(), 1u);
  EXPECT_EQ(items[0].via[0].subscription.id, sub.id);
  EXPECT_EQ(items[0].via[0].contract.number, "1001");
  ASSERT_EQ(items[0].releases.size(), 2u);
  EXPECT_EQ(items[0].releases[0].version, "2026.1");
  EXPECT_EQ(items[0].releases[1].version, "2026");
}

TEST_P(DownloadsTest, ClassicAccessToASerialSubscriptionGivesItsDownloads) {
  AssignSeat(SubscriptionOf(c2_), "user");
  auto items = Must(downloads().ListTeamDownloads(As("user"), team_.id));
  EXPECT_THAT(Codes(items), ElementsAre("P1002"));
}

TEST_P(DownloadsTest, ANetworkPoolGivesItsDownloadsToEveryMemberOfTheTeam) {
  const auto now = clock_.Now();
  Must(db_->Transact<core::Subscription>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Subscription> {
        core::Product p{"", "ZNET", "Networked", "2026", "", false, now, now};
        SW_ASSIGN_OR_RETURN(p, repos_.catalog->CreateProduct(tx, p));
        core::Subscription s;
        s.contract_id = c1_.id;
        s.seats = 3;
        s.access = core::Access::kMultiUser;
        s.created_at = s.updated_at = now;
        s.product_id = p.id;
        return repos_.contracts->CreateSubscription(tx, s);
      }));
  // No seat held, no classic access: the floating pool alone.
  EXPECT_THAT(Codes(Must(downloads().ListTeamDownloads(As("user"), team_.id))),
              ElementsAre("ZNET"));
  // Not for people outside the team.
  auto outsider = downloads().ListTeamDownloads(As("outsider"), team_.id);
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().code, ErrorCode::kNotFound);
}

TEST_P(DownloadsTest, AdminsDownloadEveryProductOfTheTeam) {
  for (const char* who : {"pa", "sa", "operator"}) {
    auto items = downloads().ListTeamDownloads(As(who), team_.id);
    ASSERT_TRUE(items.ok()) << who << ": " << items.error().message;
    EXPECT_THAT(Codes(*items), ElementsAre("P1001", "P1002")) << who;
  }
}

TEST_P(DownloadsTest, ASoftwareCoordinatorDownloadsTheirContractsProducts) {
  auto items = Must(downloads().ListTeamDownloads(As("sc"), team_.id));
  EXPECT_THAT(Codes(items), ElementsAre("P1002"));
}

TEST_P(DownloadsTest, CollectionsExpandToTheirProductsAndServicesAreLeftOut) {
  const auto now = clock_.Now();
  Must(db_->Transact<core::Subscription>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Subscription> {
        core::Product a{"", "ZA", "Alpha", "2026", "", false, now, now};
        SW_ASSIGN_OR_RETURN(a, repos_.catalog->CreateProduct(tx, a));
        core::Product b{"", "ZB", "Beta", "2026", "", false, now, now};
        SW_ASSIGN_OR_RETURN(b, repos_.catalog->CreateProduct(tx, b));
        core::Collection col{"", "ZCOL", "Zed Collection", {a.id, b.id}, now, now};
        SW_ASSIGN_OR_RETURN(col, repos_.catalog->CreateCollection(tx, col));
        core::Service svc{"", "ZSVC", "Cloud", core::ServiceKind::kCloud, "", now, now};
        SW_ASSIGN_OR_RETURN(svc, repos_.catalog->CreateService(tx, svc));
        core::Subscription s;
        s.contract_id = c1_.id;
        s.seats = 2;
        s.created_at = s.updated_at = now;
        s.service_id = svc.id;
        SW_RETURN_IF_ERROR(repos_.contracts->CreateSubscription(tx, s));
        s.service_id.reset();
        s.collection_id = col.id;
        return repos_.contracts->CreateSubscription(tx, s);
      }));
  auto items = Must(downloads().ListTeamDownloads(As("pa"), team_.id));
  // Ordered by product name: Alpha, Beta, Product 1001, Product 1002.
  EXPECT_THAT(Codes(items), ElementsAre("ZA", "ZB", "P1001", "P1002"));
}

TEST_P(DownloadsTest, ContractsNotInForceGiveNoDownloads) {
  AssignSeat(SubscriptionOf(c1_), "user");
  Must(db_->Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<bool> {
    auto c = c1_;
    c.status = core::ContractStatus::kSuspended;
    SW_RETURN_IF_ERROR(repos_.contracts->UpdateContract(tx, c));
    return true;
  }));
  EXPECT_TRUE(Must(downloads().ListTeamDownloads(As("user"), team_.id)).empty());
  EXPECT_THAT(Codes(Must(downloads().ListTeamDownloads(As("pa"), team_.id))), ElementsAre("P1002"));

  clock_.Advance(std::chrono::days(366));  // past the end of C2 as well
  EXPECT_TRUE(Must(downloads().ListTeamDownloads(As("pa"), team_.id)).empty());
}

TEST_P(DownloadsTest, PeopleOutsideTheTeamGetNotFound) {
  for (const char* who : {"outsider", "other", "newbie", "reseller"}) {
    auto items = downloads().ListTeamDownloads(As(who), team_.id);
    ASSERT_FALSE(items.ok()) << who;
    EXPECT_EQ(items.error().code, ErrorCode::kNotFound) << who;
  }
  auto missing = downloads().ListTeamDownloads(As("pa"), "team_missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto anonymous = downloads().ListTeamDownloads(As("anonymous"), team_.id);
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code, ErrorCode::kUnauthenticated);
}

// "All users will be able to see their personal cloud credit usage, and any contracts that
// they were granted use of."
TEST_P(DownloadsTest, APersonSeesTheContractsTheyWereGrantedUseOf) {
  EXPECT_TRUE(Must(downloads().ListMyContracts(As("user"))).empty());
  const auto now = clock_.Now();
  Must(db_->Transact<core::Subscription>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<core::Subscription> {
        core::Product a{"", "ZA", "Alpha", "2026", "", false, now, now};
        SW_ASSIGN_OR_RETURN(a, repos_.catalog->CreateProduct(tx, a));
        core::Product b{"", "ZB", "Beta", "2026", "", false, now, now};
        SW_ASSIGN_OR_RETURN(b, repos_.catalog->CreateProduct(tx, b));
        core::Collection col{"", "ZCOL", "Zed Collection", {a.id, b.id}, now, now};
        SW_ASSIGN_OR_RETURN(col, repos_.catalog->CreateCollection(tx, col));
        core::Subscription s;
        s.contract_id = cb_.id;  // another customer's network pool: never theirs
        s.seats = 3;
        s.access = core::Access::kMultiUser;
        s.created_at = s.updated_at = now;
        s.collection_id = col.id;
        SW_RETURN_IF_ERROR(repos_.contracts->CreateSubscription(tx, s));
        s.contract_id = c1_.id;  // a network collection of their team
        return repos_.contracts->CreateSubscription(tx, s);
      }));
  AssignSeat(SubscriptionOf(c2_), "user");  // classic access to the serial subscription

  auto mine = Must(downloads().ListMyContracts(As("user")));
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].contract.number, "1001");
  EXPECT_EQ(mine[0].team.id, team_.id);
  ASSERT_EQ(mine[0].uses.size(), 2u);  // the collection expanded; not 1001's sign-in seat
  EXPECT_EQ(mine[0].uses[0].code, "ZA");
  EXPECT_EQ(mine[0].uses[0].via, "network");
  EXPECT_EQ(mine[0].uses[0].expires_at, c1_.ends_at);
  EXPECT_EQ(mine[0].uses[1].code, "ZB");
  EXPECT_EQ(mine[1].contract.number, "1002");
  ASSERT_EQ(mine[1].uses.size(), 1u);
  EXPECT_EQ(mine[1].uses[0].code, "P1002");
  EXPECT_EQ(mine[1].uses[0].via, "classic");

  // A sign-in seat and a cloud service are listed too; an expired contract is not.
  AssignSeat(SubscriptionOf(c1_), "user");
  Must(db_->Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<bool> {
    core::Service svc{"", "ZSVC", "Cloud rendering", core::ServiceKind::kCloud, "", now, now};
    SW_ASSIGN_OR_RETURN(svc, repos_.catalog->CreateService(tx, svc));
    core::Subscription s;
    s.contract_id = c1_.id;
    s.seats = 2;
    s.service_id = svc.id;
    s.created_at = s.updated_at = now;
    SW_ASSIGN_OR_RETURN(s, repos_.contracts->CreateSubscription(tx, s));
    core::Assignment a;
    a.subscription_id = s.id;
    a.user_id = Id("user");
    a.assigned_at = now;
    SW_RETURN_IF_ERROR(repos_.assignments->AssignSeat(tx, a));
    auto ended = c2_;
    ended.status = core::ContractStatus::kExpired;
    SW_RETURN_IF_ERROR(repos_.contracts->UpdateContract(tx, ended));
    return true;
  }));
  mine = Must(downloads().ListMyContracts(As("user")));
  ASSERT_EQ(mine.size(), 1u);
  std::vector<std::string> uses;
  for (const auto& u : mine[0].uses) uses.push_back(u.kind + ":" + u.code + ":" + u.via);
  EXPECT_THAT(uses, ElementsAre("product:ZA:network", "product:ZB:network", "service:ZSVC:seat",
                                "product:P1001:seat"));

  // Someone only invited, or of another team, holds nothing here.
  EXPECT_TRUE(Must(downloads().ListMyContracts(As("newbie"))).empty());
  EXPECT_TRUE(Must(downloads().ListMyContracts(As("other"))).empty());
  auto anonymous = downloads().ListMyContracts(As("anonymous"));
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code, ErrorCode::kUnauthenticated);
}

INSTANTIATE_TEST_SUITE_P(Backends, DownloadsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
