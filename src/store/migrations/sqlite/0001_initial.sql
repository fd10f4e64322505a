-- 0001 initial: the complete data model (SQLite).
--
-- Conventions shared with postgres/0001_initial.sql:
--   ids are opaque prefixed TEXT; times are Unix milliseconds; booleans are 0/1 with a CHECK;
--   enums are TEXT with a CHECK listing their names; JSON is TEXT here, JSONB on PostgreSQL.
-- ON DELETE rules: business history (contracts, subscriptions, assignments, activations,
--   leases, usage, credits) is never removed by a cascade, so those references RESTRICT;
--   pure link rows (memberships, catalog members) and a user's own credentials (sessions,
--   tokens, codes) CASCADE with their owner; "done by" references SET NULL.
--   Users are never deleted: erasure anonymises the row in place.
-- The audit log has no foreign keys so that it outlives anything it mentions.

-- Customers ------------------------------------------------------------------------------

CREATE TABLE resellers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  contact_email TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  reseller_id TEXT REFERENCES resellers (id) ON DELETE RESTRICT,
  name TEXT NOT NULL CHECK (name <> ''),
  address_line1 TEXT NOT NULL DEFAULT '',
  address_line2 TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX accounts_reseller ON accounts (reseller_id, id);

CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
  name TEXT NOT NULL CHECK (name <> ''),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teams_account ON teams (account_id, id);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL CHECK (email LIKE '%_@_%'),
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'removed')),
  password_hash TEXT,
  totp_secret TEXT,
  totp_enrolled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enrolled IN (0, 1)),
  is_operator INTEGER NOT NULL DEFAULT 0 CHECK (is_operator IN (0, 1)),
  reseller_id TEXT REFERENCES resellers (id) ON DELETE RESTRICT,
  erased INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1)),
  password_changed_at INTEGER,
  last_sign_in_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (totp_enrolled = 0 OR totp_secret IS NOT NULL)
) STRICT;
-- One identity per e-mail, whatever its case.
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_reseller ON users (reseller_id) WHERE reseller_id IS NOT NULL;

CREATE TABLE memberships (
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('primary_admin', 'secondary_admin', 'user')),
  status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'removed')),
  invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  accepted_at INTEGER,
  removed_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id),
  CHECK (status <> 'removed' OR removed_at IS NOT NULL)
) STRICT;
-- Exactly one Primary Admin per team: at most one here, at least one kept by the services.
CREATE UNIQUE INDEX memberships_one_primary_admin ON memberships (team_id)
  WHERE role = 'primary_admin' AND status <> 'removed';
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_team_status ON memberships (team_id, status, user_id);

-- Catalog --------------------------------------------------------------------------------

