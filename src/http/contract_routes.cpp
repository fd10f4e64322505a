// Billing & Orders: contracts and their details, company-information change requests, the
// renewal review and the cloud-credit ledger. The service decides who may and what happens.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/contracts.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kFieldMax = 1024;
constexpr std::size_t kNoteMax = 8192;

boost::json::value NullOr(const std::string& text) {
  return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
}

boost::json::value OptionalText(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

boost::json::value PersonJson(const std::optional<service::PersonRef>& person) {
  if (!person) return nullptr;
  return boost::json::object{{"id", person->id}, {"name", person->name}, {"email", person->email}};
}

boost::json::object CompanyJson(const core::CompanyInfo& c) {
  return boost::json::object{
      {"name", c.name},      {"address_line1", c.address_line1}, {"address_line2", c.address_line2},
      {"city", c.city},      {"postal_code", c.postal_code},     {"region", c.region},
      {"country", c.country}};
}

boost::json::object SummaryJson(const service::ContractSummary& s) {
  const core::Contract& c = s.contract;
  return boost::json::object{
      {"id", c.id},
      {"number", c.number},
      {"subscription_ref", c.subscription_ref},
      {"term_months", c.term_months},
      {"starts_at", FormatTime(c.starts_at)},
      {"ends_at", FormatTime(c.ends_at)},
      {"days_to_expiry", s.days_to_expiry},
      {"status", core::EnumName(c.status)},
      {"team", boost::json::object{{"id", s.team.id}, {"name", s.team.name}}},
      {"account_id", c.account_id},
      {"company_name", c.company.name},
      {"credit_balance", c.credit_balance},
  };
}

boost::json::object LineJson(const service::ProductLine& line) {
  const core::Subscription& s = line.subscription;
  return boost::json::object{
      {"subscription_id", s.id},
      {"kind", line.kind},
      {"product_id", OptionalText(s.product_id)},
      {"collection_id", OptionalText(s.collection_id)},
      {"service_id", OptionalText(s.service_id)},
      {"code", line.code},
      {"name", line.name},
      {"seats", s.seats},
      {"assigned", line.assigned},
      {"access", core::EnumName(s.access)},
      {"activation", core::EnumName(s.activation)},
      {"model", core::EnumName(s.model)},
      {"serial_number", OptionalText(s.serial_number)},
      {"product_key", OptionalText(s.product_key)},
      {"expires_at", FormatTime(line.expires_at)},
      {"migrated_at", OptionalTime(s.migrated_at)},
  };
}

boost::json::object OrderJson(const core::Order& order) {
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(order.details_json, ec);
  if (ec) details = boost::json::object{};
  return boost::json::object{{"id", order.id},
                             {"kind", core::EnumName(order.kind)},
                             {"created_at", FormatTime(order.created_at)},
                             {"placed_by", OptionalText(order.placed_by)},
                             {"details", std::move(details)}};
}

// A company change request: the order, and what became of it.
boost::json::object ChangeRequestJson(const service::CompanyChangeRequest& r) {
  boost::json::object out = OrderJson(r.order);
  out["status"] = r.status;
  out["decided_by"] = PersonJson(r.decided_by);
  out["decided_at"] = r.decided_at ? boost::json::value(FormatTime(*r.decided_at)) : nullptr;
  out["reason"] = NullOr(r.reason);
  return out;
}

boost::json::object CreditJson(const core::CreditEntry& e) {
  return boost::json::object{{"id", e.id},
                             {"reason", core::EnumName(e.reason)},
                             {"amount", e.amount},
                             {"balance_after", e.balance_after},
                             {"user_id", OptionalText(e.user_id)},
                             {"service_id", OptionalText(e.service_id)},
                             {"actor_id", OptionalText(e.actor_id)},
                             {"event_id", OptionalText(e.usage_event_id)},
                             {"note", e.note},
                             {"at", FormatTime(e.at)}};
}

boost::json::object MemberChangeJson(const service::MemberChange& change) {
  return boost::json::object{{"user_id", change.person.id},
                             {"name", change.person.name},
                             {"email", change.person.email},
                             {"membership_status", core::EnumName(change.status)},
                             {"at", FormatTime(change.at)}};
}

core::Error QueryError(std::vector<core::FieldError> errors) {
  core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument,
                                      "the contract query has invalid parameters");
  error.fields = std::move(errors);
  return error;
}

