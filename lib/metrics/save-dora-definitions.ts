// Stores new DORA definitions and recomputes the rollups under them. Definitions change what
// every rollup row means, so the rebuild covers all of them; at 1.6 million deployments it takes
// about 20 seconds (docs/metrics.md), acceptable for a rare operator action.
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { type Db, getDb } from "../db/client";
import { DORA_DEFINITIONS_KEY, type DoraDefinitions, parseStoredDoraDefinitions } from "./dora-definitions";
import { rebuildDoraRollups } from "./rebuild-dora-rollups";

export async function saveDoraDefinitions(
  definitions: DoraDefinitions,
  db: Db = getDb(),
  audit: AuditContext | null = null,
): Promise<{ definitions: DoraDefinitions; rebuilt: { rows: number; milliseconds: number } }> {
  const value = parseStoredDoraDefinitions(definitions);
  // The change and its audit event commit together; the rebuild that follows only derives numbers.
  await db.$transaction(async (tx) => {
    const previous = await tx.setting.findUnique({ where: { key: DORA_DEFINITIONS_KEY }, select: { value: true } });
    await tx.setting.upsert({ where: { key: DORA_DEFINITIONS_KEY }, create: { key: DORA_DEFINITIONS_KEY, value }, update: { value } });
    if (audit) {
      await recordAuditEvent(tx, {
        actor: audit.actor,
        action: "dora-definitions.changed",
        targetType: "dora-definitions",
        targetId: DORA_DEFINITIONS_KEY,
        reason: audit.reason,
        requestId: audit.requestId,
        outcome: "success",
        detail: { previous: parseStoredDoraDefinitions(previous?.value), definitions: value },
      });
    }
  });
  const rebuilt = await rebuildDoraRollups(db);
  return { definitions: value, rebuilt };
}
