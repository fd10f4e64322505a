#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kInsertEvent =
    "INSERT INTO usage_events (id, client_event_id, device_id, user_id, product_id, service_id,"
    " subscription_id, kind, credits, duration_seconds, at, received_at, client_at, started_at,"
    " start_event_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (device_id, client_event_id) DO NOTHING";
#define SW_SELECT_EVENTS                                                                       \
  "SELECT seq, id, client_event_id, device_id, user_id, product_id, service_id,"               \
  " subscription_id, kind, credits, duration_seconds, at, received_at, client_at, started_at," \
  " start_event_id FROM usage_events"
constexpr std::string_view kSelectEventsAfter =
    SW_SELECT_EVENTS " WHERE seq > ? ORDER BY seq LIMIT ?";
// Times on the client's clock: its own when it was kept, else `at`.
constexpr std::string_view kSelectOpenStart = SW_SELECT_EVENTS
    " s WHERE device_id = ? AND product_id = ? AND kind = 'start' AND at >= ?"
    " AND COALESCE(client_at, at) <= ?"
    " AND NOT EXISTS (SELECT 1 FROM usage_events t WHERE t.start_event_id = s.id)";
constexpr std::string_view kOpenStartOfUser = " AND user_id = ?";
constexpr std::string_view kOpenStartOfComputer = " AND user_id IS NULL";
constexpr std::string_view kOpenStartOrder =
    " ORDER BY COALESCE(client_at, at) DESC, seq DESC LIMIT 1";
#undef SW_SELECT_EVENTS
constexpr std::string_view kSelectSessions =
    "SELECT started_at, at FROM usage_events WHERE user_id = ? AND product_id = ?"
    " AND kind = 'stop' AND started_at IS NOT NULL AND started_at < ? AND at > ?"
    " ORDER BY started_at";
constexpr std::string_view kSelectRollupUpper =
    "SELECT MAX(seq) FROM (SELECT seq FROM usage_events WHERE seq > ? ORDER BY seq LIMIT ?) t";
// Days are UTC: integer division of Unix milliseconds on both backends.
constexpr std::string_view kRollUp =
    "INSERT INTO usage_daily (day_start, team_id, subscription_id, product_id, user_id,"
    " sessions, seconds)"
    " SELECT (e.at / 86400000) * 86400000, c.team_id, e.subscription_id, e.product_id,"
    " e.user_id, SUM(CASE WHEN e.kind = 'start' THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN e.kind = 'stop' THEN e.duration_seconds ELSE 0 END)"
    " FROM usage_events e JOIN subscriptions s ON s.id = e.subscription_id"
    " JOIN contracts c ON c.id = s.contract_id"
    " WHERE e.seq > ? AND e.seq <= ? AND e.kind IN ('start', 'stop')"
    " AND e.user_id IS NOT NULL AND e.product_id IS NOT NULL"
    " GROUP BY 1, 2, 3, 4, 5"
    " ON CONFLICT (subscription_id, day_start, product_id, user_id) DO UPDATE SET"
    " sessions = usage_daily.sessions + excluded.sessions,"
    " seconds = usage_daily.seconds + excluded.seconds";
constexpr std::string_view kSelectDailyBase =
    "SELECT day_start, team_id, subscription_id, product_id, user_id, sessions, seconds"
    " FROM usage_daily WHERE team_id = ? AND day_start >= ? AND day_start < ?";
constexpr std::string_view kDailySubscriptionIs = " AND subscription_id = ?";
constexpr std::string_view kDailyUserIs = " AND user_id = ?";
constexpr std::string_view kDailyOrder =
    " ORDER BY day_start, subscription_id, product_id, user_id";
constexpr std::string_view kSummarizeDailyBase =
    "SELECT subscription_id, product_id, user_id, CAST(SUM(sessions) AS BIGINT),"
    " CAST(SUM(seconds) AS BIGINT), MAX(day_start)"
    " FROM usage_daily WHERE team_id = ? AND day_start >= ? AND day_start < ?";
