-- webhook_deliveries becomes partitioned by day of received_at (UTC), so that retention drops
-- whole days instead of deleting rows (lib/ingest/delivery-retention.ts, docs/webhooks.md
-- "Retention and partitions"). Rows move over with their ids; the id sequence carries on.
--
-- PostgreSQL requires every unique index of a partitioned table to contain the partition key:
-- the primary key becomes (id, received_at), and the idempotency key (source, delivery_id) is
-- held unique by webhook_delivery_keys, which a trigger fills in the same statement as the
-- delivery. schema.prisma keeps `id` and (source, delivery_id) as the model's identities: both
-- stay unique, the sequence and the key table see to it (lib/db/schema-drift.ts, partitioned).

-- The old table steps aside; its sequence is kept for the new one.
ALTER SEQUENCE "webhook_deliveries_id_seq" OWNED BY NONE;
ALTER TABLE "webhook_deliveries" RENAME TO "webhook_deliveries_unpartitioned";
ALTER TABLE "webhook_deliveries_unpartitioned" RENAME CONSTRAINT "webhook_deliveries_pkey" TO "webhook_deliveries_unpartitioned_pkey";
DROP INDEX "webhook_deliveries_status_next_attempt_at_idx";
DROP INDEX "webhook_deliveries_source_received_at_idx";
DROP INDEX "webhook_deliveries_source_delivery_id_key";

CREATE TABLE "webhook_deliveries" (
    "id" BIGINT NOT NULL DEFAULT nextval('webhook_deliveries_id_seq'),
    "source" "DeliverySource" NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "ordering_key" TEXT,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "body" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id", "received_at")
) PARTITION BY RANGE ("received_at");
ALTER SEQUENCE "webhook_deliveries_id_seq" OWNED BY "webhook_deliveries"."id";

-- Catches a delivery whose day has no partition yet (upkeep stopped, a clock far off), so an
-- insert never fails; upkeep moves such rows into their day's partition when it creates it.
CREATE TABLE "webhook_deliveries_default" PARTITION OF "webhook_deliveries" DEFAULT;

CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");
CREATE INDEX "webhook_deliveries_source_received_at_idx" ON "webhook_deliveries"("source", "received_at" DESC);
-- Not unique here (it cannot be, across partitions): webhook_delivery_keys holds the
-- uniqueness. The index serves lookups by the sender's id (redelivery, Idempotency-Key).
CREATE INDEX "webhook_deliveries_source_delivery_id_key" ON "webhook_deliveries"("source", "delivery_id");

-- The queue's claim (lib/ingest/find-due-deliveries.ts) reads only unfinished deliveries:
-- oldest first, and per ordering key whether an older unfinished one exists. Partial indexes
-- keep both reads proportional to the backlog, never to the millions of finished rows.
CREATE INDEX "webhook_deliveries_unfinished_received_at_idx" ON "webhook_deliveries"("received_at", "id") WHERE "status" IN ('PENDING', 'FAILED');
CREATE INDEX "webhook_deliveries_unfinished_ordering_key_idx" ON "webhook_deliveries"("ordering_key", "received_at", "id") WHERE "status" IN ('PENDING', 'FAILED');

CREATE TABLE "webhook_delivery_keys" (
    "source" "DeliverySource" NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "webhook_delivery_id" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_delivery_keys_pkey" PRIMARY KEY ("source", "delivery_id")
);
CREATE INDEX "webhook_delivery_keys_received_at_idx" ON "webhook_delivery_keys"("received_at");

-- Every insert claims its key first; a key already claimed makes the insert store nothing (as
-- ON CONFLICT DO NOTHING did), whoever inserts: the accept path, Argo CD polling, a test. Two
-- concurrent copies: the second waits on the first's key row and stores nothing if it commits.
CREATE FUNCTION "webhook_deliveries_claim_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_delivery_keys (source, delivery_id, webhook_delivery_id, received_at)
  VALUES (NEW.source, NEW.delivery_id, NEW.id, NEW.received_at)
  ON CONFLICT (source, delivery_id) DO NOTHING;
  IF FOUND THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "webhook_deliveries_claim_key" BEFORE INSERT ON "webhook_deliveries"
  FOR EACH ROW EXECUTE FUNCTION "webhook_deliveries_claim_key"();

-- A deleted delivery frees its key, so the same delivery may be stored again (tests, operators
-- cleaning up). Retention drops partitions, which fires nothing: it prunes keys itself.
CREATE FUNCTION "webhook_deliveries_release_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE webhook_delivery_keys;
  ELSE
    DELETE FROM webhook_delivery_keys k USING released r
    WHERE k.source = r.source AND k.delivery_id = r.delivery_id AND k.webhook_delivery_id = r.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "webhook_deliveries_release_keys" AFTER DELETE ON "webhook_deliveries"
  REFERENCING OLD TABLE AS released FOR EACH STATEMENT EXECUTE FUNCTION "webhook_deliveries_release_keys"();
CREATE TRIGGER "webhook_deliveries_release_all_keys" AFTER TRUNCATE ON "webhook_deliveries"
  FOR EACH STATEMENT EXECUTE FUNCTION "webhook_deliveries_release_keys"();

-- A partition for each day that holds deliveries, and for today and the next 7 days (the
-- days upkeep keeps ready, lib/ingest/delivery-partitions.ts).
DO $$
DECLARE
  day date;
BEGIN
  FOR day IN
    SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date FROM "webhook_deliveries_unpartitioned"
    UNION
    SELECT (now() AT TIME ZONE 'UTC')::date + ahead FROM generate_series(0, 7) AS ahead
  LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF "webhook_deliveries" FOR VALUES FROM (%L) TO (%L)',
      'webhook_deliveries_' || to_char(day, 'YYYYMMDD'),
      day::timestamp AT TIME ZONE 'UTC',
      (day + 1)::timestamp AT TIME ZONE 'UTC'
    );
  END LOOP;
END
$$;

INSERT INTO "webhook_deliveries" ("id", "source", "delivery_id", "event", "ordering_key", "headers", "body", "received_at", "status",
    "attempts", "last_error", "next_attempt_at", "processed_at")
  SELECT "id", "source", "delivery_id", "event", "ordering_key", "headers", "body", "received_at", "status",
    "attempts", "last_error", "next_attempt_at", "processed_at"
  FROM "webhook_deliveries_unpartitioned";
DROP TABLE "webhook_deliveries_unpartitioned";
