// The people of a team: invite one, import a CSV file, list, resend an invitation, remove a
// leaver. The service decides who may and what each row's outcome is.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/users.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

// 25,000 rows of about 200 bytes, with room to spare.
constexpr std::size_t kImportBodyLimit = 8u << 20;
constexpr std::size_t kFieldMax = 1024;

// A member as the team sees them (service::AsTeamSeesIt): for a pending member only what the
// inviter typed. Staff flags are never part of it.
boost::json::object MemberJson(const store::TeamMember& member) {
  const core::User& user = member.user;
  const bool pending = member.membership.status == core::MembershipStatus::kInvited;
  boost::json::object out{
      {"id", user.id},
      {"email", user.email},
      {"first_name", user.first_name},
      {"last_name", user.last_name},
      {"status", core::EnumName(user.status)},
      {"totp_enrolled", !pending && user.totp_enrolled},
      {"last_sign_in_at", pending ? boost::json::value(nullptr)
                                  : boost::json::value(OptionalTime(user.last_sign_in_at))},
  };
  out["role"] = core::EnumName(member.membership.role);
  out["membership_status"] = core::EnumName(member.membership.status);
  out["pending"] = member.membership.status == core::MembershipStatus::kInvited;
  out["invitation_expired"] = member.invitation_expired_at.has_value();
  out["invited_at"] = FormatTime(member.membership.created_at);
  out["accepted_at"] = OptionalTime(member.membership.accepted_at);
  return out;
}

core::Result<service::UserQuery> ParseUserQuery(const Request& request) {
  service::UserQuery query;
  std::vector<core::FieldError> errors;
  query.search = request.Query("search").value_or("");
  if (query.search.size() > 200) errors.push_back({"search", "must be at most 200 characters"});
  if (auto role = request.Query("role"); role && !role->empty()) {
    query.role = core::ParseEnum<core::TeamRole>(*role);
    if (!query.role) {
      errors.push_back({"role", "must be primary_admin, secondary_admin or user"});
    }
  }
  if (auto status = request.Query("status"); status && !status->empty()) {
    query.status = core::ParseEnum<core::MembershipStatus>(*status);
    if (!query.status) errors.push_back({"status", "must be invited, active or removed"});
  }
  ReadPage(request, query.after, query.limit, errors);
  if (!errors.empty()) {
    core::Error error =
        core::MakeError(core::ErrorCode::kInvalidArgument, "the user query has invalid parameters");
    error.fields = std::move(errors);
    return error;
  }
  return query;
}

// The CSV text of an import: a text/csv body, or {"csv": "..."} as JSON.
core::Result<std::string> ImportText(const Request& request) {
  const std::string type(request.Header("Content-Type").value_or(""));
  std::string media = type.substr(0, type.find(';'));
  for (char& c : media) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  while (!media.empty() && media.back() == ' ') media.pop_back();
  if (media == "text/csv") return request.body;
  auto body = BodyFields::FromJson(request);
  if (!body.ok()) {
    core::Error error = body.error();
    if (error.code == core::ErrorCode::kUnsupportedMediaType) {
      error.message = "send the file as text/csv, or as JSON {\"csv\": \"...\"}";
    }
    return error;
  }
  std::string csv = body->RequiredString("csv", kImportBodyLimit);
  SW_RETURN_IF_ERROR(body->Finish());
  return csv;
}

}  // namespace

void RegisterUserRoutes(Router& router, const ApiServices& services) {
  service::UserService* users = &services.users;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kGet, "/api/v1/teams/{team}/users", "team_user_list",
             auth->Authenticated([users](const Request& request, const service::Caller& caller) {
               auto query = ParseUserQuery(request);
               if (!query.ok()) return ErrorResponse(request, query.error());
               auto page = users->ListUsers(caller, std::string(request.PathParam("team")), *query);
               if (!page.ok()) return ErrorResponse(request, page.error());
               boost::json::array items;
               for (const auto& member : page->items) items.push_back(MemberJson(member));
               return JsonResponse(PageJson(std::move(items), page->next_after));
             }));

  router.Add(Method::kPost, "/api/v1/teams/{team}/users", "team_user_invite",
             auth->Authenticated([users](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               service::InviteRequest person;
               person.first_name = body->RequiredString("first_name", kFieldMax);
               person.last_name = body->RequiredString("last_name", kFieldMax);
               person.email = body->RequiredString("email", kFieldMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto member =
                   users->InviteUser(caller, std::string(request.PathParam("team")), person);
               if (!member.ok()) return ErrorResponse(request, member.error());
               return JsonResponse(MemberJson(*member), 201);
             }));

  router.Add(Method::kPost, "/api/v1/teams/{team}/users/import", "team_user_import",
             auth->Authenticated([users](const Request& request, const service::Caller& caller) {
               auto text = ImportText(request);
               if (!text.ok()) return ErrorResponse(request, text.error());
               auto result =
                   users->ImportUsers(caller, std::string(request.PathParam("team")), *text);
               if (!result.ok()) return ErrorResponse(request, result.error());
               boost::json::array rows;
               for (const auto& row : result->rows) {
                 rows.push_back(
                     boost::json::object{{"row", row.row},
                                         {"line", row.line},
                                         {"email", row.email},
                                         {"result", service::InviteOutcomeName(row.outcome)},
                                         {"message", row.message},
                                         {"user_id", row.user_id ? boost::json::value(*row.user_id)
                                                                 : boost::json::value(nullptr)}});
               }
               const auto& s = result->summary;
               return JsonResponse(boost::json::object{
                   {"summary", boost::json::object{{"invited", s.invited},
                                                   {"already_member", s.already_member},
                                                   {"invalid", s.invalid}}},
                   {"rows", std::move(rows)}});
             }),
             // Parsing and inviting up to 25,000 people runs on the bounded worker pool, so a
             // large import never holds an I/O thread.
             RouteOptions{.body_limit = kImportBodyLimit, .offload = true});

  router.Add(Method::kPost, "/api/v1/teams/{team}/users/{user}/resend-invitation",
             "team_user_resend_invitation",
             auth->Authenticated([users](const Request& request, const service::Caller& caller) {
               auto member = users->ResendInvitation(caller, std::string(request.PathParam("team")),
                                                     std::string(request.PathParam("user")));
               if (!member.ok()) return ErrorResponse(request, member.error());
               return JsonResponse(MemberJson(*member));
             }));

  router.Add(Method::kDelete, "/api/v1/teams/{team}/users/{user}", "team_user_remove",
             auth->Authenticated([users](const Request& request, const service::Caller& caller) {
               auto removal = users->RemoveUser(caller, std::string(request.PathParam("team")),
                                                std::string(request.PathParam("user")));
               if (!removal.ok()) return ErrorResponse(request, removal.error());
               return JsonResponse(
                   boost::json::object{{"membership", MembershipJson(removal->membership)},
                                       {"seats_freed", removal->seats_freed},
                                       {"activations_revoked", removal->activations_revoked},
                                       {"leases_released", removal->leases_released},
                                       {"signed_out", removal->signed_out}});
             }));
}

}  // namespace seatwise::http
