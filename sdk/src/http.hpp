#pragma once
// One HTTP(S) exchange with the licence server through libcurl: bounded timeouts, TLS
// certificate and host verification always on, no redirects.

#include <string>
#include <utility>
#include <vector>

namespace seatwise::sdk {

struct HttpResponse {
  long status = 0;  // 0 when the exchange failed; `error` says why
  std::string body;
  std::string error;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string content_type;  // "" for no body
  std::string body;
  std::string bearer;  // Authorization: Bearer, when not empty
};

HttpResponse Perform(const HttpRequest& request);

// application/x-www-form-urlencoded text of `fields`.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace seatwise::sdk
