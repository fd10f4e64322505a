#include "jobs/webhook_delivery_job.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/loopback_receiver.hpp"
#include "service/webhooks.hpp"
#include "store/repository_test_fixture.hpp"

namespace seatwise::jobs {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// A real HTTP server on a free loopback port: tests/fakes/webhook_receiver.py, recording each
// request in a temporary directory that the test reads back.
class WebhookReceiver {
 public:
  struct Request {
    std::string body;
    std::string headers;
    int status = 0;

    std::string Header(const std::string& name) const {
      std::istringstream lines(headers);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.size() > name.size() + 1 && line.compare(0, name.size(), name) == 0 &&
            line[name.size()] == ':') {
          return line.substr(name.size() + 2);
        }
      }
      return "";
    }
  };

  // Answers 500 to the first `fail_first` requests (every one when `fail_always`), then 204.
  explicit WebhookReceiver(int fail_first, bool fail_always = false)
      : receiver_("the webhook receiver", "webhook_receiver.py", Args(fail_first, fail_always)) {}

  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(receiver_.port()) + "/hooks";
  }

  // Every request received so far, in the order of arrival.
  std::vector<Request> Requests() const {
    using Receiver = seatwise::testing::LoopbackReceiver;
    std::vector<Request> out;
    for (const auto& d : receiver_.Records()) {
      Request r;
      r.body = Receiver::Read(d / "body");
      r.headers = Receiver::Read(d / "headers");
      r.status = std::stoi(Receiver::Read(d / "status"));
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  static std::vector<std::string> Args(int fail_first, bool fail_always) {
    std::vector<std::string> args = {"--fail-first", std::to_string(fail_first)};
    if (fail_always) args.push_back("--fail-always");
    return args;
  }

  seatwise::testing::LoopbackReceiver receiver_;
};

// The signature a receiver computes, with libsodium directly.
std::string ExpectedSignature(const std::string& secret, const std::string& timestamp,
                              const std::string& body) {
  const std::string message = timestamp + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("v1=") + hex;
}

class WebhookDeliveryJobTest : public store::RepositoryTest {
 protected:
  void SetUp() override {
    store::RepositoryTest::SetUp();
    customer_ = NewCustomer();
    key_.fill(7);
  }

  service::Deps deps() { return service::Deps{*db_, repos_, clock_, random_}; }

  service::Caller Admin() const {
    service::Caller caller;
    caller.principal.method = service::AuthMethod::kSession;
    caller.principal.user_id = customer_.admin.id;
    caller.meta = {"192.0.2.1", "req-webhook", "test"};
    return caller;
  }

  // Registers an endpoint for `url` subscribed to lease.denied; returns it with its secret.
  service::WebhookWithSecret Register(const std::string& url) {
    service::WebhookService webhooks(deps(), {key_, /*allow_loopback_http=*/true});
    service::WebhookEndpointInput input;
    input.url = url;
    input.events = std::vector<std::string>{"lease.denied"};
    return store::Must(webhooks.CreateEndpoint(Admin(), customer_.team.id, input));
  }

  void Emit(const std::string& payload) {
    const int queued = store::Must(Write([&](store::Tx& tx) {
      return service::EnqueueWebhookEvent(tx, deps(), customer_.team.id, "lease.denied", payload);
    }));
    ASSERT_EQ(queued, 1);
  }

  std::vector<core::WebhookDelivery> Deliveries(const std::string& endpoint_id) {
    service::WebhookService webhooks(deps(), {key_, true});
    return store::Must(webhooks.ListDeliveries(Admin(), customer_.team.id, endpoint_id,
                                               {"", store::kMaxPageSize}))
        .items;
  }

  std::unique_ptr<Job> NewJob() {
    WebhookDeliveryOptions options;
    options.sealing_key = key_;
    return MakeWebhookDeliveryJob(deps(), options);
  }

  JobResult RunJob(Job& job) { return store::Must(job.Run(clock_.Now())); }

  store::Customer customer_;
  std::array<std::uint8_t, 32> key_{};
};

TEST_P(WebhookDeliveryJobTest, RetriesWithBackoffAndDeliversOnceWithAVerifiableSignature) {
  WebhookReceiver receiver(/*fail_first=*/2);
  const auto endpoint = Register(receiver.Url());
  Emit(R"({"product":"Revit","host":"ws-17"})");
  auto job = NewJob();
  const auto start = clock_.Now();

  EXPECT_EQ(RunJob(*job).processed, 0);
  ASSERT_EQ(receiver.Requests().size(), 1u);
  auto rows = Deliveries(endpoint.endpoint.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kPending);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(rows[0].last_status_code, 500);
  EXPECT_EQ(rows[0].last_error, "HTTP 500");
  // 30 seconds, ±10%.
  EXPECT_GE(rows[0].next_attempt_at, start + seconds(27));
  EXPECT_LE(rows[0].next_attempt_at, start + seconds(33));

  // Not due yet: nothing is sent.
  clock_.Advance(seconds(26));
  RunJob(*job);
  EXPECT_EQ(receiver.Requests().size(), 1u);

  clock_.Advance(seconds(8));
  RunJob(*job);
  ASSERT_EQ(receiver.Requests().size(), 2u);
  rows = Deliveries(endpoint.endpoint.id);
  EXPECT_EQ(rows[0].attempts, 2);
  // The wait doubles: 60 seconds, ±10%.
  EXPECT_GE(rows[0].next_attempt_at, clock_.Now() + seconds(54));
  EXPECT_LE(rows[0].next_attempt_at, clock_.Now() + seconds(66));

  clock_.Advance(seconds(67));
  EXPECT_EQ(RunJob(*job).processed, 1);
  clock_.Advance(hours(24));
  EXPECT_EQ(RunJob(*job).processed, 0);

  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].status, 204);
  rows = Deliveries(endpoint.endpoint.id);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kDelivered);
  EXPECT_EQ(rows[0].attempts, 3);
  EXPECT_EQ(rows[0].last_status_code, 204);
  EXPECT_EQ(rows[0].last_error, "");
  ASSERT_TRUE(rows[0].delivered_at.has_value());

  for (const auto& request : requests) {
    EXPECT_EQ(request.Header("Seatwise-Event"), "lease.denied");
    EXPECT_EQ(request.Header("Seatwise-Delivery"), rows[0].id);
    EXPECT_EQ(request.Header("Content-Type"), "application/json");
    const std::string timestamp = request.Header("Seatwise-Timestamp");
    EXPECT_EQ(request.Header("Seatwise-Signature"),
              ExpectedSignature(endpoint.secret, timestamp, request.body));
    EXPECT_NE(request.Header("Seatwise-Signature"),
              ExpectedSignature("whsec_wrong", timestamp, request.body));
    EXPECT_NE(request.body.find("\"lease.denied\""), std::string::npos) << request.body;
    EXPECT_NE(request.body.find("ws-17"), std::string::npos) << request.body;
  }
  // Each attempt is signed at its own time.
  EXPECT_EQ(requests[0].Header("Seatwise-Timestamp"),
            std::to_string(core::ToUnixMillis(start) / 1000));
  EXPECT_EQ(requests[2].Header("Seatwise-Timestamp"),
            std::to_string(core::ToUnixMillis(clock_.Now() - hours(24)) / 1000));
}

