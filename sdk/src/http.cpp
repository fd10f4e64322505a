#include "http.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace seatwise::sdk {
namespace {

constexpr long kConnectTimeoutMs = 10'000;
constexpr long kTotalTimeoutMs = 30'000;
constexpr std::size_t kMaxBody = 8u << 20;

struct Sink {
  std::string* body;
  bool too_large = false;
};

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * count;
  if (sink->body->size() + bytes > kMaxBody) {
    sink->too_large = true;
    return 0;
  }
  sink->body->append(data, bytes);
  return bytes;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    for (const std::string* part : {&name, &value}) {
      for (const unsigned char c : *part) {
        if (IsUnreserved(c)) {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += kHex[c >> 4];
          out += kHex[c & 0x0f];
        }
      }
      if (part == &name) {
        out += '=';
      }
    }
  }
  return out;
}

HttpResponse Perform(const HttpRequest& request) {
  GlobalInit();
  HttpResponse response;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    response.error = "the HTTP library failed to start";
    return response;
  }
  std::vector<std::string> lines{"Accept: application/json"};
  if (!request.content_type.empty()) {
    lines.push_back("Content-Type: " + request.content_type);
  }
  if (!request.bearer.empty()) {
    lines.push_back("Authorization: Bearer " + request.bearer);
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(nullptr,
                                                                          &curl_slist_free_all);
  for (const std::string& line : lines) {
    curl_slist* extended = curl_slist_append(header_list.get(), line.c_str());
    if (extended == nullptr) {
      response.error = "out of memory";
      return response;
    }
    if (header_list.get() == nullptr) {
      header_list.reset(extended);
    }
  }
  curl_slist* headers = header_list.get();
  Sink sink{&response.body};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, kTotalTimeoutMs);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "libseatwise");
  if (!request.content_type.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    response.error = sink.too_large ? "the server's answer is too large"
                                    : std::string("cannot reach ") + request.url + ": " +
                                          curl_easy_strerror(code);
    response.body.clear();
    return response;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace seatwise::sdk
