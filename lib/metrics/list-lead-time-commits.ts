// Drill-down of lead time for changes: each commit that reached production in the window, with
// where lead time started (commit or merge time), when it reached production (its release's
// first succeeded production sync) and the difference: the rows the median is computed over
// (build-lead-time-samples-sql.ts).
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildLeadTimeSamplesSql } from "./build-lead-time-samples-sql";
import type { DoraRequest } from "./resolve-dora-request";

export const leadTimeCommitSchema = z
  .object({
    sha: z.string(),
    message: z.string(),
    repository: z.string(),
    service: z.string(),
    release: z.string().nullable(),
    releaseId: z.number().int(),
    deploymentId: z.number().int().meta({ description: "The first succeeded production deployment of the release." }),
    environment: z.string(),
    committedAt: z.date(),
    startedAt: z.date().meta({ description: "Where lead time starts: commit time, or the pull request's merge time when so defined." }),
    reachedProductionAt: z.date(),
    leadTimeSeconds: z.number(),
  })
  .meta({ id: "LeadTimeCommit" });

export const leadTimeCommitListSchema = z
  .object({ total: z.number().int(), items: z.array(leadTimeCommitSchema) })
  .meta({ id: "LeadTimeCommitList" });

export type LeadTimeCommit = z.output<typeof leadTimeCommitSchema>;
export type LeadTimeCommitList = z.output<typeof leadTimeCommitListSchema>;

export async function listLeadTimeCommits(request: DoraRequest, { limit = 100 }: { limit?: number } = {}, db: DbOrTx = readDb()): Promise<LeadTimeCommitList> {
  const rows = Prisma.sql`
    SELECT c.sha, c.message, c.repository, s.name AS service, r.version AS release, r.id AS "releaseId",
           x.deployment_id AS "deploymentId", env.name AS environment, c.committed_at AS "committedAt",
           x.lead_started_at AS "startedAt", x.reached_at AS "reachedProductionAt", x.lead_ms
    FROM (${buildLeadTimeSamplesSql(request, request.window)}) x
    JOIN commits c ON c.id = x.commit_id
    JOIN releases r ON r.id = x.release_id
    JOIN services s ON s.id = r.service_id
    JOIN environments env ON env.id = x.environment_id`;
  const [items, [count]] = await Promise.all([
    db.$queryRaw<(Omit<LeadTimeCommit, "leadTimeSeconds"> & { lead_ms: bigint })[]>`
      SELECT * FROM (${rows}) x ORDER BY x."reachedProductionAt" DESC, x.sha LIMIT ${limit}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM (${buildLeadTimeSamplesSql(request, request.window)}) x`,
  ]);
  return {
    total: count?.total ?? 0,
    items: items.map(({ lead_ms, ...item }) => ({ ...item, leadTimeSeconds: Number(lead_ms) / 1000 })),
  };
}
