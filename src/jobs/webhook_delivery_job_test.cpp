#include "jobs/webhook_delivery_job.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/fake_host_resolver.hpp"
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

  std::string Url(const std::string& scheme = "http", const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(receiver_.port()) + "/hooks";
  }

  int port() const { return receiver_.port(); }

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
    service::WebhookService webhooks(deps(), {key_, /*allow_loopback_http=*/true, &resolver_});
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

  // The job as the tests' configuration has it: the loopback test switch on.
  WebhookDeliveryOptions Options(bool allow_loopback_http = true) {
    WebhookDeliveryOptions options;
    options.sealing_key = key_;
    options.allow_loopback_http = allow_loopback_http;
    options.resolver = &resolver_;
    return options;
  }

  std::unique_ptr<Job> NewJob(bool allow_loopback_http = true) {
    return MakeWebhookDeliveryJob(deps(), Options(allow_loopback_http));
  }

  // A job whose requests are recorded in `sent`, each answered with `status`, instead of
  // going out.
  std::unique_ptr<Job> JobRecordingInto(std::vector<WebhookPost>& sent, int status = 204) {
    return std::make_unique<WebhookDeliveryJob>(deps(), Options(),
                                                [&sent, status](const WebhookPost& post) {
                                                  sent.push_back(post);
                                                  WebhookAnswer answer;
                                                  answer.status_code = status;
                                                  return answer;
                                                });
  }

  // Changes the endpoint's URL in the database, as a row written before today's rules.
  void StoreUrl(core::WebhookEndpoint endpoint, const std::string& url) {
    endpoint.url = url;
    store::Must(Write([&](store::Tx& tx) {
      return deps().repos.webhooks->UpdateEndpoint(tx, endpoint, clock_.Now());
    }));
  }

  JobResult RunJob(Job& job) { return store::Must(job.Run(clock_.Now())); }

  store::Customer customer_;
  std::array<std::uint8_t, 32> key_{};
  seatwise::testing::FakeHostResolver resolver_;
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
  EXPECT_EQ(rows[0].last_error, "could not connect");
}

TEST_P(WebhookDeliveryJobTest, ATlsFailureShowsTheAdminOnlyThatItCouldNotConnect) {
  // https:// to a server that greets in plain text (an SMTP server): the TLS handshake
  // fails at once. libcurl's words for that (or for a refused port, an unknown name, a wrong
  // certificate) tell how the network around the server answers; the admin sees none of them.
  seatwise::testing::LoopbackReceiver smtp("the SMTP receiver", "smtp_receiver.py", {});
  const auto endpoint = Register("https://127.0.0.1:" + std::to_string(smtp.port()) + "/hooks");
  Emit("{}");
  auto job = NewJob();
  RunJob(*job);
  const auto rows = Deliveries(endpoint.endpoint.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kPending);
  EXPECT_FALSE(rows[0].last_status_code.has_value());
  EXPECT_EQ(rows[0].last_error, "could not connect");
}

TEST_P(WebhookDeliveryJobTest, ANameThatResolvesInsideAtDeliveryIsRefusedAndNothingIsSent) {
  // Public when registered, inside when the delivery looks again: DNS rebinding.
  resolver_.Answer("rebind.example.test", {{"93.184.216.34"}, {"10.0.0.7"}});
  const auto endpoint = Register("https://rebind.example.test/hooks");
  EXPECT_EQ(resolver_.Lookups("rebind.example.test"), 1);
  Emit("{}");
  std::vector<WebhookPost> sent;
  auto job = JobRecordingInto(sent);
  EXPECT_EQ(RunJob(*job).processed, 0);
  EXPECT_TRUE(sent.empty());
  auto rows = Deliveries(endpoint.endpoint.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kPending);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_FALSE(rows[0].last_status_code.has_value());
  EXPECT_EQ(rows[0].last_error, "refused: the address is not public");

  // One inside address among public ones is enough to refuse.
  resolver_.Answer("rebind.example.test", {{"93.184.216.34", "2606:2800:220:1::1", "::1"}});
  clock_.Advance(hours(1));
  RunJob(*job);
  EXPECT_TRUE(sent.empty());
  rows = Deliveries(endpoint.endpoint.id);
  EXPECT_EQ(rows[0].attempts, 2);
  EXPECT_EQ(rows[0].last_error, "refused: the address is not public");

  // Public again: delivered, to the address just checked.
  resolver_.Answer("rebind.example.test", {{"93.184.216.34"}});
  clock_.Advance(hours(1));
  EXPECT_EQ(RunJob(*job).processed, 1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].address.ToString(), "93.184.216.34");
}

