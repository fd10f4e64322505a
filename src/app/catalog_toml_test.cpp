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

TEST(CatalogTomlTest, ReportsMalformedTomlWithItsPosition) {
  auto file = ParseCatalogToml("[[products]\n", "catalog.toml");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("catalog.toml:1:"), std::string::npos)
      << file.error().message;
}

}  // namespace
}  // namespace seatwise::app
