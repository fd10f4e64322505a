#include "service/idempotency.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "service/authz_test_fixture.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using Outcome = IdempotencyClaim::Outcome;

class IdempotencyTest : public AuthzTest {
 protected:
  IdempotencyService keys() { return IdempotencyService(deps()); }

  Outcome ClaimOf(const std::string& owner, const std::string& key, const std::string& request) {
    auto claim = keys().Claim(owner, key, request);
    EXPECT_TRUE(claim.ok()) << claim.error().message;
    return claim.ok() ? claim->outcome : Outcome::kMismatch;
  }
};

TEST_P(IdempotencyTest, AFinishedRequestIsReplayedAndADifferentOneIsRefused) {
  const std::string order = "POST /api/v1/accounts\n{\"name\":\"Acme\"}";
  EXPECT_EQ(ClaimOf("usr_a", "k-1", order), Outcome::kRun);
  ASSERT_TRUE(keys().Complete("usr_a", "k-1", 201, R"({"id":"acc_1"})").ok());

  auto again = keys().Claim("usr_a", "k-1", order);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, Outcome::kReplay);
  EXPECT_EQ(again->status, 201);
  EXPECT_EQ(again->body, R"({"id":"acc_1"})");

  EXPECT_EQ(ClaimOf("usr_a", "k-1", "POST /api/v1/accounts\n{\"name\":\"Other\"}"),
            Outcome::kMismatch);
  // Another caller's key of the same text is theirs alone.
  EXPECT_EQ(ClaimOf("usr_b", "k-1", order), Outcome::kRun);
}

TEST_P(IdempotencyTest, ARunningRequestIsReportedAndAFailedOneGivesItsKeyBack) {
  EXPECT_EQ(ClaimOf("usr_a", "k-2", "POST /x\n{}"), Outcome::kRun);
  EXPECT_EQ(ClaimOf("usr_a", "k-2", "POST /x\n{}"), Outcome::kInProgress);
  ASSERT_TRUE(keys().Release("usr_a", "k-2").ok());
  EXPECT_EQ(ClaimOf("usr_a", "k-2", "POST /x\n{\"fixed\":true}"), Outcome::kRun);
}

TEST_P(IdempotencyTest, KeysLiveADayAndAbandonedClaimsAreTakenOver) {
  EXPECT_EQ(ClaimOf("usr_a", "k-3", "POST /x\n{}"), Outcome::kRun);
  clock_.Advance(std::chrono::minutes(4));
  EXPECT_EQ(ClaimOf("usr_a", "k-3", "POST /x\n{}"), Outcome::kInProgress);
  clock_.Advance(std::chrono::minutes(2));  // the first never answered
  EXPECT_EQ(ClaimOf("usr_a", "k-3", "POST /x\n{}"), Outcome::kRun);
  ASSERT_TRUE(keys().Complete("usr_a", "k-3", 200, "{}").ok());
  clock_.Advance(std::chrono::hours(23));
  EXPECT_EQ(ClaimOf("usr_a", "k-3", "POST /x\n{}"), Outcome::kReplay);
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(ClaimOf("usr_a", "k-3", "POST /x\n{}"), Outcome::kRun);
}

TEST_P(IdempotencyTest, MalformedKeysAreRefused) {
  for (const std::string& key : {std::string(), std::string(256, 'k'), std::string("has space"),
                                 std::string("t\xc3\xa9st")}) {
    auto claim = keys().Claim("usr_a", key, "POST /x\n{}");
    ASSERT_FALSE(claim.ok()) << key;
    EXPECT_EQ(claim.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(ClaimOf("usr_a", std::string(255, 'k'), "POST /x\n{}"), Outcome::kRun);
}

TEST_P(IdempotencyTest, CopiesSentAtOnceRunOnce) {
  constexpr int kCopies = 8;
  std::vector<Outcome> outcomes(kCopies, Outcome::kMismatch);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCopies; ++i) {
    threads.emplace_back([&, i] {
      auto claim = keys().Claim("usr_a", "k-race", "POST /api/v1/resellers\n{}");
      if (claim.ok()) outcomes[i] = claim->outcome;
    });
  }
  for (auto& t : threads) t.join();
  int run = 0;
  int waiting = 0;
  for (Outcome o : outcomes) {
    run += o == Outcome::kRun;
    waiting += o == Outcome::kInProgress;
  }
  EXPECT_EQ(run, 1);
  EXPECT_EQ(waiting, kCopies - 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdempotencyTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::BackendParamName);

}  // namespace
}  // namespace seatwise::service
