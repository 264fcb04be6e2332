// DORA arithmetic over daily production sums: totals, rates, means, and a trend series per day
// or per week. Pure; the rollup read and the raw oracle both hand their days to it.
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
  /** Mean seconds from commit (or merge) to production; null without commits. */
  leadTimeSeconds: number | null;
  /** Incidents (failure → restoring deployment) that started in the window and are restored. */
  incidents: number;
  /** Mean seconds to restore; null without incidents. */
  restoreSeconds: number | null;
};

export type DoraSeriesPoint = {
  /** First day of the bucket. */
  start: string;
  deployments: number;
  failures: number;
  changeFailureRate: number | null;
  leadTimeSeconds: number | null;
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

export function summarizeDora(days: DoraDay[], window: DoraWindow): DoraTotals {
  const sum = sumDoraDays(days, utcDayKey(window.from), utcDayKey(window.to));
  return {
    deployments: sum.deployments,
    deploymentsPerDay: sum.deployments / window.days,
    failures: sum.failures,
    changeFailureRate: ratio(sum.failures, sum.deployments),
    leadTimeCommits: sum.leadCount,
    leadTimeSeconds: ratio(sum.leadSeconds, sum.leadCount),
    incidents: sum.restoreCount,
    restoreSeconds: ratio(sum.restoreSeconds, sum.restoreCount),
  };
}

/** Per day up to 31 days, per week (7-day buckets from the window's first day) beyond. */
export function doraGranularity(window: DoraWindow): DoraGranularity {
  return window.days <= 31 ? "day" : "week";
}

export function buildDoraSeries(days: DoraDay[], window: DoraWindow, granularity = doraGranularity(window)): DoraSeriesPoint[] {
  const step = granularity === "day" ? 1 : 7;
  const points: DoraSeriesPoint[] = [];
  for (let start = window.from; start.getTime() < window.to.getTime(); start = addDays(start, step)) {
    const end = new Date(Math.min(addDays(start, step).getTime(), window.to.getTime()));
    const sum = sumDoraDays(days, utcDayKey(start), utcDayKey(end));
    points.push({
      start: utcDayKey(start),
      deployments: sum.deployments,
      failures: sum.failures,
      changeFailureRate: ratio(sum.failures, sum.deployments),
      leadTimeSeconds: ratio(sum.leadSeconds, sum.leadCount),
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
