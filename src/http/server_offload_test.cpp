// Offloaded routes run on the bounded slow pool: io threads keep serving while it is busy,
// and a full queue is refused with 503 and Retry-After.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "http/server_testing.hpp"

namespace seatwise::http {
namespace {

using testing::Get;
using testing::RawConnection;
using testing::RunningServer;
using testing::TestOptions;

// A gate the offloaded handler waits at until the test opens it; counts who arrived.
class Gate {
 public:
  void Arrive() {
    std::unique_lock lock(mutex_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  bool WaitForArrivals(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, RawConnection::kWait, [&] { return arrived_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool open_ = false;
};

class ServerOffloadTest : public ::testing::Test {
 protected:
  static ServerOptions Options() {
    ServerOptions options = TestOptions();
    options.slow_pool_threads = 1;
    options.slow_pool_queue = 1;
    return options;
  }

  void SetUp() override {
    server_ = std::make_unique<RunningServer>(Options(), [this](Router& router) {
      router.Add(
          Method::kGet, "/slow", "slow",
          [this](const Request&) {
            gate_.Arrive();
            return TextResponse("done", "text/plain");
          },
          RouteOptions{.offload = true});
    });
  }
  void TearDown() override {
    gate_.Open();
    server_.reset();
  }

  Gate gate_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(ServerOffloadTest, HealthzAnswersWhileTheSlowPoolIsBlocked) {
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.Send(Get("/slow")));
  ASSERT_TRUE(gate_.WaitForArrivals(1));

  // Both io threads are free: several probes answer while the slow job holds the pool.
  for (int i = 0; i < 4; ++i) {
    RawConnection probe(server_->port());
    ASSERT_TRUE(probe.Send(Get("/healthz")));
    auto response = probe.ReadResponse();
    ASSERT_TRUE(response) << "probe " << i;
    EXPECT_EQ(response->status, 200);
  }

  gate_.Open();
  auto done = slow.ReadResponse();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->body, "done");
}

TEST_F(ServerOffloadTest, AFullQueueIs503WithRetryAfter) {
  RawConnection running(server_->port());
  ASSERT_TRUE(running.Send(Get("/slow")));
  ASSERT_TRUE(gate_.WaitForArrivals(1));
  // One job runs and one may wait: the first request that finds no room is refused at once,
  // while those that got room stay unanswered until the gate opens.
  std::vector<std::unique_ptr<RawConnection>> waiting;
  std::optional<testing::RawResponse> refused;
  for (int attempt = 0; attempt < 5 && !refused; ++attempt) {
    auto client = std::make_unique<RawConnection>(server_->port());
    ASSERT_TRUE(client->Send(Get("/slow")));
    refused = client->ReadResponse(std::chrono::milliseconds(300));
    if (!refused) waiting.push_back(std::move(client));
  }
  ASSERT_TRUE(refused) << "no request was refused while the pool and its queue were full";
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_EQ(refused->Header("content-type"), "application/problem+json");
  EXPECT_EQ(waiting.size(), 1u);

  gate_.Open();
  for (auto& client : waiting) {
    auto response = client->ReadResponse();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  }
  auto first = running.ReadResponse();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
}

}  // namespace
}  // namespace seatwise::http
