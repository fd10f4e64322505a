#include "mail/delivery_job.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "mail/smtp_receiver_testing.hpp"
#include "service/mail.hpp"
#include "store/repository_test_fixture.hpp"

namespace seatwise::mail {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::SmtpReceiver;

class DeliveryJobTest : public store::RepositoryTest {
 protected:
  service::Deps deps() { return service::Deps{*db_, repos_, clock_, random_}; }

  SmtpOptions OptionsFor(const SmtpReceiver& receiver) {
    SmtpOptions options;
    options.host = "127.0.0.1";
    options.port = static_cast<std::uint16_t>(receiver.port());
    options.security = SmtpSecurity::kNone;
    options.from = "licenses@seatwise.example";
    options.username = "";
    options.timeout = seconds(20);
    return options;
  }

  // A job sending to `receiver` whose failures are collected in failures_.
  std::unique_ptr<jobs::Job> JobFor(const SmtpReceiver& receiver, DeliveryOptions options = {}) {
    return MakeDeliveryJob(deps(), OptionsFor(receiver), options,
                           [this](const DeliveryFailure& failure) {
                             std::lock_guard lock(failures_mutex_);
                             failures_.push_back(failure);
                           });
  }

  // Queues an e-mail the way a use case does; returns its outbox id.
  std::string Enqueue(const std::string& key, const std::string& to = "ann@example.test",
                      const std::string& first_name = "Ann") {
    core::User user;
    user.id = "usr_" + key;
    user.email = to;
    user.first_name = first_name;
    service::Email email;
    email.event_key = key;
    email.template_name = "assignment";
    email.to = &user;
    email.subject = "Revit is assigned to you";
    email.body = "You can now use Revit.";
    store::Must(Write([&](store::Tx& tx) { return service::EnqueueEmail(tx, deps(), email); }));
    auto found =
        store::Must(Read([&](store::Tx& tx) { return repos_.outbox->FindByEventKey(tx, key); }));
    return found ? found->id : "";
  }

  core::OutboxMessage Row(const std::string& id) {
    return store::Must(Read([&](store::Tx& tx) { return repos_.outbox->Get(tx, id); }));
  }

  jobs::JobResult RunJob(jobs::Job& job) {
    auto result = job.Run(clock_.Now());
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return std::move(result).value();
  }

  // How many times each Message-ID arrived.
  static std::map<std::string, int> Arrivals(const SmtpReceiver& receiver) {
    std::map<std::string, int> count;
    for (const auto& m : receiver.Messages()) ++count[m.message_id];
    return count;
  }

  std::mutex failures_mutex_;
  std::vector<DeliveryFailure> failures_;
};

TEST_P(DeliveryJobTest, RetriesTransientFailuresWithBackoffAndDeliversEachMessageOnce) {
  SmtpReceiver receiver(/*fail_first=*/2);
  // Three recipients: one recipient's e-mails would wait for each other.
  const std::vector<std::string> ids = {Enqueue("k1", "ann@example.test"),
                                        Enqueue("k2", "bob@example.test"),
                                        Enqueue("k3", "cy@example.test")};
  auto job = JobFor(receiver);
  const auto start = clock_.Now();

  EXPECT_EQ(RunJob(*job).processed, 1);
  ASSERT_EQ(receiver.Messages().size(), 1u);
  ASSERT_EQ(failures_.size(), 2u);
  for (const auto& failure : failures_) {
    EXPECT_FALSE(failure.final);
    EXPECT_NE(failure.error.find("451"), std::string::npos) << failure.error;
    const auto row = Row(failure.message_id);
    EXPECT_EQ(row.status, core::OutboxStatus::kPending);
    EXPECT_EQ(row.attempts, 1);
    // One minute, ±10%.
    EXPECT_GE(row.next_attempt_at, start + seconds(54));
    EXPECT_LE(row.next_attempt_at, start + seconds(66));
    EXPECT_NE(FailureLine(failure).find(failure.message_id), std::string::npos);
  }

  // Not due yet: nothing happens.
  EXPECT_EQ(RunJob(*job).processed, 0);
  clock_.Advance(seconds(50));
  EXPECT_EQ(RunJob(*job).processed, 0);
  EXPECT_EQ(receiver.Messages().size(), 1u);

  clock_.Advance(seconds(20));
  EXPECT_EQ(RunJob(*job).processed, 2);
  // A later run, even much later, sends nothing again.
  clock_.Advance(hours(24));
  EXPECT_EQ(RunJob(*job).processed, 0);

  const auto arrivals = Arrivals(receiver);
  ASSERT_EQ(arrivals.size(), 3u);
  int retried = 0;
  for (const auto& id : ids) {
    EXPECT_EQ(arrivals.at("<" + id + "@seatwise.example>"), 1);
    const auto row = Row(id);
    EXPECT_EQ(row.status, core::OutboxStatus::kSent);
    EXPECT_EQ(row.last_error, "");
    retried += row.attempts == 2 ? 1 : 0;
    EXPECT_TRUE(row.attempts == 1 || row.attempts == 2) << row.attempts;
  }
  EXPECT_EQ(retried, 2);
}

TEST_P(DeliveryJobTest, PermanentRefusalFailsTheMessageWithoutRetrying) {
  SmtpReceiver receiver;
  const std::string refused = Enqueue("k-refused", "reject-me@example.test");
  const std::string fine = Enqueue("k-fine");
  auto job = JobFor(receiver);

  EXPECT_EQ(RunJob(*job).processed, 1);
  const auto row = Row(refused);
  EXPECT_EQ(row.status, core::OutboxStatus::kFailed);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.find("550"), std::string::npos) << row.last_error;
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_TRUE(failures_[0].final);

