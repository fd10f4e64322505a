// The scheduled jobs run by the real binary on both backends: `seatwise jobs run-once --at`
// against a demo database queues the 90-day renewal notice of a demo contract once, however
// often it runs.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "jobs/scheduler.hpp"
#include "mail/smtp_receiver_testing.hpp"
#include "service/json_writer.hpp"
#include "service/lifecycle.hpp"
#include "store/repositories.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class JobsCliTest : public DemoServerTest {
 protected:
  // The serving node's own scheduler stays off: the test moves the clock itself.
  std::vector<std::string> ServerEnvironment() const override {
    return {"SEATWISE_JOBS_ENABLED=false"};
  }

  // An active demo contract that ends the soonest.
  core::Contract DemoContract() {
    auto db = server_->OpenDatabase();
    EXPECT_TRUE(db.ok()) << db.error().message;
    if (!db.ok()) return {};
    seatwise::testing::FakeRandom random(5);
    store::Repositories repos = store::MakeRepositories(random);
    auto page =
        (*db)->Transact<store::Page<core::Contract>>(store::TxMode::kRead, [&](store::Tx& tx) {
          store::ContractFilter filter;
          filter.status = core::ContractStatus::kActive;
          return repos.contracts->ListContracts(tx, filter, {"", store::kMaxPageSize});
        });
    EXPECT_TRUE(page.ok() && !page->items.empty());
    if (!page.ok() || page->items.empty()) return {};
    return *std::min_element(page->items.begin(), page->items.end(),
                             [](const auto& a, const auto& b) { return a.ends_at < b.ends_at; });
  }

  std::string ManagerEmail(const core::Contract& contract) {
    auto db = server_->OpenDatabase();
    if (!db.ok()) return "";
    seatwise::testing::FakeRandom random(6);
    store::Repositories repos = store::MakeRepositories(random);
    auto cm = (*db)->Transact<core::User>(store::TxMode::kRead, [&](store::Tx& tx) {
      return repos.users->Get(tx, contract.contract_manager_id);
    });
    return cm.ok() ? cm->email : "";
  }

  CliRun RunOnce(core::TimePoint at) {
    return RunSeatwise(
        {"jobs", "run-once", "--at", service::FormatTime(at), "--database", server_->database_url(),
         "--set", "auth.secret_key_file=" + server_->temp_path() + "/secret.key"},
        server_->temp_path());
  }

  int NoticesFor(const core::Contract& contract, int days) {
    const std::string key = service::RenewalNoticeKey(contract.id, contract.ends_at, days);
    int n = 0;
    for (const auto& m : QueuedMails(*server_, ManagerEmail(contract))) {
      if (m.event_key == key) {
        EXPECT_EQ(m.template_name, "renewal_notice");
        ++n;
      }
    }
    return n;
  }
};

TEST_P(JobsCliTest, RunOnceNinetyDaysBeforeAContractEndsQueuesItsNoticeOnce) {
  const core::Contract contract = DemoContract();
  ASSERT_FALSE(contract.id.empty());
  const auto at = contract.ends_at - std::chrono::days(90);

  CliRun first = RunOnce(at);
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("renewal_notices: ok"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("contract_lifecycle: ok"), std::string::npos) << first.out;
  EXPECT_EQ(NoticesFor(contract, 90), 1);

  // The same instant again runs every job again and finds the notice sent; so does an hour
  // later.
  CliRun again = RunOnce(at);
  ASSERT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("renewal_notices: ok, 0 processed"), std::string::npos) << again.out;
  CliRun later = RunOnce(at + std::chrono::hours(1));
  ASSERT_EQ(later.code, 0) << later.out << later.err;
  EXPECT_NE(later.out.find("renewal_notices: ok, 0 processed"), std::string::npos) << later.out;
  EXPECT_EQ(NoticesFor(contract, 90), 1);
}

// A job with the name of a real one that only counts its runs, for a scheduler on a clock
// the test moves.
class CountingJob final : public jobs::Job {
 public:
  CountingJob(std::string name, std::chrono::milliseconds every, int* runs)
      : name_(std::move(name)), every_(every), runs_(runs) {}
  std::string_view Name() const override { return name_; }
  std::chrono::milliseconds Every() const override { return every_; }
  core::Result<jobs::JobResult> Run(core::TimePoint) override {
    ++*runs_;
    return jobs::JobResult{};
  }

 private:
  std::string name_;
  std::chrono::milliseconds every_;
  int* runs_;
};

