-- Bookings in PostgreSQL (docs/decisions/017-postgres-bookings.md). Every uniqueness the
-- booking contract promises is a constraint here, so concurrent commits cannot break it.

-- One row per consumed grant: its primary key is what makes a grant single use.
CREATE TABLE used_grants (
  event_id text NOT NULL,
  grant_id text NOT NULL,
  reference text NOT NULL,
  -- bookingFingerprint(person, center, slot): an identical repeat returns the booking.
  fingerprint text NOT NULL,
  PRIMARY KEY (event_id, grant_id)
);

-- One booking per person per event.
CREATE TABLE bookings (
  event_id text NOT NULL,
  reference text NOT NULL,
  person_key text NOT NULL,
  record jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, reference),
  UNIQUE (event_id, person_key)
);

-- Units taken per slot; the guarded update in booking-store.ts never takes more than the capacity.
CREATE TABLE slot_units (
  event_id text NOT NULL,
  slot_key text NOT NULL,
  taken integer NOT NULL CHECK (taken >= 0),
  PRIMARY KEY (event_id, slot_key)
);

-- Identity assertions bound to the grant that first used them, until expires_at (ms).
CREATE TABLE used_assertions (
  event_id text NOT NULL,
  assertion_id text NOT NULL,
  grant_id text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (event_id, assertion_id)
);
