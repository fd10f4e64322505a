-- 0004 Device credentials: the hash of the secret a computer activated by serial number uses to
-- refresh and deactivate its activations. Re-issuing replaces it; the secret itself is never
-- stored.

ALTER TABLE devices ADD COLUMN credential_hash TEXT;
ALTER TABLE devices ADD COLUMN credential_issued_at INTEGER;
CREATE UNIQUE INDEX devices_credential_hash ON devices (credential_hash);
