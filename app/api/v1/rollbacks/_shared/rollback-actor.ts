// What the rollback routes share: the actor recorded for a signed-in person, the dependencies
// built from configuration, and running an approved rollback right after the answer is sent.
import { getDb } from "@/lib/db/client";
import type { Viewer } from "@/lib/auth/roles";
import { requestIdOf } from "@/lib/audit/request-id";
import { derivePublicBaseUrl } from "@/lib/http/derive-public-base-url";
import { executeRollback } from "@/lib/rollback/execute-rollback";
import { defaultRollbackDependencies, type RollbackDependencies } from "@/lib/rollback/rollback-dependencies";
import type { RollbackActor } from "@/lib/rollback/rollback-plan";

/** Audit rows and transitions name people by email; the request id ties them to the click. */
export function actorOf(viewer: Viewer, request: Request): RollbackActor {
  return { actor: viewer.email, requestId: requestIdOf(request) };
}

export function rollbackDependencies(request: Request): RollbackDependencies {
  return defaultRollbackDependencies({ publicBaseUrl: derivePublicBaseUrl(request.headers) });
}

/**
 * Starts the first wave without making the person wait for Argo CD or GitHub (each call has its
 * own time limit). Not awaited on purpose: the rollback runner of the inline worker picks up
 * anything approved that this misses (a restart, a crash), so nothing depends on it finishing.
 */
export function executeSoon(rollbackId: number, who: RollbackActor, deps: RollbackDependencies): void {
  void executeRollback(getDb(), rollbackId, who, deps).catch((error: unknown) => {
    console.error(`[rollback] executing rollback #${rollbackId} failed: ${(error as Error).message}`);
  });
}
