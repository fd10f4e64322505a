#include "http/server.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <deque>
#include <exception>
#include <limits>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/system_routes.hpp"

namespace seatwise::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::experimental::awaitable_operators::operator&&;
using SteadyClock = std::chrono::steady_clock;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kMaxRequestIdLength = 64;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Raises the soft open-file limit to the hard one (a connection is a descriptor) and
// returns the soft limit in force; 0 when it cannot be read.
std::uint64_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max()
                                         : static_cast<std::uint64_t>(limit.rlim_cur);
}

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Request ids only correlate log lines; they need to be unique, not unguessable.
std::string NewRequestId() {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::string id(20, '0');
  std::uint64_t bits = engine();
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 12) bits = engine();
    id[i] = kAlphabet[bits & 31];
    bits >>= 5;
  }
  return id;
}

// "2026-01-01T00:00:00.000Z"
std::string Rfc3339(core::TimePoint t) {
  std::int64_t ms = core::ToUnixMillis(t);
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

// Writes one server event as a JSON line of the same shape as the access log, so every line
// on the log stream parses.
void LogEvent(spdlog::level::level_enum level, std::string_view event,
              std::initializer_list<std::pair<std::string_view, boost::json::value>> fields = {}) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  boost::json::object line;
  line["ts"] = Rfc3339(core::SystemClock().Now());
  line["level"] = level == spdlog::level::err    ? "error"
                  : level == spdlog::level::warn ? "warn"
                                                 : "info";
  line["event"] = event;
  for (const auto& [key, value] : fields) line[key] = value;
  spdlog::log(level, "{}", boost::json::serialize(line));
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  if (endpoint.address().is_v6()) {
    return "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port());
  }
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// What the access log and the metrics need to know about one answered request.
struct AccessRecord {
  std::string request_id;
  std::string method;
  std::optional<Method> parsed_method;
  std::string path;
  std::string client;  // the client address (X-Forwarded-For through trusted proxies)
  std::string route = "unmatched";
  std::optional<std::size_t> route_index;
  std::size_t bytes_in = 0;
  SteadyClock::time_point started;
};

// Runs a handler; an escaping exception is a defect: logged, answered with a bare 500.
Response Dispatch(const Route& route, const Request& request) {
  std::string what;
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  LogEvent(spdlog::level::err, "handler_exception",
           {{"request_id", boost::json::value(request.request_id)},
            {"route", boost::json::value(route.name)},
            {"error", boost::json::value(what)}});
  return Problem(request, core::MakeError(core::ErrorCode::kInternal, ""));
}

// A response waiting to be written, in request order.
struct Outgoing {
  bhttp::response<bhttp::string_body> message;
  AccessRecord record;
  bool end = false;      // the reader is done; nothing follows
  bool interim = false;  // "100 Continue" before the body is read; not logged
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, ServerDeps deps);
  ~Impl();

  core::Result<std::uint16_t> Listen();
  void Run();
  void Shutdown();
  Router& router() { return router_; }
  std::size_t max_connections() const { return connection_cap_; }

 private:
  class Session;

  // One io_context and its thread; sessions live on exactly one worker.
  struct Worker {
    std::unordered_set<Session*> sessions;  // only touched on this worker's thread
    // Sessions waiting for a request (silent since accept, idle, or receiving a head),
    // longest waiting first: the first to make room when the cap is reached.
    std::list<Session*> waiting;
    asio::io_context context{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  };

  asio::awaitable<void> AcceptLoop();
  // `make_room`: the cap was reached at accept; a waiting session of `worker` is closed for
  // this one, or this one is closed at once.
  asio::awaitable<void> ServeConnection(Worker& worker, tcp::socket socket, bool make_room);
  void NoteRefusedConnection();
  void BeginDrain();  // on the acceptor thread
  void ForceCloseAll();
  void WaitForSignal();  // a first SIGTERM/SIGINT drains, a second force-closes
  void OnConnectionClosed();
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  const ServerDeps& deps() const { return deps_; }
  void LogAccess(const AccessRecord& record, int status, std::size_t bytes_out,
                 const std::string& remote);

  // Runs an offloaded route on the slow pool and resumes on the connection's io thread;
  // nullopt when the pool's queue is full.
  asio::awaitable<std::optional<Response>> Offload(const Route& route, const Request& request);

  ServerOptions options_;
  ServerDeps deps_;
  Router router_;
  Metrics metrics_;

  // Offloaded handlers; `slow_jobs_` counts queued and running ones against the bound.
  asio::thread_pool slow_pool_;
  std::size_t slow_capacity_;
  std::atomic<std::size_t> slow_jobs_{0};

  std::size_t connection_cap_;  // max_connections, bounded by the open-file limit at Listen()
  std::atomic<std::uint64_t> refused_connections_{0};
  std::atomic<std::int64_t> last_refusal_log_ms_{-1};

  // The calling thread of Run() only accepts and hands sockets out round-robin, so a
  // handler blocking a worker never delays accepting or the start of a shutdown.
  asio::io_context accept_context_{1};
  tcp::acceptor acceptor_{accept_context_};
  std::optional<asio::signal_set> signals_;
  asio::steady_timer drain_timer_{accept_context_};
  bool drain_started_ = false;  // acceptor thread only
  std::atomic<bool> draining_{false};

  std::mutex mutex_;
  std::condition_variable acceptor_closed_cv_;
  bool listening_ = false;
  bool running_ = false;
  bool shutdown_requested_ = false;
  bool acceptor_closed_ = false;

  std::vector<std::unique_ptr<Worker>> workers_;  // last: destroyed first
};

// One client connection: a reader that parses requests and runs handlers, and a writer
// that sends the responses in order. At most max_pipelined responses wait between them.
class Server::Impl::Session {
 public:
  Session(Impl& server, Worker& worker, tcp::socket socket)
      : server_(server),
        worker_(worker),
        stream_(std::move(socket)),
        reader_wake_(stream_.get_executor()),
        writer_wake_(stream_.get_executor()),
        head_deadline_(SteadyClock::now() + server.options_.header_timeout) {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = FormatEndpoint(peer);
    worker_.sessions.insert(this);
  }
  ~Session() {
    SetWaiting(false);
    worker_.sessions.erase(this);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  asio::awaitable<void> Run() {
    co_await (ReadLoop() && WriteLoop());
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  // Graceful: an idle connection closes now; a busy one after its current responses.
  void BeginDrain() {
    if (reader_idle_ && !writer_busy_ && queue_.empty()) stream_.cancel();
  }

  void ForceClose() {
    SetWaiting(false);
    failed_ = true;
    stream_.close();
    reader_wake_.cancel();
    writer_wake_.cancel();
  }

  // Waiting for a request with no answer pending: closing it loses no response.
  bool CanMakeRoom() const { return waiting_ && queue_.empty() && !writer_busy_ && !failed_; }

 private:
  // A session keeps its place while it goes on waiting (first byte, then the head), so a
  // client trickling a head does not pass for a newer one.
  void SetWaiting(bool waiting) {
    if (waiting == waiting_.has_value()) return;
    if (waiting) {
      waiting_ = worker_.waiting.insert(worker_.waiting.end(), this);
    } else {
      worker_.waiting.erase(*waiting_);
      waiting_.reset();
    }
  }

  asio::awaitable<void> ReadLoop() {
    const ServerOptions& options = server_.options_;
    bool first = true;
    while (!failed_ && !server_.draining()) {
      if (buffer_.size() == 0) {
        // Wait for the first byte of the next request: a new connection has until its head
        // deadline (a silent one must not hold a slot for the idle timeout), a kept-alive
        // one the idle timeout.
        if (first) {
          stream_.expires_at(head_deadline_);
        } else {
          stream_.expires_after(options.idle_timeout);
        }
        reader_idle_ = true;
        SetWaiting(true);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096),
                                                        asio::as_tuple(asio::use_awaitable));
        reader_idle_ = false;
        if (ec) break;
        buffer_.commit(n);
      }
      if (!first) head_deadline_ = SteadyClock::now() + options.header_timeout;
      first = false;
      bool keep_reading = co_await ReadOneRequest();
      if (!keep_reading) break;
    }
    SetWaiting(false);
    Outgoing end;
    end.end = true;
    queue_.push_back(std::move(end));  // unbounded on purpose: the writer must learn of it
    writer_wake_.cancel();
  }

  // Reads, routes and answers one request; false when the connection must not be read
  // further (error, timeout, Connection: close, drain).
  asio::awaitable<bool> ReadOneRequest() {
    const ServerOptions& options = server_.options_;
    AccessRecord record;
    record.started = SteadyClock::now();
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);  // set per route once the head names the route

    stream_.expires_at(head_deadline_);
    SetWaiting(true);
    auto [head_ec, head_bytes] = co_await bhttp::async_read_header(
        stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
    SetWaiting(false);
    record.bytes_in = head_bytes;
    record.client = PeerAddress(remote_);
    if (head_ec) {
      bool parse_error =
          &head_ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category() &&
          head_ec != bhttp::error::end_of_stream && head_ec != bhttp::error::partial_message;
      if (!parse_error) co_return false;  // closed, too slow, or a socket error: nothing to answer
      record.request_id = NewRequestId();
      std::string detail = head_ec == bhttp::error::header_limit
                               ? "the request head exceeds 16 KiB"
                               : "malformed HTTP request: " + head_ec.message();
      co_await Enqueue(Answer(
          ProblemResponse(core::MakeError(core::ErrorCode::kInvalidArgument, std::move(detail)), "",
                          record.request_id),
          std::move(record), 11, false, false));
      co_return false;
    }
    stream_.expires_at(record.started + options.request_timeout);

    auto& head = parser.get();
    Request request;
    request.remote = remote_;
    auto id_it = head.find("X-Request-Id");
    if (id_it != head.end() && IsSaneRequestId(id_it->value())) {
      request.request_id = std::string(id_it->value());
    } else {
      request.request_id = NewRequestId();
    }
    record.request_id = request.request_id;
    record.method = std::string(head.method_string());
    std::optional<Method> method = ParseMethod(head.method_string());
    record.parsed_method = method;
    if (method) request.method = *method;
    bool keep_alive = head.keep_alive();
    unsigned version = head.version();
    bool head_request = method == Method::kHead;

    if (!request.SetTarget(std::string(head.target()))) {
      record.path = "";
      co_await Enqueue(Answer(Problem(request, core::MakeError(core::ErrorCode::kInvalidArgument,
                                                               "the request target must be an "
                                                               "absolute path")),
                              std::move(record), version, false, head_request));
      co_return false;
    }
    record.path = std::string(request.path());

    RouteMatch match = server_.router_.Match(method, request.path());
    if (match.route) {
      record.route = match.route->name;
      record.route_index = match.route->index;
    }
    std::size_t limit = (match.route && match.route->options.body_limit != 0)
                            ? match.route->options.body_limit
                            : options.body_limit;
    auto content_length = parser.content_length();
    if (content_length && *content_length > limit) {
      // Answered without reading the body, Expect: 100-continue or not.
      co_await Enqueue(
          Answer(TooLarge(request, limit), std::move(record), version, false, head_request));
      co_return false;
    }
    const bool expects_continue =
        version >= 11 && beast::iequals(head[bhttp::field::expect], "100-continue");
    bool body_unread = false;
    if (!parser.is_done() && expects_continue &&
        match.kind == RouteMatch::Kind::kMethodNotAllowed) {
      body_unread = true;  // the client waits for our word: refuse without the body, then close
    } else if (!parser.is_done()) {
      if (expects_continue) {
        Outgoing go_on;
        go_on.interim = true;
        co_await Enqueue(std::move(go_on));
      }
      parser.body_limit(limit);
      auto [body_ec, body_bytes] =
          co_await bhttp::async_read(stream_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
      record.bytes_in += body_bytes;
      if (body_ec == bhttp::error::body_limit) {
        co_await Enqueue(
            Answer(TooLarge(request, limit), std::move(record), version, false, head_request));
        co_return false;
      }
      if (body_ec) co_return false;
    }

    for (const auto& field : head) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    record.client = ClientAddress(request, options.trusted_proxies);
    request.body = std::move(head.body());
    request.path_params = std::move(match.path_params);

    Response response;
    switch (match.kind) {
      case RouteMatch::Kind::kFound:
        if (match.route->options.offload) {
          std::optional<Response> offloaded = co_await server_.Offload(*match.route, request);
          if (offloaded) {
            response = std::move(*offloaded);
          } else {
            response = Problem(request,
                               core::MakeError(core::ErrorCode::kUnavailable,
                                               "the server is busy with other sign-ins; retry "
                                               "shortly"),
                               ProblemOptions{std::chrono::seconds(1)});
          }
        } else {
          response = Dispatch(*match.route, request);
        }
        break;
      case RouteMatch::Kind::kNotFound: {
        std::optional<Response> fallback;
        if (server_.deps().fallback) fallback = server_.deps().fallback(request);
        response = fallback ? std::move(*fallback)
                            : Problem(request, core::MakeError(core::ErrorCode::kNotFound,
                                                               "no resource at " + record.path));
        break;
      }
      case RouteMatch::Kind::kMethodNotAllowed: {
        std::string allow;
        for (Method m : match.allowed) {
          if (!allow.empty()) allow += ", ";
          allow += MethodName(m);
        }
        response = Problem(request, core::MakeError(core::ErrorCode::kMethodNotAllowed,
                                                    record.method + " is not allowed here; " +
                                                        "allowed: " + allow));
        response.SetHeader("Allow", allow);
        break;
      }
    }
    keep_alive = keep_alive && !server_.draining() && !body_unread;
    co_await Enqueue(
        Answer(std::move(response), std::move(record), version, keep_alive, head_request));
    co_return keep_alive;
  }

  static Response TooLarge(const Request& request, std::size_t limit) {
    return Problem(request, core::MakeError(core::ErrorCode::kPayloadTooLarge,
                                            "the request body exceeds this endpoint's limit of " +
                                                std::to_string(limit) + " bytes"));
  }

  static Outgoing Answer(Response response, AccessRecord record, unsigned version, bool keep_alive,
                         bool head_request) {
    Outgoing out;
    auto& message = out.message;
    message.version(version);
    message.result(static_cast<unsigned>(response.status));
    if (!response.content_type.empty()) {
      message.set(bhttp::field::content_type, response.content_type);
    }
    // insert, not set: a response may carry several Set-Cookie headers.
    for (auto& [name, value] : response.headers) message.insert(name, value);
    message.set("X-Request-Id", record.request_id);
    bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
    if (!bodiless) message.body() = std::move(response.body);
    message.keep_alive(keep_alive);
    message.prepare_payload();
    if (head_request) message.body().clear();  // Content-Length still describes the GET body
    out.record = std::move(record);
    return out;
  }

  asio::awaitable<void> Enqueue(Outgoing out) {
    while (queue_.size() >= server_.options_.max_pipelined && !failed_) {
      reader_wake_.expires_at(SteadyClock::time_point::max());
      co_await reader_wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    queue_.push_back(std::move(out));
    writer_wake_.cancel();
  }

  asio::awaitable<void> WriteLoop() {
    while (true) {
      while (queue_.empty()) {
        writer_wake_.expires_at(SteadyClock::time_point::max());
        co_await writer_wake_.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      Outgoing out = std::move(queue_.front());
      queue_.pop_front();
      reader_wake_.cancel();
      if (out.end) break;
      if (out.interim) {
        // Within the request's own deadline, which the reader set.
        if (failed_) continue;
        writer_busy_ = true;
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue),
                                                  asio::as_tuple(asio::use_awaitable));
        writer_busy_ = false;
        if (ec) {
          failed_ = true;
          stream_.close();
        }
        continue;
      }
      int status = static_cast<int>(out.message.result_int());
      std::size_t written = 0;
      if (!failed_) {
        if (server_.draining()) out.message.keep_alive(false);
        stream_.expires_after(server_.options_.request_timeout);
        writer_busy_ = true;
        auto [ec, n] =
            co_await bhttp::async_write(stream_, out.message, asio::as_tuple(asio::use_awaitable));
        writer_busy_ = false;
        written = n;
        if (ec) {
          failed_ = true;
          stream_.close();  // the reader sees an error and stops
        } else if (!out.message.keep_alive()) {
          beast::error_code ignored;
          stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
          failed_ = true;
          if (reader_idle_) stream_.cancel();
        } else if (server_.draining() && reader_idle_ && queue_.empty()) {
          stream_.cancel();
        }
      }
      server_.LogAccess(out.record, status, written, remote_);
    }
  }

  Impl& server_;
  Worker& worker_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  std::deque<Outgoing> queue_;
  asio::steady_timer reader_wake_;  // wakes a reader waiting for queue space
  asio::steady_timer writer_wake_;  // wakes a writer waiting for a response
  bool reader_idle_ = false;        // waiting for the first byte of a request
  bool writer_busy_ = false;
  bool failed_ = false;                    // no more writes: error, close sent, or forced
  SteadyClock::time_point head_deadline_;  // when the current request head must be in
  std::optional<std::list<Session*>::iterator> waiting_;  // place in worker_.waiting
};

Server::Server(ServerOptions options, ServerDeps deps)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(deps))) {}
Server::~Server() = default;
core::Result<std::uint16_t> Server::Listen() { return impl_->Listen(); }
void Server::Run() { impl_->Run(); }
void Server::Shutdown() { impl_->Shutdown(); }
Router& Server::router() { return impl_->router(); }
std::size_t Server::max_connections() const { return impl_->max_connections(); }

