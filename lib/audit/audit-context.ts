// Who is acting and under which request: what a privileged lib function needs to write its
// audit event in its own transaction. Route handlers build it from the signed-in viewer.
import { requestIdOf } from "./request-id";

export type AuditContext = {
  /** The person's email (the audit log's `actor`). */
  actor: string;
  requestId: string | null;
  /** Why, when the person said so. */
  reason?: string | null;
};

export function auditContextOf(viewer: { email: string }, request: Request, reason?: string | null): AuditContext {
  return { actor: viewer.email, requestId: requestIdOf(request), reason: reason ?? null };
}
