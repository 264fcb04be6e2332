// A person's grants, read from the database and kept for at most GRANT_CACHE_MS per process, so a
// removed role stops working within a minute while a page's burst of requests costs one query.
import type { DbOrTx } from "../db/client";
import type { Grant } from "./roles";

export const GRANT_CACHE_MS = 30_000;

const cache = new Map<string, { grants: Grant[]; readAt: number }>();

export async function readGrants(db: DbOrTx, userId: string, now = Date.now()): Promise<Grant[]> {
  const hit = cache.get(userId);
  if (hit && now - hit.readAt < GRANT_CACHE_MS) return hit.grants;
  const rows = await db.roleGrant.findMany({ where: { userId }, select: { role: true, teamId: true }, orderBy: { id: "asc" } });
  const grants = rows.map((row) => ({ role: row.role, teamId: row.teamId }));
  if (cache.size > 10_000) cache.clear();
  cache.set(userId, { grants, readAt: now });
  return grants;
}

/** Drops the cached grants of one person (after this process changed them), or of everyone. */
export function forgetGrants(userId?: string): void {
  if (userId === undefined) cache.clear();
  else cache.delete(userId);
}
