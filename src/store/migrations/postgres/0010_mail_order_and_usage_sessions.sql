-- 0010 E-mails in the order they were queued, and usage sessions with their real length.
--
-- seq numbers the outbox in the order messages were queued: one recipient's e-mails are
-- delivered in that order. date_at is the Date an e-mail carries: the time it was queued,
-- fixed when it is first claimed and moved on by whole seconds where needed so that one
-- recipient's e-mails have distinct, increasing Date headers. Rows from before are numbered
-- by when they were queued.
ALTER TABLE outbox_messages ADD COLUMN seq BIGINT;
ALTER TABLE outbox_messages ADD COLUMN date_at BIGINT;
CREATE SEQUENCE outbox_messages_seq OWNED BY outbox_messages.seq;
UPDATE outbox_messages o SET seq = n.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM outbox_messages) n
  WHERE n.id = o.id;
SELECT setval('outbox_messages_seq', COALESCE((SELECT MAX(seq) FROM outbox_messages), 0) + 1,
              false);
ALTER TABLE outbox_messages ALTER COLUMN seq SET DEFAULT nextval('outbox_messages_seq');
ALTER TABLE outbox_messages ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX outbox_seq ON outbox_messages (seq);
CREATE INDEX outbox_recipient_queue ON outbox_messages (recipient, seq) WHERE status = 'pending';
CREATE INDEX outbox_recipient_dates ON outbox_messages (recipient, date_at);

-- A usage session's length comes from its start and stop: a stop records the start it closed
-- (start_event_id) and when the session it counts began (started_at, server time), so a later
-- overlapping session of the same person and product is not counted twice. client_at is the
-- time the client sent when it was too far from the server's clock and `at` was set to the
-- time of receipt instead (NULL when `at` is the client's time).
ALTER TABLE usage_events ADD COLUMN client_at BIGINT;
ALTER TABLE usage_events ADD COLUMN started_at BIGINT;
ALTER TABLE usage_events ADD COLUMN start_event_id TEXT;
CREATE INDEX usage_events_start_of_stop ON usage_events (start_event_id)
  WHERE start_event_id IS NOT NULL;
CREATE INDEX usage_events_device_product ON usage_events (device_id, product_id, kind, at);
