// Local accounts and sessions on a real database: cookie attributes, wrong passwords, no
// self-sign-up, revocation (sign-out and deleted sessions end access at once), removed roles
// ending within the grant cache's time, the first-start administrator, and the checks inside
// route handlers (401 anonymous, 403 without the role or from another site).
import { describe, expect, it } from "vitest";
import { POST as replayAllRoute } from "@/app/api/v1/deliveries/replay/route";
import { GET as servicesRoute } from "@/app/api/v1/services/route";
import { createLocalUser } from "@/lib/auth/create-local-user";
import { createAuth } from "@/lib/auth/get-auth";
import { GRANT_CACHE_MS, forgetGrants, readGrants } from "@/lib/auth/read-grants";
import { readViewer } from "@/lib/auth/read-viewer";
import { requirePermission, requireViewer } from "@/lib/auth/require-viewer";
import { getDb } from "@/lib/db/client";
import { parseConfig } from "@/lib/env";
import { ensureFirstAdmin } from "@/lib/ops/ensure-first-admin";
import { callRoute } from "../../support/read-api";
import { signIn, signedInRequest } from "../../support/sign-in";

const db = getDb();

function authFor(publicUrl: string) {
  return createAuth(db, parseConfig({ ...process.env, SHIPLOG_PUBLIC_URL: publicUrl }));
}

