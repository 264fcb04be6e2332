// Which applications a promotion scope selects, checked on random fleets against the plain
// definition of each selection (fast-check), plus the reasons a scope is refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PromotionSelection } from "@/lib/promotions/promotion-plan";
import { type PromotionMember, selectPromotionApplications } from "@/lib/promotions/select-promotion-applications";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 72 : 20));
const REGIONS = ["eu-west-1", "us-east-1", null];
const context = { releaseId: 7, release: "2.0.0", environment: "prod", service: "payments" };

const fleet = fc
  .tuple(
    fc.array(fc.record({ cluster: fc.integer({ min: 0, max: 9 }), release: fc.constantFrom(6, 7, null) }), { minLength: 1, maxLength: 40 }),
    fc.array(fc.constantFrom(...REGIONS), { minLength: 10, maxLength: 10 }),
  )
  .map(([entries, regions]) =>
    entries.map((entry, index): PromotionMember => ({ id: 10 + index, cluster: { name: `c-${entry.cluster}`, region: regions[entry.cluster]! }, currentReleaseId: entry.release })),
  );

describe("selectPromotionApplications", () => {
  it("selects exactly the members the scope names that do not run the release yet, and counts the rest", () => {
    fc.assert(
      fc.property(fleet, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1000 }), (members, kind, seed) => {
        const regions = [...new Set(members.map((member) => member.cluster.region))];
        const clusters = [...new Set(members.map((member) => member.cluster.name))];
        const select: PromotionSelection =
          kind === 0 ? { by: "all" } : kind === 1 ? { by: "regions", regions: [regions[seed % regions.length]!] } : { by: "clusters", clusters: [clusters[seed % clusters.length]!] };
        const inScope = members.filter((member) =>
          select.by === "all" ? true : select.by === "regions" ? select.regions.includes(member.cluster.region) : select.clusters.includes(member.cluster.name),
        );
        const result = selectPromotionApplications(members, select, context);
        const todo = inScope.filter((member) => member.currentReleaseId !== 7);
        if (todo.length === 0) {
          expect(result).toEqual({ ok: false, reason: expect.stringMatching(/already runs 2\.0\.0: nothing to promote/) });
        } else {
          expect(result).toEqual({
            ok: true,
            applicationIds: todo.map((member) => member.id),
            alreadyRunning: inScope.filter((member) => member.currentReleaseId === 7).map((member) => member.id),
          });
        }
      }),
      { numRuns: runs },
    );
  });

  it("refuses regions and clusters the service has no application in, naming what there is", () => {
    const members: PromotionMember[] = [{ id: 1, cluster: { name: "prod-eu-1", region: "eu-west-1" }, currentReleaseId: 6 }];
    expect(selectPromotionApplications(members, { by: "regions", regions: ["mars-1", null] }, context)).toEqual({
      ok: false,
      reason: 'payments has no applications in prod in regions "mars-1", (no region: null); it runs in "eu-west-1".',
    });
    expect(selectPromotionApplications(members, { by: "clusters", clusters: ["gke-9"] }, context)).toEqual({
      ok: false,
      reason: 'payments has no applications in prod on cluster "gke-9"; it runs on "prod-eu-1".',
    });
    expect(selectPromotionApplications([], { by: "all" }, context)).toEqual({ ok: false, reason: 'payments has no applications in environment "prod" to promote 2.0.0 to.' });
  });
});
