// One deployment: where it ran, which release it brought, what Argo CD reported step by step
// (deployment_events) and how it is linked to rollbacks: the deployment that rolled it back,
// the one it rolled back (for a rollback), and rollbacks requested through Shiplog from it.
// Every read is by primary key or within the one application's deployments.
import { z } from "zod";
import { idField } from "../api/query-fields";
import { applicationSourceSchema, applicationSourcesSchema } from "../argocd/application-sources";
import { readDb, type DbOrTx } from "../db/client";
import { DeploymentSource, DeploymentStatus, HealthStatus, RollbackMethod, RollbackState } from "../generated/prisma/enums";
import { deploymentSummaryColumns, deploymentSummaryJoins, deploymentSummarySchema, toDeploymentSummary, type DeploymentSummaryRow } from "./list-deployments";

export const getDeploymentParams = z.object({ id: idField.meta({ description: "Deployment id." }) });

/** Phase-log entries returned; a sync reports a handful, so this only guards against a runaway sender. */
const MAX_EVENTS = 200;

const releaseRef = z.object({ id: z.number().int(), version: z.string() });

const deploymentRefSchema = z
  .object({ id: z.number().int(), status: z.enum(DeploymentStatus), startedAt: z.date(), release: releaseRef.nullable() })
  .meta({ id: "DeploymentRef" });

export const deploymentDetailSchema = deploymentSummarySchema
  .extend({
    application: z.object({
      id: z.number().int(),
      name: z.string(),
      namespace: z.string(),
      argoInstance: z.string(),
      sources: z
        .array(applicationSourceSchema)
        .meta({ description: "Every source of a multi-source Argo CD application (spec.sources), with the revision each is synced to now; [] for one source." }),
    }),
    environmentIsProduction: z.boolean(),
    release: z
      .object({
        id: z.number().int(),
        version: z.string(),
        commitSha: z.string().nullable(),
        image: z.string().nullable(),
        imageTag: z.string().nullable(),
        imageDigest: z.string().nullable(),
      })
      .nullable(),
    source: z.enum(DeploymentSource),
    revision: z.string().nullable().meta({ description: "The Git revision Argo CD synced (the config repository's)." }),
    revisions: z
      .array(z.string())
      .meta({ description: "A multi-source application's revision of each source this sync applied, in spec.sources order; [] for one source." }),
    images: z.array(z.string()),
    argoHistoryId: z.number().int().nullable(),
    message: z.string().nullable(),
    lastHealth: z.enum(HealthStatus).nullable(),
    degradedAt: z.date().nullable(),
    events: z.array(z.object({ at: z.date(), kind: z.string(), detail: z.string().nullable() })).meta({ description: `The phase log, oldest first; at most ${MAX_EVENTS} entries.` }),
    rolledBackBy: deploymentRefSchema.nullable().meta({ description: "The deployment that replaced this one with an earlier release." }),
    rollsBack: deploymentRefSchema.nullable().meta({ description: "For a rollback: the deployment it reverted." }),
    rollbacks: z
      .array(
        z.object({
          id: z.number().int(),
          state: z.enum(RollbackState),
          method: z.enum(RollbackMethod),
          toRelease: releaseRef,
          requestedBy: z.string(),
          requestedAt: z.date(),
          finishedAt: z.date().nullable(),
        }),
      )
      .meta({ description: "Rollbacks requested through Shiplog away from this deployment." }),
  })
  .meta({ id: "DeploymentDetail" });

export type DeploymentDetail = z.output<typeof deploymentDetailSchema>;

