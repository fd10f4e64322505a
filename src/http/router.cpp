#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_path.hpp>

namespace seatwise::http {
namespace {

constexpr Method kAllMethods[] = {Method::kGet,   Method::kHead,   Method::kPost,   Method::kPut,
                                  Method::kPatch, Method::kDelete, Method::kOptions};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  return EqualsIgnoreCase(media, "application/json");
}

// "line 3, column 14" for a byte offset into `text`.
std::string DescribePosition(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
  }
  return "GET";
}

std::optional<Method> ParseMethod(std::string_view name) {
  for (Method m : kAllMethods) {
    if (MethodName(m) == name) return m;
  }
  return std::nullopt;
}

bool Request::SetTarget(std::string raw_target) {
  target = std::move(raw_target);
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    url_ = boost::urls::url();
    return false;
  }
  url_ = *parsed;
  return true;
}

std::string_view Request::path() const { return url_.encoded_path(); }

boost::urls::params_view Request::query() const { return boost::urls::url_view(url_).params(); }

std::optional<std::string> Request::Query(std::string_view key) const {
  auto params = query();
  auto it = params.find(key);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& header : headers) {
    if (EqualsIgnoreCase(header.first, name)) {
      header.second = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

Response JsonResponse(const boost::json::value& body, int status) {
  return TextResponse(boost::json::serialize(body), "application/json", status);
}

Response TextResponse(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

core::Result<boost::json::value> ParseJsonBody(const Request& request) {
  auto content_type = request.Header("Content-Type");
  if (!content_type || !IsJsonMediaType(*content_type)) {
    return core::MakeError(core::ErrorCode::kUnsupportedMediaType,
                           "the request body must be sent with Content-Type: application/json");
  }
  if (request.body.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the request body is empty; a JSON document is required");
  }
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(request.body.data(), request.body.size(), ec);
  if (!ec && consumed < request.body.size()) ec = boost::json::error::extra_data;
  if (!ec) parser.finish(ec);
  if (ec) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        "malformed JSON at " + DescribePosition(request.body, consumed) + ": " + ec.message());
  }
  return parser.release();
}

void Router::Add(Method method, std::string_view path_template, std::string name, Handler handler,
                 RouteOptions options) {
  if (path_template.empty() || path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " +
                                std::string(path_template));
  }
  Compiled compiled;
  if (path_template != "/") {
    std::string_view rest = path_template.substr(1);
    while (true) {
      std::size_t slash = rest.find('/');
      std::string_view text = rest.substr(0, slash);
      Segment segment;
      if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
        segment.is_param = true;
        segment.text = std::string(text.substr(1, text.size() - 2));
      } else if (text.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("malformed route segment in " + std::string(path_template));
      } else {
        segment.text = std::string(text);
      }
      compiled.segments.push_back(std::move(segment));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
  }
  for (const Route& route : routes_) {
    if (route.method == method && route.path_template == path_template) {
      throw std::invalid_argument("duplicate route " + std::string(MethodName(method)) + " " +
                                  std::string(path_template));
    }
  }
  Route route{method,  std::string(path_template), std::move(name),
              options, std::move(handler),         routes_.size()};
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

RouteMatch Router::Match(std::optional<Method> method, std::string_view path) const {
  RouteMatch result;
  auto parsed = boost::urls::parse_path(path);
  if (!parsed || path.empty() || path.front() != '/') return result;
  std::vector<std::string> segments;
  for (auto segment : *parsed) segments.push_back(segment.decode());

  // A HEAD request is served by the GET route unless one is registered for HEAD.
  const Route* best = nullptr;
  const Route* best_get = nullptr;
  const Compiled* best_compiled = nullptr;
  const Compiled* best_get_compiled = nullptr;
  auto more_specific = [](const Compiled& a, const Compiled& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  };
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const Compiled& compiled = compiled_[r];
    if (compiled.segments.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const Segment& s = compiled.segments[i];
      matches = s.is_param ? !segments[i].empty() : s.text == segments[i];
    }
    if (!matches) continue;
    const Route& route = routes_[r];
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
    if (route.method == method && (!best || more_specific(compiled, *best_compiled))) {
      best = &route;
      best_compiled = &compiled;
    }
    if (route.method == Method::kGet &&
        (!best_get || more_specific(compiled, *best_get_compiled))) {
      best_get = &route;
      best_get_compiled = &compiled;
    }
  }
  if (!best && method == Method::kHead && best_get) {
    best = best_get;
    best_compiled = best_get_compiled;
  }
  if (best) {
    result.kind = RouteMatch::Kind::kFound;
    result.route = best;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (best_compiled->segments[i].is_param) {
        result.path_params.emplace_back(best_compiled->segments[i].text, std::move(segments[i]));
      }
    }
    result.allowed.clear();
    return result;
  }
  if (result.allowed.empty()) return result;
  bool has_get =
      std::find(result.allowed.begin(), result.allowed.end(), Method::kGet) != result.allowed.end();
  bool has_head = std::find(result.allowed.begin(), result.allowed.end(), Method::kHead) !=
                  result.allowed.end();
  if (has_get && !has_head) result.allowed.push_back(Method::kHead);
  std::sort(result.allowed.begin(), result.allowed.end());
  result.kind = RouteMatch::Kind::kMethodNotAllowed;
  return result;
}

}  // namespace seatwise::http
