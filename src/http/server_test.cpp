#include "http/server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <future>
#include <stdexcept>

#include <boost/json/parse.hpp>

#include "http/problem.hpp"
#include "http/server_testing.hpp"

namespace seatwise::http {
namespace {

using testing::Get;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Post;
using testing::RawConnection;
using testing::RawResponse;
using testing::RunningServer;
using ::testing::StartsWith;
using testing::TestOptions;

boost::json::object JsonOf(const RawResponse& response) {
  return boost::json::parse(response.body).as_object();
}

// Routes the tests use beside the system routes.
void AddTestRoutes(Router& router) {
  router.Add(Method::kGet, "/echo/{word}", "echo", [](const Request& request) {
    return JsonResponse(boost::json::object{{"word", request.PathParam("word")},
                                            {"n", request.Query("n").value_or("")}});
  });
  router.Add(
      Method::kPost, "/small", "small",
      [](const Request& request) {
        return TextResponse(std::to_string(request.body.size()), "text/plain");
      },
      RouteOptions{.body_limit = 16});
  router.Add(Method::kPost, "/json", "json", [](const Request& request) {
    auto body = ParseJsonBody(request);
    if (!body.ok()) return Problem(request, body.error());
    return JsonResponse(*body, 201);
  });
  router.Add(Method::kGet, "/boom", "boom",
             [](const Request&) -> Response { throw std::runtime_error("secret internals"); });
}

class ServerTest : public ::testing::Test {
 protected:
  RunningServer server_{TestOptions(), AddTestRoutes};
};

TEST_F(ServerTest, HealthzAnswersOk) {
  RawConnection client(server_.port());
  ASSERT_TRUE(client.connected());
  client.Send(Get("/healthz"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(JsonOf(*response).at("status").as_string(), "ok");
}

TEST_F(ServerTest, KeepsTheConnectionAliveAcrossRequests) {
  RawConnection client(server_.port());
  for (int i = 0; i < 3; ++i) {
    client.Send(Get("/echo/w" + std::to_string(i)));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(JsonOf(*response).at("word").as_string(), "w" + std::to_string(i));
  }
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  RawConnection client(server_.port());
  std::string batch;
  for (int i = 1; i <= 5; ++i) batch += Get("/echo/p?n=" + std::to_string(i));
  client.Send(batch);
  for (int i = 1; i <= 5; ++i) {
    auto response = client.ReadResponse();
    ASSERT_TRUE(response) << "response " << i;
    EXPECT_EQ(JsonOf(*response).at("n").as_string(), std::to_string(i));
  }
}

TEST(ServerPipelineTest, ReadAheadBoundStillAnswersEveryRequest) {
  ServerOptions options = TestOptions();
  options.max_pipelined = 2;
  RunningServer server(options, AddTestRoutes);
  RawConnection client(server.port());
  std::string batch;
  for (int i = 1; i <= 12; ++i) batch += Get("/echo/p?n=" + std::to_string(i));
  client.Send(batch);
  for (int i = 1; i <= 12; ++i) {
    auto response = client.ReadResponse();
    ASSERT_TRUE(response) << "response " << i;
    EXPECT_EQ(JsonOf(*response).at("n").as_string(), std::to_string(i));
  }
}

TEST_F(ServerTest, HonoursConnectionClose) {
  RawConnection client(server_.port());
  client.Send(Get("/healthz", "Connection: close\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(ServerTest, EchoesASaneRequestIdAndReplacesOthers) {
  RawConnection client(server_.port());
  client.Send(Get("/healthz", "X-Request-Id: abc.DEF_123-x\r\n"));
  auto echoed = client.ReadResponse();
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->Header("x-request-id"), "abc.DEF_123-x");

  client.Send(Get("/healthz", "X-Request-Id: has/slash\r\n"));
  auto replaced = client.ReadResponse();
  ASSERT_TRUE(replaced);
  EXPECT_NE(replaced->Header("x-request-id"), "has/slash");
  EXPECT_FALSE(replaced->Header("x-request-id").empty());

  client.Send(Get("/healthz", "X-Request-Id: " + std::string(65, 'a') + "\r\n"));
  auto too_long = client.ReadResponse();
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->Header("x-request-id").size(), 20u);
}

TEST_F(ServerTest, UnknownPathIsProblemNotFound) {
  RawConnection client(server_.port());
  client.Send(Get("/nowhere", "X-Request-Id: nf-1\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->Header("content-type"), "application/problem+json");
  auto body = JsonOf(*response);
  EXPECT_EQ(body.at("instance").as_string(), "/nowhere");
  EXPECT_EQ(body.at("request_id").as_string(), "nf-1");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  RawConnection client(server_.port());
  client.Send(Post("/healthz", "application/json", "{}"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->Header("allow"), "GET, HEAD");
  EXPECT_EQ(JsonOf(*response).at("type").as_string(),
            "https://seatwise.dev/problems/method-not-allowed");
  // The connection stays usable after a problem answer.
  client.Send("BREW /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  auto brew = client.ReadResponse();
  ASSERT_TRUE(brew);
  EXPECT_EQ(brew->status, 405);
}

TEST_F(ServerTest, HeadGetsHeadersWithoutBody) {
  RawConnection client(server_.port());
  client.Send("HEAD /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto raw = client.ReadUntilClose();
  ASSERT_TRUE(raw);
  EXPECT_THAT(*raw, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(*raw, HasSubstr("Content-Length: 15\r\n"));  // the GET body: {"status":"ok"}
  EXPECT_EQ(raw->substr(raw->size() - 4), "\r\n\r\n");     // and nothing after the head
}

TEST_F(ServerTest, OversizeBodyIs413AndCloses) {
  RawConnection client(server_.port());
  client.Send(Post("/small", "text/plain", std::string(100, 'x')));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("content-type"), "application/problem+json");
  EXPECT_THAT(std::string(JsonOf(*response).at("detail").as_string()), HasSubstr("16 bytes"));
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(ServerTest, OversizeChunkedBodyIs413) {
  RawConnection client(server_.port());
  client.Send(
      "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST_F(ServerTest, BodyWithinTheRouteLimitIsServed) {
  RawConnection client(server_.port());
  client.Send(Post("/small", "text/plain", "0123456789"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "10");
}

TEST_F(ServerTest, WrongContentTypeIs415) {
  RawConnection client(server_.port());
  client.Send(Post("/json", "text/plain", "{}"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 415);
  EXPECT_EQ(response->Header("content-type"), "application/problem+json");
}

TEST_F(ServerTest, MalformedJsonIs400WithPosition) {
  RawConnection client(server_.port());
  client.Send(Post("/json", "application/json", "{\"seats\": 3,}"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_THAT(std::string(JsonOf(*response).at("detail").as_string()), HasSubstr("line 1, column"));

  client.Send(Post("/json", "application/json", "{\"seats\": 3}"));
  auto ok = client.ReadResponse();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  RawConnection client(server_.port());
  client.Send("GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n");
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(ServerTest, HandlerExceptionIsAGeneric500) {
  RawConnection client(server_.port());
  client.Send(Get("/boom"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_THAT(response->body, ::testing::Not(HasSubstr("secret")));
}

TEST_F(ServerTest, MetricsCountRequests) {
  RawConnection client(server_.port());
  for (int i = 0; i < 3; ++i) {
    client.Send(Get("/healthz"));
    ASSERT_TRUE(client.ReadResponse());
  }
  client.Send(Get("/nowhere"));
  ASSERT_TRUE(client.ReadResponse());
  // Each response is counted once written, so the previous ones are in before this one.
  client.Send(Get("/metrics"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->Header("content-type"), StartsWith("text/plain; version=0.0.4"));
  const std::string& text = response->body;
  EXPECT_THAT(text, HasSubstr("seatwise_http_requests_total{route=\"healthz\",method=\"GET\","
                              "status=\"200\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_requests_total{route=\"unmatched\",method=\"GET\","
                              "status=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_request_duration_seconds_count{route=\"healthz\"} 3"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_open_connections 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_db_pool_connections{state=\"in_use\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_db_pool_connections{state=\"idle\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_db_pool_waits_total 7\n"));
  EXPECT_THAT(text, HasSubstr("process_start_time_seconds "));
}

TEST_F(ServerTest, ServesTheEmbeddedOpenApiSpec) {
  RawConnection client(server_.port());
  client.Send(Get("/api/v1/openapi.yaml"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/yaml");
  EXPECT_THAT(response->body, StartsWith("openapi: 3.1"));
}

TEST(ServerReadinessTest, ReadyzReportsReadiness) {
  RunningServer server(TestOptions(), {}, [] { return core::Ok(); });
  RawConnection client(server.port());
  client.Send(Get("/readyz"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(JsonOf(*response).at("status").as_string(), "ready");
}

TEST(ServerReadinessTest, ReadyzIs503WhenNotReady) {
  RunningServer server(TestOptions(), {}, []() -> core::Result<void> {
    return core::MakeError(core::ErrorCode::kFailedPrecondition,
                           "database schema is at version 3; this binary needs 5");
  });
  RawConnection client(server.port());
  client.Send(Get("/readyz"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->Header("content-type"), "application/problem+json");
  EXPECT_EQ(JsonOf(*response).at("detail").as_string(),
            "database schema is at version 3; this binary needs 5");
}

TEST(ServerTimeoutTest, ClosesAClientThatSendsHalfAHeader) {
  ServerOptions options = TestOptions();
  options.header_timeout = std::chrono::milliseconds(200);
  RunningServer server(options);
  RawConnection client(server.port());
  client.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n");  // the blank line never comes
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitForClose(std::chrono::milliseconds(5000)));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
}

TEST(ServerTimeoutTest, ClosesAnIdleKeepAliveConnection) {
  ServerOptions options = TestOptions();
  options.idle_timeout = std::chrono::milliseconds(200);
  RunningServer server(options);
  RawConnection client(server.port());
  client.Send(Get("/healthz"));
  ASSERT_TRUE(client.ReadResponse());
  EXPECT_TRUE(client.WaitForClose(std::chrono::milliseconds(5000)));
}

TEST(ServerListenTest, ReportsTheAddressWhenThePortIsTaken) {
  RunningServer first;
  testing::FakeDatabase database;
  seatwise::testing::FakeClock clock;
  ServerOptions options = TestOptions();
  options.port = first.port();
  Server second(options, ServerDeps{database, clock, {}});
  auto port = second.Listen();
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().code, core::ErrorCode::kUnavailable);
  EXPECT_THAT(port.error().message, HasSubstr("127.0.0.1:" + std::to_string(first.port())));

  options.address = "not-an-address";
  Server third(options, ServerDeps{database, clock, {}});
  EXPECT_EQ(third.Listen().error().code, core::ErrorCode::kInvalidArgument);
}

// Issue 15, point 11: "Starting on a port in use says 'address already in use', not
// '(bind): Success'". The port is held by a plain listening socket of the test itself.
TEST(ServerListenTest, APortHeldByAnotherSocketSaysAddressAlreadyInUse) {
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0) << std::strerror(errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
  ASSERT_EQ(::listen(holder, 4), 0) << std::strerror(errno);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::uint16_t taken = ntohs(address.sin_port);

  testing::FakeDatabase database;
  seatwise::testing::FakeClock clock;
  ServerOptions options = TestOptions();
  options.port = taken;
  Server server(options, ServerDeps{database, clock, {}});
  auto port = server.Listen();
  ::close(holder);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(port.error().message, "cannot listen on 127.0.0.1:" + std::to_string(taken) +
                                      ": address already in use (bind)");
  EXPECT_THAT(port.error().message, Not(HasSubstr("Success")));
}

TEST(ServerShutdownTest, DrainsInFlightRequestsAndRefusesNewConnections) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto routes = [&](Router& router) {
    router.Add(Method::kGet, "/slow", "slow", [&entered, released](const Request&) {
      entered.set_value();
      released.wait();
      return TextResponse("done", "text/plain");
    });
  };
  ServerOptions options = TestOptions();
  options.drain_timeout = std::chrono::milliseconds(10'000);
  RunningServer server(options, routes);

  RawConnection slow(server.port());
  slow.Send(Get("/slow"));
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);

  RawConnection idle(server.port());  // a keep-alive connection between requests
  idle.Send(Get("/healthz"));
  ASSERT_TRUE(idle.ReadResponse());

  server.server().Shutdown();  // returns once the listener is closed

  RawConnection refused(server.port());
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.connect_error(), ECONNREFUSED);
  EXPECT_TRUE(idle.WaitForClose());
  EXPECT_FALSE(server.WaitForRunToReturn(std::chrono::milliseconds(0)));

  release.set_value();
  auto response = slow.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(server.WaitForRunToReturn());
}

TEST(ServerShutdownTest, ForceClosesConnectionsAfterTheDrainTimeout) {
  ServerOptions options = TestOptions();
  options.drain_timeout = std::chrono::milliseconds(200);
  options.threads = 1;
  RunningServer server(options);
  // A client stuck half-way through a request head keeps its connection busy.
  RawConnection stuck(server.port());
  stuck.Send("GET /healthz HTTP/1.1\r\n");
  // On the single worker, a full round trip on a later connection proves the first one
  // was accepted and its bytes read.
  RawConnection probe(server.port());
  probe.Send(Get("/healthz", "Connection: close\r\n"));
  ASSERT_TRUE(probe.ReadResponse());

  auto started = std::chrono::steady_clock::now();
  server.server().Shutdown();
  EXPECT_TRUE(stuck.WaitForClose());
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
  EXPECT_TRUE(server.WaitForRunToReturn());
}

TEST(ServerShutdownTest, SigtermStartsAGracefulShutdown) {
  ServerOptions options = TestOptions();
  options.handle_signals = true;
  RunningServer server(options);
  // A served request proves Run() is past installing its signal handler.
  RawConnection client(server.port());
  client.Send(Get("/healthz", "Connection: close\r\n"));
  ASSERT_TRUE(client.ReadResponse());
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_TRUE(server.WaitForRunToReturn());
}

TEST(ServerShutdownTest, ShutdownBeforeRunReturnsPromptly) {
  testing::FakeDatabase database;
  seatwise::testing::FakeClock clock;
  Server server(TestOptions(), ServerDeps{database, clock, {}});
  ASSERT_TRUE(server.Listen().ok());
  server.Shutdown();
  server.Shutdown();  // idempotent
  auto run = std::async(std::launch::async, [&] { server.Run(); });
  EXPECT_EQ(run.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace seatwise::http
