// Customer accounts, orders, renewals and the switch of serial-number licenses to sign-in.
// The order service decides who may and what an order creates; these handlers only read
// the nested JSON bodies and write the answers.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "service/orders.hpp"
#include "store/page.hpp"

namespace seatwise::http {
namespace {

constexpr std::size_t kFieldMax = 1024;

// Typed reads of one JSON object of a body, collecting field errors named by their path
// ("company.country", "subscriptions[2].seats"). A null value counts as absent.
class JsonFields {
 public:
  JsonFields(const boost::json::object& object, std::string prefix,
             std::vector<core::FieldError>& errors)
      : object_(object), prefix_(std::move(prefix)), errors_(errors) {}

  std::string Path(std::string_view key) const { return prefix_ + std::string(key); }

  const boost::json::value* Find(std::string_view key) const {
    auto it = object_.find(key);
    if (it == object_.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }

  std::optional<std::string> String(std::string_view key, bool required = false) {
    const auto* v = Find(key);
    if (!v) {
      if (required) Fail(key, "is required");
      return std::nullopt;
    }
    if (!v->is_string()) return Fail(key, "must be a string"), std::nullopt;
    if (v->as_string().size() > kFieldMax) {
      return Fail(key, "must be at most 1024 characters"), std::nullopt;
    }
    return std::string(v->as_string());
  }

  std::optional<std::int64_t> Integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const auto* v = Find(key);
    if (!v) return std::nullopt;
    std::optional<std::int64_t> n;
    if (v->is_int64()) n = v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max)) {
      n = static_cast<std::int64_t>(v->as_uint64());
    }
    if (!n || *n < min || *n > max) {
      const std::string range = max == std::numeric_limits<std::int64_t>::max()
                                    ? "at least " + std::to_string(min)
                                    : "from " + std::to_string(min) + " to " + std::to_string(max);
      return Fail(key, "must be an integer " + range), std::nullopt;
    }
    return n;
  }

  std::optional<int> Int(std::string_view key, int min, int max) {
    auto n = Integer(key, min, max);
    if (!n) return std::nullopt;
    return static_cast<int>(*n);
  }

  std::optional<bool> Bool(std::string_view key) {
    const auto* v = Find(key);
    if (!v) return std::nullopt;
    if (!v->is_bool()) return Fail(key, "must be true or false"), std::nullopt;
    return v->as_bool();
  }

  std::optional<core::TimePoint> Time(std::string_view key) {
    auto text = String(key);
    if (!text) return std::nullopt;
    auto t = ParseTime(*text);
    if (!t) Fail(key, "must be an RFC 3339 date-time, like 2026-01-02T03:04:05Z");
    return t;
  }

  template <typename E>
  std::optional<E> Enum(std::string_view key, std::string_view choices) {
    auto text = String(key);
    if (!text) return std::nullopt;
    auto value = core::ParseEnum<E>(*text);
    if (!value) Fail(key, "must be " + std::string(choices));
    return value;
  }

  const boost::json::object* Object(std::string_view key, bool required = false) {
    const auto* v = Find(key);
    if (!v) {
      if (required) Fail(key, "is required");
      return nullptr;
    }
    if (!v->is_object()) return Fail(key, "must be an object"), nullptr;
    return &v->as_object();
  }

  const boost::json::array* Array(std::string_view key) {
    const auto* v = Find(key);
    if (!v) return nullptr;
    if (!v->is_array()) return Fail(key, "must be an array"), nullptr;
    return &v->as_array();
  }

  void Fail(std::string_view key, std::string message) {
    errors_.push_back({Path(key), std::move(message)});
  }

 private:
  const boost::json::object& object_;
  std::string prefix_;
  std::vector<core::FieldError>& errors_;
};

core::Result<void> Finish(std::vector<core::FieldError> errors, const char* what) {
  if (errors.empty()) return core::Ok();
  core::Error error = core::MakeError(core::ErrorCode::kInvalidArgument, what);
  error.fields = std::move(errors);
  return error;
}

