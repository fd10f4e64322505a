#pragma once
// A small blocking HTTP/1.1 client for the admin commands that talk to a running server.
// Plain http only: the CLI reaches the server on loopback or a trusted network; TLS is for
// a later change (run it behind a local TLS-terminating proxy until then).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace seatwise::app {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first value of header `name` (lower case); "" when absent.
  std::string Header(const std::string& name) const;
  // Every value of header `name` (e.g. set-cookie).
  std::vector<std::string> Headers(const std::string& name) const;
};

class HttpClient {
 public:
  // For a base URL "http://host[:port]" (no path). kInvalidArgument for anything else,
  // including https:// (not supported yet).
  static core::Result<HttpClient> ForUrl(const std::string& url);

  // Sends one request on a new connection. kUnavailable when the server cannot be reached
  // or does not answer within the timeout.
  core::Result<HttpReply> Send(const std::string& method, const std::string& target,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& body = "") const;

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string host_;
  std::string port_;
  std::chrono::seconds timeout_{30};
};

}  // namespace seatwise::app
