import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { databaseUrl } from "../../../lib/env";
import { acceptDelivery, type NewDelivery } from "../../../lib/ingest/accept-delivery";
import { DELIVERY_CHANNEL } from "../../../lib/ingest/worker";

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
  afterAll(() => listener.end());

  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

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
});
