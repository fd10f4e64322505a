#pragma once
// Requests, responses and the route table. Handlers are plain synchronous functions
// from Request to Response; the server owns sockets, parsing, timeouts and logging.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/url.hpp>

#include "core/result.hpp"

namespace seatwise::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

// "GET", "POST", ...
std::string_view MethodName(Method method);
// The method for an exact, upper-case request method name; nullopt for any other verb.
std::optional<Method> ParseMethod(std::string_view name);

// Header names compare case-insensitively; values are kept as received.
using HeaderField = std::pair<std::string, std::string>;

// One parsed HTTP request, as a handler sees it.
class Request {
 public:
  Method method = Method::kGet;
  std::string target;  // as received: path and query, percent-encoded
  std::vector<HeaderField> headers;
  std::string body;
  std::string request_id;  // the X-Request-Id echoed on the response
  std::string remote;      // peer address, "ip:port"

  // The percent-encoded path without the query string.
  std::string_view path() const;
  // Decoded query parameters, in the order sent.
  boost::urls::params_view query() const;
  // The first decoded value of query parameter `key`.
  std::optional<std::string> Query(std::string_view key) const;
  // The value of header `name` (case-insensitive), if present.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The decoded value of path parameter `{name}` of the matched route; "" if absent.
  std::string_view PathParam(std::string_view name) const;

  // Sets `target`; false unless it is an origin-form target ("/path?query").
  bool SetTarget(std::string raw_target);
  // Filled by the server from the matched route.
  std::vector<std::pair<std::string, std::string>> path_params;

 private:
  boost::urls::url url_;
};

// What a handler returns. The server adds Content-Length, Connection and X-Request-Id.
struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<HeaderField> headers;  // extra headers, e.g. Allow, Retry-After, Location

  void SetHeader(std::string name, std::string value);
};

// A JSON response, `application/json`.
Response JsonResponse(const boost::json::value& body, int status = 200);
// A response with a body of the given media type.
Response TextResponse(std::string body, std::string content_type, int status = 200);

// The body of `request` as JSON. kUnsupportedMediaType unless the Content-Type is
// application/json; kInvalidArgument naming the line and column of malformed JSON.
core::Result<boost::json::value> ParseJsonBody(const Request& request);

using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  std::size_t body_limit = 0;  // request body limit in bytes; 0: the server's default
  // Runs the handler on the server's bounded slow pool instead of an io thread; for
  // handlers that hash passwords or otherwise burn CPU for tens of milliseconds.
  bool offload = false;
};

// One registered route.
struct Route {
  Method method;
  std::string path_template;  // "/api/v1/teams/{team}/users/{user}"
  std::string name;           // stable label in metrics and logs, e.g. "team_user_get"
  RouteOptions options;
  Handler handler;
  std::size_t index = 0;  // position in registration order; dense, from 0
};

// The outcome of looking up a request path.
struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;                                  // when kFound
  std::vector<std::pair<std::string, std::string>> path_params;  // decoded, when kFound
  std::vector<Method> allowed;                                   // when kMethodNotAllowed
};

// Method + path-template routing. Register every route before the server starts
// listening; lookups are then read-only and safe from any thread.
class Router {
 public:
  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers a route. Templates are absolute paths whose segments are literals or
  // `{name}`; a duplicate method + template or a malformed template throws
  // std::invalid_argument (a start-up defect, not a runtime condition).
  void Add(Method method, std::string_view path_template, std::string name, Handler handler,
           RouteOptions options = {});

  // Finds the route for a percent-encoded path. Literal segments win over parameters
  // at the first position where candidate templates differ. A method outside Method
  // (nullopt) never matches, so a known path answers 405.
  RouteMatch Match(std::optional<Method> method, std::string_view path) const;

  // Every route in registration order.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Compiled {
    std::vector<Segment> segments;
  };

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;  // parallel to routes_
};

}  // namespace seatwise::http