Server::Impl::Impl(ServerOptions options, ServerDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      metrics_(deps_.clock.Now()),
      slow_pool_(static_cast<std::size_t>(std::max(1, options_.slow_pool_threads))),
      slow_capacity_(static_cast<std::size_t>(std::max(1, options_.slow_pool_threads)) +
                     options_.slow_pool_queue),
      connection_cap_(std::max<std::size_t>(1, options_.max_connections)) {
  if (options_.max_pipelined == 0) options_.max_pipelined = 1;
  int threads = options_.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  RegisterSystemRoutes(
      router_, SystemRouteDeps{deps_.database, deps_.readiness, metrics_, deps_.extra_metrics});
}

Server::Impl::~Impl() {
  beast::error_code ec;
  acceptor_.close(ec);
}

core::Result<std::uint16_t> Server::Impl::Listen() {
  std::lock_guard lock(mutex_);
  if (listening_) return acceptor_.local_endpoint().port();
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "invalid listen address \"" + options_.address + "\": " + ec.message());
  }
  tcp::endpoint endpoint(address, options_.port);
  std::string where = FormatEndpoint(endpoint);
  // Every connection is a descriptor: use all the process may have, and keep a quarter of
  // them for the database, files and the connections accepted only to be closed.
  const std::uint64_t open_files = RaiseOpenFileLimit();
  const std::uint64_t room = open_files / 4 * 3;
  if (open_files > 0 && connection_cap_ > room) {
    LogEvent(spdlog::level::warn, "max_connections_lowered",
             {{"configured", boost::json::value(connection_cap_)},
              {"open_file_limit", boost::json::value(open_files)},
              {"max_connections", boost::json::value(std::max<std::uint64_t>(1, room))}});
    connection_cap_ = static_cast<std::size_t>(std::max<std::uint64_t>(1, room));
  }
  // The reason is read before the acceptor is closed: closing it resets `ec` to success.
  auto fail = [&](std::string_view step) {
    std::string reason = ec.message();
    if (ec == asio::error::address_in_use) reason = "address already in use";
    beast::error_code ignored;
    acceptor_.close(ignored);
    return core::MakeError(
        core::ErrorCode::kUnavailable,
        "cannot listen on " + where + ": " + reason + " (" + std::string(step) + ")");
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("setsockopt");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  metrics_.RegisterRoutes(router_.routes());
  listening_ = true;
  return acceptor_.local_endpoint().port();
}

