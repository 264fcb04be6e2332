import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../../lib/db/client";
import { databaseUrl } from "../../../../lib/env";
import { AppError } from "../../../../lib/http/app-error";
import { acceptDelivery, type NewDelivery } from "../../../../lib/ingest/accept/accept-delivery";
import { closeDeliveryPool, deliveryPool } from "../../../../lib/ingest/accept/delivery-pool";
import { DELIVERY_CHANNEL } from "../../../../lib/ingest/queue/delivery-channel";

const delivery = (deliveryId: string): NewDelivery => ({
  source: "BUILD",
  deliveryId,
  event: "build",
  orderingKey: "acme/api",
  headers: { "user-agent": "ci" },
  body: '{"repository":"acme/api"}',
});

describe("acceptDelivery", () => {
  const listener = new pg.Client({ connectionString: databaseUrl() });
  const heard: string[] = [];

  beforeAll(async () => {
    await listener.connect();
    listener.on("notification", (message) => heard.push(message.channel));
    await listener.query(`LISTEN ${DELIVERY_CHANNEL}`);
  });
  afterAll(async () => {
    await listener.end();
    await closeDeliveryPool();
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  // Through a Prisma client here; through the accept path's pg pool below: the same statements.
  it("stores a delivery once and wakes listening workers only for a new one", async () => {
    expect(await acceptDelivery(getDb(), delivery("d-1"))).toEqual({ status: "accepted", deliveryId: "d-1" });
    await settle();
    expect(heard).toEqual([DELIVERY_CHANNEL]);

    expect(await acceptDelivery(getDb(), delivery("d-1"))).toEqual({ status: "duplicate", deliveryId: "d-1" });
    await settle();
    expect(heard).toHaveLength(1);

    const rows = await getDb().webhookDelivery.findMany({ where: { deliveryId: "d-1" } });
    expect(rows).toMatchObject([{ source: "BUILD", event: "build", orderingKey: "acme/api", headers: { "user-agent": "ci" }, status: "PENDING" }]);
  });

  it("stores one row and answers accepted once when copies of a delivery arrive at the same moment", async () => {
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => acceptDelivery(deliveryPool(), delivery("concurrent-1"))));
    expect(outcomes.filter((outcome) => outcome.status === "accepted")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "duplicate")).toHaveLength(11);
    expect(await getDb().webhookDelivery.count({ where: { deliveryId: "concurrent-1" } })).toBe(1);
    const [key] = await getDb().webhookDeliveryKey.findMany({ where: { deliveryId: "concurrent-1" } });
    const [row] = await getDb().webhookDelivery.findMany({ where: { deliveryId: "concurrent-1" } });
    expect(key).toMatchObject({ source: "BUILD", webhookDeliveryId: row!.id, receivedAt: row!.receivedAt });
  });

  it("refuses an Idempotency-Key used before for another body, and takes the same body again as a duplicate", async () => {
    const chosen = { ...delivery("ci-run-7"), senderChosenId: true };
    expect((await acceptDelivery(deliveryPool(), chosen)).status).toBe("accepted");
    expect((await acceptDelivery(deliveryPool(), chosen)).status).toBe("duplicate");
    const other = acceptDelivery(deliveryPool(), { ...chosen, body: '{"repository":"acme/web"}' });
    await expect(other).rejects.toBeInstanceOf(AppError);
    await expect(other).rejects.toMatchObject({ code: "conflict" });
  });

  it("stores a delivery again once the stored copy was deleted (its key goes with it)", async () => {
    expect((await acceptDelivery(deliveryPool(), delivery("deleted-1"))).status).toBe("accepted");
    await getDb().webhookDelivery.deleteMany({ where: { deliveryId: "deleted-1" } });
    expect(await getDb().webhookDeliveryKey.count({ where: { deliveryId: "deleted-1" } })).toBe(0);
    expect((await acceptDelivery(deliveryPool(), delivery("deleted-1"))).status).toBe("accepted");
  });
});

describe("acceptDelivery with the body's SHA-256 (GitHub: the signature does not cover the id)", () => {
  afterAll(() => closeDeliveryPool());

  const signed = (deliveryId: string, body: string): NewDelivery => ({
    source: "GITHUB",
    deliveryId,
    event: "push",
    orderingKey: "acme/api",
    headers: {},
    body,
    bodySha256: createHash("sha256").update(body).digest(),
  });

  it("stores a body once under whichever id it comes first, and names that id to the later ones", async () => {
    const body = '{"ref":"refs/heads/main","after":"a1"}';
    expect(await acceptDelivery(deliveryPool(), signed("guid-1", body))).toEqual({ status: "accepted", deliveryId: "guid-1" });
    expect(await acceptDelivery(getDb(), signed("guid-2", body))).toEqual({ status: "duplicate", deliveryId: "guid-2", duplicateOf: "guid-1" });
    // The same id again is the plain duplicate it always was.
    expect(await acceptDelivery(deliveryPool(), signed("guid-1", body))).toEqual({ status: "duplicate", deliveryId: "guid-1" });
    expect(await getDb().webhookDelivery.count({ where: { body } })).toBe(1);
    const [row] = await getDb().webhookDelivery.findMany({ where: { body } });
    expect(Buffer.from(row!.bodySha256!).toString("hex")).toBe(createHash("sha256").update(body).digest("hex"));
  });

  it("stores one row when copies under different ids arrive at the same moment", async () => {
    const body = '{"ref":"refs/heads/main","after":"b2"}';
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, index) => acceptDelivery(deliveryPool(), signed(`burst-${index}`, body))));
    expect(outcomes.filter((outcome) => outcome.status === "accepted")).toHaveLength(1);
    const first = outcomes.find((outcome) => outcome.status === "accepted")!.deliveryId;
    expect(outcomes.filter((outcome) => outcome.status === "duplicate").map((outcome) => outcome.duplicateOf)).toEqual(Array(11).fill(first));
    expect(await getDb().webhookDelivery.count({ where: { body } })).toBe(1);
    // Neither claim is left behind by the copies that stored nothing.
    expect(await getDb().webhookDeliveryKey.count({ where: { deliveryId: { startsWith: "burst-" } } })).toBe(1);
  });

  it("stores the body again once the stored copy was deleted, and keeps bodies without a hash apart", async () => {
    const body = '{"ref":"refs/heads/main","after":"c3"}';
    expect((await acceptDelivery(deliveryPool(), signed("kept-1", body))).status).toBe("accepted");
    await getDb().webhookDelivery.deleteMany({ where: { deliveryId: "kept-1" } });
    expect((await acceptDelivery(deliveryPool(), signed("kept-2", body))).status).toBe("accepted");

    // Without a hash (Argo CD, build reports, anything not signed over the body alone) only the
    // id counts; the same hash under another source is another claim.
    const { bodySha256: _, ...unsigned } = signed("unsigned-1", body);
    expect((await acceptDelivery(deliveryPool(), unsigned)).status).toBe("accepted");
    expect((await acceptDelivery(deliveryPool(), { ...unsigned, deliveryId: "unsigned-2" })).status).toBe("accepted");
    expect((await acceptDelivery(deliveryPool(), { ...signed("other-source", body), source: "BUILD" })).status).toBe("accepted");
  });
});
