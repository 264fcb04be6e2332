// The "too little data to compare" rule on hand-worked windows: coverage counted in days, the
// 90 % and 5-sample thresholds exactly at and just below their edges.
import { describe, expect, it } from "vitest";
import { compareDoraWindows } from "@/lib/metrics/compare-dora-windows";
import { previousDoraWindow, resolveDoraWindow } from "@/lib/metrics/dora-window";
import type { DoraTotals } from "@/lib/metrics/summarize-dora";

// The 30 days up to 2026-11-30: the previous window is 2026-10-02 … 2026-10-31 (30 days).
const window = resolveDoraWindow({ days: 30, now: new Date("2026-11-30T15:00:00Z") });
const previousWindow = previousDoraWindow(window);
const day = (text: string) => new Date(`${text}T00:00:00Z`);

function totals(deployments: number, leadTimeCommits: number, incidents: number): DoraTotals {
  return {
    deployments,
    deploymentsPerDay: deployments / 30,
    failures: 0,
    changeFailureRate: deployments === 0 ? null : 0,
    leadTimeCommits,
    leadTimeMedianSeconds: leadTimeCommits === 0 ? null : 60,
    leadTimeSeconds: leadTimeCommits === 0 ? null : 60,
    incidents,
    restoreMedianSeconds: incidents === 0 ? null : 60,
    restoreSeconds: incidents === 0 ? null : 60,
  };
}

describe("compareDoraWindows", () => {
  it("works on the windows the page uses", () => {
    expect(previousWindow).toEqual({ from: day("2026-10-02"), to: day("2026-11-01"), days: 30 });
  });

  it("compares when history covers the whole previous window and each metric has 5 samples", () => {
    const comparison = compareDoraWindows(previousWindow, totals(5, 5, 5), day("2026-01-15"));
    expect(comparison).toEqual({
      historyFrom: day("2026-01-15"),
      coveredDays: 30,
      deploymentFrequency: { comparable: true, reason: null },
      leadTime: { comparable: true, reason: null },
      changeFailureRate: { comparable: true, reason: null },
      timeToRestore: { comparable: true, reason: null },
    });
  });

  it("refuses a previous window mostly before the first recorded deployment (the +735 % case)", () => {
    // History from 10-27: 10-27 … 10-31 is 5 of 30 days (17 %), however many deployments they hold.
    const comparison = compareDoraWindows(previousWindow, totals(40, 40, 40), new Date("2026-10-27T13:45:00Z"));
    expect(comparison.historyFrom).toEqual(day("2026-10-27"));
    expect(comparison.coveredDays).toBe(5);
    const reason = "production deployments are recorded only from 2026-10-27: 5 of the previous 30 days";
    expect(comparison.deploymentFrequency).toEqual({ comparable: false, reason });
    expect(comparison.leadTime).toEqual({ comparable: false, reason });
    expect(comparison.changeFailureRate).toEqual({ comparable: false, reason });
    expect(comparison.timeToRestore).toEqual({ comparable: false, reason });
  });

  it("draws the coverage line at 90 %: 27 of 30 days compare, 26 do not", () => {
    // From 10-05: 10-05 … 10-31 = 27 days = 90 %. From 10-06: 26 days = 86.7 %.
    const at27 = compareDoraWindows(previousWindow, totals(9, 9, 9), day("2026-10-05"));
    expect([at27.coveredDays, at27.deploymentFrequency.comparable]).toEqual([27, true]);
    const at26 = compareDoraWindows(previousWindow, totals(9, 9, 9), day("2026-10-06"));
    expect([at26.coveredDays, at26.deploymentFrequency.comparable]).toEqual([26, false]);
  });

  it("draws the sample line at 5, per metric, each with its own noun", () => {
    const comparison = compareDoraWindows(previousWindow, totals(4, 1, 5), day("2026-01-01"));
    expect(comparison.deploymentFrequency).toEqual({ comparable: false, reason: "only 4 production deployments in the previous 30 days (fewer than 5)" });
    expect(comparison.changeFailureRate).toEqual(comparison.deploymentFrequency);
    expect(comparison.leadTime).toEqual({ comparable: false, reason: "only 1 commit reached production in the previous 30 days (fewer than 5)" });
    expect(comparison.timeToRestore).toEqual({ comparable: true, reason: null });
  });

  it("says so when nothing was recorded before the window", () => {
    for (const historyFrom of [null, day("2026-11-01"), day("2026-11-20")]) {
      const comparison = compareDoraWindows(previousWindow, totals(0, 0, 0), historyFrom);
      expect(comparison.coveredDays).toBe(0);
      expect(comparison.deploymentFrequency).toEqual({ comparable: false, reason: "no production deployments recorded before 2026-11-01" });
    }
  });
});
