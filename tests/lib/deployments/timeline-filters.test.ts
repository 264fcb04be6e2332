import { describe, expect, it } from "vitest";
import { listDeploymentsQuery } from "../../../lib/deployments/list-deployments";
import {
  hasTimelineFilters,
  quickRangeFilters,
  readListFilter,
  readTimelineFilters,
  TIMELINE_FILTER_NAMES,
  timelineHref,
  timelineSearchParams,
  toggleListFilter,
  withTimelineFilters,
} from "../../../lib/deployments/timeline-filters";

describe("timeline filters in the URL", () => {
  it("uses exactly listDeploymentsQuery's filter names, so a timeline URL is an API query string", () => {
    const apiNames = Object.keys(listDeploymentsQuery.shape).filter((name) => name !== "limit" && name !== "cursor");
    expect([...TIMELINE_FILTER_NAMES].sort()).toEqual(apiNames.sort());
  });

  it("reads filters from a query string, dropping blanks, unknown names and repeats", () => {
    const filters = readTimelineFilters(new URLSearchParams("team=payments&environment=&status=FAILED&teem=x&team=other&q=%20api%20"));
    expect(filters).toEqual({ team: "payments", status: "FAILED", q: "api" });
  });

  it("reads Next's searchParams object the same way", () => {
    expect(readTimelineFilters({ service: "basket-api", cluster: ["prod-a", "prod-b"], region: undefined, cursor: "abc" })).toEqual({
      service: "basket-api",
      cluster: "prod-a",
    });
  });

  it("writes filters in one stable order, so equal filters give equal URLs", () => {
    const a = timelineSearchParams({ q: "pay", team: "payments", environment: "prod" }).toString();
    const b = timelineSearchParams({ environment: "prod", team: "payments", q: "pay" }).toString();
    expect(a).toBe("team=payments&environment=prod&q=pay");
    expect(b).toBe(a);
  });

  it("round-trips through the URL, including characters that need escaping", () => {
    const filters = { service: "a&b", initiatedBy: "jane@example.com", q: "v1.2 #3", from: "2026-11-01T09:30:00+01:00" };
    expect(readTimelineFilters(new URLSearchParams(timelineHref(filters).split("?")[1]))).toEqual(filters);
  });

  it("links to the bare timeline when nothing is filtered", () => {
    expect(timelineHref({})).toBe("/timeline");
    expect(timelineHref({ team: "payments", status: "FAILED" })).toBe("/timeline?team=payments&status=FAILED");
    expect(hasTimelineFilters({})).toBe(false);
    expect(hasTimelineFilters({ to: "2026-11-01" })).toBe(true);
  });

  it("spells several statuses with plain commas, a query string the API accepts", () => {
    const href = timelineHref({ team: "payments", status: "FAILED,DEGRADED" });
    expect(href).toBe("/timeline?team=payments&status=FAILED,DEGRADED");
    const filters = readTimelineFilters(new URLSearchParams(href.split("?")[1]));
    expect(filters).toEqual({ team: "payments", status: "FAILED,DEGRADED" });
    expect(listDeploymentsQuery.parse(filters).status).toEqual(["FAILED", "DEGRADED"]);
  });

  it("turns one status of a list on or off, in the form's order, each once", () => {
    const order = ["RUNNING", "SUCCEEDED", "FAILED", "DEGRADED", "ROLLED_BACK"];
    expect(readListFilter(undefined)).toEqual([]);
    expect(readListFilter("FAILED, DEGRADED,,FAILED")).toEqual(["FAILED", "DEGRADED"]);
    expect(toggleListFilter(undefined, "DEGRADED", true, order)).toBe("DEGRADED");
    expect(toggleListFilter("DEGRADED", "FAILED", true, order)).toBe("FAILED,DEGRADED");
    expect(toggleListFilter("FAILED,DEGRADED", "FAILED", true, order)).toBe("FAILED,DEGRADED");
    expect(toggleListFilter("FAILED,DEGRADED", "FAILED", false, order)).toBe("DEGRADED");
    expect(toggleListFilter("DEGRADED", "DEGRADED", false, order)).toBe("");
    // A value typed into the URL that the form does not list is kept, after the known ones.
    expect(toggleListFilter("BOGUS", "FAILED", true, order)).toBe("FAILED,BOGUS");
  });

  it("changes some filters and clears others with an empty value", () => {
    expect(withTimelineFilters({ team: "payments", status: "FAILED" }, { status: "", environment: " prod " })).toEqual({ team: "payments", environment: "prod" });
  });

  it("turns a quick range into a from the API accepts, leaving to open", () => {
    const filters = quickRangeFilters("24h", new Date("2026-11-24T18:05:42.123Z"));
    expect(filters.from).toBe("2026-11-23T18:05:00Z");
    expect(filters.to).toBeUndefined();
    expect(listDeploymentsQuery.safeParse({ from: filters.from }).success).toBe(true);
    expect(quickRangeFilters("7d", new Date("2026-11-24T18:05:00Z")).from).toBe("2026-11-17T18:05:00Z");
  });
});
