// The DORA report's performance levels (elite / high / medium / low) for each of the four keys,
// from the 2023 Accelerate State of DevOps Report (Google Cloud / DORA), table "Software delivery
// performance levels". The report describes each cluster by a typical value or a range rather
// than by cut-offs, and its low cluster repeats the medium cluster's deployment frequency and
// lead time; so each key is classified with the boundaries between the report's ranges, and
// anything worse than medium is low. Pure, so the page, the API and docs/metrics.md agree.
import { z } from "zod";

export const DORA_PERFORMANCE_REPORT = "2023 Accelerate State of DevOps Report (DORA)";

export const DORA_LEVELS = ["elite", "high", "medium", "low"] as const;
export type DoraLevel = (typeof DORA_LEVELS)[number];
export const doraLevelSchema = z.enum(DORA_LEVELS).nullable().meta({ description: "The 2023 State of DevOps Report's performance level; null without data." });

const HOUR = 3_600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

export type DoraLevelKey = "deploymentFrequency" | "leadTime" | "changeFailureRate" | "restore";

/**
 * Per key, the best levels first with the largest (or, for deployment frequency, the smallest)
 * value that still reaches them; `description` is the report's own wording for that level.
 */
export const DORA_THRESHOLDS: Record<DoraLevelKey, { unit: string; better: "higher" | "lower"; levels: { level: Exclude<DoraLevel, "low">; bound: number; description: string }[]; low: string }> = {
  deploymentFrequency: {
    unit: "production deployments per day",
    better: "higher",
    levels: [
      { level: "elite", bound: 1, description: "on demand (multiple deploys per day): at least one a day" },
      { level: "high", bound: 1 / 7, description: "between once per day and once per week" },
      { level: "medium", bound: 1 / 30, description: "between once per week and once per month" },
    ],
    low: "less than once per month",
  },
  leadTime: {
    unit: "seconds (median lead time for changes)",
    better: "lower",
    levels: [
      { level: "elite", bound: DAY, description: "less than one day" },
      { level: "high", bound: WEEK, description: "between one day and one week" },
      { level: "medium", bound: MONTH, description: "between one week and one month" },
    ],
    low: "more than one month",
  },
  changeFailureRate: {
    unit: "failures ÷ deployments",
    better: "lower",
    levels: [
      { level: "elite", bound: 0.05, description: "5 % or less" },
      { level: "high", bound: 0.1, description: "10 % or less" },
      { level: "medium", bound: 0.15, description: "15 % or less" },
    ],
    low: "more than 15 % (the report's low cluster: 64 %)",
  },
  restore: {
    unit: "seconds (median failed deployment recovery time)",
    better: "lower",
    levels: [
      { level: "elite", bound: HOUR, description: "less than one hour" },
      { level: "high", bound: DAY, description: "less than one day" },
      { level: "medium", bound: WEEK, description: "between one day and one week" },
    ],
    low: "more than one week (the report's low cluster: one to six months)",
  },
};

/**
 * The level of one key's value; null when there is no value (no deployments, commits or restored
 * incidents). Bounds are strict for durations ("less than one day") and inclusive for rates and
 * frequencies ("5 %", "once per day").
 */
export function classifyDoraPerformance(key: DoraLevelKey, value: number | null): DoraLevel | null {
  if (value === null || !Number.isFinite(value)) return null;
  const { better, levels } = DORA_THRESHOLDS[key];
  const strict = key === "leadTime" || key === "restore";
  for (const { level, bound } of levels) {
    const reaches = better === "higher" ? value >= bound : strict ? value < bound : value <= bound;
    if (reaches) return level;
  }
  return "low";
}

export type DoraLevels = Record<DoraLevelKey, DoraLevel | null>;

/** The four keys' levels of a window's totals (DoraTotals' field names). */
export function classifyDoraTotals(totals: {
  deploymentsPerDay: number;
  deployments: number;
  leadTimeMedianSeconds: number | null;
  changeFailureRate: number | null;
  restoreMedianSeconds: number | null;
}): DoraLevels {
  return {
    // No deployment in a 7-day window says nothing about once a month: without deployments there
    // is nothing to classify, as for the other three keys without samples.
    deploymentFrequency: totals.deployments === 0 ? null : classifyDoraPerformance("deploymentFrequency", totals.deploymentsPerDay),
    leadTime: classifyDoraPerformance("leadTime", totals.leadTimeMedianSeconds),
    changeFailureRate: classifyDoraPerformance("changeFailureRate", totals.changeFailureRate),
    restore: classifyDoraPerformance("restore", totals.restoreMedianSeconds),
  };
}