boost::json::value Nullable(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

boost::json::object CompanyJson(const core::CompanyInfo& c) {
  return boost::json::object{
      {"name", c.name},      {"address_line1", c.address_line1}, {"address_line2", c.address_line2},
      {"city", c.city},      {"postal_code", c.postal_code},     {"region", c.region},
      {"country", c.country}};
}

boost::json::object AccountJson(const core::Account& a) {
  return boost::json::object{{"id", a.id},
                             {"reseller_id", Nullable(a.reseller_id)},
                             {"company", CompanyJson(a.company)},
                             {"created_at", FormatTime(a.created_at)},
                             {"updated_at", FormatTime(a.updated_at)}};
}

boost::json::object TeamJson(const core::Team& t) {
  return boost::json::object{{"id", t.id},
                             {"account_id", t.account_id},
                             {"name", t.name},
                             {"created_at", FormatTime(t.created_at)}};
}

boost::json::object FullContractJson(const core::Contract& c) {
  boost::json::object out = ContractJson(c);
  out["subscription_ref"] = c.subscription_ref;
  out["reseller_id"] = Nullable(c.reseller_id);
  out["starts_at"] = FormatTime(c.starts_at);
  out["term_months"] = c.term_months;
  out["credit_balance"] = c.credit_balance;
  return out;
}

boost::json::object SubscriptionJson(const service::OrderedSubscription& line,
                                     const core::Contract& contract) {
  const core::Subscription& s = line.subscription;
  return boost::json::object{{"id", s.id},
                             {"kind", line.kind},
                             {"code", line.code},
                             {"name", line.name},
                             {"seats", s.seats},
                             {"access", core::EnumName(s.access)},
                             {"activation", core::EnumName(s.activation)},
                             {"model", core::EnumName(s.model)},
                             {"serial_number", Nullable(s.serial_number)},
                             {"product_key", Nullable(s.product_key)},
                             {"max_devices", s.max_devices},
                             {"ends_at", FormatTime(s.ends_at.value_or(contract.ends_at))}};
}

core::Result<service::AccountRequest> ParseAccountRequest(const boost::json::object& body) {
  std::vector<core::FieldError> errors;
  JsonFields fields(body, "", errors);
  service::AccountRequest request;
  if (const auto* company = fields.Object("company", true)) {
    JsonFields c(*company, "company.", errors);
    request.company.name = c.String("name").value_or("");
    request.company.address_line1 = c.String("address_line1").value_or("");
    request.company.address_line2 = c.String("address_line2").value_or("");
    request.company.city = c.String("city").value_or("");
    request.company.postal_code = c.String("postal_code").value_or("");
    request.company.region = c.String("region").value_or("");
    request.company.country = c.String("country").value_or("");
  }
  request.team_name = fields.String("team_name").value_or("");
  if (const auto* cm = fields.Object("contract_manager", true)) {
    JsonFields m(*cm, "contract_manager.", errors);
    request.contract_manager.email = m.String("email").value_or("");
    request.contract_manager.first_name = m.String("first_name").value_or("");
    request.contract_manager.last_name = m.String("last_name").value_or("");
  }
  // Empty or missing company and person fields are the service's to name, together with
  // every other problem of the request.
  request.reseller_id = fields.String("reseller_id");
  SW_RETURN_IF_ERROR(Finish(std::move(errors), "the account is invalid"));
  return request;
}

core::Result<service::OrderRequest> ParseOrderRequest(const boost::json::object& body) {
  std::vector<core::FieldError> errors;
  JsonFields fields(body, "", errors);
  service::OrderRequest request;
  request.team_id = fields.String("team_id");
  request.number = fields.String("number");
  request.subscription_ref = fields.String("subscription_ref");
  request.term_months =
      fields.Int("term_months", service::kMinTermMonths, service::kMaxTermMonths).value_or(12);
  request.starts_at = fields.Time("starts_at");
  request.contract_manager_email = fields.String("contract_manager_email");
  request.credits = fields.Integer("credits", 0, std::numeric_limits<std::int64_t>::max());
  const auto* lines = fields.Array("subscriptions");
  if (!lines) {
    if (!fields.Find("subscriptions")) fields.Fail("subscriptions", "is required");
  } else {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      const std::string at = "subscriptions[" + std::to_string(i) + "]";
      if (!(*lines)[i].is_object()) {
        errors.push_back({at, "must be an object"});
        continue;
      }
      JsonFields line((*lines)[i].as_object(), at + ".", errors);
      service::SubscriptionOrder s;
      s.product_code = line.String("product_code");
      s.collection_code = line.String("collection_code");
      s.service_code = line.String("service_code");
      s.seats = line.Int("seats", 1, 1'000'000).value_or(0);
      if (!line.Find("seats")) line.Fail("seats", "is required");
      s.access = line.Enum<core::Access>("access", "single_user or multi_user")
                     .value_or(core::Access::kSingleUser);
      s.activation = line.Enum<core::ActivationMethod>("activation", "sign_in or serial_number")
                         .value_or(core::ActivationMethod::kSignIn);
      s.model = line.Enum<core::LicenseModel>("model", "term, perpetual_maintenance or perpetual")
                    .value_or(core::LicenseModel::kTerm);
      s.max_devices = line.Int("max_devices", 1, service::kMaxDevicesLimit);
      s.lease_ttl_seconds =
          line.Int("lease_ttl_seconds", service::kMinLeaseTtlSeconds, 7 * 24 * 3600);
      s.max_borrow_days = line.Int("max_borrow_days", 0, service::kMaxBorrowDaysLimit);
      s.ends_at = line.Time("ends_at");
      request.subscriptions.push_back(std::move(s));
    }
  }
  SW_RETURN_IF_ERROR(Finish(std::move(errors), "the order is invalid"));
  return request;
}

