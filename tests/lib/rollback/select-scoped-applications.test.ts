// Which applications a rollback scope selects, checked on random fleets against the plain
// definition of each selection (fast-check), plus the default and the reasons a scope is refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReleaseSelection } from "@/lib/rollback/rollback-plan";
import {
  type ScopeMember,
  defaultSelection,
  describeScopeChoices,
  isDegradedOrFailed,
  selectScopedApplications,
} from "@/lib/rollback/select-scoped-applications";

const ENVIRONMENTS = [
  { name: "dev", rank: 10, isProduction: false },
  { name: "staging", rank: 20, isProduction: false },
  { name: "prod", rank: 30, isProduction: true },
];
const REGIONS = ["eu-west-1", "us-east-1", "ap-south-1", null];
const HEALTH = ["HEALTHY", "PROGRESSING", "DEGRADED", "SUSPENDED", "MISSING", "UNKNOWN"];
const PHASES = ["SUCCEEDED", "FAILED", "ERROR", "RUNNING", null];

/** A fleet of up to 60 applications on up to 12 clusters (a cluster keeps one region), ids unique. */
const fleet = fc
  .array(
    fc.record({
      cluster: fc.integer({ min: 0, max: 11 }),
      environment: fc.constantFrom(...ENVIRONMENTS),
      health: fc.constantFrom(...HEALTH),
      lastOperationPhase: fc.constantFrom(...PHASES),
    }),
    { maxLength: 60 },
  )
  .chain((entries) =>
    fc.array(fc.constantFrom(...REGIONS), { minLength: 12, maxLength: 12 }).map((clusterRegions) =>
      entries.map(
        (entry, index): ScopeMember => ({
          id: 1000 + index * 7,
          cluster: { name: `cluster-${entry.cluster}`, region: clusterRegions[entry.cluster]! },
          environment: entry.environment,
          health: entry.health,
          lastOperationPhase: entry.lastOperationPhase,
        }),
      ),
    ),
  );

const ids = (members: ScopeMember[]) => members.map((member) => member.id).sort((a, b) => a - b);
const select = (members: ScopeMember[], selection: ReleaseSelection | undefined) => selectScopedApplications(members, selection, "2.0.0");

/** Any selection, naming things the fleet has (usually) or not (sometimes). */
const selection = (members: ScopeMember[]): fc.Arbitrary<ReleaseSelection> => {
  const clusterNames = [...new Set(members.map((member) => member.cluster.name)), "cluster-unknown"];
  return fc.oneof(
    fc.constant<ReleaseSelection>({ by: "all" }),
    fc.constant<ReleaseSelection>({ by: "degraded-or-failed" }),
    fc.constantFrom(...ENVIRONMENTS.map((environment) => environment.name), "qa").map((environment): ReleaseSelection => ({ by: "environment", environment })),
    fc.uniqueArray(fc.constantFrom<string | null>(...REGIONS, "sa-east-1"), { minLength: 1, maxLength: 4 }).map((regions): ReleaseSelection => ({ by: "regions", regions })),
    fc.uniqueArray(fc.constantFrom(...clusterNames), { minLength: 1, maxLength: 5 }).map((clusters): ReleaseSelection => ({ by: "clusters", clusters })),
  );
};

/** The plain definition of each selection, written independently of the code under test. */
function expected(members: ScopeMember[], chosen: ReleaseSelection): ScopeMember[] {
  const failing = (member: ScopeMember) => member.health === "DEGRADED" || member.lastOperationPhase === "FAILED" || member.lastOperationPhase === "ERROR";
  if (chosen.by === "all") return members;
  if (chosen.by === "degraded-or-failed") return members.filter(failing);
  if (chosen.by === "environment") return members.filter((member) => member.environment.name === chosen.environment);
  if (chosen.by === "regions") return members.filter((member) => chosen.regions.includes(member.cluster.region));
  return members.filter((member) => chosen.clusters.includes(member.cluster.name));
}

/** Whether every name the selection gives is one the fleet has (and, for degraded-or-failed, some are). */
function valid(members: ScopeMember[], chosen: ReleaseSelection): boolean {
  if (chosen.by === "all") return true;
  if (chosen.by === "degraded-or-failed") return members.some(isDegradedOrFailed);
  if (chosen.by === "environment") return members.some((member) => member.environment.name === chosen.environment);
  if (chosen.by === "regions") return chosen.regions.every((region) => members.some((member) => member.cluster.region === region));
  return chosen.clusters.every((cluster) => members.some((member) => member.cluster.name === cluster));
}

