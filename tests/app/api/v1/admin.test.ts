// The admin API in-process on a real database: users and grants (grant, revoke, identity-provider
// grants and the last fleet-wide admin refused, sessions revoked), webhook tokens (shown once,
// stored hashed, revoked), the audit log — each change audited with who, target, request id.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listAudit } from "@/app/api/v1/audit/route";
import { DELETE as revokeGrant } from "@/app/api/v1/users/[id]/grants/[grantId]/route";
import { POST as addGrant } from "@/app/api/v1/users/[id]/grants/route";
import { DELETE as revokeSessions } from "@/app/api/v1/users/[id]/sessions/route";
import { GET as listUsersRoute } from "@/app/api/v1/users/route";
import { DELETE as revokeToken } from "@/app/api/v1/webhook-tokens/[id]/route";
import { GET as listTokens, POST as createToken } from "@/app/api/v1/webhook-tokens/route";
import { getDb } from "@/lib/db/client";
import { hashWebhookToken } from "@/lib/webhook-tokens/hash-webhook-token";
import { as, signIn, signedInRequest, type TestUser } from "../../../support/sign-in";

let admin: TestUser;
let viewer: TestUser;
let teamId: number;

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const ctx = <P extends Record<string, string>>(params: P) => ({ params: Promise.resolve(params) });

async function call(response: Promise<Response>) {
  const answer = await response;
  const text = await answer.text();
  return { status: answer.status, headers: answer.headers, text, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  teamId = (await getDb().team.create({ data: { slug: "payments", name: "Payments" } })).id;
  admin = await signIn(as("admin"), { email: "root-admin@shiplog.test" });
  viewer = await signIn(as("viewer"), { email: "plain-viewer@shiplog.test" });
});

describe("users and grants", () => {
  it("lists people with their grants and live sessions, never a password", async () => {
    const answer = await call(listUsersRoute(signedInRequest(admin, "/api/v1/users?q=shiplog.test"), ctx({})));
    expect(answer.status).toBe(200);
    const emails = answer.body.items.map((user: { email: string }) => user.email);
    expect(emails).toEqual([...emails].sort());
    const listed = answer.body.items.find((user: { email: string }) => user.email === viewer.email);
    expect(listed).toMatchObject({ activeSessions: 1, grants: [{ role: "viewer", teamId: null, source: "manual" }] });
    expect(answer.text).not.toContain(viewer.password);
    expect(answer.text).not.toMatch(/password|token/i);
  });

  it("grants a team role, audited with who, target, reason and request id", async () => {
    const answer = await call(
      addGrant(
        signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants`, { method: "POST", ...json({ role: "sre", teamId, reason: "joins on-call" }), headers: { "x-request-id": "grant-req-1" } }),
        ctx({ id: viewer.userId }),
      ),
    );
    expect(answer.status).toBe(200);
    const grant = await getDb().roleGrant.findUniqueOrThrow({ where: { id: answer.body.id } });
    expect(grant).toMatchObject({ userId: viewer.userId, role: "sre", teamId, source: "manual" });
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "role.granted", targetId: viewer.userId } });
    expect(audit).toMatchObject({ actor: admin.email, targetType: "user", reason: "joins on-call", requestId: "grant-req-1", outcome: "success" });
    expect(audit.detail).toMatchObject({ role: "sre", teamId, team: "Payments", email: viewer.email });
    expect(answer.headers.get("x-request-id")).toBe("grant-req-1");

    const again = await call(addGrant(signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants`, { method: "POST", ...json({ role: "sre", teamId }) }), ctx({ id: viewer.userId })));
    expect(again.status).toBe(409);
    const badTeam = await call(addGrant(signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants`, { method: "POST", ...json({ role: "sre", teamId: 999_999 }) }), ctx({ id: viewer.userId })));
    expect(badTeam.status).toBe(400);
    const badRole = await call(addGrant(signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants`, { method: "POST", ...json({ role: "god" }) }), ctx({ id: viewer.userId })));
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.message).toMatch(/role/);
  });

  it("revokes a manual grant (audited) and refuses identity-provider grants", async () => {
    const grant = await getDb().roleGrant.findFirstOrThrow({ where: { userId: viewer.userId, role: "sre" } });
    const answer = await call(revokeGrant(signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants/${grant.id}`, { method: "DELETE" }), ctx({ id: viewer.userId, grantId: String(grant.id) })));
    expect(answer.status).toBe(204);
    expect(await getDb().roleGrant.findUnique({ where: { id: grant.id } })).toBeNull();
    expect(await getDb().auditEvent.count({ where: { action: "role.revoked", targetId: viewer.userId, outcome: "success" } })).toBe(1);

    const idp = await getDb().roleGrant.create({ data: { userId: viewer.userId, role: "engineer", teamId: null, source: "idp", group: "eng" } });
    const refused = await call(revokeGrant(signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants/${idp.id}`, { method: "DELETE" }), ctx({ id: viewer.userId, grantId: String(idp.id) })));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/identity provider group "eng"/);
    const missing = await call(revokeGrant(signedInRequest(admin, `/api/v1/users/${viewer.userId}/grants/999999`, { method: "DELETE" }), ctx({ id: viewer.userId, grantId: "999999" })));
    expect(missing.status).toBe(404);
  });

  it("refuses removing the last fleet-wide admin, allows it once another admin exists", async () => {
    const own = await getDb().roleGrant.findFirstOrThrow({ where: { userId: admin.userId, role: "admin" } });
    const request = () => signedInRequest(admin, `/api/v1/users/${admin.userId}/grants/${own.id}`, { method: "DELETE" });
    const refused = await call(revokeGrant(request(), ctx({ id: admin.userId, grantId: String(own.id) })));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/last fleet-wide admin/);
    expect(await getDb().roleGrant.findUnique({ where: { id: own.id } })).not.toBeNull();

    // A team-scoped admin does not count: only a fleet-wide one can administer Shiplog.
    await signIn([{ role: "admin", teamId }]);
    expect((await call(revokeGrant(request(), ctx({ id: admin.userId, grantId: String(own.id) })))).status).toBe(409);

    const second = await signIn(as("admin"));
    expect((await call(revokeGrant(request(), ctx({ id: admin.userId, grantId: String(own.id) })))).status).toBe(204);
    // Give it back through the second admin, so later tests still have a fleet-wide admin in `admin`.
    const back = await call(addGrant(signedInRequest(second, `/api/v1/users/${admin.userId}/grants`, { method: "POST", ...json({ role: "admin", teamId: null }) }), ctx({ id: admin.userId })));
    expect(back.status).toBe(200);
  });

  it("revokes every session of a person: their cookie stops working", async () => {
    const target = await signIn(as("engineer"));
    expect((await call(listUsersRoute(signedInRequest(admin, "/api/v1/users"), ctx({})))).status).toBe(200);
    const answer = await call(revokeSessions(signedInRequest(admin, `/api/v1/users/${target.userId}/sessions`, { method: "DELETE", ...json({ reason: "laptop lost" }) }), ctx({ id: target.userId })));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ revoked: 1 });
    expect(await getDb().session.count({ where: { userId: target.userId } })).toBe(0);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "sessions.revoked", targetId: target.userId } });
    expect(audit).toMatchObject({ reason: "laptop lost", outcome: "success", detail: { sessions: 1 } });
    // Their old cookie now reads as anonymous.
    expect((await call(listAudit(signedInRequest(target, "/api/v1/audit"), ctx({})))).status).toBe(401);
  });
});

