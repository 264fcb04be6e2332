// Polls every configured Argo CD instance (ARGOCD_INSTANCES) every ARGOCD_POLL_INTERVAL_SECONDS
// until the signal aborts. Runs in every worker process (inline and separate); the `settings`
// row `argocd_poll:<instance>` gives one of them the turn per interval and keeps the last
// outcome for the ingestion health view. A failing instance is logged and tried again next
// round; it never stops the others.
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../db/client";
import { config } from "../env";
import { logger } from "../log/logger";
import { ArgoCdClient } from "./argocd-client";
import { pollArgoCdInstance } from "./poll-argocd-instance";

export async function runArgoCdReconciliation(
  db: Db,
  options: { signal: AbortSignal; log?: (line: string) => void; firstDelayMs?: number },
): Promise<void> {
  const { ARGOCD_INSTANCES, ARGOCD_POLL_INTERVAL_SECONDS, ARGOCD_REQUEST_TIMEOUT_MS } = config();
  const log = options.log ?? ((line: string) => logger("argocd-poll").info(line));
  if (ARGOCD_INSTANCES.length === 0 || ARGOCD_POLL_INTERVAL_SECONDS === 0) {
    log(ARGOCD_INSTANCES.length === 0 ? "no ARGOCD_INSTANCES configured: reconciliation is off" : "ARGOCD_POLL_INTERVAL_SECONDS=0: reconciliation is off");
    return;
  }
  const clients = ARGOCD_INSTANCES.map((instance) => new ArgoCdClient(instance, ARGOCD_REQUEST_TIMEOUT_MS));
  let delay = options.firstDelayMs ?? 10_000;
  while (!options.signal.aborted) {
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      return; // aborted while waiting: shutting down
    }
    delay = ARGOCD_POLL_INTERVAL_SECONDS * 1000;
    for (const client of clients) {
      if (options.signal.aborted) return;
      const key = `argocd_poll:${client.instance.name}`;
      try {
        // Inside the try: with the database away this throws, and the loop must outlive that.
        if (!(await takeTurn(db, key, ARGOCD_POLL_INTERVAL_SECONDS))) continue;
        const result = await pollArgoCdInstance(db, client);
        if (result.stored > 0 || result.deletionsSkipped || result.unreadable > 0) {
          log(`${result.instance}: ${result.listed} listed, ${result.stored} changed, ${result.deleted} deleted${result.deletionsSkipped ? ` (deletions not inferred: ${result.deletionsSkipped})` : ""}${result.unreadable ? `, ${result.unreadable} unreadable` : ""}`);
        }
        const value = { at: new Date().toISOString(), ok: true, ...result };
        await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`${client.instance.name}: poll failed: ${message}`);
        const value = { at: new Date().toISOString(), ok: false, error: message };
        await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } }).catch(() => undefined);
      }
    }
  }
}

/** True when this process may poll now: nobody has polled this instance within the interval. */
async function takeTurn(db: Db, key: string, intervalSeconds: number): Promise<boolean> {
  const claimed = await db.$queryRaw<{ key: string }[]>`
    INSERT INTO settings (key, value, updated_at) VALUES (${key}, '{}'::jsonb, now())
    ON CONFLICT (key) DO UPDATE SET updated_at = now()
    WHERE settings.updated_at < now() - make_interval(secs => ${intervalSeconds * 0.9})
    RETURNING key`;
  return claimed.length > 0;
}
