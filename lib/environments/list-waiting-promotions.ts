// The fleet-wide "waiting for promotion" list: one row per service and environment that is
// behind the environment before it (the rule of chain-environments.ts), oldest waiting change
// first, filtered by team, a keyset page at a time, with the totals counted by the database.
//
// It reads service_environment_states (one row per service and environment, kept by triggers,
// about services × environments rows), not the applications: the releases an environment runs
// are the per-cluster lowest and highest release ids of that row, put in release order
// (first_seen_at, id) by a primary-key read of each. That is every release it runs unless one
// cluster runs three or more releases of the service in one environment at once (several
// applications), where the middle ones are not seen; the service view reads the applications
// and sees them. Previous environments come from a window over ranks, and the age of the
// oldest waiting change is one index probe on releases(service_id, first_seen_at) per pair;
// the lag counts are measured for the page's rows only.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { limitField, nameField, strictQuery } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { teamSchema } from "../services/list-services";
import { buildLagCompare, buildPromotionTarget, lagCompareSchema, namedReleaseSchema, promotionTargetSchema } from "./environment-lag-schema";
import { measureReleaseLags, releaseLagSchema } from "./measure-release-lag";

export const listWaitingPromotionsQuery = z.strictObject(
  {
    team: nameField.optional().meta({ description: "Team slug: only that team's services." }),
    limit: limitField(50, 200),
    cursor: keysetCursor(
      z.tuple([z.iso.datetime(), nameField, nameField]).transform(([waitingSince, service, environment]) => ({ waitingSince: new Date(waitingSince), service, environment })),
    ).optional(),
  },
  strictQuery,
);

export type ListWaitingPromotionsOptions = Partial<z.output<typeof listWaitingPromotionsQuery>>;

export const waitingPromotionSchema = z
  .object({
    service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable(), team: teamSchema.nullable(), repository: z.string().nullable() }),
    environment: z.object({ name: z.string(), isProduction: z.boolean() }).meta({ description: "The environment that is behind." }),
    running: namedReleaseSchema.meta({ description: "The oldest release the environment runs." }),
    previous: z.object({ environment: z.string(), release: namedReleaseSchema }).meta({ description: "The environment before it and the newest release that one runs: what is waiting." }),
    waitingSince: z.date().meta({ description: "When the oldest waiting change appeared (first_seen_at of the oldest release between); the list's order." }),
    lag: releaseLagSchema,
    compare: lagCompareSchema,
    promotion: promotionTargetSchema,
  })
  .meta({ id: "WaitingPromotion" });

export type WaitingPromotion = z.output<typeof waitingPromotionSchema>;

