#include "jobs/webhook_delivery_job.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "service/webhooks.hpp"
#include "store/repository_test_fixture.hpp"

extern char** environ;

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
  explicit WebhookReceiver(int fail_first, bool fail_always = false) {
    char dir_template[] = "/tmp/seatwise-webhook-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::vector<std::string> args = {
        "/usr/bin/python3",
        std::string(SEATWISE_SOURCE_DIR) + "/tests/fakes/webhook_receiver.py",
        "--dir",
        dir_,
        "--fail-first",
        std::to_string(fail_first)};
    if (fail_always) args.push_back("--fail-always");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    if (rc != 0) throw std::runtime_error("cannot start " + args[1]);
    port_ = WaitForReady(out[0]);
    close(out[0]);
  }

  ~WebhookReceiver() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }

  // Every request received so far, in the order of arrival.
  std::vector<Request> Requests() const {
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.is_directory() && entry.path().extension() != ".tmp") dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    std::vector<Request> out;
    for (const auto& d : dirs) {
      Request r;
      r.body = Read(d / "body");
      r.headers = Read(d / "headers");
      r.status = std::stoi(Read(d / "status"));
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

  // Reads "READY <port>", waiting at most 20 seconds.
  static int WaitForReady(int fd) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string line;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        throw std::runtime_error("the webhook receiver did not start within 20 s");
      }
      char buffer[64];
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) throw std::runtime_error("the webhook receiver exited before it was ready");
      line.append(buffer, static_cast<std::size_t>(n));
    }
    if (!line.starts_with("READY ")) throw std::runtime_error("unexpected receiver output");
    return std::atoi(line.c_str() + 6);
  }

  std::string dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
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
