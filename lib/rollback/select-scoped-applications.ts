// Which of the applications running a release a rollback scope selects (all, the degraded or
// failed ones, one environment, chosen regions, chosen clusters), what else it could select
// (the dialog's choices, with counts), and the default: only the degraded or failed
// applications when some are healthy, so a release failing in 3 of 40 clusters is not rolled
// back in the 37 where it works. Pure: plan-rollback.ts reads the members.
import type { ReleaseSelection, ScopeChoices } from "./rollback-plan";

/** What selection needs to know of one application running the release. */
export type ScopeMember = {
  id: number;
  cluster: { name: string; region: string | null };
  environment: { name: string; rank: number; isProduction: boolean };
  /** Argo CD health (HEALTHY, DEGRADED, …). */
  health: string;
  /** Phase of the last sync operation (SUCCEEDED, FAILED, ERROR, …), null when none is known. */
  lastOperationPhase: string | null;
};

export type SelectionResult = { ok: true; select: ReleaseSelection; defaulted: boolean; applicationIds: number[] } | { ok: false; reason: string };

/** Degraded now, or its last sync failed (the release is there but did not apply cleanly). */
export function isDegradedOrFailed(member: Pick<ScopeMember, "health" | "lastOperationPhase">): boolean {
  return member.health === "DEGRADED" || member.lastOperationPhase === "FAILED" || member.lastOperationPhase === "ERROR";
}

/** Only the degraded or failed applications when some are healthy (and some not), else all. */
export function defaultSelection(members: ScopeMember[]): ReleaseSelection {
  const failing = members.filter(isDegradedOrFailed).length;
  return failing > 0 && failing < members.length ? { by: "degraded-or-failed" } : { by: "all" };
}

/** The applications `select` names among `members` (ids ascending), or why it names none it could. */
export function selectScopedApplications(members: ScopeMember[], select: ReleaseSelection | undefined, release: string): SelectionResult {
  const resolved = select ?? defaultSelection(members);
  const pick = (predicate: (member: ScopeMember) => boolean): SelectionResult => ({
    ok: true,
    select: resolved,
    defaulted: select === undefined,
    applicationIds: members
      .filter(predicate)
      .map((member) => member.id)
      .sort((a, b) => a - b),
  });
  switch (resolved.by) {
    case "all":
      return pick(() => true);
    case "degraded-or-failed": {
      if (!members.some(isDegradedOrFailed)) {
        return { ok: false, reason: `None of the ${members.length} applications running ${release} is degraded or failed: choose all of them, an environment, regions or clusters.` };
      }
      return pick(isDegradedOrFailed);
    }
    case "environment": {
      if (!members.some((member) => member.environment.name === resolved.environment)) {
        return { ok: false, reason: `${release} does not run in environment "${resolved.environment}"; it runs in ${listNames(distinct(members.map((member) => member.environment.name)))}.` };
      }
      return pick((member) => member.environment.name === resolved.environment);
    }
    case "regions": {
      const known = new Set(members.map((member) => member.cluster.region));
      const unknown = distinct(resolved.regions).filter((region) => !known.has(region));
      if (unknown.length > 0) {
        return {
          ok: false,
          reason: `${release} does not run in ${unknown.length === 1 ? "region" : "regions"} ${listNames(unknown.map(regionName))}; it runs in ${listNames([...known].map(regionName))}.`,
        };
      }
      const wanted = new Set(resolved.regions);
      return pick((member) => wanted.has(member.cluster.region));
    }
    case "clusters": {
      const known = new Set(members.map((member) => member.cluster.name));
      const unknown = distinct(resolved.clusters).filter((cluster) => !known.has(cluster));
      if (unknown.length > 0) {
        return {
          ok: false,
          reason: `${release} does not run on ${unknown.length === 1 ? "cluster" : "clusters"} ${listNames(unknown.map((name) => `"${name}"`))}; the plan's scopeChoices.clusters lists the ${known.size} it runs on.`,
        };
      }
      const wanted = new Set(resolved.clusters);
      return pick((member) => wanted.has(member.cluster.name));
    }
  }
}

/** Every environment, region and cluster the release runs in, with how many applications and how many of them are degraded or failed. */
export function describeScopeChoices(members: ScopeMember[], defaulted: boolean): ScopeChoices {
  const count = <Key>(key: (member: ScopeMember) => Key) => {
    const counts = new Map<Key, { applications: number; degradedOrFailed: number; members: ScopeMember[] }>();
    for (const member of members) {
      const entry = counts.get(key(member)) ?? { applications: 0, degradedOrFailed: 0, members: [] };
      entry.applications += 1;
      if (isDegradedOrFailed(member)) entry.degradedOrFailed += 1;
      entry.members.push(member);
      counts.set(key(member), entry);
    }
    return counts;
  };
  const environments = [...count((member) => member.environment.name)]
    .map(([name, entry]) => ({ name, isProduction: entry.members[0]!.environment.isProduction, rank: entry.members[0]!.environment.rank, applications: entry.applications, degradedOrFailed: entry.degradedOrFailed }))
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name))
    .map(({ rank: _rank, ...environment }) => environment);
  const regions = [...count((member) => member.cluster.region)]
    .map(([region, entry]) => ({ region, applications: entry.applications, degradedOrFailed: entry.degradedOrFailed }))
    .sort((a, b) => compareRegions(a.region, b.region));
  const clusters = [...count((member) => member.cluster.name)]
    .map(([name, entry]) => ({
      name,
      // Clusters of one name on several Argo CD instances may differ in region: the first known one.
      region: entry.members.find((member) => member.cluster.region !== null)?.cluster.region ?? null,
      environments: distinct(entry.members.map((member) => member.environment.name)).sort(),
      applications: entry.applications,
      degradedOrFailed: entry.degradedOrFailed,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { applications: members.length, degradedOrFailed: members.filter(isDegradedOrFailed).length, environments, regions, clusters, defaulted };
}

/** Regions by name, clusters without a region last. */
export function compareRegions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}

const regionName = (region: string | null) => (region === null ? "(no region: null)" : `"${region}"`);

function distinct<Value>(values: Value[]): Value[] {
  return [...new Set(values)];
}

/** At most ten names, then how many more. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 10).join(", ");
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}
