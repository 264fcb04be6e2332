// The rollout view of one image across the fleet (GET /api/v1/rollouts/image?ref=…,
// /rollouts/image?ref=…): a shared base image or sidecar (envoy, a distroless base) moving to a
// new tag in many services at once. In scope: every live application that runs the image's
// repository at any tag; those on `ref` run it, the others are not yet reached.
//
// Applications list their images in an array no index can search by prefix, so this reads the
// live applications once (one sequential scan of `applications`, the fleet's smallest big table:
// docs/api.md has its cost at the bench's fleets) and groups what matched.
import { z } from "zod";
import { nameField, strictQuery } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { AppError } from "../http/app-error";
import type { HealthStatus } from "../generated/prisma/enums";
import { buildRolloutView, rolloutEnvironmentSchema } from "./build-rollout-view";
import { imageRefField, parseImageRef } from "./parse-image-ref";
import { rolloutCountsSchema } from "./rollout-counts";

export const getImageRolloutQuery = z.strictObject(
  {
    ref: imageRefField,
    environment: nameField.optional().meta({ description: "Only this environment (dev, staging, prod, …)." }),
  },
  strictQuery,
);

export const imageRolloutSchema = z
  .object({
    image: z.object({
      ref: z.string(),
      repository: z.string().meta({ description: "The image without its tag or digest: applications running any tag of it are in scope." }),
      services: z.number().int().meta({ description: "Services with an application in scope." }),
      servicesRunning: z.number().int().meta({ description: "Services with an application running `ref`." }),
    }),
    environment: z.string().nullable(),
    counts: rolloutCountsSchema,
    environments: z.array(rolloutEnvironmentSchema).meta({ description: "In environment rank order; `firstReachedAt` is null throughout (images carry no deployment history here)." }),
  })
  .meta({ id: "ImageRollout", description: "One image tag moving across the fleet's services, regions and clusters." });

export type ImageRollout = z.output<typeof imageRolloutSchema>;

type CellRow = {
  environment: string;
  environment_rank: number;
  cluster_id: number;
  cluster: string;
  region: string | null;
  on_ref: boolean;
  health: HealthStatus;
  applications: number;
};

export async function getImageRollout(options: { ref: string; environment?: string }, { db = readDb() }: { db?: DbOrTx } = {}): Promise<ImageRollout> {
  const image = parseImageRef(options.ref);
  if (!image) throw new Error(`not an image reference: ${options.ref}`);
  const environment = options.environment ?? null;
  const [row] = await db.$queryRaw<{ known: boolean; services: number; services_running: number; cells: CellRow[] | null }[]>`
    WITH matched AS MATERIALIZED (
      SELECT a.service_id, a.environment_id, a.cluster_id, a.health_status, ${image.ref} = ANY(a.images) AS on_ref
      FROM applications a
      WHERE a.deleted_at IS NULL
        AND (${environment}::text IS NULL OR a.environment_id = (SELECT id FROM environments WHERE name = ${environment}))
        AND EXISTS (
          SELECT 1 FROM unnest(a.images) AS i(image)
          WHERE i.image = ${image.ref} OR starts_with(i.image, ${`${image.repository}:`}) OR starts_with(i.image, ${`${image.repository}@`}))
    )
    SELECT
      ${environment}::text IS NULL OR EXISTS (SELECT 1 FROM environments WHERE name = ${environment}) AS known,
      (SELECT count(DISTINCT service_id)::int FROM matched) AS services,
      (SELECT count(DISTINCT service_id)::int FROM matched WHERE on_ref) AS services_running,
      (SELECT json_agg(cell) FROM (
        SELECT e.name AS environment, e.rank AS environment_rank, c.id AS cluster_id, c.name AS cluster, c.region,
          m.on_ref, m.health_status::text AS health, count(*)::int AS applications
        FROM matched m JOIN environments e ON e.id = m.environment_id JOIN clusters c ON c.id = m.cluster_id
        GROUP BY e.name, e.rank, c.id, c.name, c.region, m.on_ref, m.health_status
      ) cell) AS cells`;
  if (row && !row.known) throw new AppError("not_found", `No environment is named ${JSON.stringify(environment)}.`);
  const cells = (row?.cells ?? []).map((cell) => ({
    environment: cell.environment,
    environmentRank: cell.environment_rank,
    clusterId: cell.cluster_id,
    cluster: cell.cluster,
    region: cell.region,
    onRelease: cell.on_ref,
    health: cell.health,
    lastStatus: null,
    applications: cell.applications,
    firstStartedAt: null,
  }));
  return {
    image: { ref: image.ref, repository: image.repository, services: row?.services ?? 0, servicesRunning: row?.services_running ?? 0 },
    environment,
    ...buildRolloutView(cells),
  };
}
