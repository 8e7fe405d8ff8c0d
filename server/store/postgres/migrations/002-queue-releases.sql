-- The queue side of committed bookings still to apply (docs/decisions/017): a row is written in
-- the booking's transaction and deleted once the queue store marked its ticket used and freed its
-- active place. Rows left by a crash between the two are applied by the store's sweep.
CREATE TABLE queue_releases (
  event_id text NOT NULL,
  ticket_no bigint NOT NULL,
  grant_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, grant_id)
);
