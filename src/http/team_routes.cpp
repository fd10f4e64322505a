// The teams of a customer account: create, rename, and move people, contracts and devices
// between two teams of one account (merge and split, with a dry run). The service decides who
// may: operators, and the staff of the account's reseller.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/teams.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kIdMax = 64;

boost::json::object TeamJson(const core::Team& t) {
  boost::json::object out{{"id", t.id}, {"account_id", t.account_id}, {"name", t.name}};
  // A team a dry run would create has no id nor creation time yet.
  if (t.id.empty()) {
    out["id"] = nullptr;
    out["created_at"] = nullptr;
  } else {
    out["created_at"] = FormatTime(t.created_at);
  }
  return out;
}

boost::json::value OptionalId(const std::optional<std::string>& id) {
  if (!id) return nullptr;
  return boost::json::string(*id);
}

boost::json::object MoveJson(const service::TeamMove& move) {
  boost::json::array people;
  for (const auto& p : move.people) {
    people.push_back(boost::json::object{{"user_id", p.user_id},
                                         {"email", p.email},
                                         {"name", p.name},
                                         {"status", core::EnumName(p.status)},
                                         {"role_before", core::EnumName(p.role_before)},
                                         {"role_after", core::EnumName(p.role_after)},
                                         {"seats_ended", p.seats_ended}});
  }
  boost::json::array contracts;
  for (const auto& c : move.contracts) {
    boost::json::array subscriptions;
    for (const auto& s : c.subscriptions) {
      subscriptions.push_back(
          boost::json::object{{"id", s.id}, {"seats", s.seats}, {"assigned", s.assigned}});
    }
    contracts.push_back(boost::json::object{{"id", c.id},
                                            {"number", c.number},
                                            {"assignments", c.assignments},
                                            {"subscriptions", std::move(subscriptions)}});
  }
  boost::json::array devices;
  for (const auto& d : move.devices) {
    devices.push_back(
        boost::json::object{{"id", d.id}, {"asset_name", d.asset_name}, {"reason", d.reason}});
  }
  boost::json::array notes;
  for (const auto& n : move.notes) {
    notes.push_back(
        boost::json::object{{"kind", n.kind}, {"user_id", n.user_id}, {"message", n.message}});
  }
  boost::json::array notified;
  for (const auto& e : move.notified) notified.push_back(boost::json::string(e));
  return boost::json::object{{"dry_run", move.dry_run},
                             {"merge", move.merge},
                             {"from_team", TeamJson(move.from)},
                             {"to_team", TeamJson(move.to)},
                             {"to_team_created", move.to_created},
                             {"people", std::move(people)},
                             {"contracts", std::move(contracts)},
                             {"devices", std::move(devices)},
                             {"notes", std::move(notes)},
                             {"webhooks_moved", move.webhooks_moved},
                             {"from_primary_admin_id", OptionalId(move.from_primary_admin_id)},
                             {"to_primary_admin_id", OptionalId(move.to_primary_admin_id)},
                             {"notified", std::move(notified)}};
}

// An optional array of ids `field` of `body`, one field error per bad element.
std::vector<std::string> IdList(const boost::json::object& body, std::string_view field,
                                std::vector<core::FieldError>& errors) {
  std::vector<std::string> out;
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) {
    errors.push_back({std::string(field), "must be an array of ids"});
    return out;
  }
  const auto& array = it->value().as_array();
  if (array.size() > service::kMoveListMax) {
    errors.push_back({std::string(field),
                      "must have at most " + std::to_string(service::kMoveListMax) + " entries"});
    return out;
  }
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& v = array[i];
    if (!v.is_string() || v.as_string().empty() || v.as_string().size() > kIdMax) {
      errors.push_back({std::string(field) + "[" + std::to_string(i) + "]",
                        "must be a non-empty id of at most 64 characters"});
      continue;
    }
    out.emplace_back(v.as_string());
  }
  return out;
}

std::optional<std::string> OptionalText(const boost::json::object& body, std::string_view field,
                                        std::size_t max, std::vector<core::FieldError>& errors) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string() || it->value().as_string().size() > max) {
    errors.push_back(
        {std::string(field), "must be a string of at most " + std::to_string(max) + " characters"});
    return std::nullopt;
  }
  return std::string(it->value().as_string());
}