  clock_.Advance(hours(7));
  EXPECT_EQ(RunJob(*job).processed, 0);
  EXPECT_EQ(Row(refused).attempts, 1);
  EXPECT_EQ(Row(fine).status, core::OutboxStatus::kSent);
  EXPECT_EQ(receiver.Messages().size(), 1u);
  EXPECT_EQ(failures_.size(), 1u);
}

TEST_P(DeliveryJobTest, GivesUpAfterTheConfiguredNumberOfAttempts) {
  SmtpReceiver receiver(/*fail_first=*/100);
  const std::string id = Enqueue("k-busy");
  DeliveryOptions options;
  options.max_attempts = 3;
  auto job = JobFor(receiver, options);

  RunJob(*job);
  EXPECT_EQ(Row(id).attempts, 1);
  clock_.Advance(minutes(2));  // past 1 minute + 10%
  RunJob(*job);
  EXPECT_EQ(Row(id).attempts, 2);
  clock_.Advance(minutes(3));  // past 2 minutes + 10%
  RunJob(*job);

  const auto row = Row(id);
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.status, core::OutboxStatus::kFailed);
  ASSERT_EQ(failures_.size(), 3u);
  EXPECT_FALSE(failures_[1].final);
  EXPECT_TRUE(failures_[2].final);
  clock_.Advance(hours(24));
  RunJob(*job);
  EXPECT_EQ(Row(id).attempts, 3);
  EXPECT_TRUE(receiver.Messages().empty());
}

TEST_P(DeliveryJobTest, AMessageClaimedByANodeThatStoppedIsSentOnceItsClaimRunsOut) {
  SmtpReceiver receiver;
  const std::string id = Enqueue("k-orphan");
  // Another node claimed it and stopped before sending.
  store::Must(Write(
      [&](store::Tx& tx) { return repos_.outbox->ClaimDue(tx, clock_.Now(), 10, minutes(10)); }));
  auto job = JobFor(receiver);  // a fresh node, as after a restart
  EXPECT_EQ(RunJob(*job).processed, 0);
  clock_.Advance(minutes(10));
  EXPECT_EQ(RunJob(*job).processed, 1);
  EXPECT_EQ(Row(id).status, core::OutboxStatus::kSent);
  EXPECT_EQ(receiver.Messages().size(), 1u);
}

TEST_P(DeliveryJobTest, TwoNodesAtOnceNeverSendTheSameMessageTwice) {
  SmtpReceiver receiver;
  constexpr int kMessages = 24;
  std::set<std::string> ids;
  for (int i = 0; i < kMessages; ++i) {
    ids.insert(Enqueue("k-race-" + std::to_string(i), "p" + std::to_string(i) + "@example.test"));
  }
  DeliveryOptions options;
  options.batch_size = 2;
  auto node_a = JobFor(receiver, options);
  auto node_b = JobFor(receiver, options);

  std::int64_t sent_a = 0;
  std::int64_t sent_b = 0;
  const auto now = clock_.Now();
  std::thread a([&] { sent_a = node_a->Run(now).value().processed; });
  std::thread b([&] { sent_b = node_b->Run(now).value().processed; });
  a.join();
  b.join();

  EXPECT_EQ(sent_a + sent_b, kMessages);
  const auto arrivals = Arrivals(receiver);
  EXPECT_EQ(arrivals.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [message_id, count] : arrivals) EXPECT_EQ(count, 1) << message_id;
  for (const auto& id : ids) EXPECT_EQ(Row(id).status, core::OutboxStatus::kSent);
  EXPECT_TRUE(failures_.empty());
}

