import { describe, expect, it } from "vitest";
import { planRedeliveries, type HookDelivery, type PastRedelivery } from "@/lib/github/plan-redeliveries";

const t0 = new Date("2026-03-10T09:00:00Z");
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
let ids = 100;
const delivery = (guid: string, statusCode: number, at: Date, redelivery = false): HookDelivery => ({
  id: (ids += 1),
  guid,
  deliveredAt: at,
  redelivery,
  statusCode,
  event: "push",
});
const none = new Set<string>();
const noPast = new Map<string, PastRedelivery>();

describe("planRedeliveries", () => {
  it("redelivers an event none of whose deliveries succeeded: 5xx, 4xx and no answer (0) alike", () => {
    const plan = planRedeliveries([delivery("g-503", 503, t0), delivery("g-401", 401, t0), delivery("g-timeout", 0, t0)], none, noPast, 3);
    expect(plan.redeliver.map((item) => [item.guid, item.attempt])).toEqual([
      ["g-503", 1],
      ["g-401", 1],
      ["g-timeout", 1],
    ]);
  });

  it("leaves alone an event that got through once, or that Shiplog stored through another hook", () => {
    const deliveries = [delivery("g-ok", 200, t0), delivery("g-later", 502, t0), delivery("g-later", 202, minutes(5), true), delivery("g-stored", 0, t0)];
    const plan = planRedeliveries(deliveries, new Set(["g-stored"]), noPast, 3);
    expect(plan.redeliver).toEqual([]);
    expect(plan.alreadyStored).toBe(1);
  });

  it("waits while a requested redelivery has not been reported, and asks again once it is reported failed", () => {
    const original = delivery("g", 503, t0);
    const past = new Map([["g", { guid: "g", attempts: 1, lastSeenAt: t0 }]]);
    expect(planRedeliveries([original], none, past, 3)).toMatchObject({ redeliver: [], pending: 1 });
    const failedAgain = delivery("g", 0, minutes(10), true);
    const plan = planRedeliveries([original, failedAgain], none, past, 3);
    expect(plan.redeliver).toEqual([
      { guid: "g", event: "push", deliveryId: failedAgain.id, newestSeenAt: failedAgain.deliveredAt, attempt: 2, previous: past.get("g") },
    ]);
  });

  it("gives up after maxAttempts redeliveries", () => {
    const past = new Map([["g", { guid: "g", attempts: 3, lastSeenAt: minutes(10) }]]);
    const plan = planRedeliveries([delivery("g", 503, minutes(20), true)], none, past, 3);
    expect(plan.redeliver).toEqual([]);
    expect(plan.gaveUp).toEqual([{ guid: "g", event: "push", newestSeenAt: minutes(20) }]);
  });

  it("redelivers the oldest first: they are nearest to the end of GitHub's three-day window", () => {
    const plan = planRedeliveries([delivery("new", 503, minutes(30)), delivery("old", 503, minutes(1))], none, noPast, 3);
    expect(plan.redeliver.map((item) => item.guid)).toEqual(["old", "new"]);
  });
});
