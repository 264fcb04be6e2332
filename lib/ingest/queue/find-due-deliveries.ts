// Which deliveries may be processed now. Deliveries sharing an ordering key (one Argo CD
// application, one repository) are applied in the order they were received. A key's unfinished
// deliveries are candidates from the oldest on, as many as are due in a row: a batch may take
// several of one key (a repository's burst of pushes, an application's running, succeeded and
// deployed), and applies them in order (apply-delivery.ts). A delivery that failed and waits for
// its retry holds back the deliveries received after it; a quarantined one no longer does.
// Deliveries without a key are each their own.
//
// Read oldest first through the partial index of unfinished deliveries (received_at, id), each
// candidate checked for an older delivery of its key that is waiting for a retry through the
// other partial index (ordering_key, received_at, id): a claim reads about `limit` rows however
// deep the backlog and however many million finished rows lie beside it. Since candidates are
// read in received order, a candidate's older due deliveries come before it in the answer.
//
// Rows are read without locks, so a key's oldest delivery may be in another worker's
// transaction right now; whoever locks the rest checks that nothing older of their key is still
// unfinished outside what it locked (apply-delivery.ts: lockDeliveries), and skips them if so.
import type { DbOrTx } from "../../db/client";

export type DueDelivery = { id: bigint; orderingKey: string | null };

export async function findDueDeliveries(db: DbOrTx, limit: number): Promise<DueDelivery[]> {
  const rows = await db.$queryRaw<{ id: bigint; ordering_key: string | null }[]>`
    SELECT d.id, d.ordering_key FROM webhook_deliveries d
    WHERE d.status IN ('PENDING', 'FAILED') AND d.next_attempt_at <= now()
      AND (d.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM webhook_deliveries older
        WHERE older.ordering_key = d.ordering_key AND older.status IN ('PENDING', 'FAILED')
          AND (older.received_at, older.id) < (d.received_at, d.id) AND older.next_attempt_at > now()))
    ORDER BY d.received_at, d.id
    LIMIT ${limit}`;
  return rows.map((row) => ({ id: row.id, orderingKey: row.ordering_key }));
}