void Server::Impl::Run() {
  {
    std::lock_guard lock(mutex_);
    if (!listening_ || running_) {
      LogEvent(spdlog::level::err, "run_without_listen");
      return;
    }
    running_ = true;
  }
  for (auto& worker : workers_) worker->guard.emplace(worker->context.get_executor());
  asio::co_spawn(accept_context_, AcceptLoop(), asio::detached);
  if (options_.handle_signals) {
    signals_.emplace(accept_context_, SIGINT, SIGTERM);
    WaitForSignal();
  }
  {
    std::lock_guard lock(mutex_);
    if (shutdown_requested_) asio::post(accept_context_, [this] { BeginDrain(); });
  }

  std::vector<std::thread> threads;
  for (auto& worker : workers_) {
    threads.emplace_back([&context = worker->context] {
      while (true) {
        try {
          context.run();
          return;
        } catch (const std::exception& e) {
          LogEvent(spdlog::level::err, "worker_exception",
                   {{"error", boost::json::value(e.what())}});
        }
      }
    });
  }
  accept_context_.run();
  for (auto& thread : threads) thread.join();
  std::lock_guard lock(mutex_);
  running_ = false;
}

void Server::Impl::Shutdown() {
  std::unique_lock lock(mutex_);
  if (shutdown_requested_) return;
  shutdown_requested_ = true;
  if (!running_) return;  // Run() starts the drain itself
  if (accept_context_.get_executor().running_in_this_thread()) {
    lock.unlock();
    BeginDrain();
    return;
  }
  asio::post(accept_context_, [this] { BeginDrain(); });
  acceptor_closed_cv_.wait(lock, [this] { return acceptor_closed_; });
}

