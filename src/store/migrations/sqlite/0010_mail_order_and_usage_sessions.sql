-- 0010 E-mails in the order they were queued, and usage sessions with their real length.
--
-- seq numbers the outbox in the order messages were queued: one recipient's e-mails are
-- delivered in that order. date_at is the Date an e-mail carries: the time it was queued,
-- fixed when it is first claimed and moved on by whole seconds where needed so that one
-- recipient's e-mails have distinct, increasing Date headers. Rows from before keep their
-- insertion order.
ALTER TABLE outbox_messages ADD COLUMN seq INTEGER;
ALTER TABLE outbox_messages ADD COLUMN date_at INTEGER;
UPDATE outbox_messages SET seq = rowid;
CREATE UNIQUE INDEX outbox_seq ON outbox_messages (seq);
CREATE INDEX outbox_recipient_queue ON outbox_messages (recipient, seq) WHERE status = 'pending';
CREATE INDEX outbox_recipient_dates ON outbox_messages (recipient, date_at);

-- A usage session's length comes from its start and stop: a stop records the start it closed
-- (start_event_id) and when the session it counts began (started_at, server time), so a later
-- overlapping session of the same person and product is not counted twice. client_at is the
-- time the client sent when it was too far from the server's clock and `at` was set to the
-- time of receipt instead (NULL when `at` is the client's time).
ALTER TABLE usage_events ADD COLUMN client_at INTEGER;
ALTER TABLE usage_events ADD COLUMN started_at INTEGER;
ALTER TABLE usage_events ADD COLUMN start_event_id TEXT;
CREATE INDEX usage_events_start_of_stop ON usage_events (start_event_id)
  WHERE start_event_id IS NOT NULL;
CREATE INDEX usage_events_device_product ON usage_events (device_id, product_id, kind, at);
