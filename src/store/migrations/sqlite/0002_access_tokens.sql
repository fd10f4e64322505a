-- 0002 access tokens: opaque OAuth access tokens, stored hashed, one indexed lookup per
-- request and revocable at once together with their refresh-token family.

CREATE TABLE access_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  client_id TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX access_tokens_user ON access_tokens (user_id);
CREATE INDEX access_tokens_family ON access_tokens (family_id, created_at);
