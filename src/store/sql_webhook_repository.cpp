#include <algorithm>

#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_ENDPOINTS                                                         \
  "SELECT id, team_id, url, secret_sealed, events, active, created_by, created_at," \
  " updated_at FROM webhook_endpoints"
constexpr std::string_view kInsertEndpoint =
    "INSERT INTO webhook_endpoints (id, team_id, url, secret_sealed, events, active,"
    " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectEndpointById = SW_SELECT_ENDPOINTS " WHERE id = ?";
constexpr std::string_view kSelectTeamEndpoints =
    SW_SELECT_ENDPOINTS " WHERE team_id = ? ORDER BY id";
constexpr std::string_view kSelectActiveTeamEndpoints =
    SW_SELECT_ENDPOINTS " WHERE team_id = ? AND active = 1 ORDER BY id";
#undef SW_SELECT_ENDPOINTS
constexpr std::string_view kUpdateEndpoint =
    "UPDATE webhook_endpoints SET url = ?, secret_sealed = ?, events = ?, active = ?,"
    " updated_at = ? WHERE id = ?";
constexpr std::string_view kDeleteEndpoint = "DELETE FROM webhook_endpoints WHERE id = ?";

#define SW_SELECT_DELIVERIES                                                                   \
  "SELECT id, endpoint_id, event_key, event_type, payload, status, attempts, next_attempt_at," \
  " last_status_code, last_error, created_at, delivered_at FROM webhook_deliveries"
constexpr std::string_view kInsertDelivery =
    "INSERT INTO webhook_deliveries (id, endpoint_id, event_key, event_type, payload, status,"
    " attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at)"
    " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, '', ?, NULL)"
    " ON CONFLICT (endpoint_id, event_key) DO NOTHING";
constexpr std::string_view kSelectDueDeliveries = SW_SELECT_DELIVERIES
    " WHERE status = 'pending' AND next_attempt_at <= ?"
    " ORDER BY next_attempt_at, id LIMIT ?";
constexpr std::string_view kSelectDeliveriesFirstPage =
    SW_SELECT_DELIVERIES " WHERE endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?";
constexpr std::string_view kSelectDeliveriesPage = SW_SELECT_DELIVERIES
    " WHERE endpoint_id = ? AND (created_at < ? OR (created_at = ?"
    " AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?";
#undef SW_SELECT_DELIVERIES
constexpr std::string_view kPushNextAttempt =
    "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?";
constexpr std::string_view kMarkDelivered =
    "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,"
    " last_status_code = ?, last_error = '', delivered_at = ? WHERE id = ?";
constexpr std::string_view kMarkRetry =
    "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = ?,"
    " last_error = ?, next_attempt_at = ? WHERE id = ?";
constexpr std::string_view kMarkFailed =
    "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1,"
    " last_status_code = ?, last_error = ? WHERE id = ?";

// The event list is stored as a JSON array of strings.
std::string EncodeEvents(const std::vector<std::string>& events) {
  std::string out = "[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ", ";
    out += '"';
    for (char c : events[i]) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    out += '"';
  }
  out += "]";
  return out;
}

std::vector<std::string> DecodeEvents(const std::string& json) {
  std::vector<std::string> out;
  bool in_string = false;
  std::string current;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (!in_string) {
      if (c == '"') {
        in_string = true;
        current.clear();
      }
    } else if (c == '\\' && i + 1 < json.size()) {
      current += json[++i];
    } else if (c == '"') {
      in_string = false;
      out.push_back(current);
    } else {
      current += c;
    }
  }
  return out;
}

core::WebhookEndpoint EndpointFrom(const Row& r) {
  core::WebhookEndpoint e;
  e.id = r.Text(0);
  e.team_id = r.Text(1);
  e.url = r.Text(2);
  e.secret_sealed = r.Text(3);
  e.events = DecodeEvents(r.Text(4));
  e.active = r.Bool(5);
  e.created_by = r.OptText(6);
  e.created_at = TimeAt(r, 7);
  e.updated_at = TimeAt(r, 8);
  return e;
}

core::WebhookDelivery DeliveryFrom(const Row& r) {
  core::WebhookDelivery d;
  d.id = r.Text(0);
  d.endpoint_id = r.Text(1);
  d.event_key = r.Text(2);
  d.event_type = r.Text(3);
  d.payload_json = r.Text(4);
  d.status = EnumAt<core::DeliveryStatus>(r, 5);
  d.attempts = IntAt(r, 6);
  d.next_attempt_at = TimeAt(r, 7);
  if (!r.IsNull(8)) d.last_status_code = IntAt(r, 8);
  d.last_error = r.Text(9);
  d.created_at = TimeAt(r, 10);
  d.delivered_at = OptTimeAt(r, 11);
  return d;
}

Value OptStatus(std::optional<int> code) {
  if (!code) return nullptr;
  return std::int64_t{*code};
}

