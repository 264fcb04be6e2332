// Drill-down of lead time for changes: each commit that reached production in the window, with
// where lead time started (commit or merge time), when it reached production (its release's
// first succeeded production sync) and the difference. Same rules as build-dora-facts-sql.ts.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { leadTimeStartSql, productionEnvironmentSql } from "./build-dora-facts-sql";
import { doraScopeSql } from "./list-dora-deployments";
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
  const { window, definitions } = request;
  const production = productionEnvironmentSql(definitions);
  const reached = Prisma.sql`
    SELECT d.id, d.release_id, d.environment_id, coalesce(d.finished_at, d.started_at) AS reached_at
    FROM deployments d
    WHERE ${doraScopeSql(request, Prisma.raw("d"))}
      AND d.environment_id IN (SELECT id FROM environments WHERE ${production})
      AND d.phase = 'SUCCEEDED' AND d.release_id IS NOT NULL
      AND d.started_at >= ${window.from} AND d.started_at < ${window.to}
      AND NOT EXISTS (
        SELECT 1 FROM deployments e
        WHERE e.release_id = d.release_id AND e.phase = 'SUCCEEDED'
          AND e.environment_id IN (SELECT id FROM environments WHERE ${production})
          AND (coalesce(e.finished_at, e.started_at), e.id) < (coalesce(d.finished_at, d.started_at), d.id))`;
  const rows = Prisma.sql`
    SELECT c.sha, c.message, c.repository, s.name AS service, r.version AS release, r.id AS "releaseId",
           fp.id AS "deploymentId", env.name AS environment, c.committed_at AS "committedAt",
           ${leadTimeStartSql(definitions)} AS "startedAt", fp.reached_at AS "reachedProductionAt",
           round(greatest(0, extract(epoch FROM fp.reached_at - ${leadTimeStartSql(definitions)})) * 1000)::bigint AS lead_ms
    FROM (${reached}) fp
    JOIN releases r ON r.id = fp.release_id
    JOIN services s ON s.id = r.service_id
    JOIN environments env ON env.id = fp.environment_id
    JOIN release_commits rc ON rc.release_id = fp.release_id
    JOIN commits c ON c.id = rc.commit_id`;
  const [items, [count]] = await Promise.all([
    db.$queryRaw<(Omit<LeadTimeCommit, "leadTimeSeconds"> & { lead_ms: bigint })[]>`
      SELECT * FROM (${rows}) x ORDER BY x."reachedProductionAt" DESC, x.sha LIMIT ${limit}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM (${rows}) x`,
  ]);
  return {
    total: count?.total ?? 0,
    items: items.map(({ lead_ms, ...item }) => ({ ...item, leadTimeSeconds: Number(lead_ms) / 1000 })),
  };
}