void Server::Impl::WaitForSignal() {
  signals_->async_wait([this](const beast::error_code& ec, int signal) {
    if (ec) return;
    if (!drain_started_) {
      LogEvent(spdlog::level::info, "drain_started", {{"signal", boost::json::value(signal)}});
      BeginDrain();
    } else {
      LogEvent(spdlog::level::warn, "drain_forced", {{"signal", boost::json::value(signal)}});
      ForceCloseAll();
    }
    WaitForSignal();
  });
}

void Server::Impl::ForceCloseAll() {
  for (auto& worker : workers_) {
    asio::post(worker->context, [&w = *worker] {
      for (Session* session : w.sessions) session->ForceClose();
    });
  }
}

void Server::Impl::BeginDrain() {
  if (drain_started_) return;
  drain_started_ = true;
  draining_.store(true, std::memory_order_release);
  beast::error_code ec;
  acceptor_.close(ec);
  {
    std::lock_guard lock(mutex_);
    shutdown_requested_ = true;
    acceptor_closed_ = true;
  }
  acceptor_closed_cv_.notify_all();

  for (auto& worker : workers_) {
    asio::post(worker->context, [&w = *worker] {
      for (Session* session : w.sessions) session->BeginDrain();
    });
    worker->guard.reset();
  }
  drain_timer_.expires_after(options_.drain_timeout);
  drain_timer_.async_wait([this](const beast::error_code& wait_ec) {
    if (!wait_ec) {
      LogEvent(spdlog::level::warn, "drain_timeout",
               {{"open_connections", boost::json::value(metrics_.open_connections())}});
      ForceCloseAll();
    }
    // Nothing is left for the acceptor thread; Run() returns once the workers finish.
    beast::error_code ignored;
    if (signals_) signals_->cancel(ignored);
  });
  if (metrics_.open_connections() == 0) drain_timer_.cancel();
}

