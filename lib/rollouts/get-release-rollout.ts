// The rollout view of one release (GET /api/v1/rollouts/releases/{id}, /rollouts/releases/{id}):
// in every environment of its service, or one, per region and cluster, how many applications
// run it, are healthy, degraded, progressing, failed, moved on or not yet reached.
import { z } from "zod";
import { idField, nameField, strictQuery } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { AppError } from "../http/app-error";
import { buildRolloutView, rolloutEnvironmentSchema } from "./build-rollout-view";
import { rolloutCountsSchema } from "./rollout-counts";
import { readReleaseRolloutCells } from "./read-release-rollout-cells";

export const getReleaseRolloutParams = z.object({ id: idField.meta({ description: "Release id." }) });

export const getReleaseRolloutQuery = z.strictObject(
  { environment: nameField.optional().meta({ description: "Only this environment (dev, staging, prod, …)." }) },
  strictQuery,
);

export const releaseRolloutSchema = z
  .object({
    release: z.object({ id: z.number().int(), version: z.string(), service: z.object({ id: z.number().int(), name: z.string() }) }),
    environment: z.string().nullable().meta({ description: "The environment asked for; null: every environment of the service." }),
    environmentNames: z.array(z.string()).meta({ description: "Every environment the service has applications in or the release was deployed to, in rank order." }),
    counts: rolloutCountsSchema,
    environments: z.array(rolloutEnvironmentSchema).meta({ description: "In environment rank order (dev, staging, prod)." }),
  })
  .meta({ id: "ReleaseRollout", description: "One release moving across environments, regions and clusters (waves)." });

export type ReleaseRollout = z.output<typeof releaseRolloutSchema>;

/**
 * Null when no release has this id; an unknown environment name is a 404 of its own. An
 * environment the service has no application in gives empty counts.
 */
export async function getReleaseRollout(id: number, options: { environment?: string } = {}, { db = readDb() }: { db?: DbOrTx } = {}): Promise<ReleaseRollout | null> {
  const [release] = await db.$queryRaw<{ id: number; version: string; service_id: number; service_name: string; environments: string[]; known: boolean }[]>`
    SELECT r.id, r.version, s.id AS service_id, s.name AS service_name,
      ARRAY(
        SELECT e.name FROM environments e
        WHERE e.id IN (SELECT a.environment_id FROM applications a WHERE a.service_id = r.service_id)
           OR e.id IN (SELECT d.environment_id FROM deployments d WHERE d.release_id = r.id)
        ORDER BY e.rank, e.name
      ) AS environments,
      ${options.environment ?? null}::text IS NULL OR EXISTS (SELECT 1 FROM environments WHERE name = ${options.environment ?? null}) AS known
    FROM releases r JOIN services s ON s.id = r.service_id
    WHERE r.id = ${id}`;
  if (!release) return null;
  if (!release.known) throw new AppError("not_found", `No environment is named ${JSON.stringify(options.environment)}.`);
  const environments = release.environments.filter((name) => options.environment === undefined || name === options.environment);
  const cells = await readReleaseRolloutCells(
    environments.map((environment) => ({ releaseId: id, environment })),
    { db },
  );
  return {
    release: { id: release.id, version: release.version, service: { id: release.service_id, name: release.service_name } },
    environment: options.environment ?? null,
    environmentNames: release.environments,
    ...buildRolloutView(cells),
  };
}
