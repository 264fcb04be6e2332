// Replaying one delivery from the ingestion page: back in the queue when it failed, was
// quarantined or was processed; refused while a worker holds it, when it already waits, or
// when there is no such delivery.
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import type { DeliveryStatus } from "@/lib/generated/prisma/enums";
import { deliveryIdParams, requestDeliveryReplay } from "@/lib/ingest/replay/request-delivery-replay";

let sequence = 0;
async function delivery(status: DeliveryStatus, attempts = status === "PENDING" ? 0 : 3) {
  sequence += 1;
  return getDb().webhookDelivery.create({
    data: { source: "GITHUB", deliveryId: `r-${sequence}`, event: "push", body: "{}", status, attempts, lastError: status === "PENDING" ? null : "boom" },
  });
}

describe("requestDeliveryReplay", () => {
  it.each<DeliveryStatus>(["FAILED", "QUARANTINED", "PROCESSED", "IGNORED"])("queues a %s delivery again: pending, no attempts, no error", async (status) => {
    const stored = await delivery(status);
    const outcome = await requestDeliveryReplay(stored.id);
    expect(outcome).toEqual({
      kind: "replayed",
      delivery: { id: Number(stored.id), source: "GITHUB", deliveryId: stored.deliveryId, event: "push", previousStatus: status, status: "PENDING" },
    });
    expect(await getDb().webhookDelivery.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ status: "PENDING", attempts: 0, lastError: null, processedAt: null });
  });

  it("answers not_found for an id nothing has", async () => {
    expect(await requestDeliveryReplay(987_654_321n)).toEqual({ kind: "not_found" });
  });

  it("answers queued for a delivery already waiting and never tried, and leaves it alone", async () => {
    const stored = await delivery("PENDING");
    expect(await requestDeliveryReplay(stored.id)).toEqual({ kind: "queued" });
    // A pending delivery that failed before (a retry after a restart) can be replayed to reset it.
    const retried = await delivery("PENDING", 2);
    expect((await requestDeliveryReplay(retried.id)).kind).toBe("replayed");
  });

  it("answers processing while a worker holds the delivery's row, and changes nothing", async () => {
    const stored = await delivery("FAILED");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // What applyDelivery does while it applies a delivery: the row locked FOR UPDATE in its transaction.
    const worker = getDb().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM webhook_deliveries WHERE id = ${stored.id} FOR UPDATE`;
      locked();
      await held;
    });
    await isLocked;
    try {
      expect(await requestDeliveryReplay(stored.id)).toEqual({ kind: "processing" });
    } finally {
      release();
      await worker;
    }
    expect(await getDb().webhookDelivery.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ status: "FAILED", attempts: 3 });
  });
});

describe("deliveryIdParams", () => {
  it("reads a positive whole number as a bigint, and refuses anything else with a reason", () => {
    expect(deliveryIdParams.parse({ id: "42" })).toEqual({ id: 42n });
    for (const id of ["0", "-1", "1.5", "abc", "01", "99999999999999999"]) {
      expect(deliveryIdParams.safeParse({ id }).success, id).toBe(false);
    }
    expect(deliveryIdParams.safeParse({ id: "abc" }).error?.issues[0]?.message).toMatch(/positive whole number/);
  });
});
