// API tokens over real HTTP against `next start` (a server and database of this file's own): a
// token made with a session reads with `Authorization: Bearer` through the proxy and changes a
// grant (audited as api-token.used beside role.granted, one request id); revoked and expired
// tokens are refused with 401 and the reason; a token opens no page and creates no token.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiTokenBody } from "../../lib/api-tokens/api-token-view";
import { createApiToken } from "../../lib/api-tokens/create-api-token";
import { createDb } from "../../lib/db/client";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";

let baseUrl: string;
let admin: TestUser;
let db: ReturnType<typeof createDb>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_api_tokens", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  const server = await startShiplogServer(database.url);
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  admin = await server.signIn([{ role: "admin", teamId: null }]);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const bearer = (token: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) }, redirect: "manual" as const });

/** Creates a token as a signed-in browser would (session cookie and Shiplog's Origin). */
async function createWithSession(body: Record<string, unknown>) {
  const response = await fetch(`${baseUrl}/api/v1/tokens`, {
    method: "POST",
    headers: { cookie: admin.cookie, origin: baseUrl, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; token: string; hint: string };
}

describe("API tokens over HTTP", () => {
  it("a token made with a session reads and changes a grant with Authorization: Bearer; the change is audited", async () => {
    const created = await createWithSession({ name: "http-test", role: "admin", expiresInDays: 1 });
    expect(created.token).toMatch(/^shiplog_pat_/);

    const read = await fetch(`${baseUrl}/api/v1/services`, bearer(created.token));
    expect(read.status).toBe(200);
    expect(await read.json()).toHaveProperty("items");

    const person = await db.user.create({ data: { id: "http-token-target", name: "Target", email: "target@shiplog.test" } });
    const granted = await fetch(
      `${baseUrl}/api/v1/users/${person.id}/grants`,
      bearer(created.token, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: "viewer", teamId: null, reason: "by script" }) }),
    );
    expect(granted.status, await granted.clone().text()).toBe(200);
    const requestId = granted.headers.get("x-request-id");
    const events = await db.auditEvent.findMany({ where: { requestId }, orderBy: { id: "asc" } });
    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ["api-token.used", admin.email],
      ["role.granted", admin.email],
    ]);
    expect(events[0]!.detail).toMatchObject({ method: "POST", path: `/api/v1/users/${person.id}/grants`, name: "http-test" });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });

  it("refuses a revoked token with 401 and the reason", async () => {
    const created = await createWithSession({ name: "to-revoke", role: "viewer" });
    const revoked = await fetch(`${baseUrl}/api/v1/tokens/${created.id}`, bearer(created.token, { method: "DELETE" }));
    expect(revoked.status).toBe(200);
    const refused = await fetch(`${baseUrl}/api/v1/services`, bearer(created.token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="shiplog"');
    const { error } = (await refused.json()) as { error: { message: string; details: { reason: string } } };
    expect(error.details.reason).toBe("revoked");
    expect(error.message).toContain(`${created.hint}… ("to-revoke") was revoked at`);
  });

  it("refuses an expired token with 401 and the reason", async () => {
    const creator = { id: admin.userId, email: admin.email, grants: admin.grants };
    const old = await createApiToken(creator, createApiTokenBody.parse({ name: "old", role: "viewer", expiresInDays: 1 }), { actor: admin.email, requestId: null }, { db, now: new Date(Date.now() - 2 * 86_400_000) });
    const refused = await fetch(`${baseUrl}/api/v1/deployments`, bearer(old.token));
    expect(refused.status).toBe(401);
    const { error } = (await refused.json()) as { error: { message: string; details: { reason: string } } };
    expect(error.details.reason).toBe("expired");
    expect(error.message).toMatch(/expired at .*; create a new one/);
  });

  it("answers an unknown or malformed token from the route, not the proxy", async () => {
    const unknown = await fetch(`${baseUrl}/api/v1/services`, bearer(`shiplog_pat_${"x".repeat(43)}`));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe("unknown");
    const webhookToken = await fetch(`${baseUrl}/api/v1/services`, bearer("e2e-argocd-token"));
    expect(((await webhookToken.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe("malformed");
  });

  it("opens no page and creates no token", async () => {
    const created = await createWithSession({ name: "not-for-pages", role: "admin" });
    for (const page of ["/", "/settings/users", "/settings/api-tokens"]) {
      const response = await fetch(`${baseUrl}${page}`, bearer(created.token));
      expect(response.status, page).toBe(307);
      expect(new URL(response.headers.get("location")!, baseUrl).pathname, page).toBe("/sign-in");
    }
    const minted = await fetch(
      `${baseUrl}/api/v1/tokens`,
      bearer(created.token, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "child", role: "viewer" }) }),
    );
    expect(minted.status).toBe(403);
    expect(((await minted.json()) as { error: { message: string } }).error.message).toMatch(/not by another token/);
  });
});
