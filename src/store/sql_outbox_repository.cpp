#include "store/repositories.hpp"
#include "store/sql_support.hpp"

namespace seatwise::store {
namespace {

using namespace sql;  // NOLINT(google-build-using-namespace)

#define SW_SELECT_OUTBOX                                                                 \
  "SELECT id, event_key, kind, template_name, recipient, subject, body_text, body_html," \
  " payload, team_id, status, attempts, next_attempt_at, locked_until, last_error,"      \
  " created_at, sent_at, seq, date_at FROM outbox_messages"
// The event key makes a second enqueue of the same event a no-op.
constexpr std::string_view kInsertMessage =
    "INSERT INTO outbox_messages (id, event_key, kind, template_name, recipient, subject,"
    " body_text, body_html, payload, team_id, status, attempts, next_attempt_at, locked_until,"
    " last_error, created_at, sent_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, '', ?, NULL)"
    " ON CONFLICT (event_key) DO NOTHING";
// SQLite numbers the queue itself (one writer at a time); PostgreSQL's seq has a sequence as
// its default.
constexpr std::string_view kInsertNumberedMessage =
    "INSERT INTO outbox_messages (id, event_key, kind, template_name, recipient, subject,"
    " body_text, body_html, payload, team_id, status, attempts, next_attempt_at, locked_until,"
    " last_error, created_at, sent_at, seq)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, '', ?, NULL,"
    " (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox_messages))"
    " ON CONFLICT (event_key) DO NOTHING";
constexpr std::string_view kSelectById = SW_SELECT_OUTBOX " WHERE id = ?";
constexpr std::string_view kSelectByEventKey = SW_SELECT_OUTBOX " WHERE event_key = ?";
// An e-mail waits while an earlier one to the same address is pending.
constexpr std::string_view kSelectDue = SW_SELECT_OUTBOX
    " m WHERE status = 'pending' AND next_attempt_at <= ?"
    " AND (locked_until IS NULL OR locked_until <= ?)"
    " AND (kind <> 'email' OR NOT EXISTS (SELECT 1 FROM outbox_messages e"
    " WHERE e.recipient = m.recipient AND e.kind = 'email' AND e.status = 'pending'"
    " AND e.seq < m.seq))"
    " ORDER BY seq LIMIT ?";
constexpr std::string_view kClaim = "UPDATE outbox_messages SET locked_until = ? WHERE id = ?";
constexpr std::string_view kLatestDate =
    "SELECT MAX(date_at) FROM outbox_messages WHERE recipient = ? AND kind = 'email'";
constexpr std::string_view kSetDate = "UPDATE outbox_messages SET date_at = ? WHERE id = ?";
constexpr std::string_view kRequeueNumbered =
    "UPDATE outbox_messages SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox_messages),"
    " created_at = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = 0"
    " AND date_at IS NULL";
constexpr std::string_view kRequeueFromSequence =
    "UPDATE outbox_messages SET seq = nextval('outbox_messages_seq'),"
    " created_at = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = 0"
    " AND date_at IS NULL";
constexpr std::string_view kSelectPendingEmails =
    SW_SELECT_OUTBOX " WHERE recipient = ? AND kind = 'email' AND status = 'pending' ORDER BY seq";
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
  m.seq = r.IsNull(17) ? 0 : r.Int(17);
  m.date_at = OptTimeAt(r, 18);
  return m;
}

class SqlOutboxRepository final : public OutboxRepository {
 public:
  explicit SqlOutboxRepository(core::Random& random) : random_(random) {}

  Result<bool> Enqueue(Tx& tx, core::OutboxMessage m) override {
    EnsureId(m.id, random_, core::id_prefix::kOutboxMessage);
    SW_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Exec(tx.backend() == Backend::kSqlite ? kInsertNumberedMessage : kInsertMessage,
                {m.id, m.event_key, Enum(m.kind), m.template_name, m.recipient, m.subject,
                 m.body_text, m.body_html, m.payload_json, OptText(m.team_id),
                 Ms(m.next_attempt_at), Ms(m.created_at)}));
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
      if (m.kind != core::OutboxKind::kEmail || m.date_at) continue;
      // RFC 5322 dates count whole seconds: the second it was queued, moved past the
      // address's latest Date so two e-mails queued in one second still differ and rise.
      const std::int64_t queued_ms = core::ToUnixMillis(m.created_at);
      std::int64_t date_ms = queued_ms - ((queued_ms % 1000) + 1000) % 1000;
      SW_ASSIGN_OR_RETURN(Row latest, tx.QueryOne(kLatestDate, {m.recipient}, "outbox message"));
      if (!latest.IsNull(0)) date_ms = std::max(date_ms, latest.Int(0) + 1000);
      m.date_at = core::FromUnixMillis(date_ms);
      SW_RETURN_IF_ERROR(tx.Exec(kSetDate, {date_ms, m.id}));
    }
    return messages;
  }

  Result<bool> Requeue(Tx& tx, const std::string& id, core::TimePoint now,
                       core::TimePoint due) override {
    SW_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Exec(tx.backend() == Backend::kSqlite ? kRequeueNumbered : kRequeueFromSequence,
                {Ms(now), Ms(due), id}));
    return changed > 0;
  }

  Result<std::vector<core::OutboxMessage>> ListPendingEmails(
      Tx& tx, const std::string& recipient) override {
    SW_ASSIGN_OR_RETURN(Rows rows, tx.Query(kSelectPendingEmails, {recipient}));
    return MapRows<core::OutboxMessage>(rows, MessageFrom);
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
