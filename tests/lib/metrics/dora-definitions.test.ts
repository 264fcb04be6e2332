import { describe, expect, it } from "vitest";
import { DEFAULT_DORA_DEFINITIONS, doraDefinitionsSchema, parseStoredDoraDefinitions } from "@/lib/metrics/dora-definitions";
import { metricsPageQuery } from "@/lib/metrics/dora-query";
import { formatChange, formatDuration, formatPerDay, formatRate } from "@/lib/metrics/format-dora";

describe("DORA definitions", () => {
  it("fall back to the defaults when the stored value is missing or no longer valid", () => {
    expect(parseStoredDoraDefinitions(undefined)).toEqual(DEFAULT_DORA_DEFINITIONS);
    expect(parseStoredDoraDefinitions({ failureStatuses: [] })).toEqual(DEFAULT_DORA_DEFINITIONS);
  });

  it("keep a valid choice, with failure statuses sorted and unique", () => {
    expect(parseStoredDoraDefinitions({ productionEnvironments: ["prod"], failureStatuses: ["ROLLED_BACK", "FAILED", "FAILED"], leadTimeStart: "merge" })).toEqual({
      productionEnvironments: ["prod"],
      failureStatuses: ["FAILED", "ROLLED_BACK"],
      leadTimeStart: "merge",
    });
  });

  it("refuse what cannot be meant, saying why", () => {
    const result = doraDefinitionsSchema.safeParse({ productionEnvironments: [], failureStatuses: ["BROKEN"], leadTimeStart: "push", extra: 1 });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining("productionEnvironments: name at least one production environment"),
        expect.stringContaining("failureStatuses.0: must be one of FAILED, DEGRADED, ROLLED_BACK"),
        "leadTimeStart: must be commit or merge",
      ]),
    );
  });
});

describe("the /metrics query", () => {
  it("reads scope, window and drill-down, and refuses a window running backwards", () => {
    expect(metricsPageQuery.parse({ team: "payments", days: "7", drill: "failures" })).toEqual({ team: "payments", days: 7, drill: "failures" });
    expect(metricsPageQuery.safeParse({ from: "2026-10-05", to: "2026-10-01" }).error?.issues[0]?.message).toBe("must be on or before to");
    expect(metricsPageQuery.safeParse({ days: "0" }).success).toBe(false);
    expect(metricsPageQuery.safeParse({ drill: "everything" }).success).toBe(false);
    expect(metricsPageQuery.safeParse({ colour: "red" }).error?.issues[0]?.message).toBe("unknown query parameter: colour");
  });
});

describe("formatting", () => {
  it("durations in the largest sensible unit, rates in percent, changes signed", () => {
    expect([formatDuration(null), formatDuration(42), formatDuration(150), formatDuration(5_400), formatDuration(3 * 86_400)]).toEqual(["—", "42 s", "3 min", "1.5 h", "3.0 d"]);
    expect([formatRate(null), formatRate(0.1234)]).toEqual(["—", "12.3%"]);
    expect([formatPerDay(0.5), formatPerDay(2.25), formatPerDay(12.4)]).toEqual(["0.50/day", "2.3/day", "12/day"]);
    expect([formatChange(null), formatChange(0.001), formatChange(0.25), formatChange(-0.1)]).toEqual([null, "no change", "+25%", "−10%"]);
  });
});
