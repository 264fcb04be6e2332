// Wave plans checked on random fleets (fast-check) against what a wave plan promises: every
// application exactly once, a cluster never split, the canary first, then one region per wave in
// the configured order, at most `waveSize` clusters per wave; plus the default on a small fleet.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type WaveMember, orderRegions, planPromotionWaves } from "@/lib/promotions/plan-promotion-waves";

// Runs per property: PROPERTY_RUNS, else 72 on CI and 20 locally.
const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 72 : 20));
const REGIONS = ["eu-west-1", "us-east-1", "ap-south-1", null];

const fleet = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 60 }), fc.array(fc.constantFrom(...REGIONS), { minLength: 15, maxLength: 15 }))
  .map(([clusters, regions]) => clusters.map((cluster, index): WaveMember => ({ id: 100 + index * 3, cluster: { name: `c-${String(cluster).padStart(2, "0")}`, region: regions[cluster]! } })));
const settings = fc.record({
  canaryClusters: fc.integer({ min: 0, max: 3 }),
  waveSize: fc.integer({ min: 0, max: 4 }),
  regionOrder: fc.shuffledSubarray(["eu-west-1", "us-east-1", "ap-south-1", "nowhere-1"]),
});

describe("planPromotionWaves", () => {
  it("puts every application in exactly one wave, and keeps each cluster in one wave", () => {
    fc.assert(
      fc.property(fleet, settings, (members, options) => {
        const waves = planPromotionWaves(members, options);
        expect(waves.flatMap((wave) => wave.applicationIds).sort((a, b) => a - b)).toEqual(members.map((member) => member.id).sort((a, b) => a - b));
        const clusters = waves.flatMap((wave) => wave.clusters);
        expect(new Set(clusters).size).toBe(clusters.length);
        for (const wave of waves) {
          expect(wave.applicationIds.length).toBeGreaterThan(0);
          for (const id of wave.applicationIds) expect(wave.clusters).toContain(members.find((member) => member.id === id)!.cluster.name);
        }
        expect(waves.map((wave) => wave.index)).toEqual(waves.map((_, index) => index));
      }),
      { numRuns: runs },
    );
  });

  it("starts with a canary of the configured size (never the whole fleet), then one region per wave in order, at most waveSize clusters each", () => {
    fc.assert(
      fc.property(fleet, settings, (members, options) => {
        const waves = planPromotionWaves(members, options);
        const clusterCount = new Set(members.map((member) => member.cluster.name)).size;
        const canaries = waves.filter((wave) => wave.kind === "canary");
        const expectedCanary = Math.min(options.canaryClusters, Math.max(0, clusterCount - 1));
        expect(canaries.length).toBe(expectedCanary > 0 ? 1 : 0);
        if (canaries.length) {
          expect(waves[0]!.kind).toBe("canary");
          expect(waves[0]!.clusters).toHaveLength(expectedCanary);
        }
        const regionWaves = waves.filter((wave) => wave.kind === "region");
        const order = orderRegions(members.map((member) => member.cluster.region), options.regionOrder);
        const regionIndexes = regionWaves.map((wave) => order.indexOf(wave.region));
        expect(regionIndexes).toEqual([...regionIndexes].sort((a, b) => a - b));
        for (const wave of regionWaves) {
          for (const name of wave.clusters) expect(members.find((member) => member.cluster.name === name)!.cluster.region).toBe(wave.region);
          if (options.waveSize > 0) expect(wave.clusters.length).toBeLessThanOrEqual(options.waveSize);
        }
      }),
      { numRuns: runs },
    );
  });

  it("by default: one canary cluster, then region by region (configured regions first, no region last)", () => {
    const member = (id: number, name: string, region: string | null): WaveMember => ({ id, cluster: { name, region } });
    const members = [member(1, "prod-us-1", "us-east-1"), member(2, "prod-eu-2", "eu-west-1"), member(3, "prod-eu-1", "eu-west-1"), member(4, "prod-x", null), member(5, "prod-us-2", "us-east-1"), member(6, "prod-eu-1", "eu-west-1")];
    expect(planPromotionWaves(members, { canaryClusters: 1, waveSize: 0, regionOrder: ["us-east-1"] })).toEqual([
      { index: 0, kind: "canary", region: "us-east-1", clusters: ["prod-us-1"], applicationIds: [1] },
      { index: 1, kind: "region", region: "us-east-1", clusters: ["prod-us-2"], applicationIds: [5] },
      { index: 2, kind: "region", region: "eu-west-1", clusters: ["prod-eu-1", "prod-eu-2"], applicationIds: [2, 3, 6] },
      { index: 3, kind: "region", region: null, clusters: ["prod-x"], applicationIds: [4] },
    ]);
    expect(planPromotionWaves([member(1, "only", "eu-west-1")], { canaryClusters: 1, waveSize: 0, regionOrder: [] })).toEqual([
      { index: 0, kind: "region", region: "eu-west-1", clusters: ["only"], applicationIds: [1] },
    ]);
  });
});
