#include "jobs/webhook_delivery_job.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "crypto/secret_box.hpp"
#include "jobs/system_host_resolver.hpp"

namespace seatwise::jobs {
namespace {

constexpr std::chrono::milliseconds kFirstRetry = std::chrono::seconds(30);
constexpr std::chrono::milliseconds kLongestRetry = std::chrono::hours(6);
constexpr std::size_t kErrorMax = 200;

std::size_t DiscardBody(char*, std::size_t size, std::size_t count, void*) { return size * count; }

std::string Short(std::string text) {
  if (text.size() > kErrorMax) text = text.substr(0, kErrorMax - 3) + "...";
  return text;
}

// The address `socket_address` names is `pinned`.
bool IsPinned(const sockaddr* socket_address, const core::IpAddress& pinned) {
  if (socket_address->sa_family == AF_INET && pinned.family == core::IpAddress::Family::kV4) {
    sockaddr_in in{};
    std::memcpy(&in, socket_address, sizeof in);
    return std::memcmp(&in.sin_addr, pinned.bytes.data(), 4) == 0;
  }
  if (socket_address->sa_family == AF_INET6 && pinned.family == core::IpAddress::Family::kV6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, socket_address, sizeof in6);
    return std::memcmp(&in6.sin6_addr, pinned.bytes.data(), 16) == 0;
  }
  return false;
}

// libcurl's socket for each connection: none for an address other than the checked one, so
// nothing (a proxy from the environment, an alternative service, a changed DNS answer) can
// make the request go elsewhere.
curl_socket_t OpenPinnedSocket(void* pinned, curlsocktype purpose, curl_sockaddr* address) {
  if (purpose != CURLSOCKTYPE_IPCXN ||
      !IsPinned(&address->addr, *static_cast<const core::IpAddress*>(pinned))) {
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

WebhookAnswer Post(const WebhookPost& post, std::chrono::milliseconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  WebhookAnswer answer;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    answer.error = std::string(kWebhookCouldNotConnect);
    return answer;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  for (const auto& [name, value] : post.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // Any host and port of the URL connect to the checked address, on the URL's port; TLS
  // still verifies the certificate against the URL's host name.
  const std::string address = post.address.family == core::IpAddress::Family::kV6
                                  ? "[" + post.address.ToString() + "]"
                                  : post.address.ToString();
  curl_slist* connect_to = curl_slist_append(nullptr, ("::" + address + ":").c_str());
  core::IpAddress pinned = post.address;
  const long timeout_ms = static_cast<long>(timeout.count());
  curl_easy_setopt(curl, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenPinnedSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &pinned);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "Seatwise-Webhooks/1");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, DiscardBody);
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    answer.status_code = static_cast<int>(status);
    if (!answer.delivered()) {
      answer.error = status >= 300 && status < 400
                         ? fmt::format("HTTP {}: redirects are not followed", status)
                         : fmt::format("HTTP {}", status);
    }
  } else {
    // Whatever failed (name, connection, TLS, timeout), the admin learns only that: the
    // transport's own words would describe the network around the server.
    answer.error = std::string(kWebhookCouldNotConnect);
  }
  curl_slist_free_all(connect_to);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

}  // namespace

WebhookPoster CurlWebhookPoster(std::chrono::milliseconds timeout) {
  return [timeout](const WebhookPost& post) { return Post(post, timeout); };
}

std::chrono::milliseconds WebhookRetryDelay(int attempts, core::Random& random) {
  std::chrono::milliseconds delay = kFirstRetry;
  for (int i = 1; i < attempts && delay < kLongestRetry; ++i) delay *= 2;
  delay = std::min(delay, kLongestRetry);
  std::array<std::uint8_t, 2> bytes{};
  random.Fill(bytes);
  // A factor from 0.9 to 1.1, so endpoints that failed together spread out.
  const double unit = static_cast<double>((bytes[0] << 8) | bytes[1]) / 65535.0;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(delay.count()) * (0.9 + 0.2 * unit)));
}

WebhookDeliveryJob::WebhookDeliveryJob(const service::Deps& deps, WebhookDeliveryOptions options,
                                       WebhookPoster poster)
    : deps_(deps), options_(options), poster_(std::move(poster)), resolver_(options.resolver) {
  if (resolver_ == nullptr) {
    system_resolver_ = std::make_unique<SystemHostResolver>();
    resolver_ = system_resolver_.get();
  }
}

