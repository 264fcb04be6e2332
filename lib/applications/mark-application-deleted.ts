// An Argo CD application was deleted: it leaves the fleet views (deleted_at) but keeps its
// deployments and history. Applied only when no newer observation of the application has been
// recorded, so a deletion arriving late cannot hide an application recreated under the same
// name (a newer snapshot of a recreated application clears deleted_at again, see
// recordApplicationSnapshot), and only to the same incarnation when the uid is known.
import type { DbOrTx } from "../db/client";
import { type ClassificationRules, defaultClassificationRules } from "../fleet/classify-application";
import { recordServicePaths } from "../fleet/record-service-paths";

export type DeletedApplication = { instance: string; namespace: string; name: string; uid?: string | null };

/** True when an application was marked deleted. Its service's monorepo paths no longer count its own. */
export async function markApplicationDeleted(
  db: DbOrTx,
  application: DeletedApplication,
  deletion: { deletedAt: Date; observedAt: Date },
  rules: Pick<ClassificationRules, "pathsLabels"> = defaultClassificationRules,
): Promise<boolean> {
  const uid = application.uid ?? null;
  const updated = await db.$queryRaw<{ service_id: number }[]>`
    UPDATE applications a SET deleted_at = ${deletion.deletedAt}, updated_at = now(),
      -- The deletion is the newest observation: an older snapshot retried later cannot undo it.
      observed_at = GREATEST(a.observed_at, ${deletion.observedAt})
    FROM argo_instances i
    WHERE i.id = a.argo_instance_id AND i.name = ${application.instance}
      AND a.namespace = ${application.namespace} AND a.name = ${application.name}
      AND (${uid}::text IS NULL OR a.uid IS NULL OR a.uid = ${uid})
      AND (a.observed_at IS NULL OR a.observed_at <= ${deletion.observedAt})
    RETURNING a.service_id`;
  for (const row of updated) await recordServicePaths(db, row.service_id, rules);
  return updated.length > 0;
}
