// The refresher loop beside the workers: deployments written while it runs reach the rollups
// within a moment, and it stops when told to.
import { expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { computeDoraDaysFromRaw } from "@/lib/metrics/compute-dora-from-raw";
import { DEFAULT_DORA_DEFINITIONS } from "@/lib/metrics/dora-definitions";
import { resolveDoraWindow } from "@/lib/metrics/dora-window";
import { listDoraDays } from "@/lib/metrics/list-dora-days";
import { runDoraRefresher } from "@/lib/metrics/run-dora-refresher";
import { addRandomDeployments, createDoraFleet, randomNumbers } from "./dora-fleet-fixture";

it("keeps the rollups equal to the raw rows while deployments arrive, and stops on abort", async () => {
  const db = getDb();
  const now = new Date("2026-03-01T12:00:00Z");
  const random = randomNumbers(7);
  const fleet = await createDoraFleet(db, random, now);
  const controller = new AbortController();
  const running = runDoraRefresher({ signal: controller.signal, intervalMs: 20, busyIntervalMs: 20, db });
  const window = resolveDoraWindow({ days: 90, now });
  const scope = { teamId: null, serviceId: null };
  for (let round = 0; round < 3; round += 1) {
    await addRandomDeployments(db, random, fleet, now, 40);
    await expect.poll(() => db.doraDirtyMark.count(), { timeout: 10_000, interval: 50 }).toBe(0);
    const raw = await computeDoraDaysFromRaw(scope, window, DEFAULT_DORA_DEFINITIONS, db);
    expect(raw.length).toBeGreaterThan(0);
    expect(await listDoraDays(scope, window, db)).toEqual(raw);
  }
  controller.abort();
  await expect(running).resolves.toBeUndefined();
});
