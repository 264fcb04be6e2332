// Asks GitHub to redeliver webhook deliveries that failed (Shiplog down, a time-out, a 5xx, a
// secret being rotated): GitHub never retries by itself. For each configured hook, the
// deliveries since the last check (kept in `settings`) are listed, planned
// (plan-redeliveries.ts) and redelivered once each; github_redeliveries remembers what was asked
// so a second run, or a second worker, redelivers nothing twice.
import { z } from "zod";
import type { Db } from "../db/client";
import { describeGithubError, githubStatus, isGithubError, isTransientGithubError, type GithubClient } from "./github-client";
import { planRedeliveries, type HookDelivery, type PastRedelivery, type PlannedRedelivery } from "./plan-redeliveries";
import { deliveryRoutes, type WebhookHook } from "./webhook-hook";

/** GitHub redelivers deliveries of the past 3 days only. */
const REDELIVERY_WINDOW_MS = 3 * 24 * 3600_000;
/** Deliveries appear in the list once attempted, and clocks differ: look back this much further. */
const OVERLAP_MS = 10 * 60_000;

const hookDelivery = z.object({
  id: z.number().int(),
  guid: z.string().min(1),
  delivered_at: z.iso.datetime({ offset: true }),
  redelivery: z.boolean(),
  status_code: z.number().int(),
  event: z.string(),
});

const checkedState = z.object({ checkedUntil: z.iso.datetime({ offset: true }) });

export const hookSettingKey = (hook: WebhookHook) => `github_hook_deliveries:${hook.name}`;

