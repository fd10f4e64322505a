// The team reports: seat usage, cloud credits and network licenses, as JSON or CSV. The service
// decides who sees what and computes every figure.

#include <cmath>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/reports.hpp"

namespace seatwise::http {
namespace {

double HoursOf(std::int64_t seconds) {
  return std::round(static_cast<double>(seconds) / 36.0) / 100.0;
}

std::string Day(core::TimePoint t) { return FormatTime(t).substr(0, 10); }

boost::json::object WindowJson(const service::ReportWindow& window) {
  return boost::json::object{{"name", service::ReportRangeName(window.range)},
                             {"from", FormatTime(window.from)},
                             {"to", FormatTime(window.to)}};
}

boost::json::object SeatUsageJson(const service::SeatUsageReport& report) {
  boost::json::array items;
  if (report.by == service::SeatUsageView::kByUser) {
    for (const auto& u : report.users) {
      items.push_back(boost::json::object{{"user_id", u.user_id},
                                          {"name", u.name},
                                          {"email", u.email},
                                          {"products", u.products},
                                          {"sessions", u.sessions},
                                          {"seconds", u.seconds},
                                          {"hours", HoursOf(u.seconds)},
                                          {"last_used", Day(u.last_used)}});
    }
  } else {
    for (const auto& p : report.products) {
      items.push_back(boost::json::object{{"kind", service::UsageRowKindName(p.kind)},
                                          {"id", p.id},
                                          {"code", p.code},
                                          {"name", p.name},
                                          {"sessions", p.sessions},
                                          {"seconds", p.seconds},
                                          {"hours", HoursOf(p.seconds)},
                                          {"users", p.users},
                                          {"products", p.products}});
    }
  }
  boost::json::value group = nullptr;
  if (report.group) {
    group = boost::json::object{{"kind", service::UsageRowKindName(report.group->kind)},
                                {"id", report.group->id},
                                {"code", report.group->code},
                                {"name", report.group->name}};
  }
  return boost::json::object{
      {"range", WindowJson(report.window)},
      {"scope", service::ReportScopeName(report.scope)},
      {"by", report.by == service::SeatUsageView::kByUser ? "user" : "product"},
      {"totals", boost::json::object{{"users", report.totals.users},
                                     {"products", report.totals.products},
                                     {"single_user_seats", report.totals.single_user_seats}}},
      {"group", std::move(group)},
      {"items", std::move(items)}};
}

boost::json::object CreditsJson(const service::CreditReport& report) {
  boost::json::array personal;
  for (const auto& p : report.personal) {
    personal.push_back(boost::json::object{{"date", Day(p.day)},
                                           {"service_id", p.service_id},
                                           {"service_code", p.service_code},
                                           {"service_name", p.service_name},
                                           {"credits", p.credits}});
  }
  boost::json::array users;
  for (const auto& u : report.users) {
    users.push_back(boost::json::object{
        {"user_id", u.user_id}, {"name", u.name}, {"email", u.email}, {"credits", u.credits}});
  }
  boost::json::array contracts;
  for (const auto& c : report.contracts) {
    contracts.push_back(boost::json::object{{"contract_id", c.contract_id},
                                            {"number", c.number},
                                            {"consumers", c.consumers},
                                            {"used", c.used},
                                            {"balance", c.balance}});
  }
  return boost::json::object{{"range", WindowJson(report.window)},
                             {"scope", service::ReportScopeName(report.scope)},
                             {"personal_total", report.personal_total},
                             {"personal", std::move(personal)},
                             {"users", std::move(users)},
                             {"contracts", std::move(contracts)}};
}

boost::json::object NetworkJson(const service::NetworkLicenseReport& report) {
  boost::json::array subscriptions;
  for (const auto& s : report.subscriptions) {
    boost::json::array days;
    for (const auto& d : s.days) {
      days.push_back(boost::json::object{{"date", Day(d.day)},
                                         {"peak", d.peak},
                                         {"checkouts", d.checkouts},
                                         {"denials", d.denials},
                                         {"borrowed", d.borrowed}});
    }
    subscriptions.push_back(boost::json::object{{"subscription_id", s.subscription_id},
                                                {"contract_id", s.contract_id},
                                                {"product_id", s.product_id},
                                                {"product_code", s.product_code},
                                                {"product_name", s.product_name},
                                                {"seats", s.seats},
                                                {"peak", s.peak},
                                                {"checkouts", s.checkouts},
                                                {"denials", s.denials},
                                                {"borrowed", s.borrowed},
                                                {"days", std::move(days)}});
  }
  return boost::json::object{{"range", WindowJson(report.window)},
                             {"scope", service::ReportScopeName(report.scope)},
                             {"subscriptions", std::move(subscriptions)}};
}

// range and format, shared by every report.
struct Common {
  service::ReportRange range = service::ReportRange::kThisMonth;
  bool csv = false;
};

Common ParseCommon(const Request& request, std::vector<core::FieldError>& errors) {
  Common out;
  if (auto range = request.Query("range"); range && !range->empty()) {
    if (auto parsed = service::ParseReportRange(*range)) {
      out.range = *parsed;
    } else {
      errors.push_back({"range", "must be this_month, 3m, 6m, 9m or 12m"});
    }
  }
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
  return out;
}

core::Error Invalid(std::vector<core::FieldError> errors) {
  core::Error error =
      core::MakeError(core::ErrorCode::kInvalidArgument, "the report query has invalid parameters");
  error.fields = std::move(errors);
  return error;
}

Response CsvResponse(service::ReportExport exported) {
  Response response = TextResponse(std::move(exported.csv), "text/csv; charset=utf-8");
  response.SetHeader("Content-Disposition", "attachment; filename=\"" + exported.filename + "\"");
  return response;
}

// The report as CSV (`csv`) or JSON, or the problem the service answered.
template <typename Export, typename Build, typename ToJson>
Response ReportResponse(const Request& request, bool csv, Export&& exported, Build&& build,
                        ToJson&& to_json) {
  if (csv) {
    auto text = exported();
    if (!text.ok()) return ErrorResponse(request, text.error());
    return CsvResponse(std::move(*text));
  }
  auto report = build();
  if (!report.ok()) return ErrorResponse(request, report.error());
  return JsonResponse(to_json(*report));
}

}  // namespace

void RegisterReportRoutes(Router& router, const ApiServices& services) {
  service::ReportService* reports = &services.reports;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/teams/{team}/reports/seat-usage", "team_report_seat_usage",
             auth->Authenticated([reports](const Request& request, const service::Caller& caller) {
               std::vector<core::FieldError> errors;
               const Common common = ParseCommon(request, errors);
               service::SeatUsageQuery query;
               query.range = common.range;
               if (auto by = request.Query("by"); by && !by->empty()) {
                 if (*by == "user") {
                   query.by = service::SeatUsageView::kByUser;
                 } else if (*by != "product") {
                   errors.push_back({"by", "must be product or user"});
                 }
               }
               query.group = request.Query("group").value_or("");
               if (query.group.size() > 200)
                 errors.push_back({"group", "must be at most 200 characters"});
               if (!query.group.empty() && query.by == service::SeatUsageView::kByUser) {
                 errors.push_back({"group", "applies to by=product only"});
               }
               if (!errors.empty()) return ErrorResponse(request, Invalid(std::move(errors)));
               const std::string team(request.PathParam("team"));
               return ReportResponse(
                   request, common.csv,
                   [&] { return reports->ExportSeatUsage(caller, team, query); },
                   [&] { return reports->SeatUsage(caller, team, query); }, SeatUsageJson);
             }));

