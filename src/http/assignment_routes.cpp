// Who holds the seats: the team's products, assignment by product and by user, classic
// access to a serial-number contract's products. The service decides who may and whether a
// seat is free.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "service/assignments.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kIdMax = 1024;

boost::json::value OptionalString(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return boost::json::string(*value);
}

boost::json::object AssignmentJson(const core::Assignment& a) {
  return boost::json::object{{"id", a.id},
                             {"subscription_id", a.subscription_id},
                             {"user_id", a.user_id},
                             {"assigned_by", OptionalString(a.assigned_by)},
                             {"assigned_at", FormatTime(a.assigned_at)},
                             {"unassigned_at", OptionalTime(a.unassigned_at)},
                             {"active", a.active()}};
}

boost::json::object TeamProductJson(const service::TeamProduct& p) {
  const core::Subscription& s = p.subscription;
  boost::json::array products;
  for (const auto& product : p.products) {
    products.push_back(
        boost::json::object{{"id", product.id}, {"code", product.code}, {"name", product.name}});
  }
  const bool serial = s.activation == core::ActivationMethod::kSerialNumber;
  return boost::json::object{
      {"subscription_id", s.id},
      {"contract", boost::json::object{{"id", p.contract.id},
                                       {"number", p.contract.number},
                                       {"status", core::EnumName(p.contract.status)}}},
      {"kind", p.item.kind},
      {"item",
       boost::json::object{{"id", p.item.id}, {"code", p.item.code}, {"name", p.item.name}}},
      {"products", std::move(products)},
      {"access", core::EnumName(s.access)},
      {"activation", core::EnumName(s.activation)},
      {"model", core::EnumName(s.model)},
      {"seats", s.seats},
      {"assigned", p.assigned},
      {"available", p.available()},
      {"ends_at", FormatTime(p.ends_at())},
      {"serial_number", serial ? OptionalString(s.serial_number) : boost::json::value(nullptr)},
      {"product_key", serial ? OptionalString(s.product_key) : boost::json::value(nullptr)},
      {"migrated_at", OptionalTime(s.migrated_at)},
  };
}

boost::json::object BulkJson(const service::BulkAssignment& bulk) {
  boost::json::array assigned;
  for (const auto& a : bulk.assigned) assigned.push_back(AssignmentJson(a));
  boost::json::array already;
  for (const auto& id : bulk.already_assigned) already.push_back(boost::json::string(id));
  return boost::json::object{{"assigned", std::move(assigned)},
                             {"already_assigned", std::move(already)}};
}

boost::json::array IdArray(const std::vector<std::string>& ids) {
  boost::json::array out;
  for (const auto& id : ids) out.push_back(boost::json::string(id));
  return out;
}

// An optional array of strings `field` of `body`; nullopt when absent. Bad elements are
// reported one field error each.
std::optional<std::vector<std::string>> StringArray(const boost::json::object& body,
                                                    std::string_view field,
                                                    std::vector<core::FieldError>& errors) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_array()) {
    errors.push_back({std::string(field), "must be an array of strings"});
    return std::vector<std::string>{};
  }
  const auto& array = it->value().as_array();
  if (array.size() > service::kMaxBulkAssignees) {
    errors.push_back(
        {std::string(field),
         "must have at most " + std::to_string(service::kMaxBulkAssignees) + " entries"});
    return std::vector<std::string>{};
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& v = array[i];
    if (!v.is_string() || v.as_string().empty() || v.as_string().size() > kIdMax) {
      errors.push_back(
          {std::string(field) + "[" + std::to_string(i) + "]", "must be a non-empty string"});
      continue;
    }
    out.emplace_back(v.as_string());
  }
  return out;
}

core::Result<store::PageRequest> ParsePage(const Request& request) {
  store::PageRequest page;
  std::vector<core::FieldError> errors;
  ReadPage(request, page.after, page.limit, errors);
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return page;
}

// The array of strings `field` of the request's JSON object body, which must be there.
core::Result<std::vector<std::string>> RequiredStringArray(const Request& request,
                                                           std::string_view field) {
  SW_ASSIGN_OR_RETURN(boost::json::object body, JsonObjectBody(request));
  std::vector<core::FieldError> errors;
  auto values = StringArray(body, field, errors);
  if (!values && errors.empty()) errors.push_back({std::string(field), "is required"});
  SW_RETURN_IF_ERROR(core::FieldsValid(std::move(errors)));
  return std::move(*values);
}

