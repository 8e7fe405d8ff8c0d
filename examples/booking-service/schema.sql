-- The booking service's own table: appointments, one per Waitroom grant (the grant id is kept to trace it).
CREATE TABLE IF NOT EXISTS bookings (
  id         bigserial   PRIMARY KEY,
  name       text        NOT NULL,
  slot       text        NOT NULL,
  event_id   text        NOT NULL,
  grant_id   text        NOT NULL,
  booked_at  timestamptz NOT NULL DEFAULT now()
);
