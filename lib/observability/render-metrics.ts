// One scrape: refresh the database gauges, then the registry's text in Prometheus' exposition
// format. The web route (app/prometheus/route.ts, served at /metrics) and the worker's
// listener (serve-worker-metrics.ts) both answer with it.
import { getDb, type Db } from "../db/client";
import { collectDatabaseGauges } from "./collect-database-gauges";
import { metrics } from "./metrics-registry";

export async function renderMetrics(options: { db?: Db } = {}): Promise<{ contentType: string; text: string }> {
  await collectDatabaseGauges(options.db ?? getDb());
  const { registry } = metrics();
  return { contentType: registry.contentType, text: await registry.metrics() };
}
