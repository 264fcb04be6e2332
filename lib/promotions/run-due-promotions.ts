// One pass of the promotion runner: advances every running promotion (soak time and wave time
// limits pass without Argo CD events), starts each running promotion's due wave (and continues
// one left half-started by a pause or a restart), and rolls back failed waves when the promotion
// asked for it. The route that creates, approves or resumes a promotion starts its wave at once;
// this pass catches the next waves (Argo CD events end a wave inside the ingestion worker, which
// makes no outbound calls).
import type { Db } from "../db/client";
import { advancePromotions } from "./advance-promotions";
import { executePromotionWave } from "./execute-promotion-wave";
import type { PromotionDependencies } from "./promotion-dependencies";
import { PROMOTION_SYSTEM_ACTOR } from "./promotion-states";
import { rollBackFailedWave } from "./roll-back-failed-wave";

/** Promotions started per pass; the rest wait for the next one. */
const PROMOTIONS_PER_PASS = 20;
/** Failed promotions whose automatic rollback is still looked after. */
const ROLLBACK_WINDOW_MS = 24 * 60 * 60_000;

export async function runDuePromotions(db: Db, deps: PromotionDependencies): Promise<{ started: number[]; succeeded: number[]; failed: number[]; rollbacks: number[] }> {
  const advanced = await db.$transaction((tx) => advancePromotions(tx, { now: deps.now() }));
  const due = await db.$queryRaw<{ id: number }[]>`
    SELECT p.id FROM promotions p JOIN promotion_waves w ON w.promotion_id = p.id AND w.index = p.current_wave
    WHERE p.state = 'RUNNING'
      AND (w.state = 'PENDING' OR (w.state = 'RUNNING' AND EXISTS (SELECT 1 FROM promotion_applications pa WHERE pa.wave_id = w.id AND pa.state = 'PENDING')))
    ORDER BY p.id LIMIT ${PROMOTIONS_PER_PASS}`;
  const started: number[] = [];
  for (const { id } of due) {
    const result = await executePromotionWave(db, id, { actor: PROMOTION_SYSTEM_ACTOR }, deps);
    if (result.changed.length || result.failed.length) started.push(id);
  }
  const toRollBack = await db.$queryRaw<{ id: number }[]>`
    SELECT DISTINCT p.id FROM promotions p
    JOIN promotion_waves w ON w.promotion_id = p.id AND w.state = 'FAILED'
    JOIN promotion_applications pa ON pa.wave_id = w.id AND pa.rollback_id IS NULL AND pa.changed_at IS NOT NULL
    JOIN applications a ON a.id = pa.application_id AND a.current_release_id = p.release_id
    WHERE p.state = 'FAILED' AND p.auto_rollback AND p.finished_at > ${new Date(deps.now().getTime() - ROLLBACK_WINDOW_MS)}
      AND (pa.error IS NULL OR pa.error NOT LIKE 'Not rolled back: %')
    ORDER BY p.id LIMIT ${PROMOTIONS_PER_PASS}`;
  const rollbacks: number[] = [];
  for (const { id } of toRollBack) rollbacks.push(...(await rollBackFailedWave(db, id, deps)).rollbackIds);
  return { started, succeeded: advanced.succeeded, failed: advanced.failed, rollbacks };
}
