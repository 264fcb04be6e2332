// Reconciliation: Argo CD drops a notification for good after three failed attempts, so the
// worker periodically lists every application of each configured instance and stores what it
// sees as ordinary deliveries (event "poll"), which the worker then processes like any other.
//
// A poll delivery's id is derived from the application's state alone (no trigger, no
// reconcile time), so polling an unchanged application again is a duplicate that stores
// nothing: 100,000 quiet applications cost 100,000 skipped inserts, not 100,000 rows. Going
// through webhook_deliveries (rather than writing projections directly) keeps replays complete.
import { createHash } from "node:crypto";
import type { DbOrTx } from "../db/client";
import type { NewDelivery } from "../ingest/accept/accept-delivery";
import { argocdApplicationSchema } from "../ingest/accept/argocd-notification";
import { deriveArgocdDeliveryId } from "../ingest/accept/derive-argocd-delivery-id";
import { DELIVERY_CHANNEL } from "../ingest/queue/delivery-channel";
import { deliveryPool } from "../ingest/accept/delivery-pool";
import { MANIFEST_GENERATE_PATHS } from "../fleet/application-paths";
import type { ArgoCdClient } from "./argocd-client";

export type PollResult = {
  instance: string;
  listed: number;
  /** New deliveries: applications whose state changed since it was last stored. */
  stored: number;
  /** Applications Shiplog knows that Argo CD no longer lists. */
  deleted: number;
  /** Objects in the list Shiplog could not read (no name or namespace). */
  unreadable: number;
  /** Why deletions were not inferred, when they were not. */
  deletionsSkipped?: string;
};

// Deliveries stored per statement.
const CHUNK = 200;

export async function pollArgoCdInstance(db: DbOrTx, client: ArgoCdClient, now = new Date()): Promise<PollResult> {
  const instance = client.instance.name;
  // Stored a chunk at a time as the list streams in: memory holds one chunk of deliveries and the
  // listed names, not the list (100,000 applications: see docs/performance.md).
  const pending: NewDelivery[] = [];
  let stored = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending.splice(0);
    // One statement per chunk, through the insert trigger that drops a delivery id already
    // stored (an unchanged application); it wakes the workers when anything was stored. Through
    // the accept path's pg pool, as every delivery is stored: the same statement through
    // Prisma's $queryRaw kept about 300 MiB of the chunks' parameters alive (100,000
    // applications: peak RSS 1,864 MiB through Prisma, 330 MiB through pg).
    const { rows: [result] } = await deliveryPool().query<{ count: number }>(
      `WITH inserted AS (
        INSERT INTO webhook_deliveries (source, delivery_id, event, ordering_key, headers, body)
        SELECT 'ARGOCD'::"DeliverySource", t.delivery_id, t.event, t.ordering_key, t.headers::jsonb, t.body
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(delivery_id, event, ordering_key, headers, body)
        RETURNING id
      )
      SELECT count(*)::int AS count, (SELECT pg_notify($6, '') WHERE EXISTS (SELECT 1 FROM inserted)) IS NOT NULL AS notified
      FROM inserted`,
      [rows.map((row) => row.deliveryId), rows.map((row) => row.event), rows.map((row) => row.orderingKey), rows.map((row) => JSON.stringify(row.headers)), rows.map((row) => row.body), DELIVERY_CHANNEL],
    );
    stored += result?.count ?? 0;
  };
  const listed = new Set<string>();
  let unreadable = 0;
  for await (const item of client.eachApplication()) {
    const parsed = argocdApplicationSchema.safeParse(item);
    if (!parsed.success) {
      unreadable += 1;
      continue;
    }
    const { name, namespace } = parsed.data.metadata;
    listed.add(`${namespace}/${name}`);
    const app = withoutBulk(item);
    const status = (app.status ?? {}) as Record<string, unknown>;
    const identity = deriveArgocdDeliveryId({
      event: "poll",
      instance,
      app: argocdApplicationSchema.parse({ ...app, status: { ...status, reconciledAt: null } }),
    });
    pending.push({
      source: "ARGOCD",
      deliveryId: `poll:${identity}`,
      event: "poll",
      orderingKey: `${instance}/${namespace}/${name}`,
      headers: { "x-shiplog-poller": instance },
      body: JSON.stringify({ event: "poll", instance, app }),
    });
    if (pending.length >= CHUNK) await flush();
  }
  await flush();

  const known = await db.$queryRaw<{ namespace: string; name: string; uid: string | null }[]>`
    SELECT a.namespace, a.name, a.uid FROM applications a JOIN argo_instances i ON i.id = a.argo_instance_id
    WHERE i.name = ${instance} AND a.deleted_at IS NULL`;
  const missing = known.filter((app) => !listed.has(`${app.namespace}/${app.name}`));
  // An empty or mostly empty list is more likely a token that lost access than a mass deletion.
  const deletionsSkipped =
    missing.length === 0
      ? undefined
      : listed.size === 0
        ? "Argo CD listed no applications"
        : missing.length > known.length / 2
          ? `Argo CD no longer lists ${missing.length} of ${known.length} applications`
          : undefined;
  if (!deletionsSkipped) {
    for (const app of missing) {
      const key = `${instance}/${app.namespace}/${app.name}`;
      pending.push({
        source: "ARGOCD",
        deliveryId: `poll-deleted:${createHash("sha256").update(`${key}|${app.uid ?? ""}`).digest("hex")}`,
        event: "on-deleted",
        orderingKey: key,
        headers: { "x-shiplog-poller": instance },
        body: JSON.stringify({
          event: "on-deleted",
          instance,
          app: { metadata: { name: app.name, namespace: app.namespace, uid: app.uid, deletionTimestamp: now.toISOString() } },
        }),
      });
    }
  }

  await flush();
  return { instance, listed: listed.size, stored, deleted: deletionsSkipped ? 0 : missing.length, unreadable, deletionsSkipped };
}

/**
 * The Application without the parts Shiplog never reads and that can be megabytes (when Argo CD
 * ignored the field list): of the annotations only manifest-generate-paths is kept.
 */
function withoutBulk(item: Record<string, unknown>): Record<string, unknown> {
  const { managedFields: _managedFields, annotations, ...rest } = (item.metadata ?? {}) as Record<string, unknown>;
  const paths = (annotations as Record<string, unknown> | undefined)?.[MANIFEST_GENERATE_PATHS];
  const metadata = typeof paths === "string" ? { ...rest, annotations: { [MANIFEST_GENERATE_PATHS]: paths } } : rest;
  const { resources: _resources, ...status } = (item.status ?? {}) as Record<string, unknown>;
  return { ...item, metadata, ...(item.status ? { status } : {}) };
}
