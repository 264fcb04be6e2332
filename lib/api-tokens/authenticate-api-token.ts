// Who a bearer token acts as: the token's row by its hash (read at every request, so a revocation
// counts at once), refused with 401 and the reason when it is unknown, revoked or expired. A
// personal token acts as its owner with the owner's current grants cut to the token's scope; a
// service token acts as `service-token:<id>` with its own scope. last_used_at is written at most
// once a minute per token (the conditional UPDATE keeps replicas from writing it twice).
import { AppError } from "../http/app-error";
import type { Viewer } from "../auth/roles";
import { readGrants } from "../auth/read-grants";
import { type DbOrTx, getDb } from "../db/client";
import { API_TOKEN_PATTERN, hashApiToken } from "./api-token-secret";
import { scopeGrants } from "./token-scope";

export const LAST_USED_RESOLUTION_MS = 60_000;

const BEARER_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="shiplog"' };

function refuse(reason: string, message: string, hint?: string): AppError {
  return new AppError("unauthorized", message, { details: { reason, ...(hint ? { hint } : {}) }, headers: BEARER_CHALLENGE });
}

export async function authenticateApiToken(token: string, { db = getDb(), now = new Date() }: { db?: DbOrTx; now?: Date } = {}): Promise<Viewer> {
  if (!API_TOKEN_PATTERN.test(token)) {
    throw refuse("malformed", "The bearer token is not a Shiplog API token (those start with shiplog_pat_ or shiplog_sat_).");
  }
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: {
      id: true, kind: true, name: true, hint: true, role: true, teamId: true, expiresAt: true, lastUsedAt: true, revokedAt: true,
      user: { select: { id: true, email: true, name: true } },
    },
  });
  if (!row) throw refuse("unknown", "This API token is not known to Shiplog.");
  if (row.revokedAt) throw refuse("revoked", `API token ${row.hint}… ("${row.name}") was revoked at ${row.revokedAt.toISOString()}.`, row.hint);
  if (row.expiresAt <= now) throw refuse("expired", `API token ${row.hint}… ("${row.name}") expired at ${row.expiresAt.toISOString()}; create a new one.`, row.hint);

  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db.apiToken.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] }, data: { lastUsedAt: now } });
  }

  const used = { id: row.id, kind: row.kind, name: row.name };
  const scope = { role: row.role, teamId: row.teamId };
  if (row.kind === "service") {
    const actor = `service-token:${row.id}`;
    return { id: actor, email: actor, name: row.name, grants: [scope], token: used };
  }
  if (!row.user) throw refuse("unknown", "This API token has no owner any more.");
  const grants = scopeGrants(await readGrants(db, row.user.id), scope);
  return { id: row.user.id, email: row.user.email, name: row.user.name, grants, token: used };
}
