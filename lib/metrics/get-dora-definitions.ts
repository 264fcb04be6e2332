// The DORA definitions in force: the stored choice, or the defaults.
import { getDb, type DbOrTx } from "../db/client";
import { DORA_DEFINITIONS_KEY, parseStoredDoraDefinitions, type DoraDefinitions } from "./dora-definitions";

export async function getDoraDefinitions(db: DbOrTx = getDb()): Promise<DoraDefinitions> {
  const row = await db.setting.findUnique({ where: { key: DORA_DEFINITIONS_KEY } });
  return parseStoredDoraDefinitions(row?.value);
}
