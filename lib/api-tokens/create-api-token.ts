// A signed-in person creates an API token: checked against what they hold (a token never carries
// more than its creator; a service token needs a fleet-wide admin), then the row and its
// `api-token.created` audit event in one transaction. The plaintext goes back once and is never
// written anywhere, the audit log included.
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { can, type Viewer } from "../auth/roles";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import { createApiTokenSecret } from "./api-token-secret";
import { type ApiTokenView, type CreateApiTokenInput, apiTokenViewSelect, toApiTokenView } from "./api-token-view";
import { grantsCoverScope } from "./token-scope";

const DAY_MS = 86_400_000;

export type CreatedApiToken = ApiTokenView & { token: string };

export async function createApiToken(
  creator: Pick<Viewer, "id" | "email" | "grants">,
  input: CreateApiTokenInput,
  audit: AuditContext,
  { db = getDb(), now = new Date() }: { db?: Db; now?: Date } = {},
): Promise<CreatedApiToken> {
  const scope = { role: input.role, teamId: input.teamId };
  if (input.kind === "service" && !can(creator, "admin")) {
    throw new AppError("forbidden", "Only a fleet-wide admin creates service tokens; create a personal token instead.", {
      details: { permission: "admin", requiredRole: "admin", teamId: null },
    });
  }
  if (!grantsCoverScope(creator.grants, scope)) {
    const where = scope.teamId === null ? "fleet-wide" : `for team ${scope.teamId} (or fleet-wide)`;
    throw new AppError("forbidden", `A token cannot hold more than its creator: ${creator.email} does not hold the ${scope.role} role ${where}.`, {
      details: { requiredRole: scope.role, teamId: scope.teamId },
    });
  }
  if (scope.teamId !== null && !(await db.team.findUnique({ where: { id: scope.teamId }, select: { id: true } }))) {
    throw new AppError("bad_request", `teamId: no team has id ${scope.teamId}.`);
  }
  const secret = createApiTokenSecret(input.kind);
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: {
        kind: input.kind,
        name: input.name,
        tokenHash: secret.tokenHash,
        hint: secret.hint,
        role: scope.role,
        teamId: scope.teamId,
        userId: input.kind === "personal" ? creator.id : null,
        createdById: creator.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS),
      },
      select: apiTokenViewSelect,
    });
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "api-token.created",
      targetType: "api-token",
      targetId: String(row.id),
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { kind: row.kind, name: row.name, hint: row.hint, role: row.role, teamId: row.teamId, expiresAt: row.expiresAt.toISOString() },
    });
    return { ...toApiTokenView(row, now), token: secret.token };
  });
}
