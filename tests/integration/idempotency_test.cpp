// Idempotency-Key over real HTTP on both backends: a repeated creating POST gets the first
// answer again and creates nothing more; the key bound to another body is refused; a failed
// request gives its key back; requests without a key behave as always.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

#include "fakes/test_databases.hpp"
#include "integration/support.hpp"

namespace seatwise::itest {
namespace {

class IdempotencyHttpTest : public DemoServerTest {
 protected:
  int CountResellersNamed(const Credential& who, const std::string& name) {
    HttpReply listed = server_->Call("GET", "/api/v1/resellers?limit=200", who);
    EXPECT_EQ(listed.status, 200) << listed.Describe();
    int count = 0;
    const boost::json::value listing = listed.Json();
    for (const auto& r : listing.at("items").as_array()) {
      count += r.at("name") == name.c_str() ? 1 : 0;
    }
    return count;
  }
};

TEST_P(IdempotencyHttpTest, ARepeatedCreateIsAnsweredOnceAndCreatesOnce) {
  const Credential& op = server_->Person(DemoEmail("operator"));
  const std::string body = R"({"name":"Fabrikam Resale","contact_email":"sales@fabrikam.example"})";
  const Headers key = {{"Idempotency-Key", "7d9c6a2e-order-1"}};

  HttpReply first = server_->Call("POST", "/api/v1/resellers", op, body, key);
  ASSERT_EQ(first.status, 201) << first.Describe();
  EXPECT_EQ(first.Header("Idempotent-Replayed"), "");
  HttpReply repeat = server_->Call("POST", "/api/v1/resellers", op, body, key);
  ASSERT_EQ(repeat.status, 201) << repeat.Describe();
  EXPECT_EQ(repeat.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(repeat.Json().at("id"), first.Json().at("id"));
  EXPECT_EQ(CountResellersNamed(op, "Fabrikam Resale"), 1);

  // The same key for another request is refused and creates nothing.
  HttpReply other =
      server_->Call("POST", "/api/v1/resellers", op,
                    R"({"name":"Another Resale","contact_email":"a@another.example"})", key);
  EXPECT_EQ(other.status, 409) << other.Describe();
  EXPECT_NE(other.body.find("different request"), std::string::npos) << other.body;
  EXPECT_EQ(CountResellersNamed(op, "Another Resale"), 0);

  // Without a key, a repeat runs again: here refused as a duplicate name.
  EXPECT_EQ(server_->Call("POST", "/api/v1/resellers", op, body).status, 409);
}

TEST_P(IdempotencyHttpTest, AFailedRequestGivesItsKeyBackForTheCorrectedRetry) {
  const Credential& op = server_->Person(DemoEmail("operator"));
  const Headers key = {{"Idempotency-Key", "retry-after-fix"}};
  HttpReply bad = server_->Call("POST", "/api/v1/resellers", op,
                                R"({"name":"Litware","contact_email":"not an address"})", key);
  ASSERT_EQ(bad.status, 400) << bad.Describe();
  HttpReply fixed =
      server_->Call("POST", "/api/v1/resellers", op,
                    R"({"name":"Litware","contact_email":"hi@litware.example"})", key);
  EXPECT_EQ(fixed.status, 201) << fixed.Describe();
  EXPECT_EQ(CountResellersNamed(op, "Litware"), 1);

  HttpReply malformed = server_->Call("POST", "/api/v1/resellers", op, "{}",
                                      {{"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("Idempotency-Key"), std::string::npos) << malformed.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, IdempotencyHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
