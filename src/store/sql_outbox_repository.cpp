#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_OUTBOX                                                                 \
  "SELECT id, event_key, kind, template_name, recipient, subject, body_text, body_html," \
  " payload, team_id, status, attempts, next_attempt_at, locked_until, last_error,"      \
  " created_at, sent_at FROM outbox_messages"
// The event key makes a second enqueue of the same event a no-op.
constexpr std::string_view kInsertMessage =
    "INSERT INTO outbox_messages (id, event_key, kind, template_name, recipient, subject,"
    " body_text, body_html, payload, team_id, status, attempts, next_attempt_at, locked_until,"
    " last_error, created_at, sent_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, '', ?, NULL)"
    " ON CONFLICT (event_key) DO NOTHING";
constexpr std::string_view kSelectById = SW_SELECT_OUTBOX " WHERE id = ?";
constexpr std::string_view kSelectByEventKey = SW_SELECT_OUTBOX " WHERE event_key = ?";
constexpr std::string_view kSelectDue = SW_SELECT_OUTBOX
    " WHERE status = 'pending' AND next_attempt_at <= ?"
    " AND (locked_until IS NULL OR locked_until <= ?)"
    " ORDER BY next_attempt_at, id LIMIT ?";
constexpr std::string_view kClaim = "UPDATE outbox_messages SET locked_until = ? WHERE id = ?";
constexpr std::string_view kMarkSent =
    "UPDATE outbox_messages SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
    " locked_until = NULL, last_error = '' WHERE id = ? AND status = 'pending'";
constexpr std::string_view kMarkRetry =
    "UPDATE outbox_messages SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
    " locked_until = NULL WHERE id = ? AND status = 'pending'";
constexpr std::string_view kMarkFailed =
    "UPDATE outbox_messages SET attempts = attempts + 1, last_error = ?, status = 'failed',"
    " locked_until = NULL WHERE id = ? AND status = 'pending'";
constexpr std::string_view kSelectPage = SW_SELECT_OUTBOX " WHERE id > ?";
constexpr std::string_view kStatusIs = " AND status = ?";
constexpr std::string_view kPageOrder = " ORDER BY id LIMIT ?";
#undef SW_SELECT_OUTBOX

core::OutboxMessage MessageFrom(const Row& r) {
  core::OutboxMessage m;
  m.id = r.Text(0);
  m.event_key = r.Text(1);
  m.kind = EnumAt<core::OutboxKind>(r, 2);
  m.template_name = r.Text(3);
  m.recipient = r.Text(4);
  m.subject = r.Text(5);
  m.body_text = r.Text(6);
  m.body_html = r.Text(7);
  m.payload_json = r.Text(8);
  m.team_id = r.OptText(9);
  m.status = EnumAt<core::OutboxStatus>(r, 10);
  m.attempts = IntAt(r, 11);
  m.next_attempt_at = TimeAt(r, 12);
  m.locked_until = OptTimeAt(r, 13);
  m.last_error = r.Text(14);
  m.created_at = TimeAt(r, 15);
  m.sent_at = OptTimeAt(r, 16);
  return m;
}

class SqlOutboxRepository final : public OutboxRepository {
 public:
  explicit SqlOutboxRepository(core::Random& random) : random_(random) {}

  Result<bool> Enqueue(Tx& tx, core::OutboxMessage m) override {
    EnsureId(m.id, random_, core::id_prefix::kOutboxMessage);
    SW_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Exec(kInsertMessage, {m.id, m.event_key, Enum(m.kind), m.template_name, m.recipient,
                                 m.subject, m.body_text, m.body_html, m.payload_json,
                                 OptText(m.team_id), Ms(m.next_attempt_at), Ms(m.created_at)}));
    return changed > 0;
  }

  Result<core::OutboxMessage> Get(Tx& tx, const std::string& id) override {
    SW_ASSIGN_OR_RETURN(Row row, tx.QueryOne(kSelectById, {id}, "outbox message"));
    return MessageFrom(row);
  }

  Result<std::optional<core::OutboxMessage>> FindByEventKey(Tx& tx,
                                                            const std::string& event_key) override {
    SW_ASSIGN_OR_RETURN(auto row, tx.QueryOptional(kSelectByEventKey, {event_key}));
    if (!row) return std::optional<core::OutboxMessage>();
    return std::optional<core::OutboxMessage>(MessageFrom(*row));
  }

  Result<std::vector<core::OutboxMessage>> ClaimDue(Tx& tx, core::TimePoint now, int limit,
                                                    std::chrono::milliseconds claim_for) override {
    // PostgreSQL nodes skip rows another node is claiming; SQLite has one writer anyway.
    std::string sql(kSelectDue);
    if (tx.backend() == Backend::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, {Ms(now), Ms(now), ClampLimit(limit)}));
    auto messages = MapRows<core::OutboxMessage>(rows, MessageFrom);
    for (auto& m : messages) {
      m.locked_until = now + claim_for;
      SW_RETURN_IF_ERROR(tx.Exec(kClaim, {Ms(*m.locked_until), m.id}));
    }
    return messages;
  }

  Result<void> MarkSent(Tx& tx, const std::string& id, core::TimePoint now) override {
    return ExpectChanged(tx.Exec(kMarkSent, {Ms(now), id}), "pending outbox message");
  }

  Result<void> MarkAttemptFailed(Tx& tx, const std::string& id, const std::string& error,
                                 std::optional<core::TimePoint> next_attempt_at) override {
    if (next_attempt_at) {
      return ExpectChanged(tx.Exec(kMarkRetry, {error, Ms(*next_attempt_at), id}),
                           "pending outbox message");
    }
    return ExpectChanged(tx.Exec(kMarkFailed, {error, id}), "pending outbox message");
  }

  Result<Page<core::OutboxMessage>> List(Tx& tx, std::optional<core::OutboxStatus> status,
                                         const PageRequest& page) override {
    const auto limit = ClampLimit(page.limit);
    std::string sql(kSelectPage);
    Params params{page.after};
    if (status) {
      sql += kStatusIs;
      params.push_back(Enum(*status));
    }
    sql += kPageOrder;
    params.emplace_back(limit + 1);
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    return MakePage(MapRows<core::OutboxMessage>(rows, MessageFrom), limit,
                    [](const core::OutboxMessage& m) { return m.id; });
  }

 private:
  core::Random& random_;
};

}  // namespace

std::unique_ptr<OutboxRepository> NewSqlOutboxRepository(core::Random& random) {
  return std::make_unique<SqlOutboxRepository>(random);
}

}  // namespace seatwise::store
