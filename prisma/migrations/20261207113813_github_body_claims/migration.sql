-- A signed GitHub body is stored once per source however many delivery ids it arrives under
-- (issue 14, finding 10): GitHub's signature covers the body, not X-GitHub-Delivery, so a
-- captured delivery could be replayed under fresh ids and fill webhook_deliveries. The accept
-- path sets body_sha256 (SHA-256 of the signed bytes) on GitHub deliveries; the insert trigger
-- claims it in webhook_delivery_keys beside the delivery id, so the claim is released exactly
-- when the key is: a deleted delivery, retention dropping its day (docs/webhooks.md).
-- Both columns are added without a default: no table is rewritten.

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "body_sha256" BYTEA;

-- AlterTable
ALTER TABLE "webhook_delivery_keys" ADD COLUMN     "body_sha256" BYTEA;

-- Beyond schema.prisma: unique only where set, so Argo CD and build deliveries (whose bearer
-- token authenticates the id as well) neither collide on NULL nor grow the index. Every
-- existing key has none, so building it reads the table and writes nothing.
CREATE UNIQUE INDEX "webhook_delivery_keys_source_body_sha256_key" ON "webhook_delivery_keys"("source", "body_sha256") WHERE "body_sha256" IS NOT NULL;

-- The claim now covers every unique index of webhook_delivery_keys (no conflict target): a
-- delivery whose id or whose body is already claimed stores nothing, and a concurrent copy waits
-- on the first one's key row as before. One row claims both, so neither is left half-claimed.
CREATE OR REPLACE FUNCTION "webhook_deliveries_claim_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_delivery_keys (source, delivery_id, webhook_delivery_id, received_at, body_sha256)
  VALUES (NEW.source, NEW.delivery_id, NEW.id, NEW.received_at, NEW.body_sha256)
  ON CONFLICT DO NOTHING;
  IF FOUND THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END
$$;