void Server::Impl::OnConnectionClosed() {
  if (metrics_.ConnectionClosed() == 0 && draining()) {
    asio::post(accept_context_, [this] { drain_timer_.cancel(); });
  }
}

asio::awaitable<std::optional<Response>> Server::Impl::Offload(const Route& route,
                                                               const Request& request) {
  std::size_t jobs = slow_jobs_.load(std::memory_order_relaxed);
  do {
    if (jobs >= slow_capacity_) co_return std::nullopt;
  } while (!slow_jobs_.compare_exchange_weak(jobs, jobs + 1, std::memory_order_acq_rel));
  struct Release {
    std::atomic<std::size_t>& jobs;
    ~Release() { jobs.fetch_sub(1, std::memory_order_acq_rel); }
  };
  // `route` and `request` outlive the job: this frame waits for it to finish.
  auto job = [](const Route* r, const Request* q,
                std::atomic<std::size_t>* count) -> asio::awaitable<Response> {
    Release release{*count};
    co_return Dispatch(*r, *q);
  };
  co_return co_await asio::co_spawn(slow_pool_, job(&route, &request, &slow_jobs_),
                                    asio::use_awaitable);
}

void Server::Impl::LogAccess(const AccessRecord& record, int status, std::size_t bytes_out,
                             const std::string& remote) {
  auto duration = SteadyClock::now() - record.started;
  metrics_.RecordRequest(record.route_index, record.parsed_method, status, duration);
  if (!spdlog::default_logger_raw()->should_log(spdlog::level::info)) return;
  boost::json::object line;
  line["ts"] = Rfc3339(deps_.clock.Now());
  line["level"] = "info";
  line["event"] = "http_request";
  line["request_id"] = record.request_id;
  line["remote"] = remote;
  line["client"] = record.client;
  line["method"] = record.method;
  line["path"] = record.path;
  line["route"] = record.route;
  line["status"] = status;
  line["bytes_in"] = record.bytes_in;
  line["bytes_out"] = bytes_out;
  std::string text = boost::json::serialize(line);
  // Boost.JSON writes doubles in exponent form; a fixed millisecond figure reads better.
  text.pop_back();
  text += fmt::format(",\"duration_ms\":{:.3f}}}",
                      std::chrono::duration<double, std::milli>(duration).count());
  spdlog::info("{}", text);
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  std::size_t next = 0;
  asio::steady_timer backoff(accept_context_);
  while (true) {
    Worker& worker = *workers_[next++ % workers_.size()];
    auto [ec, socket] =
        co_await acceptor_.async_accept(worker.context, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (draining() || !acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or similar: report, pause briefly instead of spinning.
      LogEvent(spdlog::level::warn, "accept_failed", {{"error", boost::json::value(ec.message())}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const bool make_room = metrics_.ConnectionOpened() > static_cast<std::int64_t>(connection_cap_);
    asio::co_spawn(worker.context,
                   ServeConnection(worker, tcp::socket(std::move(socket)), make_room),
                   [](std::exception_ptr error) {
                     if (!error) return;
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       LogEvent(spdlog::level::err, "connection_exception",
                                {{"error", boost::json::value(e.what())}});
                     }
                   });
  }
}

asio::awaitable<void> Server::Impl::ServeConnection(Worker& worker, tcp::socket socket,
                                                    bool make_room) {
  struct CloseGuard {
    Impl* server;
    ~CloseGuard() { server->OnConnectionClosed(); }
  } guard{this};
  if (make_room) {
    auto waiting = std::find_if(worker.waiting.begin(), worker.waiting.end(),
                                [](Session* s) { return s->CanMakeRoom(); });
    if (waiting == worker.waiting.end()) {
      // Every connection is busy with a request: refuse this one now rather than let the
      // listen backlog fill.
      beast::error_code ignored;
      socket.close(ignored);
      NoteRefusedConnection();
      co_return;
    }
    (*waiting)->ForceClose();
  }
  Session session(*this, worker, std::move(socket));
  co_await session.Run();
}

void Server::Impl::NoteRefusedConnection() {
  // One line per ten seconds at most: a flood must not become a flood of log lines.
  std::uint64_t refused = refused_connections_.fetch_add(1) + 1;
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now().time_since_epoch())
          .count();
  std::int64_t last = last_refusal_log_ms_.load();
  if (last >= 0 && now_ms - last < 10'000) return;
  if (!last_refusal_log_ms_.compare_exchange_strong(last, now_ms)) return;
  LogEvent(spdlog::level::warn, "connection_refused",
           {{"reason", boost::json::value("every connection is busy with a request")},
            {"max_connections", boost::json::value(connection_cap_)},
            {"refused_total", boost::json::value(refused)}});
}

}  // namespace seatwise::http
