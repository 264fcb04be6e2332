import { describe, expect, it } from "vitest";
import { readSearchParams } from "@/lib/api/read-search-params";
import { fleetMatrixQuery, readFleetView } from "@/lib/fleet/fleet-matrix-query";
import { fleetViewSearch } from "@/lib/fleet/fleet-view";

describe("readFleetView (the page's URL)", () => {
  it("defaults to no grouping, no search and no filter", () => {
    expect(readFleetView({})).toEqual({ ok: true, view: { group: "none" } });
  });

  it("reads group, q and only, ignoring blanks and unknown parameters", () => {
    expect(readFleetView({ group: "team", q: "pay", only: "degraded", offset: "40", utm: "x" })).toEqual({
      ok: true,
      view: { group: "team", q: "pay", only: "degraded" },
    });
    expect(readFleetView({ group: "", q: "", only: "" })).toEqual({ ok: true, view: { group: "none" } });
  });

  it("names each bad value and keeps the good ones", () => {
    const reading = readFleetView({ group: "planet", q: "pay", only: "broken" });
    expect(reading.ok).toBe(false);
    expect(reading.view).toEqual({ group: "none", q: "pay" });
    expect(!reading.ok && reading.problems).toEqual([
      "group “planet”: must be one of none, team, environment, cluster, region",
      "only “broken”: must be one of degraded, out-of-sync, skewed",
    ]);
  });

  it("refuses a parameter given twice", () => {
    const reading = readFleetView({ group: ["team", "cluster"] });
    expect(!reading.ok && reading.problems).toEqual(["group “team, cluster”: given more than once"]);
  });
});

describe("fleetViewSearch", () => {
  it("leaves defaults out and round-trips through readFleetView", () => {
    expect(fleetViewSearch({ group: "none" })).toBe("");
    const search = fleetViewSearch({ group: "cluster", q: "pay ments", only: "skewed" });
    expect(search).toBe("?group=cluster&q=pay+ments&only=skewed");
    expect(readFleetView(Object.fromEntries(new URLSearchParams(search)))).toEqual({
      ok: true,
      view: { group: "cluster", q: "pay ments", only: "skewed" },
    });
  });
});

describe("fleetMatrixQuery (the API's query string)", () => {
  it("defaults the window to the first 100 rows", () => {
    expect(readSearchParams(fleetMatrixQuery, new URLSearchParams(""))).toEqual({ group: "none", offset: 0, limit: 100 });
  });

  it("refuses bad values and unknown parameters with their names", () => {
    const error = (query: string) => {
      try {
        readSearchParams(fleetMatrixQuery, new URLSearchParams(query));
        return null;
      } catch (caught) {
        return (caught as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      }
    };
    expect(error("group=team&offset=20&limit=50")).toBeNull();
    expect(error("group=planet")).toEqual(["group: must be one of none, team, environment, cluster, region"]);
    expect(error("offset=-1")).toEqual(["offset: must be at least 0"]);
    expect(error("limit=500")).toEqual(["limit: must be at most 200"]);
    expect(error("cursor=abc")).toEqual([": unknown query parameter: cursor"]);
  });
});
