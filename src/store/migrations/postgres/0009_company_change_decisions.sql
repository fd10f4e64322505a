-- 0009 The decision on a company-information change request (an order of kind change): the
-- operator or the customer's reseller applies it, so every current contract of the account
-- shows the new details, or declines it with a reason. A request without a row here is
-- still open; one row per request, so two staff deciding at once cannot both win.

CREATE TABLE company_change_decisions (
  order_id TEXT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('applied', 'declined')),
  decided_by TEXT REFERENCES users (id) ON DELETE SET NULL,
  reason TEXT NOT NULL DEFAULT '',
  decided_at BIGINT NOT NULL
);
