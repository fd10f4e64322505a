#include "store/outbox_repository.hpp"

#include <gtest/gtest.h>

#include "store/repository_test_fixture.hpp"

namespace seatwise::store {
namespace {

using std::chrono::minutes;

class OutboxRepositoryTest : public RepositoryTest {
 protected:
  core::OutboxMessage Email(const std::string& event_key) {
    core::OutboxMessage m;
    m.event_key = event_key;
    m.template_name = "renewal_notice";
    m.recipient = "cm@acme.example";
    m.subject = "Your contract expires in 90 days";
    m.body_text = "Renew soon.";
    m.payload_json = R"({"days": 90})";
    m.next_attempt_at = Now();
    m.created_at = Now();
    return m;
  }
};

TEST_P(OutboxRepositoryTest, EnqueueIsIdempotentByEventKey) {
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, Email("renewal:c1:90")); })));
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, Email("renewal:c1:90")); })));
  auto found =
      Must(Read([&](Tx& tx) { return repos_.outbox->FindByEventKey(tx, "renewal:c1:90"); }));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, core::OutboxStatus::kPending);
  EXPECT_EQ(found->payload_json, R"({"days": 90})");
  EXPECT_EQ(found->subject, "Your contract expires in 90 days");
}

TEST_P(OutboxRepositoryTest, ClaimsDueMessagesAndRecordsOutcomes) {
  // Three recipients: one recipient's e-mails wait for each other (the test below).
  Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, Email("a")); }));
  auto b = Email("b");
  b.recipient = "bob@acme.example";
  Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, b); }));
  auto later = Email("later");
  later.recipient = "cy@acme.example";
  later.next_attempt_at = Now() + minutes(30);
  Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, later); }));

  auto claimed =
      Must(Write([&](Tx& tx) { return repos_.outbox->ClaimDue(tx, Now(), 10, minutes(5)); }));
  ASSERT_EQ(claimed.size(), 2u);
  // Claimed messages are not handed out again while the claim lasts.
  EXPECT_TRUE(Must(Write([&](Tx& tx) {
                return repos_.outbox->ClaimDue(tx, Now(), 10, minutes(5));
              })).empty());

  Must(Write([&](Tx& tx) { return repos_.outbox->MarkSent(tx, claimed[0].id, Now()); }));
  auto resend = Write([&](Tx& tx) { return repos_.outbox->MarkSent(tx, claimed[0].id, Now()); });
  EXPECT_FALSE(resend.ok());  // never sent twice
  Must(Write([&](Tx& tx) {
    return repos_.outbox->MarkAttemptFailed(tx, claimed[1].id, "421 try later", Now() + minutes(1));
  }));
  clock_.Advance(minutes(2));
  auto retry =
      Must(Write([&](Tx& tx) { return repos_.outbox->ClaimDue(tx, Now(), 10, minutes(5)); }));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id, claimed[1].id);
  EXPECT_EQ(retry[0].attempts, 1);
  EXPECT_EQ(retry[0].last_error, "421 try later");
  Must(Write([&](Tx& tx) {
    return repos_.outbox->MarkAttemptFailed(tx, retry[0].id, "550 no such user", std::nullopt);
  }));
  auto failed = Must(Read([&](Tx& tx) {
    return repos_.outbox->List(tx, core::OutboxStatus::kFailed, {"", 10});
  }));
  ASSERT_EQ(failed.items.size(), 1u);
  EXPECT_EQ(failed.items[0].attempts, 2);
  auto sent = Must(Read([&](Tx& tx) { return repos_.outbox->Get(tx, claimed[0].id); }));
  EXPECT_EQ(sent.status, core::OutboxStatus::kSent);
  EXPECT_EQ(sent.attempts, 1);
}