core::Result<service::ContractQuery> ParseContractQuery(const Request& request) {
  service::ContractQuery query;
  std::vector<core::FieldError> errors;
  if (auto status = request.Query("status"); status && !status->empty()) {
    query.status = core::ParseEnum<core::ContractStatus>(*status);
    if (!query.status) {
      errors.push_back(
          {"status", "must be active, expiring, expired, suspended, cancelled or renewed"});
    }
  }
  for (const char* name : {"team", "account"}) {
    auto value = request.Query(name);
    if (!value || value->empty()) continue;
    if (value->size() > 100) {
      errors.push_back({name, "must be at most 100 characters"});
      continue;
    }
    (std::string_view(name) == "team" ? query.team_id : query.account_id) = std::string(*value);
  }
  ReadPage(request, query.after, query.limit, errors);
  if (!errors.empty()) return QueryError(std::move(errors));
  return query;
}

std::string ContractParam(const Request& request) {
  return std::string(request.PathParam("contract"));
}

}  // namespace

void RegisterContractRoutes(Router& router, const ApiServices& services) {
  service::ContractService* contracts = &services.contracts;
  const Authenticator* auth = &services.auth;

  router.Add(
      Method::kGet, "/api/v1/contracts", "contract_list",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto query = ParseContractQuery(request);
        if (!query.ok()) return ErrorResponse(request, query.error());
        auto page = contracts->ListContracts(caller, *query);
        if (!page.ok()) return ErrorResponse(request, page.error());
        boost::json::array items;
        for (const auto& item : page->items) items.push_back(SummaryJson(item));
        return JsonResponse(PageJson(std::move(items), page->next_after));
      }));

  router.Add(
      Method::kGet, "/api/v1/contracts/{contract}", "contract_get",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto details = contracts->GetContract(caller, ContractParam(request));
        if (!details.ok()) return ErrorResponse(request, details.error());
        boost::json::object out = SummaryJson(details->summary);
        out["company"] = CompanyJson(details->summary.contract.company);
        out["contract_manager"] = PersonJson(details->contract_manager);
        out["software_coordinator"] = PersonJson(details->software_coordinator);
        boost::json::array products;
        for (const auto& line : details->products) products.push_back(LineJson(line));
        out["products"] = std::move(products);
        boost::json::array orders;
        for (const auto& order : details->orders) orders.push_back(OrderJson(order));
        out["orders"] = std::move(orders);
        return JsonResponse(out);
      }));

  router.Add(
      Method::kPost, "/api/v1/contracts/{contract}/company-change-requests",
      "contract_company_change_request",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::CompanyChange change;
        change.name = body->OptionalString("name", kFieldMax);
        change.address_line1 = body->OptionalString("address_line1", kFieldMax);
        change.address_line2 = body->OptionalString("address_line2", kFieldMax);
        change.city = body->OptionalString("city", kFieldMax);
        change.postal_code = body->OptionalString("postal_code", kFieldMax);
        change.region = body->OptionalString("region", kFieldMax);
        change.country = body->OptionalString("country", kFieldMax);
        change.note = body->OptionalString("note", kNoteMax);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        auto order = contracts->RequestCompanyChange(caller, ContractParam(request), change);
        if (!order.ok()) return ErrorResponse(request, order.error());
        return JsonResponse(OrderJson(*order), 202);
      }));

  router.Add(
      Method::kGet, "/api/v1/contracts/{contract}/company-change-requests",
      "contract_company_change_request_list",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto requests = contracts->ListCompanyChangeRequests(caller, ContractParam(request));
        if (!requests.ok()) return ErrorResponse(request, requests.error());
        boost::json::array items;
        for (const auto& item : *requests) items.push_back(ChangeRequestJson(item));
        return JsonResponse(boost::json::object{{"items", std::move(items)}});
      }));

  // The operator or the customer's reseller applies or declines a request ("decline" needs a
  // reason, which the requester reads).
  for (const bool apply : {true, false}) {
    router.Add(Method::kPost,
               apply ? "/api/v1/contracts/{contract}/company-change-requests/{order}/apply"
                     : "/api/v1/contracts/{contract}/company-change-requests/{order}/decline",
               apply ? "contract_company_change_apply" : "contract_company_change_decline",
               auth->Authenticated(
                   [contracts, apply](const Request& request, const service::Caller& caller) {
                     std::string reason;
                     if (!request.body.empty()) {
                       auto body = BodyFields::FromJson(request);
                       if (!body.ok()) return ErrorResponse(request, body.error());
                       reason = body->OptionalString("reason", kNoteMax).value_or("");
                       if (auto ok = body->Finish(); !ok.ok())
                         return ErrorResponse(request, ok.error());
                     }
                     auto decided = contracts->DecideCompanyChange(
                         caller, ContractParam(request), std::string(request.PathParam("order")),
                         apply, reason);
                     if (!decided.ok()) return ErrorResponse(request, decided.error());
                     return JsonResponse(ChangeRequestJson(*decided));
                   }));
  }

  router.Add(
      Method::kGet, "/api/v1/contracts/{contract}/renewal-review", "contract_renewal_review",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto review = contracts->GetRenewalReview(caller, ContractParam(request));
        if (!review.ok()) return ErrorResponse(request, review.error());
        boost::json::array subscriptions;
        int unused_total = 0;
        for (const auto& item : review->subscriptions) {
          boost::json::array unused;
          for (const auto& holder : item.unused) {
            unused.push_back(boost::json::object{{"user_id", holder.person.id},
                                                 {"name", holder.person.name},
                                                 {"email", holder.person.email},
                                                 {"assigned_at", FormatTime(holder.assigned_at)}});
          }
          unused_total += static_cast<int>(item.unused.size());
          boost::json::object line = LineJson(item.line);
          line["unassigned"] = item.unassigned;
          line["unused"] = static_cast<std::int64_t>(item.unused.size());
          line["unused_users"] = std::move(unused);
          subscriptions.push_back(std::move(line));
        }
        boost::json::array added;
        for (const auto& change : review->added) added.push_back(MemberChangeJson(change));
        boost::json::array removed;
        for (const auto& change : review->removed) removed.push_back(MemberChangeJson(change));
        return JsonResponse(
            boost::json::object{{"contract_id", review->contract.id},
                                {"number", review->contract.number},
                                {"ends_at", FormatTime(review->contract.ends_at)},
                                {"as_of", FormatTime(review->now)},
                                {"unused_since", FormatTime(review->unused_since)},
                                {"members_since", FormatTime(review->members_since)},
                                {"unused_total", unused_total},
                                {"subscriptions", std::move(subscriptions)},
                                {"added", std::move(added)},
                                {"removed", std::move(removed)}});
      }));

  router.Add(
      Method::kGet, "/api/v1/contracts/{contract}/credits", "contract_credit_list",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        store::PageRequest page;
        std::vector<core::FieldError> errors;
        ReadPage(request, page.after, page.limit, errors);
        if (!errors.empty()) return ErrorResponse(request, QueryError(std::move(errors)));
        auto ledger = contracts->ListCredits(caller, ContractParam(request), page);
        if (!ledger.ok()) return ErrorResponse(request, ledger.error());
        boost::json::array items;
        for (const auto& entry : ledger->entries.items) items.push_back(CreditJson(entry));
        boost::json::object out = PageJson(std::move(items), ledger->entries.next_after);
        out["balance"] = ledger->balance;
        return JsonResponse(out);
      }));

  router.Add(
      Method::kPost, "/api/v1/contracts/{contract}/credits", "contract_credit_add",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::CreditMovement movement;
        auto amount = body->OptionalInt("amount", -static_cast<int>(service::kMaxCreditAmount),
                                        static_cast<int>(service::kMaxCreditAmount));
        auto reason = body->OptionalString("reason", 20);
        movement.note = body->OptionalString("note", kNoteMax).value_or("");
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        std::vector<core::FieldError> errors;
        if (!amount) errors.push_back({"amount", "is required"});
        if (reason) {
          auto parsed = core::ParseEnum<core::CreditReason>(*reason);
          if (!parsed || *parsed == core::CreditReason::kConsumption) {
            errors.push_back({"reason", "must be purchase, adjustment or refund"});
          } else {
            movement.reason = *parsed;
          }
        }
        if (!errors.empty()) {
          core::Error error =
              core::MakeError(core::ErrorCode::kInvalidArgument, "the credit movement is invalid");
          error.fields = std::move(errors);
          return ErrorResponse(request, error);
        }
        movement.amount = *amount;
        auto entry = contracts->AddCredits(caller, ContractParam(request), movement);
        if (!entry.ok()) return ErrorResponse(request, entry.error());
        return JsonResponse(CreditJson(*entry), 201);
      }));

  router.Add(
      Method::kPost, "/api/v1/contracts/{contract}/credits/consumptions", "contract_credit_consume",
      auth->Authenticated([contracts](const Request& request, const service::Caller& caller) {
        auto body = BodyFields::FromJson(request);
        if (!body.ok()) return ErrorResponse(request, body.error());
        service::CreditConsumption consumption;
        consumption.service_id = body->RequiredString("service_id", 100);
        auto amount = body->OptionalInt("amount", 1, static_cast<int>(service::kMaxCreditAmount));
        consumption.event_id = body->OptionalString("event_id", 200);
        if (auto ok = body->Finish(); !ok.ok()) return ErrorResponse(request, ok.error());
        if (!amount) {
          core::Error error =
              core::MakeError(core::ErrorCode::kInvalidArgument, "the consumption is invalid");
          error.fields.push_back({"amount", "is required"});
          return ErrorResponse(request, error);
        }
        consumption.amount = *amount;
        auto entry = contracts->ConsumeAsUser(caller, ContractParam(request), consumption);
        if (!entry.ok()) return ErrorResponse(request, entry.error());
        return JsonResponse(CreditJson(*entry), 201);
      }));
}

}  // namespace seatwise::http
