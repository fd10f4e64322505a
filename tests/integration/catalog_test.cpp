// The catalog over real HTTP on both backends: the operator creates and lists, a Primary
// Admin is refused, nobody signed in is asked to sign in, and a second import of the same
// file changes nothing.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

constexpr std::string_view kOperator = "operator@seatwise.example";

class CatalogApiTest : public DemoServerTest {
 protected:
};

TEST_P(CatalogApiTest, OperatorCreatesAndEveryoneSignedInLists) {
  const Credential& op = server_->Person(std::string(kOperator));
  HttpReply created =
      server_->Call("POST", "/api/v1/products", op,
                    R"({"code":"IT-ONE","name":"Integration One","release":"2026"})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string id(created.Json().at("id").as_string());

  HttpReply again =
      server_->Call("POST", "/api/v1/products", op, R"({"code":"IT-ONE","name":"Again"})");
  EXPECT_EQ(again.status, 409) << again.Describe();

  HttpReply invalid = server_->Call("POST", "/api/v1/products", op, R"({"code":"x"})");
  EXPECT_EQ(invalid.status, 400) << invalid.Describe();

  const Credential& ann = server_->Person(DemoEmail("ann"));
  bool found = false;
  std::string after;
  for (int i = 0; i < 100 && !found; ++i) {
    HttpReply page = server_->Call(
        "GET", "/api/v1/products?limit=50" + (after.empty() ? "" : "&after=" + after), ann);
    ASSERT_EQ(page.status, 200) << page.Describe();
    const boost::json::value body = page.Json();
    for (const auto& item : body.at("items").as_array()) {
      if (item.at("id").as_string() == id) found = true;
    }
    if (body.at("next_after").is_null()) break;
    after = std::string(body.at("next_after").as_string());
  }
  EXPECT_TRUE(found);

  HttpReply refused =
      server_->Call("POST", "/api/v1/products", ann, R"({"code":"IT-ANN","name":"Ann's"})");
  EXPECT_EQ(refused.status, 403) << refused.Describe();
  HttpReply anonymous = server_->Call("GET", "/api/v1/products", Credential{});
  EXPECT_EQ(anonymous.status, 401) << anonymous.Describe();

  HttpReply group = server_->Call(
      "POST", "/api/v1/product-groups", op,
      R"({"code":"IT-GROUP","name":"Group","product_ids":[")" + id + R"(","prd_unknown"]})");
  EXPECT_EQ(group.status, 400) << group.Describe();
}

TEST_P(CatalogApiTest, SecondImportOfTheSameFileChangesNothing) {
  const Credential& op = server_->Person(std::string(kOperator));
  const std::string file = R"({
    "products": [{"code": "IT-IMP-A", "name": "Imported A"}, {"code": "IT-IMP-B", "name": "B"}],
    "groups": [{"code": "IT-IMP-G", "name": "Group", "products": ["IT-IMP-A", "IT-IMP-B"]}],
    "collections": [{"code": "IT-IMP-C", "name": "Collection", "products": ["IT-IMP-A"]}],
    "services": [{"code": "IT-IMP-S", "name": "Support", "kind": "support"}]
  })";
  HttpReply first = server_->Call("POST", "/api/v1/catalog/import", op, file);
  ASSERT_EQ(first.status, 200) << first.Describe();
  EXPECT_EQ(first.Json().at("created").as_int64(), 5);

  HttpReply second = server_->Call("POST", "/api/v1/catalog/import", op, file);
  ASSERT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.Json().at("created").as_int64(), 0);
  EXPECT_EQ(second.Json().at("updated").as_int64(), 0);
  EXPECT_EQ(second.Json().at("unchanged").as_int64(), 5);

  HttpReply by_ann =
      server_->Call("POST", "/api/v1/catalog/import", server_->Person(DemoEmail("ann")), file);
  EXPECT_EQ(by_ann.status, 403) << by_ann.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogApiTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
