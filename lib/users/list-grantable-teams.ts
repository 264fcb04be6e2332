// The teams a role can be limited to, by name, for the grant form's choice.
import { type DbOrTx, getDb } from "../db/client";

export async function listGrantableTeams(db: DbOrTx = getDb()): Promise<{ id: number; name: string }[]> {
  return db.team.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 5000 });
}
