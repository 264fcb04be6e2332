// The team that owns what a rollback scope names (an application, a deployment's application or
// a release), so a route handler can check "may this person roll back that team's service"
// before planning anything. 404 for an unknown id.
import type { DbOrTx } from "../db/client";
import { AppError } from "../http/app-error";
import type { RollbackScope } from "./rollback-plan";

export async function findRollbackScopeTeam(db: DbOrTx, scope: RollbackScope): Promise<{ serviceId: number; teamId: number | null }> {
  const service = { select: { id: true, teamId: true } } as const;
  let found: { id: number; teamId: number | null } | null | undefined;
  switch (scope.kind) {
    case "application":
      found = (await db.application.findUnique({ where: { id: scope.applicationId }, select: { service } }))?.service;
      if (!found) throw new AppError("not_found", `Application ${scope.applicationId} does not exist.`);
      break;
    case "deployment":
      found = (await db.deployment.findUnique({ where: { id: scope.deploymentId }, select: { application: { select: { service } } } }))?.application.service;
      if (!found) throw new AppError("not_found", `Deployment ${scope.deploymentId} does not exist.`);
      break;
    case "release":
      found = (await db.release.findUnique({ where: { id: scope.releaseId }, select: { service } }))?.service;
      if (!found) throw new AppError("not_found", `Release ${scope.releaseId} does not exist.`);
      break;
  }
  return { serviceId: found.id, teamId: found.teamId };
}