constexpr std::string_view kSummarizeDailyGroup =
    " GROUP BY subscription_id, product_id, user_id ORDER BY subscription_id, product_id, user_id";

constexpr std::string_view kSelectUsersWithUsage =
    "SELECT DISTINCT user_id FROM usage_events WHERE user_id IS NOT NULL AND at >= ? AND at < ?"
    " AND (";
constexpr std::string_view kUsersWithUsageOrder = ") ORDER BY user_id";

#define SW_SELECT_CREDITS                                                          \
  "SELECT id, contract_id, user_id, service_id, actor_id, usage_event_id, amount," \
  " balance_after, reason, note, at FROM credit_entries"
constexpr std::string_view kSelectCreditByEvent = SW_SELECT_CREDITS " WHERE usage_event_id = ?";
constexpr std::string_view kLockBalance = "SELECT credit_balance FROM contracts WHERE id = ?";
constexpr std::string_view kSetBalance = "UPDATE contracts SET credit_balance = ? WHERE id = ?";
constexpr std::string_view kInsertCredit =
    "INSERT INTO credit_entries (id, contract_id, user_id, service_id, actor_id,"
    " usage_event_id, amount, balance_after, reason, note, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectCreditsBase =
    SW_SELECT_CREDITS " WHERE (at > ? OR (at = ? AND id > ?))";
constexpr std::string_view kCreditsContractIs = " AND contract_id = ?";
constexpr std::string_view kCreditsUserIs = " AND user_id = ?";
constexpr std::string_view kCreditsFrom = " AND at >= ?";
constexpr std::string_view kCreditsTo = " AND at < ?";
constexpr std::string_view kCreditsOrder = " ORDER BY at, id LIMIT ?";
#undef SW_SELECT_CREDITS

core::UsageEvent EventFrom(const Row& row) {
  core::UsageEvent e;
  e.seq = row.Int(0);
  e.id = row.Text(1);
  e.client_event_id = row.Text(2);
  e.device_id = row.Text(3);
  e.user_id = row.OptText(4);
  e.product_id = row.OptText(5);
  e.service_id = row.OptText(6);
  e.subscription_id = row.OptText(7);
  e.kind = EnumAt<core::UsageKind>(row, 8);
  e.credits = row.Int(9);
  e.duration_seconds = row.Int(10);
  e.at = TimeAt(row, 11);
  e.received_at = TimeAt(row, 12);
  e.client_at = OptTimeAt(row, 13);
  e.started_at = OptTimeAt(row, 14);
  e.start_event_id = row.OptText(15);
  return e;
}

core::UsageDaily DailyFrom(const Row& row) {
  core::UsageDaily d;
  d.day = TimeAt(row, 0);
  d.team_id = row.Text(1);
  d.subscription_id = row.Text(2);
  d.product_id = row.Text(3);
  d.user_id = row.Text(4);
  d.sessions = row.Int(5);
  d.seconds = row.Int(6);
  return d;
}

core::CreditEntry CreditFrom(const Row& row) {
  core::CreditEntry c;
  c.id = row.Text(0);
  c.contract_id = row.Text(1);
  c.user_id = row.OptText(2);
  c.service_id = row.OptText(3);
  c.actor_id = row.OptText(4);
  c.usage_event_id = row.OptText(5);
  c.amount = row.Int(6);
  c.balance_after = row.Int(7);
  c.reason = EnumAt<core::CreditReason>(row, 8);
  c.note = row.Text(9);
  c.at = TimeAt(row, 10);
  return c;
}

class SqlUsageRepository final : public UsageRepository {
 public:
  explicit SqlUsageRepository(core::Random& random) : random_(random) {}