TEST_P(DeliveryJobTest, UserNamesAreEscapedInHtmlAndVerbatimInTextAsDelivered) {
  SmtpReceiver receiver;
  const std::string hostile = "<script>alert(1)</script> & \"x\"";
  Enqueue("k-hostile", "ann@example.test", hostile);
  auto job = JobFor(receiver);
  EXPECT_EQ(RunJob(*job).processed, 1);

  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].subject, "Revit is assigned to you");
  EXPECT_EQ(messages[0].structure, "multipart/alternative\ntext/plain\ntext/html");
  EXPECT_NE(messages[0].text.find("Hello " + hostile + ","), std::string::npos) << messages[0].text;
  EXPECT_NE(messages[0].html.find("Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                                  "&quot;x&quot;,"),
            std::string::npos)
      << messages[0].html;
  EXPECT_EQ(messages[0].html.find("<script>"), std::string::npos);
}

// Issue 15, point 7, seed 002: "1 – COPE (Customer Order processed email) is received",
// "2 – Get started email": one recipient's e-mails arrive in the order they were queued,
// each dated when it was queued -- distinct, increasing Date headers even when queued in
// the same millisecond -- and a message waiting for a retry holds back the later ones to
// the same address (not those to anyone else).
TEST_P(DeliveryJobTest, OneRecipientsMailsArriveInQueueOrderWithIncreasingQueuedDates) {
  SmtpReceiver receiver(/*fail_first=*/1);
  const auto queued = clock_.Now() + std::chrono::milliseconds(250);
  clock_.Set(queued);
  const std::string first = Enqueue("k-order-processed", "cm@example.test");
  const std::string second = Enqueue("k-get-started", "cm@example.test");
  const std::string third = Enqueue("k-invitation", "cm@example.test");
  const std::string other = Enqueue("k-other", "bob@example.test");
  auto job = JobFor(receiver);

  // The first to cm@ is refused for now (451): the other two to cm@ wait; bob's goes.
  EXPECT_EQ(RunJob(*job).processed, 1);
  ASSERT_EQ(receiver.Messages().size(), 1u);
  EXPECT_EQ(receiver.Messages()[0].to, "bob@example.test");
  EXPECT_EQ(Row(second).attempts, 0);
  EXPECT_EQ(Row(third).attempts, 0);
  EXPECT_EQ(Row(first).attempts, 1);

  // Sent later, the three keep their order and their queued time.
  clock_.Advance(minutes(2));
  EXPECT_EQ(RunJob(*job).processed, 3);
  const auto messages = receiver.Messages();
  ASSERT_EQ(messages.size(), 4u);
  const auto second_of_queueing = queued - std::chrono::milliseconds(250);
  const std::vector<std::string> expected_ids = {first, second, third};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i + 1].message_id, "<" + expected_ids[i] + "@seatwise.example>");
    EXPECT_EQ(messages[i + 1].date, RfcDate(second_of_queueing + seconds(static_cast<int>(i))));
  }
  EXPECT_EQ(messages[0].date, RfcDate(second_of_queueing));
  EXPECT_EQ(messages[1].date, "Thu, 01 Jan 2026 00:00:00 +0000");
}

TEST_P(DeliveryJobTest, AMessageThatFailedForGoodNoLongerHoldsBackTheNextOne) {
  SmtpReceiver receiver(/*fail_first=*/1);
  const std::string doomed = Enqueue("k-doomed", "cm@example.test");
  const std::string next = Enqueue("k-next", "cm@example.test");
  DeliveryOptions options;
  options.max_attempts = 1;
  auto job = JobFor(receiver, options);
  EXPECT_EQ(RunJob(*job).processed, 1);
  EXPECT_EQ(Row(doomed).status, core::OutboxStatus::kFailed);
  EXPECT_EQ(Row(next).status, core::OutboxStatus::kSent);
}

TEST(RetryDelayTest, DoublesFromOneMinuteUpToSixHoursWithTenPercentJitter) {
  seatwise::testing::FakeRandom random;
  const std::vector<std::pair<int, std::chrono::milliseconds>> expected = {
      {1, minutes(1)},   {2, minutes(2)},    {3, minutes(4)}, {4, minutes(8)},
      {9, minutes(256)}, {10, minutes(360)}, {11, hours(6)},  {40, hours(6)}};
  for (const auto& [attempts, base] : expected) {
    for (int sample = 0; sample < 20; ++sample) {
      const auto delay = RetryDelay(attempts, random);
      EXPECT_GE(delay.count(), base.count() * 9 / 10) << attempts;
      EXPECT_LE(delay.count(), base.count() * 11 / 10) << attempts;
    }
  }
}

TEST(RetryDelayTest, JitterSpreadsMessagesThatFailedTogether) {
  seatwise::testing::FakeRandom random;
  std::set<std::int64_t> delays;
  for (int i = 0; i < 10; ++i) delays.insert(RetryDelay(3, random).count());
  EXPECT_GT(delays.size(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeliveryJobTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         ::seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::mail
