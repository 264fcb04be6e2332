// What applying a delivery sets off besides its own writes, collected while a batch of deliveries
// is applied in one transaction (lib/ingest/queue/apply-delivery.ts: applyDeliveries) and done
// once before that transaction commits: one NOTIFY for every deployment written instead of one
// per delivery, and one look at the rollbacks waiting on any of the applications recorded
// instead of one each.
// Both still commit (or roll back) with the deliveries, so nothing is announced that is not stored.
import type { DbOrTx } from "../../db/client";
import { notifyDeploymentsChanged } from "../../deployments/notify-deployments-changed";
import { advancePromotions } from "../../promotions/advance-promotions";
import { advanceRollbacks } from "../../rollback/advance-rollbacks";

export class DeliveryEffects {
  private readonly deployments = new Set<number>();
  private readonly applications = new Set<number>();

  /** Open timelines hear of this deployment when the transaction commits. */
  deploymentChanged(id: number): void {
    this.deployments.add(id);
  }

  /** A rollback or promotion wave waiting for this application's sync moves on from what was recorded. */
  applicationRecorded(id: number): void {
    this.applications.add(id);
  }

  /** Does the collected work in `db` (the batch's transaction), once. */
  async flush(db: DbOrTx): Promise<void> {
    await notifyDeploymentsChanged(db, [...this.deployments]);
    if (this.applications.size > 0) {
      await advanceRollbacks(db, { applicationIds: [...this.applications] });
      await advancePromotions(db, { applicationIds: [...this.applications] });
    }
    this.deployments.clear();
    this.applications.clear();
  }
}
