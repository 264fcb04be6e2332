// Asks GitLab to resend webhook events that failed to reach Shiplog (Shiplog down, a time-out, a
// 5xx, a secret being rotated), found in the event log of each GITLAB_WEBHOOK_HOOKS hook
// (GitLab 17.3+: `GET …/hooks/:hook_id/events`, failed entries of the past 7 days; 17.4+:
// `POST …/events/:id/resend`). A resend goes through the normal verified endpoint, so nothing
// bypasses authentication. gitlab_resends records each request before it is made, so a second
// run or worker never asks twice; plan-gitlab-resends.ts decides what to ask. @gitbeaker/rest has
// no call for the event log: its own requester (auth, time limit, error types) makes them.
import { z } from "zod";
import type { Db } from "../db/client";
import { describeGitlabError, gitlabStatus, isGitlabError, isGitlabRateLimit, isTransientGitlabError, type GitlabApi } from "./gitlab-client";
import { gitlabHookPath, type GitlabWebhookHook } from "./gitlab-webhook-hook";
import { planGitlabResends, type FailedHookEvent, type PastResend, type PlannedResend } from "./plan-gitlab-resends";

/** GitLab's largest page of the event log (its API refuses more). */
const PER_PAGE = 20;
/** GitLab keeps 7 days of log; a resend row older than this can match nothing listed. */
const RESEND_ROW_RETENTION_MS = 8 * 24 * 3600_000;

const id = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

// API::Entities::Hook's fields Shiplog reads: GitLab disables a hook that keeps failing.
const hookEntity = z.object({ id, alert_status: z.string().nullish(), disabled_until: z.string().nullish() });

// API::Entities::WebHookLog (docs/api/project_webhooks.md "Get a list of project webhook events").
const logEntry = z.object({
  id,
  trigger: z.string().nullish(),
  request_headers: z.record(z.string(), z.unknown()).nullish(),
  response_status: z.union([z.string(), z.number()]).transform(String),
});

// API::Entities::RetryWebhookEvent: GitLab resends synchronously and answers the receiver's status.
const resendAnswer = z.object({ response_status: z.union([z.string(), z.number()]).transform(String) });

