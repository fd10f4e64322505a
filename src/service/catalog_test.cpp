#include "service/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "service/authz_test_fixture.hpp"
#include "service/downloads.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;

class CatalogTest : public AuthzTest {
 protected:
  CatalogService catalog() { return CatalogService(deps()); }

  static ProductChange NewProduct(std::string code, std::string name) {
    ProductChange change;
    change.code = std::move(code);
    change.name = std::move(name);
    change.release = "2026";
    return change;
  }

  static Caller System() {
    Caller caller;
    caller.principal.method = AuthMethod::kSystem;
    return caller;
  }

  static CatalogFile SampleFile() {
    CatalogFile file;
    file.products = {{"ACD", "AutoCAD", "2026", "CAD"}, {"RVT", "Revit", "2026", ""}};
    file.groups = {{"ACD-TOOLSETS", "AutoCAD including specialized toolsets", {"ACD"}}};
    file.collections = {{"AEC", "AEC Collection", {"ACD", "RVT"}}};
    file.services = {{"CLOUD", "Cloud rendering", "cloud", ""}};
    return file;
  }

  std::vector<core::AuditEntry> Entries(const std::string& action) {
    store::AuditFilter filter;
    filter.action = action;
    return AuditEntries(filter);
  }
};

TEST_P(CatalogTest, OperatorCreatesReadsAndUpdatesProducts) {
  auto created = catalog().CreateProduct(As("operator"), NewProduct("ACD", "AutoCAD"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->code, "ACD");

  auto read = catalog().GetProduct(As("user"), created->id);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->name, "AutoCAD");

  ProductChange rename;
  rename.name = "AutoCAD 2026";
  auto updated = catalog().UpdateProduct(As("operator"), created->id, rename);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->name, "AutoCAD 2026");
  EXPECT_EQ(updated->release, "2026");

  auto creates = Entries("catalog.product.create");
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].actor_role, "operator");
  EXPECT_EQ(creates[0].target_id, created->id);
  auto updates = Entries("catalog.product.update");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_NE(updates[0].before_json->find("\"AutoCAD\""), std::string::npos);
  EXPECT_NE(updates[0].after_json->find("AutoCAD 2026"), std::string::npos);
}

TEST_P(CatalogTest, ListsProductsPageByPage) {
  for (const char* code : {"AA", "BB", "CC"}) {
    ASSERT_TRUE(catalog().CreateProduct(As("operator"), NewProduct(code, code)).ok());
  }
  std::vector<std::string> seen;
  store::PageRequest page{"", 2};
  for (int i = 0; i < 10; ++i) {
    auto got = catalog().ListProducts(As("user"), page);
    ASSERT_TRUE(got.ok()) << got.error().message;
    for (const auto& p : got->items) seen.push_back(p.code);
    if (got->next_after.empty()) break;
    page.after = got->next_after;
  }
  // The fixture's three contracts bring a product each.
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_FALSE(catalog().ListProducts(As("anonymous"), {}).ok());
}

TEST_P(CatalogTest, RefusesInvalidFieldsWithOneErrorEach) {
  auto bad = catalog().CreateProduct(As("operator"), NewProduct("a", ""));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad.error().fields.size(), 2u);
  EXPECT_EQ(bad.error().fields[0].field, "code");
  EXPECT_EQ(bad.error().fields[1].field, "name");

  auto lower = catalog().CreateProduct(As("operator"), NewProduct("acd", "AutoCAD"));
  ASSERT_FALSE(lower.ok());
  EXPECT_EQ(lower.error().fields.at(0).field, "code");

  ServiceChange service{"CLOUD", "Cloud", "weather", ""};
  auto kind = catalog().CreateService(As("operator"), service);
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.error().fields.at(0).field, "kind");
}

TEST_P(CatalogTest, DuplicateCodeIsAlreadyExists) {
  ASSERT_TRUE(catalog().CreateProduct(As("operator"), NewProduct("ACD", "AutoCAD")).ok());
  auto again = catalog().CreateProduct(As("operator"), NewProduct("ACD", "Other"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find("ACD"), std::string::npos);
}

TEST_P(CatalogTest, ProductInUseIsRetiredNotDeleted) {
  // The fixture's contract 1001 sells product P1001.
  auto used = Must(Read<std::optional<core::Product>>(
      [&](store::Tx& tx) { return repos_.catalog->FindProductByCode(tx, "P1001"); }));
  ASSERT_TRUE(used.has_value());
  auto refused = catalog().DeleteProduct(As("operator"), used->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("1 subscription"), std::string::npos)
      << refused.error().message;

  ProductChange retire;
  retire.retired = true;
  auto retired = catalog().UpdateProduct(As("operator"), used->id, retire);
  ASSERT_TRUE(retired.ok()) << retired.error().message;
  EXPECT_TRUE(retired->retired);

  auto unused = catalog().CreateProduct(As("operator"), NewProduct("GONE", "Gone"));
  ASSERT_TRUE(unused.ok());
  ASSERT_TRUE(catalog().DeleteProduct(As("operator"), unused->id).ok());
  EXPECT_EQ(catalog().GetProduct(As("user"), unused->id).error().code, ErrorCode::kNotFound);
}

TEST_P(CatalogTest, GroupsAndCollectionsNameUnknownProducts) {
  auto acd = Must(catalog().CreateProduct(As("operator"), NewProduct("ACD", "AutoCAD")));
  auto bad = catalog().CreateProductGroup(As("operator"),
                                          {"ACD-TOOLSETS", "Toolsets", {acd.id, "prd_nope"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "product_ids[1]");
  EXPECT_NE(bad.error().fields[0].message.find("prd_nope"), std::string::npos);

  auto group = catalog().CreateProductGroup(As("operator"), {"ACD-TOOLSETS", "Toolsets", {acd.id}});
  ASSERT_TRUE(group.ok()) << group.error().message;
  auto rvt = Must(catalog().CreateProduct(As("operator"), NewProduct("RVT", "Revit")));
  auto replaced = catalog().ReplaceProductGroup(As("operator"), group->id,
                                                {"ACD-TOOLSETS", "Toolsets", {rvt.id, acd.id}});
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->product_ids, (std::vector<std::string>{rvt.id, acd.id}));

  auto collection = catalog().CreateCollection(As("operator"), {"AEC", "AEC", {acd.id, rvt.id}});
  ASSERT_TRUE(collection.ok()) << collection.error().message;
  auto listed = catalog().ListCollections(As("user"), {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].product_ids.size(), 2u);
}

TEST_P(CatalogTest, ImportIsIdempotent) {
  auto first = catalog().ImportCatalog(System(), SampleFile());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->created, 5);
  EXPECT_EQ(first->updated, 0);

  auto second = catalog().ImportCatalog(System(), SampleFile());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->updated, 0);
  EXPECT_EQ(second->unchanged, 5);

  auto changed = SampleFile();
  changed.products[1].name = "Revit LT";
  auto third = catalog().ImportCatalog(As("operator"), changed);
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_EQ(third->updated, 1);
  auto imports = Entries("catalog.import");
  ASSERT_EQ(imports.size(), 3u);
  EXPECT_EQ(std::count_if(imports.begin(), imports.end(),
                          [](const core::AuditEntry& e) { return e.actor_role == "system"; }),
            2);
}

