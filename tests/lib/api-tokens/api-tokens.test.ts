// API tokens on the real database: created at most at the creator's scope, stored as a hash with a
// recognisable prefix, refused with the reason once revoked or expired, last-used written at most
// once a minute, and every creation, revocation and state-changing use audited.
import { describe, expect, it } from "vitest";
import { authenticateApiToken } from "@/lib/api-tokens/authenticate-api-token";
import { hashApiToken } from "@/lib/api-tokens/api-token-secret";
import { createApiTokenBody } from "@/lib/api-tokens/api-token-view";
import { createApiToken } from "@/lib/api-tokens/create-api-token";
import { listApiTokens } from "@/lib/api-tokens/list-api-tokens";
import { revokeApiToken } from "@/lib/api-tokens/revoke-api-token";
import { grantsCoverScope, scopeGrants } from "@/lib/api-tokens/token-scope";
import { forgetGrants } from "@/lib/auth/read-grants";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import type { Grant } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";

const db = getDb();
const audit = (actor: string) => ({ actor, requestId: null });
let sequence = 0;

async function person(grants: Grant[]) {
  sequence += 1;
  const user = await db.user.create({ data: { id: `tok-${sequence}`, name: `Person ${sequence}`, email: `person-${sequence}@shiplog.test` } });
  for (const grant of grants) await db.roleGrant.create({ data: { userId: user.id, role: grant.role, teamId: grant.teamId, source: "manual" } });
  forgetGrants(user.id);
  return { id: user.id, email: user.email, name: user.name, grants };
}

const body = (input: Record<string, unknown>) => createApiTokenBody.parse({ name: "ci", ...input });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("token scope (pure)", () => {
  it("covers a scope only with a grant of at least the role, fleet-wide or for that team", () => {
    expect(grantsCoverScope([{ role: "sre", teamId: null }], { role: "engineer", teamId: null })).toBe(true);
    expect(grantsCoverScope([{ role: "sre", teamId: null }], { role: "sre", teamId: 4 })).toBe(true);
    expect(grantsCoverScope([{ role: "sre", teamId: 4 }], { role: "sre", teamId: 4 })).toBe(true);
    expect(grantsCoverScope([{ role: "sre", teamId: 4 }], { role: "sre", teamId: null })).toBe(false);
    expect(grantsCoverScope([{ role: "sre", teamId: 4 }], { role: "sre", teamId: 5 })).toBe(false);
    expect(grantsCoverScope([{ role: "engineer", teamId: null }], { role: "sre", teamId: null })).toBe(false);
  });

  it("cuts the owner's grants down to the token's role and team", () => {
    const owner: Grant[] = [{ role: "viewer", teamId: null }, { role: "sre", teamId: 4 }, { role: "admin", teamId: 5 }];
    expect(scopeGrants(owner, { role: "engineer", teamId: null })).toEqual([{ role: "viewer", teamId: null }, { role: "engineer", teamId: 4 }, { role: "engineer", teamId: 5 }]);
    expect(scopeGrants(owner, { role: "sre", teamId: 4 })).toEqual([{ role: "viewer", teamId: 4 }, { role: "sre", teamId: 4 }]);
    expect(scopeGrants([{ role: "admin", teamId: null }], { role: "viewer", teamId: null })).toEqual([{ role: "viewer", teamId: null }]);
    expect(scopeGrants([], { role: "admin", teamId: null })).toEqual([]);
  });
});

