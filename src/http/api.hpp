#pragma once
// The /api/v1 surface: what the route files share, and the one registration function both
// the composition root and the spec test call.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/model.hpp"
#include "core/result.hpp"
#include "http/auth.hpp"
#include "http/router.hpp"

namespace seatwise::service {
class IdentityService;
class TokenService;
class GdprService;
class RoleService;
class AuditQueryService;
class CatalogService;
class UserService;
class OrderService;
class TeamService;
class ResellerService;
class ContractService;
class AssignmentService;
class EntitlementService;
class LeaseService;
class DeviceService;
class ReportService;
class WebhookService;
class DownloadService;
}  // namespace seatwise::service

namespace seatwise::http {

// The services behind the API; owned by the composition root, outliving the router.
struct ApiServices {
  service::IdentityService& identity;
  service::TokenService& tokens;
  service::GdprService& gdpr;
  service::RoleService& roles;
  service::AuditQueryService& audit;
  service::UserService& users;
  service::CatalogService& catalog;
  service::OrderService& orders;
  service::TeamService& teams;
  service::ResellerService& resellers;
  service::ContractService& contracts;
  service::AssignmentService& assignments;
  service::EntitlementService& entitlements;
  service::LeaseService& leases;
  service::DeviceService& devices;
  service::ReportService& reports;
  service::WebhookService& webhooks;
  service::DownloadService& downloads;
  const Authenticator& auth;
  std::string public_url;  // origin of the portal, for links on the device page
};

// Every API route.
void RegisterApiRoutes(Router& router, const ApiServices& services);

void RegisterAuthRoutes(Router& router, const ApiServices& services);
void RegisterMeRoutes(Router& router, const ApiServices& services);
void RegisterTokenRoutes(Router& router, const ApiServices& services);
void RegisterOAuthRoutes(Router& router, const ApiServices& services);
void RegisterRoleRoutes(Router& router, const ApiServices& services);
void RegisterAuditRoutes(Router& router, const ApiServices& services);
void RegisterCatalogRoutes(Router& router, const ApiServices& services);
void RegisterUserRoutes(Router& router, const ApiServices& services);
void RegisterOrderRoutes(Router& router, const ApiServices& services);
void RegisterTeamRoutes(Router& router, const ApiServices& services);
void RegisterResellerRoutes(Router& router, const ApiServices& services);
void RegisterContractRoutes(Router& router, const ApiServices& services);
void RegisterAssignmentRoutes(Router& router, const ApiServices& services);
void RegisterClientRoutes(Router& router, const ApiServices& services);
void RegisterLeaseRoutes(Router& router, const ApiServices& services);
void RegisterDeviceRoutes(Router& router, const ApiServices& services);
void RegisterReportRoutes(Router& router, const ApiServices& services);
void RegisterWebhookRoutes(Router& router, const ApiServices& services);
void RegisterDownloadRoutes(Router& router, const ApiServices& services);

// The problem response for a service error, with Retry-After when the error carries one.
Response ErrorResponse(const Request& request, const core::Error& error);

// "2026-01-02T03:04:05.678Z"
std::string FormatTime(core::TimePoint t);
// RFC 3339 date-time ("2026-01-02T03:04:05Z", fractions and offsets allowed).
std::optional<core::TimePoint> ParseTime(std::string_view text);
boost::json::value OptionalTime(const std::optional<core::TimePoint>& t);

// The one reader of a JSON object body: "the request body must be a JSON object" otherwise;
// an empty body reads as {} where `empty_ok`.
core::Result<boost::json::object> JsonObjectBody(const Request& request, bool empty_ok = false);

// The one shape of a list answer: {"items": [...], "next_after": the cursor of the next page,
// or null on the last}.
boost::json::object PageJson(boost::json::array items, const std::string& next_after);
// The same, each item of `page` written by `to_json`.
template <typename T, typename ToJson>
boost::json::object PageJson(const store::Page<T>& page, ToJson to_json) {
  boost::json::array items;
  for (const auto& item : page.items) items.emplace_back(to_json(item));
  return PageJson(std::move(items), page.next_after);
}

// The one reader of a list request's paging: the cursor `after` (at most 200 characters) and
// the size `limit` (1 to `max_limit`). A bad parameter adds a field error to `errors` and
// leaves its default as it was.
void ReadPage(const Request& request, std::string& after, int& limit,
              std::vector<core::FieldError>& errors, int max_limit = store::kMaxPageSize);

// Public views of domain objects; never a secret or hash.
boost::json::object UserJson(const core::User& user);
boost::json::object MembershipJson(const core::Membership& membership);
boost::json::object ContractJson(const core::Contract& contract);

// Reads typed fields of a JSON object body (or a form body where allowed), collecting one
// field error per bad field; Finish() reports them together as a 400.
class BodyFields {
 public:
  // kUnsupportedMediaType / kInvalidArgument when the body is not a JSON object.
  static core::Result<BodyFields> FromJson(const Request& request);
  // Also accepts application/x-www-form-urlencoded (values are strings).
  static core::Result<BodyFields> FromJsonOrForm(const Request& request);

  std::string RequiredString(std::string_view field, std::size_t max_length = 1024);
  std::optional<std::string> OptionalString(std::string_view field, std::size_t max_length = 1024);
  std::optional<int> OptionalInt(std::string_view field, int min, int max);
  std::optional<bool> OptionalBool(std::string_view field);
  // The field is present with the value null.
  bool IsNull(std::string_view field) const;

  // Ok, or kInvalidArgument with every field error.
  core::Result<void> Finish() const;

 private:
  boost::json::object object_;
  std::vector<core::FieldError> errors_;
};

}  // namespace seatwise::http