  Result<int> RecordEvents(Tx& tx, std::vector<core::UsageEvent> events) override {
    int added = 0;
    for (auto& e : events) {
      EnsureId(e.id, random_, core::id_prefix::kUsageEvent);
      SW_ASSIGN_OR_RETURN(
          std::int64_t changed,
          tx.Exec(kInsertEvent,
                  {e.id, e.client_event_id, e.device_id, OptText(e.user_id), OptText(e.product_id),
                   OptText(e.service_id), OptText(e.subscription_id), Enum(e.kind), Int(e.credits),
                   Int(e.duration_seconds), Ms(e.at), Ms(e.received_at), OptMs(e.client_at),
                   OptMs(e.started_at), OptText(e.start_event_id)}));
      added += static_cast<int>(changed);
    }
    return added;
  }

  Result<std::optional<core::UsageEvent>> FindOpenStart(Tx& tx, const std::string& device_id,
                                                        const std::optional<std::string>& user_id,
                                                        const std::string& product_id,
                                                        core::TimePoint client_time,
                                                        core::TimePoint not_before) override {
    std::string sql(kSelectOpenStart);
    Params params{device_id, product_id, Ms(not_before), Ms(client_time)};
    if (user_id) {
      sql += kOpenStartOfUser;
      params.emplace_back(*user_id);
    } else {
      sql += kOpenStartOfComputer;
    }
    sql += kOpenStartOrder;
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(sql, params));
    if (!row) return std::optional<core::UsageEvent>();
    return std::optional<core::UsageEvent>(EventFrom(*row));
  }

  Result<std::vector<std::pair<core::TimePoint, core::TimePoint>>> ListSessions(
      Tx& tx, const std::string& user_id, const std::string& product_id, core::TimePoint from,
      core::TimePoint to) override {
    SW_ASSIGN_OR_RETURN(Rows rows,
                        tx.Query(kSelectSessions, {user_id, product_id, Ms(to), Ms(from)}));
    return MapRows<std::pair<core::TimePoint, core::TimePoint>>(
        rows, [](const Row& r) { return std::make_pair(TimeAt(r, 0), TimeAt(r, 1)); });
  }

  Result<std::vector<core::UsageEvent>> ListEventsAfter(Tx& tx, std::int64_t after_seq,
                                                        int limit) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectEventsAfter, {after_seq, ClampLimit(limit)}));
    return MapRows<core::UsageEvent>(rows, EventFrom);
  }

  Result<std::int64_t> RollUp(Tx& tx, std::int64_t after_seq, int max_events) override {
    SW_ASSIGN_OR_RETURN(
        Row upper, tx.QueryOne(kSelectRollupUpper,
                               {after_seq, std::int64_t{std::max(1, max_events)}}, "usage events"));
    if (upper.IsNull(0)) return after_seq;
    const std::int64_t up_to = upper.Int(0);
    SW_RETURN_IF_ERROR(tx.Exec(kRollUp, {after_seq, up_to}));
    return up_to;
  }

  Result<std::vector<core::UsageDaily>> ListDaily(Tx& tx, const UsageDailyQuery& q) override {
    std::string sql(kSelectDailyBase);
    Params params{q.team_id, Ms(q.from), Ms(q.to)};
    if (q.subscription_id) {
      sql += kDailySubscriptionIs;
      params.emplace_back(*q.subscription_id);
    }
    if (q.user_id) {
      sql += kDailyUserIs;
      params.emplace_back(*q.user_id);
    }
    sql += kDailyOrder;
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MapRows<core::UsageDaily>(rows, DailyFrom);
  }

  Result<std::vector<UsageSummary>> SummarizeDaily(Tx& tx, const UsageDailyQuery& q) override {
    std::string sql(kSummarizeDailyBase);
    Params params{q.team_id, Ms(q.from), Ms(q.to)};
    if (q.subscription_id) {
      sql += kDailySubscriptionIs;
      params.emplace_back(*q.subscription_id);
    }
    if (q.user_id) {
      sql += kDailyUserIs;
      params.emplace_back(*q.user_id);
    }
    sql += kSummarizeDailyGroup;
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MapRows<UsageSummary>(rows, [](const Row& row) {
      UsageSummary s;
      s.subscription_id = row.Text(0);
      s.product_id = row.Text(1);
      s.user_id = row.Text(2);
      s.sessions = row.Int(3);
      s.seconds = row.Int(4);
      s.last_day = TimeAt(row, 5);
      return s;
    });
  }

  Result<std::vector<std::string>> ListUsersWithUsage(Tx& tx, const UsageUsersQuery& q) override {
    if (q.product_ids.empty() && !q.service_id) return std::vector<std::string>{};
    std::string sql(kSelectUsersWithUsage);
    Params params{Ms(q.from), Ms(q.to)};
    if (!q.product_ids.empty()) {
      sql += "product_id IN (";
      for (std::size_t i = 0; i < q.product_ids.size(); ++i) {
        sql += i == 0 ? "?" : ", ?";
        params.emplace_back(q.product_ids[i]);
      }
      sql += ")";
    }
    if (q.service_id) {
      sql += q.product_ids.empty() ? "service_id = ?" : " OR service_id = ?";
      params.emplace_back(*q.service_id);
    }
    sql += kUsersWithUsageOrder;
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MapRows<std::string>(rows, [](const Row& r) { return r.Text(0); });
  }

  Result<core::CreditEntry> AddCreditEntry(Tx& tx, core::CreditEntry e,
                                           bool allow_negative) override {
    if (e.usage_event_id) {
      SW_ASSIGN_OR_RETURN(auto existing,
                          tx.QueryOptional(kSelectCreditByEvent, {*e.usage_event_id}));
      if (existing) return CreditFrom(*existing);
    }
    SW_ASSIGN_OR_RETURN(Row contract, tx.QueryOne(WithLock(kLockBalance, tx.backend()),
                                                  {e.contract_id}, "contract"));
    const std::int64_t balance = contract.Int(0);
    if (e.amount < 0 && balance + e.amount < 0 && !allow_negative) {
      return core::MakeError(ErrorCode::kFailedPrecondition,
                             "not enough cloud credits: " + std::to_string(balance) + " left, " +
                                 std::to_string(-e.amount) + " needed");
    }
    EnsureId(e.id, random_, core::id_prefix::kCreditEntry);
    e.balance_after = balance + e.amount;
    SW_RETURN_IF_ERROR(tx.Exec(kSetBalance, {e.balance_after, e.contract_id}));
    SW_RETURN_IF_ERROR(
        tx.Exec(kInsertCredit, {e.id, e.contract_id, OptText(e.user_id), OptText(e.service_id),
                                OptText(e.actor_id), OptText(e.usage_event_id), Int(e.amount),
                                Int(e.balance_after), Enum(e.reason), e.note, Ms(e.at)}));
    return e;
  }

  Result<Page<core::CreditEntry>> ListCreditEntries(Tx& tx, const CreditQuery& q,
                                                    const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    SW_ASSIGN_OR_RETURN(auto cursor, ParseTimeCursor(page.after));
    std::string sql(kSelectCreditsBase);
    Params params{cursor.first, cursor.first, cursor.second};
    if (q.contract_id) {
      sql += kCreditsContractIs;
      params.emplace_back(*q.contract_id);
    }
    if (q.user_id) {
      sql += kCreditsUserIs;
      params.emplace_back(*q.user_id);
    }
    if (q.from) {
      sql += kCreditsFrom;
      params.push_back(Ms(*q.from));
    }
    if (q.to) {
      sql += kCreditsTo;
      params.push_back(Ms(*q.to));
    }
    sql += kCreditsOrder;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<core::CreditEntry>(rows, CreditFrom), limit,
                    [](const core::CreditEntry& c) { return TimeCursor(c.at, c.id); });
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<UsageRepository> NewSqlUsageRepository(core::Random& random) {
  return std::make_unique<SqlUsageRepository>(random);
}

}  // namespace seatwise::store