describe("creating a token", () => {
  it("returns the secret once, stores only its SHA-256, and audits without it", async () => {
    const ada = await person([{ role: "engineer", teamId: null }]);
    const created = await createApiToken(ada, body({ role: "engineer", expiresInDays: 7 }), audit(ada.email), { now: new Date("2026-12-01T00:00:00Z") });
    expect(created.token).toMatch(/^shiplog_pat_[A-Za-z0-9_-]{43}$/);
    expect(created.hint).toBe(created.token.slice(0, 16));
    expect(created).toMatchObject({ kind: "personal", role: "engineer", teamId: null, owner: ada.email, createdBy: ada.email, status: "active" });
    expect(created.expiresAt.toISOString()).toBe("2026-12-08T00:00:00.000Z");
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "api-token.created", targetId: String(created.id) } });
    expect(event).toMatchObject({ actor: ada.email, targetType: "api-token", outcome: "success" });
    expect(JSON.stringify(event.detail)).not.toContain(created.token);
    expect((await listApiTokens(ada)).map((token) => token.id)).toEqual([created.id]);
  });

  it("never holds more than its creator: a higher role, a fleet-wide scope from a team grant, or a service token by a non-admin", async () => {
    const team = await db.team.create({ data: { slug: `team-${++sequence}`, name: "Team" } });
    const bo = await person([{ role: "viewer", teamId: null }, { role: "sre", teamId: team.id }]);
    expect((await refusal(createApiToken(bo, body({ role: "admin" }), audit(bo.email)))).status).toBe(403);
    expect((await refusal(createApiToken(bo, body({ role: "sre" }), audit(bo.email)))).message).toMatch(/cannot hold more than its creator/);
    expect((await refusal(createApiToken(bo, body({ role: "viewer", kind: "service" }), audit(bo.email)))).status).toBe(403);
    const teamToken = await createApiToken(bo, body({ role: "sre", teamId: team.id }), audit(bo.email));
    expect(teamToken).toMatchObject({ role: "sre", teamId: team.id });
    const boss = await person([{ role: "admin", teamId: null }]);
    expect((await refusal(createApiToken(boss, body({ role: "viewer", teamId: 999_999 }), audit(boss.email)))).status).toBe(400);
    expect(await db.apiToken.count({ where: { userId: bo.id } })).toBe(1);
  });

  it("refuses a bad body: an unknown role, zero days, more than a year, an unknown field", () => {
    for (const bad of [{ role: "root" }, { role: "viewer", expiresInDays: 0 }, { role: "viewer", expiresInDays: 400 }, { role: "viewer", scopes: ["all"] }, { role: "viewer", name: "" }]) {
      expect(createApiTokenBody.safeParse({ name: "x", ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("authenticating with a token", () => {
  it("acts as the owner with the owner's current grants cut to the token's scope", async () => {
    const cy = await person([{ role: "sre", teamId: null }]);
    const { token } = await createApiToken(cy, body({ role: "engineer" }), audit(cy.email));
    const viewer = await authenticateApiToken(token);
    expect(viewer).toMatchObject({ id: cy.id, email: cy.email, grants: [{ role: "engineer", teamId: null }], token: { kind: "personal", name: "ci" } });
    // The owner drops to viewer: the token drops with them.
    await db.roleGrant.updateMany({ where: { userId: cy.id }, data: { role: "viewer" } });
    forgetGrants(cy.id);
    expect((await authenticateApiToken(token)).grants).toEqual([{ role: "viewer", teamId: null }]);
  });

  it("a service token acts under its own name with exactly its scope", async () => {
    const boss = await person([{ role: "admin", teamId: null }]);
    const created = await createApiToken(boss, body({ name: "deploy-bot", kind: "service", role: "sre" }), audit(boss.email));
    expect(created.token).toMatch(/^shiplog_sat_/);
    expect(created.owner).toBeNull();
    const viewer = await authenticateApiToken(created.token);
    expect(viewer).toMatchObject({ id: `service-token:${created.id}`, email: `service-token:${created.id}`, name: "deploy-bot", grants: [{ role: "sre", teamId: null }] });
    expect((await listApiTokens(boss)).map((token) => token.id)).toContain(created.id);
    const other = await person([{ role: "engineer", teamId: null }]);
    expect((await listApiTokens(other)).map((token) => token.id)).not.toContain(created.id);
  });

  it("refuses unknown, malformed, expired and revoked tokens with 401 and the reason", async () => {
    const dee = await person([{ role: "viewer", teamId: null }]);
    const reasonOf = async (token: string, now?: Date) => ((await refusal(authenticateApiToken(token, now ? { now } : {}))).details as { reason: string }).reason;
    expect(await reasonOf("shiplog_pat_" + "A".repeat(43))).toBe("unknown");
    expect(await reasonOf("shiplog_argocd_abc")).toBe("malformed");
    const short = await createApiToken(dee, body({ role: "viewer", expiresInDays: 1 }), audit(dee.email));
    expect(await reasonOf(short.token, new Date(short.expiresAt.getTime() + 1))).toBe("expired");
    const refused = await refusal(authenticateApiToken(short.token, { now: short.expiresAt }));
    expect(refused.status).toBe(401);
    expect(refused.message).toMatch(/expired at/);
    expect(refused.headers["WWW-Authenticate"]).toMatch(/^Bearer/);
    await revokeApiToken(dee, short.id, audit(dee.email));
    expect(await reasonOf(short.token)).toBe("revoked");
  });

  it("writes last_used_at at most once a minute", async () => {
    const eve = await person([{ role: "viewer", teamId: null }]);
    const { id, token } = await createApiToken(eve, body({ role: "viewer" }), audit(eve.email));
    const t0 = new Date(Date.now() + 1000);
    const lastUsed = async () => (await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt?.toISOString();
    await authenticateApiToken(token, { now: t0 });
    expect(await lastUsed()).toBe(t0.toISOString());
    await authenticateApiToken(token, { now: new Date(t0.getTime() + 59_000) });
    expect(await lastUsed()).toBe(t0.toISOString());
    const later = new Date(t0.getTime() + 60_000);
    await authenticateApiToken(token, { now: later });
    expect(await lastUsed()).toBe(later.toISOString());
  });
});

describe("revoking a token", () => {
  it("its owner or an admin revokes it, once; others are refused; each revocation is audited", async () => {
    const fay = await person([{ role: "engineer", teamId: null }]);
    const gus = await person([{ role: "engineer", teamId: null }]);
    const boss = await person([{ role: "admin", teamId: null }]);
    const first = await createApiToken(fay, body({ role: "viewer" }), audit(fay.email));
    const second = await createApiToken(fay, body({ role: "viewer" }), audit(fay.email));
    expect((await refusal(revokeApiToken(gus, first.id, audit(gus.email)))).status).toBe(403);
    expect((await revokeApiToken(fay, first.id, audit(fay.email))).status).toBe("revoked");
    expect((await refusal(revokeApiToken(fay, first.id, audit(fay.email)))).status).toBe(409);
    expect((await revokeApiToken(boss, second.id, audit(boss.email))).status).toBe("revoked");
    expect((await refusal(revokeApiToken(boss, 999_999, audit(boss.email)))).status).toBe(404);
    const events = await db.auditEvent.findMany({ where: { action: "api-token.revoked", targetId: { in: [String(first.id), String(second.id)] } }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.actor)).toEqual([fay.email, boss.email]);
    expect((await listApiTokens(fay)).map((token) => token.status)).toEqual(["revoked", "revoked"]);
  });
});

describe("requireViewer with Authorization: Bearer", () => {
  it("resolves a token once per request and audits a state-changing use once", async () => {
    const hal = await person([{ role: "admin", teamId: null }]);
    const { id, token } = await createApiToken(hal, body({ role: "admin" }), audit(hal.email));
    const post = new Request("http://shiplog.test/api/v1/users/x/grants", { method: "POST", headers: { authorization: `Bearer ${token}` } });
    await requireViewer(post);
    expect((await requirePermission(post, "admin")).token?.id).toBe(id);
    const get = new Request("http://shiplog.test/api/v1/users", { headers: { authorization: `Bearer ${token}` } });
    await requirePermission(get, "admin");
    const uses = await db.auditEvent.findMany({ where: { action: "api-token.used", targetId: String(id) } });
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ actor: hal.email, detail: { method: "POST", path: "/api/v1/users/x/grants", kind: "personal" } });
  });

  it("answers 401 to a malformed Authorization header, even beside a session cookie", async () => {
    const request = new Request("http://shiplog.test/api/v1/services", { headers: { authorization: "Basic abc", cookie: "shiplog.session_token=x" } });
    const error = await refusal(requireViewer(request));
    expect(error.status).toBe(401);
    expect(error.details).toEqual({ reason: "malformed" });
  });
});
