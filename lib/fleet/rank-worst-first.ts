// "Worst first" for the fleet matrix filtered to degraded rows: within each group, the rows
// with the most degraded applications come first; rows with as many keep their name order.
// A row's count is the degraded applications the row itself covers: the whole service without
// grouping or by team, that environment's, that cluster's or that region's otherwise, so the
// order matches the numbers in the row's cells.
import type { FleetGroup } from "./fleet-view";

/** Degraded applications of one service in one place. */
export type DegradedCount = { serviceId: number; environmentId: number; clusterId: number; region: string | null; degraded: number };

/** The key of the group a degraded count falls in, as the row index spells group keys. */
export function degradedGroupKey(group: FleetGroup, count: DegradedCount): string {
  switch (group) {
    case "none":
      return "";
    case "team":
      return ""; // a service has one team: its whole count is its row's, whatever the key
    case "environment":
      return String(count.environmentId);
    case "cluster":
      return String(count.clusterId);
    case "region":
      return count.region ?? "";
  }
}

/**
 * Each group's service ids reordered by their row's degraded count, most first; ties keep
 * the order given (name order). Returns new arrays; ids without a count sort as 0.
 */
export function rankWorstFirst<G extends { key: string; serviceIds: number[] }>(group: FleetGroup, groups: G[], counts: DegradedCount[]): G[] {
  const byRow = new Map<string, number>();
  for (const count of counts) {
    const key = `${degradedGroupKey(group, count)}\u0000${count.serviceId}`;
    byRow.set(key, (byRow.get(key) ?? 0) + count.degraded);
  }
  const rowKey = (groupKey: string, serviceId: number) => `${group === "none" || group === "team" ? "" : groupKey}\u0000${serviceId}`;
  return groups.map((header) => {
    const weight = new Map(header.serviceIds.map((id) => [id, byRow.get(rowKey(header.key, id)) ?? 0]));
    // Array.prototype.sort is stable: equal counts stay in name order.
    return { ...header, serviceIds: [...header.serviceIds].sort((a, b) => weight.get(b)! - weight.get(a)!) };
  });
}