TEST_P(WebhookDeliveryJobTest, EachAttemptLooksTheNameUpOnceAndSendsToTheAddressChecked) {
  resolver_.Answer("hooks.example.test", {{"93.184.216.34"}, {"2606:2800:220:1::7", "8.8.4.4"}});
  const auto endpoint = Register("https://hooks.example.test/seatwise");
  Emit("{}");
  std::vector<WebhookPost> sent;
  auto job = JobRecordingInto(sent);
  EXPECT_EQ(RunJob(*job).processed, 1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://hooks.example.test/seatwise");
  EXPECT_EQ(sent[0].address.ToString(), "2606:2800:220:1::7");
  EXPECT_EQ(resolver_.Lookups("hooks.example.test"), 2);  // registration, then the delivery
}

TEST_P(WebhookDeliveryJobTest, AnInsideUrlStoredBeforeTheseRulesIsRefusedAtDelivery) {
  const auto endpoint = Register("https://hooks.example.test/x").endpoint;
  std::vector<WebhookPost> sent;
  auto job = JobRecordingInto(sent);
  for (const char* url :
       {"https://0x7f.1/x", "https://169.254.169.254/", "https://[::ffff:a00:1]/"}) {
    SCOPED_TRACE(url);
    StoreUrl(endpoint, url);
    clock_.Advance(seconds(1));  // the newest delivery lists first; earlier ones are not due
    Emit("{\"url\":\"" + std::string(url) + "\"}");
    RunJob(*job);
    EXPECT_TRUE(sent.empty());
    const auto rows = Deliveries(endpoint.id);
    EXPECT_EQ(rows[0].last_error, "refused: the address is not public");
  }
  // A URL whose form is refused fails for good at once.
  StoreUrl(endpoint, "https://admin:secret@hooks.example.test/");
  clock_.Advance(seconds(1));
  Emit("{\"n\":4}");
  RunJob(*job);
  EXPECT_TRUE(sent.empty());
  const auto rows = Deliveries(endpoint.id);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kFailed);
  EXPECT_EQ(rows[0].last_error, "refused: the URL must not contain a user name or password");
}

TEST_P(WebhookDeliveryJobTest, LoopbackIsDeliveredOnlyUnderTheTestSwitch) {
  WebhookReceiver receiver(0);
  const auto endpoint = Register(receiver.Url());
  Emit("{}");
  auto production = NewJob(/*allow_loopback_http=*/false);
  RunJob(*production);
  EXPECT_TRUE(receiver.Requests().empty());
  auto rows = Deliveries(endpoint.endpoint.id);
  EXPECT_EQ(rows[0].status, core::DeliveryStatus::kPending);
  EXPECT_EQ(rows[0].last_error, "refused: the address is not public");

  StoreUrl(endpoint.endpoint, receiver.Url("https"));
  clock_.Advance(seconds(1));
  Emit("{\"n\":2}");
  RunJob(*production);
  rows = Deliveries(endpoint.endpoint.id);
  EXPECT_EQ(rows[0].last_error, "refused: the address is not public");
  EXPECT_FALSE(WebhookDeliveryOptions{}.allow_loopback_http);
}

TEST(CurlWebhookPosterTest, ConnectsToTheCheckedAddressAndNowhereElse) {
  WebhookReceiver receiver(0);
  const auto poster = CurlWebhookPoster(seconds(10));
  // The URL's name is never looked up (it has no address): the checked address is used,
  // and the request still names the URL's host.
  WebhookPost post;
  post.url = receiver.Url("http", "hooks.example.test");
  post.address = core::IpAddress::V4(127, 0, 0, 1);
  post.body = "{}";
  const WebhookAnswer answer = poster(post);
  EXPECT_TRUE(answer.delivered()) << answer.error;
  ASSERT_EQ(receiver.Requests().size(), 1u);
  EXPECT_EQ(receiver.Requests()[0].Header("Host"),
            "hooks.example.test:" + std::to_string(receiver.port()));

  // A URL naming the receiver itself goes to the checked address, not to the URL's.
  post.url = receiver.Url();
  post.address = core::IpAddress::V4(127, 0, 0, 2);
  const WebhookAnswer elsewhere = poster(post);
  EXPECT_FALSE(elsewhere.delivered());
  EXPECT_FALSE(elsewhere.status_code.has_value());
  EXPECT_EQ(elsewhere.error, "could not connect");
  EXPECT_EQ(receiver.Requests().size(), 1u);
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
