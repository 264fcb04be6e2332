// Which deliveries may be processed now. Deliveries sharing an ordering key (one Argo CD
// application, one repository) are applied one at a time in the order they were received:
// only the oldest unfinished delivery of each key (its head) is a candidate, and only once its
// next_attempt_at has come. A head that failed and waits for its retry therefore holds back the
// deliveries received after it; a quarantined one no longer does. Deliveries without a key are
// each their own head.
//
// Read oldest first through the partial index of unfinished deliveries (received_at, id), each
// candidate checked for an older unfinished delivery of its key through the other partial index
// (ordering_key, received_at, id): a claim reads about `limit` heads however deep the backlog
// and however many million finished rows lie beside it. (Reading every unfinished delivery to
// pick each key's head, as DISTINCT ON did, cost the whole backlog on every claim.)
//
// The heads are read without locks. A head being processed right now is still unfinished in
// any snapshot taken before its transaction commits, so the delivery after it is never a
// candidate meanwhile; whoever then tries to lock the candidate (applyDelivery) skips it.
import type { DbOrTx } from "../../db/client";

export async function findDueDeliveries(db: DbOrTx, limit: number): Promise<bigint[]> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT d.id FROM webhook_deliveries d
    WHERE d.status IN ('PENDING', 'FAILED') AND d.next_attempt_at <= now()
      AND (d.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM webhook_deliveries older
        WHERE older.ordering_key = d.ordering_key AND older.status IN ('PENDING', 'FAILED')
          AND (older.received_at, older.id) < (d.received_at, d.id)))
    ORDER BY d.received_at, d.id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}