CREATE TABLE products (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (code <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  release_name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE product_groups (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (code <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE product_group_members (
  group_id TEXT NOT NULL REFERENCES product_groups (id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  sort_order INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, product_id)
) STRICT;
CREATE INDEX product_group_members_product ON product_group_members (product_id);

CREATE TABLE collections (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (code <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE collection_members (
  collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  sort_order INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collection_id, product_id)
) STRICT;
CREATE INDEX collection_members_product ON collection_members (product_id);

CREATE TABLE services (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (code <> ''),
  name TEXT NOT NULL CHECK (name <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('cloud', 'support', 'other')),
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Contracts and seat pools ---------------------------------------------------------------

CREATE TABLE contracts (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE CHECK (number <> ''),
  subscription_ref TEXT NOT NULL UNIQUE CHECK (subscription_ref <> ''),
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE RESTRICT,
  reseller_id TEXT REFERENCES resellers (id) ON DELETE RESTRICT,
  contract_manager_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  software_coordinator_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  term_months INTEGER NOT NULL CHECK (term_months > 0),
  status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'expiring', 'expired', 'suspended', 'cancelled', 'renewed')),
  credit_balance INTEGER NOT NULL DEFAULT 0,
  company_name TEXT NOT NULL DEFAULT '',
  company_address_line1 TEXT NOT NULL DEFAULT '',
  company_address_line2 TEXT NOT NULL DEFAULT '',
  company_city TEXT NOT NULL DEFAULT '',
  company_postal_code TEXT NOT NULL DEFAULT '',
  company_region TEXT NOT NULL DEFAULT '',
  company_country TEXT NOT NULL DEFAULT '',
  status_changed_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX contracts_team ON contracts (team_id, id);
CREATE INDEX contracts_account ON contracts (account_id, id);
CREATE INDEX contracts_reseller ON contracts (reseller_id, id);
CREATE INDEX contracts_contract_manager ON contracts (contract_manager_id);
CREATE INDEX contracts_software_coordinator ON contracts (software_coordinator_id)
  WHERE software_coordinator_id IS NOT NULL;
-- Renewal notices and the lifecycle job scan by status and expiry.
CREATE INDEX contracts_status_ends ON contracts (status, ends_at);

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
  kind TEXT NOT NULL CHECK (kind IN ('new', 'renewal', 'change')),
  placed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  details TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_contract ON orders (contract_id, created_at);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
  product_id TEXT REFERENCES products (id) ON DELETE RESTRICT,
  collection_id TEXT REFERENCES collections (id) ON DELETE RESTRICT,
  service_id TEXT REFERENCES services (id) ON DELETE RESTRICT,
  seats INTEGER NOT NULL CHECK (seats >= 0),
  access TEXT NOT NULL CHECK (access IN ('single_user', 'multi_user')),
  activation TEXT NOT NULL CHECK (activation IN ('sign_in', 'serial_number')),
  model TEXT NOT NULL CHECK (model IN ('term', 'perpetual_maintenance', 'perpetual')),
  serial_number TEXT UNIQUE,
  product_key TEXT,
  max_devices INTEGER NOT NULL DEFAULT 1 CHECK (max_devices >= 1),
  lease_ttl_seconds INTEGER NOT NULL DEFAULT 600 CHECK (lease_ttl_seconds >= 60),
  max_borrow_days INTEGER NOT NULL DEFAULT 180 CHECK (max_borrow_days BETWEEN 0 AND 366),
  ends_at INTEGER,
  migrated_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- A seat pool is for exactly one of a product, a collection or a service.
  CHECK ((product_id IS NOT NULL) + (collection_id IS NOT NULL) + (service_id IS NOT NULL) = 1),
  CHECK (activation = 'sign_in' OR serial_number IS NOT NULL),
  CHECK (serial_number IS NULL OR product_key IS NOT NULL),
  -- Only single-user serial subscriptions are ever migrated to sign-in.
  CHECK (migrated_at IS NULL OR (activation = 'sign_in' AND access = 'single_user'))
) STRICT;
CREATE INDEX subscriptions_contract ON subscriptions (contract_id, id);
CREATE INDEX subscriptions_product ON subscriptions (product_id) WHERE product_id IS NOT NULL;
CREATE INDEX subscriptions_collection ON subscriptions (collection_id)
  WHERE collection_id IS NOT NULL;
CREATE INDEX subscriptions_service ON subscriptions (service_id) WHERE service_id IS NOT NULL;

CREATE TABLE assignments (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  assigned_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  assigned_at INTEGER NOT NULL,
  unassigned_at INTEGER,
  unassigned_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  CHECK (unassigned_at IS NULL OR unassigned_at >= assigned_at)
) STRICT;
-- One live seat per user per subscription; unassigned rows stay as history.
CREATE UNIQUE INDEX assignments_one_active ON assignments (subscription_id, user_id)
  WHERE unassigned_at IS NULL;
CREATE INDEX assignments_user_active ON assignments (user_id) WHERE unassigned_at IS NULL;
CREATE INDEX assignments_subscription_time ON assignments (subscription_id, assigned_at);

-- Desktop side ---------------------------------------------------------------------------

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE RESTRICT,
  fingerprint_hash TEXT NOT NULL CHECK (fingerprint_hash <> ''),
  asset_name TEXT NOT NULL DEFAULT '',
  os TEXT NOT NULL DEFAULT '',
  app_version TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  default_product_access INTEGER NOT NULL DEFAULT 1 CHECK (default_product_access IN (0, 1)),
  default_update_access INTEGER NOT NULL DEFAULT 1 CHECK (default_update_access IN (0, 1)),
  last_check_in_at INTEGER,
  last_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  registered_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, fingerprint_hash)
) STRICT;
CREATE INDEX devices_team_check_in ON devices (team_id, last_check_in_at);
CREATE INDEX devices_last_user ON devices (last_user_id) WHERE last_user_id IS NOT NULL;

CREATE TABLE activations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('sign_in', 'serial')),
  user_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE RESTRICT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_reason TEXT CHECK (revoked_reason IN ('signed_in_elsewhere', 'deactivated',
    'unassigned', 'user_removed', 'migrated', 'contract_ended', 'admin')),
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  offline_grace_until INTEGER NOT NULL,
  revoked_at INTEGER,
  CHECK ((kind = 'sign_in') = (user_id IS NOT NULL)),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)),
  CHECK (expires_at >= issued_at AND offline_grace_until >= issued_at)
) STRICT;
CREATE UNIQUE INDEX activations_one_sign_in ON activations (user_id, product_id, device_id)
  WHERE status = 'active' AND kind = 'sign_in';
