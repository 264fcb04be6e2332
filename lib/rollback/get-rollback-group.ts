// A rollback with the rest of its group and the group's one state: what GET /api/v1/rollbacks/{id}
// answers and the rollback page shows (and polls while it runs). Null for an unknown id.
import { z } from "zod";
import { idField } from "../api/query-fields";
import type { DbOrTx } from "../db/client";
import { listRollbackGroup } from "./get-rollback";
import { rollbackStateSchema, rollbackViewSchema, type RollbackView } from "./rollback-plan";
import { summarizeRollbackGroup } from "./summarize-rollback-group";

export const rollbackIdParams = z.object({ id: idField.meta({ description: "Rollback id." }) });

export const rollbackGroupSchema = z
  .object({
    id: z.number().int().meta({ description: "The rollback asked for." }),
    groupId: z.string().nullable(),
    state: rollbackStateSchema.meta({ description: "The group's state: failed once one failed, succeeded once all did, else the least advanced." }),
    finished: z.boolean().meta({ description: "Nothing in the group will change any more." }),
    rollbacks: z.array(rollbackViewSchema).meta({ description: "Every rollback of the group (one per application), by wave." }),
  })
  .meta({ id: "RollbackGroup" });
export type RollbackGroup = { id: number; groupId: string | null; state: RollbackView["state"]; finished: boolean; rollbacks: RollbackView[] };

export async function getRollbackGroup(db: DbOrTx, id: number): Promise<RollbackGroup | null> {
  const rollbacks = await listRollbackGroup(db, id);
  if (rollbacks.length === 0) return null;
  const { state, finished } = summarizeRollbackGroup(rollbacks);
  return { id, groupId: rollbacks[0]!.groupId, state, finished, rollbacks };
}
