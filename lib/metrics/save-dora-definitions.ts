// Stores new DORA definitions and recomputes the rollups under them. Definitions change what
// every rollup row means, so the rebuild covers all of them; at 1.6 million deployments it takes
// about 20 seconds (docs/metrics.md), acceptable for a rare operator action.
import { type Db, getDb } from "../db/client";
import { DORA_DEFINITIONS_KEY, type DoraDefinitions, parseStoredDoraDefinitions } from "./dora-definitions";
import { rebuildDoraRollups } from "./rebuild-dora-rollups";

export async function saveDoraDefinitions(
  definitions: DoraDefinitions,
  db: Db = getDb(),
): Promise<{ definitions: DoraDefinitions; rebuilt: { rows: number; milliseconds: number } }> {
  const value = parseStoredDoraDefinitions(definitions);
  await db.setting.upsert({ where: { key: DORA_DEFINITIONS_KEY }, create: { key: DORA_DEFINITIONS_KEY, value }, update: { value } });
  const rebuilt = await rebuildDoraRollups(db);
  return { definitions: value, rebuilt };
}
