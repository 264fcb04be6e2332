// DORA arithmetic over daily production sums: totals, rates, means, and a trend series per day
// or per week, with the medians (which no sum can give; list-dora-medians.ts) put beside the
// means. Pure; the rollup read and the raw oracle both hand their days to it.
import { addDays, type DoraWindow, utcDayKey } from "./dora-window";

export type DoraDay = {
  /** 2026-11-01 (UTC). */
  day: string;
  deployments: number;
  failures: number;
  leadCount: number;
  leadSeconds: number;
  restoreCount: number;
  restoreSeconds: number;
};

export type DoraTotals = {
  deployments: number;
  /** Production deployments per day over the window. */
  deploymentsPerDay: number;
  failures: number;
  /** failures / deployments; null without deployments. */
  changeFailureRate: number | null;
  /** Commits that reached production in the window. */
  leadTimeCommits: number;
  /** Median seconds from commit (or merge) to production: the headline; null without commits. */
  leadTimeMedianSeconds: number | null;
  /** Mean seconds from commit (or merge) to production; null without commits. */
  leadTimeSeconds: number | null;
  /** Incidents (failure → restoring deployment) that started in the window and are restored. */
  incidents: number;
  /** Median seconds to restore: the headline; null without incidents. */
  restoreMedianSeconds: number | null;
  /** Mean seconds to restore; null without incidents. */
  restoreSeconds: number | null;
};

export type DoraMedians = {
  /** Median seconds from commit (or merge) to production; null without commits. */
  leadTimeMedianSeconds: number | null;
  /** Median seconds to restore; null without restored incidents. */
  restoreMedianSeconds: number | null;
};

export const NO_MEDIANS: DoraMedians = { leadTimeMedianSeconds: null, restoreMedianSeconds: null };

export type DoraSeriesPoint = {
  /** First day of the bucket. */
  start: string;
  deployments: number;
  failures: number;
  changeFailureRate: number | null;
  leadTimeMedianSeconds: number | null;
  /** Mean. */
  leadTimeSeconds: number | null;
  restoreMedianSeconds: number | null;
  /** Mean. */
  restoreSeconds: number | null;
};

export type DoraGranularity = "day" | "week";

export function sumDoraDays(days: DoraDay[], from: string, to: string): Omit<DoraDay, "day"> {
  const sum = { deployments: 0, failures: 0, leadCount: 0, leadSeconds: 0, restoreCount: 0, restoreSeconds: 0 };
  for (const day of days) {
    if (day.day < from || day.day >= to) continue;
    sum.deployments += day.deployments;
    sum.failures += day.failures;
    sum.leadCount += day.leadCount;
    sum.leadSeconds += day.leadSeconds;
    sum.restoreCount += day.restoreCount;
    sum.restoreSeconds += day.restoreSeconds;
  }
  return sum;
}

export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Totals of the days in the window, with the window's medians (listDoraMedians). */
export function summarizeDora(days: DoraDay[], window: DoraWindow, medians: DoraMedians): DoraTotals {
  const sum = sumDoraDays(days, utcDayKey(window.from), utcDayKey(window.to));
  return {
    deployments: sum.deployments,
    deploymentsPerDay: sum.deployments / window.days,
    failures: sum.failures,
    changeFailureRate: ratio(sum.failures, sum.deployments),
    leadTimeCommits: sum.leadCount,
    leadTimeMedianSeconds: medians.leadTimeMedianSeconds,
    leadTimeSeconds: ratio(sum.leadSeconds, sum.leadCount),
    incidents: sum.restoreCount,
    restoreMedianSeconds: medians.restoreMedianSeconds,
    restoreSeconds: ratio(sum.restoreSeconds, sum.restoreCount),
  };
}

/** Per day up to 31 days, per week (7-day buckets from the window's first day) beyond. */
export function doraGranularity(window: DoraWindow): DoraGranularity {
  return window.days <= 31 ? "day" : "week";
}

/** `medians`: by the bucket's first day, as listDoraMedians gives them for the same granularity. */
export function buildDoraSeries(
  days: DoraDay[],
  window: DoraWindow,
  medians: ReadonlyMap<string, DoraMedians>,
  granularity = doraGranularity(window),
): DoraSeriesPoint[] {
  const step = granularity === "day" ? 1 : 7;
  const points: DoraSeriesPoint[] = [];
  for (let start = window.from; start.getTime() < window.to.getTime(); start = addDays(start, step)) {
    const end = new Date(Math.min(addDays(start, step).getTime(), window.to.getTime()));
    const sum = sumDoraDays(days, utcDayKey(start), utcDayKey(end));
    const median = medians.get(utcDayKey(start)) ?? NO_MEDIANS;
    points.push({
      start: utcDayKey(start),
      deployments: sum.deployments,
      failures: sum.failures,
      changeFailureRate: ratio(sum.failures, sum.deployments),
      leadTimeMedianSeconds: median.leadTimeMedianSeconds,
      leadTimeSeconds: ratio(sum.leadSeconds, sum.leadCount),
      restoreMedianSeconds: median.restoreMedianSeconds,
      restoreSeconds: ratio(sum.restoreSeconds, sum.restoreCount),
    });
  }
  return points;
}

/** Relative change from previous to current; null when there is nothing to compare against. */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}
