-- @waitroom/grant: the one table consumeGrant writes. A row means "this grant was used";
-- the primary key makes a second use impossible, whatever runs concurrently.
-- Safe to apply more than once. Rows may be deleted once expires_at has passed: an expired
-- grant no longer verifies, so it can never be presented again.
CREATE TABLE IF NOT EXISTS waitroom_consumed_grants (
  event_id    text        NOT NULL,
  grant_id    text        NOT NULL,
  ticket_no   bigint      NOT NULL,
  expires_at  timestamptz NOT NULL,
  consumed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, grant_id)
);
CREATE INDEX IF NOT EXISTS waitroom_consumed_grants_expires_at ON waitroom_consumed_grants (expires_at);