// Issue 15, point 9: "`seatwise jobs run-once --at <future time>` on a live database must
// not delay the server's real schedule (today, after one such run, the running server
// delivers no mail until that future time arrives)".
TEST_P(JobsCliTest, RunOnceAtAFutureInstantDoesNotDelayTheServersSchedule) {
  auto db = server_->OpenDatabase();
  ASSERT_TRUE(db.ok()) << db.error().message;
  seatwise::testing::FakeRandom random(7);
  store::Repositories repos = store::MakeRepositories(random);
  // A day ahead of the wall clock, so no run the demo made is still within its period.
  seatwise::testing::FakeClock clock(core::SystemClock().Now() + std::chrono::days(1));
  service::Deps deps{**db, repos, clock, random};
  int runs = 0;
  jobs::Scheduler server(deps, nullptr, jobs::SchedulerOptions{"server-node"});
  server.Add(std::make_unique<CountingJob>("renewal_notices", std::chrono::hours(1), &runs));
  server.Add(std::make_unique<CountingJob>("webhook_delivery", std::chrono::seconds(10), &runs));
  server.RunDue(clock.Now());
  ASSERT_EQ(runs, 2);

  CliRun once = RunOnce(clock.Now() + std::chrono::days(365));
  ASSERT_EQ(once.code, 0) << once.out << once.err;
  EXPECT_NE(once.out.find("renewal_notices: ok"), std::string::npos) << once.out;
  EXPECT_NE(once.out.find("webhook_delivery: ok"), std::string::npos) << once.out;

  // The serving node's jobs still come due by its own clock: 10 seconds, then an hour.
  clock.Advance(std::chrono::seconds(10));
  auto ran = server.RunDue(clock.Now());
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0].job, "webhook_delivery");
  clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(server.RunDue(clock.Now()).size(), 2u);
  EXPECT_EQ(runs, 5);
  auto row = (*db)->Transact<std::optional<core::JobRun>>(
      store::TxMode::kRead, [&](store::Tx& tx) { return repos.jobs->Get(tx, "renewal_notices"); });
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_LE((*row)->last_started_at, clock.Now());
}

// Issue 15, point 7, and the order set-up article: "1 – Order processed email", "2 – Get
// started email", then the invitation. Over the real server and binary: a reseller creates a
// customer and orders for it over HTTP, `seatwise jobs run-once` delivers the outbox to a real
// SMTP server, and the Contract Manager receives the three in that order, each dated when it
// was queued (distinct, increasing Date headers).
TEST_P(JobsCliTest, ANewCustomersEmailsArriveInTheArticlesOrderWithIncreasingDates) {
  const Credential& rafael = server_->Person("rafael@northwind-cad.example");
  HttpReply created = server_->Call(
      "POST", "/api/v1/accounts", rafael,
      R"({"company":{"name":"Initech","address_line1":"4120 Freidrich Lane","city":"Austin",)"
      R"("postal_code":"78744","country":"US"},"contract_manager":{"email":"quinn@initech.example",)"
      R"("first_name":"Quinn","last_name":"Lumb"}})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string account(created.Json().at("account").at("id").as_string());
  HttpReply placed =
      server_->Call("POST", "/api/v1/accounts/" + account + "/orders", rafael,
                    R"({"term_months":12,"subscriptions":[{"product_code":"DRL","seats":2,)"
                    R"("access":"single_user","activation":"sign_in","model":"term"}]})");
  ASSERT_EQ(placed.status, 201) << placed.Describe();

  mail::testing::SmtpReceiver receiver;
  CliRun delivered = RunSeatwise(
      {"jobs", "run-once", "--database", server_->database_url(), "--set",
       "auth.secret_key_file=" + server_->temp_path() + "/secret.key", "--set", "smtp.enabled=true",
       "--set", "smtp.host=127.0.0.1", "--set", "smtp.port=" + std::to_string(receiver.port()),
       "--set", "smtp.security=none", "--set", "smtp.from=licenses@seatwise.example"},
      server_->temp_path());
  ASSERT_EQ(delivered.code, 0) << delivered.out << delivered.err;

  std::vector<mail::testing::ReceivedMessage> quinn;
  for (auto& m : receiver.Messages()) {
    if (m.envelope.find("quinn@initech.example") != std::string::npos) quinn.push_back(m);
  }
  ASSERT_EQ(quinn.size(), 3u) << delivered.out;
  EXPECT_EQ(quinn[0].subject.rfind("Your order is processed", 0), 0u) << quinn[0].subject;
  EXPECT_EQ(quinn[1].subject.rfind("Get started with contract", 0), 0u) << quinn[1].subject;
  EXPECT_EQ(quinn[2].subject.rfind("You are invited to Initech", 0), 0u) << quinn[2].subject;
  std::vector<std::time_t> dates;
  for (const auto& m : quinn) {
    std::tm tm{};
    ASSERT_NE(::strptime(m.date.c_str(), "%a, %d %b %Y %H:%M:%S", &tm), nullptr) << m.date;
    dates.push_back(::timegm(&tm));
  }
  EXPECT_LT(dates[0], dates[1]) << quinn[0].date << " / " << quinn[1].date;
  EXPECT_LT(dates[1], dates[2]) << quinn[1].date << " / " << quinn[2].date;
}

INSTANTIATE_TEST_SUITE_P(Backends, JobsCliTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