export type ResendOptions = {
  /** Resends of one event before Shiplog gives up on it. */
  maxAttempts?: number;
  /** Resends per hook and run: GitLab allows 5 a minute per project (or group) and user. */
  maxPerHook?: number;
  /** Pages of failed log entries read per hook and run (20 entries each), newest first. */
  maxPages?: number;
  /** When the next run is due, for the log line of a stopped run. */
  nextRunInSeconds?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export type HookResendResult = {
  hook: string;
  /** Failed log entries read. */
  listed: number;
  /** Resent, and GitLab's new attempt got a 2xx from Shiplog. */
  resent: number;
  /** Resent, and the new attempt failed too (GitLab logged it; the next run may ask again). */
  failedAgain: number;
  /** GitLab refused to resend (422: the hook's URL changed, or it could not connect). */
  refused: number;
  alreadyStored: number;
  unchanged: number;
  gaveUp: number;
  /** Entries naming neither Idempotency-Key nor X-Gitlab-Event-UUID: nothing to match them by. */
  unidentified: number;
  /** Why this hook's check stopped early, else null. */
  stoppedBy: string | null;
};

export async function resendFailedGitlabEvents(db: Db, api: GitlabApi, hooks: readonly GitlabWebhookHook[], options: ResendOptions = {}): Promise<HookResendResult[]> {
  const results: HookResendResult[] = [];
  for (const hook of hooks) {
    if (options.signal?.aborted) break;
    const { result, stopAll } = await resendForHook(db, api, hook, options);
    results.push(result);
    // A rate limit, a refused token, an unreachable or too old GitLab holds for every hook alike.
    if (stopAll) break;
  }
  await db.gitlabResend.deleteMany({ where: { lastRequestedAt: { lt: new Date(Date.now() - RESEND_ROW_RETENTION_MS) } } });
  return results;
}

async function resendForHook(db: Db, api: GitlabApi, hook: GitlabWebhookHook, options: ResendOptions): Promise<{ result: HookResendResult; stopAll: boolean }> {
  const log = options.log ?? (() => undefined);
  const result: HookResendResult = { hook: hook.name, listed: 0, resent: 0, failedAgain: 0, refused: 0, alreadyStored: 0, unchanged: 0, gaveUp: 0, unidentified: 0, stoppedBy: null };
  const stop = (reason: string, stopAll: boolean) => {
    result.stoppedBy = reason;
    log(`${hook.name}: ${reason}`);
    return { result, stopAll };
  };
  const next = options.nextRunInSeconds ? `; the next check, in ${options.nextRunInSeconds} s (GITLAB_REDELIVERY_INTERVAL_SECONDS), asks again` : "";
  const resource = hook.kind === "group" ? api.GroupHooks : api.ProjectHooks;
  const call = (method: "get" | "post", path: string, searchParams?: Record<string, string | number>) =>
    resource.requester[method](`${gitlabHookPath(hook)}${path}`, { searchParams, signal: callSignal(resource.queryTimeout, options.signal) });

  let failed: FailedHookEvent[];
  try {
    const found = hookEntity.parse((await call("get", "")).body);
    if (found.alert_status === "disabled" || found.alert_status === "temporarily_disabled") {
      const until = found.disabled_until ? ` until ${found.disabled_until}` : "";
      return stop(`GitLab has disabled this webhook (${found.alert_status}${until}) after failed deliveries, and would refuse to resend; enable it again in GitLab (Settings → Webhooks) and its failed events are resent at the next check`, false);
    }
  } catch (error) {
    if (!isGitlabError(error) && !(error instanceof z.ZodError)) throw error;
    if (gitlabStatus(error) === 404) {
      return stop(`GitLab answered 404 for the webhook: no ${hook.kind} "${hook.path}" with hook ${hook.hookId}, or GITLAB_TOKEN cannot see it; check this GITLAB_WEBHOOK_HOOKS entry`, false);
    }
    return stop(`${describeFailure(error, "reading the webhook")}${isTransientGitlabError(error) ? next : ""}`, isStopAll(error));
  }
  try {
    failed = await listFailedEvents(call, options.maxPages ?? 50, result);
  } catch (error) {
    if (!isGitlabError(error) && !(error instanceof z.ZodError)) throw error;
    if (gitlabStatus(error) === 404) {
      return stop("GitLab answered 404 for the webhook's event log: this GitLab version lacks it (GET /hooks/:hook_id/events came in GitLab 17.3, resending in 17.4); upgrade GitLab, or unset GITLAB_WEBHOOK_HOOKS", true);
    }
    return stop(`${describeFailure(error, "listing the webhook's events")}${isTransientGitlabError(error) ? next : ""}`, isStopAll(error));
  }

  const keys = [...new Set(failed.map((entry) => entry.key))];
  const storedKeys = new Set(
    (await db.webhookDeliveryKey.findMany({ where: { source: "GITLAB", deliveryId: { in: keys } }, select: { deliveryId: true } })).map((row) => row.deliveryId),
  );
  const past = new Map<string, PastResend>(
    (await db.gitlabResend.findMany({ where: { key: { in: keys } } })).map((row) => [row.key, { key: row.key, attempts: row.attempts, lastEventId: Number(row.lastEventId) }]),
  );
  const maxAttempts = options.maxAttempts ?? 3;
  const plan = planGitlabResends(failed, storedKeys, past, maxAttempts);
  result.alreadyStored = plan.alreadyStored;
  result.unchanged = plan.unchanged;

  for (const gaveUp of plan.gaveUp) {
    // Seen: the same failure is not reported again.
    await db.gitlabResend.update({ where: { key: gaveUp.key }, data: { lastEventId: gaveUp.eventId } });
    result.gaveUp += 1;
    log(`${hook.name}: ${gaveUp.event} event ${gaveUp.key} still fails after ${maxAttempts} resends; not asking again (resend it from the webhook's Recent events page in GitLab once the cause is fixed)`);
  }

  let stopAll = false;
  for (const planned of plan.resend.slice(0, options.maxPerHook ?? 5)) {
    if (options.signal?.aborted) {
      result.stoppedBy = "shutting down";
      stopAll = true;
      break;
    }
    if (!(await claim(db, hook, planned))) continue; // another worker asked for it just now
    try {
      const answer = resendAnswer.parse((await call("post", `/events/${planned.eventId}/resend`)).body);
      await db.gitlabResend.update({ where: { key: planned.key }, data: { lastStatus: answer.response_status } });
      if (/^2\d\d$/.test(answer.response_status)) result.resent += 1;
      else {
        result.failedAgain += 1;
        log(`${hook.name}: resent ${planned.event} event ${planned.key}; Shiplog answered GitLab ${answer.response_status} again`);
      }
    } catch (error) {
      if (!isGitlabError(error) && !(error instanceof z.ZodError)) {
        await unclaim(db, planned);
        throw error;
      }
      const status = gitlabStatus(error);
      if (isStopAll(error) || status === 404) {
        await unclaim(db, planned); // not resent: the next run asks again
        stopAll = true;
        const reason = isGitlabRateLimit(error)
          ? `GitLab's rate limit on resending events (429: 5 a minute per project and user) stopped this run${next}`
          : status === 404
            ? "GitLab answered 404 to a resend of an event its log lists: this GitLab version cannot resend through the API (that came in GitLab 17.4); upgrade it, or resend from the webhook's Recent events page"
            : `${describeFailure(error, "resending an event")}${isTransientGitlabError(error) ? next : ""}`;
        result.stoppedBy = reason;
        log(`${hook.name}: ${reason}`);
        break;
      }
      // GitLab refused this one (422): counted as an attempt, so it is not asked forever.
      result.refused += 1;
      const reason = describeGitlabError(error);
      await db.gitlabResend.update({ where: { key: planned.key }, data: { lastStatus: `refused: ${reason}`.slice(0, 500) } });
      log(`${hook.name}: GitLab refused to resend ${planned.event} event ${planned.key}: ${reason}`);
    }
  }
  if (result.resent + result.failedAgain > 0) {
    log(`${hook.name}: asked GitLab to resend ${result.resent + result.failedAgain} failed event${result.resent + result.failedAgain === 1 ? "" : "s"}, ${result.resent} now delivered`);
  }
  return { result, stopAll };
}

/** The hook's failed log entries (4xx, 5xx, and "internal error": GitLab got no answer), newest first. */
async function listFailedEvents(
  call: (method: "get", path: string, searchParams: Record<string, string | number>) => Promise<{ body: unknown; headers: Record<string, string> }>,
  maxPages: number,
  result: HookResendResult,
): Promise<FailedHookEvent[]> {
  const failed: FailedHookEvent[] = [];
  for (let page = 1; page <= maxPages; page += 1) {
    const response = await call("get", "/events", { status: "client_failure,server_failure", per_page: PER_PAGE, page });
    const entries = z.array(logEntry).parse(response.body);
    result.listed += entries.length;
    for (const entry of entries) {
      const headers = new Map(Object.entries(entry.request_headers ?? {}).map(([name, value]) => [name.toLowerCase(), typeof value === "string" ? value.trim() : ""]));
      // The id Shiplog stores the event under (parse-gitlab-delivery.ts); a resend keeps Idempotency-Key.
      const key = headers.get("idempotency-key") || headers.get("x-gitlab-event-uuid");
      if (!key) {
        result.unidentified += 1;
        continue;
      }
      failed.push({ id: entry.id, key, event: headers.get("x-gitlab-event") || entry.trigger || "event", status: entry.response_status });
    }
    // GitLab's X-Next-Page is empty on the last page; without the header, a short page is the last.
    if (entries.length < PER_PAGE || response.headers["x-next-page"] === "") break;
  }
  return failed;
}

/** The client's time limit, and the run's shutdown. */
function callSignal(timeoutMs: number | null, signal: AbortSignal | undefined): AbortSignal | undefined {
  const signals = [...(timeoutMs ? [AbortSignal.timeout(timeoutMs)] : []), ...(signal ? [signal] : [])];
  return signals.length === 0 ? undefined : AbortSignal.any(signals);
}

/** One line naming the setting to change where one would help. */
function describeFailure(error: unknown, doing: string): string {
  if (error instanceof z.ZodError) return `${doing}: GitLab's answer had an unexpected shape (${error.issues[0]?.path.join(".")}: ${error.issues[0]?.message})`;
  const status = gitlabStatus(error);
  if (status === 401) return `${doing}: GitLab refused GITLAB_TOKEN (401: expired, revoked or mistyped)`;
  if (status === 403) {
    return `${doing}: GitLab answered 403: GITLAB_TOKEN needs the api scope and the Maintainer role on the project (or Owner of the group) to read a webhook's events and resend them`;
  }
  if (isGitlabRateLimit(error)) return `${doing}: GitLab's rate limit (429)`;
  return `${doing}: ${describeGitlabError(error)}`;
}

/** Not about this hook or event: a rate limit, no answer, a server error, or a token GitLab refuses. */
function isStopAll(error: unknown): boolean {
  if (error instanceof z.ZodError) return false;
  const status = gitlabStatus(error);
  return isTransientGitlabError(error) || status === 401 || status === 403;
}

/** Records the request before it is made, atomically, so two workers never both make it. */
async function claim(db: Db, hook: GitlabWebhookHook, planned: PlannedResend): Promise<boolean> {
  const now = new Date();
  if (planned.previous === null) {
    const rows = await db.$queryRaw<{ key: string }[]>`
      INSERT INTO gitlab_resends (key, hook, attempts, last_event_id, last_requested_at)
      VALUES (${planned.key}, ${hook.name}, 1, ${planned.eventId}, ${now})
      ON CONFLICT (key) DO NOTHING RETURNING key`;
    return rows.length === 1;
  }
  const { count } = await db.gitlabResend.updateMany({
    where: { key: planned.key, attempts: planned.previous.attempts, lastEventId: planned.previous.lastEventId },
    data: { attempts: planned.attempt, lastEventId: planned.eventId, lastRequestedAt: now, hook: hook.name },
  });
  return count === 1;
}

async function unclaim(db: Db, planned: PlannedResend): Promise<void> {
  if (planned.previous === null) {
    await db.gitlabResend.deleteMany({ where: { key: planned.key, attempts: 1 } });
  } else {
    await db.gitlabResend.updateMany({
      where: { key: planned.key, attempts: planned.attempt },
      data: { attempts: planned.previous.attempts, lastEventId: planned.previous.lastEventId },
    });
  }
}