async function signInOver(auth: ReturnType<typeof createAuth>, base: string, email: string, password: string) {
  return auth.handler(
    new Request(`${base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email, password }),
    }),
  );
}

const sessionCookie = (response: Response) => response.headers.getSetCookie().find((line) => line.includes("session_token="));

describe("local sign-in", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie, Secure with the __Secure- prefix when served over https", async () => {
    const { email, password } = await createLocalUser(authFor("http://shiplog.test"), db, { email: "cookies@example.com", grants: [] });

    const plain = await signInOver(authFor("http://shiplog.test"), "http://shiplog.test", email, password);
    expect(plain.status).toBe(200);
    const httpCookie = sessionCookie(plain)!;
    expect(httpCookie).toMatch(/^shiplog\.session_token=/);
    expect(httpCookie).toMatch(/; HttpOnly/i);
    expect(httpCookie).toMatch(/; SameSite=Lax/i);
    expect(httpCookie).not.toMatch(/; Secure/i);

    const secure = await signInOver(authFor("https://shiplog.example.com"), "https://shiplog.example.com", email, password);
    expect(secure.status).toBe(200);
    const httpsCookie = sessionCookie(secure)!;
    expect(httpsCookie).toMatch(/^__Secure-shiplog\.session_token=/);
    expect(httpsCookie).toMatch(/; Secure/i);
    expect(httpsCookie).toMatch(/; HttpOnly/i);
    expect(httpsCookie).toMatch(/; SameSite=Lax/i);
    // No long-lived cookie cache that would outlive a revoked session.
    expect(secure.headers.getSetCookie().some((line) => line.includes("session_data"))).toBe(false);
  });

  it("refuses a wrong password and sign-ups by visitors", async () => {
    const auth = authFor("http://shiplog.test");
    const { email } = await createLocalUser(auth, db, { email: "wrong@example.com", password: "correct horse battery", grants: [] });
    const wrong = await signInOver(auth, "http://shiplog.test", email, "incorrect horse battery");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
    expect(sessionCookie(wrong)).toBeUndefined();

    const signUp = await auth.handler(
      new Request("http://shiplog.test/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://shiplog.test" },
        body: JSON.stringify({ email: "visitor@example.com", password: "a long enough password", name: "Visitor" }),
      }),
    );
    expect(signUp.status).toBeGreaterThanOrEqual(400);
    expect(await db.user.count({ where: { email: "visitor@example.com" } })).toBe(0);
  });
});

describe("sessions are server-side", () => {
  it("signing out ends the session at once", async () => {
    const user = await signIn([{ role: "viewer", teamId: null }]);
    const request = () => signedInRequest(user, "/api/v1/services");
    expect((await requireViewer(request())).email).toBe(user.email);

    const out = await authFor("http://shiplog.test").handler(
      new Request("http://shiplog.test/api/auth/sign-out", { method: "POST", headers: { cookie: user.cookie, origin: "http://shiplog.test", "content-type": "application/json" }, body: "{}" }),
    );
    expect(out.status).toBe(200);
    await expect(requireViewer(request())).rejects.toMatchObject({ status: 401 });
  });

  it("deleting a person's sessions (revocation) ends them at once", async () => {
    const user = await signIn([{ role: "admin", teamId: null }]);
    expect((await callRoute(servicesRoute, "/api/v1/services", {}, { as: user })).status).toBe(200);
    await db.session.deleteMany({ where: { userId: user.userId } });
    const after = await callRoute(servicesRoute, "/api/v1/services", {}, { as: user });
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ code: "unauthorized" });
  });

  it("a removed role stops working once the grant cache (at most a minute) has expired", async () => {
    expect(GRANT_CACHE_MS).toBeLessThanOrEqual(60_000);
    const user = await signIn([{ role: "sre", teamId: null }]);
    const now = Date.now();
    expect(await readGrants(db, user.userId, now)).toEqual([{ role: "sre", teamId: null }]);
    await db.roleGrant.deleteMany({ where: { userId: user.userId } });
    // Within the cache window another request of the same process may still see it...
    expect(await readGrants(db, user.userId, now + 1_000)).toEqual([{ role: "sre", teamId: null }]);
    // ...but not after it.
    expect(await readGrants(db, user.userId, now + GRANT_CACHE_MS + 1)).toEqual([]);
    forgetGrants();
    await expect(requirePermission(signedInRequest(user, "/api/v1/services"), "read")).rejects.toMatchObject({ status: 403 });
  });

  it("answers 401 for no cookie and for a cookie that is not a session", async () => {
    await expect(requireViewer(new Request("http://shiplog.test/api/v1/services"))).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    const forged = new Request("http://shiplog.test/api/v1/services", { headers: { cookie: "shiplog.session_token=made-up.signature" } });
    expect(await readViewer(forged.headers)).toBeNull();
  });
});

describe("checks inside route handlers", () => {
  const replayAll = async (user: Awaited<ReturnType<typeof signIn>> | null, headers: Record<string, string> = {}) => {
    const request = signedInRequest(user, "/api/v1/deliveries/replay", { method: "POST", headers });
    const response = await replayAllRoute(request, undefined);
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
  };

  it("reads need a session; replay needs an engineer on Shiplog's own origin", async () => {
    expect((await callRoute(servicesRoute, "/api/v1/services", {}, { as: null })).status).toBe(401);
    const viewer = await signIn([{ role: "viewer", teamId: null }]);
    const team = await db.team.create({ data: { slug: "checkout", name: "Checkout" } });
    const teamEngineer = await signIn([{ role: "engineer", teamId: team.id }]);
    const engineer = await signIn([{ role: "engineer", teamId: null }]);

    expect((await replayAll(null)).status).toBe(401);
    const refused = await replayAll(viewer);
    expect(refused.status).toBe(403);
    expect(refused.body.error!.message).toContain('Permission "replay" needs the engineer role fleet-wide');
    // Replaying every source's deliveries is fleet-wide: a team grant is not enough.
    expect((await replayAll(teamEngineer)).status).toBe(403);
    expect((await replayAll(engineer)).status).toBe(202);

    expect((await replayAll(engineer, { origin: "https://evil.example" })).status).toBe(403);
    const noOrigin = await replayAllRoute(new Request("http://shiplog.test/api/v1/deliveries/replay", { method: "POST", headers: { cookie: engineer.cookie } }), undefined);
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as { error: { message: string } }).error.message).toContain("no Origin");
  });
});

describe("who may read", () => {
  it("anyone with a role of any scope reads; a person without any role gets 403 saying so", async () => {
    const team = await db.team.create({ data: { slug: "reading", name: "Reading" } });
    const teamSre = await signIn([{ role: "sre", teamId: team.id }]);
    expect((await callRoute(servicesRoute, "/api/v1/services", {}, { as: teamSre })).status).toBe(200);
    const nobody = await signIn([]);
    const refused = await callRoute(servicesRoute, "/api/v1/services", {}, { as: nobody });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("has no role in Shiplog yet");
  });
});

describe("the first start", () => {
  it("creates one administrator with a printable one-time password, and nothing on later starts", async () => {
    await db.user.deleteMany();
    const settings = parseConfig({ ...process.env, SHIPLOG_ADMIN_EMAIL: "Root@Example.com" });
    const first = await ensureFirstAdmin(db, settings);
    expect(first).toMatchObject({ created: true, email: "root@example.com", password: expect.stringMatching(/^[\w-]{24}$/) });
    const admin = await db.user.findUniqueOrThrow({ where: { email: "root@example.com" }, include: { roleGrants: true, accounts: true } });
    expect(admin.roleGrants.map((grant) => [grant.role, grant.teamId, grant.source])).toEqual([["admin", null, "manual"]]);
    // Only a hash is stored.
    expect(admin.accounts[0]!.password).not.toContain((first as { password: string }).password);

    const signedIn = await signInOver(authFor("http://shiplog.test"), "http://shiplog.test", "root@example.com", (first as { password: string }).password);
    expect(signedIn.status).toBe(200);
    expect(await ensureFirstAdmin(db, settings)).toEqual({ created: false });
    expect(await db.user.count()).toBe(1);
  });

  it("uses SHIPLOG_ADMIN_PASSWORD when configured and never hands it back", async () => {
    await db.user.deleteMany();
    const settings = parseConfig({ ...process.env, SHIPLOG_ADMIN_EMAIL: "ops@example.com", SHIPLOG_ADMIN_PASSWORD: "configured password 1" });
    expect(await ensureFirstAdmin(db, settings)).toEqual({ created: true, email: "ops@example.com", password: null });
    expect((await signInOver(authFor("http://shiplog.test"), "http://shiplog.test", "ops@example.com", "configured password 1")).status).toBe(200);
  });
});