std::string Param(const Request& request, std::string_view name) {
  return std::string(request.PathParam(name));
}

}  // namespace

void RegisterAssignmentRoutes(Router& router, const ApiServices& services) {
  service::AssignmentService* assignments = &services.assignments;
  const Authenticator* auth = &services.auth;

  router.Add(
      Method::kGet, "/api/v1/teams/{team}/products", "team_product_list",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto products = assignments->ListTeamProducts(caller, Param(request, "team"));
        if (!products.ok()) return ErrorResponse(request, products.error());
        boost::json::array items;
        for (const auto& p : *products) items.push_back(TeamProductJson(p));
        return JsonResponse(boost::json::object{{"items", std::move(items)}});
      }));

  router.Add(
      Method::kGet, "/api/v1/teams/{team}/users/{user}/products", "team_user_product_list",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto products =
            assignments->ListUserProducts(caller, Param(request, "team"), Param(request, "user"));
        if (!products.ok()) return ErrorResponse(request, products.error());
        boost::json::array items;
        for (const auto& held : products->held) {
          boost::json::object item = TeamProductJson(held.product);
          item["assignment_id"] = held.assignment.id;
          item["assigned_at"] = FormatTime(held.assignment.assigned_at);
          items.push_back(std::move(item));
        }
        boost::json::object out{{"user", UserJson(products->user)}, {"items", std::move(items)}};
        if (products->admin_view) {
          boost::json::array assignable;
          for (const auto& p : products->assignable) assignable.push_back(TeamProductJson(p));
          out["assignable"] = std::move(assignable);
        }
        return JsonResponse(out);
      }));

  router.Add(
      Method::kPost, "/api/v1/teams/{team}/users/{user}/products", "team_user_product_assign",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto ids = RequiredStringArray(request, "subscription_ids");
        if (!ids.ok()) return ErrorResponse(request, ids.error());
        auto bulk =
            assignments->AssignToUser(caller, Param(request, "team"), Param(request, "user"), *ids);
        if (!bulk.ok()) return ErrorResponse(request, bulk.error());
        return JsonResponse(BulkJson(*bulk));
      }));

  router.Add(
      Method::kGet, "/api/v1/teams/{team}/subscriptions/{subscription}/assignments",
      "subscription_assignment_list",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto page = ParsePage(request);
        if (!page.ok()) return ErrorResponse(request, page.error());
        auto holders = assignments->ListHolders(caller, Param(request, "team"),
                                                Param(request, "subscription"), *page);
        if (!holders.ok()) return ErrorResponse(request, holders.error());
        boost::json::array items;
        for (const auto& h : holders->items) {
          items.push_back(
              boost::json::object{{"user_id", h.user.id},
                                  {"email", h.user.email},
                                  {"first_name", h.user.first_name},
                                  {"last_name", h.user.last_name},
                                  {"role", h.role ? boost::json::value(core::EnumName(*h.role))
                                                  : boost::json::value(nullptr)},
                                  {"primary_admin", h.primary_admin},
                                  {"contract_manager", h.contract_manager},
                                  {"assignment_id", h.assignment.id},
                                  {"assigned_at", FormatTime(h.assignment.assigned_at)},
                                  {"assigned_by", OptionalString(h.assignment.assigned_by)}});
        }
        return JsonResponse(PageJson(std::move(items), holders->next_after));
      }));

  router.Add(
      Method::kPost, "/api/v1/teams/{team}/subscriptions/{subscription}/assignments",
      "subscription_assignment_create",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto body = JsonObjectBody(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        std::vector<core::FieldError> errors;
        std::optional<std::string> user_id;
        if (auto it = body->find("user_id"); it != body->end() && !it->value().is_null()) {
          if (it->value().is_string() && !it->value().as_string().empty() &&
              it->value().as_string().size() <= kIdMax) {
            user_id = std::string(it->value().as_string());
          } else {
            errors.push_back({"user_id", "must be a non-empty string"});
          }
        }
        auto user_ids = StringArray(*body, "user_ids", errors);
        auto emails = StringArray(*body, "emails", errors);
        const bool bulk = user_ids || emails;
        if (errors.empty() && !user_id && !bulk) {
          errors.push_back({"user_id", "is required (or user_ids, or emails, for many people)"});
        }
        if (errors.empty() && user_id && bulk) {
          errors.push_back({"user_id", "give either user_id or user_ids/emails, not both"});
        }
        if (auto ok = core::FieldsValid(std::move(errors)); !ok.ok()) {
          return ErrorResponse(request, ok.error());
        }
        const std::string team = Param(request, "team");
        const std::string subscription = Param(request, "subscription");
        if (user_id) {
          auto a = assignments->Assign(caller, team, subscription, *user_id);
          if (!a.ok()) return ErrorResponse(request, a.error());
          return JsonResponse(AssignmentJson(*a), 201);
        }
        service::Assignees who;
        who.user_ids = user_ids.value_or(std::vector<std::string>{});
        who.emails = emails.value_or(std::vector<std::string>{});
        auto done = assignments->AssignMany(caller, team, subscription, who);
        if (!done.ok()) return ErrorResponse(request, done.error());
        return JsonResponse(BulkJson(*done));
      }));

  router.Add(
      Method::kDelete, "/api/v1/teams/{team}/subscriptions/{subscription}/assignments/{user}",
      "subscription_assignment_delete",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto ended = assignments->Unassign(caller, Param(request, "team"),
                                           Param(request, "subscription"), Param(request, "user"));
        if (!ended.ok()) return ErrorResponse(request, ended.error());
        return JsonResponse(
            boost::json::object{{"assignment", AssignmentJson(ended->assignment)},
                                {"activations_revoked", ended->activations_revoked}});
      }));

  router.Add(
      Method::kDelete, "/api/v1/teams/{team}/subscriptions/{subscription}/assignments",
      "subscription_assignment_delete_many",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto user_ids = RequiredStringArray(request, "user_ids");
        if (!user_ids.ok()) return ErrorResponse(request, user_ids.error());
        auto ended = assignments->UnassignMany(caller, Param(request, "team"),
                                               Param(request, "subscription"), *user_ids);
        if (!ended.ok()) return ErrorResponse(request, ended.error());
        boost::json::array items;
        for (const auto& e : *ended) {
          items.push_back(boost::json::object{{"assignment", AssignmentJson(e.assignment)},
                                              {"activations_revoked", e.activations_revoked}});
        }
        return JsonResponse(boost::json::object{{"unassigned", std::move(items)}});
      }));

  router.Add(
      Method::kGet, "/api/v1/contracts/{contract}/users", "contract_user_list",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto classic = assignments->ListClassicUsers(caller, Param(request, "contract"));
        if (!classic.ok()) return ErrorResponse(request, classic.error());
        boost::json::array subscriptions;
        for (const auto& p : classic->subscriptions) subscriptions.push_back(TeamProductJson(p));
        boost::json::array items;
        for (const auto& u : classic->users) {
          boost::json::object item = UserJson(u.member.user);
          item["role"] = core::EnumName(u.member.membership.role);
          item["membership_status"] = core::EnumName(u.member.membership.status);
          item["subscription_ids"] = IdArray(u.subscription_ids);
          items.push_back(std::move(item));
        }
        return JsonResponse(boost::json::object{
            {"contract", boost::json::object{{"id", classic->contract.id},
                                             {"number", classic->contract.number},
                                             {"status", core::EnumName(classic->contract.status)}}},
            {"subscriptions", std::move(subscriptions)},
            {"items", std::move(items)}});
      }));

  router.Add(
      Method::kPut, "/api/v1/contracts/{contract}/users/{user}/access", "contract_user_access_set",
      auth->Authenticated([assignments](const Request& request, const service::Caller& caller) {
        auto ids = RequiredStringArray(request, "subscription_ids");
        if (!ids.ok()) return ErrorResponse(request, ids.error());
        auto change = assignments->SetClassicAccess(caller, Param(request, "contract"),
                                                    Param(request, "user"), *ids);
        if (!change.ok()) return ErrorResponse(request, change.error());
        return JsonResponse(
            boost::json::object{{"before", IdArray(change->before)},
                                {"after", IdArray(change->after)},
                                {"added", IdArray(change->added)},
                                {"removed", IdArray(change->removed)},
                                {"activations_revoked", change->activations_revoked}});
      }));
}

}  // namespace seatwise::http
