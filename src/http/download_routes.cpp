// Downloads and updates: a product's releases (read by everyone signed in, written by
// operators) and what a person may download in a team. The service decides who may.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/downloads.hpp"

namespace seatwise::http {
namespace {

namespace json = boost::json;

json::object ReleaseJson(const core::ProductRelease& r, const std::string& product_code) {
  return json::object{{"id", r.id},
                      {"product_code", product_code},
                      {"version", r.version},
                      {"kind", core::EnumName(r.kind)},
                      {"title", r.title},
                      {"released_at", FormatTime(r.released_at)},
                      {"download_url", r.download_url},
                      {"sha256", r.sha256},
                      {"size_bytes", r.size_bytes},
                      {"notes", r.notes}};
}

json::object DownloadJson(const service::Download& d) {
  json::array via;
  for (const auto& v : d.via) {
    via.push_back(json::object{{"subscription_id", v.subscription.id},
                               {"contract_number", v.contract.number},
                               {"activation", core::EnumName(v.subscription.activation)},
                               {"access", core::EnumName(v.subscription.access)},
                               {"model", core::EnumName(v.subscription.model)}});
  }
  json::array releases;
  for (const auto& r : d.releases) releases.push_back(ReleaseJson(r, d.product.code));
  return json::object{{"product", json::object{{"id", d.product.id},
                                               {"code", d.product.code},
                                               {"name", d.product.name},
                                               {"release_name", d.product.release}}},
                      {"via", std::move(via)},
                      {"releases", std::move(releases)}};
}

// The string member `key`, or "" with a field error when it is there but not a string
// (a missing one is left to the service, which names it as required).
std::string StringField(const json::object& body, std::string_view key,
                        std::vector<core::FieldError>& errors) {
  const json::value* value = body.if_contains(key);
  if (value == nullptr || value->is_null()) return "";
  if (!value->is_string()) {
    errors.push_back({std::string(key), "must be a string"});
    return "";
  }
  return std::string(value->get_string());
}

core::Result<service::ReleaseRequest> ReleaseRequestOf(const Request& request) {
  SW_ASSIGN_OR_RETURN(const json::object body, JsonObjectBody(request));
  service::ReleaseRequest out;
  auto& errors = out.errors;
  out.version = StringField(body, "version", errors);
  out.kind = StringField(body, "kind", errors);
  out.title = StringField(body, "title", errors);
  out.download_url = StringField(body, "download_url", errors);
  out.sha256 = StringField(body, "sha256", errors);
  out.notes = StringField(body, "notes", errors);
  const std::string released_at = StringField(body, "released_at", errors);
  if (!released_at.empty()) {
    out.released_at = ParseTime(released_at);
    if (!out.released_at) {
      errors.push_back({"released_at", "must be an RFC 3339 time like 2027-04-01T00:00:00Z"});
    }
  }
  if (const json::value* size = body.if_contains("size_bytes"); size && !size->is_null()) {
    if (size->is_int64()) {
      out.size_bytes = size->as_int64();
    } else if (size->is_uint64()) {
      errors.push_back({"size_bytes", "is too large"});
    } else {
      errors.push_back({"size_bytes", "must be an integer greater than 0"});
    }
  }
  return out;
}

std::string Param(const Request& request, std::string_view name) {
  return std::string(request.PathParam(name));
}

}  // namespace

void RegisterDownloadRoutes(Router& router, const ApiServices& services) {
  service::DownloadService* downloads = &services.downloads;
  const Authenticator* auth = &services.auth;

  router.Add(
      Method::kGet, "/api/v1/catalog/products/{code}/releases", "product_release_list",
      auth->Authenticated([downloads](const Request& request, const service::Caller& caller) {
        auto releases = downloads->ListReleases(caller, Param(request, "code"));
        if (!releases.ok()) return ErrorResponse(request, releases.error());
        json::array items;
        for (const auto& r : *releases) items.push_back(ReleaseJson(r.release, r.product_code));
        return JsonResponse(json::object{{"items", std::move(items)}});
      }));

  router.Add(
      Method::kPost, "/api/v1/catalog/products/{code}/releases", "product_release_create",
      auth->Authenticated([downloads](const Request& request, const service::Caller& caller) {
        auto body = ReleaseRequestOf(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        auto created = downloads->AddRelease(caller, Param(request, "code"), std::move(*body));
        if (!created.ok()) return ErrorResponse(request, created.error());
        return JsonResponse(ReleaseJson(created->release, created->product_code), 201);
      }));

  router.Add(
      Method::kDelete, "/api/v1/catalog/products/{code}/releases/{id}", "product_release_delete",
      auth->Authenticated([downloads](const Request& request, const service::Caller& caller) {
        auto deleted =
            downloads->DeleteRelease(caller, Param(request, "code"), Param(request, "id"));
        if (!deleted.ok()) return ErrorResponse(request, deleted.error());
        Response response;
        response.status = 204;
        return response;
      }));

  router.Add(
      Method::kGet, "/api/v1/teams/{team}/downloads", "team_download_list",
      auth->Authenticated([downloads](const Request& request, const service::Caller& caller) {
        auto items = downloads->ListTeamDownloads(caller, Param(request, "team"));
        if (!items.ok()) return ErrorResponse(request, items.error());
        json::array out;
        for (const auto& d : *items) out.push_back(DownloadJson(d));
        return JsonResponse(json::object{{"items", std::move(out)}});
      }));

  // The contracts the caller was granted use of: number, status, term end and what they may
  // use — nothing of billing, company, other people's seats or orders.
  router.Add(
      Method::kGet, "/api/v1/me/contracts", "me_contract_list",
      auth->Authenticated([downloads](const Request& request, const service::Caller& caller) {
        auto items = downloads->ListMyContracts(caller);
        if (!items.ok()) return ErrorResponse(request, items.error());
        json::array out;
        for (const auto& c : *items) {
          json::array uses;
          for (const auto& u : c.uses) {
            uses.push_back(json::object{{"kind", u.kind},
                                        {"code", u.code},
                                        {"name", u.name},
                                        {"via", u.via},
                                        {"expires_at", FormatTime(u.expires_at)}});
          }
          out.push_back(
              json::object{{"contract_id", c.contract.id},
                           {"number", c.contract.number},
                           {"status", core::EnumName(c.contract.status)},
                           {"starts_at", FormatTime(c.contract.starts_at)},
                           {"ends_at", FormatTime(c.contract.ends_at)},
                           {"team", json::object{{"id", c.team.id}, {"name", c.team.name}}},
                           {"uses", std::move(uses)}});
        }
        return JsonResponse(json::object{{"items", std::move(out)}});
      }));
}

}  // namespace seatwise::http
