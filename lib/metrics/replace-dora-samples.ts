// The per-sample tables the DORA medians are taken over (dora_lead_time_samples,
// dora_restore_samples): a service's rows are replaced whenever its rollup rows are, in the same
// transaction, from the SQL the drill-downs list, so a median always describes the rows the
// drill-down lists and sits beside counts and means of the same rollup state.
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildServiceDoraIncidentsSql } from "./build-dora-incidents-sql";
import { buildServiceLeadTimeSamplesSql } from "./build-lead-time-samples-sql";
import type { DoraDefinitions } from "./dora-definitions";

/** Replaces the samples of the given services (every service when null) under `definitions`. */
export async function replaceDoraSamples(tx: DbOrTx, definitions: DoraDefinitions, serviceIds: number[] | null): Promise<void> {
  const services = serviceIds === null ? Prisma.sql`TRUE` : Prisma.sql`service_id = ANY(${serviceIds}::int[])`;
  await tx.$executeRaw`DELETE FROM dora_lead_time_samples WHERE ${services}`;
  await tx.$executeRaw`DELETE FROM dora_restore_samples WHERE ${services}`;
  // team_key and day as in the rollups: coalesce(team_id, 0) and the UTC day the deployment started.
  await tx.$executeRaw`
    INSERT INTO dora_lead_time_samples (deployment_id, commit_id, service_id, team_key, environment_id, day, lead_ms)
    SELECT s.deployment_id, s.commit_id, s.service_id, coalesce(s.team_id, 0), s.environment_id,
           (s.deployment_started_at AT TIME ZONE 'UTC')::date, s.lead_ms
    FROM (${buildServiceLeadTimeSamplesSql(definitions, serviceIds)}) s`;
  await tx.$executeRaw`
    INSERT INTO dora_restore_samples (failed_deployment_id, service_id, team_key, environment_id, day, restore_ms)
    SELECT s.failed_deployment_id, s.service_id, coalesce(s.team_id, 0), s.environment_id,
           (s.started_at AT TIME ZONE 'UTC')::date, s.restore_ms
    FROM (${buildServiceDoraIncidentsSql(definitions, serviceIds)}) s
    WHERE s.restore_ms IS NOT NULL`;
}
