#include "app/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <cctype>

#include "app/version.hpp"

namespace seatwise::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::vector<std::string> HttpReply::Headers(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (key == name) out.push_back(value);
  }
  return out;
}

core::Result<HttpClient> HttpClient::ForUrl(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the server URL must look like http://host:port");
  }
  if (parsed->scheme() == "https") {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "https:// is not supported by the command line yet; use http:// on "
                           "loopback or a trusted network");
  }
  if (parsed->scheme() != "http" || parsed->host().empty() ||
      (!parsed->path().empty() && parsed->path() != "/") || parsed->has_query()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the server URL must look like http://host:port, without a path");
  }
  HttpClient client;
  client.host_ = std::string(parsed->encoded_host_address());
  if (client.host_.size() > 2 && client.host_.front() == '[') {
    client.host_ = client.host_.substr(1, client.host_.size() - 2);
  }
  client.port_ = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  client.base_url_ = base;
  return client;
}

core::Result<HttpReply> HttpClient::Send(
    const std::string& method, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body) const {
  auto fail = [this](const std::string& what, const beast::error_code& ec) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "cannot " + what + " " + base_url_ + ": " + ec.message());
  };
  asio::io_context context;
  asio::ip::tcp::resolver resolver(context);
  beast::tcp_stream stream(context);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host_, port_, ec);
  if (ec) return fail("resolve", ec);
  stream.expires_after(timeout_);
  stream.connect(endpoints, ec);
  if (ec) return fail("connect to", ec);

  bhttp::request<bhttp::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(bhttp::field::host, host_ + ":" + port_);
  request.set(bhttp::field::user_agent, "seatwise-cli/" + std::string(kVersion));
  request.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  stream.expires_after(timeout_);
  bhttp::write(stream, request, ec);
  if (ec) return fail("send to", ec);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  stream.expires_after(timeout_);
  bhttp::read(stream, buffer, parser, ec);
  if (ec) return fail("read the answer of", ec);
  auto& response = parser.get();
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    reply.headers.emplace_back(Lower(std::string(field.name_string())), std::string(field.value()));
  }
  reply.body = std::move(response.body());
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return reply;
}

}  // namespace seatwise::app
