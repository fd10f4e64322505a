// Connection limits: the per-node cap, the head deadline of a new connection, the open-file
// limit, and Expect: 100-continue. Real sockets on 127.0.0.1; every wait is bounded.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "http/server.hpp"
#include "http/server_testing.hpp"

namespace seatwise::http {
namespace {

using testing::Get;
using testing::RawConnection;
using testing::RunningServer;
using testing::TestOptions;
using SteadyClock = std::chrono::steady_clock;

void AddRoutes(Router& router) {
  router.Add(
      Method::kPost, "/small", "small",
      [](const Request& request) { return TextResponse(request.body, "text/plain"); },
      RouteOptions{.body_limit = 16});
}

// Raises this process's soft open-file limit to the hard one; false when that is still
// below `needed`.
bool EnsureOpenFiles(rlim_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  return limit.rlim_cur >= needed;
}

// A loopback connection as a bare descriptor; -1 when it failed.
int ConnectTo(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Waits until at least `expected` of `fds` are closed by the peer (or `deadline` passes);
// returns how many are.
std::size_t CountClosedByPeer(const std::vector<int>& fds, std::size_t expected,
                              SteadyClock::time_point deadline) {
  std::vector<bool> closed(fds.size(), false);
  std::size_t count = 0;
  while (count < expected) {
    std::vector<pollfd> watch;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (closed[i]) continue;
      watch.push_back(pollfd{fds[i], POLLIN, 0});
      index.push_back(i);
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0 || watch.empty()) break;
    if (::poll(watch.data(), watch.size(), static_cast<int>(left.count())) <= 0) break;
    for (std::size_t j = 0; j < watch.size(); ++j) {
      if (watch[j].revents == 0) continue;
      char byte;
      if (::recv(watch[j].fd, &byte, 1, MSG_DONTWAIT) <= 0) {
        closed[index[j]] = true;
        ++count;
      }
    }
  }
  return count;
}

struct Descriptors {
  std::vector<int> fds;
  ~Descriptors() {
    for (int fd : fds) ::close(fd);
  }
};

TEST(ServerConnectionCapTest, HealthzAnswersFastWithThreeTimesTheCapInIdleSockets) {
  constexpr std::size_t kCap = 1000;
  constexpr std::size_t kIdle = 3000;
  ASSERT_TRUE(EnsureOpenFiles(kIdle + kCap + 512))
      << "the test needs an open-file hard limit of at least " << kIdle + kCap + 512;
  ServerOptions options = TestOptions();
  options.max_connections = kCap;
  options.header_timeout = std::chrono::minutes(5);  // only the cap may close them here
  RunningServer server(options);
  ASSERT_EQ(server.server().max_connections(), kCap);

  Descriptors idle;
  for (std::size_t i = 0; i < kIdle; ++i) {
    int fd = ConnectTo(server.port());
    ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
    idle.fds.push_back(fd);
  }
  // Once the server has taken all of them, the cap holds: two thousand made room for newer
  // ones and were closed.
  std::size_t closed =
      CountClosedByPeer(idle.fds, kIdle - kCap, SteadyClock::now() + std::chrono::seconds(20));
  ASSERT_EQ(closed, kIdle - kCap);

  auto started = SteadyClock::now();
  RawConnection fresh(server.port());
  ASSERT_TRUE(fresh.connected());
  fresh.Send(Get("/healthz"));
  auto response = fresh.ReadResponse();
  auto took = SteadyClock::now() - started;
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_LT(took, std::chrono::milliseconds(50))
      << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " us";
}

TEST(ServerConnectionCapTest, AtTheCapTheLongestWaitingConnectionMakesRoom) {
  ServerOptions options = TestOptions();
  options.max_connections = 2;
  options.threads = 1;  // the longest-waiting is chosen among one worker's connections
  RunningServer server(options);
  RawConnection oldest(server.port());
  oldest.Send(Get("/healthz"));
  ASSERT_TRUE(oldest.ReadResponse());  // now idle between requests
  RawConnection newer(server.port());
  newer.Send(Get("/healthz"));
  ASSERT_TRUE(newer.ReadResponse());

  RawConnection third(server.port());
  third.Send(Get("/healthz"));
  auto answered = third.ReadResponse();
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200);
  EXPECT_TRUE(oldest.WaitForClose(std::chrono::milliseconds(2000)));
  newer.Send(Get("/healthz"));
  auto again = newer.ReadResponse();
  ASSERT_TRUE(again) << "only the longest-waiting connection is closed";
  EXPECT_EQ(again->status, 200);
}

TEST(ServerConnectionCapTest, PastTheCapANewConnectionIsClosedAtOnceWhenAllAreBusy) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  options.header_timeout = std::chrono::minutes(5);
  options.request_timeout = std::chrono::minutes(5);
  RunningServer server(options, AddRoutes);
  RawConnection busy(server.port());
  busy.Send(
      "POST /small HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto go_on = busy.ReadResponse();  // the server has the head and now reads the body
  ASSERT_TRUE(go_on);
  ASSERT_EQ(go_on->status, 100);

  auto started = SteadyClock::now();
  RawConnection late(server.port());
  ASSERT_TRUE(late.connected());
  EXPECT_TRUE(late.WaitForClose(std::chrono::milliseconds(2000)));
  EXPECT_LT(SteadyClock::now() - started, std::chrono::milliseconds(1000));

  busy.Send("hello");
  auto done = busy.ReadResponse();
  ASSERT_TRUE(done) << "the busy connection keeps its place";
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->body, "hello");
}

