// `npm run worker -- [--concurrency 4] [--batch-size 25] [--poll-interval-ms 250]`
// The ingestion worker as a process of its own, for running workers apart from the web replicas
// (set SHIPLOG_INLINE_WORKER=false on those). Any number can run against one database. SIGTERM
// or SIGINT stop it gracefully: no new delivery is taken, those in flight finish, then it exits.
// With SHIPLOG_WORKER_METRICS_PORT set it also serves /metrics and /healthz on that port
// (lib/observability/serve-worker-metrics.ts, docs/observability.md).
// With OTEL_EXPORTER_OTLP_ENDPOINT set it sends traces (a span per batch, the database's spans
// under it): tracing starts before the database code is imported, so pg's queries are traced.
import { parseArgs } from "node:util";
import { config, ConfigError, databaseUrl } from "../lib/env";
import { limitHeapGrowth } from "../lib/ops/limit-heap-growth";
import { startTracing, stopTracing } from "../lib/observability/start-tracing";

// The worker's heap stays near what it keeps alive (20,000 bench deliveries: peak RSS 339 → 239 MiB).
limitHeapGrowth();

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "4" },
    // Deliveries one slot applies per transaction (lib/ingest/queue/worker.ts); 1 restores one each.
    "batch-size": { type: "string", default: "25" },
    "poll-interval-ms": { type: "string", default: "250" },
  },
});

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive whole number (got ${raw})`);
    process.exit(1);
  }
  return value;
}

const concurrency = positive("concurrency", values.concurrency);
const batchSize = positive("batch-size", values["batch-size"]);
const pollIntervalMs = positive("poll-interval-ms", values["poll-interval-ms"]);
try {
  databaseUrl();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

try {
  await startTracing("shiplog-worker");
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const { closeDb, getDb } = await import("../lib/db/client");
const { retryWhileUnavailable } = await import("../lib/db/retry-while-unavailable");
const { logger } = await import("../lib/log/logger");
const { startReconciliation } = await import("../lib/ingest/upkeep/start-reconciliation");
const { runWorker } = await import("../lib/ingest/queue/worker");
const { runDoraRefresher } = await import("../lib/metrics/run-dora-refresher");
const { serveWorkerMetrics } = await import("../lib/observability/serve-worker-metrics");
const { startRollbackRunner } = await import("../lib/rollback/start-rollback-runner");
const { startPromotionRunner } = await import("../lib/promotions/start-promotion-runner");
const { relinkReleasesAfterUpgrade } = await import("../lib/trace/relink-releases-after-upgrade");

const controller = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    console.log(`[worker] ${signal}: finishing the deliveries in flight`);
    controller.abort();
  });
}
const { SHIPLOG_WORKER_METRICS_PORT, SHIPLOG_METRICS_TOKEN } = config();
const metricsServer =
  SHIPLOG_WORKER_METRICS_PORT === undefined ? undefined : await serveWorkerMetrics({ port: SHIPLOG_WORKER_METRICS_PORT, token: SHIPLOG_METRICS_TOKEN });
// Once after the upgrade to ancestry-based ranges, before new deliveries relink on top of them.
// Retried while the database is unavailable: a worker started during an outage waits for it.
await retryWhileUnavailable(() => relinkReleasesAfterUpgrade(getDb(), { signal: controller.signal, log: console.log }), {
  what: "relinking releases before the worker starts",
  log: (line) => logger("worker").warn(line),
  signal: controller.signal,
});
await Promise.all([
  runWorker({ signal: controller.signal, concurrency, batchSize, pollIntervalMs }),
  startReconciliation({ signal: controller.signal }),
  runDoraRefresher({ signal: controller.signal }),
  // Next rollback waves and time limits, as the inline worker does (web processes run with SHIPLOG_INLINE_WORKER=false).
  startRollbackRunner({ signal: controller.signal }),
  startPromotionRunner({ signal: controller.signal }),
]);
await metricsServer?.close();
await closeDb();
await stopTracing();
