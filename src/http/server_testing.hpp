#pragma once
// Test helpers for the http layer: a fake Database, a server running on 127.0.0.1:0 in
// a background thread, and a raw-socket client that sees exactly what goes on the wire.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_clock.hpp"
#include "http/server.hpp"
#include "store/database.hpp"

namespace seatwise::http::testing {

// Pool figures are fixed so metrics output is predictable; transactions are refused.
class FakeDatabase final : public store::Database {
 public:
  store::Backend backend() const override { return store::Backend::kSqlite; }
  core::Result<void> Ping() override { return core::Ok(); }
  store::PoolStats Stats() const override { return {4, 1, 7}; }

 protected:
  core::Result<void> RunTransaction(store::TxMode,
                                    const std::function<core::Result<void>(store::Tx&)>&) override {
    return core::MakeError(core::ErrorCode::kUnavailable, "the fake database has no tables");
  }
};

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  std::string Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return "";
  }
};

// One client TCP connection with a read buffer, so pipelined responses can be read
// one after another. Every wait is bounded.
class RawConnection {
 public:
  static constexpr std::chrono::milliseconds kWait{5000};

  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      error_ = errno;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_error() const { return error_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The next complete response, or nullopt on close, error or timeout.
  std::optional<RawResponse> ReadResponse(std::chrono::milliseconds wait = kWait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    RawResponse response;
    std::string_view head(buffer_.data(), head_end);
    std::size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    response.status = std::stoi(std::string(status_line.substr(9, 3)));
    std::size_t content_length = 0;
    while (line_end != std::string_view::npos) {
      head.remove_prefix(line_end + 2);
      line_end = head.find("\r\n");
      std::string_view line = head.substr(0, line_end);
      std::size_t colon = line.find(':');
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (name == "content-length") content_length = std::stoul(std::string(value));
      response.headers.emplace_back(std::move(name), std::string(value));
    }
    std::size_t total = head_end + 4 + content_length;
    while (buffer_.size() < total) {
      if (!Fill(deadline)) return std::nullopt;
    }
    response.body = buffer_.substr(head_end + 4, content_length);
    buffer_.erase(0, total);
    return response;
  }

  // Everything received until the server closes the connection; nullopt on timeout.
  std::optional<std::string> ReadUntilClose(std::chrono::milliseconds wait = kWait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      int result = FillOnce(deadline);
      if (result == 0) return std::exchange(buffer_, {});
      if (result < 0) return std::nullopt;
    }
  }

  // True when the server closes the connection within `wait` without sending more.
  bool WaitForClose(std::chrono::milliseconds wait = kWait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::size_t before = buffer_.size();
    while (true) {
      int result = FillOnce(deadline);
      if (result == 0) return buffer_.size() == before;  // orderly close or reset
      if (result < 0) return false;                      // timed out
    }
  }

 private:
  // 1: read data; 0: connection closed; -1: timed out.
  int FillOnce(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return -1;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return 0;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return 1;
  }
  bool Fill(std::chrono::steady_clock::time_point deadline) { return FillOnce(deadline) == 1; }

  int fd_ = -1;
  int error_ = 0;
  std::string buffer_;
};

// Options for tests: an ephemeral port, two workers, no signal handling.
inline ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.handle_signals = false;
  return options;
}

// A Server listening on 127.0.0.1:0, serving from a background thread until destroyed.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = TestOptions(),
                         std::function<void(Router&)> add_routes = {},
                         std::function<core::Result<void>()> readiness = {})
      : server_(std::move(options), ServerDeps{database_, clock_, std::move(readiness)}) {
    if (add_routes) add_routes(server_.router());
    auto port = server_.Listen();
    if (!port.ok()) return;
    port_ = *port;
    run_ = std::async(std::launch::async, [this] { server_.Run(); });
  }
  ~RunningServer() {
    server_.Shutdown();
    if (run_.valid()) run_.wait();
  }

  std::uint16_t port() const { return port_; }
  Server& server() { return server_; }
  // True once Run() has returned, waiting at most `wait`.
  bool WaitForRunToReturn(std::chrono::milliseconds wait = RawConnection::kWait) {
    return run_.valid() && run_.wait_for(wait) == std::future_status::ready;
  }

 private:
  FakeDatabase database_;
  seatwise::testing::FakeClock clock_;
  Server server_;
  std::uint16_t port_ = 0;
  std::future<void> run_;
};

inline std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline std::string Post(std::string_view target, std::string_view content_type,
                        std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Type: " + std::string(content_type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace seatwise::http::testing