TEST_P(WebhookDeliveryJobTest, AReceiverThatAlwaysFailsGetsTenAttemptsThenTheDeliveryFails) {
  WebhookReceiver receiver(0, /*fail_always=*/true);
  const auto endpoint = Register(receiver.Url());
  Emit("{}");
  auto job = NewJob();
  for (int i = 0; i < 10; ++i) {
    RunJob(*job);
    clock_.Advance(hours(7));  // beyond the longest wait
  }
  RunJob(*job);
  EXPECT_EQ(receiver.Requests().size(), 10u);
  const auto rows = Deliveries(endpoint.endpoint.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kFailed);
  EXPECT_EQ(rows[0].attempts, 10);
  EXPECT_EQ(rows[0].last_status_code, 500);
  EXPECT_EQ(rows[0].last_error, "HTTP 500");
  EXPECT_FALSE(rows[0].delivered_at.has_value());
}

TEST_P(WebhookDeliveryJobTest, AnUnreachableEndpointIsRetriedWithTheConnectionError) {
  // A port nothing listens on: the receiver is started and stopped to find one.
  std::string url;
  {
    WebhookReceiver gone(0);
    url = gone.Url();
  }
  const auto endpoint = Register(url);
  Emit("{}");
  auto job = NewJob();
  RunJob(*job);
  const auto rows = Deliveries(endpoint.endpoint.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kPending);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_FALSE(rows[0].last_status_code.has_value());
  EXPECT_FALSE(rows[0].last_error.empty());
  EXPECT_LE(rows[0].last_error.size(), 200u);
}

TEST(WebhookRetryDelayTest, StartsAtThirtySecondsDoublesAndStopsAtSixHours) {
  seatwise::testing::FakeRandom random;
  for (int i = 0; i < 20; ++i) {
    const auto first = WebhookRetryDelay(1, random);
    EXPECT_GE(first, seconds(27));
    EXPECT_LE(first, seconds(33));
    const auto fourth = WebhookRetryDelay(4, random);  // 4 minutes
    EXPECT_GE(fourth, seconds(216));
    EXPECT_LE(fourth, seconds(264));
    const auto late = WebhookRetryDelay(30, random);
    EXPECT_GE(late, std::chrono::minutes(324));
    EXPECT_LE(late, std::chrono::minutes(396));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookDeliveryJobTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         ::seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::jobs
