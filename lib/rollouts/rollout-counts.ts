// The counts every rollout answer carries (a whole rollout, an environment, a region, one
// cluster), tallied from grouped application facts by classifyRolloutApplication.
import { z } from "zod";
import { classifyRolloutApplication, type RolloutApplicationFacts } from "./classify-rollout-application";

export const rolloutCountsSchema = z
  .object({
    applications: z.number().int().meta({ description: "Applications in scope: live ones, and removed ones that ran the release." }),
    clusters: z.number().int().meta({ description: "Distinct clusters among them." }),
    running: z.number().int().meta({ description: "Applications running the release (or image) now: healthy + degraded + progressing on it." }),
    healthy: z.number().int().meta({ description: "Running it and Healthy." }),
    degraded: z.number().int().meta({ description: "Running it and Degraded or Missing." }),
    progressing: z
      .number()
      .int()
      .meta({ description: "Running it and Progressing, Suspended or Unknown, or not yet running it while a sync to it runs." }),
    failed: z.number().int().meta({ description: "Its newest sync to the release failed and it still runs another release." }),
    movedOn: z.number().int().meta({ description: "Ran the release and now runs another one (rolled back, or a newer release)." }),
    notYetReached: z.number().int().meta({ description: "Never deployed the release (for an image: runs another tag of it)." }),
  })
  .meta({ id: "RolloutCounts" });

export type RolloutCounts = z.output<typeof rolloutCountsSchema>;

/** Facts shared by a group of applications of one cluster, and how many applications share them. */
export type RolloutFactsGroup = RolloutApplicationFacts & { clusterId: number; applications: number };

export function emptyRolloutCounts(): RolloutCounts {
  return { applications: 0, clusters: 0, running: 0, healthy: 0, degraded: 0, progressing: 0, failed: 0, movedOn: 0, notYetReached: 0 };
}

/** The counts of some groups; clusters are counted once however many groups name them. */
export function tallyRolloutCounts(groups: readonly RolloutFactsGroup[]): RolloutCounts {
  const counts = emptyRolloutCounts();
  const clusters = new Set<number>();
  for (const group of groups) {
    clusters.add(group.clusterId);
    counts.applications += group.applications;
    counts[classifyRolloutApplication(group)] += group.applications;
    if (group.onRelease) counts.running += group.applications;
  }
  counts.clusters = clusters.size;
  return counts;
}
