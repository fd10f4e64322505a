// Reading the audit log: a team's entries for its admins, every entry for operators; JSON
// pages or a CSV download.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/audit_query.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

// A CSV download holds at most this many entries; narrow the filters for more.
constexpr int kCsvMaxEntries = 100'000;

boost::json::value JsonOrText(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*text, ec);
  if (ec) return boost::json::value(*text);
  return parsed;
}

boost::json::value OptionalString(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

boost::json::object EntryJson(const core::AuditEntry& entry) {
  return boost::json::object{
      {"id", entry.id},
      {"seq", entry.seq},
      {"at", FormatTime(entry.at)},
      {"actor_id", OptionalString(entry.actor_id)},
      {"actor_role", entry.actor_role},
      {"action", entry.action},
      {"target_type", entry.target_type},
      {"target_id", entry.target_id},
      {"team_id", OptionalString(entry.team_id)},
      {"account_id", OptionalString(entry.account_id)},
      {"ip", entry.ip},
      {"request_id", entry.request_id},
      {"before", JsonOrText(entry.before_json)},
      {"after", JsonOrText(entry.after_json)},
      {"outcome", core::EnumName(entry.outcome)},
      {"detail", entry.detail},
  };
}

struct AuditRequest {
  service::AuditQuery query;
  bool csv = false;
};

// Filters from the query string; one field error per bad parameter.
core::Result<AuditRequest> ParseAuditRequest(const Request& request) {
  AuditRequest out;
  std::vector<core::FieldError> errors;
  auto text = [&](std::string_view key, std::optional<std::string>& into) {
    if (auto value = request.Query(key); value && !value->empty()) {
      if (value->size() > 200) {
        errors.push_back({std::string(key), "must be at most 200 characters"});
      } else {
        into = *value;
      }
    }
  };
  text("actor", out.query.actor_id);
  text("action", out.query.action);
  text("target_type", out.query.target_type);
  text("target_id", out.query.target_id);
  for (auto [key, into] : {std::pair{"from", &out.query.from}, std::pair{"to", &out.query.to}}) {
    if (auto value = request.Query(key); value && !value->empty()) {
      *into = ParseTime(*value);
      if (!*into) {
        errors.push_back({key, "must be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z"});
      }
    }
  }
  if (auto value = request.Query("outcome"); value && !value->empty()) {
    out.query.outcome = core::ParseEnum<core::AuditOutcome>(*value);
    if (!out.query.outcome) errors.push_back({"outcome", "must be allowed or denied"});
  }
  ReadPage(request, out.query.after, out.query.limit, errors);
  std::string format = request.Query("format").value_or("json");
  if (format == "csv") {
    out.csv = true;
  } else if (format != "json") {
    errors.push_back({"format", "must be json or csv"});
  }
  if (!errors.empty()) {
    core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument,
                                        "the audit query has invalid parameters");
    error.fields = std::move(errors);
    return error;
  }
  return out;
}

using ListFn = std::function<core::Result<store::Page<core::AuditEntry>>(
    const Request&, const service::Caller&, const service::AuditQuery&)>;

// JSON: one page. CSV: every matching entry from the cursor on, page by page.
Response ListAudit(const Request& request, const service::Caller& caller, const ListFn& list,
                   const std::string& filename) {
  auto parsed = ParseAuditRequest(request);
  if (!parsed.ok()) return ErrorResponse(request, parsed.error());
  if (!parsed->csv) {
    auto page = list(request, caller, parsed->query);
    if (!page.ok()) return ErrorResponse(request, page.error());
    boost::json::array items;
    for (const auto& entry : page->items) items.push_back(EntryJson(entry));
    return JsonResponse(PageJson(std::move(items), page->next_after));
  }
  service::AuditQuery query = parsed->query;
  if (!request.Query("limit")) query.limit = store::kMaxPageSize;
  std::vector<core::AuditEntry> entries;
  std::string next_after;
  while (true) {
    auto page = list(request, caller, query);
    if (!page.ok()) return ErrorResponse(request, page.error());
    for (auto& entry : page->items) entries.push_back(std::move(entry));
    next_after = page->next_after;
    // An explicit limit asks for one page; otherwise follow the cursor to the end.
    if (next_after.empty() || request.Query("limit") ||
        static_cast<int>(entries.size()) >= kCsvMaxEntries) {
      break;
    }
    query.after = next_after;
  }
  Response response = TextResponse(service::AuditCsv(entries), "text/csv; charset=utf-8");
  response.SetHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  if (!next_after.empty()) response.SetHeader("X-Next-After", next_after);
  return response;
}

}  // namespace

void RegisterAuditRoutes(Router& router, const ApiServices& services) {
  service::AuditQueryService* audit = &services.audit;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/teams/{team}/audit", "team_audit_list",
             auth->Authenticated([audit](const Request& request, const service::Caller& caller) {
               std::string team(request.PathParam("team"));
               ListFn list = [audit, team](const Request&, const service::Caller& c,
                                           const service::AuditQuery& q) {
                 return audit->ListTeamAudit(c, team, q);
               };
               std::string safe = team;
               for (char& c : safe) {
                 bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '_' || c == '-';
                 if (!plain) c = '_';
               }
               return ListAudit(request, caller, list, "audit-" + safe + ".csv");
             }),
             // A CSV export can run to many thousand rows: off the I/O threads.
             RouteOptions{.offload = true});

  router.Add(Method::kGet, "/api/v1/audit", "audit_list",
             auth->Authenticated([audit](const Request& request, const service::Caller& caller) {
               ListFn list = [audit](const Request&, const service::Caller& c,
                                     const service::AuditQuery& q) {
                 return audit->ListAllAudit(c, q);
               };
               return ListAudit(request, caller, list, "audit.csv");
             }),
             RouteOptions{.offload = true});
}

}  // namespace seatwise::http
