// PUT /api/v1/metrics/definitions: a request body → validated definitions (400 with the reason
// otherwise, including production environments that do not exist) → stored, rollups recomputed.
import type { AuditContext } from "../audit/audit-context";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import { type DoraDefinitions, doraDefinitionsSchema } from "./dora-definitions";
import { saveDoraDefinitions } from "./save-dora-definitions";

export async function updateDoraDefinitions(body: unknown, db: Db = getDb(), audit: AuditContext | null = null): Promise<{ definitions: DoraDefinitions; rebuilt: { rows: number; milliseconds: number } }> {
  const definitions = doraDefinitionsSchema.parse(body);
  if (definitions.productionEnvironments !== null) {
    const known = new Set((await db.environment.findMany({ select: { name: true } })).map((environment) => environment.name));
    const unknown = definitions.productionEnvironments.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new AppError("bad_request", `productionEnvironments: no environment named ${unknown.join(", ")}`);
    }
  }
  return saveDoraDefinitions(definitions, db, audit);
}
