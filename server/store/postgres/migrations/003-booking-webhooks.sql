-- Booking webhooks (docs/decisions/020-booking-webhooks.md, docs/webhooks.md). A delivery row is
-- written in the booking's own transaction, so a committed booking always has one, whatever
-- happens to the process after COMMIT; the deliverer (server/reservations/webhooks/) claims due
-- rows with FOR UPDATE SKIP LOCKED, posts them and records each attempt. Rows go with their
-- booking when a retention run deletes it.
CREATE TABLE webhook_deliveries (
  event_id text NOT NULL,
  reference text NOT NULL,
  -- Attempts started: counted when a deliverer claims the row, so one that died mid-attempt counts.
  attempts integer NOT NULL DEFAULT 0,
  -- When the row is next due; a claim moves it past the attempt's timeout (a lease), a failure by the backoff.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  -- Set when the deliverer gave up (reservations.webhook.giveUpAfterMs after the booking): no more attempts.
  failed_at timestamptz,
  PRIMARY KEY (event_id, reference),
  FOREIGN KEY (event_id, reference) REFERENCES bookings (event_id, reference) ON DELETE CASCADE
);

-- What the deliverer scans: the rows still to send, by when they are due.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- The delivery log: one row per attempt. No personal data (the booking is named by its reference only).
CREATE TABLE webhook_attempts (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL,
  reference text NOT NULL,
  attempt integer NOT NULL,
  attempted_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  -- The receiver's HTTP status, or null when none came (then `error` says why: timeout, ECONNREFUSED, …).
  status_code integer,
  error text,
  delivered boolean NOT NULL
);
CREATE INDEX webhook_attempts_booking ON webhook_attempts (event_id, reference);
