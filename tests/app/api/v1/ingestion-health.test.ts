// GET /api/v1/ingestion/health: per source, last arrival, backlog, lag and latest failures;
// never a body or a header.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as ingestionHealthRoute } from "@/app/api/v1/ingestion/health/route";
import { getDb } from "@/lib/db/client";
import type { DeliverySource, DeliveryStatus } from "@/lib/generated/prisma/enums";
import { getIngestionHealth, ingestionHealthSchema } from "@/lib/ingest/status/get-ingestion-health";
import { callRoute } from "../../../support/read-api";

const now = new Date();
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
let sequence = 0;

async function delivery(source: DeliverySource, status: DeliveryStatus, receivedAt: Date, lastError?: string) {
  sequence += 1;
  return getDb().webhookDelivery.create({
    data: {
      source,
      deliveryId: `delivery-${sequence}`,
      event: source === "GITHUB" ? "push" : "on-deployed",
      headers: { authorization: "Bearer secret-token" },
      body: '{"secret":"do-not-show"}',
      status,
      receivedAt,
      attempts: status === "PENDING" ? 0 : 3,
      lastError,
    },
  });
}

describe("GET /api/v1/ingestion/health", () => {
  beforeAll(async () => {
    await delivery("GITHUB", "PROCESSED", hoursAgo(0.1));
    await delivery("GITHUB", "PENDING", hoursAgo(2));
    await delivery("GITHUB", "PENDING", hoursAgo(30));
    await delivery("GITHUB", "FAILED", hoursAgo(1), `push: repository not found ${"x".repeat(1000)}`);
    await delivery("GITHUB", "FAILED", hoursAgo(48), "push: older failure");
    await delivery("GITHUB", "QUARANTINED", hoursAgo(3), "pull_request: payload does not match schema");
    await delivery("ARGOCD", "PROCESSED", hoursAgo(5));
    await delivery("ARGOCD", "IGNORED", hoursAgo(4));
    for (let n = 0; n < 12; n += 1) await delivery("ARGOCD", "FAILED", hoursAgo(10 + n), `snapshot ${n}: cluster unknown`);
  });

  it("answers per source: last arrival, counts by status, queue lag (pending or waiting for a retry) and the latest failures", async () => {
    const answer = await callRoute(ingestionHealthRoute, "/api/v1/ingestion/health");
    expect(answer.status).toBe(200);
    const sources = Object.fromEntries(answer.body.sources.map((source: { source: string }) => [source.source, source]));
    expect(Object.keys(sources)).toEqual(["ARGOCD", "GITHUB", "BUILD", "DEPLOYER", "GITLAB", "FLUX"]);

    expect(sources.GITHUB).toMatchObject({
      lastReceivedAt: hoursAgo(0.1).toISOString(),
      pending: { total: 2, last24h: 1 },
      failed: { total: 2, last24h: 1 },
      quarantined: { total: 1, last24h: 1 },
    });
    // The failure from 48 hours ago still waits for its retry, so it is the oldest waiting delivery.
    expect(sources.GITHUB.oldestPendingReceivedAt).toBe(hoursAgo(48).toISOString());
    expect(sources.GITHUB.queueLagSeconds).toBeGreaterThanOrEqual(48 * 3600);
    expect(sources.GITHUB.queueLagSeconds).toBeLessThan(48 * 3600 + 60);
    expect(sources.GITHUB.recentProblems.map((problem: { status: string }) => problem.status)).toEqual(["FAILED", "QUARANTINED", "FAILED"]);
    expect(sources.GITHUB.recentProblems[0].lastError).toHaveLength(500);

    expect(sources.GITHUB.recentProblems[0].nextAttemptAt).toEqual(expect.any(String));
    expect(sources.GITHUB.recentProblems[1].nextAttemptAt).toBeNull();

    // Failed deliveries wait for their retry: the oldest of them is the lag.
    expect(sources.ARGOCD).toMatchObject({ pending: { total: 0, last24h: 0 }, failed: { total: 12, last24h: 12 }, oldestPendingReceivedAt: hoursAgo(21).toISOString() });
    expect(sources.ARGOCD.lastReceivedAt).toBe(hoursAgo(4).toISOString());
    expect(sources.ARGOCD.recentProblems).toHaveLength(10);
    expect(sources.ARGOCD.recentProblems[0]).toMatchObject({ status: "FAILED", lastError: "snapshot 0: cluster unknown", attempts: 3, id: expect.any(Number) });

    // Received in the last hour and day, and of those the ones failed or quarantined now.
    // The failure from exactly an hour before `now` is just outside the hour by the time the route runs.
    expect(sources.GITHUB).toMatchObject({ received: { lastHour: 1, lastDay: 4 }, failures: { lastHour: 0, lastDay: 2 } });
    expect(sources.ARGOCD).toMatchObject({ received: { lastHour: 0, lastDay: 14 }, failures: { lastHour: 0, lastDay: 12 } });

    expect(sources.BUILD).toEqual({
      source: "BUILD",
      lastReceivedAt: null,
      received: { lastHour: 0, lastDay: 0 },
      failures: { lastHour: 0, lastDay: 0 },
      pending: { total: 0, last24h: 0 },
      failed: { total: 0, last24h: 0 },
      quarantined: { total: 0, last24h: 0 },
      oldestPendingReceivedAt: null,
      queueLagSeconds: null,
      recentProblems: [],
    });
  });

  it("never answers a body or a header of a delivery", async () => {
    const answer = await callRoute(ingestionHealthRoute, "/api/v1/ingestion/health");
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain("do-not-show");
    expect(text).not.toContain("secret-token");
  });

  it("is described by its schema", async () => {
    const health = await getIngestionHealth({ now });
    expect(ingestionHealthSchema.parse(health)).toEqual(health);
  });
});