  router.Add(Method::kGet, "/api/v1/teams/{team}/reports/cloud-credits",
             "team_report_cloud_credits",
             auth->Authenticated([reports](const Request& request, const service::Caller& caller) {
               std::vector<core::FieldError> errors;
               const Common common = ParseCommon(request, errors);
               if (!errors.empty()) return ErrorResponse(request, Invalid(std::move(errors)));
               const std::string team(request.PathParam("team"));
               return ReportResponse(
                   request, common.csv,
                   [&] { return reports->ExportCloudCredits(caller, team, common.range); },
                   [&] { return reports->CloudCredits(caller, team, common.range); }, CreditsJson);
             }));

  router.Add(
      Method::kGet, "/api/v1/teams/{team}/reports/network-licenses", "team_report_network_licenses",
      auth->Authenticated([reports](const Request& request, const service::Caller& caller) {
        std::vector<core::FieldError> errors;
        const Common common = ParseCommon(request, errors);
        if (!errors.empty()) return ErrorResponse(request, Invalid(std::move(errors)));
        const std::string team(request.PathParam("team"));
        return ReportResponse(
            request, common.csv,
            [&] { return reports->ExportNetworkLicenses(caller, team, common.range); },
            [&] { return reports->NetworkLicenses(caller, team, common.range); }, NetworkJson);
      }));
}

}  // namespace seatwise::http
