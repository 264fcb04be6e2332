// Ingestion health's hour and day windows: deliveries received, and of those the ones failed
// now, per source; older deliveries and other sources do not count.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import type { DeliverySource, DeliveryStatus } from "@/lib/generated/prisma/enums";
import { getIngestionHealth } from "@/lib/ingest/status/get-ingestion-health";

const now = new Date();
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
let sequence = 0;

async function delivery(source: DeliverySource, status: DeliveryStatus, receivedAt: Date) {
  sequence += 1;
  await getDb().webhookDelivery.create({
    data: { source, deliveryId: `w-${sequence}`, event: "e", body: "{}", status, receivedAt, attempts: status === "PENDING" ? 0 : 1 },
  });
}

beforeAll(async () => {
  await delivery("ARGOCD", "PROCESSED", minutesAgo(5));
  await delivery("ARGOCD", "FAILED", minutesAgo(30));
  await delivery("ARGOCD", "QUARANTINED", minutesAgo(59));
  await delivery("ARGOCD", "PROCESSED", minutesAgo(61));
  await delivery("ARGOCD", "FAILED", minutesAgo(23 * 60));
  await delivery("ARGOCD", "PENDING", minutesAgo(23 * 60 + 30));
  await delivery("ARGOCD", "FAILED", minutesAgo(25 * 60)); // older than a day
  await delivery("BUILD", "IGNORED", minutesAgo(90));
});

describe("getIngestionHealth: the last hour and day", () => {
  it("counts received deliveries and failed ones per source in each window", async () => {
    const health = await getIngestionHealth({ now });
    const bySource = Object.fromEntries(health.sources.map((source) => [source.source, source]));
    expect(bySource.ARGOCD).toMatchObject({ received: { lastHour: 3, lastDay: 6 }, failures: { lastHour: 2, lastDay: 3 } });
    expect(bySource.BUILD).toMatchObject({ received: { lastHour: 0, lastDay: 1 }, failures: { lastHour: 0, lastDay: 0 } });
    expect(bySource.GITHUB).toMatchObject({ lastReceivedAt: null, received: { lastHour: 0, lastDay: 0 }, failures: { lastHour: 0, lastDay: 0 } });
    // The queue: pending and retrying deliveries wait, the oldest one is the lag.
    expect(bySource.ARGOCD).toMatchObject({ quarantined: { total: 1 }, oldestPendingReceivedAt: minutesAgo(25 * 60) });
    expect(bySource.ARGOCD!.queueLagSeconds).toBe(25 * 3600);
  });
});
