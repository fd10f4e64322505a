#include "store/catalog_repository.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

using ::testing::ElementsAre;

class CatalogRepositoryTest : public RepositoryTest {
 protected:
  core::ProductRelease NewRelease(const core::Product& product, const std::string& version,
                                  core::ReleaseKind kind, int days_after_now) {
    core::ProductRelease r;
    r.product_id = product.id;
    r.version = version;
    r.kind = kind;
    r.title = product.name + " " + version;
    r.released_at = Now() + std::chrono::days(days_after_now);
    r.download_url = "https://downloads.example/" + product.code + "/" + version + "/setup.exe";
    r.sha256 = std::string(64, 'a');
    r.size_bytes = 5'000'000'000;  // past 32 bits
    r.notes = "notes of " + version;
    r.created_at = Now();
    return Must(Write([&](Tx& tx) { return repos_.catalog->CreateRelease(tx, r); }));
  }

  static std::vector<std::string> Versions(const std::vector<core::ProductRelease>& releases) {
    std::vector<std::string> out;
    for (const auto& r : releases) out.push_back(r.version);
    return out;
  }
};

TEST_P(CatalogRepositoryTest, StoresAndReadsBackARelease) {
  Customer c = NewCustomer();
  auto created = NewRelease(c.autocad, "2027.1", core::ReleaseKind::kUpdate, 3);
  EXPECT_TRUE(created.id.starts_with("rel_")) << created.id;
  auto read = Must(Read([&](Tx& tx) { return repos_.catalog->GetRelease(tx, created.id); }));
  EXPECT_EQ(read.product_id, c.autocad.id);
  EXPECT_EQ(read.version, "2027.1");
  EXPECT_EQ(read.kind, core::ReleaseKind::kUpdate);
  EXPECT_EQ(read.title, "AutoCAD 2027.1");
  EXPECT_EQ(read.released_at, Now() + std::chrono::days(3));
  EXPECT_EQ(read.download_url, created.download_url);
  EXPECT_EQ(read.sha256, std::string(64, 'a'));
  EXPECT_EQ(read.size_bytes, 5'000'000'000);
  EXPECT_EQ(read.notes, "notes of 2027.1");
}

TEST_P(CatalogRepositoryTest, ASecondReleaseWithTheSameVersionIsRefused) {
  Customer c = NewCustomer();
  NewRelease(c.autocad, "2027", core::ReleaseKind::kRelease, 0);
  core::ProductRelease again;
  again.product_id = c.autocad.id;
  again.version = "2027";
  again.title = "again";
  again.download_url = "https://downloads.example/again";
  again.sha256 = std::string(64, 'b');
  again.size_bytes = 1;
  auto result = Write([&](Tx& tx) { return repos_.catalog->CreateRelease(tx, again); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, core::ErrorCode::kAlreadyExists);
  // Another product may use the same version.
  NewRelease(c.revit, "2027", core::ReleaseKind::kRelease, 0);
}

TEST_P(CatalogRepositoryTest, ListsNewestFirstThenByVersionDescending) {
  Customer c = NewCustomer();
  NewRelease(c.autocad, "2027", core::ReleaseKind::kRelease, 0);
  NewRelease(c.autocad, "2027.2", core::ReleaseKind::kUpdate, 20);
  NewRelease(c.autocad, "2027.1a", core::ReleaseKind::kUpdate, 10);
  NewRelease(c.autocad, "2027.1b", core::ReleaseKind::kUpdate, 10);
  NewRelease(c.revit, "2027", core::ReleaseKind::kRelease, 5);
  auto listed = Must(Read([&](Tx& tx) { return repos_.catalog->ListReleases(tx, c.autocad.id); }));
  EXPECT_THAT(Versions(listed), ElementsAre("2027.2", "2027.1b", "2027.1a", "2027"));
}

TEST_P(CatalogRepositoryTest, ListsTheReleasesOfManyProductsAtOnce) {
  Customer c = NewCustomer();
  Customer other = NewCustomer("b");
  NewRelease(c.autocad, "1", core::ReleaseKind::kRelease, 0);
  NewRelease(c.autocad, "2", core::ReleaseKind::kUpdate, 1);
  NewRelease(c.revit, "7", core::ReleaseKind::kRelease, 0);
  NewRelease(other.autocad, "9", core::ReleaseKind::kRelease, 0);
  auto listed = Must(Read([&](Tx& tx) {
    return repos_.catalog->ListReleasesOf(tx, {c.autocad.id, c.revit.id});
  }));
  ASSERT_EQ(listed.size(), 3u);
  std::vector<std::string> autocad;
  for (const auto& r : listed) {
    EXPECT_NE(r.product_id, other.autocad.id);
    if (r.product_id == c.autocad.id) autocad.push_back(r.version);
  }
  EXPECT_THAT(autocad, ElementsAre("2", "1"));
  auto none = Must(Read([&](Tx& tx) { return repos_.catalog->ListReleasesOf(tx, {}); }));
  EXPECT_TRUE(none.empty());
}

TEST_P(CatalogRepositoryTest, DeletesAReleaseOnce) {
  Customer c = NewCustomer();
  auto r = NewRelease(c.autocad, "2027", core::ReleaseKind::kRelease, 0);
  Must(Write([&](Tx& tx) { return repos_.catalog->DeleteRelease(tx, r.id); }));
  auto gone = Read([&](Tx& tx) { return repos_.catalog->GetRelease(tx, r.id); });
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, core::ErrorCode::kNotFound);
  auto again = Write([&](Tx& tx) { return repos_.catalog->DeleteRelease(tx, r.id); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::kNotFound);
}

TEST_P(CatalogRepositoryTest, DeletingAProductRemovesItsReleases) {
  Customer c = NewCustomer();
  core::Product lone{"", "LONE", "Lone", "2026", "", false, Now(), Now()};
  lone = Must(Write([&](Tx& tx) { return repos_.catalog->CreateProduct(tx, lone); }));
  auto r = NewRelease(lone, "1", core::ReleaseKind::kRelease, 0);
  Must(Write([&](Tx& tx) { return repos_.catalog->DeleteProduct(tx, lone.id); }));
  auto gone = Read([&](Tx& tx) { return repos_.catalog->GetRelease(tx, r.id); });
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, core::ErrorCode::kNotFound);
}

SW_INSTANTIATE_BACKENDS(CatalogRepositoryTest);

}  // namespace
}  // namespace seatwise::store
