// A rollout as the rollout view shows it: per environment (in rank order), per region, per
// cluster (a wave), with the counts of each level. Waves are ordered by when the rollout first
// reached them, so the tree reads in the order the release moved; clusters not reached yet
// come last, by name. Pure: the same facts always give the same tree.
import { z } from "zod";
import { rolloutCountsSchema, tallyRolloutCounts, type RolloutFactsGroup } from "./rollout-counts";

export type RolloutViewCell = RolloutFactsGroup & {
  environment: string;
  environmentRank: number;
  cluster: string;
  region: string | null;
  firstStartedAt: Date | null;
};

const firstReachedAt = z.date().nullable().meta({ description: "When the first deployment of the release started here; null when not reached, or for an image." });

export const rolloutWaveSchema = z.object({ cluster: z.string(), region: z.string().nullable(), firstReachedAt, counts: rolloutCountsSchema }).meta({ id: "RolloutWave" });

export const rolloutRegionSchema = z
  .object({ region: z.string().nullable().meta({ description: "null: clusters without a region label." }), firstReachedAt, counts: rolloutCountsSchema, waves: z.array(rolloutWaveSchema) })
  .meta({ id: "RolloutRegion" });

export const rolloutEnvironmentSchema = z
  .object({ name: z.string(), firstReachedAt, counts: rolloutCountsSchema, regions: z.array(rolloutRegionSchema) })
  .meta({ id: "RolloutEnvironment" });

export type RolloutWave = z.output<typeof rolloutWaveSchema>;
export type RolloutRegion = z.output<typeof rolloutRegionSchema>;
export type RolloutEnvironment = z.output<typeof rolloutEnvironmentSchema>;

export function buildRolloutView(cells: readonly RolloutViewCell[]): { counts: z.output<typeof rolloutCountsSchema>; environments: RolloutEnvironment[] } {
  const environments = groupBy(cells, (cell) => cell.environment);
  return {
    counts: tallyRolloutCounts(cells),
    environments: [...environments.values()]
      .map((group) => {
        const regions = [...groupBy(group, (cell) => cell.region ?? "").values()].map((regionCells): RolloutRegion => {
          const waves = [...groupBy(regionCells, (cell) => String(cell.clusterId)).values()].map(
            (clusterCells): RolloutWave => ({
              cluster: clusterCells[0]!.cluster,
              region: clusterCells[0]!.region,
              firstReachedAt: earliest(clusterCells),
              counts: tallyRolloutCounts(clusterCells),
            }),
          );
          waves.sort((a, b) => byFirstReached(a, b) || a.cluster.localeCompare(b.cluster));
          return { region: regionCells[0]!.region, firstReachedAt: earliest(regionCells), counts: tallyRolloutCounts(regionCells), waves };
        });
        regions.sort((a, b) => byFirstReached(a, b) || (a.region ?? "\uffff").localeCompare(b.region ?? "\uffff"));
        return { rank: group[0]!.environmentRank, environment: { name: group[0]!.environment, firstReachedAt: earliest(group), counts: tallyRolloutCounts(group), regions } };
      })
      .sort((a, b) => a.rank - b.rank || a.environment.name.localeCompare(b.environment.name))
      .map((entry) => entry.environment),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

function earliest(cells: readonly RolloutViewCell[]): Date | null {
  let first: Date | null = null;
  for (const cell of cells) if (cell.firstStartedAt && (!first || cell.firstStartedAt < first)) first = cell.firstStartedAt;
  return first;
}

/** Reached first comes first; never reached comes last. */
function byFirstReached(a: { firstReachedAt: Date | null }, b: { firstReachedAt: Date | null }): number {
  if (a.firstReachedAt && b.firstReachedAt) return a.firstReachedAt.getTime() - b.firstReachedAt.getTime();
  return a.firstReachedAt ? -1 : b.firstReachedAt ? 1 : 0;
}
