#pragma once
// The HTTP/1.1 server: keep-alive, bounded pipelining, per-route body limits, timeouts,
// metrics, access log and a graceful drain. Asio and Beast stay inside server.cpp.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/client_address.hpp"
#include "http/router.hpp"
#include "store/database.hpp"

namespace seatwise::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;         // 0 picks a free port
  int threads = 0;                   // 0: one per core
  std::size_t body_limit = 1 << 20;  // default per-route request body limit, bytes
  // Time to receive a request head; for a new connection, counted from its accept.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};  // time to receive the whole request
  std::chrono::milliseconds idle_timeout{60'000};     // keep-alive idle between requests
  std::chrono::milliseconds drain_timeout{10'000};    // graceful shutdown bound
  std::size_t max_pipelined = 16;                     // requests read ahead on one connection
  bool handle_signals = true;                         // SIGTERM/SIGINT start a graceful shutdown
  // Routes with RouteOptions::offload run on this separate pool (password hashing, token
  // minting) so slow work never occupies the io threads that serve license checks.
  int slow_pool_threads = 2;
  std::size_t slow_pool_queue = 64;  // jobs waiting beyond the running ones; more answer 503
  // Open connections at most. Past it, a new connection takes the place of the one that has
  // waited longest for a request; when every connection is busy with a request, the new one
  // is closed as soon as it is accepted. Listen() raises the open-file limit to its hard
  // limit and lowers this to three quarters of it when higher.
  std::size_t max_connections = 10'000;
  // Proxies whose X-Forwarded-For entries name the client in the access log.
  TrustedProxies trusted_proxies;
};

struct ServerDeps {
  store::Database& database;
  const core::Clock& clock;
  // Readiness: database reachable and migrations current; an error explains what is not.
  // Empty: a database Ping().
  std::function<core::Result<void>()> readiness;
  // More exposition text appended to /metrics (the scheduled jobs' counters); may be empty.
  std::function<std::string()> extra_metrics = {};
  // Answers requests that matched no route (the portal's files and client-side routes);
  // nullopt, or none set, gives the API's 404 problem.
  std::function<std::optional<Response>(const Request&)> fallback = {};
};

class Server {
 public:
  // Registers the system routes (/healthz, /readyz, /metrics, /api/v1/openapi.yaml).
  Server(ServerOptions options, ServerDeps deps);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds address:port and starts listening; returns the bound port. The error names
  // the address and the reason. Routes are frozen from here on.
  core::Result<std::uint16_t> Listen();

  // Serves on `threads` threads (plus the calling thread, which only accepts) until
  // Shutdown() or a signal; then drains and returns.
  void Run();

  // Starts the graceful shutdown: stop accepting, finish in-flight requests, close idle
  // connections, force-close whatever remains after drain_timeout. Thread-safe and
  // idempotent. Called from outside the server's threads while Run() is serving, it
  // returns once the listening socket is closed.
  void Shutdown();

  // Where later layers register their routes, before Listen().
  Router& router();

  // The connection cap in force once Listen() has looked at the open-file limit.
  std::size_t max_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seatwise::http
