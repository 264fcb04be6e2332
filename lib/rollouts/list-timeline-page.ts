// A page of the timeline as GET /api/v1/deployments and /timeline serve it: the deployments
// (listDeployments) and the rollouts they belong to with their fleet-wide counts, read from the
// same database handle, so the first page's counts are as fresh as its rows (both from the
// primary; deeper pages from a replica, as listDeployments chooses).
import { z } from "zod";
import { getDb, readDb, type DbOrTx } from "../db/client";
import { deploymentPageSchema, listDeployments, type ListDeploymentsOptions } from "../deployments/list-deployments";
import { listPageRollouts, pageRolloutSchema, type PageRollout } from "./list-page-rollouts";

export const timelinePageSchema = deploymentPageSchema
  .extend({
    rollouts: z
      .array(pageRolloutSchema)
      .meta({ description: "Every rollout (one release in one environment) the page's deployments belong to, with its counts in the whole fleet." }),
  })
  .meta({ id: "TimelinePage", description: "One page of deployments and the rollouts they belong to." });

export type TimelinePageResult = Awaited<ReturnType<typeof listDeployments>> & { rollouts: PageRollout[] };

export async function listTimelinePage(options: ListDeploymentsOptions = {}, { db = options.cursor ? readDb() : getDb() }: { db?: DbOrTx } = {}): Promise<TimelinePageResult> {
  const page = await listDeployments(options, db);
  return { ...page, rollouts: await listPageRollouts(page.items, { db }) };
}
