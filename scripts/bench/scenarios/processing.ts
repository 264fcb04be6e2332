// Processing: the storm webhook-accept stored at 2,000/s (or, run alone, a fresh storm of
// acceptSeconds × 2,000 deliveries written straight to webhook_deliveries) is applied by the
// worker process the bench started. Measured from the storm's start until none of its deliveries
// is PENDING or FAILED, capped at drainLimitSeconds; the target is a 5-minute storm
// drained within 10 minutes, so here within twice the storm's length.
//
// Baseline: the rows processing produced (new deployments, their events, releases, commits, pull
// requests and their links), read back with COPY … TO and written with COPY … FROM into empty
// copies of the same tables (same indexes) in a scratch schema: the floor for getting those rows
// into PostgreSQL, without deciding anything.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { deriveArgocdDeliveryId } from "../../../lib/ingest/accept/derive-argocd-delivery-id";
import type { ArgocdNotification } from "../../../lib/ingest/accept/argocd-notification";
import { pickDeliveryHeaders } from "../../../lib/ingest/accept/pick-delivery-headers";
import { DELIVERY_CHANNEL } from "../../../lib/ingest/queue/delivery-channel";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { BASELINE_SCHEMA } from "../baselines/webhooks";
import type { BenchContext, Measurement, Scenario } from "../scenario";
import { acceptedStorm, markProjections, PROJECTED_TABLES, type Storm, stormFilter } from "../storm";
import { createWebhookStream, readWebhookTargets } from "../webhook-payloads";

const STORM_RATE = 2_000;
const POLL_MS = 500;

export const scenario: Scenario = {
  id: "processing",
  title: "processing",
  run: async (context) => {
    const storm = acceptedStorm.current ?? (await insertStorm(context));
    const drain = await watchDrain(context, storm);
    const copy = await copyProjectedRows(context, storm);
    const stormSeconds = (storm.endedAt.getTime() - storm.startedAt.getTime()) / 1000;
    const source = storm.origin === "accept" ? `the ${fmt(stormSeconds)} s accept storm` : `${drain.total} deliveries inserted at once`;
    const drainedNote = drain.drained
      ? `${drain.total} deliveries of ${source}, from its start until none was PENDING or FAILED.`
      : `not drained within ${context.durations.drainLimitSeconds} s: ${drain.done} of ${drain.total} done; at that rate all would take ${fmt(drain.extrapolatedSeconds)} s (reported).`;
    return [
      {
        scenario: "processing",
        metric: `storm drained (from its start)`,
        unit: "s",
        baseline: null,
        shiplog: drain.drained ? drain.seconds : drain.extrapolatedSeconds,
        target: { op: "<=", value: 2 * Math.max(stormSeconds, context.durations.acceptSeconds), of: "shiplog" },
        note: `${drainedNote} Target: the issue's 10 min for a 5-min storm, as twice the storm's length.`,
      },
      {
        scenario: "processing",
        metric: "processed events/s",
        unit: "events/s",
        baseline: copy.seconds > 0 ? copy.deliveries / copy.seconds : null,
        shiplog: drain.rate,
        target: null,
        note:
          `Shiplog: deliveries applied per second from the storm's start (arrivals included; ${drain.quarantined} quarantined). ` +
          `Baseline: the ${copy.rows} rows (${copy.tables}) that the ${copy.deliveries} deliveries applied since the storm began produced, ` +
          `COPYed into empty copies of their tables (same indexes) in ${copy.seconds.toFixed(3)} s.`,
      },
    ] satisfies Measurement[];
  },
};

type Drain = { total: number; done: number; quarantined: number; drained: boolean; seconds: number; rate: number; extrapolatedSeconds: number };

