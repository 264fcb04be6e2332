// Storing a repository's commits and linking a release's commits from them take turns, per
// repository. Without it, two transactions applied at once (a push in one, the first sighting of
// a release built from one of its commits in another) each miss what the other wrote: the push
// finds no release to relink (the release is not committed yet) and the release's walk finds no
// commit (the push is not committed yet), so the release stays "commit … has not been received
// yet" although both arrived. Whoever takes the lock second waits for the first to commit, and
// its next statement sees the first's rows: the push then relinks the release, or the release
// links the pushed commits, exactly as applying them one after the other would.
//
// A transaction-scoped advisory lock in its own class (two-key form), held until commit; the
// worker's batches retry a deadlock between two of them as a whole (apply-delivery.ts).
import type { DbOrTx } from "../db/client";

/** The advisory lock class of repository histories: "HIST" in ASCII. */
const HISTORY_LOCK_CLASS = 0x4849_5354;

/**
 * Takes the history locks of `repositories` (one push's, or a batch's pushes') until the
 * transaction ends, in one order whoever asks, so two batches wait for each other rather than
 * each holding a lock the other needs.
 */
export async function lockRepositoryHistories(db: DbOrTx, repositories: string[]): Promise<void> {
  await db.$executeRaw`
    SELECT pg_advisory_xact_lock(${HISTORY_LOCK_CLASS}::int, h)
    FROM (SELECT DISTINCT hashtext(r) AS h FROM unnest(${repositories}::text[]) AS r ORDER BY 1) AS histories`;
}

/** Takes the history lock of the repository of the release's service (none without one). */
export async function lockReleaseHistory(db: DbOrTx, releaseId: number): Promise<void> {
  await db.$executeRaw`
    SELECT pg_advisory_xact_lock(${HISTORY_LOCK_CLASS}::int, hashtext(s.repository))
    FROM releases r JOIN services s ON s.id = r.service_id WHERE r.id = ${releaseId} AND s.repository IS NOT NULL`;
}
