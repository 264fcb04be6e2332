// A deployment's phase log (deployment_events): what Argo CD or GitHub reported, when. Written
// in the same statement as the deployment's upsert, from a CTE named `deployment` that returns
// its id; one row per distinct (kind, time), so repeated reports add nothing.
import { Prisma } from "../generated/prisma/client";

export type PhaseEvent = { kind: string; at: Date; detail: string | null };

/** The INSERT for a `WITH deployment AS (… RETURNING id), logged AS (<this>)` statement. */
export function phaseLogInsert(events: PhaseEvent[]): Prisma.Sql {
  return Prisma.sql`
      INSERT INTO deployment_events (deployment_id, kind, at, detail)
      SELECT deployment.id, e.kind, e.at, e.detail FROM deployment,
        unnest(${events.map((e) => e.kind)}::text[], ${events.map((e) => e.at)}::timestamptz[], ${events.map((e) => e.detail)}::text[]) AS e(kind, at, detail)
      ON CONFLICT (deployment_id, kind, at) DO NOTHING`;
}

/**
 * The same INSERT for several deployments written in one statement: `deployment` returns
 * `application_id` too, and each event names the application whose deployment it belongs to.
 */
export function phaseLogInsertByApplication(events: (PhaseEvent & { application_id: number })[]): Prisma.Sql {
  return Prisma.sql`
      INSERT INTO deployment_events (deployment_id, kind, at, detail)
      SELECT deployment.id, e.kind, e.at, e.detail FROM deployment
      JOIN ROWS FROM (jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS (application_id int, kind text, at timestamptz, detail text)) AS e
        ON e.application_id = deployment.application_id
      ON CONFLICT (deployment_id, kind, at) DO NOTHING`;
}
