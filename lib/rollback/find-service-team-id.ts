// The team of a service (null for none), so a page can ask can(viewer, "rollback", { teamId })
// before it offers a "Roll back" control; one primary-key read.
import type { DbOrTx } from "../db/client";

export async function findServiceTeamId(db: DbOrTx, serviceId: number): Promise<number | null> {
  return (await db.service.findUnique({ where: { id: serviceId }, select: { teamId: true } }))?.teamId ?? null;
}
