// The failed-deliveries list: only failed and quarantined deliveries, newest first, by source,
// a keyset page at a time that neither skips nor repeats, and never a body or a header.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import type { DeliverySource, DeliveryStatus } from "@/lib/generated/prisma/enums";
import { listDeliveries, listDeliveriesQuery, MAX_LISTED_ERROR_LENGTH } from "@/lib/ingest/status/list-deliveries";

const now = Date.now();
const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
let sequence = 0;

async function delivery(source: DeliverySource, status: DeliveryStatus, receivedAt: Date, lastError: string | null = null) {
  sequence += 1;
  return getDb().webhookDelivery.create({
    data: {
      source,
      deliveryId: `d-${sequence}`,
      event: source === "GITHUB" ? "push" : source === "BUILD" ? "build" : "on-deployed",
      headers: { "x-shiplog-authenticated-by": "token:ci" },
      body: '{"secret":"do-not-list"}',
      status,
      receivedAt,
      attempts: status === "PENDING" ? 0 : 3,
      lastError,
      nextAttemptAt: minutesAgo(-5),
    },
  });
}

beforeAll(async () => {
  await delivery("GITHUB", "PROCESSED", minutesAgo(1));
  await delivery("GITHUB", "PENDING", minutesAgo(2));
  await delivery("GITHUB", "FAILED", minutesAgo(3), `push: repository not found ${"x".repeat(2000)}`);
  await delivery("GITHUB", "QUARANTINED", minutesAgo(4), "pull_request: invalid payload");
  await delivery("ARGOCD", "IGNORED", minutesAgo(5));
  // Three failures received in the same millisecond: the id breaks the tie.
  for (let n = 0; n < 3; n += 1) await delivery("ARGOCD", "FAILED", minutesAgo(10), `snapshot ${n}: cluster unknown`);
  for (let n = 0; n < 20; n += 1) await delivery("BUILD", n % 2 ? "FAILED" : "QUARANTINED", minutesAgo(20 + n), `build ${n}`);
});

describe("listDeliveries", () => {
  it("lists failed and quarantined deliveries of every source, newest first, ties by id", async () => {
    const page = await listDeliveries({ limit: 200 });
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(2 + 3 + 20);
    expect(page.items.every((item) => item.status === "FAILED" || item.status === "QUARANTINED")).toBe(true);
    const keys = page.items.map((item) => [item.receivedAt.getTime(), item.id] as const);
    expect(keys).toEqual([...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]));
    expect(page.items[0]).toMatchObject({ source: "GITHUB", event: "push", status: "FAILED", attempts: 3, deliveryId: "d-3", orderingKey: null });
    expect(page.items[0]!.nextAttemptAt).toEqual(minutesAgo(-5));
    expect(page.items[0]!.lastError).toHaveLength(MAX_LISTED_ERROR_LENGTH);
    expect(page.items[1]).toMatchObject({ status: "QUARANTINED", nextAttemptAt: null, lastError: "pull_request: invalid payload" });
    expect(JSON.stringify(page)).not.toContain("do-not-list");
    expect(JSON.stringify(page)).not.toContain("authenticated-by");
  });

  it("filters by source and by retrying or quarantined", async () => {
    const argocd = await listDeliveries({ source: "ARGOCD" });
    expect(argocd.items.map((item) => item.lastError)).toEqual(["snapshot 2: cluster unknown", "snapshot 1: cluster unknown", "snapshot 0: cluster unknown"]);
    const quarantined = await listDeliveries({ status: "quarantined", limit: 200 });
    expect(quarantined.items.map((item) => item.status)).toEqual(Array(11).fill("QUARANTINED"));
    const retrying = await listDeliveries({ status: "retrying", source: "BUILD", limit: 200 });
    expect(retrying.items).toHaveLength(10);
    expect(retrying.items.every((item) => item.status === "FAILED" && item.source === "BUILD")).toBe(true);
  });

  it("walks pages with the cursor, through the same-millisecond ties, without skipping or repeating", async () => {
    const all = (await listDeliveries({ limit: 200 })).items.map((item) => item.id);
    const walked: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = listDeliveriesQuery.parse({ limit: "2", ...(cursor ? { cursor } : {}) });
      const page = await listDeliveries(query);
      walked.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(walked).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it("refuses bad query values with their names", () => {
    expect(listDeliveriesQuery.safeParse({ source: "bitbucket" }).error?.issues[0]).toMatchObject({ path: ["source"], message: "must be one of argocd, github, build, deployer, gitlab, flux" });
    expect(listDeliveriesQuery.safeParse({ status: "processed" }).error?.issues[0]?.path).toEqual(["status"]);
    expect(listDeliveriesQuery.safeParse({ cursor: "bm9wZQ" }).error?.issues[0]?.path).toEqual(["cursor"]);
    expect(listDeliveriesQuery.safeParse({ sort: "x" }).error?.issues[0]?.message).toBe("unknown query parameter: sort");
    expect(listDeliveriesQuery.parse({ source: "github" })).toMatchObject({ source: "GITHUB", status: "failed", limit: 25 });
  });
});
