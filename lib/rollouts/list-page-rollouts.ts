// The rollouts a timeline page touches: for each release and environment among its deployments,
// the counts of that rollout in the whole fleet (applications, clusters, healthy, degraded,
// progressing, not yet reached …) and its span, read from the database. The timeline groups its
// rows by these, so a rollout row says the same whatever page size or depth is loaded, and GET
// /api/v1/deployments answers them beside the page (`rollouts`).
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import type { DeploymentSummary } from "../deployments/list-deployments";
import { readReleaseRolloutCells } from "./read-release-rollout-cells";
import { rolloutCountsSchema, tallyRolloutCounts } from "./rollout-counts";

export const pageRolloutSchema = z
  .object({
    release: z.object({ id: z.number().int(), version: z.string() }),
    environment: z.string(),
    counts: rolloutCountsSchema,
    startedAt: z.date().nullable().meta({ description: "The first start of a deployment of the release in this environment." }),
    finishedAt: z.date().nullable().meta({ description: "The last finish of the applications' newest deployments of it; null while one runs." }),
  })
  .meta({ id: "PageRollout", description: "A rollout (one release in one environment) that deployments of the page belong to." });

export type PageRollout = z.output<typeof pageRolloutSchema>;


export async function listPageRollouts(items: readonly DeploymentSummary[], { db = readDb() }: { db?: DbOrTx } = {}): Promise<PageRollout[]> {
  const rollouts = new Map<string, PageRollout>();
  for (const item of items) {
    if (!item.release) continue;
    const key = `${item.release.id}\n${item.environment}`;
    if (!rollouts.has(key)) rollouts.set(key, { release: item.release, environment: item.environment, counts: tallyRolloutCounts([]), startedAt: null, finishedAt: null });
  }
  const keys = [...rollouts.values()].map((rollout) => ({ releaseId: rollout.release.id, environment: rollout.environment }));
  const cells = await readReleaseRolloutCells(keys, { db });
  const byRollout = new Map<string, typeof cells>();
  for (const cell of cells) {
    const key = `${cell.releaseId}\n${cell.environment}`;
    const own = byRollout.get(key);
    if (own) own.push(cell);
    else byRollout.set(key, [cell]);
  }
  for (const [key, rollout] of rollouts) {
    const own = byRollout.get(key) ?? [];
    rollout.counts = tallyRolloutCounts(own);
    const starts = own.flatMap((cell) => (cell.firstStartedAt ? [cell.firstStartedAt.getTime()] : []));
    const finishes = own.flatMap((cell) => (cell.lastFinishedAt ? [cell.lastFinishedAt.getTime()] : []));
    rollout.startedAt = starts.length > 0 ? new Date(Math.min(...starts)) : null;
    rollout.finishedAt = finishes.length > 0 && !own.some((cell) => cell.unfinished) ? new Date(Math.max(...finishes)) : null;
  }
  return [...rollouts.values()];
}
