// Is ingestion keeping up? Per webhook source: when the last delivery arrived, how many
// deliveries wait or have failed, how old the oldest waiting one is (the queue lag), and the
// latest failures with their error. A FAILED delivery is waiting for its retry
// (lib/ingest/queue/delivery-retry-policy.ts), so it counts as waiting; QUARANTINED ones were set aside. Never a body or a header: only what an operator needs to
// decide where to look. Reads only the small unfinished part of `webhook_deliveries` (by its
// status index), one index probe per source for the newest arrival, and one range count per
// source over its (source, received_at) index for the arrivals of the last day.
import { z } from "zod";
import { getDb, type DbOrTx } from "../../db/client";
import { DeliverySource } from "../../generated/prisma/enums";

/** Failed or quarantined deliveries listed per source. */
const RECENT_PROBLEMS = 10;
/** A last_error is a message, not a log: longer ones are cut. */
const MAX_ERROR_LENGTH = 500;

const windowCount = z.object({
  lastHour: z.number().int(),
  lastDay: z.number().int().meta({ description: "Received in the last 24 hours (includes the last hour)." }),
});

const statusCount = z.object({
  total: z.number().int(),
  last24h: z.number().int().meta({ description: "Of those, received in the last 24 hours." }),
});

export const ingestionHealthSchema = z
  .object({
    asOf: z.date(),
    sources: z.array(
      z.object({
        source: z.enum(DeliverySource),
        lastReceivedAt: z.date().nullable(),
        received: windowCount.meta({ description: "Deliveries received, whatever became of them." }),
        failures: windowCount.meta({ description: "Of those received, how many are failed now (waiting for a retry, or quarantined)." }),
        pending: statusCount,
        failed: statusCount,
        quarantined: statusCount,
        oldestPendingReceivedAt: z.date().nullable().meta({ description: "The oldest delivery still to be processed: pending, or failed and waiting for its retry." }),
        queueLagSeconds: z.number().int().nullable().meta({ description: "How long ago that delivery arrived; null when nothing waits." }),
        recentProblems: z
          .array(
            z.object({
              id: z.number().int(),
              deliveryId: z.string(),
              event: z.string(),
              status: z.enum(["FAILED", "QUARANTINED"]),
              attempts: z.number().int(),
              receivedAt: z.date(),
              nextAttemptAt: z.date().nullable().meta({ description: "When a failed delivery is retried; null once quarantined." }),
              lastError: z.string().nullable().meta({ description: `The processing error, at most ${MAX_ERROR_LENGTH} characters.` }),
            }),
          )
          .meta({ description: `The ${RECENT_PROBLEMS} most recently received failed or quarantined deliveries.` }),
      }),
    ),
  })
  .meta({ id: "IngestionHealth" });

export type IngestionHealth = z.output<typeof ingestionHealthSchema>;
type SourceHealth = IngestionHealth["sources"][number];

export async function getIngestionHealth({ now = new Date() }: { now?: Date } = {}, db: DbOrTx = getDb()): Promise<IngestionHealth> {
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const lastHour = new Date(now.getTime() - 3_600_000);
  const [arrivals, counts, problems] = await Promise.all([
    db.$queryRaw<{ source: DeliverySource; last_received_at: Date | null; hour: number; day: number; failed_hour: number; failed_day: number }[]>`
      SELECT src.value::text AS source,
        (SELECT w.received_at FROM webhook_deliveries w WHERE w.source = src.value ORDER BY w.received_at DESC LIMIT 1) AS last_received_at,
        day.hour, day.day, day.failed_hour, day.failed_day
      FROM unnest(enum_range(NULL::"DeliverySource")) AS src(value)
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE w.received_at >= ${lastHour})::int AS hour, count(*)::int AS day,
          count(*) FILTER (WHERE w.received_at >= ${lastHour} AND w.status IN ('FAILED', 'QUARANTINED'))::int AS failed_hour,
          count(*) FILTER (WHERE w.status IN ('FAILED', 'QUARANTINED'))::int AS failed_day
        FROM webhook_deliveries w WHERE w.source = src.value AND w.received_at >= ${since}
      ) day`,
    db.$queryRaw<{ source: DeliverySource; status: "PENDING" | "FAILED" | "QUARANTINED"; total: number; last24h: number; oldest: Date }[]>`
      SELECT source::text AS source, status::text AS status, count(*)::int AS total,
        count(*) FILTER (WHERE received_at >= ${since})::int AS last24h, min(received_at) AS oldest
      FROM webhook_deliveries
      WHERE status IN ('PENDING', 'FAILED', 'QUARANTINED')
      GROUP BY source, status`,
    db.$queryRaw<ProblemRow[]>`
      SELECT source, id, delivery_id, event, status, attempts, received_at, next_attempt_at, last_error FROM (
        SELECT source::text AS source, id, delivery_id, event, status::text AS status, attempts, received_at, next_attempt_at,
          left(last_error, ${MAX_ERROR_LENGTH}) AS last_error,
          row_number() OVER (PARTITION BY source ORDER BY received_at DESC, id DESC) AS position
        FROM webhook_deliveries
        WHERE status IN ('FAILED', 'QUARANTINED')
      ) ranked
      WHERE position <= ${RECENT_PROBLEMS}
      ORDER BY source, received_at DESC, id DESC`,
  ]);

  const count = (source: DeliverySource, status: string) => counts.find((row) => row.source === source && row.status === status);
  const sources = Object.values(DeliverySource).map((source): SourceHealth => {
    const pending = count(source, "PENDING");
    const failed = count(source, "FAILED");
    const quarantined = count(source, "QUARANTINED");
    const waiting = [pending?.oldest, failed?.oldest].filter((at): at is Date => at !== undefined);
    const oldestWaiting = waiting.length === 0 ? null : new Date(Math.min(...waiting.map((at) => at.getTime())));
    const arrival = arrivals.find((row) => row.source === source);
    return {
      source,
      lastReceivedAt: arrival?.last_received_at ?? null,
      received: { lastHour: arrival?.hour ?? 0, lastDay: arrival?.day ?? 0 },
      failures: { lastHour: arrival?.failed_hour ?? 0, lastDay: arrival?.failed_day ?? 0 },
      pending: { total: pending?.total ?? 0, last24h: pending?.last24h ?? 0 },
      failed: { total: failed?.total ?? 0, last24h: failed?.last24h ?? 0 },
      quarantined: { total: quarantined?.total ?? 0, last24h: quarantined?.last24h ?? 0 },
      oldestPendingReceivedAt: oldestWaiting,
      queueLagSeconds: oldestWaiting ? Math.max(0, Math.round((now.getTime() - oldestWaiting.getTime()) / 1000)) : null,
      recentProblems: problems
        .filter((row) => row.source === source)
        .map((row) => ({
          // Delivery ids are bigint in the database and far below 2^53 in practice.
          id: Number(row.id),
          deliveryId: row.delivery_id,
          event: row.event,
          status: row.status,
          attempts: row.attempts,
          receivedAt: row.received_at,
          nextAttemptAt: row.status === "FAILED" ? row.next_attempt_at : null,
          lastError: row.last_error,
        })),
    };
  });
  return { asOf: now, sources };
}

type ProblemRow = {
  source: DeliverySource;
  id: bigint;
  delivery_id: string;
  event: string;
  status: "FAILED" | "QUARANTINED";
  attempts: number;
  received_at: Date;
  next_attempt_at: Date;
  last_error: string | null;
};