TEST(ServerConnectionCapTest, ListenRaisesTheOpenFileLimitAndKeepsTheCapBelowIt) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  if (before.rlim_max > 256) {
    rlimit lowered = before;
    lowered.rlim_cur = 256;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  }
  ServerOptions options = TestOptions();
  options.max_connections = 100'000'000;
  RunningServer server(options);
  ASSERT_NE(server.port(), 0);
  rlimit after{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, after.rlim_max);
  EXPECT_LE(server.server().max_connections(), after.rlim_cur / 4 * 3);
  EXPECT_GE(server.server().max_connections(), 1u);
}

TEST(ServerTimeoutTest, ClosesANewConnectionThatSendsNothingAtTheHeaderTimeout) {
  ServerOptions options = TestOptions();
  options.header_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::minutes(5);  // not the bound for a silent newcomer
  RunningServer server(options);
  RawConnection silent(server.port());
  auto started = SteadyClock::now();
  EXPECT_TRUE(silent.WaitForClose(std::chrono::milliseconds(5000)));
  EXPECT_GE(SteadyClock::now() - started, std::chrono::milliseconds(150));

  // A kept-alive connection is still given the idle timeout between requests.
  RawConnection kept(server.port());
  kept.Send(Get("/healthz"));
  ASSERT_TRUE(kept.ReadResponse());
  EXPECT_FALSE(kept.WaitForClose(std::chrono::milliseconds(300)));
}

TEST(ServerExpectContinueTest, AnAcceptableRequestGets100ContinueBeforeItsBody) {
  RunningServer server(TestOptions(), AddRoutes);
  RawConnection client(server.port());
  client.Send(
      "POST /small HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto interim = client.ReadResponse(std::chrono::milliseconds(2000));
  ASSERT_TRUE(interim) << "no 100 Continue: the client would wait before sending its body";
  EXPECT_EQ(interim->status, 100);
  client.Send("abc");
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "abc");
  // The connection stays usable.
  client.Send(Get("/healthz"));
  auto next = client.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST(ServerExpectContinueTest, ARefusedRequestGetsItsFinalStatusWithoutSendingTheBody) {
  RunningServer server(TestOptions(), AddRoutes);
  RawConnection too_large(server.port());
  too_large.Send(
      "POST /small HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto refused = too_large.ReadResponse(std::chrono::milliseconds(2000));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  EXPECT_TRUE(too_large.WaitForClose());

  RawConnection wrong_method(server.port());
  wrong_method.Send(
      "PUT /small HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto not_allowed = wrong_method.ReadResponse(std::chrono::milliseconds(2000));
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 405);
  EXPECT_EQ(not_allowed->Header("connection"), "close");
  EXPECT_TRUE(wrong_method.WaitForClose());
}

TEST(ServerExpectContinueTest, NoInterimAnswerWithoutTheExpectation) {
  RunningServer server(TestOptions(), AddRoutes);
  RawConnection client(server.port());
  client.Send(
      "POST /small HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
      "ok");
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
}

}  // namespace
}  // namespace seatwise::http