export const waitingPromotionPageSchema = z
  .object({
    total: z.number().int().meta({ description: "Environments behind, over the whole filter (not just this page)." }),
    services: z.number().int().meta({ description: "Services with at least one environment behind, over the whole filter." }),
    items: z.array(waitingPromotionSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "WaitingPromotionPage" });

export type WaitingPromotionPage = z.output<typeof waitingPromotionPageSchema>;

type Row = {
  total: number;
  services: number;
  service_id: number | null;
  service_name: string;
  team_id: number | null;
  team_slug: string | null;
  team_name: string | null;
  repository: string | null;
  environment: string;
  is_production: boolean;
  source_environment: string;
  waiting_since: Date;
  running_id: number;
  running_version: string;
  running_first_seen_at: Date;
  running_commit_sha: string | null;
  source_id: number;
  source_version: string;
  source_first_seen_at: Date;
  source_commit_sha: string | null;
};

export async function listWaitingPromotions(options: ListWaitingPromotionsOptions = {}, { db = readDb() }: { db?: DbOrTx } = {}): Promise<WaitingPromotionPage> {
  const limit = options.limit ?? 50;
  const team = options.team ? Prisma.sql`AND s.team_id = (SELECT id FROM teams WHERE slug = ${options.team})` : Prisma.empty;
  const after = options.cursor
    ? Prisma.sql`WHERE (w.waiting_since, w.service_name, w.environment) > (${options.cursor.waitingSince}::timestamptz, ${options.cursor.service}, ${options.cursor.environment})`
    : Prisma.empty;

  const rows = await db.$queryRaw<Row[]>`
    WITH per_env AS MATERIALIZED (
      SELECT st.service_id, e.name AS environment, e.rank, e.is_production, x.oldest_id, x.oldest_at, x.newest_id, x.newest_at
      FROM service_environment_states st
      JOIN services s ON s.id = st.service_id
      JOIN environments e ON e.id = st.environment_id
      CROSS JOIN LATERAL (
        SELECT (array_agg(r.id ORDER BY r.first_seen_at, r.id))[1] AS oldest_id, min(r.first_seen_at) AS oldest_at,
          (array_agg(r.id ORDER BY r.first_seen_at DESC, r.id DESC))[1] AS newest_id, max(r.first_seen_at) AS newest_at
        FROM releases r
        WHERE r.id = ANY(st.cluster_min_release_ids || st.cluster_max_release_ids)
      ) x
      WHERE st.applications > 0 AND x.oldest_id IS NOT NULL ${team}
    ), rank_best AS (
      SELECT DISTINCT ON (service_id, rank) service_id, rank, environment, newest_id, newest_at
      FROM per_env
      ORDER BY service_id, rank, newest_at DESC, newest_id DESC, environment
    ), rank_chain AS (
      SELECT service_id, rank,
        lag(environment) OVER w AS source_environment, lag(newest_id) OVER w AS source_id, lag(newest_at) OVER w AS source_at
      FROM rank_best
      WINDOW w AS (PARTITION BY service_id ORDER BY rank)
    ), behind AS MATERIALIZED (
      SELECT t.service_id, s.name AS service_name, t.environment, t.is_production, t.oldest_id, c.source_environment, c.source_id, first_after.first_seen_at AS waiting_since
      FROM per_env t
      JOIN rank_chain c ON c.service_id = t.service_id AND c.rank = t.rank
      JOIN services s ON s.id = t.service_id
      CROSS JOIN LATERAL (
        SELECT r.first_seen_at FROM releases r
        WHERE r.service_id = t.service_id AND r.first_seen_at >= t.oldest_at AND (r.first_seen_at, r.id) > (t.oldest_at, t.oldest_id)
        ORDER BY r.first_seen_at, r.id
        LIMIT 1
      ) first_after
      WHERE c.source_id IS NOT NULL AND (c.source_at, c.source_id) > (t.oldest_at, t.oldest_id)
    ), page AS (
      -- The page's rows first, then their names and releases by primary key: the planner cannot
      -- know how few environments are behind, and joined first it hashes all of releases.
      SELECT * FROM behind w
      ${after}
      ORDER BY w.waiting_since, w.service_name, w.environment
      LIMIT ${limit + 1}
    )
    SELECT totals.total, totals.services, shown.*
    FROM (SELECT count(*)::int AS total, count(DISTINCT service_id)::int AS services FROM behind) totals
    LEFT JOIN LATERAL (
      SELECT w.service_id, w.service_name, s.team_id, t.slug AS team_slug, t.name AS team_name, s.repository,
        w.environment, w.is_production, w.source_environment, w.waiting_since,
        o.id AS running_id, o.version AS running_version, o.first_seen_at AS running_first_seen_at, o.commit_sha AS running_commit_sha,
        n.id AS source_id, n.version AS source_version, n.first_seen_at AS source_first_seen_at, n.commit_sha AS source_commit_sha
      FROM page w
      CROSS JOIN LATERAL (SELECT * FROM services WHERE id = w.service_id) s
      LEFT JOIN LATERAL (SELECT * FROM teams WHERE id = s.team_id) t ON TRUE
      CROSS JOIN LATERAL (SELECT * FROM releases WHERE id = w.oldest_id) o
      CROSS JOIN LATERAL (SELECT * FROM releases WHERE id = w.source_id) n
    ) shown ON TRUE
    ORDER BY shown.waiting_since, shown.service_name, shown.environment`;

  const total = rows[0]?.total ?? 0;
  const services = rows[0]?.services ?? 0;
  const pageRows = rows.filter((row) => row.service_id !== null);
  const shown = pageRows.slice(0, limit);
  const lags = await measureReleaseLags(
    shown.map((row) => ({ serviceId: row.service_id!, olderReleaseId: row.running_id, newerReleaseId: row.source_id })),
    { db },
  );

  const items: WaitingPromotion[] = [];
  shown.forEach((row, index) => {
    const lag = lags[index];
    // Nothing between two releases the list found in order cannot happen short of a release deleted
    // between the two statements; such a row is left out rather than shown with a made-up lag.
    if (!lag) return;
    const running = { id: row.running_id, version: row.running_version, firstSeenAt: row.running_first_seen_at, commitSha: row.running_commit_sha };
    const source = { id: row.source_id, version: row.source_version, firstSeenAt: row.source_first_seen_at, commitSha: row.source_commit_sha };
    items.push({
      service: {
        id: row.service_id!,
        name: row.service_name,
        teamId: row.team_id,
        team: row.team_slug === null ? null : { slug: row.team_slug, name: row.team_name! },
        repository: row.repository,
      },
      environment: { name: row.environment, isProduction: row.is_production },
      running,
      previous: { environment: row.source_environment, release: source },
      waitingSince: row.waiting_since,
      lag,
      compare: buildLagCompare(row.repository, running, source),
      promotion: buildPromotionTarget(row.service_name, source, row.environment),
    });
  });
  const last = shown[shown.length - 1];
  return {
    total,
    services,
    items,
    nextCursor: pageRows.length > limit && last ? encodeKeysetCursor([last.waiting_since.toISOString(), last.service_name, last.environment]) : null,
  };
}
