import { describe, expect, it } from "vitest";
import { buildDoraSeries, doraGranularity, NO_MEDIANS, relativeChange, summarizeDora, type DoraDay } from "@/lib/metrics/summarize-dora";
import { previousDoraWindow, resolveDoraWindow } from "@/lib/metrics/dora-window";

const day = (date: string, values: Partial<DoraDay>): DoraDay => ({
  day: date, deployments: 0, failures: 0, leadCount: 0, leadSeconds: 0, restoreCount: 0, restoreSeconds: 0, ...values,
});

const window = resolveDoraWindow({ from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-10T00:00:00Z") });

describe("summarizeDora", () => {
  it("adds the days inside the window only, derives rate, frequency and means, and puts the medians beside them", () => {
    const days = [
      day("2026-09-30", { deployments: 50, failures: 50 }), // before the window
      day("2026-10-01", { deployments: 4, failures: 1, leadCount: 2, leadSeconds: 3_600, restoreCount: 1, restoreSeconds: 600 }),
      day("2026-10-10", { deployments: 6, failures: 0, leadCount: 1, leadSeconds: 7_200 }),
      day("2026-10-11", { deployments: 99 }), // after it
    ];
    expect(window.days).toBe(10);
    expect(summarizeDora(days, window, { leadTimeMedianSeconds: 1_800, restoreMedianSeconds: 600 })).toEqual({
      deployments: 10,
      deploymentsPerDay: 1,
      failures: 1,
      changeFailureRate: 0.1,
      leadTimeCommits: 3,
      leadTimeMedianSeconds: 1_800, // as given: medians come from the raw rows, not from sums
      leadTimeSeconds: 3_600, // (3600 + 7200) / 3
      incidents: 1,
      restoreMedianSeconds: 600,
      restoreSeconds: 600,
    });
  });

  it("has no rate or means without deployments, commits or incidents", () => {
    expect(summarizeDora([], window, NO_MEDIANS)).toMatchObject({
      deployments: 0, deploymentsPerDay: 0, changeFailureRate: null, leadTimeMedianSeconds: null, leadTimeSeconds: null, restoreMedianSeconds: null, restoreSeconds: null,
    });
  });
});

describe("buildDoraSeries", () => {
  it("has a point for every day of a short window, zeros included", () => {
    const medians = new Map([["2026-10-03", { leadTimeMedianSeconds: 60, restoreMedianSeconds: null }]]);
    const series = buildDoraSeries([day("2026-10-03", { deployments: 2, failures: 1, leadCount: 2, leadSeconds: 200 })], window, medians);
    expect(series).toHaveLength(10);
    expect(series[0]).toEqual({
      start: "2026-10-01", deployments: 0, failures: 0, changeFailureRate: null,
      leadTimeMedianSeconds: null, leadTimeSeconds: null, restoreMedianSeconds: null, restoreSeconds: null,
    });
    expect(series[2]).toMatchObject({ start: "2026-10-03", deployments: 2, failures: 1, changeFailureRate: 0.5, leadTimeMedianSeconds: 60, leadTimeSeconds: 100 });
  });

  it("uses weeks from the window's first day beyond 31 days, the last week cut at the window's end", () => {
    const long = resolveDoraWindow({ days: 90, now: new Date("2026-11-01T12:00:00Z") });
    expect(doraGranularity(long)).toBe("week");
    const series = buildDoraSeries([day(long.from.toISOString().slice(0, 10), { deployments: 3 }), day("2026-11-01", { deployments: 1 })], long, new Map());
    expect(series).toHaveLength(13);
    expect(series[0]).toMatchObject({ start: long.from.toISOString().slice(0, 10), deployments: 3 });
    expect(series.at(-1)).toMatchObject({ deployments: 1 });
    expect(series.reduce((sum, point) => sum + point.deployments, 0)).toBe(4);
  });
});

describe("windows", () => {
  it("the last N days end with today (UTC), and the previous window is just before", () => {
    const last7 = resolveDoraWindow({ days: 7, now: new Date("2026-11-01T23:59:00Z") });
    expect(last7.from.toISOString()).toBe("2026-10-26T00:00:00.000Z");
    expect(last7.to.toISOString()).toBe("2026-11-02T00:00:00.000Z");
    const previous = previousDoraWindow(last7);
    expect([previous.from.toISOString(), previous.to.toISOString(), previous.days]).toEqual(["2026-10-19T00:00:00.000Z", "2026-10-26T00:00:00.000Z", 7]);
  });

  it("a custom window includes its last day and refuses to run backwards", () => {
    expect(window.to.toISOString()).toBe("2026-10-11T00:00:00.000Z");
    expect(() => resolveDoraWindow({ from: new Date("2026-10-05T00:00:00Z"), to: new Date("2026-10-01T00:00:00Z") })).toThrow(RangeError);
  });
});

describe("relativeChange", () => {
  it("is the change relative to the previous value, null without one", () => {
    expect(relativeChange(12, 10)).toBeCloseTo(0.2);
    expect(relativeChange(5, 0)).toBeNull();
    expect(relativeChange(null, 3)).toBeNull();
  });
});
