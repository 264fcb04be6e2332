// Runs runDuePromotions every few seconds in the process that runs the ingestion worker, until
// the signal aborts (lib/jobs/run-periodically.ts: a failed pass is logged and the next one
// tries again).
import "server-only";
import { getDb } from "../db/client";
import { runPeriodically } from "../jobs/run-periodically";
import { defaultPromotionDependencies } from "./promotion-dependencies";
import { runDuePromotions } from "./run-due-promotions";

export async function startPromotionRunner(options: { signal: AbortSignal; intervalMs?: number; publicBaseUrl?: string | null }): Promise<void> {
  const deps = defaultPromotionDependencies({ publicBaseUrl: options.publicBaseUrl });
  await runPeriodically({
    name: "promotion",
    signal: options.signal,
    intervalMs: options.intervalMs ?? 5_000,
    pass: async () => {
      const pass = await runDuePromotions(getDb(), deps);
      if (!pass.started.length && !pass.succeeded.length && !pass.failed.length && !pass.rollbacks.length) return null;
      return `waves started ${pass.started.join(", ") || "none"}; succeeded ${pass.succeeded.join(", ") || "none"}; failed ${pass.failed.join(", ") || "none"}; rollbacks ${pass.rollbacks.join(", ") || "none"}`;
    },
  });
}
