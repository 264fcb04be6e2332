// The Prometheus registry of a process and every metric Shiplog exports (docs/observability.md
// lists them with their meaning). Counters and histograms are updated where things happen (the
// accept path, the worker, the route wrapper); gauges that describe the database (queue depth,
// rollbacks) are read at scrape time by collect-database-gauges.ts. Kept on globalThis: Next
// loads a module once per bundle (instrumentation, which runs the inline worker, and each
// route), and separate registries would each hold a part of the counts.
import client from "prom-client";
import type pg from "pg";

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const pools = new Map<string, pg.Pool>();
  return {
    registry,
    /** Database pools by name, for the pool gauges (trackPool). */
    pools,
    deliveriesReceived: new client.Counter({
      name: "shiplog_deliveries_received_total",
      help: "Webhook requests received, before authentication, by source.",
      labelNames: ["source"] as const,
      registers,
    }),
    deliveriesRefused: new client.Counter({
      name: "shiplog_deliveries_refused_total",
      help: "Webhook requests answered with an error, by source and reason (the error code: unauthorized, bad_request, payload_too_large, conflict, not_configured, service_unavailable, …).",
      labelNames: ["source", "reason"] as const,
      registers,
    }),
    deliveriesStored: new client.Counter({
      name: "shiplog_deliveries_stored_total",
      help: "Authenticated deliveries the accept path stored (accepted) or found already stored (duplicate), by source.",
      labelNames: ["source", "outcome"] as const,
      registers,
    }),
    deliveriesApplied: new client.Counter({
      name: "shiplog_deliveries_applied_total",
      help: "Deliveries the worker finished a transaction on, by source and result (PROCESSED, IGNORED, FAILED: retried later, QUARANTINED: set aside).",
      labelNames: ["source", "result"] as const,
      registers,
    }),
    workerBatchDuration: new client.Histogram({
      name: "shiplog_worker_batch_duration_seconds",
      help: "Time a worker slot took to apply one batch of deliveries (one transaction, or its per-delivery fallback).",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    workerBatchSize: new client.Histogram({
      name: "shiplog_worker_batch_size",
      help: "Deliveries a worker slot took in one batch.",
      buckets: [1, 2, 5, 10, 25, 50, 100],
      registers,
    }),
    queueDepth: new client.Gauge({
      name: "shiplog_delivery_queue_depth",
      help: "Unfinished deliveries (pending, or failed and waiting for a retry) by source, read at scrape time.",
      labelNames: ["source"] as const,
      registers,
    }),
    queueOldestDueAge: new client.Gauge({
      name: "shiplog_delivery_queue_oldest_due_age_seconds",
      help: "Age of the oldest unfinished delivery that is due now, by source (0 when none is due), read at scrape time.",
      labelNames: ["source"] as const,
      registers,
    }),
    deliveriesQuarantined: new client.Gauge({
      name: "shiplog_deliveries_quarantined",
      help: "Deliveries set aside after their last retry (QUARANTINED) and still kept, by source, read at scrape time.",
      labelNames: ["source"] as const,
      registers,
    }),
    rollbacks: new client.Gauge({
      name: "shiplog_rollbacks",
      help: "Rollbacks by state, read at scrape time.",
      labelNames: ["state"] as const,
      registers,
    }),
    databaseGaugesFailures: new client.Counter({
      name: "shiplog_metrics_database_read_failures_total",
      help: "Scrapes whose database gauges could not be read in time (the gauges keep their last values).",
      registers,
    }),
    httpRequestDuration: new client.Histogram({
      name: "shiplog_http_request_duration_seconds",
      help: "Time to answer an API or webhook request, by method, route (the file's path pattern, e.g. /api/v1/services/[name]) and status.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    requestsRateLimited: new client.Counter({
      name: "shiplog_requests_rate_limited_total",
      help: "Requests answered 429 by a rate limit, by limit (api-token, api-address, sign-in-address, auth-address).",
      labelNames: ["limit"] as const,
      registers,
    }),
    poolConnections: new client.Gauge({
      name: "shiplog_db_pool_connections",
      help: "Database connections of each pool of this process (prisma: the Prisma client's; accept: the webhook accept path's; rate-limits: the rate limits' counters), by state: in_use, idle, waiting (requests queued for a connection).",
      labelNames: ["pool", "state"] as const,
      registers,
      collect() {
        for (const [name, pool] of pools) {
          this.set({ pool: name, state: "in_use" }, pool.totalCount - pool.idleCount);
          this.set({ pool: name, state: "idle" }, pool.idleCount);
          this.set({ pool: name, state: "waiting" }, pool.waitingCount);
        }
      },
    }),
  };
}

export type ShiplogMetrics = ReturnType<typeof createMetrics>;

const globalForMetrics = globalThis as unknown as { shiplogMetrics?: ShiplogMetrics };

/** This process's metrics, created on first use. */
export function metrics(): ShiplogMetrics {
  globalForMetrics.shiplogMetrics ??= createMetrics();
  return globalForMetrics.shiplogMetrics;
}

/** Reports `pool`'s connections under `name` (a newer pool of the same name replaces it). */
export function trackPool(name: string, pool: pg.Pool): void {
  metrics().pools.set(name, pool);
}