core::Result<service::RenewRequest> ParseRenewRequest(const boost::json::object& body) {
  std::vector<core::FieldError> errors;
  JsonFields fields(body, "", errors);
  service::RenewRequest request;
  request.term_months = fields.Int("term_months", service::kMinTermMonths, service::kMaxTermMonths);
  if (const auto* seats = fields.Array("seats")) {
    for (std::size_t i = 0; i < seats->size(); ++i) {
      const std::string at = "seats[" + std::to_string(i) + "]";
      if (!(*seats)[i].is_object()) {
        errors.push_back({at, "must be an object"});
        continue;
      }
      JsonFields change((*seats)[i].as_object(), at + ".", errors);
      service::SeatChange c;
      c.subscription_id = change.String("subscription_id", true).value_or("");
      c.seats = change.Int("seats", 1, 1'000'000).value_or(0);
      if (!change.Find("seats")) change.Fail("seats", "is required");
      request.seats.push_back(std::move(c));
    }
  }
  SW_RETURN_IF_ERROR(Finish(std::move(errors), "the renewal is invalid"));
  return request;
}

core::Result<service::MigrationRequest> ParseMigrationRequest(const Request& http,
                                                              const boost::json::object& body) {
  std::vector<core::FieldError> errors;
  JsonFields fields(body, "", errors);
  service::MigrationRequest request;
  request.dry_run = fields.Bool("dry_run").value_or(false);
  if (auto query = http.Query("dry_run")) {
    if (*query == "true" || *query == "1") {
      request.dry_run = true;
    } else if (*query != "false" && *query != "0") {
      errors.push_back({"dry_run", "must be true or false"});
    }
  }
  if (const auto* ids = fields.Array("subscription_ids")) {
    for (std::size_t i = 0; i < ids->size(); ++i) {
      if (!(*ids)[i].is_string()) {
        errors.push_back({"subscription_ids[" + std::to_string(i) + "]", "must be a string"});
        continue;
      }
      request.subscription_ids.emplace_back((*ids)[i].as_string());
    }
  }
  SW_RETURN_IF_ERROR(Finish(std::move(errors), "the migration request is invalid"));
  return request;
}

core::Result<store::PageRequest> ParsePage(const Request& request) {
  store::PageRequest page;
  std::vector<core::FieldError> errors;
  ReadPage(request, page.after, page.limit, errors);
  SW_RETURN_IF_ERROR(Finish(std::move(errors), "the account query has invalid parameters"));
  return page;
}

}  // namespace

