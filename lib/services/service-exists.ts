// Whether a service has this name: one probe of services(name)'s unique index, so the route
// can answer 404 before it starts streaming the page (a streamed page can no longer change its status).
import { readDb, type DbOrTx } from "../db/client";

export async function serviceExists(name: string, db: DbOrTx = readDb()): Promise<boolean> {
  const rows = await db.$queryRaw<{ found: number }[]>`SELECT 1 AS found FROM services WHERE name = ${name}`;
  return rows.length > 0;
}
