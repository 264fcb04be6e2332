// Whether a release id names a release: one primary-key probe, so the route can answer 404
// before it starts streaming the page (a streamed page can no longer change its status).
import { readDb, type DbOrTx } from "../db/client";

export async function releaseExists(id: number, db: DbOrTx = readDb()): Promise<boolean> {
  const rows = await db.$queryRaw<{ found: number }[]>`SELECT 1 AS found FROM releases WHERE id = ${id}`;
  return rows.length > 0;
}
