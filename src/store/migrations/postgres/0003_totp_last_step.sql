-- 0003 TOTP replay guard: the last time step whose code a user has used. A code is accepted
-- only for a later step, so a code seen over someone's shoulder cannot be used again.

ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
