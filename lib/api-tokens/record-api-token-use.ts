// A token's use of a state-changing route (a rollback, a grant, an admin change): one
// `api-token.used` audit event naming the token, the method and the path. The action's own audit
// event (written by the route, as for a session) carries the same request id, so the two join.
import { recordAuditEvent } from "../audit/record-audit-event";
import { requestIdOf } from "../audit/request-id";
import type { Viewer, ViewerToken } from "../auth/roles";
import { type DbOrTx, getDb } from "../db/client";

export async function recordApiTokenUse(viewer: Viewer & { token: ViewerToken }, request: Request, db: DbOrTx = getDb()): Promise<void> {
  await recordAuditEvent(db, {
    actor: viewer.email,
    action: "api-token.used",
    targetType: "api-token",
    targetId: String(viewer.token.id),
    requestId: requestIdOf(request),
    outcome: "success",
    detail: { kind: viewer.token.kind, name: viewer.token.name, method: request.method.toUpperCase(), path: new URL(request.url).pathname },
  });
}