export type RedeliverOptions = {
  /** Redeliveries of one event before Shiplog gives up on it. */
  maxAttempts?: number;
  /** Redeliveries requested per hook and run; the rest wait for the next run. */
  maxPerHook?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export type HookRedeliveryResult = {
  hook: string;
  listed: number;
  redelivered: number;
  alreadyStored: number;
  pending: number;
  gaveUp: number;
  /** Why this hook's check stopped early, else null. */
  stoppedBy: string | null;
};

export async function redeliverFailedDeliveries(
  db: Db,
  github: GithubClient,
  hooks: WebhookHook[],
  options: RedeliverOptions = {},
): Promise<HookRedeliveryResult[]> {
  const results: HookRedeliveryResult[] = [];
  for (const hook of hooks) {
    if (options.signal?.aborted) break;
    const { result, stopAll } = await redeliverForHook(db, github, hook, options);
    results.push(result);
    // A rate limit, a bad credential or an unreachable GitHub holds for every hook alike.
    if (stopAll) break;
  }
  return results;
}

async function redeliverForHook(
  db: Db,
  github: GithubClient,
  hook: WebhookHook,
  options: RedeliverOptions,
): Promise<{ result: HookRedeliveryResult; stopAll: boolean }> {
  const log = options.log ?? (() => undefined);
  const maxAttempts = options.maxAttempts ?? 3;
  const maxPerHook = options.maxPerHook ?? 100;
  const result: HookRedeliveryResult = { hook: hook.name, listed: 0, redelivered: 0, alreadyStored: 0, pending: 0, gaveUp: 0, stoppedBy: null };
  const routes = deliveryRoutes(hook);
  const key = hookSettingKey(hook);

  const stored = checkedState.safeParse((await db.setting.findUnique({ where: { key } }))?.value);
  const floor = Date.now() - REDELIVERY_WINDOW_MS;
  const since = new Date(Math.max(floor, stored.success ? Date.parse(stored.data.checkedUntil) : floor));

  let deliveries: HookDelivery[];
  try {
    deliveries = await listDeliveriesSince(github, routes.list, routes.params, since, options.signal);
  } catch (error) {
    if (!isGithubError(error) && !(error instanceof z.ZodError)) throw error;
    result.stoppedBy = describeGithubError(error);
    log(`${hook.name}: listing deliveries failed: ${result.stoppedBy}`);
    return { result, stopAll: isStopAll(error) };
  }
  result.listed = deliveries.length;
  const guids = [...new Set(deliveries.map((delivery) => delivery.guid))];
  const storedGuids = new Set(
    (
      await db.webhookDelivery.findMany({ where: { source: "GITHUB", deliveryId: { in: guids } }, select: { deliveryId: true } })
    ).map((row) => row.deliveryId),
  );
  const past = new Map<string, PastRedelivery>(
    (await db.githubRedelivery.findMany({ where: { guid: { in: guids } } })).map((row) => [row.guid, row]),
  );
  const plan = planRedeliveries(deliveries, storedGuids, past, maxAttempts);
  result.alreadyStored = plan.alreadyStored;
  result.pending = plan.pending;

  for (const gaveUp of plan.gaveUp) {
    // Seen: the same failure is not reported again.
    await db.githubRedelivery.update({ where: { guid: gaveUp.guid }, data: { lastSeenAt: gaveUp.newestSeenAt } });
    result.gaveUp += 1;
    log(`${hook.name}: ${gaveUp.event} delivery ${gaveUp.guid} still fails after ${maxAttempts} redeliveries; not asking again (redeliver it from GitHub's webhook page once the cause is fixed)`);
  }

  let stopAll = false;
  for (const planned of plan.redeliver.slice(0, maxPerHook)) {
    if (options.signal?.aborted) {
      result.stoppedBy = "shutting down";
      stopAll = true;
      break;
    }
    if (!(await claim(db, hook, planned))) continue; // another worker asked for it just now
    try {
      await github.request(routes.redeliver, { ...routes.params, delivery_id: planned.deliveryId, request: { signal: options.signal } });
      result.redelivered += 1;
    } catch (error) {
      if (!isGithubError(error)) {
        await unclaim(db, planned);
        throw error;
      }
      if (isStopAll(error)) {
        await unclaim(db, planned); // not asked: the next run asks again
        result.stoppedBy = describeGithubError(error);
        stopAll = true;
        log(`${hook.name}: redelivery stopped: ${result.stoppedBy}`);
        break;
      }
      // GitHub refused this one (gone, too old): counted as an attempt, so it is not asked forever.
      log(`${hook.name}: redelivery of ${planned.event} delivery ${planned.guid} refused: ${describeGithubError(error)}`);
    }
  }
  if (result.redelivered > 0) log(`${hook.name}: asked GitHub to redeliver ${result.redelivered} failed deliver${result.redelivered === 1 ? "y" : "ies"}`);

  // Move the window only past what was fully handled.
  if (result.stoppedBy === null && plan.redeliver.length <= maxPerHook) {
    const newest = deliveries.reduce((max, delivery) => Math.max(max, delivery.deliveredAt.getTime()), 0);
    const checkedUntil = new Date(Math.max(since.getTime(), newest - OVERLAP_MS)).toISOString();
    const value = { checkedUntil, at: new Date().toISOString(), ...result };
    await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  }
  return { result, stopAll };
}

/** The hook's deliveries delivered at or after `since`, newest first, following GitHub's cursor. */
async function listDeliveriesSince(
  github: GithubClient,
  route: string,
  params: Record<string, string | number>,
  since: Date,
  signal: AbortSignal | undefined,
): Promise<HookDelivery[]> {
  const deliveries: HookDelivery[] = [];
  for await (const page of github.paginate.iterator(route, { ...params, per_page: 100, request: { signal } })) {
    let older = false;
    for (const item of z.array(hookDelivery).parse(page.data)) {
      const deliveredAt = new Date(item.delivered_at);
      if (deliveredAt < since) {
        older = true;
        break;
      }
      deliveries.push({ id: item.id, guid: item.guid, deliveredAt, redelivery: item.redelivery, statusCode: item.status_code, event: item.event });
    }
    if (older) break;
  }
  return deliveries;
}

/** Records the request before it is made, atomically, so two workers never both make it. */
async function claim(db: Db, hook: WebhookHook, planned: PlannedRedelivery): Promise<boolean> {
  const now = new Date();
  if (planned.previous === null) {
    const rows = await db.$queryRaw<{ guid: string }[]>`
      INSERT INTO github_redeliveries (guid, hook, attempts, last_seen_at, last_requested_at)
      VALUES (${planned.guid}, ${hook.name}, 1, ${planned.newestSeenAt}, ${now})
      ON CONFLICT (guid) DO NOTHING RETURNING guid`;
    return rows.length === 1;
  }
  const { count } = await db.githubRedelivery.updateMany({
    where: { guid: planned.guid, attempts: planned.previous.attempts, lastSeenAt: planned.previous.lastSeenAt },
    data: { attempts: planned.attempt, lastSeenAt: planned.newestSeenAt, lastRequestedAt: now, hook: hook.name },
  });
  return count === 1;
}

async function unclaim(db: Db, planned: PlannedRedelivery): Promise<void> {
  if (planned.previous === null) {
    await db.githubRedelivery.deleteMany({ where: { guid: planned.guid, attempts: 1 } });
  } else {
    await db.githubRedelivery.updateMany({
      where: { guid: planned.guid, attempts: planned.attempt },
      data: { attempts: planned.previous.attempts, lastSeenAt: planned.previous.lastSeenAt },
    });
  }
}

/** Not about this hook or delivery: a rate limit, no answer, or a credential GitHub refuses. */
function isStopAll(error: unknown): boolean {
  return isGithubError(error) && (isTransientGithubError(error) || githubStatus(error) === 401);
}
