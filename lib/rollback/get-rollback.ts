// One rollback with its application, releases and every transition, as the API and pages show
// it; null for an unknown id. listRollbackGroup gives every rollback of its group (waves).
import type { DbOrTx } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import type { RollbackView } from "./rollback-plan";

const include = {
  application: { select: { id: true, name: true, namespace: true, cluster: { select: { name: true } }, environment: { select: { name: true } }, service: { select: { id: true, name: true, teamId: true } } } },
  fromRelease: { select: { id: true, version: true } },
  toRelease: { select: { id: true, version: true } },
  transitions: { orderBy: { id: "asc" as const } },
} as const;

export async function getRollback(db: DbOrTx, id: number): Promise<RollbackView | null> {
  const row = await db.rollback.findUnique({ where: { id }, include });
  return row ? viewOf(row) : null;
}

export async function listRollbackGroup(db: DbOrTx, id: number): Promise<RollbackView[]> {
  const row = await db.rollback.findUnique({ where: { id }, select: { id: true, groupId: true } });
  if (!row) return [];
  const rows = await db.rollback.findMany({ where: row.groupId ? { groupId: row.groupId } : { id }, include, orderBy: [{ wave: "asc" }, { id: "asc" }] });
  return rows.map(viewOf);
}

type Row = Prisma.RollbackGetPayload<{ include: typeof include }>;

function viewOf(row: Row): RollbackView {
  const app = row.application;
  return {
    id: row.id,
    groupId: row.groupId,
    wave: row.wave,
    application: { id: app.id, name: app.name, namespace: app.namespace, cluster: app.cluster.name, environment: app.environment.name },
    service: app.service,
    method: row.method,
    state: row.state,
    reason: row.reason,
    requestedBy: row.requestedBy,
    approvedBy: row.approvedBy,
    approvalRequired: row.approvalRequired,
    fromRelease: row.fromRelease,
    toRelease: row.toRelease,
    argoHistoryId: row.argoHistoryId,
    pullRequestUrl: row.pullRequestUrl,
    error: row.error,
    requestedAt: row.requestedAt.toISOString(),
    stateChangedAt: row.stateChangedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    resultDeploymentId: row.resultDeploymentId,
    transitions: row.transitions.map((transition) => ({
      fromState: transition.fromState,
      toState: transition.toState,
      actor: transition.actor,
      note: transition.note,
      at: transition.at.toISOString(),
    })),
  };
}
