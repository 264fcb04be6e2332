// Which of a service's applications in the target environment a promotion scope selects: all
// of them, those on clusters of chosen regions, or on chosen clusters. Applications already
// running the release are left out (nothing to do there) and counted. Pure: plan-promotion.ts
// reads the members.
import type { PromotionSelection } from "./promotion-plan";

export type PromotionMember = {
  id: number;
  cluster: { name: string; region: string | null };
  currentReleaseId: number | null;
};

export type PromotionSelectionResult =
  | { ok: true; applicationIds: number[]; alreadyRunning: number[] }
  | { ok: false; reason: string };

export function selectPromotionApplications(
  members: PromotionMember[],
  select: PromotionSelection,
  context: { releaseId: number; release: string; environment: string; service: string },
): PromotionSelectionResult {
  if (members.length === 0) return { ok: false, reason: `${context.service} has no applications in environment "${context.environment}" to promote ${context.release} to.` };
  let chosen: PromotionMember[];
  switch (select.by) {
    case "all":
      chosen = members;
      break;
    case "regions": {
      const known = new Set(members.map((member) => member.cluster.region));
      const unknown = [...new Set(select.regions)].filter((region) => !known.has(region));
      if (unknown.length > 0) {
        return {
          ok: false,
          reason: `${context.service} has no applications in ${context.environment} in ${unknown.length === 1 ? "region" : "regions"} ${listNames(unknown.map(regionName))}; it runs in ${listNames([...known].map(regionName))}.`,
        };
      }
      const wanted = new Set(select.regions);
      chosen = members.filter((member) => wanted.has(member.cluster.region));
      break;
    }
    case "clusters": {
      const known = new Set(members.map((member) => member.cluster.name));
      const unknown = [...new Set(select.clusters)].filter((cluster) => !known.has(cluster));
      if (unknown.length > 0) {
        return {
          ok: false,
          reason: `${context.service} has no applications in ${context.environment} on ${unknown.length === 1 ? "cluster" : "clusters"} ${listNames(unknown.map((name) => `"${name}"`))}; it runs on ${listNames([...known].sort().map((name) => `"${name}"`))}.`,
        };
      }
      const wanted = new Set(select.clusters);
      chosen = members.filter((member) => wanted.has(member.cluster.name));
      break;
    }
  }
  const ids = (list: PromotionMember[]) => list.map((member) => member.id).sort((a, b) => a - b);
  const alreadyRunning = chosen.filter((member) => member.currentReleaseId === context.releaseId);
  const todo = chosen.filter((member) => member.currentReleaseId !== context.releaseId);
  if (todo.length === 0) {
    return { ok: false, reason: `Every application this scope selects in ${context.environment} (${chosen.length}) already runs ${context.release}: nothing to promote.` };
  }
  return { ok: true, applicationIds: ids(todo), alreadyRunning: ids(alreadyRunning) };
}

const regionName = (region: string | null) => (region === null ? "(no region: null)" : `"${region}"`);

function listNames(names: string[]): string {
  const shown = names.slice(0, 10).join(", ");
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}