core::Result<service::MoveRequest> ParseMove(const Request& request) {
  SW_ASSIGN_OR_RETURN(const boost::json::object body, JsonObjectBody(request));
  static constexpr std::string_view kKnown[] = {"to_team",
                                                "new_team_name",
                                                "new_team_primary_admin",
                                                "source_primary_admin",
                                                "people",
                                                "contracts",
                                                "devices",
                                                "all",
                                                "dry_run"};
  std::vector<core::FieldError> errors;
  for (const auto& member : body) {
    if (std::find(std::begin(kKnown), std::end(kKnown), member.key()) == std::end(kKnown)) {
      errors.push_back({std::string(member.key()), "is not a field of a move"});
    }
  }
  service::MoveRequest move;
  move.to_team_id = OptionalText(body, "to_team", kIdMax, errors);
  move.new_team_name = OptionalText(body, "new_team_name", service::kTeamNameMax, errors);
  move.new_team_primary_admin_id = OptionalText(body, "new_team_primary_admin", kIdMax, errors);
  move.source_primary_admin_id = OptionalText(body, "source_primary_admin", kIdMax, errors);
  move.people = IdList(body, "people", errors);
  move.contracts = IdList(body, "contracts", errors);
  move.devices = IdList(body, "devices", errors);
  for (const char* flag : {"all", "dry_run"}) {
    auto it = body.find(flag);
    if (it == body.end() || it->value().is_null()) continue;
    if (!it->value().is_bool()) {
      errors.push_back({flag, "must be true or false"});
      continue;
    }
    (std::string_view(flag) == "all" ? move.all : move.dry_run) = it->value().as_bool();
  }
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return move;
}

}  // namespace

void RegisterTeamRoutes(Router& router, const ApiServices& services) {
  service::TeamService* teams = &services.teams;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kPost, "/api/v1/accounts/{account}/teams", "account_team_create",
             auth->Authenticated([teams](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               service::NewTeam team;
               team.name = body->RequiredString("name", service::kTeamNameMax);
               team.primary_admin_id = body->RequiredString("primary_admin_id", kIdMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto created =
                   teams->CreateTeam(caller, std::string(request.PathParam("account")), team);
               if (!created.ok()) return ErrorResponse(request, created.error());
               return JsonResponse(TeamJson(*created), 201);
             }));

  router.Add(Method::kGet, "/api/v1/teams/{team}/contents", "team_contents",
             auth->Authenticated([teams](const Request& request, const service::Caller& caller) {
               auto contents = teams->Contents(caller, std::string(request.PathParam("team")));
               if (!contents.ok()) return ErrorResponse(request, contents.error());
               boost::json::array members, contracts, devices;
               for (const auto& m : contents->members) {
                 members.push_back(boost::json::object{{"user_id", m.user_id},
                                                       {"email", m.email},
                                                       {"name", m.name},
                                                       {"role", core::EnumName(m.role)},
                                                       {"status", core::EnumName(m.status)}});
               }
               for (const auto& c : contents->contracts) {
                 contracts.push_back(boost::json::object{{"id", c.id},
                                                         {"number", c.number},
                                                         {"subscriptions", c.subscriptions},
                                                         {"assignments", c.assignments}});
               }
               for (const auto& d : contents->devices) {
                 devices.push_back(boost::json::object{{"id", d.id}, {"asset_name", d.asset_name}});
               }
               return JsonResponse(boost::json::object{{"team", TeamJson(contents->team)},
                                                       {"members", std::move(members)},
                                                       {"contracts", std::move(contracts)},
                                                       {"devices", std::move(devices)}});
             }));

  router.Add(Method::kPatch, "/api/v1/teams/{team}", "team_rename",
             auth->Authenticated([teams](const Request& request, const service::Caller& caller) {
               auto body = BodyFields::FromJson(request);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::string name = body->RequiredString("name", service::kTeamNameMax);
               if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
               auto renamed =
                   teams->RenameTeam(caller, std::string(request.PathParam("team")), name);
               if (!renamed.ok()) return ErrorResponse(request, renamed.error());
               return JsonResponse(TeamJson(*renamed));
             }));

  // A dry run answers 200 with what would move; the move itself 200 with what moved.
  router.Add(Method::kPost, "/api/v1/teams/{team}/moves", "team_move",
             auth->Authenticated([teams](const Request& request, const service::Caller& caller) {
               auto parsed = ParseMove(request);
               if (!parsed.ok()) return ErrorResponse(request, parsed.error());
               auto moved = teams->Move(caller, std::string(request.PathParam("team")), *parsed);
               if (!moved.ok()) return ErrorResponse(request, moved.error());
               return JsonResponse(MoveJson(*moved));
             }));
}

}  // namespace seatwise::http
