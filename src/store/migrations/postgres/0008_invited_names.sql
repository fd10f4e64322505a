-- 0008 The names an admin typed when inviting someone, kept on the membership. Until the
-- person accepts, the team sees these and nothing of the person's own account (which may
-- belong to another customer, a reseller or the publisher); afterwards it sees the account.
-- Pending memberships from before keep the names their account was created with.

ALTER TABLE memberships ADD COLUMN invited_first_name TEXT;
ALTER TABLE memberships ADD COLUMN invited_last_name TEXT;
UPDATE memberships SET
  invited_first_name = (SELECT u.first_name FROM users u WHERE u.id = memberships.user_id),
  invited_last_name = (SELECT u.last_name FROM users u WHERE u.id = memberships.user_id)
WHERE status = 'invited';

-- Who a device credential was issued to when a signed-in member enrolled the computer (NULL
-- for credentials of serial activations): another member re-registering the same
-- fingerprint may not take it over.
ALTER TABLE devices ADD COLUMN credential_user_id TEXT REFERENCES users (id) ON DELETE SET NULL;
