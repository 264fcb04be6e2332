// An Argo CD application was deleted: it leaves the fleet views (deleted_at) but keeps its
// deployments and history. Applied only when no newer observation of the application has been
// recorded, so a deletion arriving late cannot hide an application recreated under the same
// name (a newer snapshot of a recreated application clears deleted_at again, see
// recordApplicationSnapshot), and only to the same incarnation when the uid is known.
import type { DbOrTx } from "../db/client";

export type DeletedApplication = { instance: string; namespace: string; name: string; uid?: string | null };

/** True when an application was marked deleted. */
export async function markApplicationDeleted(
  db: DbOrTx,
  application: DeletedApplication,
  deletion: { deletedAt: Date; observedAt: Date },
): Promise<boolean> {
  const uid = application.uid ?? null;
  const updated = await db.$executeRaw`
    UPDATE applications a SET deleted_at = ${deletion.deletedAt}, updated_at = now()
    FROM argo_instances i
    WHERE i.id = a.argo_instance_id AND i.name = ${application.instance}
      AND a.namespace = ${application.namespace} AND a.name = ${application.name}
      AND (${uid}::text IS NULL OR a.uid IS NULL OR a.uid = ${uid})
      AND (a.observed_at IS NULL OR a.observed_at <= ${deletion.observedAt})`;
  return updated > 0;
}