CREATE UNIQUE INDEX activations_one_serial ON activations (subscription_id, product_id, device_id)
  WHERE status = 'active' AND kind = 'serial';
CREATE INDEX activations_subscription_active ON activations (subscription_id, device_id)
  WHERE status = 'active';
CREATE INDEX activations_user ON activations (user_id, status);
CREATE INDEX activations_device ON activations (device_id);

CREATE TABLE leases (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE RESTRICT,
  user_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
  user_name TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  checked_out_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  borrowed_until INTEGER,
  released_at INTEGER,
  CHECK (expires_at > checked_out_at),
  CHECK (borrowed_until IS NULL OR borrowed_until > checked_out_at)
) STRICT;
-- Counting held leases of a pool, and reaping expired ones.
CREATE INDEX leases_subscription_expiry ON leases (subscription_id, expires_at)
  WHERE released_at IS NULL;
CREATE INDEX leases_device ON leases (device_id) WHERE released_at IS NULL;
CREATE INDEX leases_user ON leases (user_id) WHERE released_at IS NULL AND user_id IS NOT NULL;
-- Peak concurrency per day for the network-license report.
CREATE INDEX leases_subscription_time ON leases (subscription_id, checked_out_at);

CREATE TABLE lease_denials (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  device_id TEXT REFERENCES devices (id) ON DELETE RESTRICT,
  user_name TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  in_use INTEGER NOT NULL CHECK (in_use >= 0),
  seats INTEGER NOT NULL CHECK (seats >= 0),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX lease_denials_subscription_time ON lease_denials (subscription_id, at);

CREATE TABLE usage_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  client_event_id TEXT NOT NULL CHECK (client_event_id <> ''),
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE RESTRICT,
  user_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
  product_id TEXT REFERENCES products (id) ON DELETE RESTRICT,
  service_id TEXT REFERENCES services (id) ON DELETE RESTRICT,
  subscription_id TEXT REFERENCES subscriptions (id) ON DELETE RESTRICT,
  kind TEXT NOT NULL CHECK (kind IN ('start', 'stop', 'credit')),
  credits INTEGER NOT NULL DEFAULT 0 CHECK (credits >= 0),
  duration_seconds INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  -- Clients retry uploads: an event id counts once per device.
  UNIQUE (device_id, client_event_id)
) STRICT;
CREATE INDEX usage_events_subscription_time ON usage_events (subscription_id, at);
CREATE INDEX usage_events_user_time ON usage_events (user_id, at);

-- Rolled up by a job from usage_events (resuming from job_runs.resume_cursor = last seq).
CREATE TABLE usage_daily (
  day_start INTEGER NOT NULL,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE RESTRICT,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE RESTRICT,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  sessions INTEGER NOT NULL DEFAULT 0 CHECK (sessions >= 0),
  seconds INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0),
  PRIMARY KEY (subscription_id, day_start, product_id, user_id)
) STRICT;
CREATE INDEX usage_daily_team_day ON usage_daily (team_id, day_start);
CREATE INDEX usage_daily_user_day ON usage_daily (user_id, day_start);

CREATE TABLE credit_entries (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
  user_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
  service_id TEXT REFERENCES services (id) ON DELETE RESTRICT,
  actor_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  usage_event_id TEXT UNIQUE,
  amount INTEGER NOT NULL CHECK (amount <> 0),
  balance_after INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('purchase', 'consumption', 'adjustment', 'refund')),
  note TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL,
  CHECK (reason <> 'purchase' OR amount > 0),
  CHECK (reason <> 'consumption' OR amount < 0)
) STRICT;
CREATE INDEX credit_entries_contract_time ON credit_entries (contract_id, at);
CREATE INDEX credit_entries_user_time ON credit_entries (user_id, at);

