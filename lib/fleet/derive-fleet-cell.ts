// One cell of the fleet matrix (a service in an environment) from the applications behind it,
// and the row's skew across environments. Pure, so the rules are tested without a database:
//   - health is the worst of the cell's applications, with the count of each health;
//   - the version is the release each application runs; several distinct releases in one
//     cell means its clusters disagree: cluster skew (an environment's applications of one
//     service are its clusters' copies);
//   - environments running different versions (staging ahead of prod) is environment skew.
import { z } from "zod";
import { versionLabel } from "./version-label";

export const HEALTH_STATUSES = ["HEALTHY", "PROGRESSING", "DEGRADED", "SUSPENDED", "MISSING", "UNKNOWN"] as const;
export type Health = (typeof HEALTH_STATUSES)[number];

/** Best to worst. A degraded application is what a manager must see first, then missing ones. */
const HEALTH_SEVERITY: Record<Health, number> = { HEALTHY: 0, SUSPENDED: 1, PROGRESSING: 2, UNKNOWN: 3, MISSING: 4, DEGRADED: 5 };

export function worstHealth(statuses: Iterable<Health>): Health | null {
  let worst: Health | null = null;
  for (const status of statuses) if (worst === null || HEALTH_SEVERITY[status] > HEALTH_SEVERITY[worst]) worst = status;
  return worst;
}

/** Applications of one cell sharing health, sync and release: what the database groups by. */
export type CellApplications = {
  health: Health;
  outOfSync: boolean;
  /** The release version running; null when Shiplog has not matched a release yet. */
  version: string | null;
  /** When that release was first seen: orders versions newest first. */
  versionSeenAt: Date | null;
  count: number;
  /** Of those, how many have an Argo Rollouts Rollout still shifting traffic or paused (lib/argo-rollouts). */
  rollingOut?: number;
};

const count = z.number().int().nonnegative();

export const fleetCellSchema = z
  .object({
    environment: z.string(),
    applications: count,
    health: z.enum(HEALTH_STATUSES).meta({ description: "The worst health among the cell's applications." }),
    healthCounts: z.partialRecord(z.enum(HEALTH_STATUSES), count).meta({ description: "Applications per health; absent means none." }),
    outOfSync: count,
    versions: z.array(z.string()).meta({ description: "Distinct release versions running, newest first (at most 5)." }),
    versionCount: count.meta({ description: "How many distinct versions run; applications without a known release are not counted." }),
    clusterSkew: z.boolean().meta({ description: "The cell's clusters (its applications) run different versions." }),
    rollingOut: count.optional().meta({ description: "Applications whose Argo Rollouts Rollout is progressing or paused; absent when none." }),
  })
  .meta({ id: "FleetCell" });

export type FleetCell = z.output<typeof fleetCellSchema>;

const MAX_VERSIONS = 5;

export function deriveFleetCell(environment: string, groups: readonly CellApplications[]): FleetCell {
  const healthCounts: Partial<Record<Health, number>> = {};
  const versions = new Map<string, number>();
  let applications = 0;
  let outOfSync = 0;
  let rollingOut = 0;
  for (const group of groups) {
    applications += group.count;
    rollingOut += group.rollingOut ?? 0;
    if (group.outOfSync) outOfSync += group.count;
    healthCounts[group.health] = (healthCounts[group.health] ?? 0) + group.count;
    if (group.version !== null) {
      const seen = group.versionSeenAt?.getTime() ?? 0;
      versions.set(group.version, Math.max(versions.get(group.version) ?? seen, seen));
    }
  }
  const ordered = [...versions].sort(([a, aSeen], [b, bSeen]) => bSeen - aSeen || b.localeCompare(a)).map(([version]) => version);
  return {
    environment,
    applications,
    health: worstHealth(Object.keys(healthCounts) as Health[]) ?? "UNKNOWN",
    healthCounts,
    outOfSync,
    versions: ordered.slice(0, MAX_VERSIONS),
    versionCount: ordered.length,
    clusterSkew: ordered.length > 1,
    ...(rollingOut > 0 ? { rollingOut } : {}),
  };
}

/**
 * Environments run different versions when the cells' sets of versions are not all the same
 * (cells without a known version are left out). Returns the sentence a screen reader and the
 * mark's tooltip give, e.g. "staging runs 1.4.0, prod runs 1.3.9", or null when all agree.
 */
export function describeEnvironmentSkew(cells: readonly (FleetCell | null)[]): string | null {
  const known = cells.filter((cell): cell is FleetCell => cell !== null && cell.versionCount > 0);
  const keys = new Set(known.map((cell) => [...cell.versions].sort().join("\u0000") + `\u0001${cell.versionCount}`));
  if (keys.size <= 1) return null;
  return known.map((cell) => `${cell.environment} runs ${versionLabel(cell)}`).join(", ");
}