async function watchDrain(context: BenchContext, storm: Storm): Promise<Drain> {
  const filter = stormFilter(storm);
  const deadline = storm.startedAt.getTime() + context.durations.drainLimitSeconds * 1000;
  for (;;) {
    const { rows } = await context.pool.query<{ total: number; open: number; quarantined: number; last: Date | null }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status IN ('PENDING', 'FAILED'))::int AS open,
         count(*) FILTER (WHERE status = 'QUARANTINED')::int AS quarantined, max(processed_at) AS last
       FROM webhook_deliveries WHERE ${filter.where}`,
      filter.values,
    );
    const { total, open, quarantined, last } = rows[0]!;
    const now = Date.now();
    if (open === 0 || now >= deadline) {
      const drained = open === 0;
      // The last delivery's own processed_at, rather than when this poll noticed.
      const end = drained && last ? Math.max(last.getTime(), storm.endedAt.getTime()) : now;
      const seconds = (end - storm.startedAt.getTime()) / 1000;
      const done = total - open;
      const rate = seconds > 0 ? done / seconds : 0;
      context.log(`  storm: ${done}/${total} done in ${fmt(seconds)} s (${fmt(rate)}/s)${drained ? "" : ", not drained"}`);
      return { total, done, quarantined, drained, seconds, rate, extrapolatedSeconds: rate > 0 ? total / rate : Number.POSITIVE_INFINITY };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Run alone: acceptSeconds × 2,000 deliveries written straight to webhook_deliveries, then the worker woken. */
async function insertStorm(context: BenchContext): Promise<Storm> {
  const runTag = `bench-storm-${Date.now().toString(36)}`;
  const stream = await createWebhookStream(context.fixturesDir, await readWebhookTargets(context.pool), context.webhooks, runTag);
  const marks = await markProjections(context.pool);
  const total = context.durations.acceptSeconds * STORM_RATE;
  const startedAt = new Date();
  for (let written = 0; written < total; written += 500) {
    const batch = stream.take(Math.min(500, total - written)).map((request) => {
      const json = JSON.parse(request.body!) as Record<string, any>;
      const github = request.path.endsWith("/github");
      return {
        source: github ? "GITHUB" : "ARGOCD",
        deliveryId: github ? request.headers!["x-github-delivery"]! : deriveArgocdDeliveryId(json as ArgocdNotification),
        event: github ? request.headers!["x-github-event"]! : String(json.event),
        orderingKey: github ? String(json.repository.full_name) : `${json.instance}/${json.app.metadata.namespace}/${json.app.metadata.name}`,
        headers: JSON.stringify(pickDeliveryHeaders(new Headers(request.headers), { label: github ? "GITHUB_WEBHOOK_SECRET[0]" : "ARGOCD_WEBHOOK_TOKENS[0]" })),
        body: request.body!,
      };
    });
    await context.pool.query(
      `INSERT INTO webhook_deliveries (source, delivery_id, event, ordering_key, headers, body)
       SELECT source::"DeliverySource", delivery_id, event, ordering_key, headers::jsonb, body
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(source, delivery_id, event, ordering_key, headers, body)`,
      (["source", "deliveryId", "event", "orderingKey", "headers", "body"] as const).map((field) => batch.map((row) => row[field])),
    );
    await context.pool.query(`SELECT pg_notify($1, '')`, [DELIVERY_CHANNEL]);
  }
  context.log(`  inserted a storm of ${total} deliveries in ${fmt((Date.now() - startedAt.getTime()) / 1000)} s`);
  return { runTag, startedAt, endedAt: new Date(), marks, origin: "inserted" };
}

/** COPY the rows the storm produced out, then time COPYing them into empty same-shaped tables. */
async function copyProjectedRows(context: BenchContext, storm: Storm): Promise<{ rows: number; tables: string; seconds: number; deliveries: number }> {
  const client = await context.pool.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${BASELINE_SCHEMA}`);
    // One snapshot for the rows and the deliveries that produced them: everything applied since
    // the storm began (later accept runs included), whatever the worker is still doing.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    const applied = await client.query<{ count: number }>(
      // processed_at: set by the worker only (the baseline's rows are stored PROCESSED without it).
      `SELECT count(*)::int AS count FROM webhook_deliveries WHERE received_at >= $1 AND processed_at IS NOT NULL`,
      [new Date(storm.startedAt.getTime() - 1_000)],
    );
    const copies: { table: string; data: Buffer[]; rows: number }[] = [];
    for (const { table, key, after } of PROJECTED_TABLES) {
      const where = `${key} > ${Number(storm.marks[after])}`;
      const count = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table} WHERE ${where}`);
      const data: Buffer[] = [];
      await pipeline(
        client.query(copyTo(`COPY (SELECT * FROM public.${table} WHERE ${where}) TO STDOUT`)),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            data.push(chunk);
            done();
          },
        }),
      );
      copies.push({ table, data, rows: count.rows[0]?.count ?? 0 });
    }
    await client.query("COMMIT");
    for (const { table } of copies) {
      await client.query(`DROP TABLE IF EXISTS ${BASELINE_SCHEMA}.${table}`);
      await client.query(`CREATE TABLE ${BASELINE_SCHEMA}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS)`);
    }
    const started = performance.now();
    await client.query("BEGIN");
    for (const copy of copies) {
      await pipeline(Readable.from(copy.data), client.query(copyFrom(`COPY ${BASELINE_SCHEMA}.${copy.table} FROM STDIN`)));
    }
    await client.query("COMMIT");
    const seconds = (performance.now() - started) / 1000;
    return {
      rows: copies.reduce((sum, copy) => sum + copy.rows, 0),
      tables: copies.filter((copy) => copy.rows > 0).map((copy) => `${copy.table} ${copy.rows}`).join(", "),
      seconds,
      deliveries: applied.rows[0]?.count ?? 0,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : "n/a");
