#pragma once
// The job that delivers queued webhook events (webhook_delivery, every 10 seconds).
//
// Each run claims the deliveries that are due and POSTs each one's JSON body to its endpoint
// with the headers Seatwise-Event, Seatwise-Delivery (the delivery id), Seatwise-Timestamp
// (unix seconds) and Seatwise-Signature ("v1=" + hex HMAC-SHA256 keyed with the endpoint's
// secret over "<timestamp>.<body>"). A 2xx answer delivers it; anything else (another
// status, a redirect, which is never followed, a timeout, a refused connection) is retried
// after a backoff of 30 seconds doubling per attempt up to 6 hours, ±10% jitter, and the
// delivery fails for good after `max_attempts` attempts. Each attempt records the status
// code and a short error, which the deliveries list shows: "HTTP <status>", "could not
// connect" or why the endpoint was refused, never the transport's own error text (it would
// tell an admin how the server's network answers).
//
// Before each attempt the endpoint's host is looked up once and every address it has is
// checked (service::CheckWebhookTarget): one that is not public refuses the attempt, and the
// request then goes to the checked address only, so a DNS answer that changes between the
// check and the connection (rebinding) cannot lead inside.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/net_address.hpp"
#include "core/random.hpp"
#include "jobs/job.hpp"
#include "service/context.hpp"
#include "service/host_resolver.hpp"
#include "service/webhooks.hpp"

namespace seatwise::jobs {

struct WebhookDeliveryOptions {
  std::array<std::uint8_t, 32> sealing_key{};  // opens the endpoints' signing secrets
  int max_attempts = 10;                       // attempts in all, the first included
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  int batch_size = 10;    // deliveries claimed at a time
  int max_per_run = 200;  // the rest wait for the next run
  // Test switch, never set in production: endpoints at exactly 127.0.0.1 or [::1] are
  // delivered to (service::WebhookOptions::allow_loopback_http).
  bool allow_loopback_http = false;
  // Looks up endpoint host names; null: the system's resolver.
  service::HostResolver* resolver = nullptr;
};

// What the deliveries list shows for an attempt without an HTTP answer.
inline constexpr std::string_view kWebhookCouldNotConnect = "could not connect";
inline constexpr std::string_view kWebhookNotPublic = "refused: the address is not public";

// One HTTP POST and what came of it.
struct WebhookPost {
  std::string url;
  core::IpAddress address;  // the checked address of the URL's host: the only one to connect to
  std::map<std::string, std::string> headers;
  std::string body;
};
struct WebhookAnswer {
  std::optional<int> status_code;  // unset when no HTTP answer arrived
  std::string error;               // empty on a 2xx answer; never transport details
  bool delivered() const { return status_code && *status_code >= 200 && *status_code < 300; }
};
using WebhookPoster = std::function<WebhookAnswer(const WebhookPost&)>;

// POSTs with libcurl to `address` and nowhere else (the URL's host is not looked up again;
// no proxy), TLS verified against the URL's host name: no redirects followed, http and https
// only, `timeout` in all. Errors are kWebhookCouldNotConnect or "HTTP <status>".
WebhookPoster CurlWebhookPoster(std::chrono::milliseconds timeout);

// The wait after `attempts` failed attempts: 30 seconds after the first, doubling each time
// up to 6 hours, then varied by up to ±10% with `random`.
std::chrono::milliseconds WebhookRetryDelay(int attempts, core::Random& random);

class WebhookDeliveryJob final : public Job {
 public:
  WebhookDeliveryJob(const service::Deps& deps, WebhookDeliveryOptions options,
                     WebhookPoster poster);

  std::string_view Name() const override { return "webhook_delivery"; }
  std::chrono::milliseconds Every() const override { return std::chrono::seconds(10); }
  core::Result<JobResult> Run(core::TimePoint now) override;

 private:
  service::Deps deps_;
  WebhookDeliveryOptions options_;
  WebhookPoster poster_;
  std::unique_ptr<service::HostResolver> system_resolver_;  // when options_.resolver is null
  service::HostResolver* resolver_;
};

// The job posting with libcurl, looking names up with `options.resolver` or the system's.
std::unique_ptr<Job> MakeWebhookDeliveryJob(const service::Deps& deps,
                                            WebhookDeliveryOptions options);

}  // namespace seatwise::jobs
