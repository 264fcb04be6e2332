// The webhook storm the two ingest scenarios share: webhook-accept records which of its runs was
// the storm (its run tag and times) and where the projection tables stood before it; processing
// then watches that storm drain and copies what it produced for its baseline.
import type pg from "pg";
import { RUN_HEADER } from "./webhook-payloads";

/** Projection tables and the column whose growth marks the rows processing added to each. */
export const PROJECTED_TABLES = [
  { table: "deployments", key: "id", after: "deployments" },
  { table: "deployment_events", key: "id", after: "deployment_events" },
  { table: "releases", key: "id", after: "releases" },
  { table: "release_commits", key: "release_id", after: "releases" },
  { table: "commits", key: "id", after: "commits" },
  { table: "pull_requests", key: "id", after: "pull_requests" },
  { table: "pull_request_commits", key: "pull_request_id", after: "pull_requests" },
] as const;

export type ProjectionMarks = Record<(typeof PROJECTED_TABLES)[number]["after"], number>;

export type Storm = {
  /** Every delivery of the storm carries X-Request-Id `<runTag>-<n>`. */
  runTag: string;
  startedAt: Date;
  endedAt: Date;
  /** Highest ids of the projection tables before the storm. */
  marks: ProjectionMarks;
  /** "accept": the fixed-rate webhook-accept run; "inserted": rows written straight to the table. */
  origin: "accept" | "inserted";
};

/** The first fixed-rate Shiplog run of webhook-accept in this bench process, if it ran. */
export const acceptedStorm: { current?: Storm } = {};

export async function markProjections(pool: pg.Pool): Promise<ProjectionMarks> {
  const tables = [...new Set(PROJECTED_TABLES.map((entry) => entry.after))];
  const marks = {} as ProjectionMarks;
  for (const table of tables) {
    const { rows } = await pool.query<{ max: number | null }>(`SELECT max(id)::int AS max FROM ${table}`);
    marks[table] = rows[0]?.max ?? 0;
  }
  return marks;
}

/** The storm's deliveries: a run tag in the header kept with each row, within the run's time window. */
export function stormFilter(storm: Pick<Storm, "runTag" | "startedAt">): { where: string; values: unknown[] } {
  return {
    where: `received_at >= $1 AND headers->>'${RUN_HEADER}' LIKE $2`,
    values: [new Date(storm.startedAt.getTime() - 1_000), `${storm.runTag}-%`],
  };
}

/** Rows webhook_deliveries holds for a run's deliveries. */
export async function countStored(pool: pg.Pool, storm: Pick<Storm, "runTag" | "startedAt">): Promise<number> {
  const filter = stormFilter(storm);
  const { rows } = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM webhook_deliveries WHERE ${filter.where}`, filter.values);
  return rows[0]?.count ?? 0;
}
