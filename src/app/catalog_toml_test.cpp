#include "app/catalog_toml.hpp"

#include <gtest/gtest.h>

namespace seatwise::app {
namespace {

TEST(CatalogTomlTest, ReadsEverySection) {
  auto file = ParseCatalogToml(R"(
[[products]]
code = "ACD"
name = "AutoCAD"
release = "2026"

[[groups]]
code = "ACD-TOOLSETS"
name = "AutoCAD including specialized toolsets"
products = ["ACD"]

[[collections]]
code = "AEC"
name = "AEC Collection"
products = ["ACD"]

[[services]]
code = "CLOUD"
name = "Cloud rendering"
kind = "cloud"
)",
                               "catalog.toml");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->products.size(), 1u);
  EXPECT_EQ(file->products[0].release, "2026");
  ASSERT_EQ(file->groups.size(), 1u);
  EXPECT_EQ(file->groups[0].products, std::vector<std::string>{"ACD"});
  ASSERT_EQ(file->collections.size(), 1u);
  ASSERT_EQ(file->services.size(), 1u);
  EXPECT_EQ(file->services[0].kind, "cloud");
}

TEST(CatalogTomlTest, NamesTheEntryAndLineOfAMistake) {
  auto file = ParseCatalogToml(
      "[[products]]\ncode = \"ACD\"\n\n[[products]]\nname = 3\nprodcuts = 1\n", "catalog.toml");
  ASSERT_FALSE(file.ok());
  ASSERT_EQ(file.error().fields.size(), 4u);
  EXPECT_EQ(file.error().fields[0].field, "products[0].name");
  EXPECT_EQ(file.error().fields[1].field, "products[1].code");
  EXPECT_EQ(file.error().fields[2].field, "products[1].name");
  EXPECT_EQ(file.error().fields[3].field, "products[1].prodcuts");
  EXPECT_NE(file.error().fields[3].message.find("catalog.toml:4"), std::string::npos)
      << file.error().fields[3].message;
}

TEST(CatalogTomlTest, ReadsTheReleasesOfAProduct) {
  auto file = ParseCatalogToml(R"(
[[products]]
code = "ACD"
name = "AutoCAD"

[[products.releases]]
version = "2027"
kind = "release"
title = "AutoCAD 2027"
released_at = 2027-04-01T02:00:00+02:00
download_url = "https://downloads.example/ACD/2027/setup.exe"
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
size_bytes = 5368709120

[[products.releases]]
version = "2027.1"
kind = "update"
title = "AutoCAD 2027.1"
released_at = "2027-06-01T00:00:00Z"
download_url = "https://downloads.example/ACD/2027.1/update.exe"
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
size_bytes = 1000
notes = "Fixes"
)",
                               "catalog.toml");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->releases.size(), 2u);
  const auto& first = file->releases[0];
  EXPECT_EQ(first.product, "ACD");
  EXPECT_EQ(first.at, "products[0].releases[0]");
  EXPECT_EQ(first.release.version, "2027");
  ASSERT_TRUE(first.release.released_at.has_value());
  EXPECT_EQ(core::ToUnixMillis(*first.release.released_at), 1'806'537'600'000);  // 00:00Z
  EXPECT_EQ(first.release.size_bytes, 5'368'709'120);
  EXPECT_EQ(file->releases[1].release.notes, "Fixes");
  ASSERT_TRUE(file->releases[1].release.released_at.has_value());
}

TEST(CatalogTomlTest, NamesTheBadKeysOfARelease) {
  auto file = ParseCatalogToml(R"(
[[products]]
code = "ACD"
name = "AutoCAD"

[[products.releases]]
version = 2027
released_at = 2027-04-01
size_bytes = "big"
)",
                               "catalog.toml");
  ASSERT_FALSE(file.ok());
  std::vector<std::string> fields;
  for (const auto& f : file.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"products[0].releases[0].version",
                                              "products[0].releases[0].released_at",
                                              "products[0].releases[0].size_bytes"}));
}

TEST(CatalogTomlTest, ReportsMalformedTomlWithItsPosition) {
  auto file = ParseCatalogToml("[[products]\n", "catalog.toml");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("catalog.toml:1:"), std::string::npos)
      << file.error().message;
}

}  // namespace
}  // namespace seatwise::app