describe("selectScopedApplications (property)", () => {
  it("selects exactly what the selection names, or refuses with a reason when it names something the release does not run on", () => {
    fc.assert(
      fc.property(
        fleet.chain((members) => fc.tuple(fc.constant(members), selection(members))),
        ([members, chosen]) => {
          const result = select(members, chosen);
          if (!valid(members, chosen)) {
            expect(result.ok).toBe(false);
            if (!result.ok) expect(result.reason).toMatch(/2\.0\.0/);
            return;
          }
          expect(result).toEqual({ ok: true, select: chosen, defaulted: false, applicationIds: ids(expected(members, chosen)) });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a valid non-`all` selection is never empty and never more than the release's applications; its result selects the same again", () => {
    fc.assert(
      fc.property(
        fleet.chain((members) => fc.tuple(fc.constant(members), selection(members))),
        ([members, chosen]) => {
          const result = select(members, chosen);
          if (!result.ok) return;
          expect(new Set(result.applicationIds).size).toBe(result.applicationIds.length);
          expect(result.applicationIds.every((id) => members.some((member) => member.id === id))).toBe(true);
          if (chosen.by !== "all") expect(result.applicationIds.length).toBeGreaterThan(0);
          expect(select(members, result.select)).toEqual(result);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("without a selection: only the degraded or failed ones when some are healthy, else all", () => {
    fc.assert(
      fc.property(fleet, (members) => {
        const failing = members.filter(isDegradedOrFailed);
        const result = select(members, undefined);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.defaulted).toBe(true);
        if (failing.length > 0 && failing.length < members.length) {
          expect(result.select).toEqual({ by: "degraded-or-failed" });
          expect(result.applicationIds).toEqual(ids(failing));
        } else {
          expect(result.select).toEqual({ by: "all" });
          expect(result.applicationIds).toEqual(ids(members));
        }
        expect(defaultSelection(members)).toEqual(result.select);
      }),
      { numRuns: 300 },
    );
  });

  it("environments, regions and clusters each partition the release's applications; the counts match what selecting each gives", () => {
    fc.assert(
      fc.property(fleet, (members) => {
        const choices = describeScopeChoices(members, false);
        expect(choices.applications).toBe(members.length);
        expect(choices.degradedOrFailed).toBe(members.filter(isDegradedOrFailed).length);
        for (const list of [choices.environments, choices.regions, choices.clusters]) {
          expect(list.reduce((sum, entry) => sum + entry.applications, 0)).toBe(members.length);
          expect(list.reduce((sum, entry) => sum + entry.degradedOrFailed, 0)).toBe(choices.degradedOrFailed);
        }
        for (const environment of choices.environments) {
          const result = select(members, { by: "environment", environment: environment.name });
          expect(result.ok && result.applicationIds.length).toBe(environment.applications);
        }
        for (const region of choices.regions) {
          const result = select(members, { by: "regions", regions: [region.region] });
          expect(result.ok && result.applicationIds.length).toBe(region.applications);
        }
        for (const cluster of choices.clusters) {
          const result = select(members, { by: "clusters", clusters: [cluster.name] });
          expect(result.ok && result.applicationIds.length).toBe(cluster.applications);
        }
        // Environments by rank; regions by name with "no region" last.
        const ranks = choices.environments.map((environment) => ENVIRONMENTS.find((known) => known.name === environment.name)!.rank);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        const regions = choices.regions.map((region) => region.region);
        expect(regions.indexOf(null) === -1 || regions.indexOf(null) === regions.length - 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("selectScopedApplications: the reasons a scope is refused", () => {
  const member = (id: number, cluster: string, region: string | null, environment: (typeof ENVIRONMENTS)[number], health = "HEALTHY", phase: string | null = "SUCCEEDED"): ScopeMember => ({
    id,
    cluster: { name: cluster, region },
    environment,
    health,
    lastOperationPhase: phase,
  });
  const members = [
    member(1, "gke-eu-1", "eu-west-1", ENVIRONMENTS[2]!),
    member(2, "gke-us-1", "us-east-1", ENVIRONMENTS[2]!, "DEGRADED"),
    member(3, "kind-dev", null, ENVIRONMENTS[0]!, "HEALTHY", "FAILED"),
  ];

  it("names what is not there and what is", () => {
    expect(select(members, { by: "environment", environment: "qa" })).toEqual({ ok: false, reason: '2.0.0 does not run in environment "qa"; it runs in prod, dev.' });
    expect(select(members, { by: "regions", regions: ["sa-east-1", "eu-west-1"] })).toEqual({
      ok: false,
      reason: '2.0.0 does not run in region "sa-east-1"; it runs in "eu-west-1", "us-east-1", (no region: null).',
    });
    expect(select(members, { by: "clusters", clusters: ["gke-eu-1", "gke-eu-2", "gke-eu-3"] })).toEqual({
      ok: false,
      reason: `2.0.0 does not run on clusters "gke-eu-2", "gke-eu-3"; the plan's scopeChoices.clusters lists the 3 it runs on.`,
    });
    expect(select([members[0]!], { by: "degraded-or-failed" })).toEqual({
      ok: false,
      reason: "None of the 1 applications running 2.0.0 is degraded or failed: choose all of them, an environment, regions or clusters.",
    });
  });

  it("a failed last sync counts as failed; null selects the clusters without a region", () => {
    expect(select(members, undefined)).toEqual({ ok: true, select: { by: "degraded-or-failed" }, defaulted: true, applicationIds: [2, 3] });
    expect(select(members, { by: "regions", regions: [null] })).toMatchObject({ ok: true, applicationIds: [3] });
  });
});