// Issue 15, point 7: "One recipient's messages are delivered in the order they were queued,
// and each carries the time it was queued (distinct, increasing Date headers)".
TEST_P(OutboxRepositoryTest, OneRecipientsEmailsAreClaimedInQueueOrderWithDistinctDates) {
  const auto queued = Now();
  for (const char* key : {"first", "second", "third"}) {
    Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, Email(key)); }));
  }
  auto claim = [&] {
    return Must(Write([&](Tx& tx) { return repos_.outbox->ClaimDue(tx, Now(), 10, minutes(5)); }));
  };
  auto first = claim();
  ASSERT_EQ(first.size(), 1u);  // the later two wait for it
  EXPECT_EQ(first[0].event_key, "first");
  const auto second_of = [](core::TimePoint t) {
    return core::FromUnixMillis(core::ToUnixMillis(t) / 1000 * 1000);
  };
  EXPECT_EQ(first[0].date_at, second_of(queued));
  // Waiting for a retry, it still holds the others back.
  Must(Write([&](Tx& tx) {
    return repos_.outbox->MarkAttemptFailed(tx, first[0].id, "451 later", Now() + minutes(1));
  }));
  EXPECT_TRUE(claim().empty());
  clock_.Advance(minutes(2));
  auto retried = claim();
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].id, first[0].id);
  EXPECT_EQ(retried[0].date_at, second_of(queued));  // its Date does not change
  Must(Write([&](Tx& tx) { return repos_.outbox->MarkSent(tx, first[0].id, Now()); }));
  auto second = claim();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].event_key, "second");
  EXPECT_EQ(second[0].date_at, second_of(queued) + std::chrono::seconds(1));
  // Failed for good, it no longer holds the third back.
  Must(Write([&](Tx& tx) {
    return repos_.outbox->MarkAttemptFailed(tx, second[0].id, "550 no", std::nullopt);
  }));
  auto third = claim();
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].event_key, "third");
  EXPECT_EQ(third[0].date_at, second_of(queued) + std::chrono::seconds(2));
  EXPECT_LT(first[0].seq, second[0].seq);
  EXPECT_LT(second[0].seq, third[0].seq);
}

TEST_P(OutboxRepositoryTest, ARequeuedEmailGoesBehindTheOnesQueuedSince) {
  Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, Email("invitation")); }));
  Must(Write([&](Tx& tx) { return repos_.outbox->Enqueue(tx, Email("order")); }));
  auto pending =
      Must(Read([&](Tx& tx) { return repos_.outbox->ListPendingEmails(tx, "cm@acme.example"); }));
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].event_key, "invitation");
  clock_.Advance(minutes(1));
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.outbox->Requeue(tx, pending[0].id, Now(), Now()); })));
  pending =
      Must(Read([&](Tx& tx) { return repos_.outbox->ListPendingEmails(tx, "cm@acme.example"); }));
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].event_key, "order");
  EXPECT_EQ(pending[1].event_key, "invitation");
  EXPECT_EQ(pending[1].created_at, Now());
}

class AuditRepositoryTest : public RepositoryTest {};