-- Authentication artefacts (secrets stored hashed) ----------------------------------------

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  accepted_at INTEGER,
  revoked_at INTEGER,
  CHECK (expires_at > created_at)
) STRICT;
CREATE INDEX invitations_user ON invitations (user_id, created_at);
CREATE INDEX invitations_team ON invitations (team_id, created_at);
CREATE INDEX invitations_pending_expiry ON invitations (expires_at)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  mfa_verified INTEGER NOT NULL DEFAULT 0 CHECK (mfa_verified IN (0, 1)),
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  idle_expires_at INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_absolute_expiry ON sessions (absolute_expires_at);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (name <> ''),
  token_hash TEXT NOT NULL UNIQUE,
  display_prefix TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (user_id, name) WHERE revoked_at IS NULL;

CREATE TABLE oauth_device_authorizations (
  id TEXT PRIMARY KEY,
  device_code_hash TEXT NOT NULL UNIQUE,
  user_code TEXT NOT NULL CHECK (user_code <> ''),
  client_id TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'denied', 'consumed', 'expired')),
  user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  interval_seconds INTEGER NOT NULL DEFAULT 5 CHECK (interval_seconds >= 1),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_polled_at INTEGER,
  CHECK (status NOT IN ('approved', 'consumed') OR user_id IS NOT NULL)
) STRICT;
-- A user code identifies one pending request; old codes may be reused.
CREATE UNIQUE INDEX oauth_device_pending_user_code ON oauth_device_authorizations (user_code)
  WHERE status = 'pending';
CREATE INDEX oauth_device_expiry ON oauth_device_authorizations (expires_at);

CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  family_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id TEXT REFERENCES devices (id) ON DELETE SET NULL,
  client_id TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  rotated_at INTEGER,
  replaced_by TEXT,
  revoked_at INTEGER
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE password_resets (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

CREATE TABLE mfa_recovery_codes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  UNIQUE (user_id, code_hash)
) STRICT;

-- Fixed-window counters shared by every node (sign-in failures, resets, token calls).
CREATE TABLE rate_limits (
  bucket_key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL CHECK (hits >= 0),
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);

CREATE TABLE idempotency_keys (
  principal_id TEXT NOT NULL,
  idem_key TEXT NOT NULL CHECK (idem_key <> ''),
  request_hash TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (principal_id, idem_key)
) STRICT;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL DEFAULT 'EdDSA' CHECK (algorithm = 'EdDSA'),
  public_key TEXT NOT NULL CHECK (public_key <> ''),
  private_key_sealed TEXT NOT NULL CHECK (private_key_sealed <> ''),
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  activated_at INTEGER,
  retired_at INTEGER,
  CHECK (active = 0 OR retired_at IS NULL)
) STRICT;
-- One key signs at a time; retired keys keep verifying.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (active) WHERE active = 1;

-- Notifications, jobs, audit -------------------------------------------------------------

CREATE TABLE outbox_messages (
  id TEXT PRIMARY KEY,
  event_key TEXT NOT NULL UNIQUE CHECK (event_key <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('email', 'webhook')),
  template_name TEXT NOT NULL DEFAULT '',
  recipient TEXT NOT NULL CHECK (recipient <> ''),
  subject TEXT NOT NULL DEFAULT '',
  body_text TEXT NOT NULL DEFAULT '',
  body_html TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  team_id TEXT REFERENCES teams (id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  locked_until INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
) STRICT;
CREATE INDEX outbox_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_created ON outbox_messages (created_at);

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  url TEXT NOT NULL CHECK (url LIKE 'https://%' OR url LIKE 'http://%'),
  secret_sealed TEXT NOT NULL,
  events TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_team ON webhook_endpoints (team_id, id);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_key TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (endpoint_id, event_key)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_time ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE job_runs (
  name TEXT PRIMARY KEY,
  last_started_at INTEGER,
  last_finished_at INTEGER,
  last_outcome TEXT NOT NULL DEFAULT '',
  locked_by TEXT,
  locked_until INTEGER,
  resume_cursor TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE audit_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
  actor_id TEXT,
  actor_role TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL CHECK (action <> ''),
  target_type TEXT NOT NULL DEFAULT '',
  target_id TEXT NOT NULL DEFAULT '',
  team_id TEXT,
  account_id TEXT,
  ip TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  before_state TEXT,
  after_state TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
  detail TEXT NOT NULL DEFAULT ''
) STRICT;
-- Listings are newest first by seq, filtered by team or actor, then by time.
CREATE INDEX audit_team_seq ON audit_entries (team_id, seq);
CREATE INDEX audit_actor_seq ON audit_entries (actor_id, seq);
CREATE INDEX audit_target ON audit_entries (target_type, target_id);
CREATE INDEX audit_at ON audit_entries (at);
