// Runs runDueRollbacks every few seconds in the process that runs the ingestion worker, until
// the signal aborts (lib/jobs/run-periodically.ts: a failed pass is logged and the next one
// tries again).
import "server-only";
import { getDb } from "../db/client";
import { runPeriodically } from "../jobs/run-periodically";
import { defaultRollbackDependencies } from "./rollback-dependencies";
import { runDueRollbacks } from "./run-due-rollbacks";

export async function startRollbackRunner(options: { signal: AbortSignal; intervalMs?: number; publicBaseUrl?: string | null }): Promise<void> {
  const deps = defaultRollbackDependencies({ publicBaseUrl: options.publicBaseUrl });
  await runPeriodically({
    name: "rollback",
    signal: options.signal,
    intervalMs: options.intervalMs ?? 5_000,
    pass: async () => {
      const { failed, executed } = await runDueRollbacks(getDb(), deps);
      return failed.length || executed.length ? `executed ${executed.join(", ") || "none"}; failed ${failed.join(", ") || "none"}` : null;
    },
  });
}
