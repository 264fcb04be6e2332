// The 2023 State of DevOps Report's levels, one row per boundary: each bound and the values just
// either side of it, so moving a threshold or flipping < and <= fails a row.
import { describe, expect, it } from "vitest";
import { classifyDoraPerformance, classifyDoraTotals, type DoraLevel, type DoraLevelKey } from "@/lib/metrics/classify-dora-performance";

const HOUR = 3_600;
const DAY = 86_400;

const cases: [DoraLevelKey, number | null, DoraLevel | null][] = [
  ["deploymentFrequency", 12, "elite"],
  ["deploymentFrequency", 1, "elite"],
  ["deploymentFrequency", 0.99, "high"],
  ["deploymentFrequency", 1 / 7, "high"],
  ["deploymentFrequency", 1 / 7 - 1e-9, "medium"],
  ["deploymentFrequency", 1 / 30, "medium"],
  ["deploymentFrequency", 1 / 31, "low"],
  ["deploymentFrequency", 0, "low"],
  ["leadTime", 0, "elite"],
  ["leadTime", DAY - 1, "elite"],
  ["leadTime", DAY, "high"],
  ["leadTime", 7 * DAY - 1, "high"],
  ["leadTime", 7 * DAY, "medium"],
  ["leadTime", 30 * DAY - 1, "medium"],
  ["leadTime", 30 * DAY, "low"],
  ["leadTime", 200 * DAY, "low"],
  ["leadTime", null, null],
  ["changeFailureRate", 0, "elite"],
  ["changeFailureRate", 0.05, "elite"],
  ["changeFailureRate", 0.0501, "high"],
  ["changeFailureRate", 0.1, "high"],
  ["changeFailureRate", 0.1001, "medium"],
  ["changeFailureRate", 0.15, "medium"],
  ["changeFailureRate", 0.1501, "low"],
  ["changeFailureRate", 0.64, "low"],
  ["changeFailureRate", 1, "low"],
  ["changeFailureRate", null, null],
  ["restore", 59, "elite"],
  ["restore", HOUR - 1, "elite"],
  ["restore", HOUR, "high"],
  ["restore", DAY - 1, "high"],
  ["restore", DAY, "medium"],
  ["restore", 7 * DAY - 1, "medium"],
  ["restore", 7 * DAY, "low"],
  ["restore", 90 * DAY, "low"],
  ["restore", null, null],
  ["restore", Number.NaN, null],
];

describe("classifyDoraPerformance", () => {
  it.each(cases)("%s %s → %s", (key, value, level) => {
    expect(classifyDoraPerformance(key, value)).toBe(level);
  });
});

describe("classifyDoraTotals", () => {
  it("classifies each key of a window's totals, and nothing without deployments or samples", () => {
    expect(
      classifyDoraTotals({ deployments: 60, deploymentsPerDay: 2, leadTimeMedianSeconds: 3 * DAY, changeFailureRate: 0.12, restoreMedianSeconds: 30 * 60 }),
    ).toEqual({ deploymentFrequency: "elite", leadTime: "high", changeFailureRate: "medium", restore: "elite" });
    expect(classifyDoraTotals({ deployments: 0, deploymentsPerDay: 0, leadTimeMedianSeconds: null, changeFailureRate: null, restoreMedianSeconds: null })).toEqual({
      deploymentFrequency: null,
      leadTime: null,
      changeFailureRate: null,
      restore: null,
    });
  });
});
