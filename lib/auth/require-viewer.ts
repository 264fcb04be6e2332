// The checks at the top of every /api/v1 route handler (the proxy only redirects; this is the
// authorization that counts). The caller is a session or an API token (read-api-viewer.ts), and
// every check below treats both alike. Pages use requirePageViewer (app/_auth/require-page-viewer.ts),
// which redirects to /sign-in instead of throwing, because lib/ never imports next/*.
import { AppError } from "../http/app-error";
import { type Permission, REQUIRED_ROLE, type Scope, type Viewer, can, canAnywhere } from "./roles";
import { readApiViewer } from "./read-api-viewer";

/** The signed-in viewer (or API token) of the request, or AppError 401. */
export async function requireViewer(request: Request): Promise<Viewer> {
  const viewer = await readApiViewer(request);
  if (!viewer) {
    throw new AppError("unauthorized", "Sign in, or send an API token as `Authorization: Bearer <token>`: this request carries neither a valid session nor a token.", {
      headers: { "WWW-Authenticate": 'Cookie realm="shiplog", Bearer realm="shiplog"' },
    });
  }
  return viewer;
}

/** The viewer if they hold `permission` for `scope` (fleet-wide when omitted); else 401 or 403 naming what is missing. */
export async function requirePermission(request: Request, permission: Permission, scope?: Scope): Promise<Viewer> {
  const viewer = await requireViewer(request);
  assertPermission(viewer, permission, scope);
  return viewer;
}

/**
 * The viewer if they may read at all: any role, fleet-wide or for a team (reads are not split by
 * team; team scopes limit what people may change). Else 401 or 403.
 */
export async function requireReader(request: Request): Promise<Viewer> {
  const viewer = await requireViewer(request);
  if (!canAnywhere(viewer, "read")) {
    throw new AppError("forbidden", `${viewer.email} is signed in but has no role in Shiplog yet; an administrator grants one.`, {
      details: { permission: "read", requiredRole: "viewer", teamId: null },
    });
  }
  return viewer;
}

/** Throws 403 unless the viewer holds `permission` for `scope`. */
export function assertPermission(viewer: Viewer, permission: Permission, scope?: Scope): void {
  if (can(viewer, permission, scope)) return;
  const where = scope?.teamId != null ? `for team ${scope.teamId} (or fleet-wide)` : "fleet-wide";
  throw new AppError("forbidden", `Permission "${permission}" needs the ${REQUIRED_ROLE[permission]} role ${where}; ${viewer.email} does not have it.`, {
    details: { permission, requiredRole: REQUIRED_ROLE[permission], teamId: scope?.teamId ?? null },
  });
}
