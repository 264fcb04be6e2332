// The median cache answers a question again only while the rollup days it belongs to are unchanged,
// shares one computation between concurrent askers, and forgets failures.
import { describe, expect, it } from "vitest";
import { DEFAULT_DORA_DEFINITIONS } from "@/lib/metrics/dora-definitions";
import { cachedDoraMedians, type DoraMedianQuestion, doraMedianKey } from "@/lib/metrics/dora-median-cache";
import { resolveDoraWindow } from "@/lib/metrics/dora-window";
import type { DoraMedianSet } from "@/lib/metrics/list-dora-medians";
import { NO_MEDIANS } from "@/lib/metrics/summarize-dora";

const day = { day: "2026-10-02", deployments: 3, failures: 1, leadCount: 2, leadSeconds: 100, restoreCount: 1, restoreSeconds: 60 };
const question = (changes: Partial<DoraMedianQuestion> = {}): DoraMedianQuestion => ({
  scope: { teamId: 1, serviceId: null },
  definitions: DEFAULT_DORA_DEFINITIONS,
  window: resolveDoraWindow({ from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-07T00:00:00Z") }),
  granularity: "day",
  days: [day],
  ...changes,
});
const answer = (seconds: number): DoraMedianSet => ({ current: { leadTimeMedianSeconds: seconds, restoreMedianSeconds: null }, previous: NO_MEDIANS, buckets: new Map() });

describe("the DORA median cache", () => {
  it("keys on the scope, definitions, window, granularity and the rollup sums", () => {
    const key = doraMedianKey(question());
    expect(doraMedianKey(question())).toBe(key);
    expect(doraMedianKey(question({ scope: { teamId: 2, serviceId: null } }))).not.toBe(key);
    expect(doraMedianKey(question({ definitions: { ...DEFAULT_DORA_DEFINITIONS, leadTimeStart: "merge" } }))).not.toBe(key);
    expect(doraMedianKey(question({ granularity: "week" }))).not.toBe(key);
    expect(doraMedianKey(question({ days: [{ ...day, leadSeconds: 101 }] }))).not.toBe(key);
    expect(doraMedianKey(question({ days: [{ ...day, restoreCount: 2 }] }))).not.toBe(key);
    // Deployments and failures do not move a median.
    expect(doraMedianKey(question({ days: [{ ...day, deployments: 4 }] }))).toBe(key);
  });

  it("computes once per key, concurrent askers included, and again when the rollups move", async () => {
    let computed = 0;
    const compute = async () => answer(++computed);
    const scope = { teamId: 99, serviceId: null };
    const [first, second] = await Promise.all([cachedDoraMedians(question({ scope }), compute), cachedDoraMedians(question({ scope }), compute)]);
    expect(first).toBe(second);
    expect(computed).toBe(1);
    const moved = await cachedDoraMedians(question({ scope, days: [{ ...day, leadCount: 3 }] }), compute);
    expect(moved.current.leadTimeMedianSeconds).toBe(2);
  });

  it("does not remember a failure", async () => {
    const scope = { teamId: 98, serviceId: null };
    await expect(cachedDoraMedians(question({ scope }), () => Promise.reject(new Error("database went away")))).rejects.toThrow("database went away");
    expect((await cachedDoraMedians(question({ scope }), async () => answer(7))).current.leadTimeMedianSeconds).toBe(7);
  });
});
