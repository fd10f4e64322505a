-- 0005 Marks of the invitation_expiry and device_staleness jobs. An invitation past its expiry
-- that nobody accepted or revoked is marked expired once (its sender is told); a device that
-- went 30 days without a check-in is announced once per stale period, keyed on the check-in
-- time (or registration time) it went stale from.

ALTER TABLE invitations ADD COLUMN expired_at BIGINT;
CREATE INDEX invitations_open_by_expiry ON invitations (expires_at)
  WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL;
ALTER TABLE devices ADD COLUMN stale_notified_check_in_at BIGINT;
