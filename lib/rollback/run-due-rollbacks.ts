// One pass of the rollback runner: fails rollbacks stuck executing or waiting past the time
// limit, then executes every group's due wave (approved rollbacks whose earlier waves all
// succeeded; executeRollback does nothing while an earlier wave is still syncing). The route
// that requests or approves a rollback executes it at once; this pass catches the next waves
// (Argo CD events finish a wave inside the ingestion worker, which makes no outbound calls).
import { SYSTEM_ACTOR } from "./rollback-states";
import type { Db } from "../db/client";
import { advanceRollbacks } from "./advance-rollbacks";
import { executeRollback } from "./execute-rollback";
import type { RollbackDependencies } from "./rollback-dependencies";

/** Groups handled per pass; the rest wait for the next one. */
const GROUPS_PER_PASS = 20;

export async function runDueRollbacks(db: Db, deps: RollbackDependencies): Promise<{ failed: number[]; executed: number[] }> {
  const advanced = await db.$transaction((tx) => advanceRollbacks(tx, { now: deps.now(), timeoutMs: deps.settings.timeoutMs }));
  const due = await db.rollback.findMany({
    where: { state: "APPROVED" },
    distinct: ["groupId"],
    select: { id: true },
    orderBy: { groupId: "asc" },
    take: GROUPS_PER_PASS,
  });
  const executed: number[] = [];
  const failed = [...advanced.failed];
  for (const { id } of due) {
    const result = await executeRollback(db, id, { actor: SYSTEM_ACTOR }, deps);
    executed.push(...result.executed);
    failed.push(...result.failed);
  }
  return { failed, executed };
}