describe("webhook tokens", () => {
  it("creates a token shown once, stores only its hash, and never lists it", async () => {
    const created = await call(createToken(signedInRequest(admin, "/api/v1/webhook-tokens", { method: "POST", ...json({ source: "argocd", name: "prod-eu" }) }), ctx({})));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: "ARGOCD", name: "prod-eu" });
    const token: string = created.body.token;
    expect(token).toMatch(/^shiplog_argocd_/);
    const row = await getDb().webhookToken.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.tokenHash).toBe(hashWebhookToken(token));
    expect(row.tokenHash).not.toContain(token);

    const listed = await call(listTokens(signedInRequest(admin, "/api/v1/webhook-tokens"), ctx({})));
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, name: "prod-eu", revokedAt: null })]);
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(row.tokenHash);

    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "token.created", targetId: String(created.body.id) } });
    expect(audit).toMatchObject({ actor: admin.email, targetType: "webhook-token", outcome: "success", detail: { source: "ARGOCD", name: "prod-eu" } });
    expect(JSON.stringify((await getDb().auditEvent.findMany()).map((event) => [event.reason, event.detail, event.targetId]))).not.toContain(token);

    const duplicate = await call(createToken(signedInRequest(admin, "/api/v1/webhook-tokens", { method: "POST", ...json({ source: "argocd", name: "prod-eu" }) }), ctx({})));
    expect(duplicate.status).toBe(409);
    const github = await call(createToken(signedInRequest(admin, "/api/v1/webhook-tokens", { method: "POST", ...json({ source: "github", name: "x" }) }), ctx({})));
    expect(github.status).toBe(400);
  });

  it("revokes a token once (audited); a second revoke is a 409", async () => {
    const token = await getDb().webhookToken.findFirstOrThrow({ where: { name: "prod-eu" } });
    const revoked = await call(revokeToken(signedInRequest(admin, `/api/v1/webhook-tokens/${token.id}`, { method: "DELETE" }), ctx({ id: String(token.id) })));
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await call(revokeToken(signedInRequest(admin, `/api/v1/webhook-tokens/${token.id}`, { method: "DELETE" }), ctx({ id: String(token.id) })))).status).toBe(409);
    expect((await call(revokeToken(signedInRequest(admin, "/api/v1/webhook-tokens/4242", { method: "DELETE" }), ctx({ id: "4242" })))).status).toBe(404);
    expect(await getDb().auditEvent.count({ where: { action: "token.revoked", targetId: String(token.id) } })).toBe(1);
  });
});

describe("the audit log API", () => {
  it("answers admins with the events just recorded, filtered", async () => {
    const answer = await call(listAudit(signedInRequest(admin, "/api/v1/audit?targetType=webhook-token&limit=10"), ctx({})));
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((event: { action: string }) => event.action)).toEqual(["token.revoked", "token.created"]);
    const bad = await call(listAudit(signedInRequest(admin, "/api/v1/audit?outcome=maybe"), ctx({})));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/outcome/);
  });

  it("refuses a viewer (403) and an anonymous caller (401)", async () => {
    expect((await call(listAudit(signedInRequest(viewer, "/api/v1/audit"), ctx({})))).status).toBe(403);
    expect((await call(listAudit(signedInRequest(null, "/api/v1/audit"), ctx({})))).status).toBe(401);
  });
});
