// Issue 14, finding 10: GitHub's signature covers the body, not X-GitHub-Delivery, so a captured
// delivery can be resent under fresh delivery ids. Through the real route handler, with real
// signed payloads, on a database of this file's own (retention drops today's partition here):
// the body is stored once per retention window, whatever the ids.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../../../lib/db/client";
import { databaseUrl } from "../../../../../lib/env";
import { dropExpiredDeliveryPartitions } from "../../../../../lib/ingest/upkeep/delivery-retention";
import { dayPartition } from "../../../../../lib/ingest/upkeep/delivery-partitions";
import { githubFixtures, githubRequest, warmDatabase } from "../../../../support/webhooks";

vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");
afterAll(() => void vi.unstubAllEnvs());

const { POST } = await import("../../../../../app/api/webhooks/github/route");
const call = (request: Request) => POST(request, undefined);

const DAY = 86_400_000;
let payloads: Map<string, string>;
let client: pg.Client;

beforeAll(async () => {
  payloads = new Map((await githubFixtures()).map((fixture) => [fixture.file, fixture.text]));
  await warmDatabase();
  client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
});
afterAll(() => client.end());

const payload = (file: string) => {
  const text = payloads.get(file);
  if (text === undefined) throw new Error(`no fixture ${file}`);
  return text;
};
const rowsWithBody = (body: string) => getDb().webhookDelivery.findMany({ where: { source: "GITHUB", body }, orderBy: { id: "asc" } });

describe("a signed GitHub body resent under new delivery ids", () => {
  it("is stored once: 202 for the first id, 200 duplicate naming it for 5 more", async () => {
    const body = payload("push/payload.json");
    const first = randomUUID();
    const accepted = await call(githubRequest(body, { event: "push", delivery: first }));
    expect(accepted.status).toBe(202);

    for (let replay = 0; replay < 5; replay += 1) {
      const delivery = randomUUID();
      const response = await call(githubRequest(body, { event: "push", delivery }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "duplicate", deliveryId: delivery, duplicateOf: first });
    }
    expect((await rowsWithBody(body)).map((row) => row.deliveryId)).toEqual([first]);
    expect(await getDb().webhookDelivery.count({ where: { source: "GITHUB" } })).toBe(1);
  });

  it("stores a different body, and the same body under another event name is still the same body", async () => {
    const release = payload("release/published.payload.json");
    const delivery = randomUUID();
    expect((await call(githubRequest(release, { event: "release", delivery }))).status).toBe(202);
    expect(await rowsWithBody(release)).toHaveLength(1);

    // X-GitHub-Event is not signed either: relabelling a captured body stores nothing new.
    const relabelled = await call(githubRequest(release, { event: "push" }));
    expect(relabelled.status).toBe(200);
    expect(await relabelled.json()).toMatchObject({ status: "duplicate", duplicateOf: delivery });
    expect(await rowsWithBody(release)).toHaveLength(1);
  });

  it("stores one row when two copies under different ids arrive at once", async () => {
    const files = ["pull_request/opened.payload.json", "ping/payload.json", "create/payload.json", "delete/payload.json", "workflow_run/completed.payload.json"];
    for (const file of files) {
      const body = payload(file);
      const responses = await Promise.all([randomUUID(), randomUUID()].map((delivery) => call(githubRequest(body, { delivery }))));
      expect(responses.map((response) => response.status).sort(), file).toEqual([200, 202]);
      expect(await rowsWithBody(body), file).toHaveLength(1);
    }
  });

  it("is stored again once retention has dropped the day that held it", async () => {
    const body = payload("push/payload.json");
    const [stored] = await rowsWithBody(body);
    expect(stored).toBeDefined();
    // Retention keeps a day holding unfinished deliveries: the worker would have processed them.
    await getDb().webhookDelivery.updateMany({ data: { status: "PROCESSED", processedAt: new Date() } });
    const log = { info: () => undefined, warn: () => undefined };
    // Two days on, with one day of retention: today's partition has expired.
    const result = await dropExpiredDeliveryPartitions(client, { retentionDays: 1, now: new Date(Date.now() + 2 * DAY), log });
    expect(result.dropped).toContain(dayPartition(stored!.receivedAt).name);
    expect(await rowsWithBody(body)).toEqual([]);

    const delivery = randomUUID();
    const again = await call(githubRequest(body, { event: "push", delivery }));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ status: "accepted", deliveryId: delivery });
    expect((await rowsWithBody(body)).map((row) => row.deliveryId)).toEqual([delivery]);
  });
});
