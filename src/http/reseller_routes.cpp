// The operator console's resellers: list, look up, create, change, and add or remove the
// reseller's staff. The reseller service decides who may and what each change does.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/resellers.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kFieldMax = 1024;

boost::json::object ResellerJson(const service::ResellerSummary& s) {
  return boost::json::object{{"id", s.reseller.id},
                             {"name", s.reseller.name},
                             {"contact_email", s.reseller.contact_email},
                             {"customers", s.customers},
                             {"staff", s.staff},
                             {"created_at", FormatTime(s.reseller.created_at)},
                             {"updated_at", FormatTime(s.reseller.updated_at)}};
}

core::Result<service::ResellerQuery> ParseResellerQuery(const Request& request) {
  service::ResellerQuery query;
  std::vector<core::FieldError> errors;
  query.search = request.Query("q").value_or("");
  if (query.search.size() > 200) errors.push_back({"q", "must be at most 200 characters"});
  ReadPage(request, query.after, query.limit, errors, service::kMaxResellerPageSize);
  if (!errors.empty()) {
    core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument,
                                        "the reseller query has invalid parameters");
    error.fields = std::move(errors);
    return error;
  }
  return query;
}

}  // namespace

void RegisterResellerRoutes(Router& router, const ApiServices& services) {
  service::ResellerService* resellers = &services.resellers;
  const Authenticator* auth = &services.auth;

  router.Add(
      Method::kGet, "/api/v1/resellers", "reseller_list",
      auth->Authenticated([resellers](const Request& request, const service::Caller& caller) {
        auto query = ParseResellerQuery(request);
        if (!query.ok()) return ErrorResponse(request, query.error());
        auto page = resellers->ListResellers(caller, *query);
        if (!page.ok()) return ErrorResponse(request, page.error());
        boost::json::array items;
        for (const auto& s : page->items) items.push_back(ResellerJson(s));
        return JsonResponse(PageJson(std::move(items), page->next_after));
      }));

  router.Add(
      Method::kGet, "/api/v1/resellers/{reseller}", "reseller_get",
      auth->Authenticated([resellers](const Request& request, const service::Caller& caller) {
        auto details = resellers->GetReseller(caller, std::string(request.PathParam("reseller")));
        if (!details.ok()) return ErrorResponse(request, details.error());
        boost::json::object out = ResellerJson(details->summary);
        boost::json::array staff;
        for (const auto& u : details->staff_members) {
          staff.push_back(boost::json::object{{"id", u.id},
                                              {"email", u.email},
                                              {"first_name", u.first_name},
                                              {"last_name", u.last_name},
                                              {"status", core::EnumName(u.status)}});
        }
        boost::json::array customers;
        for (const auto& a : details->recent_customers) {
          customers.push_back(boost::json::object{
              {"id", a.id}, {"name", a.company.name}, {"country", a.company.country}});
        }
        out["staff_members"] = std::move(staff);
        out["recent_customers"] = std::move(customers);
        return JsonResponse(out);
      }));

  router.Add(
      Method::kPost, "/api/v1/resellers", "reseller_create",
      auth->Authenticated([resellers](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        // Missing fields are reported by the service, after it checked who may.
        service::ResellerRequest input;
        input.name = body->OptionalString("name", kFieldMax).value_or("");
        input.contact_email = body->OptionalString("contact_email", kFieldMax).value_or("");
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto created = resellers->CreateReseller(caller, input);
        if (!created.ok()) return ErrorResponse(request, created.error());
        return JsonResponse(ResellerJson(*created), 201);
      }));

  router.Add(
      Method::kPatch, "/api/v1/resellers/{reseller}", "reseller_update",
      auth->Authenticated([resellers](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::ResellerPatch patch;
        patch.name = body->OptionalString("name", kFieldMax);
        patch.contact_email = body->OptionalString("contact_email", kFieldMax);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto updated =
            resellers->UpdateReseller(caller, std::string(request.PathParam("reseller")), patch);
        if (!updated.ok()) return ErrorResponse(request, updated.error());
        return JsonResponse(ResellerJson(*updated));
      }));

  router.Add(
      Method::kPost, "/api/v1/resellers/{reseller}/staff", "reseller_staff_add",
      auth->Authenticated([resellers](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::StaffRequest person;
        person.email = body->OptionalString("email", kFieldMax).value_or("");
        person.first_name = body->OptionalString("first_name", kFieldMax).value_or("");
        person.last_name = body->OptionalString("last_name", kFieldMax).value_or("");
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto added =
            resellers->AddStaff(caller, std::string(request.PathParam("reseller")), person);
        if (!added.ok()) return ErrorResponse(request, added.error());
        return JsonResponse(
            boost::json::object{{"user", UserJson(added->user)}, {"created", added->created}}, 201);
      }));

  router.Add(
      Method::kDelete, "/api/v1/resellers/{reseller}/staff/{user}", "reseller_staff_remove",
      auth->Authenticated([resellers](const Request& request, const service::Caller& caller) {
        auto removed = resellers->RemoveStaff(caller, std::string(request.PathParam("reseller")),
                                              std::string(request.PathParam("user")));
        if (!removed.ok()) return ErrorResponse(request, removed.error());
        Response response;
        response.status = 204;
        return response;
      }));
}

}  // namespace seatwise::http
