// Which failed GitHub webhook deliveries to redeliver, decided from one look at a hook's recent
// deliveries. GitHub never retries a failed delivery by itself, and a redelivery keeps the
// delivery's GUID, so the GUID is the unit: an event is redelivered when none of its deliveries
// succeeded, Shiplog has not stored it, and no redelivery Shiplog asked for is still pending —
// that is, GitHub has reported a failed delivery newer than the last one seen when asking.
export type HookDelivery = {
  id: number;
  guid: string;
  deliveredAt: Date;
  redelivery: boolean;
  /** 0 when GitHub got no answer (time-out, connection refused). */
  statusCode: number;
  event: string;
};

export type PastRedelivery = { guid: string; attempts: number; lastSeenAt: Date };

export type PlannedRedelivery = {
  guid: string;
  event: string;
  /** GitHub's id of the newest failed delivery, the one to redeliver. */
  deliveryId: number;
  /** The newest delivery of the GUID seen now; a later failure means this redelivery failed. */
  newestSeenAt: Date;
  attempt: number;
  previous: PastRedelivery | null;
};

export type RedeliveryPlan = {
  redeliver: PlannedRedelivery[];
  /** Failed, not stored, and already redelivered `maxAttempts` times: reported once per new failure. */
  gaveUp: { guid: string; event: string; newestSeenAt: Date }[];
  /** GUIDs failed but stored by Shiplog (another hook's delivery of the same event got through). */
  alreadyStored: number;
  /** GUIDs whose redelivery was asked for and has not been reported yet. */
  pending: number;
};

export const isSuccess = (statusCode: number) => statusCode >= 200 && statusCode < 300;

export function planRedeliveries(
  deliveries: HookDelivery[],
  storedGuids: ReadonlySet<string>,
  past: ReadonlyMap<string, PastRedelivery>,
  maxAttempts: number,
): RedeliveryPlan {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const delivery of deliveries) byGuid.set(delivery.guid, [...(byGuid.get(delivery.guid) ?? []), delivery]);
  const plan: RedeliveryPlan = { redeliver: [], gaveUp: [], alreadyStored: 0, pending: 0 };
  for (const [guid, attempts] of byGuid) {
    if (attempts.some((delivery) => isSuccess(delivery.statusCode))) continue;
    if (storedGuids.has(guid)) {
      plan.alreadyStored += 1;
      continue;
    }
    const newest = attempts.reduce((a, b) => (compare(b, a) > 0 ? b : a));
    const previous = past.get(guid) ?? null;
    if (previous && newest.deliveredAt.getTime() <= previous.lastSeenAt.getTime()) {
      plan.pending += 1;
      continue;
    }
    if (previous && previous.attempts >= maxAttempts) {
      plan.gaveUp.push({ guid, event: newest.event, newestSeenAt: newest.deliveredAt });
      continue;
    }
    plan.redeliver.push({
      guid,
      event: newest.event,
      deliveryId: newest.id,
      newestSeenAt: newest.deliveredAt,
      attempt: (previous?.attempts ?? 0) + 1,
      previous,
    });
  }
  // Oldest first: they are nearest to the end of GitHub's redelivery window.
  plan.redeliver.sort((a, b) => a.newestSeenAt.getTime() - b.newestSeenAt.getTime() || a.deliveryId - b.deliveryId);
  return plan;
}

function compare(a: HookDelivery, b: HookDelivery): number {
  return a.deliveredAt.getTime() - b.deliveredAt.getTime() || a.id - b.id;
}
