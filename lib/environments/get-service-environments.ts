// One service's environments view: in rank order, the releases each environment runs (with the
// regions and clusters running each, so where they differ shows), whether it is behind the
// environment before it (chain-environments.ts), by how much (measure-release-lag.ts), the
// comparison links and the promotion it could get. One grouped read of the service's live
// applications over applications(service_id, environment_id), then one statement for the lags.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { teamSchema } from "../services/list-services";
import { chainEnvironments } from "./chain-environments";
import { buildLagCompare, buildPromotionTarget, lagCompareSchema, namedReleaseSchema, promotionTargetSchema, type NamedRelease } from "./environment-lag-schema";
import { measureReleaseLags, releaseLagSchema } from "./measure-release-lag";

const runningReleaseSchema = namedReleaseSchema.extend({
  applications: z.number().int().meta({ description: "Live applications of the environment running it." }),
  clusters: z.array(z.string()).meta({ description: "Clusters running it, by name." }),
  regions: z.array(z.string()).meta({ description: "Regions of those clusters (clusters without a region left out)." }),
});

export const serviceEnvironmentsSchema = z
  .object({
    service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable(), team: teamSchema.nullable(), repository: z.string().nullable() }),
    environments: z.array(
      z.object({
        name: z.string(),
        rank: z.number().int(),
        isProduction: z.boolean(),
        applications: z.number().int().meta({ description: "Live applications of the service in the environment." }),
        unknownReleaseApplications: z.number().int().meta({ description: "Of those, how many run a release Shiplog does not know." }),
        releases: z.array(runningReleaseSchema).meta({ description: "The releases it runs, newest first; more than one: its regions or clusters differ." }),
        previous: z
          .object({ environment: z.string(), release: namedReleaseSchema })
          .nullable()
          .meta({ description: "The environment before it in rank order and the newest release that one runs; null for the first." }),
        behind: z.boolean().meta({ description: "The environment before it runs a newer release than the oldest this one runs." }),
        lag: releaseLagSchema.nullable().meta({ description: "When behind: what lies between its oldest release and `previous.release`." }),
        compare: lagCompareSchema.nullable(),
        promotion: promotionTargetSchema.nullable().meta({ description: "When behind: the promotion that would catch it up." }),
      }),
    ),
  })
  .meta({ id: "ServiceEnvironments" });

export type ServiceEnvironments = z.output<typeof serviceEnvironmentsSchema>;
export type ServiceEnvironment = ServiceEnvironments["environments"][number];

type Row = {
  environment: string;
  rank: number;
  is_production: boolean;
  release_id: number | null;
  version: string | null;
  first_seen_at: Date | null;
  commit_sha: string | null;
  applications: number;
  clusters: string[];
  regions: string[];
};

type ServiceRow = { id: number; name: string; repository: string | null; team_id: number | null; team_slug: string | null; team_name: string | null };

/** The view, or null when no service has that name. */
export async function getServiceEnvironments(name: string, { db = readDb() }: { db?: DbOrTx } = {}): Promise<ServiceEnvironments | null> {
  const [service] = await db.$queryRaw<ServiceRow[]>`
    SELECT s.id, s.name, s.repository, s.team_id, t.slug AS team_slug, t.name AS team_name
    FROM services s LEFT JOIN teams t ON t.id = s.team_id WHERE s.name = ${name}`;
  if (!service) return null;

  const rows = await db.$queryRaw<Row[]>`
    SELECT e.name AS environment, e.rank, e.is_production, r.id AS release_id, r.version, r.first_seen_at, r.commit_sha,
      count(*)::int AS applications,
      array_agg(DISTINCT c.name ORDER BY c.name) AS clusters,
      COALESCE(array_agg(DISTINCT c.region ORDER BY c.region) FILTER (WHERE c.region IS NOT NULL), '{}') AS regions
    FROM applications a
    JOIN environments e ON e.id = a.environment_id
    JOIN clusters c ON c.id = a.cluster_id
    LEFT JOIN releases r ON r.id = a.current_release_id
    WHERE a.service_id = ${service.id} AND a.deleted_at IS NULL
    GROUP BY e.id, r.id`;

  const byEnvironment = new Map<string, { name: string; rank: number; isProduction: boolean; unknown: number; releases: z.output<typeof runningReleaseSchema>[] }>();
  for (const row of rows) {
    let environment = byEnvironment.get(row.environment);
    if (!environment) {
      environment = { name: row.environment, rank: row.rank, isProduction: row.is_production, unknown: 0, releases: [] };
      byEnvironment.set(row.environment, environment);
    }
    if (row.release_id === null) environment.unknown += row.applications;
    else
      environment.releases.push({
        id: row.release_id,
        version: row.version!,
        firstSeenAt: row.first_seen_at!,
        commitSha: row.commit_sha,
        applications: row.applications,
        clusters: row.clusters,
        regions: row.regions,
      });
  }

  const chain = chainEnvironments([...byEnvironment.values()]);
  const lags = await measureReleaseLags(
    chain.filter((link) => link.behind).map((link) => ({ serviceId: service.id, olderReleaseId: link.oldest!.id, newerReleaseId: link.previous!.release.id })),
    { db },
  );
  let lagIndex = 0;

  return {
    service: {
      id: service.id,
      name: service.name,
      teamId: service.team_id,
      team: service.team_slug === null ? null : { slug: service.team_slug, name: service.team_name! },
      repository: service.repository,
    },
    environments: chain.map((link) => {
      const environment = byEnvironment.get(link.name)!;
      const previous = link.previous ? { environment: link.previous.environment, release: named(link.previous.release) } : null;
      const lag = link.behind ? (lags[lagIndex++] ?? null) : null;
      return {
        name: link.name,
        rank: link.rank,
        isProduction: environment.isProduction,
        applications: environment.releases.reduce((sum, release) => sum + release.applications, environment.unknown),
        unknownReleaseApplications: environment.unknown,
        releases: link.releases,
        previous,
        behind: link.behind,
        lag,
        compare: link.behind ? buildLagCompare(service.repository, named(link.oldest!), previous!.release) : null,
        promotion: link.behind ? buildPromotionTarget(service.name, previous!.release, link.name) : null,
      };
    }),
  };
}

function named(release: NamedRelease): NamedRelease {
  return { id: release.id, version: release.version, firstSeenAt: release.firstSeenAt, commitSha: release.commitSha };
}