TEST_P(AuditRepositoryTest, AppendsAndListsNewestFirstWithFilters) {
  auto c = NewCustomer();
  for (int i = 0; i < 5; ++i) {
    core::AuditEntry e;
    e.at = Now();
    e.actor_id = c.admin.id;
    e.actor_role = "primary_admin";
    e.action = i % 2 ? "assignment.create" : "user.invite";
    e.target_type = "user";
    e.target_id = "usr_" + std::to_string(i);
    e.team_id = c.team.id;
    e.ip = "192.0.2.1";
    e.request_id = "req-" + std::to_string(i);
    e.before_json = R"({"seats": 1})";
    e.after_json = R"({"seats": 2})";
    e = Must(Write([&](Tx& tx) { return repos_.audit->Append(tx, e); }));
    EXPECT_TRUE(e.id.starts_with("aud_"));
    clock_.Advance(minutes(1));
  }
  core::AuditEntry denied;
  denied.at = Now();
  denied.actor_role = "user";
  denied.action = "user.invite";
  denied.outcome = core::AuditOutcome::kDenied;
  Must(Write([&](Tx& tx) { return repos_.audit->Append(tx, denied); }));

  AuditFilter team;
  team.team_id = c.team.id;
  auto first = Must(Read([&](Tx& tx) { return repos_.audit->List(tx, team, {"", 2}); }));
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].request_id, "req-4");
  EXPECT_EQ(first.items[0].after_json, R"({"seats": 2})");
  auto second = Must(Read([&](Tx& tx) {
    return repos_.audit->List(tx, team, {first.next_after, 10});
  }));
  ASSERT_EQ(second.items.size(), 3u);
  EXPECT_EQ(second.items.back().request_id, "req-0");

  AuditFilter invites;
  invites.action = "user.invite";
  EXPECT_EQ(Must(Read([&](Tx& tx) {
              return repos_.audit->List(tx, invites, {"", 10});
            })).items.size(),
            4u);
  AuditFilter window = team;
  window.from = Now() - minutes(3);
  window.to = Now() - minutes(1);
  EXPECT_EQ(Must(Read([&](Tx& tx) {
              return repos_.audit->List(tx, window, {"", 10});
            })).items.size(),
            2u);

  EXPECT_EQ(Must(Write([&](Tx& tx) { return repos_.audit->AnonymiseActor(tx, c.admin.id); })), 5);
  auto anonymised = Must(Read([&](Tx& tx) { return repos_.audit->List(tx, team, {"", 1}); }));
  EXPECT_EQ(anonymised.items[0].ip, "");

  auto bad = Read([&](Tx& tx) { return repos_.audit->List(tx, team, {"not-a-cursor", 1}); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

class WebhookRepositoryTest : public RepositoryTest {};

TEST_P(WebhookRepositoryTest, EndpointsAndDeliveries) {
  auto c = NewCustomer();
  core::WebhookEndpoint e;
  e.team_id = c.team.id;
  e.url = "https://hooks.acme.example/seatwise";
  e.secret_sealed = "sealed";
  e.events = {"user.invited", "lease.denied"};
  e.created_at = e.updated_at = Now();
  e = Must(Write([&](Tx& tx) { return repos_.webhooks->CreateEndpoint(tx, e); }));
  auto got = Must(Read([&](Tx& tx) { return repos_.webhooks->GetEndpoint(tx, e.id); }));
  EXPECT_EQ(got.events, e.events);
  EXPECT_EQ(Must(Read([&](Tx& tx) {
              return repos_.webhooks->ListSubscribed(tx, c.team.id, "lease.denied");
            })).size(),
            1u);
  EXPECT_TRUE(Must(Read([&](Tx& tx) {
                return repos_.webhooks->ListSubscribed(tx, c.team.id, "contract.expiring");
              })).empty());

  auto bad = e;
  bad.id.clear();
  bad.url = "ftp://nope";
  auto refused = Write([&](Tx& tx) { return repos_.webhooks->CreateEndpoint(tx, bad); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);

  core::WebhookDelivery d;
  d.endpoint_id = e.id;
  d.event_key = "user.invited:usr_1";
  d.event_type = "user.invited";
  d.next_attempt_at = Now();
  d.created_at = Now();
  EXPECT_TRUE(Must(Write([&](Tx& tx) { return repos_.webhooks->EnqueueDelivery(tx, d); })));
  EXPECT_FALSE(Must(Write([&](Tx& tx) { return repos_.webhooks->EnqueueDelivery(tx, d); })));
  auto due = Must(Write([&](Tx& tx) {
    return repos_.webhooks->ClaimDueDeliveries(tx, Now(), 10, std::chrono::minutes(1));
  }));
  ASSERT_EQ(due.size(), 1u);
  Must(Write([&](Tx& tx) {
    return repos_.webhooks->MarkDeliveryFailed(tx, due[0].id, 503, "unavailable",
                                               Now() + std::chrono::minutes(2));
  }));
  clock_.Advance(std::chrono::minutes(3));
  due = Must(Write([&](Tx& tx) {
    return repos_.webhooks->ClaimDueDeliveries(tx, Now(), 10, std::chrono::minutes(1));
  }));
  ASSERT_EQ(due.size(), 1u);
  Must(Write([&](Tx& tx) { return repos_.webhooks->MarkDelivered(tx, due[0].id, 204, Now()); }));
  auto history = Must(Read([&](Tx& tx) {
    return repos_.webhooks->ListDeliveries(tx, e.id, {"", 10});
  }));
  ASSERT_EQ(history.items.size(), 1u);
  EXPECT_EQ(history.items[0].status, core::DeliveryStatus::kDelivered);
  EXPECT_EQ(history.items[0].attempts, 2);
  EXPECT_EQ(history.items[0].last_status_code, 204);

  Must(Write([&](Tx& tx) { return repos_.webhooks->DeleteEndpoint(tx, e.id); }));
  EXPECT_TRUE(
      Must(Read([&](Tx& tx) { return repos_.webhooks->ListEndpoints(tx, c.team.id); })).empty());
}

class SigningKeyRepositoryTest : public RepositoryTest {};

TEST_P(SigningKeyRepositoryTest, OneKeySignsAndRetiredKeysStayListed) {
  core::SigningKey k1{"k1", "EdDSA", "pub1", "sealed1", false, Now(), {}, {}};
  core::SigningKey k2{"k2", "EdDSA", "pub2", "sealed2", false, Now(), {}, {}};
  Must(Write([&](Tx& tx) { return repos_.signing_keys->Create(tx, k1); }));
  Must(Write([&](Tx& tx) { return repos_.signing_keys->Create(tx, k2); }));
  EXPECT_FALSE(Must(Read([&](Tx& tx) { return repos_.signing_keys->GetActive(tx); })));
  Must(Write([&](Tx& tx) { return repos_.signing_keys->Activate(tx, "k1", Now()); }));
  clock_.Advance(std::chrono::hours(1));
  Must(Write([&](Tx& tx) { return repos_.signing_keys->Activate(tx, "k2", Now()); }));
  auto active = Must(Read([&](Tx& tx) { return repos_.signing_keys->GetActive(tx); }));
  ASSERT_TRUE(active.has_value());
  EXPECT_EQ(active->kid, "k2");
  auto old = Must(Read([&](Tx& tx) { return repos_.signing_keys->Get(tx, "k1"); }));
  EXPECT_FALSE(old.active);
  EXPECT_EQ(old.retired_at, Now());
  EXPECT_EQ(Must(Read([&](Tx& tx) { return repos_.signing_keys->List(tx); })).size(), 2u);
  // The schema itself refuses a second active key.
  auto second_active = Write([&](Tx& tx) -> core::Result<std::int64_t> {
    return tx.Exec("UPDATE signing_keys SET active = 1, retired_at = NULL WHERE kid = 'k1'");
  });
  ASSERT_FALSE(second_active.ok());
  EXPECT_EQ(second_active.error().code, ErrorCode::kAlreadyExists);
}

class JobRepositoryTest : public RepositoryTest {};

TEST_P(JobRepositoryTest, OneOwnerAtATimeUntilTheLockExpires) {
  const auto hold = std::chrono::minutes(5);
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.jobs->TryLock(tx, "renewals", "n1", Now(), hold); })));
  EXPECT_FALSE(
      Must(Write([&](Tx& tx) { return repos_.jobs->TryLock(tx, "renewals", "n2", Now(), hold); })));
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.jobs->TryLock(tx, "renewals", "n1", Now(), hold); })));
  Must(Write([&](Tx& tx) { return repos_.jobs->Finish(tx, "renewals", "n1", "ok", "42", Now()); }));
  auto run = Must(Read([&](Tx& tx) { return repos_.jobs->Get(tx, "renewals"); }));
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->cursor, "42");
  EXPECT_EQ(run->last_outcome, "ok");
  EXPECT_FALSE(run->locked_by.has_value());

  // A crashed owner's lock lapses; another node takes over and the late owner cannot finish.
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.jobs->TryLock(tx, "renewals", "n1", Now(), hold); })));
  clock_.Advance(hold + std::chrono::seconds(1));
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.jobs->TryLock(tx, "renewals", "n2", Now(), hold); })));
  auto late =
      Write([&](Tx& tx) { return repos_.jobs->Finish(tx, "renewals", "n1", "ok", "43", Now()); });
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
}

TEST_P(JobRepositoryTest, SavesTheCursorOnlyForTheLockOwner) {
  const auto hold = std::chrono::minutes(5);
  EXPECT_TRUE(
      Must(Write([&](Tx& tx) { return repos_.jobs->TryLock(tx, "rollup", "n1", Now(), hold); })));
  Must(Write([&](Tx& tx) { return repos_.jobs->SaveCursor(tx, "rollup", "n1", "17"); }));
  auto other = Write([&](Tx& tx) { return repos_.jobs->SaveCursor(tx, "rollup", "n2", "99"); });
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  auto run = Must(Read([&](Tx& tx) { return repos_.jobs->Get(tx, "rollup"); }));
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->cursor, "17");
  EXPECT_EQ(run->locked_by, std::optional<std::string>("n1"));
}

SW_INSTANTIATE_BACKENDS(OutboxRepositoryTest);
SW_INSTANTIATE_BACKENDS(AuditRepositoryTest);
SW_INSTANTIATE_BACKENDS(WebhookRepositoryTest);
SW_INSTANTIATE_BACKENDS(SigningKeyRepositoryTest);
SW_INSTANTIATE_BACKENDS(JobRepositoryTest);

}  // namespace
}  // namespace seatwise::store
