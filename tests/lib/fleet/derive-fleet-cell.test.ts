import { describe, expect, it } from "vitest";
import { deriveFleetCell, describeEnvironmentSkew, worstHealth, type CellApplications } from "@/lib/fleet/derive-fleet-cell";
import { versionLabel } from "@/lib/fleet/version-label";

const day = (n: number) => new Date(Date.UTC(2026, 10, n));
const apps = (overrides: Partial<CellApplications>): CellApplications => ({
  health: "HEALTHY",
  outOfSync: false,
  version: "1.0.0",
  versionSeenAt: day(1),
  count: 1,
  ...overrides,
});

describe("worstHealth", () => {
  it("ranks degraded worst, then missing, unknown, progressing, suspended, healthy", () => {
    expect(worstHealth(["HEALTHY", "PROGRESSING", "DEGRADED", "MISSING"])).toBe("DEGRADED");
    expect(worstHealth(["HEALTHY", "UNKNOWN", "MISSING"])).toBe("MISSING");
    expect(worstHealth(["PROGRESSING", "UNKNOWN"])).toBe("UNKNOWN");
    expect(worstHealth(["SUSPENDED", "PROGRESSING"])).toBe("PROGRESSING");
    expect(worstHealth(["HEALTHY", "SUSPENDED"])).toBe("SUSPENDED");
    expect(worstHealth([])).toBeNull();
  });
});

describe("deriveFleetCell", () => {
  it("counts applications per health and out of sync, and takes the worst health", () => {
    const cell = deriveFleetCell("prod", [
      apps({ count: 3 }),
      apps({ health: "DEGRADED", outOfSync: true, count: 1 }),
      apps({ health: "PROGRESSING", outOfSync: true, count: 2 }),
    ]);
    expect(cell).toEqual({
      environment: "prod",
      applications: 6,
      health: "DEGRADED",
      healthCounts: { HEALTHY: 3, DEGRADED: 1, PROGRESSING: 2 },
      outOfSync: 3,
      versions: ["1.0.0"],
      versionCount: 1,
      clusterSkew: false,
    });
  });

  it("marks cluster skew when the cell's clusters run different versions, newest first", () => {
    const cell = deriveFleetCell("prod", [
      apps({ version: "1.0.0", versionSeenAt: day(1) }),
      apps({ version: "1.2.0", versionSeenAt: day(3) }),
      apps({ version: "1.1.0", versionSeenAt: day(2) }),
      apps({ version: "1.1.0", versionSeenAt: day(2) }),
    ]);
    expect(cell.versions).toEqual(["1.2.0", "1.1.0", "1.0.0"]);
    expect(cell.versionCount).toBe(3);
    expect(cell.clusterSkew).toBe(true);
    expect(versionLabel(cell)).toBe("3 versions");
  });

  it("leaves applications without a known release out of the versions, and out of skew", () => {
    const cell = deriveFleetCell("dev", [apps({ version: null, versionSeenAt: null }), apps({})]);
    expect(cell.versions).toEqual(["1.0.0"]);
    expect(cell.clusterSkew).toBe(false);
    expect(versionLabel(deriveFleetCell("dev", [apps({ version: null, versionSeenAt: null })]))).toBe("unknown");
  });

  it("lists at most five versions but counts them all", () => {
    const cell = deriveFleetCell(
      "prod",
      Array.from({ length: 7 }, (_, index) => apps({ version: `1.${index}.0`, versionSeenAt: day(index + 1) })),
    );
    expect(cell.versions).toEqual(["1.6.0", "1.5.0", "1.4.0", "1.3.0", "1.2.0"]);
    expect(cell.versionCount).toBe(7);
  });
});

describe("describeEnvironmentSkew", () => {
  const cell = (environment: string, ...versions: string[]) =>
    deriveFleetCell(environment, versions.map((version, index) => apps({ version, versionSeenAt: day(index + 1) })));

  it("is null when every environment runs the same version, or only one has a known version", () => {
    expect(describeEnvironmentSkew([cell("dev", "1.0.0"), null, cell("prod", "1.0.0")])).toBeNull();
    expect(describeEnvironmentSkew([cell("dev", "1.0.0"), deriveFleetCell("prod", [apps({ version: null })])])).toBeNull();
    expect(describeEnvironmentSkew([])).toBeNull();
  });

  it("says which environment runs what when staging is ahead of prod", () => {
    expect(describeEnvironmentSkew([cell("dev", "1.4.0"), cell("staging", "1.4.0"), cell("prod", "1.3.9")])).toBe(
      "dev runs 1.4.0, staging runs 1.4.0, prod runs 1.3.9",
    );
  });

  it("compares the sets of versions, so two skewed cells with the same mix agree", () => {
    expect(describeEnvironmentSkew([cell("staging", "1.0.0", "1.1.0"), cell("prod", "1.1.0", "1.0.0")])).toBeNull();
    expect(describeEnvironmentSkew([cell("staging", "1.0.0", "1.1.0"), cell("prod", "1.1.0")])).toBe("staging runs 2 versions, prod runs 1.1.0");
  });
});
