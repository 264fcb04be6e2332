// The releases of a service nearest one release, newer and older, for the release page's
// "compare with" picker: two ranges over releases(service_id, first_seen_at), each capped, so
// a service with years of releases still answers a bounded list.
import { readDb, type DbOrTx } from "../db/client";

/** Releases listed on each side of the given one. */
export const RELEASES_EACH_SIDE = 100;

export type ReleaseChoice = { id: number; version: string; firstSeenAt: Date };

/** Newest first: up to `each` newer releases, the release itself, up to `each` older ones; empty when it does not exist. */
export async function listReleasesAround(id: number, each: number = RELEASES_EACH_SIDE, db: DbOrTx = readDb()): Promise<ReleaseChoice[]> {
  return db.$queryRaw<ReleaseChoice[]>`
    WITH me AS (SELECT id, service_id, first_seen_at FROM releases WHERE id = ${id})
    SELECT * FROM (
      (SELECT r.id, r.version, r.first_seen_at AS "firstSeenAt" FROM releases r, me
        WHERE r.service_id = me.service_id AND r.first_seen_at >= me.first_seen_at AND (r.first_seen_at, r.id) > (me.first_seen_at, me.id)
        ORDER BY r.first_seen_at, r.id LIMIT ${each})
      UNION ALL
      (SELECT r.id, r.version, r.first_seen_at FROM releases r JOIN me ON r.id = me.id)
      UNION ALL
      (SELECT r.id, r.version, r.first_seen_at FROM releases r, me
        WHERE r.service_id = me.service_id AND r.first_seen_at <= me.first_seen_at AND (r.first_seen_at, r.id) < (me.first_seen_at, me.id)
        ORDER BY r.first_seen_at DESC, r.id DESC LIMIT ${each})
    ) around
    ORDER BY "firstSeenAt" DESC, id DESC`;
}
