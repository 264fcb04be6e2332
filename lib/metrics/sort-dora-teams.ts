// The team comparison's order: by team name, or by one DORA key. Each key sorts best first by
// default ("desc" means worst first); teams without a value (no deployments, commits or restored
// incidents) come last either way, then by name, so the order is total and stable. Pure.
import { z } from "zod";
import type { DoraTotals } from "./summarize-dora";

export const DORA_TEAM_SORT_KEYS = ["team", "deploymentFrequency", "leadTime", "changeFailureRate", "restore"] as const;
export type DoraTeamSortKey = (typeof DORA_TEAM_SORT_KEYS)[number];
export type DoraTeamSort = { by: DoraTeamSortKey; order: "asc" | "desc" };

export const doraTeamSortFields = {
  sort: z
    .enum(DORA_TEAM_SORT_KEYS, { error: `must be one of ${DORA_TEAM_SORT_KEYS.join(", ")}` })
    .optional()
    .meta({ description: "team (by name, default) or one DORA key, best first." }),
  order: z
    .enum(["asc", "desc"], { error: "must be asc or desc" })
    .optional()
    .meta({ description: "asc (default): A to Z, or best first for a key; desc: the reverse. Teams without a value stay last." }),
};

/** The value a key sorts on, oriented so that smaller is better. */
function sortValue(current: DoraTotals, by: Exclude<DoraTeamSortKey, "team">): number | null {
  switch (by) {
    case "deploymentFrequency":
      return current.deployments === 0 ? null : -current.deploymentsPerDay;
    case "leadTime":
      return current.leadTimeMedianSeconds;
    case "changeFailureRate":
      return current.changeFailureRate;
    case "restore":
      return current.restoreMedianSeconds;
  }
}

export function sortDoraTeams<Row extends { team: { name: string; slug: string }; current: DoraTotals }>(rows: Row[], sort: DoraTeamSort): Row[] {
  const byName = (a: Row, b: Row) => a.team.name.localeCompare(b.team.name, "en") || a.team.slug.localeCompare(b.team.slug, "en");
  const sign = sort.order === "desc" ? -1 : 1;
  if (sort.by === "team") return [...rows].sort((a, b) => sign * byName(a, b));
  const by = sort.by;
  return [...rows].sort((a, b) => {
    const x = sortValue(a.current, by);
    const y = sortValue(b.current, by);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}