/** The deployment, or null when there is none with that id. */
export async function getDeployment(id: number, db: DbOrTx = readDb()): Promise<DeploymentDetail | null> {
  const [row] = await db.$queryRaw<(DeploymentSummaryRow & DetailRow)[]>`
    SELECT ${deploymentSummaryColumns},
      a.namespace, ai.name AS argo_instance, e.is_production, r.commit_sha, r.image, r.image_tag, r.image_digest,
      a.sources AS application_sources, d.source::text AS source, d.revision, COALESCE(d.revisions, '{}') AS revisions, d.images, d.argo_history_id, d.message, d.last_health::text AS last_health, d.degraded_at
    FROM deployments d
    ${deploymentSummaryJoins}
    JOIN argo_instances ai ON ai.id = a.argo_instance_id
    WHERE d.id = ${id}`;
  if (!row) return null;

  const [events, links, rollbacks] = await Promise.all([
    db.$queryRaw<{ at: Date; kind: string; detail: string | null }[]>`
      SELECT at, kind, detail FROM deployment_events WHERE deployment_id = ${id} ORDER BY at, id LIMIT ${MAX_EVENTS}`,
    // Both neighbours live among the application's own deployments (its index), not the whole table.
    db.$queryRaw<(z.output<typeof deploymentRefSchema> & { link: "rolledBackBy" | "rollsBack" })[]>`
      SELECT CASE WHEN d.id = ${row.rolled_back_by_id} THEN 'rolledBackBy' ELSE 'rollsBack' END AS link,
        d.id, d.status::text AS status, d.started_at AS "startedAt",
        CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, 'version', r.version) END AS release
      FROM deployments d LEFT JOIN releases r ON r.id = d.release_id
      WHERE d.application_id = ${row.application_id} AND (d.id = ${row.rolled_back_by_id} OR d.rolled_back_by_id = ${id})`,
    db.$queryRaw<{ id: number; state: RollbackState; method: RollbackMethod; to_id: number; to_version: string; requested_by: string; requested_at: Date; finished_at: Date | null }[]>`
      SELECT rb.id, rb.state::text AS state, rb.method::text AS method, r.id AS to_id, r.version AS to_version,
        rb.requested_by, rb.requested_at, rb.finished_at
      FROM rollbacks rb JOIN releases r ON r.id = rb.to_release_id
      WHERE rb.application_id = ${row.application_id} AND rb.from_deployment_id = ${id}
      ORDER BY rb.requested_at, rb.id`,
  ]);
  const link = (name: "rolledBackBy" | "rollsBack") => {
    const found = links.find((candidate) => candidate.link === name);
    return found ? { id: found.id, status: found.status, startedAt: found.startedAt, release: found.release } : null;
  };

  return {
    ...toDeploymentSummary(row),
    application: {
      id: row.application_id,
      name: row.application_name,
      namespace: row.namespace,
      argoInstance: row.argo_instance,
      // JSON read back through its schema.
      sources: applicationSourcesSchema.parse(row.application_sources),
    },
    environmentIsProduction: row.is_production,
    release:
      row.release_id === null
        ? null
        : { id: row.release_id, version: row.release_version!, commitSha: row.commit_sha, image: row.image, imageTag: row.image_tag, imageDigest: row.image_digest },
    source: row.source,
    revision: row.revision,
    revisions: row.revisions,
    images: row.images,
    argoHistoryId: row.argo_history_id,
    message: row.message,
    lastHealth: row.last_health,
    degradedAt: row.degraded_at,
    events,
    rolledBackBy: link("rolledBackBy"),
    rollsBack: link("rollsBack"),
    rollbacks: rollbacks.map((rollback) => ({
      id: rollback.id,
      state: rollback.state,
      method: rollback.method,
      toRelease: { id: rollback.to_id, version: rollback.to_version },
      requestedBy: rollback.requested_by,
      requestedAt: rollback.requested_at,
      finishedAt: rollback.finished_at,
    })),
  };
}

type DetailRow = {
  namespace: string;
  argo_instance: string;
  is_production: boolean;
  commit_sha: string | null;
  image: string | null;
  image_tag: string | null;
  image_digest: string | null;
  application_sources: unknown;
  source: DeploymentSource;
  revision: string | null;
  revisions: string[];
  images: string[];
  argo_history_id: number | null;
  message: string | null;
  last_health: HealthStatus | null;
  degraded_at: Date | null;
};
