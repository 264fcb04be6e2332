// Who is calling /api/v1: an API token when the request carries `Authorization: Bearer …`
// (lib/api-tokens; a bad one is a 401 with the reason, even beside a session cookie), else the
// session cookie (read-viewer.ts). Pages never come here, so a token cannot open the UI.
// Resolved once per Request: routes ask more than once (requireViewer, then requirePermission
// with the resource's team), and a token's use of a state-changing route is audited once.
import "server-only";
import { authenticateApiToken } from "../api-tokens/authenticate-api-token";
import { recordApiTokenUse } from "../api-tokens/record-api-token-use";
import { AppError } from "../http/app-error";
import { readViewer } from "./read-viewer";
import type { Viewer } from "./roles";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const resolved = new WeakMap<Request, Promise<Viewer | null>>();

export function readApiViewer(request: Request): Promise<Viewer | null> {
  let viewer = resolved.get(request);
  if (!viewer) {
    viewer = resolve(request);
    resolved.set(request, viewer);
  }
  return viewer;
}

async function resolve(request: Request): Promise<Viewer | null> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) return readViewer(request.headers);
  const bearer = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!bearer) {
    throw new AppError("unauthorized", "The Authorization header must be `Bearer <API token>`.", {
      details: { reason: "malformed" },
      headers: { "WWW-Authenticate": 'Bearer realm="shiplog"' },
    });
  }
  const viewer = await authenticateApiToken(bearer[1]!);
  if (viewer.token && !SAFE_METHODS.has(request.method.toUpperCase())) await recordApiTokenUse({ ...viewer, token: viewer.token }, request);
  return viewer;
}