void RegisterOrderRoutes(Router& router, const ApiServices& services) {
  service::OrderService* orders = &services.orders;
  const Authenticator* auth = &services.auth;

  router.Add(Method::kPost, "/api/v1/accounts", "account_create",
             auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
               auto body = JsonObjectBody(request, false);
               if (!body.ok()) return ErrorResponse(request, body.error());
               auto parsed = ParseAccountRequest(*body);
               if (!parsed.ok()) return ErrorResponse(request, parsed.error());
               auto created = orders->CreateAccount(caller, *parsed);
               if (!created.ok()) return ErrorResponse(request, created.error());
               boost::json::object manager = UserJson(created->contract_manager);
               manager["role"] = core::EnumName(created->membership.role);
               manager["membership_status"] = core::EnumName(created->membership.status);
               return JsonResponse(boost::json::object{{"account", AccountJson(created->account)},
                                                       {"team", TeamJson(created->team)},
                                                       {"contract_manager", std::move(manager)}},
                                   201);
             }));

  router.Add(Method::kGet, "/api/v1/accounts", "account_list",
             auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
               auto page = ParsePage(request);
               if (!page.ok()) return ErrorResponse(request, page.error());
               auto accounts = orders->ListAccounts(caller, *page);
               if (!accounts.ok()) return ErrorResponse(request, accounts.error());
               boost::json::array items;
               for (const auto& a : accounts->items) items.push_back(AccountJson(a));
               return JsonResponse(PageJson(std::move(items), accounts->next_after));
             }));

  router.Add(Method::kGet, "/api/v1/accounts/{account}", "account_get",
             auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
               auto details = orders->GetAccount(caller, std::string(request.PathParam("account")));
               if (!details.ok()) return ErrorResponse(request, details.error());
               boost::json::object out = AccountJson(details->account);
               boost::json::array teams;
               for (const auto& t : details->teams) teams.push_back(TeamJson(t));
               boost::json::array contracts;
               for (const auto& c : details->contracts) contracts.push_back(FullContractJson(c));
               out["teams"] = std::move(teams);
               out["contracts"] = std::move(contracts);
               return JsonResponse(out);
             }));

  router.Add(Method::kPatch, "/api/v1/accounts/{account}", "account_update",
             auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
               auto body = JsonObjectBody(request, false);
               if (!body.ok()) return ErrorResponse(request, body.error());
               std::vector<core::FieldError> errors;
               JsonFields fields(*body, "", errors);
               // Either {"company": {...}} or the company fields at the top level.
               const boost::json::object* company = fields.Object("company");
               JsonFields c(company ? *company : *body, company ? "company." : "", errors);
               service::CompanyPatch patch;
               patch.name = c.String("name");
               patch.address_line1 = c.String("address_line1");
               patch.address_line2 = c.String("address_line2");
               patch.city = c.String("city");
               patch.postal_code = c.String("postal_code");
               patch.region = c.String("region");
               patch.country = c.String("country");
               if (auto ok = Finish(std::move(errors), "the company information is invalid");
                   !ok.ok()) {
                 return ErrorResponse(request, ok.error());
               }
               auto account =
                   orders->UpdateAccount(caller, std::string(request.PathParam("account")), patch);
               if (!account.ok()) return ErrorResponse(request, account.error());
               return JsonResponse(AccountJson(*account));
             }));

  router.Add(Method::kPost, "/api/v1/accounts/{account}/orders", "order_create",
             auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
               auto body = JsonObjectBody(request, false);
               if (!body.ok()) return ErrorResponse(request, body.error());
               auto parsed = ParseOrderRequest(*body);
               if (!parsed.ok()) return ErrorResponse(request, parsed.error());
               auto placed =
                   orders->PlaceOrder(caller, std::string(request.PathParam("account")), *parsed);
               if (!placed.ok()) return ErrorResponse(request, placed.error());
               boost::json::object out = FullContractJson(placed->contract);
               boost::json::array subs;
               for (const auto& line : placed->subscriptions) {
                 subs.push_back(SubscriptionJson(line, placed->contract));
               }
               out["subscriptions"] = std::move(subs);
               out["order_id"] = placed->order.id;
               return JsonResponse(out, 201);
             }));

  router.Add(Method::kPost, "/api/v1/contracts/{contract}/renew", "contract_renew",
             auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
               auto body = JsonObjectBody(request, true);
               if (!body.ok()) return ErrorResponse(request, body.error());
               auto parsed = ParseRenewRequest(*body);
               if (!parsed.ok()) return ErrorResponse(request, parsed.error());
               auto renewal =
                   orders->Renew(caller, std::string(request.PathParam("contract")), *parsed);
               if (!renewal.ok()) return ErrorResponse(request, renewal.error());
               boost::json::object out = FullContractJson(renewal->contract);
               out["order_id"] = renewal->order.id;
               return JsonResponse(out);
             }));

  router.Add(
      Method::kPost, "/api/v1/contracts/{contract}/migrate-to-sign-in",
      "contract_migrate_to_sign_in",
      auth->Authenticated([orders](const Request& request, const service::Caller& caller) {
        auto body = JsonObjectBody(request, true);
        if (!body.ok()) return ErrorResponse(request, body.error());
        auto parsed = ParseMigrationRequest(request, *body);
        if (!parsed.ok()) return ErrorResponse(request, parsed.error());
        auto migration =
            orders->MigrateToSignIn(caller, std::string(request.PathParam("contract")), *parsed);
        if (!migration.ok()) return ErrorResponse(request, migration.error());
        boost::json::array migrated;
        for (const auto& m : migration->migrated) {
          migrated.push_back(boost::json::object{{"subscription_id", m.subscription_id},
                                                 {"product", m.product},
                                                 {"serial_number", m.serial_number},
                                                 {"seats", m.seats},
                                                 {"assignments_ended", m.assignments_ended},
                                                 {"activations_revoked", m.activations_revoked},
                                                 {"seats_held_by", Nullable(m.seats_held_by)}});
        }
        boost::json::array skipped;
        for (const auto& s : migration->skipped) {
          skipped.push_back(boost::json::object{{"subscription_id", s.subscription_id},
                                                {"product", s.product},
                                                {"reason", s.reason}});
        }
        return JsonResponse(boost::json::object{{"contract_id", migration->contract_id},
                                                {"dry_run", migration->dry_run},
                                                {"migrated", std::move(migrated)},
                                                {"skipped", std::move(skipped)}});
      }));
}

}  // namespace seatwise::http
