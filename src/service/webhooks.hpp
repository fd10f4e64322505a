#pragma once
// Webhooks: a team's Primary and Secondary Admins register endpoints that receive events of
// the team as signed HTTP POSTs (the webhook_delivery job sends them).
//
// An endpoint has a URL (https only, to a public address: see CheckWebhookTarget), the events
// it subscribes to, and whether it is enabled. Its
// signing secret ("whsec_...") is shown once, when the endpoint is created or the secret
// rotated; it is stored sealed with the instance key because the job needs it to sign.
//
// Use cases call EnqueueWebhookEvent inside their own transaction: the event commits with
// the change that caused it, one delivery per enabled endpoint subscribed to it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "core/net_address.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "service/host_resolver.hpp"
#include "store/page.hpp"

namespace seatwise::service {

// Every event an endpoint may subscribe to.
inline constexpr std::array<std::string_view, 10> kWebhookEvents = {
    "user.invited",     "invitation.expired", "seat.assigned", "seat.unassigned",
    "device.activated", "device.out_of_date", "lease.denied",  "contract.expiring",
    "contract.expired", "test.ping"};

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";

struct WebhookOptions {
  std::array<std::uint8_t, 32> sealing_key{};  // seals the signing secrets at rest
  // Test switch, never set in production: endpoints at exactly 127.0.0.1 or [::1], over
  // http:// or https://, are accepted (other loopback spellings and names still are not).
  bool allow_loopback_http = false;
  // Looks up host names at registration, so a name that resolves inside is refused at once;
  // null: names are checked only at each delivery (the delivery job always checks).
  HostResolver* resolver = nullptr;
};

// What an admin sets; absent fields keep their value (creation needs url and events).
struct WebhookEndpointInput {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;
};

// An endpoint with its signing secret in clear: only right after creation or rotation.
struct WebhookWithSecret {
  core::WebhookEndpoint endpoint;
  std::string secret;
};

class WebhookService {
 public:
  WebhookService(const Deps& deps, WebhookOptions options) : deps_(deps), options_(options) {}

  // kInvalidArgument (field errors) for a bad URL or event list.
  core::Result<WebhookWithSecret> CreateEndpoint(const Caller& caller, const std::string& team_id,
                                                 const WebhookEndpointInput& input);
  core::Result<std::vector<core::WebhookEndpoint>> ListEndpoints(const Caller& caller,
                                                                 const std::string& team_id);
  // kNotFound for an endpoint of another team.
  core::Result<core::WebhookEndpoint> GetEndpoint(const Caller& caller, const std::string& team_id,
                                                  const std::string& endpoint_id);
  core::Result<core::WebhookEndpoint> UpdateEndpoint(const Caller& caller,
                                                     const std::string& team_id,
                                                     const std::string& endpoint_id,
                                                     const WebhookEndpointInput& input);
  // Deletes the endpoint with its delivery history.
  core::Result<void> DeleteEndpoint(const Caller& caller, const std::string& team_id,
                                    const std::string& endpoint_id);
  // A new secret replaces the old one at once.
  core::Result<WebhookWithSecret> RotateSecret(const Caller& caller, const std::string& team_id,
                                               const std::string& endpoint_id);
  // Queues a test.ping delivery to this endpoint, whatever it subscribes to.
  core::Result<core::WebhookDelivery> Ping(const Caller& caller, const std::string& team_id,
                                           const std::string& endpoint_id);
  // Newest first.
  core::Result<store::Page<core::WebhookDelivery>> ListDeliveries(const Caller& caller,
                                                                  const std::string& team_id,
                                                                  const std::string& endpoint_id,
                                                                  const store::PageRequest& page);

 private:
  Deps deps_;
  WebhookOptions options_;
};

// Queues `event` of `team_id` for every enabled endpoint of the team subscribed to it, inside
// the caller's transaction, and returns how many deliveries were queued. `payload_json` (a
// JSON object) becomes the "data" member of the body sent; `event_key` identifies the event
// (the body's "id"; one delivery per endpoint and key) and is generated when empty.
core::Result<int> EnqueueWebhookEvent(store::Tx& tx, const Deps& deps, const std::string& team_id,
                                      std::string_view event, const std::string& payload_json,
                                      std::string event_key = "");

// The Seatwise-Signature header value: "v1=" and the lowercase hex HMAC-SHA256, keyed with
// the secret's bytes, of the decimal timestamp, ".", and the body.
std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body);

// Empty when the form of `url` allows webhooks; otherwise why not, as a field message. Only
// https:// to a host name or a public address written the usual way; never user info, an
// address outside the public internet in any spelling (see core/net_address.hpp), an IPv6
// zone id or "localhost". Host names are not looked up here: see CheckWebhookTarget.
std::string WebhookUrlProblem(std::string_view url, bool allow_loopback_http);

// Where a webhook URL leads now.
struct WebhookTarget {
  std::string host;                        // a lower-case name or an address literal
  std::vector<core::IpAddress> addresses;  // every one checked; deliveries use the first
};

// Checks `url` and every address its host has now (looked up with `resolver`, once).
// kInvalidArgument: the URL's form is refused (WebhookUrlProblem); kPermissionDenied: the host
// is, or resolves to, an address that is not public; kUnavailable: the name did not resolve.
// Messages never name an address the host resolved to, which would map a private network.
core::Result<WebhookTarget> CheckWebhookTarget(std::string_view url, bool allow_loopback_http,
                                               HostResolver& resolver);

}  // namespace seatwise::service