class SqlWebhookRepository final : public WebhookRepository {
 public:
  explicit SqlWebhookRepository(core::Random& random) : random_(random) {}

  Result<core::WebhookEndpoint> CreateEndpoint(Tx& tx, core::WebhookEndpoint e) override {
    EnsureId(e.id, random_, core::id_prefix::kWebhookEndpoint);
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertEndpoint,
                {e.id, e.team_id, e.url, e.secret_sealed, EncodeEvents(e.events), Bool(e.active),
                 OptText(e.created_by), Ms(e.created_at), Ms(e.updated_at)}));
    return e;
  }

  Result<core::WebhookEndpoint> GetEndpoint(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectEndpointById, {id}, "webhook endpoint"));
    return EndpointFrom(row);
  }

  Result<std::vector<core::WebhookEndpoint>> ListEndpoints(Tx& tx,
                                                           const std::string& team_id) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectTeamEndpoints, {team_id}));
    return MapRows<core::WebhookEndpoint>(rows, EndpointFrom);
  }

  Result<std::vector<core::WebhookEndpoint>> ListSubscribed(
      Tx& tx, const std::string& team_id, const std::string& event_type) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectActiveTeamEndpoints, {team_id}));
    auto endpoints = MapRows<core::WebhookEndpoint>(rows, EndpointFrom);
    std::erase_if(endpoints, [&](const core::WebhookEndpoint& e) {
      return std::find(e.events.begin(), e.events.end(), event_type) == e.events.end();
    });
    return endpoints;
  }

  Result<void> UpdateEndpoint(Tx& tx, const core::WebhookEndpoint& e,
                              core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kUpdateEndpoint, {e.url, e.secret_sealed, EncodeEvents(e.events),
                                                   Bool(e.active), Ms(now), e.id}),
                         "webhook endpoint");
  }

  Result<void> DeleteEndpoint(Tx& tx, const std::string& id) override {
    return ExpectChanged(tx.Exec(kDeleteEndpoint, {id}), "webhook endpoint");
  }

  Result<bool> EnqueueDelivery(Tx& tx, core::WebhookDelivery d) override {
    EnsureId(d.id, random_, core::id_prefix::kWebhookDelivery);
    SW_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Exec(kInsertDelivery, {d.id, d.endpoint_id, d.event_key, d.event_type, d.payload_json,
                                  Ms(d.next_attempt_at), Ms(d.created_at)}));
    return changed > 0;
  }

  Result<std::vector<core::WebhookDelivery>> ClaimDueDeliveries(
      Tx& tx, core::TimePoint now, int limit, std::chrono::milliseconds claim_for) override {
    std::string sql(kSelectDueDeliveries);
    if (tx.backend() == Backend::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, {Ms(now), ClampLimit(limit)}));
    auto deliveries = MapRows<core::WebhookDelivery>(rows, DeliveryFrom);
    for (auto& d : deliveries) {
      d.next_attempt_at = now + claim_for;
      SW_RETURN_IF_ERROR(tx.Exec(kPushNextAttempt, {Ms(d.next_attempt_at), d.id}));
    }
    return deliveries;
  }

  Result<void> MarkDelivered(Tx& tx, const std::string& id, int status_code,
                             core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kMarkDelivered, {Int(status_code), Ms(now), id}),
                         "webhook delivery");
  }

  Result<void> MarkDeliveryFailed(Tx& tx, const std::string& id, std::optional<int> status_code,
                                  const std::string& error,
                                  std::optional<core::TimePoint> next_attempt_at) override {
    if (next_attempt_at) {
      return ExpectChanged(
          tx.Exec(kMarkRetry, {OptStatus(status_code), error, Ms(*next_attempt_at), id}),
          "webhook delivery");
    }
    return ExpectChanged(tx.Exec(kMarkFailed, {OptStatus(status_code), error, id}),
                         "webhook delivery");
  }

  Result<Page<core::WebhookDelivery>> ListDeliveries(Tx& tx, const std::string& endpoint_id,
                                                     const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    Result<Rows> rows = core::MakeError(ErrorCode::kInternal, "unreachable");
    if (page.after.empty()) {
      rows = tx.Query(kSelectDeliveriesFirstPage, {endpoint_id, limit + 1});
    } else {
      SW_ASSIGN_OR_RETURN(auto cursor, ParseTimeCursor(page.after));
      rows = tx.Query(kSelectDeliveriesPage,
                      {endpoint_id, cursor.first, cursor.first, cursor.second, limit + 1});
    }
    if (!rows.ok()) return std::move(rows).error();
    return MakePage(MapRows<core::WebhookDelivery>(*rows, DeliveryFrom), limit,
                    [](const core::WebhookDelivery& d) { return TimeCursor(d.created_at, d.id); });
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<WebhookRepository> NewSqlWebhookRepository(core::Random& random) {
  return std::make_unique<SqlWebhookRepository>(random);
}

}  // namespace seatwise::store
