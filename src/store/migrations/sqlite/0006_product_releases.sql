-- 0006 Releases and updates of a product that its licensees may download: one row per version
-- (the "2027" release, the "2027.1" update, ...), with where to fetch the installer and the
-- SHA-256 of the file to check it against. A product with releases cannot be deleted until
-- they are; catalog deletion removes them first.

CREATE TABLE product_releases (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  version TEXT NOT NULL CHECK (version <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('release', 'update')),
  title TEXT NOT NULL CHECK (title <> ''),
  released_at INTEGER NOT NULL,
  download_url TEXT NOT NULL CHECK (download_url <> ''),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  UNIQUE (product_id, version)
) STRICT;
CREATE INDEX product_releases_product ON product_releases (product_id, released_at);