core::Result<JobResult> WebhookDeliveryJob::Run(core::TimePoint now) {
  // A claimed batch stays with this node while each delivery may take the whole timeout.
  const auto claim_for = std::chrono::duration_cast<std::chrono::milliseconds>(
      options_.timeout * std::max(options_.batch_size, 1) + std::chrono::minutes(1));
  std::int64_t delivered = 0;
  std::int64_t retrying = 0;
  std::int64_t failed = 0;
  int handled = 0;
  while (handled < options_.max_per_run) {
    const int limit = std::min(options_.batch_size, options_.max_per_run - handled);
    SW_ASSIGN_OR_RETURN(std::vector<core::WebhookDelivery> batch,
                        deps_.db.Transact<std::vector<core::WebhookDelivery>>(
                            store::TxMode::kWrite, [&](store::Tx& tx) {
                              return deps_.repos.webhooks->ClaimDueDeliveries(tx, now, limit,
                                                                              claim_for);
                            }));
    if (batch.empty()) break;
    handled += static_cast<int>(batch.size());
    for (const core::WebhookDelivery& delivery : batch) {
      auto endpoint =
          deps_.db.Transact<core::WebhookEndpoint>(store::TxMode::kRead, [&](store::Tx& tx) {
            return deps_.repos.webhooks->GetEndpoint(tx, delivery.endpoint_id);
          });
      if (!endpoint.ok()) {
        if (endpoint.error().code == core::ErrorCode::kNotFound) continue;  // deleted meanwhile
        return endpoint.error();
      }
      WebhookAnswer answer;
      bool final = false;
      if (!endpoint->active && delivery.event_type != "test.ping") {
        answer.error = "the endpoint is disabled";
        final = true;
      } else if (auto secret = crypto::Open(options_.sealing_key, endpoint->secret_sealed);
                 !secret.ok()) {
        answer.error = "the signing secret cannot be read with this instance's key";
        final = true;
      } else if (auto target = service::CheckWebhookTarget(
                     endpoint->url, options_.allow_loopback_http, *resolver_);
                 !target.ok()) {
        // Checked again at each attempt: the URL may predate the rules, and a name may now
        // resolve elsewhere than at registration.
        switch (target.error().code) {
          case core::ErrorCode::kPermissionDenied:
            answer.error = std::string(kWebhookNotPublic);
            break;
          case core::ErrorCode::kInvalidArgument:
            answer.error = "refused: the URL " + target.error().message;
            final = true;
            break;
          default:
            answer.error = std::string(kWebhookCouldNotConnect);
            break;
        }
      } else {
        const std::int64_t timestamp = core::ToUnixMillis(now) / 1000;
        WebhookPost post;
        post.url = endpoint->url;
        post.address = target->addresses.front();
        post.body = delivery.payload_json;
        post.headers = {
            {"Seatwise-Event", delivery.event_type},
            {"Seatwise-Delivery", delivery.id},
            {"Seatwise-Timestamp", std::to_string(timestamp)},
            {"Seatwise-Signature", service::WebhookSignature(*secret, timestamp, post.body)}};
        answer = poster_(post);
      }
      if (answer.delivered()) {
        SW_RETURN_IF_ERROR(deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
          return deps_.repos.webhooks->MarkDelivered(tx, delivery.id, *answer.status_code, now);
        }));
        ++delivered;
        continue;
      }
      const int attempts = delivery.attempts + 1;
      final = final || attempts >= options_.max_attempts;
      std::optional<core::TimePoint> next;
      if (!final) next = now + WebhookRetryDelay(attempts, deps_.random);
      SW_RETURN_IF_ERROR(deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
        return deps_.repos.webhooks->MarkDeliveryFailed(tx, delivery.id, answer.status_code,
                                                        Short(answer.error), next);
      }));
      ++(final ? failed : retrying);
    }
  }
  JobResult out;
  out.processed = delivered;
  out.detail = fmt::format("{} delivered, {} to retry, {} failed", delivered, retrying, failed);
  return out;
}

std::unique_ptr<Job> MakeWebhookDeliveryJob(const service::Deps& deps,
                                            WebhookDeliveryOptions options) {
  return std::make_unique<WebhookDeliveryJob>(deps, options, CurlWebhookPoster(options.timeout));
}

}  // namespace seatwise::jobs
