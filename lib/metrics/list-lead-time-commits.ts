// Drill-down of lead time for changes: each commit that reached production in the window, with
// where lead time started (commit or merge time), when it reached production (its release's
// first succeeded production sync) and the difference: the rows the median is computed over
// (build-lead-time-samples-sql.ts). A keyset page at a time, latest to reach production first;
// `total` (and `groups`, when asked) cover every page.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { encodeKeysetCursor } from "../api/keyset-cursor";
import { buildLeadTimeSamplesSql } from "./build-lead-time-samples-sql";
import type { LeadTimeCommitCursor } from "./dora-query";
import { type DrilldownGrouping, drilldownGroupsSchema, listDoraDrilldownGroups } from "./list-dora-drilldown-groups";
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
  .object({
    total: z.number().int().meta({ description: "Commits on every page: the samples of the median and mean." }),
    items: z.array(leadTimeCommitSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    groups: drilldownGroupsSchema,
  })
  .meta({ id: "LeadTimeCommitList" });

export type LeadTimeCommit = z.output<typeof leadTimeCommitSchema>;
export type LeadTimeCommitList = z.output<typeof leadTimeCommitListSchema>;

export async function listLeadTimeCommits(
  request: DoraRequest,
  { limit = 100, cursor, group }: { limit?: number; cursor?: LeadTimeCommitCursor; group?: DrilldownGrouping } = {},
  db: DbOrTx = readDb(),
): Promise<LeadTimeCommitList> {
  const rows = Prisma.sql`
    SELECT c.sha, c.message, c.repository, s.name AS service, r.version AS release, r.id AS "releaseId",
           x.deployment_id AS "deploymentId", env.name AS environment, c.committed_at AS "committedAt",
           x.lead_started_at AS "startedAt", x.reached_at AS "reachedProductionAt", x.lead_ms
    FROM (${buildLeadTimeSamplesSql(request, request.window)}) x
    JOIN commits c ON c.id = x.commit_id
    JOIN releases r ON r.id = x.release_id
    JOIN services s ON s.id = r.service_id
    JOIN environments env ON env.id = x.environment_id`;
  // Latest first; ties (one release's commits reach production together) by sha, then release.
  const after = cursor
    ? Prisma.sql`WHERE x."reachedProductionAt" < ${cursor.reachedAt}
        OR (x."reachedProductionAt" = ${cursor.reachedAt} AND (x.sha, x."releaseId") > (${cursor.sha}, ${cursor.releaseId}))`
    : Prisma.empty;
  const [found, [count], groups] = await Promise.all([
    db.$queryRaw<(Omit<LeadTimeCommit, "leadTimeSeconds"> & { lead_ms: bigint })[]>`
      SELECT * FROM (${rows}) x ${after} ORDER BY x."reachedProductionAt" DESC, x.sha, x."releaseId" LIMIT ${limit + 1}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM (${buildLeadTimeSamplesSql(request, request.window)}) x`,
    group ? listDoraDrilldownGroups(buildLeadTimeSamplesSql(request, request.window), group, db) : null,
  ]);
  const items = found.slice(0, limit).map(({ lead_ms, ...item }) => ({ ...item, leadTimeSeconds: Number(lead_ms) / 1000 }));
  const last = items[items.length - 1];
  return {
    total: count?.total ?? 0,
    items,
    nextCursor: found.length > limit && last ? encodeKeysetCursor([last.reachedProductionAt.toISOString(), last.sha, last.releaseId]) : null,
    groups,
  };
}
