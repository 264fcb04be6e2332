// Which deliveries may be processed now. Deliveries sharing an ordering key (one Argo CD
// application, one repository) are applied one at a time in the order they were received:
// only the oldest unfinished delivery of each key (its head) is a candidate, and only once its
// next_attempt_at has come. A head that failed and waits for its retry therefore holds back the
// deliveries received after it; a quarantined one no longer does. Deliveries without a key are
// each their own head.
//
// The heads are read without locks. A head being processed right now is still unfinished in
// any snapshot taken before its transaction commits, so the delivery after it is never a
// candidate meanwhile; whoever then tries to lock the candidate (applyDelivery) skips it.
import type { DbOrTx } from "../db/client";

export async function findDueDeliveries(db: DbOrTx, limit: number): Promise<bigint[]> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    WITH heads AS (
      SELECT DISTINCT ON (ordering_key, CASE WHEN ordering_key IS NULL THEN id END) id, received_at, next_attempt_at
      FROM webhook_deliveries
      WHERE status IN ('PENDING', 'FAILED')
      ORDER BY ordering_key, CASE WHEN ordering_key IS NULL THEN id END, received_at, id
    )
    SELECT id FROM heads WHERE next_attempt_at <= now()
    ORDER BY received_at, id
    LIMIT ${limit}`;
  return rows.map((row) => row.id);
}
