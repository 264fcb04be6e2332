// Which failed GitLab webhook events to resend, decided from one look at a hook's event log (its
// failed entries of the past 7 days). An event is known by the id Shiplog stores it under
// (Idempotency-Key, else X-Gitlab-Event-UUID: parse-gitlab-delivery.ts), which a resend keeps, so
// the key is the unit, as GitHub's delivery GUID is in lib/github/plan-redeliveries.ts. GitLab
// resends synchronously and logs each attempt, so an event is resent when Shiplog has not stored
// it and GitLab has logged a failure newer than the one seen when Shiplog last asked.
export type FailedHookEvent = {
  /** GitLab's id of the log entry (the one to resend); ids grow with time. */
  id: number;
  key: string;
  /** X-Gitlab-Event ("Push Hook"). */
  event: string;
  /** GitLab's response_status: "500", "401", or "internal error" when it got no answer. */
  status: string;
};

export type PastResend = { key: string; attempts: number; lastEventId: number };

export type PlannedResend = {
  key: string;
  event: string;
  /** The newest failed log entry of the event: the one resent. */
  eventId: number;
  attempt: number;
  previous: PastResend | null;
};

export type ResendPlan = {
  /** Oldest first: they are the nearest to leaving GitLab's 7-day log. */
  resend: PlannedResend[];
  /** Failed, not stored, and resent `maxAttempts` times already: reported once per new failure. */
  gaveUp: { key: string; event: string; eventId: number }[];
  /** Events that failed on this hook but that Shiplog stored (another hook, or GitLab's own retry). */
  alreadyStored: number;
  /** Resent before, and no failure logged since: the resend got through or GitLab refused it. */
  unchanged: number;
};

export function planGitlabResends(
  failed: readonly FailedHookEvent[],
  storedKeys: ReadonlySet<string>,
  past: ReadonlyMap<string, PastResend>,
  maxAttempts: number,
): ResendPlan {
  const newestByKey = new Map<string, FailedHookEvent>();
  for (const entry of failed) {
    const seen = newestByKey.get(entry.key);
    if (!seen || entry.id > seen.id) newestByKey.set(entry.key, entry);
  }
  const plan: ResendPlan = { resend: [], gaveUp: [], alreadyStored: 0, unchanged: 0 };
  for (const [key, newest] of newestByKey) {
    if (storedKeys.has(key)) {
      plan.alreadyStored += 1;
      continue;
    }
    const previous = past.get(key) ?? null;
    if (previous && newest.id <= previous.lastEventId) {
      plan.unchanged += 1;
      continue;
    }
    if (previous && previous.attempts >= maxAttempts) {
      plan.gaveUp.push({ key, event: newest.event, eventId: newest.id });
      continue;
    }
    plan.resend.push({ key, event: newest.event, eventId: newest.id, attempt: (previous?.attempts ?? 0) + 1, previous });
  }
  plan.resend.sort((a, b) => a.eventId - b.eventId);
  return plan;
}
