// Rollbacks, newest first, a keyset page at a time: the /rollbacks page and GET /api/v1/rollbacks.
// Rollbacks are rare next to deployments (thousands, not millions), and a filter by state uses
// the rollbacks(state) index; a page costs its rows plus their application and releases.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { limitField, nameField, strictQuery } from "../api/query-fields";
import { type DbOrTx, getDb } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { RollbackMethod, RollbackState } from "../generated/prisma/enums";
import { ACTIVE_ROLLBACK_STATES, FINISHED_ROLLBACK_STATES } from "./rollback-states";

/** States as they appear in URLs, plus `active` (not finished) and `finished`. */
const STATE_FILTERS = {
  active: ACTIVE_ROLLBACK_STATES,
  finished: FINISHED_ROLLBACK_STATES,
  requested: ["REQUESTED"],
  approved: ["APPROVED"],
  executing: ["EXECUTING"],
  waiting_for_sync: ["WAITING_FOR_SYNC"],
  succeeded: ["SUCCEEDED"],
  failed: ["FAILED"],
  cancelled: ["CANCELLED"],
} as const satisfies Record<string, readonly RollbackState[]>;
const stateNames = Object.keys(STATE_FILTERS) as (keyof typeof STATE_FILTERS)[];

const rollbackKey = z.tuple([z.iso.datetime(), z.number().int().positive()]).transform(([requestedAt, id]) => ({ requestedAt: new Date(requestedAt), id }));

export const listRollbacksQuery = z.strictObject(
  {
    state: z
      .enum(stateNames as [string, ...string[]], { error: `must be one of ${stateNames.join(", ")}` })
      .optional()
      .meta({ description: "`active` (requested, approved, executing, waiting for sync), `finished`, or one state, e.g. `requested` for pending approvals." }),
    service: nameField.optional().meta({ description: "Only rollbacks of this service (exact name)." }),
    limit: limitField(25, 200),
    cursor: keysetCursor(rollbackKey).optional(),
  },
  strictQuery,
);
export type ListRollbacksOptions = Partial<z.output<typeof listRollbacksQuery>>;

export const rollbackSummarySchema = z
  .object({
    id: z.number().int(),
    groupId: z.string().nullable(),
    wave: z.number().int(),
    state: z.enum(RollbackState),
    method: z.enum(RollbackMethod),
    service: z.string(),
    application: z.object({ id: z.number().int(), name: z.string(), cluster: z.string(), environment: z.string() }),
    fromRelease: z.object({ id: z.number().int(), version: z.string() }).nullable(),
    toRelease: z.object({ id: z.number().int(), version: z.string() }),
    reason: z.string(),
    requestedBy: z.string(),
    approvedBy: z.string().nullable(),
    approvalRequired: z.boolean(),
    requestedAt: z.date(),
    finishedAt: z.date().nullable(),
  })
  .meta({ id: "RollbackSummary", description: "One rollback (one application) as lists show it." });
export type RollbackSummary = z.output<typeof rollbackSummarySchema>;

export const rollbackPageSchema = z
  .object({
    items: z.array(rollbackSummarySchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "RollbackPage" });
export type RollbackPage = z.output<typeof rollbackPageSchema>;

export async function listRollbacks(options: ListRollbacksOptions = {}, db: DbOrTx = getDb()): Promise<RollbackPage> {
  const limit = options.limit ?? 25;
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (options.state) {
    const states = [...STATE_FILTERS[options.state as keyof typeof STATE_FILTERS]];
    where.push(Prisma.sql`rb.state = ANY(${states}::"RollbackState"[])`);
  }
  if (options.service) where.push(Prisma.sql`s.name = ${options.service}`);
  if (options.cursor) where.push(Prisma.sql`(rb.requested_at, rb.id) < (${options.cursor.requestedAt}, ${options.cursor.id})`);

  const rows = await db.$queryRaw<Row[]>`
    SELECT rb.id, rb.group_id, rb.wave, rb.state::text AS state, rb.method::text AS method, s.name AS service,
      a.id AS application_id, a.name AS application, c.name AS cluster, e.name AS environment,
      fr.id AS from_id, fr.version AS from_version, tr.id AS to_id, tr.version AS to_version,
      rb.reason, rb.requested_by, rb.approved_by, rb.approval_required, rb.requested_at, rb.finished_at
    FROM rollbacks rb
    JOIN applications a ON a.id = rb.application_id
    JOIN services s ON s.id = a.service_id
    JOIN clusters c ON c.id = a.cluster_id
    JOIN environments e ON e.id = a.environment_id
    LEFT JOIN releases fr ON fr.id = rb.from_release_id
    JOIN releases tr ON tr.id = rb.to_release_id
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY rb.requested_at DESC, rb.id DESC
    LIMIT ${limit + 1}`;

  const items = rows.slice(0, limit).map(
    (row): RollbackSummary => ({
      id: row.id,
      groupId: row.group_id,
      wave: row.wave,
      state: row.state,
      method: row.method,
      service: row.service,
      application: { id: row.application_id, name: row.application, cluster: row.cluster, environment: row.environment },
      fromRelease: row.from_id === null ? null : { id: row.from_id, version: row.from_version! },
      toRelease: { id: row.to_id, version: row.to_version },
      reason: row.reason,
      requestedBy: row.requested_by,
      approvedBy: row.approved_by,
      approvalRequired: row.approval_required,
      requestedAt: row.requested_at,
      finishedAt: row.finished_at,
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.requestedAt.toISOString(), last.id]) : null };
}

type Row = {
  id: number;
  group_id: string | null;
  wave: number;
  state: RollbackState;
  method: RollbackMethod;
  service: string;
  application_id: number;
  application: string;
  cluster: string;
  environment: string;
  from_id: number | null;
  from_version: string | null;
  to_id: number;
  to_version: string;
  reason: string;
  requested_by: string;
  approved_by: string | null;
  approval_required: boolean;
  requested_at: Date;
  finished_at: Date | null;
};
