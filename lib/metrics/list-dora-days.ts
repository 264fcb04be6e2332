// Production DORA sums per UTC day for a scope and range: what every DORA read is built from.
import { getDb, type DbOrTx } from "../db/client";
import { computeDoraDaysFromRaw } from "./compute-dora-from-raw";
import type { DoraDefinitions } from "./dora-definitions";
import type { DoraWindow } from "./dora-window";
import type { DoraScope } from "./resolve-dora-scope";
import type { DoraDay } from "./summarize-dora";

export async function listDoraDays(
  scope: Pick<DoraScope, "teamId" | "serviceId">,
  range: Pick<DoraWindow, "from" | "to">,
  definitions: DoraDefinitions,
  db: DbOrTx = getDb(),
): Promise<DoraDay[]> {
  // TODO(rollups): read dora_daily rollups once they exist.
  return computeDoraDaysFromRaw(scope, range, definitions, db);
}
