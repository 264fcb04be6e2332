// What one worker batch did, in the worker's metrics: its size and duration, and each applied
// delivery's result by source (shiplog_deliveries_applied_total; QUARANTINED ones included).
// Skipped deliveries (another worker's) and paused batches (a rebuild) are not counted as applied.
import type { ApplyResult } from "../ingest/queue/apply-delivery";
import { metrics } from "./metrics-registry";

export function recordWorkerBatch(results: readonly ApplyResult[], seconds: number): void {
  const m = metrics();
  let applied = 0;
  for (const result of results) {
    if (result.kind === "SKIPPED" || result.kind === "PAUSED") continue;
    applied += 1;
    m.deliveriesApplied.inc({ source: result.delivery.source, result: result.kind });
  }
  if (applied === 0) return;
  m.workerBatchSize.observe(applied);
  m.workerBatchDuration.observe(seconds);
}
