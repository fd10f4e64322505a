// The computers of a team: list (JSON page or CSV export), details, edits. The service
// decides who may, what each status is and which devices a Software Coordinator reaches.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/devices.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kAssetNameBytes = 1024;    // the service counts characters (200)
constexpr std::size_t kDescriptionBytes = 8192;  // the service counts characters (2,000)

boost::json::value UserRef(const std::optional<service::DeviceUser>& user) {
  if (!user) return nullptr;
  return boost::json::object{{"id", user->id}, {"name", user->name}, {"email", user->email}};
}

boost::json::object ProductRef(const service::DeviceProduct& product) {
  return boost::json::object{{"id", product.id}, {"code", product.code}, {"name", product.name}};
}

boost::json::object DeviceJson(const service::DeviceView& view) {
  const core::Device& d = view.device;
  boost::json::array products;
  for (const auto& product : view.products) products.push_back(ProductRef(product));
  return boost::json::object{{"id", d.id},
                             {"asset_name", d.asset_name},
                             {"os", d.os},
                             {"app_version", d.app_version},
                             {"status", service::DeviceStatusName(view.status)},
                             {"last_check_in_at", OptionalTime(view.last_check_in_at)},
                             {"last_user", UserRef(view.last_user)},
                             {"products", std::move(products)},
                             {"description", d.description},
                             {"default_product_access", d.default_product_access},
                             {"default_update_access", d.default_update_access},
                             {"registered_at", FormatTime(d.registered_at)},
                             {"updated_at", FormatTime(d.updated_at)}};
}

boost::json::object DetailsJson(const service::DeviceDetails& details) {
  boost::json::object out = DeviceJson(details.view);
  boost::json::array activations;
  for (const auto& item : details.activations) {
    const core::Activation& a = item.activation;
    activations.push_back(
        boost::json::object{{"id", a.id},
                            {"kind", core::EnumName(a.kind)},
                            {"product", ProductRef(item.product)},
                            {"subscription_id", a.subscription_id},
                            {"user", UserRef(item.user)},
                            {"issued_at", FormatTime(a.issued_at)},
                            {"expires_at", FormatTime(a.expires_at)},
                            {"offline_grace_until", FormatTime(a.offline_grace_until)}});
  }
  boost::json::array leases;
  for (const auto& item : details.leases) {
    const core::Lease& l = item.lease;
    leases.push_back(boost::json::object{{"id", l.id},
                                         {"product", ProductRef(item.product)},
                                         {"subscription_id", l.subscription_id},
                                         {"user_name", l.user_name},
                                         {"host", l.host},
                                         {"checked_out_at", FormatTime(l.checked_out_at)},
                                         {"heartbeat_at", FormatTime(l.heartbeat_at)},
                                         {"expires_at", FormatTime(l.expires_at)},
                                         {"borrowed_until", OptionalTime(l.borrowed_until)}});
  }
  out["activations"] = std::move(activations);
  out["leases"] = std::move(leases);
  return out;
}

struct ListRequest {
  service::DeviceQuery query;
  bool csv = false;
};

core::Result<ListRequest> ParseListRequest(const Request& request) {
  ListRequest out;
  service::DeviceQuery& query = out.query;
  std::vector<core::FieldError> errors;
  if (auto status = request.Query("status"); status && !status->empty()) {
    query.status = service::ParseDeviceStatus(*status);
    if (!query.status) errors.push_back({"status", "must be online, offline or out_of_date"});
  }
  query.os = request.Query("os").value_or("");
  query.product = request.Query("product").value_or("");
  query.search = request.Query("search").value_or("");
  for (const auto& [field, value] :
       {std::pair{"os", &query.os}, {"product", &query.product}, {"search", &query.search}}) {
    if (value->size() > 200) errors.push_back({field, "must be at most 200 characters"});
  }
  if (auto sort = request.Query("sort"); sort && !sort->empty()) query.sort = *sort;
  ReadPage(request, query.after, query.limit, errors);
  if (auto format = request.Query("format")) {
    if (*format == "csv") {
      out.csv = true;
    } else if (*format != "json") {
      errors.push_back({"format", "must be json or csv"});
    }
  } else {
    const std::string_view accept = request.Header("Accept").value_or("");
    out.csv = accept.find("text/csv") != std::string_view::npos;
  }
  if (!errors.empty()) {
    core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument,
                                        "the device query has invalid parameters");
    error.fields = std::move(errors);
    return error;
  }
  return out;
}

}  // namespace

void RegisterDeviceRoutes(Router& router, const ApiServices& services) {
  service::DeviceService* devices = &services.devices;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/teams/{team}/devices", "team_device_list",
             auth->Authenticated([devices](const Request& request, const service::Caller& caller) {
               auto parsed = ParseListRequest(request);
               if (!parsed.ok()) return ErrorResponse(request, parsed.error());
               const std::string team(request.PathParam("team"));
               if (parsed->csv) {
                 auto exported = devices->ExportDevices(caller, team, parsed->query);
                 if (!exported.ok()) return ErrorResponse(request, exported.error());
                 Response response =
                     TextResponse(std::move(exported->csv), "text/csv; charset=utf-8");
                 response.SetHeader("Content-Disposition",
                                    "attachment; filename=\"" + exported->filename + "\"");
                 return response;
               }
               auto page = devices->ListDevices(caller, team, parsed->query);
               if (!page.ok()) return ErrorResponse(request, page.error());
               boost::json::array items;
               for (const auto& view : page->items) items.push_back(DeviceJson(view));
               return JsonResponse(PageJson(std::move(items), page->next_after));
             }));

  router.Add(Method::kGet, "/api/v1/teams/{team}/devices/{device}", "team_device_get",
             auth->Authenticated([devices](const Request& request, const service::Caller& caller) {
               auto details = devices->GetDevice(caller, std::string(request.PathParam("team")),
                                                 std::string(request.PathParam("device")));
               if (!details.ok()) return ErrorResponse(request, details.error());
               return JsonResponse(DetailsJson(*details));
             }));

  router.Add(Method::kPatch, "/api/v1/teams/{team}/devices/{device}", "team_device_update",
             auth->Authenticated([devices](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               service::DeviceChange change;
               change.asset_name = body->OptionalString("asset_name", kAssetNameBytes);
               change.description = body->IsNull("description")
                                        ? std::optional<std::string>("")
                                        : body->OptionalString("description", kDescriptionBytes);
               change.default_product_access = body->OptionalBool("default_product_access");
               change.default_update_access = body->OptionalBool("default_update_access");
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto view = devices->UpdateDevice(caller, std::string(request.PathParam("team")),
                                                 std::string(request.PathParam("device")), change);
               if (!view.ok()) return ErrorResponse(request, view.error());
               return JsonResponse(DeviceJson(*view));
             }));
}

}  // namespace seatwise::http
