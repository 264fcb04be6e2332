// The Argo CD reconciliation loop outlives the database going away (issue 13, section 6): taking
// its turn is a query, and a failed one used to end the loop for the life of the process (and,
// in `npm run worker`, reject the worker's top-level Promise.all).
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { runArgoCdReconciliation } from "@/lib/argocd/run-argocd-reconciliation";
import { databaseUrl, useDatabaseUrl } from "@/lib/env";

const saved = { instances: process.env.ARGOCD_INSTANCES, interval: process.env.ARGOCD_POLL_INTERVAL_SECONDS };
afterEach(() => {
  process.env.ARGOCD_INSTANCES = saved.instances;
  process.env.ARGOCD_POLL_INTERVAL_SECONDS = saved.interval;
  if (saved.instances === undefined) delete process.env.ARGOCD_INSTANCES;
  if (saved.interval === undefined) delete process.env.ARGOCD_POLL_INTERVAL_SECONDS;
  useDatabaseUrl(databaseUrl()); // forgets the cached settings
});

describe("runArgoCdReconciliation", () => {
  it("keeps polling after taking its turn failed because the database was unavailable", { timeout: 20_000 }, async () => {
    process.env.ARGOCD_INSTANCES = JSON.stringify([{ name: "prod", url: "https://argocd.invalid", token: "t" }]);
    process.env.ARGOCD_POLL_INTERVAL_SECONDS = "1";
    useDatabaseUrl(databaseUrl());
    const stop = new AbortController();
    let turns = 0;
    // Unavailable on the first turn (as Prisma reports it), then another worker's turn: nothing to poll.
    const db = {
      $queryRaw: async () => {
        turns += 1;
        if (turns === 1) throw Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" });
        if (turns >= 2) stop.abort();
        return [];
      },
      setting: { upsert: async () => ({}) },
    } as unknown as Db;
    const lines: string[] = [];

    await expect(runArgoCdReconciliation(db, { signal: stop.signal, log: (line) => lines.push(line), firstDelayMs: 0 })).resolves.toBeUndefined();
    expect(turns).toBe(2);
    expect(lines).toContain("prod: poll failed: Can't reach database server at 127.0.0.1:5432");
  });
});
