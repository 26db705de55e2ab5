-- Herald's transactional outbox for PostgreSQL 13 or later.
--
-- Producers insert one row per notification in the same transaction as their business change:
--   INSERT INTO herald_outbox (notification) VALUES ('{"type": ..., "producer": ..., ...}');
-- `herald run` with sources.postgres enabled relays each committed row exactly once.
-- Safe to run again: every statement leaves what exists alone.

CREATE TABLE IF NOT EXISTS herald_outbox (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- The notification, as Herald's intake takes it (README: Notifications), without
  -- idempotency_key: the relay sets that to the row's id.
  notification    jsonb       NOT NULL,
  -- pending: waiting for the relay; relayed: in Herald (notification_id says which);
  -- rejected: invalid, last_error says why; in_doubt: an earlier attempt may have reached Herald
  -- and its idempotency key has expired, so the relay will not send it again on its own.
  status          text        NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'relayed', 'rejected', 'in_doubt')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  notification_id text,
  relayed_at      timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The relay's claim reads this index from its lowest id: only pending rows are in it, so it stays
-- as small as the backlog however many relayed rows the table keeps. (Not (id, next_attempt_at):
-- the planner prices a condition on a second column as a walk of the whole index, ties it with
-- the primary key, and may then filter every relayed row on each claim.) next_attempt_at is
-- included for the counts of `herald outbox status`, read from the index alone.
CREATE INDEX IF NOT EXISTS herald_outbox_pending
  ON herald_outbox (id) INCLUDE (next_attempt_at) WHERE status = 'pending';
-- Retention deletes relayed rows oldest first.
CREATE INDEX IF NOT EXISTS herald_outbox_relayed
  ON herald_outbox (relayed_at) WHERE status = 'relayed';
-- `herald outbox status` and `herald outbox retry` find the rows that wait for an operator.
CREATE INDEX IF NOT EXISTS herald_outbox_held
  ON herald_outbox (id) WHERE status IN ('rejected', 'in_doubt');

-- A queue table: rows are inserted, updated once and deleted. Vacuum it often, so that the
-- pending index does not fill with entries of rows that were relayed long ago.
ALTER TABLE herald_outbox SET (autovacuum_vacuum_scale_factor = 0.01,
                               autovacuum_vacuum_insert_scale_factor = 0.05);

-- Relay attempts that may have reached Herald but not committed yet: a relay records the ids of
-- a batch here (committed) before it hands them to Herald, and deletes the record in the
-- transaction that marks them relayed. A record left behind by a relay that died says since when
-- its rows may be in Herald already (README: Relaying from PostgreSQL, Guarantees).
CREATE TABLE IF NOT EXISTS herald_outbox_attempts (
  attempt_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ids        bigint[]    NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  relay      text        NOT NULL
);

-- Wakes the relay as soon as a transaction that inserted rows commits (nothing is sent for one
-- that rolls back). One NOTIFY per INSERT statement; polling (sources.postgres.poll-interval)
-- covers a relay that was not listening.
CREATE OR REPLACE FUNCTION herald_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('herald_outbox', '');
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS herald_outbox_notify ON herald_outbox;
CREATE TRIGGER herald_outbox_notify AFTER INSERT ON herald_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION herald_outbox_notify();
