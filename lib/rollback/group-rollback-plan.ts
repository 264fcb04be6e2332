// A rollback plan as a person reads it when it spans hundreds of applications: one group per
// environment (by rank) and region, with counts of methods, dry runs and blocked applications;
// and each reason it cannot run said once, with the applications it affects, instead of once
// per application. Pure: decide-rollback-plan.ts and the dry run call it.
import { compareRegions } from "./select-scoped-applications";
import type { BlockerGroup, PlanGroup, PlannedApplication } from "./rollback-plan";

type Grouped = Pick<PlannedApplication, "applicationId" | "cluster" | "environment" | "wave" | "method" | "blockers" | "dryRun">;

export function groupPlannedApplications(applications: Grouped[]): PlanGroup[] {
  const groups = new Map<string, { group: PlanGroup; rank: number; clusters: Set<number> }>();
  for (const app of applications) {
    const key = JSON.stringify([app.environment.name, app.cluster.region]);
    let entry = groups.get(key);
    if (!entry) {
      entry = {
        rank: app.environment.rank,
        clusters: new Set(),
        group: {
          environment: app.environment.name,
          isProduction: app.environment.isProduction,
          region: app.cluster.region,
          applications: 0,
          clusters: 0,
          waves: [],
          methods: { ARGOCD: 0, GITOPS: 0, none: 0 },
          dryRun: { passed: 0, failed: 0, notRun: 0, unavailable: 0 },
          blocked: 0,
          applicationIds: [],
        },
      };
      groups.set(key, entry);
    }
    const { group } = entry;
    group.applications += 1;
    entry.clusters.add(app.cluster.id);
    group.clusters = entry.clusters.size;
    if (!group.waves.includes(app.wave)) group.waves = [...group.waves, app.wave].sort((a, b) => a - b);
    group.methods[app.method ?? "none"] += 1;
    group.dryRun[app.dryRun.status === "not-run" ? "notRun" : app.dryRun.status] += 1;
    if (app.blockers.length > 0) group.blocked += 1;
    group.applicationIds.push(app.applicationId);
  }
  return [...groups.values()]
    .sort((a, b) => a.rank - b.rank || a.group.environment.localeCompare(b.group.environment) || compareRegions(a.group.region, b.group.region))
    .map((entry) => entry.group);
}

/** Plan-wide reasons first (no applications), then each application's reasons in the order they first appear. */
export function groupBlockers(planWide: string[], applications: Pick<PlannedApplication, "applicationId" | "blockers">[]): BlockerGroup[] {
  const groups = new Map<string, number[]>();
  for (const reason of planWide) if (!groups.has(reason)) groups.set(reason, []);
  for (const app of applications) {
    for (const reason of new Set(app.blockers)) {
      const ids = groups.get(reason);
      if (ids) ids.push(app.applicationId);
      else groups.set(reason, [app.applicationId]);
    }
  }
  return [...groups].map(([reason, applicationIds]) => ({ reason, applicationIds }));
}

/** One blocker group as a sentence: the reason, then the applications (three names, then a count). */
export function describeBlockerGroup(group: BlockerGroup, nameOf: (applicationId: number) => string): string {
  if (group.applicationIds.length === 0) return group.reason;
  const names = group.applicationIds.slice(0, 3).map(nameOf);
  const more = group.applicationIds.length - names.length;
  const who = group.applicationIds.length === 1 ? names[0] : `${group.applicationIds.length} applications: ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  return `${group.reason.replace(/\.$/, "")} (${who}).`;
}
