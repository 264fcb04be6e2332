// Promotions, newest first, a keyset page at a time: the /promotions page and
// GET /api/v1/promotions. Promotions are few (a handful per service and day); a page costs its
// rows plus a count of their applications per state.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { limitField, nameField, strictQuery } from "../api/query-fields";
import { type DbOrTx, getDb } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { PromotionState } from "../generated/prisma/enums";
import { ACTIVE_PROMOTION_STATES } from "./promotion-states";

const STATE_FILTERS: Record<string, readonly PromotionState[]> = {
  active: ACTIVE_PROMOTION_STATES,
  finished: ["SUCCEEDED", "FAILED", "ABORTED"],
  awaiting_approval: ["AWAITING_APPROVAL"],
  running: ["RUNNING"],
  paused: ["PAUSED"],
  succeeded: ["SUCCEEDED"],
  failed: ["FAILED"],
  aborted: ["ABORTED"],
};
const stateNames = Object.keys(STATE_FILTERS);

const promotionKey = z.tuple([z.iso.datetime(), z.number().int().positive()]).transform(([requestedAt, id]) => ({ requestedAt: new Date(requestedAt), id }));

export const listPromotionsQuery = z.strictObject(
  {
    state: z
      .enum(stateNames as [string, ...string[]], { error: `must be one of ${stateNames.join(", ")}` })
      .optional()
      .meta({ description: "`active` (awaiting approval, running, paused), `finished`, or one state, e.g. `running`." }),
    service: nameField.optional().meta({ description: "Only promotions of this service (exact name)." }),
    limit: limitField(25, 200),
    cursor: keysetCursor(promotionKey).optional(),
  },
  strictQuery,
);
export type ListPromotionsOptions = Partial<z.output<typeof listPromotionsQuery>>;

export const promotionSummarySchema = z
  .object({
    id: z.number().int(),
    state: z.enum(PromotionState),
    service: z.string(),
    release: z.object({ id: z.number().int(), version: z.string() }),
    environment: z.string(),
    requestedBy: z.string(),
    requestedAt: z.date(),
    finishedAt: z.date().nullable(),
    waves: z.number().int(),
    currentWave: z.number().int(),
    applications: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ id: "PromotionSummary", description: "One promotion as lists show it." });
export type PromotionSummary = z.output<typeof promotionSummarySchema>;

export const promotionPageSchema = z
  .object({
    items: z.array(promotionSummarySchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "PromotionPage" });
export type PromotionPage = z.output<typeof promotionPageSchema>;

export async function listPromotions(options: ListPromotionsOptions = {}, db: DbOrTx = getDb()): Promise<PromotionPage> {
  const limit = options.limit ?? 25;
  const where: Prisma.PromotionWhereInput = {
    ...(options.state ? { state: { in: [...STATE_FILTERS[options.state]!] } } : {}),
    ...(options.service ? { service: { name: options.service } } : {}),
    ...(options.cursor
      ? { OR: [{ requestedAt: { lt: options.cursor.requestedAt } }, { requestedAt: options.cursor.requestedAt, id: { lt: options.cursor.id } }] }
      : {}),
  };
  const rows = await db.promotion.findMany({
    where,
    orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      state: true,
      requestedBy: true,
      requestedAt: true,
      finishedAt: true,
      currentWave: true,
      service: { select: { name: true } },
      release: { select: { id: true, version: true } },
      environment: { select: { name: true } },
      _count: { select: { waves: true } },
    },
  });
  const page = rows.slice(0, limit);
  const counts = await db.promotionApplication.groupBy({ by: ["promotionId", "state"], where: { promotionId: { in: page.map((row) => row.id) } }, _count: { _all: true } });
  const count = (id: number, states?: string[]) => counts.filter((entry) => entry.promotionId === id && (!states || states.includes(entry.state))).reduce((sum, entry) => sum + entry._count._all, 0);
  const items = page.map(
    (row): PromotionSummary => ({
      id: row.id,
      state: row.state,
      service: row.service.name,
      release: row.release,
      environment: row.environment.name,
      requestedBy: row.requestedBy,
      requestedAt: row.requestedAt,
      finishedAt: row.finishedAt,
      waves: row._count.waves,
      currentWave: row.currentWave,
      applications: count(row.id),
      succeeded: count(row.id, ["SUCCEEDED"]),
      failed: count(row.id, ["FAILED"]),
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.requestedAt.toISOString(), last.id]) : null };
}