TEST_P(CatalogTest, ImportNamesTheEntryOfAnUnknownCodeAndWritesNothing) {
  auto file = SampleFile();
  file.groups[0].products.push_back("NOPE");
  auto refused = catalog().ImportCatalog(System(), file);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "groups[0].products[1]");
  EXPECT_NE(refused.error().fields[0].message.find("NOPE"), std::string::npos);
  auto products = catalog().ListProducts(As("user"), {});
  ASSERT_TRUE(products.ok());
  EXPECT_EQ(products->items.size(), 3u);  // only the fixture's
}

TEST_P(CatalogTest, NonOperatorsAreRefusedAndAudited) {
  for (const char* who : {"pa", "reseller", "cm"}) {
    auto refused = catalog().CreateProduct(As(who), NewProduct("ACD", "AutoCAD"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied) << who;
  }
  auto import = catalog().ImportCatalog(As("pa"), SampleFile());
  ASSERT_FALSE(import.ok());
  EXPECT_EQ(import.error().code, ErrorCode::kPermissionDenied);

  auto denied = Entries("catalog.product.create");
  ASSERT_EQ(denied.size(), 3u);
  for (const auto& entry : denied) EXPECT_EQ(entry.outcome, core::AuditOutcome::kDenied);
  EXPECT_EQ(Entries("catalog.import").size(), 1u);
  EXPECT_EQ(catalog().CreateProduct(As("anonymous"), NewProduct("ACD", "A")).error().code,
            ErrorCode::kUnauthenticated);
}

TEST_P(CatalogTest, ImportAddsEachReleaseOfAProductOnce) {
  CatalogFile file = SampleFile();
  ReleaseRequest release;
  release.version = "2026.1";
  release.kind = "update";
  release.title = "AutoCAD 2026.1";
  release.released_at = clock_.Now();
  release.download_url = "https://downloads.example/ACD/2026.1/setup.exe";
  release.sha256 = std::string(64, 'C');
  release.size_bytes = 1234;
  file.releases = {{"ACD", "products[0].releases[0]", release}};

  auto first = catalog().ImportCatalog(As("operator"), file);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto created = std::find_if(first->items.begin(), first->items.end(),
                              [](const ImportItem& i) { return i.kind == "release"; });
  ASSERT_NE(created, first->items.end());
  EXPECT_EQ(created->code, "ACD 2026.1");
  EXPECT_EQ(created->outcome, ImportOutcome::kCreated);
  auto releases = DownloadService(deps()).ListReleases(As("user"), "ACD");
  ASSERT_TRUE(releases.ok()) << releases.error().message;
  ASSERT_EQ(releases->size(), 1u);
  EXPECT_EQ((*releases)[0].release.sha256, std::string(64, 'c'));
  EXPECT_EQ(Entries("release.created").size(), 1u);

  auto second = catalog().ImportCatalog(As("operator"), file);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->updated, 0);
  EXPECT_EQ(Must(DownloadService(deps()).ListReleases(As("user"), "ACD")).size(), 1u);
}

TEST_P(CatalogTest, ImportNamesTheBadFieldsOfARelease) {
  CatalogFile file = SampleFile();
  ReleaseRequest release;
  release.version = "1";
  release.kind = "release";
  release.title = "AutoCAD 1";
  release.released_at = clock_.Now();
  release.download_url = "ftp://downloads.example/x";
  release.sha256 = "abc";
  release.size_bytes = 10;
  file.releases = {{"ACD", "products[0].releases[0]", release},
                   {"ACD", "products[0].releases[1]", release}};
  file.releases[1].release.download_url = "https://downloads.example/x";
  file.releases[1].release.sha256 = std::string(64, 'd');
  auto result = catalog().ImportCatalog(As("operator"), file);
  ASSERT_FALSE(result.ok());
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"products[0].releases[0].download_url",
                                              "products[0].releases[0].sha256",
                                              "products[0].releases[1].version"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
